package main

import (
	"context"

	"github.com/chorus-hq/chorus/bot"
	"github.com/chorus-hq/chorus/reply"
)

// slackConversations gives the briefings Slack's Web API: posting an edition (its timestamp is
// the thread questions are asked in), a channel's members and their time zones.
type slackConversations struct {
	client *bot.Client
}

// Post implements briefing.Conversations.
func (s slackConversations) Post(ctx context.Context, channel, thread, text string, blocks []reply.Block) (string, error) {
	return s.client.PostMessage(ctx, channel, thread, text, blocks, nil)
}

// Members implements briefing.Conversations.
func (s slackConversations) Members(ctx context.Context, channel string) ([]string, error) {
	return s.client.ChannelMembers(ctx, channel)
}

// TimeZone implements briefing.Conversations.
func (s slackConversations) TimeZone(ctx context.Context, user string) (string, error) {
	return s.client.UserTimeZone(ctx, user)
}
