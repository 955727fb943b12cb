package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/chorus-hq/chorus/bot"
	"github.com/chorus-hq/chorus/drift/eval"
	"github.com/chorus-hq/chorus/feed"
	"github.com/chorus-hq/chorus/store"
)

func runServe(ctx context.Context, env environment, args []string) error {
	fs := newFlags("chorus serve", env)
	file := fs.String("config", "", "YAML configuration file")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), `Usage: chorus serve [flags]

Runs the Slack app. With SLACK_BOT_TOKEN and SLACK_APP_TOKEN it connects over Socket Mode; with
SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET it serves POST /slack/events on CHORUS_HTTP_ADDR.
Either way CHORUS_HTTP_ADDR also serves /healthz, /readyz, /metrics and the calendar's
subscriptions, /calendar/<token>.ics (/chorus calendar link gives one).`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := newApp(ctx, env, *file)
	if err != nil {
		return err
	}
	defer a.close()
	// The Go runtime's memory settings (memory.go): a memory limit that follows the read model.
	follow := tuneMemory(a.log, a.store.ReadModelReady(), 10*time.Second)
	go follow(ctx)
	return serve(ctx, env, a, nil)
}

// serve wires the Slack front door to the app and runs it until ctx ends. listening, when not
// nil, receives the HTTP address once the listener is open.
func serve(ctx context.Context, env environment, a *app, listening chan<- string) error {
	cfg := a.cfg
	mode := cfg.SlackMode()
	if mode == "" {
		return errors.New("serve: Slack is not configured: set SLACK_BOT_TOKEN and either SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP); see README.md, \"Connect to Slack\"")
	}
	client := a.slack
	authCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	self, err := client.AuthTest(authCtx)
	cancel()
	if err != nil {
		return fmt.Errorf("serve: check the bot token with auth.test: %w", err)
	}
	stopScheduler, err := a.startScheduler(ctx, slackSender{client: client}, env.now)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer stopScheduler()
	// The acknowledgements' inbox writes get connections of their own, so that they never queue
	// behind the workers' queries for one of the store's.
	inboxWriter, err := a.store.OpenInboxWriter(a.storeURI, 2)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := inboxWriter.Close(cctx); err != nil {
			a.log.Warn("close the inbox writer", "err", err)
		}
	}()
	d, err := bot.NewDispatcher(bot.Options{
		Handler:       a.commands,
		Messages:      a.commands,
		Reactions:     a.commands,
		Client:        client,
		Claimer:       a.store,
		Logger:        a.log,
		Clock:         env.now,
		ReplicaID:     replicaID(),
		Self:          self,
		AllowBots:     cfg.Slack.AllowBots,
		CommandPrefix: cfg.CommandPrefix,
		Workers:       cfg.Workers,
		MaxQueued:     cfg.MaxQueued,
		Lang:          cfg.Lang,
		Inbox:         newStoreInbox(a.store, inboxWriter),
		Effects:       store.WithEffects,
		Once:          a.store.Once,
		// The embedded store is locked to this process: what its inbox holds unfinished was
		// left by a dead predecessor, to be taken at once.
		Exclusive: cfg.MongoURI == "",
	})
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	slackHandler := bot.NewHTTPHandler(d, bot.HTTPOptions{
		SigningSecret: cfg.Slack.SigningSecret.Reveal(),
		Ready:         a.store.Ping,
	})
	// Slack's routes, and the calendar's subscriptions (/calendar/<token>.ics).
	handler := http.NewServeMux()
	handler.Handle("/", slackHandler)
	handler.Handle(feed.Pattern, feed.Handler(a.commands, a.log))
	// The heartbeat first: the items this process writes must be known as held before any is.
	if err := d.StartInbox(ctx); err != nil {
		return fmt.Errorf("serve: inbox: %w", err)
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("serve: listen on %s: %w", cfg.HTTPAddr, err)
	}
	// Headers must arrive within 5 s and stay under 16 KiB (Slack's are about 1 KiB); the body
	// gets its own, shorter deadline in bot once the headers passed. Idle keep-alive connections
	// are closed after a minute. A slow or silent client so holds a goroutine and a 4 KiB buffer
	// for 5 s at most.
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: time.Minute, MaxHeaderBytes: 16 << 10}
	errc := make(chan error, 2)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("serve: http: %w", err)
		}
	}()
	a.log.Info("chorus serving", "mode", mode, "addr", ln.Addr().String(), "team", self.TeamID, "bot_user", self.UserID)
	if listening != nil {
		listening <- ln.Addr().String()
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	inboxDone := make(chan struct{})
	go func() { defer close(inboxDone); d.RunInbox(runCtx) }()
	if mode == "socket" {
		go func() {
			if err := bot.RunSocketMode(runCtx, d, bot.SocketOptions{AppToken: cfg.Slack.AppToken.Reveal()}); err != nil {
				errc <- fmt.Errorf("serve: socket mode: %w", err)
			}
		}()
	}
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	stop()
	<-inboxDone
	// Slack gets no more acks from us; let the jobs already acknowledged finish their replies.
	// What is still queued at the deadline stays unfinished in the inbox, for the next process.
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		a.log.Warn("http shutdown", "err", err)
	}
	if err := d.Wait(shutdownCtx); err != nil {
		a.log.Warn("background jobs did not finish", "err", err)
	}
	// Hand back what was admitted and not run: the next process, or another replica, takes it.
	if err := d.ReleaseInbox(context.WithoutCancel(ctx)); err != nil {
		a.log.Warn("cannot hand back the inbox", "err", err)
	}
	a.log.Info("chorus stopped")
	return runErr
}

// replicaID names this process in claims, so an operator can tell which replica handled what.
func replicaID() string {
	host, err := os.Hostname()
	if err != nil {
		host = "chorus"
	}
	// a random part: a container restarts as PID 1 on the same host name, and a new process
	// must never take the items of the one that died for its own
	var b [4]byte
	_, _ = rand.Read(b[:])
	return host + "-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b[:])
}

func runDrift(ctx context.Context, env environment, args []string) error {
	if len(args) == 0 || args[0] != "eval" {
		fmt.Fprintln(env.stderr, "Usage: chorus drift eval --set DIR [--set DIR ...] [--json] [--bench-time D]\n"+
			"         [--min-f1 F] [--max-false-flags F] [--min-kind-recall F] [--min-balanced-accuracy F]\n"+
			"         [--gate SET:key=value,...]")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return nil
		}
		return errors.New("drift: unknown sub-command; try: chorus drift eval --set DIR")
	}
	return eval.Run(ctx, args[1:], env.stdout, env.stderr)
}
