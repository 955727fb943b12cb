package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/chorus-hq/chorus/reply"
	"github.com/slack-go/slack"
)

// maxThreadPages bounds how much of a thread is read (200 messages a page): minutes of a
// longer thread would not fit a message anyway.
const maxThreadPages = 5

// ErrMessageNotFound reports a message that Slack does not return (deleted, or never there).
var ErrMessageNotFound = errors.New("slack message not found")

// sourceMessage flattens a Slack message. The messages of bots and of Slack itself (joins,
// topic changes) come back without a user, so minutes leave them out.
func sourceMessage(m slack.Message) reply.SourceMessage {
	s := reply.SourceMessage{User: m.User, TS: m.Timestamp, ThreadTS: m.ThreadTimestamp, Text: fromSlack(m.Text)}
	if m.BotID != "" {
		s.User = ""
	}
	switch m.SubType {
	case "", "thread_broadcast", "file_share", "me_message":
	default:
		s.User = ""
	}
	if s.ThreadTS == s.TS {
		s.ThreadTS = "" // a thread's parent is not a reply
	}
	for _, r := range m.Reactions {
		s.Reactions = append(s.Reactions, r.Name)
	}
	return s
}

// ThreadReplies returns the thread that ts belongs to (ts may be its parent or one of its
// replies), parent first, reading at most 1,000 messages (conversations.replies).
func (c *Client) ThreadReplies(ctx context.Context, channel, ts string) ([]reply.SourceMessage, error) {
	params := &slack.GetConversationRepliesParameters{ChannelID: channel, Timestamp: ts, Limit: 200, Inclusive: true}
	var out []reply.SourceMessage
	err := c.eachReply(ctx, params, func(m slack.Message) bool {
		out = append(out, sourceMessage(m))
		return true
	})
	if err != nil {
		var se slack.SlackErrorResponse
		if errors.As(err, &se) && se.Err == "thread_not_found" {
			return nil, fmt.Errorf("thread %s in %s: %w", ts, channel, ErrMessageNotFound)
		}
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("thread %s in %s: %w", ts, channel, ErrMessageNotFound)
	}
	return out, nil
}

// MessageAt returns the message ts of channel: from the channel's history, or, for a reply in a
// thread (which the history does not list), from its thread.
func (c *Client) MessageAt(ctx context.Context, channel, ts string) (reply.SourceMessage, error) {
	params := &slack.GetConversationHistoryParameters{ChannelID: channel, Latest: ts, Oldest: ts, Inclusive: true, Limit: 1}
	var resp *slack.GetConversationHistoryResponse
	err := c.callChannel(ctx, "conversations.history", channel, false, func(ctx context.Context) error {
		var err error
		resp, err = c.api.GetConversationHistoryContext(ctx, params)
		return err
	})
	if err != nil {
		return reply.SourceMessage{}, err
	}
	for _, m := range resp.Messages {
		if m.Timestamp == ts {
			return sourceMessage(m), nil
		}
	}
	thread, err := c.ThreadReplies(ctx, channel, ts)
	if err != nil {
		return reply.SourceMessage{}, err
	}
	for _, m := range thread {
		if m.TS == ts {
			return m, nil
		}
	}
	return reply.SourceMessage{}, fmt.Errorf("message %s in %s: %w", ts, channel, ErrMessageNotFound)
}

// Permalink returns the link to message ts of channel (chat.getPermalink).
func (c *Client) Permalink(ctx context.Context, channel, ts string) (string, error) {
	var link string
	err := c.callChannel(ctx, "chat.getPermalink", channel, false, func(ctx context.Context) error {
		var err error
		link, err = c.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: channel, Ts: ts})
		return err
	})
	return link, err
}

// UploadText shares content as a file named filename in channel (in thread when thread is not
// ""), through Slack's three-step external upload.
func (c *Client) UploadText(ctx context.Context, channel, thread, filename, title, content string) error {
	if strings.TrimSpace(content) == "" {
		return errors.New("bot: upload of an empty file")
	}
	return c.UploadFile(ctx, channel, thread, filename, title, []byte(content))
}
