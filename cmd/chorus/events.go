package main

import (
	"context"
	"log/slog"

	"github.com/chorus-hq/chorus/bot"
	"github.com/chorus-hq/chorus/commands"
)

// slackEvents passes Slack's message and reaction events to commands and posts what it answers.
// It is the only place that knows both bot's and commands' event types.
type slackEvents struct {
	svc    *commands.Service
	client *bot.Client
	log    *slog.Logger
}

// Messages implements bot.MessageHandler.
func (e slackEvents) Messages(ctx context.Context, ev bot.MessageEvent) {
	e.post(ctx, e.svc.Message(ctx, commands.MessageEvent{
		Workspace: ev.Workspace, Channel: ev.Channel, User: ev.User, TS: ev.TS, ThreadTS: ev.ThreadTS,
		Text: ev.Text, Edited: ev.Edited, Deleted: ev.Deleted,
	}))
}

// Reactions implements bot.ReactionHandler.
func (e slackEvents) Reactions(ctx context.Context, ev bot.ReactionEvent) {
	e.post(ctx, e.svc.Reaction(ctx, commands.ReactionEvent{
		Workspace: ev.Workspace, Channel: ev.Channel, User: ev.User, Reaction: ev.Reaction,
		ItemUser: ev.ItemUser, TS: ev.TS,
	}))
}

func (e slackEvents) post(ctx context.Context, posts []commands.Post) {
	for _, p := range posts {
		if _, err := e.client.PostMessage(ctx, p.Channel, p.Thread, p.Text, p.Blocks, nil); err != nil {
			e.log.WarnContext(ctx, "post answer to an event", "channel", p.Channel, "err", err)
		}
	}
}
