package minutes

import (
	"context"
	"errors"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/reply"
)

// OnMessage captures prefixed messages into the channel's open meeting and follows the edits
// and deletions of captured ones. Messages without a prefix cost no store access.
func (s *Feature) OnMessage(ctx context.Context, ev reply.MessageEvent) []reply.Post {
	s.mem.remember(ev)
	if k, _, _ := chorus.ParsePrefix(ev.Text); k == "" && !ev.Edited && !ev.Deleted {
		return nil
	}
	c, m, ok := s.openMeeting(ctx, "message", ev.Workspace, ev.User, ev.Channel)
	if !ok {
		return nil
	}
	thread := ev.ThreadTS
	if thread == "" {
		thread = ev.TS
	}
	answer := func(text string, blocks ...reply.Block) []reply.Post {
		if len(blocks) == 0 {
			blocks = []reply.Block{{Kind: reply.Section, Text: text}}
		}
		return []reply.Post{{Channel: ev.Channel, Thread: thread, Text: text, Blocks: blocks}}
	}
	failed := func(err error) []reply.Post {
		// an error is the author's to read, not the meeting's
		r := c.Fail(err)
		ps := answer(r.Text, r.Blocks...)
		for i := range ps {
			ps[i].EphemeralTo = ev.User
		}
		return ps
	}
	kind, body, prefixed := chorus.ParsePrefix(ev.Text)
	switch {
	case ev.Deleted:
		_, err := c.editLine(ctx, m.WorkspaceID, m.ID, ev.TS, func(cur *chorus.Line) error {
			if cur.Deleted {
				return errUnchanged
			}
			cur.Deleted = true
			return nil
		})
		if err != nil && !errors.Is(err, chorus.ErrNotFound) && !errors.Is(err, errUnchanged) {
			s.log.Warn("minutes: deletion not applied", "meeting", m.ID, "ts", ev.TS, "err", err)
		}
		return nil
	case ev.Edited:
		l, err := c.editLine(ctx, m.WorkspaceID, m.ID, ev.TS, func(cur *chorus.Line) error {
			prev := *cur
			text := ev.Text
			if prefixed {
				cur.Kind, text = kind, body
			}
			if err := c.fillLine(ctx, m, cur, text, &prev); err != nil {
				return err
			}
			if cur.Text == prev.Text && cur.Kind == prev.Kind && cur.Owner == prev.Owner && cur.Due.Equal(prev.Due) && cur.ChangesMessage == prev.ChangesMessage {
				return errUnchanged
			}
			return nil
		})
		switch {
		case err == nil:
			if q := c.missingQuestion(l); q != nil && l.Kind == chorus.LineAction {
				return answer(q.Text, *q)
			}
			return nil
		case errors.Is(err, errUnchanged):
			return nil
		case errors.Is(err, chorus.ErrNotFound) && prefixed:
			// A message edited to add a prefix becomes a line now.
		case errors.Is(err, chorus.ErrNotFound):
			return nil
		default:
			return failed(err)
		}
	}
	if !prefixed {
		return failed(chorus.Errorf(chorus.ErrInvalid, "minutes."+string(kind)+".no_text"))
	}
	l, changed, err := c.captureLine(ctx, m, kind, body, ev.User, ev.TS)
	if err != nil {
		return failed(err)
	}
	if q := c.missingQuestion(l); q != nil && changed {
		return answer(q.Text, *q)
	}
	return nil
}

// OnReaction captures the message reacted to with :memo:, :white_check_mark: or :point_right:
// into the channel's open meeting.
func (s *Feature) OnReaction(ctx context.Context, ev reply.ReactionEvent) []reply.Post {
	s.mem.react(ev.Workspace, ev.Channel, ev.TS, ev.Reaction)
	kind, ok := chorus.ReactionKind(ev.Reaction)
	if !ok {
		return nil
	}
	c, m, ok := s.openMeeting(ctx, "reaction", ev.Workspace, ev.User, ev.Channel)
	if !ok {
		return nil
	}
	msg, err := c.sourceMessage(ctx, ev.Channel, ev.TS)
	if err != nil {
		s.log.Warn("minutes: reacted message not read", "channel", ev.Channel, "ts", ev.TS, "err", err)
		return nil
	}
	thread := msg.ThreadTS
	if thread == "" {
		thread = ev.TS
	}
	author := msg.User
	if author == "" {
		author = ev.ItemUser
	}
	text := msg.Text
	if _, body, ok := chorus.ParsePrefix(text); ok {
		text = body
	}
	l, changed, err := c.captureLine(ctx, m, kind, text, author, ev.TS)
	if err != nil {
		r := c.Fail(err)
		return []reply.Post{{Channel: ev.Channel, Thread: thread, Text: r.Text, Blocks: r.Blocks, EphemeralTo: author}}
	}
	if q := c.missingQuestion(l); q != nil && changed {
		return []reply.Post{{Channel: ev.Channel, Thread: thread, Text: q.Text, Blocks: []reply.Block{*q}}}
	}
	return nil
}

// openMeeting is the call that answers a conversation event in channel and the channel's open
// meeting; ok is false when there is none, or it could not be read (logged: an event has
// nobody to answer an error to). what names the event in the log.
func (s *Feature) openMeeting(ctx context.Context, what, workspace, user, channel string) (*call, chorus.Meeting, bool) {
	t, err := s.turns.EventTurn(ctx, workspace, user, channel)
	if err != nil {
		s.log.Warn("minutes: "+what+" not handled", "channel", channel, "err", err)
		return nil, chorus.Meeting{}, false
	}
	c := s.call(t)
	m, err := c.store.OpenMeeting(ctx, workspace, channel)
	if err != nil {
		if !errors.Is(err, chorus.ErrNotFound) {
			s.log.Warn("minutes: open meeting not read", "channel", channel, "err", err)
		}
		return nil, chorus.Meeting{}, false
	}
	return c, m, true
}
