package minutes

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/i18n"
	"github.com/chorus-hq/chorus/reply"
)

// minutesAction answers the minutes' buttons and the "save_minutes" shortcut.
func (c *call) minutesAction(ctx context.Context, a reply.Action) (reply.Reply, error) {
	switch a.ActionID {
	case reply.ActMinutesShow:
		return c.minutesShow(ctx, a.Value)
	case reply.ActMinutesExport:
		return c.minutesExport(ctx, a.Value)
	case reply.ActMinutesComplete:
		return c.completeModal(ctx, a.Value)
	case reply.ActMinutesApply:
		return c.applyDecision(ctx, a.Value)
	case reply.ActSaveMinutes:
		channel, ts := c.Req.Channel, a.Value
		if a.Message != nil {
			if a.Message.Channel != "" {
				channel = a.Message.Channel
			}
			if a.Message.ThreadTS != "" {
				ts = a.Message.ThreadTS
			} else if a.Message.TS != "" {
				ts = a.Message.TS
			}
		}
		if channel == "" || ts == "" {
			return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "minutes.thread.ref", ts)
		}
		return c.threadPreview(ctx, channel, ts)
	}
	return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "action.unknown", a.ActionID)
}

// loadLine returns the line a button names by its key, with its meeting.
func (c *call) loadLine(ctx context.Context, key string) (chorus.Meeting, chorus.Line, error) {
	id, ts, ok := chorus.SplitLineKey(key)
	if !ok {
		return chorus.Meeting{}, chorus.Line{}, chorus.Errorf(chorus.ErrNotFound, "minutes.line.unknown")
	}
	m, err := c.loadMeeting(ctx, id)
	if err != nil {
		return m, chorus.Line{}, err
	}
	l, err := c.store.Line(ctx, m.WorkspaceID, m.ID, ts)
	if errors.Is(err, chorus.ErrNotFound) || (err == nil && l.Deleted) {
		return m, l, chorus.Errorf(chorus.ErrNotFound, "minutes.line.unknown")
	}
	return m, l, err
}

// completeModal is the form that sets an action item's owner and due date.
func (c *call) completeModal(ctx context.Context, key string) (reply.Reply, error) {
	m, l, err := c.loadLine(ctx, key)
	if err != nil {
		return reply.Reply{}, err
	}
	if l.Kind != chorus.LineAction {
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "minutes.line.not_action")
	}
	due := ""
	if !l.Due.IsZero() {
		due = l.Due.In(c.meetingLocation(ctx, m)).Format("02/01/2006 15h04")
	}
	return reply.Reply{Modal: &reply.Modal{
		CallbackID: reply.ModalMinutesComplete, Title: c.T("minutes.modal.complete"), Submit: c.T("button.save"), Close: c.T("button.cancel"),
		PrivateMetadata: l.Key(), Intro: c.T("minutes.modal.complete.intro", feature.Ellipsis(l.Text, 200), m.Title),
		Inputs: []reply.Input{
			{ID: "owner", Label: c.T("field.owner"), Kind: reply.UserInput, Initial: l.Owner},
			{ID: "due", Label: c.T("field.due"), Kind: reply.TextInput, Initial: due, Placeholder: c.T("modal.due.placeholder")},
		},
	}}, nil
}

func (c *call) submitComplete(ctx context.Context, sub reply.Submission) (reply.Reply, error) {
	m, l, err := c.loadLine(ctx, sub.PrivateMetadata)
	if err != nil {
		return reply.Reply{}, err
	}
	var ps chorus.Problems
	owner, ok := feature.UserArg(strings.TrimSpace(sub.Values["owner"]))
	if !ok || owner == "" {
		ps = append(ps, chorus.Invalid("owner", "task.owner.empty"))
	}
	loc := c.meetingLocation(ctx, m)
	var due time.Time
	if s := strings.TrimSpace(sub.Values["due"]); s == "" {
		ps = append(ps, chorus.Invalid("due", "task.due.empty"))
	} else if due, err = chorus.ParseWhen(s, loc, c.Now()); err != nil {
		ps = append(ps, chorus.ProblemsOf(feature.WithField(err, "due"))...)
	}
	if len(ps) > 0 {
		return reply.Reply{}, ps
	}
	saved, err := c.editLine(ctx, m.WorkspaceID, m.ID, l.TS, func(cur *chorus.Line) error {
		if cur.Deleted || cur.Kind != chorus.LineAction {
			return chorus.Errorf(chorus.ErrNotFound, "minutes.line.unknown")
		}
		cur.Owner, cur.Due = owner, due
		return nil
	})
	if err != nil {
		return reply.Reply{}, err
	}
	text := c.T("minutes.completed", feature.Ellipsis(saved.Text, 150), feature.Mention(owner), i18n.FormatWhen(due.In(loc), c.Lang))
	// After the meeting, a completed action item of a campaign's meeting becomes its task now.
	if m.Status == chorus.MeetingClosed && m.Campaign != "" && saved.TaskID == "" {
		camp, err := c.LoadCampaign(ctx, m.Campaign)
		if err != nil {
			return reply.Reply{}, err
		}
		if saved, err = c.taskFromLine(ctx, camp, saved); err != nil {
			return reply.Reply{}, err
		}
		text += " " + c.T("minutes.card.task", saved.TaskID)
	}
	return reply.Reply{Text: text, Blocks: []reply.Block{{Kind: reply.Section, Text: "✅ " + text}}, Visibility: reply.InChannel}, nil
}

// applyDecision makes a decision "message: …" the new global message of the meeting's campaign.
// Only the campaign's leads may; the campaign gets a new version, as with /campaign message.
func (c *call) applyDecision(ctx context.Context, key string) (reply.Reply, error) {
	m, l, err := c.loadLine(ctx, key)
	if err != nil {
		return reply.Reply{}, err
	}
	if !l.ChangesMessage || m.Campaign == "" {
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "minutes.apply.not_message")
	}
	if l.AppliedVersion > 0 {
		return feature.Notice(c.T("minutes.apply.already", l.AppliedVersion)), nil
	}
	_, saved, err := c.EditCampaign(ctx, m.Campaign, "campaign.message", c.LeadOnly, func(camp *chorus.Campaign) error {
		camp.Message = l.Text
		return nil
	})
	if err != nil {
		return reply.Reply{}, err
	}
	if _, err := c.editLine(ctx, m.WorkspaceID, m.ID, l.TS, func(cur *chorus.Line) error {
		cur.AppliedVersion = saved.Version
		return nil
	}); err != nil {
		return reply.Reply{}, err
	}
	// As after /campaign message: show the facts read from the new message, and put copy
	// approved against the old one out of date, telling its authors.
	facts, posts, err := c.watcher.MessageChanged(ctx, c.Turn, saved)
	if err != nil {
		return reply.Reply{}, err
	}
	text := c.T("minutes.applied", saved.Name, saved.Version, m.Title)
	blocks := append([]reply.Block{{Kind: reply.Section, Text: "✅ " + text}}, facts...)
	// points that still state the old values, with the updated points proposed to the lead
	blocks = append(blocks, c.StaleBlocks(saved)...)
	return reply.Reply{Text: text, Blocks: blocks, Visibility: reply.InChannel, Posts: posts}, nil
}

var tsRE = regexp.MustCompile(`^\d{10}\.\d{6}$`)

// parseMessageRef reads a message given as a link (the transport hands it over as a
// reply.MessageRef) or as a timestamp in channel.
func parseMessageRef(s, channel string) (string, string, bool) {
	if ch, ts, ok := reply.ParseMessageRef(s); ok && tsRE.MatchString(ts) {
		return ch, ts, true
	}
	if tsRE.MatchString(s) && channel != "" {
		return channel, s, true
	}
	return "", "", false
}

// threadLine is one item of a thread's minutes, as previewed and then saved.
type threadLine struct {
	kind chorus.LineKind
	text string
	src  *reply.SourceMessage
}

// classify gives a thread message its kind: its prefix, else its reaction, else a note.
func classify(m reply.SourceMessage) (chorus.LineKind, string) {
	if k, body, ok := chorus.ParsePrefix(m.Text); ok {
		return k, body
	}
	for _, r := range m.Reactions {
		if k, ok := chorus.ReactionKind(r); ok {
			return k, strings.TrimSpace(m.Text)
		}
	}
	return chorus.LineNote, strings.TrimSpace(m.Text)
}

// threadPreview reads a thread and opens the form that saves it as minutes, each message a line
// the user can reclassify, edit, add or remove.
func (c *call) threadPreview(ctx context.Context, channel, ts string) (reply.Reply, error) {
	msgs, err := c.sourceThread(ctx, channel, ts)
	if err != nil {
		return reply.Reply{}, err
	}
	root := msgs[0].TS
	if msgs[0].ThreadTS != "" {
		root = msgs[0].ThreadTS
	}
	var b strings.Builder
	n, cut := 0, 0
	for _, m := range msgs {
		if m.User == "" {
			continue // the bot's own posts and system messages
		}
		kind, text := classify(m)
		if text == "" {
			continue
		}
		item := c.T("minutes.kind."+string(kind)) + ": " + strings.Join(strings.Fields(text), " ") + "\n"
		if b.Len()+len(item) > maxThreadPreview {
			cut++
			continue
		}
		b.WriteString(item)
		n++
	}
	title := c.T("minutes.thread.default_title", i18n.FormatDate(chorus.DateOf(c.Now().In(c.WS.Location())), c.Lang))
	if len(msgs) > 0 && msgs[0].User != "" {
		if k, _, _ := chorus.ParsePrefix(msgs[0].Text); k == "" {
			first, _, _ := strings.Cut(strings.TrimSpace(msgs[0].Text), "\n")
			if first != "" {
				title = feature.Ellipsis(first, 80)
			}
		}
	}
	intro := c.T("minutes.thread.intro", n)
	if cut > 0 {
		intro += " " + c.T("minutes.thread.cut", cut)
	}
	return reply.Reply{Modal: &reply.Modal{
		CallbackID: reply.ModalMinutesThread, Title: c.T("minutes.modal.thread"), Submit: c.T("button.save"), Close: c.T("button.cancel"),
		PrivateMetadata: channel + " " + root, Intro: intro,
		Inputs: []reply.Input{
			{ID: "title", Label: c.T("field.title"), Kind: reply.TextInput, Initial: title, MaxLength: chorus.MaxMeetingTitle},
			{ID: "campaign", Label: c.T("field.campaign"), Kind: reply.TextInput, Optional: true, Placeholder: "ete-literie", MaxLength: chorus.MaxSlugLen},
			{ID: "lines", Label: c.T("minutes.modal.lines"), Kind: reply.MultilineInput, Initial: strings.TrimRight(b.String(), "\n"),
				Placeholder: c.T("minutes.modal.lines.placeholder"), MaxLength: 3000},
		},
	}}, nil
}

// submitThread saves the previewed thread as closed minutes. Lines left as read keep their
// message's author and link; edited and added lines are the submitter's.
func (c *call) submitThread(ctx context.Context, sub reply.Submission) (reply.Reply, error) {
	channel, root, _ := strings.Cut(sub.PrivateMetadata, " ")
	if !chorus.ValidChannelID(channel) || root == "" {
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "minutes.thread.ref", sub.PrivateMetadata)
	}
	m := chorus.Meeting{WorkspaceID: c.Req.Workspace, Channel: channel, ThreadTS: root, Status: chorus.MeetingClosed,
		Lang: c.Lang, StartedBy: c.Req.User, UpdatedBy: c.Req.User, Title: strings.TrimSpace(sub.Values["title"])}
	var ps chorus.Problems
	var camp chorus.Campaign
	if slug := strings.TrimSpace(sub.Values["campaign"]); slug != "" {
		var err error
		camp, err = c.LoadCampaign(ctx, slug)
		if err == nil {
			err = c.mayLinkCampaign(camp)
		}
		if err != nil {
			found := chorus.ProblemsOf(err)
			if len(found) == 0 {
				return reply.Reply{}, err
			}
			for _, p := range found {
				ps = append(ps, chorus.Invalid("campaign", p.Code, p.Args...)) // shown under the field
			}
		}
		m.Campaign = camp.Slug
	}
	msgs, err := c.sourceThread(ctx, channel, root)
	if err != nil && !errors.Is(err, chorus.ErrNotFound) {
		c.Log.Warn("minutes: thread not read again, lines are the submitter's", "channel", channel, "ts", root, "err", err)
	}
	bySource := map[string]*reply.SourceMessage{}
	for i := range msgs {
		if msgs[i].User == "" {
			continue
		}
		kind, text := classify(msgs[i])
		k := string(kind) + "\x00" + chorus.Fold(strings.Join(strings.Fields(text), " "))
		if _, dup := bySource[k]; !dup {
			bySource[k] = &msgs[i]
		}
	}
	var items []threadLine
	for i, raw := range strings.Split(sub.Values["lines"], "\n") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		kind, text, ok := chorus.ParsePrefix(raw)
		if !ok {
			if kind != "" {
				ps = append(ps, chorus.Invalid("lines", "minutes.thread.line_empty", i+1))
				continue
			}
			kind, text = chorus.LineNote, raw
		}
		it := threadLine{kind: kind, text: text, src: bySource[string(kind)+"\x00"+chorus.Fold(text)]}
		items = append(items, it)
	}
	if len(items) == 0 {
		ps = append(ps, chorus.Invalid("lines", "minutes.thread.no_lines"))
	}
	if err := m.Validate(); err != nil {
		ps = append(ps, chorus.ProblemsOf(err)...)
	}
	// Check every line before storing anything: a bad date refuses the whole form.
	lines := make([]chorus.Line, 0, len(items))
	for i, it := range items {
		l := chorus.Line{WorkspaceID: m.WorkspaceID, Channel: channel, Kind: it.kind, Author: c.Req.User, UpdatedBy: c.Req.User}
		if it.src != nil {
			l.TS, l.Author = it.src.TS, it.src.User
		} else {
			l.TS = c.typedTS()
		}
		if err := c.fillLine(ctx, m, &l, it.text, nil); err != nil {
			for _, p := range chorus.ProblemsOf(err) {
				ps = append(ps, chorus.Invalid("lines", "minutes.thread.line_problem", i+1, c.T(p.Code, p.Args...)))
			}
			continue
		}
		if err := l.Validate(); err != nil {
			for _, p := range chorus.ProblemsOf(err) {
				ps = append(ps, chorus.Invalid("lines", "minutes.thread.line_problem", i+1, c.T(p.Code, p.Args...)))
			}
			continue
		}
		if it.src != nil {
			l.Permalink = it.src.Permalink
		}
		lines = append(lines, l)
	}
	if len(ps) > 0 {
		return reply.Reply{}, ps
	}
	saved, err := c.store.StartMeeting(ctx, m)
	if err != nil {
		return reply.Reply{}, fmt.Errorf("save thread minutes: %w", err)
	}
	if err := c.Audit(ctx, "minutes.thread", "meeting:"+saved.ID, 0, saved.Version, saved.Title); err != nil {
		return reply.Reply{}, err
	}
	seen := map[string]bool{}
	for _, l := range lines {
		if seen[l.TS] {
			l.TS = c.typedTS() // the same message listed twice: keep both lines
		}
		seen[l.TS] = true
		l.MeetingID = saved.ID
		if l.Permalink == "" {
			l.Permalink = c.permalink(ctx, channel, l.TS)
		}
		if _, err := c.store.AddLine(ctx, l); err != nil {
			return reply.Reply{}, fmt.Errorf("add line to meeting %s: %w", saved.ID, err)
		}
	}
	return c.publishMinutes(ctx, saved, root)
}
