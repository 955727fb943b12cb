package commands

import (
	"context"

	"github.com/chorus-hq/chorus/reply"
)

// Message lets every listening feature see ev and returns what they want posted in answer.
// Failures are logged, not returned: a message event has nobody to answer an error to.
func (s *Service) Message(ctx context.Context, ev reply.MessageEvent) []reply.Post {
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
	return []func(context.Context, reply.MessageEvent) []reply.Post{s.onMessage, s.driftListener}
}

// reactionListeners are the features reading reactions, in the order they run.
func (s *Service) reactionListeners() []func(context.Context, reply.ReactionEvent) []reply.Post {
	return []func(context.Context, reply.ReactionEvent) []reply.Post{s.onReaction}
}
