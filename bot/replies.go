package bot

import (
	"context"
	"fmt"

	"github.com/slack-go/slack"
)

// FindReplyByMetadata returns the timestamp of the reply in thread (the parent message's ts)
// of channel whose metadata has eventType and payload id. conversations.history does not list
// replies, so a message posted in a thread is looked for here (conversations.replies); it reads
// at most 1,000 replies.
func (c *Client) FindReplyByMetadata(ctx context.Context, channel, thread, eventType, id string) (string, bool, error) {
	params := &slack.GetConversationRepliesParameters{ChannelID: channel, Timestamp: thread, Limit: 200, IncludeAllMetadata: true}
	var found string
	err := c.eachReply(ctx, params, func(m slack.Message) bool {
		if hasMetadata(m, eventType, id) {
			found = m.Timestamp
			return false
		}
		return true
	})
	if err != nil {
		return "", false, fmt.Errorf("read thread %s of %s: %w", thread, channel, err)
	}
	return found, found != "", nil
}

// eachReply pages through a thread (conversations.replies, at most maxThreadPages pages) and
// calls fn on each message, parent first, until fn returns false.
func (c *Client) eachReply(ctx context.Context, params *slack.GetConversationRepliesParameters, fn func(slack.Message) bool) error {
	for page := 0; page < maxThreadPages; page++ {
		var (
			msgs []slack.Message
			more bool
			next string
		)
		err := c.callChannel(ctx, "conversations.replies", params.ChannelID, false, func(ctx context.Context) error {
			var err error
			msgs, more, next, err = c.api.GetConversationRepliesContext(ctx, params)
			return err
		})
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if !fn(m) {
				return nil
			}
		}
		if !more || next == "" {
			return nil
		}
		params.Cursor = next
	}
	return nil
}

// hasMetadata reports whether m carries Chorus's metadata of eventType with payload id.
func hasMetadata(m slack.Message, eventType, id string) bool {
	if m.Metadata.EventType != eventType {
		return false
	}
	v, ok := m.Metadata.EventPayload["id"]
	return ok && fmt.Sprint(v) == id
}
