package commands

import (
	"context"

	"github.com/chorus-hq/chorus"

	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// Message lets every listening feature see ev and returns what they want posted in answer.
// Failures are logged, not returned: a message event has nobody to answer an error to.
func (s *Service) Message(ctx context.Context, ev reply.MessageEvent) []reply.Post {
	ev.Text = chorus.CleanText(ev.Text)
	var posts []reply.Post
	for _, l := range s.messageListeners() {
		posts = append(posts, l(ctx, ev)...)
	}
	return posts
}

// Reaction lets every listening feature see ev and returns what they want posted in answer.
func (s *Service) Reaction(ctx context.Context, ev reply.ReactionEvent) []reply.Post {
	var posts []reply.Post
	for _, l := range s.reactionListeners() {
		posts = append(posts, l(ctx, ev)...)
	}
	return posts
}

// messageListeners are the features reading conversation messages, in the order they run.
func (s *Service) messageListeners() []func(context.Context, reply.MessageEvent) []reply.Post {
	return []func(context.Context, reply.MessageEvent) []reply.Post{s.minutes.OnMessage, s.review.OnMessage, s.briefing.OnMessage, s.plan.OnMessage}
}

// reactionListeners are the features reading reactions, in the order they run.
func (s *Service) reactionListeners() []func(context.Context, reply.ReactionEvent) []reply.Post {
	return []func(context.Context, reply.ReactionEvent) []reply.Post{s.minutes.OnReaction}
}

// EventTurn is the turn that answers a conversation event: in the language of the person whose
// message or reaction it is, or the workspace's when the event names nobody (a deletion). It
// implements feature.Turns.
func (s *Service) EventTurn(ctx context.Context, ws, user, channel string) (*feature.Turn, error) {
	c, err := s.eventCall(ctx, ws, user, channel)
	if err != nil {
		return nil, err
	}
	return c.Turn, nil
}

// eventCall is the call that answers a conversation event (EventTurn).
func (s *Service) eventCall(ctx context.Context, ws, user, channel string) (*call, error) {
	req := reply.Request{Workspace: ws, User: user, Channel: channel}
	if user != "" {
		return s.begin(ctx, req)
	}
	w, err := s.workspace(ctx, ws)
	if err != nil {
		return nil, err
	}
	return s.turn(req, w, w.Lang, true), nil
}
