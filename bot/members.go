package bot

import (
	"context"

	"github.com/slack-go/slack"
)

// ChannelMembers lists the people in channel (conversations.members, every page), without the
// bots: who a briefing asks to acknowledge it.
func (c *Client) ChannelMembers(ctx context.Context, channel string) ([]string, error) {
	var ids []string
	params := &slack.GetUsersInConversationParameters{ChannelID: channel, Limit: 200}
	for {
		var page []string
		var next string
		err := c.call(ctx, "conversations.members", func(ctx context.Context) error {
			var err error
			page, next, err = c.api.GetUsersInConversationContext(ctx, params)
			return err
		})
		if err != nil {
			return nil, err
		}
		ids = append(ids, page...)
		if next == "" {
			break
		}
		params.Cursor = next
	}
	out := ids[:0]
	for _, id := range ids {
		e, err := c.user(ctx, id)
		if err != nil {
			return nil, err
		}
		if !e.bot {
			out = append(out, id)
		}
	}
	return out, nil
}

// UserTimeZone returns the IANA time zone of user's Slack profile ("" when none), cached with
// the rest of users.info.
func (c *Client) UserTimeZone(ctx context.Context, user string) (string, error) {
	e, err := c.user(ctx, user)
	return e.tz, err
}
