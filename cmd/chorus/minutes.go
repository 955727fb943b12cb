package main

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/bot"
	"github.com/chorus-hq/chorus/commands"
	"github.com/chorus-hq/chorus/configs"
	"github.com/chorus-hq/chorus/reply"
)

// slackMinutes gives the meeting minutes Slack's Web API: threads, messages, permalinks and
// file uploads. Without Slack (the console) the minutes have none and read the messages they
// saw themselves.
type slackMinutes struct {
	client *bot.Client
}

// notFound makes Slack's "no such message" the domain's, so users read why.
func notFound(err error, ts string) error {
	if errors.Is(err, bot.ErrMessageNotFound) {
		return chorus.Errorf(chorus.ErrNotFound, "minutes.message.unknown", ts)
	}
	return err
}

// Thread implements minutes.MessageSource.
func (s *slackMinutes) Thread(ctx context.Context, _, channel, ts string) ([]reply.SourceMessage, error) {
	c := s.client
	// No permalinks here: the preview form must open within Slack's 3 s; the saved lines get
	// theirs afterwards.
	msgs, err := c.ThreadReplies(ctx, channel, ts)
	return msgs, notFound(err, ts)
}

// Message implements minutes.MessageSource.
func (s *slackMinutes) Message(ctx context.Context, _, channel, ts string) (reply.SourceMessage, error) {
	m, err := s.client.MessageAt(ctx, channel, ts)
	return m, notFound(err, ts)
}

// Permalink implements minutes.MessageSource.
func (s *slackMinutes) Permalink(ctx context.Context, _, channel, ts string) (string, error) {
	return s.client.Permalink(ctx, channel, ts)
}

// Upload implements minutes.FileUploader.
func (s *slackMinutes) Upload(ctx context.Context, channel, thread, filename, title, content string) error {
	return s.client.UploadText(ctx, channel, thread, filename, title, content)
}

// slackClient is the Web API client of a Slack-configured app, nil otherwise, and gives the
// minutes and the briefings their Slack adapters in opts.
func slackClient(cfg configs.Config, logger *slog.Logger, now func() time.Time, opts *commands.Options) *bot.Client {
	if cfg.SlackMode() == "" {
		return nil
	}
	client := bot.NewClient(bot.ClientOptions{
		Token:  cfg.Slack.BotToken.Reveal(),
		APIURL: cfg.Slack.APIURL,
		Logger: logger,
		Clock:  now,
	})
	sm := &slackMinutes{client: client}
	opts.Minutes.Messages, opts.Minutes.Files = sm, sm
	opts.Conversations = slackConversations{client: client}
	opts.PlanFiles = &slackPlanFiles{client: client}
	return client
}
