// Command chorus runs Chorus: the Slack bot that keeps omnichannel marketing teams on one message.
//
//	chorus                  console if Slack is not configured, else serve
//	chorus console          a terminal that stands in for Slack (embedded store by default)
//	chorus serve            the Slack app (Socket Mode or HTTP)
//	chorus demo             a scripted tour on a throw-away store
//	chorus drift eval       measure the drift detector on labelled sets
//	chorus bench            generate a year of data and measure every command on it
//	chorus manifest         print the Slack app manifest
//	chorus healthcheck      probe a running server's /healthz (for container health checks)
//	chorus version          print the version
//
// main wires every part explicitly; the end-to-end tests call run with the same wiring.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // containers without /usr/share/zoneinfo still know Europe/Paris

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/bot"
	"github.com/chorus-hq/chorus/commands"
	"github.com/chorus-hq/chorus/commands/minutes"
	"github.com/chorus-hq/chorus/configs"
	"github.com/chorus-hq/chorus/console"
	"github.com/chorus-hq/chorus/scheduler"
	"github.com/chorus-hq/chorus/store"
	"github.com/chorus-hq/chorus/store/embedded"
	"golang.org/x/term"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := environment{args: os.Args[1:], stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv,
		now: time.Now, interactive: isTerminal(os.Stdin)}
	if err := run(ctx, env); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "chorus:", err)
		}
		os.Exit(2)
	}
}

// environment is everything run takes from the process, so tests can supply their own.
type environment struct {
	args           []string
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	now            func() time.Time
	interactive    bool
	// wrapStore, when set, stands between commands and the store: the load benchmark slows
	// the store down with it to show that acks do not wait for it.
	wrapStore func(commands.Store) commands.Store
	// baseline opens the store as before issue 17, without its read model and, on the embedded
	// server, without the index reads by _id need: chorus bench --baseline measures it.
	baseline bool
}

const usage = `Chorus — one message, every channel.

Usage:
  chorus [command] [flags]

Commands:
  console       a terminal that stands in for Slack (default when Slack is not configured)
  serve         run the Slack app (Socket Mode with SLACK_APP_TOKEN, else HTTP)
  demo          a scripted tour on a throw-away store
  drift eval    measure the drift detector on labelled sets (--set DIR, repeatable)
  bench         generate a year of data and measure every command (--scale N)
  manifest      print the Slack app manifest (configs/manifest.yaml)
  healthcheck   probe a running server's /healthz
  version       print the version

Run "chorus <command> --help" for a command's flags. Settings come from the environment
(CHORUS_*, SLACK_*, OPENAI_*) and an optional YAML file (--config); see configs/chorus.example.yaml.
`

func run(ctx context.Context, env environment) error {
	cmd, args := "", env.args
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "":
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			fmt.Fprint(env.stdout, usage)
			return nil
		}
		return runDefault(ctx, env, args)
	case "console":
		return runConsole(ctx, env, args, true)
	case "serve":
		return runServe(ctx, env, args)
	case "demo":
		return runDemo(ctx, env, args)
	case "drift":
		return runDrift(ctx, env, args)
	case "bench":
		return runBench(ctx, env, args)
	case "manifest":
		_, err := env.stdout.Write(configs.Manifest)
		return err
	case "healthcheck":
		return runHealthcheck(ctx, env, args)
	case "version":
		fmt.Fprintln(env.stdout, "chorus", buildVersion())
		return nil
	case "help":
		fmt.Fprint(env.stdout, usage)
		return nil
	default:
		fmt.Fprint(env.stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

func buildVersion() string {
	if version != "dev" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return version
}

// runDefault serves Slack when it is configured, else starts the console and says how to
// connect Slack.
func runDefault(ctx context.Context, env environment, args []string) error {
	fs := newFlags("chorus", env)
	file := fs.String("config", "", "YAML configuration file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := configs.Load(env.getenv, *file)
	if err != nil {
		return err
	}
	if cfg.SlackMode() != "" {
		return runServe(ctx, env, args)
	}
	return runConsole(ctx, env, args, false)
}

func newFlags(name string, env environment) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	return fs
}

// app is the wired core every mode shares: configuration, logger, store and commands.
type app struct {
	cfg      configs.Config
	log      *slog.Logger
	store    *store.Store
	storeURI string // the store's server (the embedded one's address), for the inbox writer
	commands *commands.Service
	slack    *bot.Client     // the Web API client when Slack is configured, else nil
	feed     *scheduler.Feed // tells the scheduler of each mode about this process's writes
	close    func()

	// reopenStore opens another store on the same database, as a restart would (chorus bench).
	reopenStore func(ctx context.Context) (*store.Store, error)
	readModel   bool
}

// embeddedConnections caps the store's connections to the embedded server: each is an SQLite
// connection with its own caches (about 1 MiB), and two cores gain nothing from more.
const embeddedConnections = 8

// newApp loads the configuration and opens the store: the configured MongoDB, or the embedded
// server under the data directory.
func newApp(ctx context.Context, env environment, file string) (*app, error) {
	cfg, err := configs.Load(env.getenv, file)
	if err != nil {
		return nil, err
	}
	logger := newLogger(env.stderr, cfg)
	closers := []func(){}
	closeAll := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	uri := cfg.MongoURI
	embeddedMode := uri == ""
	var srv *embedded.Server
	if embeddedMode {
		srv, err = embedded.Start(ctx, cfg.DataDir, logger)
		if err != nil {
			return nil, explainLocked(err, cfg.Lang)
		}
		closers = append(closers, srv.Close)
		uri = srv.URI()
	}
	sopts := store.Options{Logger: logger, Now: env.now, SerializeWrites: embeddedMode, ReadModel: !env.baseline}
	if embeddedMode {
		sopts.MaxConnections = embeddedConnections
		// it reads by no secondary index: each would only slow every write
		sopts.UniqueIndexesOnly = !env.baseline
	}
	st, err := store.Open(ctx, uri, cfg.MongoDB, sopts)
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("open store: %w", err)
	}
	if srv != nil && !env.baseline {
		// store.Open created every collection; reads by _id may now use an index
		if err := srv.IndexIDs(ctx, cfg.MongoDB); err != nil {
			closeAll()
			return nil, err
		}
	}
	closers = append(closers, func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := st.Close(cctx); err != nil {
			logger.Warn("close store", "err", err)
		}
	})
	if !embeddedMode && sopts.ReadModel {
		closers = append(closers, refreshReadModel(ctx, st, logger))
	}
	logger.Debug("config", "config", cfg)
	var cst commands.Store = st
	if env.wrapStore != nil {
		cst = env.wrapStore(st)
	}
	opts := commands.Options{TimeZone: cfg.TimeZone, Lang: cfg.Lang, Leads: cfg.Leads, FeedURL: cfg.PublicURL}
	slack := slackClient(cfg, logger, env.now, &opts)
	if slack == nil {
		// the console writes exports beside its data and reads the files typed
		opts.PlanFiles = localPlanFiles{dir: filepath.Join(cfg.DataDir, "exports")}
	}
	client, err := newLLM(cfg, logger, env.now)
	if err != nil {
		closeAll()
		return nil, err
	}
	if client != nil {
		opts.Judge, opts.Minutes.Summarizer = &llmJudge{c: client}, client
		// The summary's budget is the call's own timeout plus a margin, so the client gives
		// up first and says why.
		opts.Minutes.SummaryTimeout = cfg.OpenAI.Timeout + minutes.DefaultSummaryTimeout/5
	}
	feed := &scheduler.Feed{}
	cst = commands.Watch(cst, feed)
	opts.ReminderPolicy = reminderPolicy(cfg)
	svc := commands.New(cst, logger, env.now, opts)
	reopen := func(ctx context.Context) (*store.Store, error) { return store.Open(ctx, uri, cfg.MongoDB, sopts) }
	return &app{cfg: cfg, log: logger, store: st, storeURI: uri, commands: svc, slack: slack, feed: feed, close: closeAll,
		reopenStore: reopen, readModel: sopts.ReadModel}, nil
}

// readModelRefresh is how often a replica on MongoDB reads the heads other replicas changed
// into its read model: the staleness docs/architecture.md describes (« Read model »).
const readModelRefresh = 2 * time.Second

// refreshReadModel refreshes st's read model until the returned stop is called. On the
// embedded store the process is the only writer, so nothing needs refreshing.
func refreshReadModel(ctx context.Context, st *store.Store, logger *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(readModelRefresh)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := st.Refresh(ctx); err != nil && ctx.Err() == nil {
					logger.Warn("store: refresh read model", "err", err)
				}
			}
		}
	}()
	return func() { cancel(); <-done }
}

func newLogger(w io.Writer, cfg configs.Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func runConsole(ctx context.Context, env environment, args []string, explicit bool) error {
	fs := newFlags("chorus console", env)
	file := fs.String("config", "", "YAML configuration file")
	as := fs.String("as", "alice", "acting user (type /as USER to switch)")
	admins := fs.String("admins", "alice", "comma-separated users treated as workspace admins")
	lang := fs.String("lang", "", "the users' language as Slack would report it: fr or en (default: the workspace's)")
	pictures := fs.String("pictures", "", "folder where the calendar's pictures are written (default: a chorus-pictures folder in the temporary folder)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: chorus console [flags] — type /campaign, /glossary, /chorus commands; numbers click buttons.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	var l chorus.Lang
	if *lang != "" {
		var ok bool
		if l, ok = chorus.ParseLang(*lang); !ok {
			return fmt.Errorf("--lang %q: choose fr or en", *lang)
		}
	}
	a, err := newApp(ctx, env, *file)
	if err != nil {
		return err
	}
	defer a.close()
	if env.interactive {
		if !explicit {
			fmt.Fprintln(env.stdout, connectSlackHint)
		}
		fmt.Fprintf(env.stdout, "Chorus %s — console (%s). /campaign help · /glossary help · /chorus help · /quit\n", buildVersion(), storeLabel(a.cfg))
	}
	c := console.New(a.commands, env.stdin, env.stdout, console.Options{
		Workspace: a.cfg.Workspace, User: *as, Admins: splitComma(*admins), Lang: l, Interactive: env.interactive,
		PictureDir: *pictures,
	})
	stopScheduler, err := a.startScheduler(ctx, newConsoleSender(c.Deliver, env.now), env.now)
	if err != nil {
		return err
	}
	defer stopScheduler()
	return c.Run(ctx)
}

const connectSlackHint = "Slack n'est pas configuré : Chorus démarre en console. Pour connecter Slack, voir « Connect to Slack » dans README.md (SLACK_BOT_TOKEN + SLACK_APP_TOKEN, ou SLACK_SIGNING_SECRET).\n" +
	"Slack is not configured, so Chorus starts as a console. To connect Slack, see \"Connect to Slack\" in README.md (SLACK_BOT_TOKEN + SLACK_APP_TOKEN, or SLACK_SIGNING_SECRET)."

func storeLabel(cfg configs.Config) string {
	if cfg.MongoURI == "" {
		return "embedded store in " + cfg.DataDir
	}
	return "MongoDB"
}

func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func runHealthcheck(ctx context.Context, env environment, args []string) error {
	fs := newFlags("chorus healthcheck", env)
	url := fs.String("url", "http://127.0.0.1:3000/healthz", "health endpoint to probe")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", *url, resp.Status)
	}
	fmt.Fprintln(env.stdout, "ok")
	return nil
}

// isTerminal reports whether a person types on f. /dev/null is a character device too, so the
// mode bits are not enough.
func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
