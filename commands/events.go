package commands

import "context"

// MessageEvent is a message posted, edited or deleted in a conversation Chorus is in, as any
// transport reports it. Features that listen to conversations (minutes, drift checks) read it.
type MessageEvent struct {
	Workspace string
	Channel   string
	User      string
	TS        string // the message's timestamp (for a deletion, the deleted message's)
	ThreadTS  string // the thread's parent timestamp, "" outside threads
	Text      string // the new text; "" for a deletion
	Edited    bool
	Deleted   bool
}

// ReactionEvent is an emoji reaction added to a message.
type ReactionEvent struct {
	Workspace string
	Channel   string
	User      string // who reacted
	Reaction  string // emoji name without colons, such as "memo"
	ItemUser  string // author of the message reacted to
	TS        string // timestamp of the message reacted to
}

// Message lets every listening feature see ev and returns what they want posted in answer.
// Failures are logged, not returned: a message event has nobody to answer an error to.
func (s *Service) Message(ctx context.Context, ev MessageEvent) []Post {
	var posts []Post
	for _, l := range s.messageListeners() {
		posts = append(posts, l(ctx, ev)...)
	}
	return posts
}

// Reaction lets every listening feature see ev and returns what they want posted in answer.
func (s *Service) Reaction(ctx context.Context, ev ReactionEvent) []Post {
	var posts []Post
	for _, l := range s.reactionListeners() {
		posts = append(posts, l(ctx, ev)...)
	}
	return posts
}

// messageListeners are the features reading conversation messages, in the order they run.
func (s *Service) messageListeners() []func(context.Context, MessageEvent) []Post {
	return []func(context.Context, MessageEvent) []Post{s.onMessage, s.driftListener}
}

// reactionListeners are the features reading reactions, in the order they run.
func (s *Service) reactionListeners() []func(context.Context, ReactionEvent) []Post {
	return []func(context.Context, ReactionEvent) []Post{s.onReaction}
}
