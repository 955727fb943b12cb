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
	for page := 0; page < maxThreadPages; page++ {
		var (
			msgs []slack.Message
			more bool
			next string
		)
		err := c.callChannel(ctx, "conversations.replies", channel, false, func(ctx context.Context) error {
			var err error
			msgs, more, next, err = c.api.GetConversationRepliesContext(ctx, params)
			return err
		})
		if err != nil {
			return "", false, fmt.Errorf("read thread %s of %s: %w", thread, channel, err)
		}
		for _, m := range msgs {
			if m.Metadata.EventType != eventType {
				continue
			}
			if v, ok := m.Metadata.EventPayload["id"]; ok && fmt.Sprint(v) == id {
				return m.Timestamp, true, nil
			}
		}
		if !more || next == "" {
			break
		}
		params.Cursor = next
	}
	return "", false, nil
}
