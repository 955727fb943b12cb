package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// SocketOptions configures Socket Mode.
type SocketOptions struct {
	AppToken string // SLACK_APP_TOKEN, xapp-..., with connections:write
	// PingInterval is how long the connection may stay without a ping from Slack before it is
	// considered dead and reopened; 30 s.
	PingInterval time.Duration
}

// RunSocketMode receives Slack requests over a Socket Mode WebSocket until ctx ends, and hands
// them to d, acknowledging every envelope. slack-go's RunContext reconnects when Slack asks it
// to or the connection dies; RunSocketMode returns nil after ctx ends, or the error that stopped
// the connection for good (such as an invalid app token).
func RunSocketMode(ctx context.Context, d *Dispatcher, opts SocketOptions) error {
	if opts.AppToken == "" {
		return errors.New("bot: Socket Mode needs an app-level token")
	}
	ping := opts.PingInterval
	if ping <= 0 {
		ping = 30 * time.Second
	}
	api := slack.New(d.c.token, d.c.slackOptions(slack.OptionAppLevelToken(opts.AppToken))...)
	smc := socketmode.New(api,
		socketmode.OptionPingInterval(ping),
		socketmode.OptionLog(slog.NewLogLogger(d.log.Handler(), slog.LevelDebug)),
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- smc.RunContext(ctx) }()
	s := &socketFront{d: d, smc: smc}
	for {
		select {
		case err := <-errc:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("bot: socket mode: %w", err)
		case evt := <-smc.Events:
			s.handle(ctx, evt)
		}
	}
}

type socketFront struct {
	d   *Dispatcher
	smc *socketmode.Client
}

// handle dispatches one Socket Mode event. Requests run in their own goroutine, so one waiting
// view_submission does not hold up the envelopes behind it.
func (s *socketFront) handle(ctx context.Context, evt socketmode.Event) {
	log := s.d.log
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		log.DebugContext(ctx, "socket mode connecting")
	case socketmode.EventTypeConnected:
		log.InfoContext(ctx, "socket mode connected")
	case socketmode.EventTypeHello:
		log.DebugContext(ctx, "socket mode hello")
	case socketmode.EventTypeDisconnect:
		log.InfoContext(ctx, "socket mode disconnect requested, reconnecting")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth,
		socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		log.WarnContext(ctx, "socket mode trouble", "type", evt.Type, "data", fmt.Sprint(evt.Data))
	case socketmode.EventTypeErrorBadMessage:
		s.badMessage(ctx, evt)
	case socketmode.EventTypeEventsAPI, socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive:
		if evt.Request == nil {
			log.WarnContext(ctx, "socket mode request without envelope", "type", evt.Type)
			return
		}
		go s.request(ctx, evt)
	default:
		log.DebugContext(ctx, "socket mode event ignored", "type", evt.Type)
	}
}

func (s *socketFront) request(ctx context.Context, evt socketmode.Event) {
	received := s.d.now()
	req := *evt.Request
	var (
		kind string
		a    ack
	)
	// The envelope's payload is what the inbox keeps; replay decodes it by envelope type.
	in := intake{received: received, body: req.Payload, ctype: "socket/" + req.Type, retry: req.RetryAttempt}
	if len(in.body) == 0 {
		in.body = nil
	}
	switch data := evt.Data.(type) {
	case slackevents.EventsAPIEvent:
		kind, a = "event", s.d.event(ctx, data, in)
	case slack.SlashCommand:
		kind, a = "command", s.d.command(ctx, data, in)
	case slack.InteractionCallback:
		kind, a = string(data.Type), s.d.interaction(ctx, data, in)
	default:
		kind, a = "unknown", ackOK
	}
	s.d.metrics.request("socket", kind)
	if a.status >= 500 {
		// Not acknowledging makes Slack deliver the envelope again later.
		s.d.log.WarnContext(ctx, "socket mode envelope left unacknowledged for redelivery", "envelope_id", req.EnvelopeID)
		return
	}
	if err := s.smc.AckCtx(ctx, req.EnvelopeID, a.body); err != nil {
		s.d.log.ErrorContext(ctx, "socket mode ack failed", "envelope_id", req.EnvelopeID, "err", err)
		return
	}
	s.d.metrics.ack(s.d.now().Sub(received))
}

// badMessage logs an envelope slack-go could not parse (often an event type it does not know)
// and acknowledges it when it has an envelope id, so Slack does not redeliver it forever.
func (s *socketFront) badMessage(ctx context.Context, evt socketmode.Event) {
	bad, _ := evt.Data.(*socketmode.ErrorBadMessage)
	var env struct {
		EnvelopeID string `json:"envelope_id"`
		Type       string `json:"type"`
	}
	if bad != nil {
		_ = json.Unmarshal(bad.Message, &env)
		s.d.log.WarnContext(ctx, "socket mode envelope not understood", "type", env.Type, "envelope_id", env.EnvelopeID, "err", bad.Cause)
	}
	s.d.metrics.request("socket", "bad_envelope")
	s.d.metrics.ignore()
	if env.EnvelopeID != "" {
		if err := s.smc.AckCtx(ctx, env.EnvelopeID, nil); err != nil {
			s.d.log.ErrorContext(ctx, "socket mode ack failed", "envelope_id", env.EnvelopeID, "err", err)
		}
	}
}
