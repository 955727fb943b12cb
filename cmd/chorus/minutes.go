package main

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/bot"
	"github.com/chorus-hq/chorus/commands"
	"github.com/chorus-hq/chorus/reply"
)

// slackMinutes gives the meeting minutes Slack's Web API (threads, messages, permalinks, file
// uploads) once serve has a client. Until then, and in the console, it answers
// reply.ErrUnavailable and commands fall back on the messages they saw themselves. The client
// is set after the app is built because serve makes it from the same configuration.
type slackMinutes struct {
	client atomic.Pointer[bot.Client]
}

// use connects the minutes to Slack.
func (s *slackMinutes) use(c *bot.Client) { s.client.Store(c) }

func (s *slackMinutes) slack() (*bot.Client, error) {
	if c := s.client.Load(); c != nil {
		return c, nil
	}
	return nil, reply.ErrUnavailable
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
	c, err := s.slack()
	if err != nil {
		return nil, err
	}
	// No permalinks here: the preview form must open within Slack's 3 s; the saved lines get
	// theirs afterwards.
	msgs, err := c.ThreadReplies(ctx, channel, ts)
	return msgs, notFound(err, ts)
}

// Message implements minutes.MessageSource.
func (s *slackMinutes) Message(ctx context.Context, _, channel, ts string) (reply.SourceMessage, error) {
	c, err := s.slack()
	if err != nil {
		return reply.SourceMessage{}, err
	}
	m, err := c.MessageAt(ctx, channel, ts)
	return m, notFound(err, ts)
}

// Permalink implements minutes.MessageSource.
func (s *slackMinutes) Permalink(ctx context.Context, _, channel, ts string) (string, error) {
	c, err := s.slack()
	if err != nil {
		return "", err
	}
	return c.Permalink(ctx, channel, ts)
}

// Upload implements minutes.FileUploader.
func (s *slackMinutes) Upload(ctx context.Context, channel, thread, filename, title, content string) error {
	c, err := s.slack()
	if err != nil {
		return err
	}
	return c.UploadText(ctx, channel, thread, filename, title, content)
}

// minutesOptions fills the minutes' part of commands.Options: the Slack adapter that reads
// threads and uploads exports once serve connects it.
func minutesOptions(opts *commands.Options) *slackMinutes {
	sm := &slackMinutes{}
	opts.Minutes.Messages, opts.Minutes.Files = sm, sm
	return sm
}
