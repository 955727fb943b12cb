package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands"
	"github.com/chorus-hq/chorus/scheduler"
	"github.com/chorus-hq/chorus/store"
	"github.com/chorus-hq/chorus/store/embedded"
)

var paris = chorus.LoadLocation("Europe/Paris")

// clock is a settable test clock; nothing in these tests sleeps.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// sent is one message the fake sender posted, with the simulated time it was posted at.
type sent struct {
	scheduler.Message
	TS string
	At time.Time
}

// sender is a fake Slack: it keeps every message, finds them by metadata, and can be told to
// fail.
type sender struct {
	clock *clock
	mu    sync.Mutex
	msgs  []sent
	seq   int
	// fail, when set, is asked before each send; an error fails the send. It may send first
	// (crash after send) by returning errCrashAfterSend.
	fail func(m scheduler.Message) error
}

var errCrashAfterSend = errors.New("process died after sending")

func (s *sender) Send(_ context.Context, m scheduler.Message) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var err error
	if s.fail != nil {
		err = s.fail(m)
		if err != nil && !errors.Is(err, errCrashAfterSend) {
			return "", err
		}
	}
	s.seq++
	ts := fmt.Sprintf("1800000000.%06d", s.seq)
	s.msgs = append(s.msgs, sent{Message: m, TS: ts, At: s.clock.Now()})
	return ts, err
}

// Find looks in a thread's replies, or among top-level messages, as Slack's
// conversations.replies and conversations.history do.
func (s *sender) Find(_ context.Context, channel, thread, eventType, id string, since time.Time) (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.msgs) - 1; i >= 0; i-- {
		m := s.msgs[i]
		if m.Channel == channel && m.Thread == thread && m.EventType == eventType && m.ID == id && !m.At.Before(since) {
			return m.TS, true, nil
		}
	}
	return "", false, nil
}

func (s *sender) Sent() []sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.msgs)
}

// lines describes the messages as "<Paris time> <channel> <occurrence id>", sorted.
func (s *sender) lines() []string {
	var out []string
	for _, m := range s.Sent() {
		out = append(out, m.At.In(paris).Format("Mon 01-02 15:04 MST")+" "+m.Channel+" "+m.ID)
	}
	slices.Sort(out)
	return out
}

// dupes returns the occurrence ids sent more than once.
func dupes(msgs []sent) []string {
	seen := map[string]int{}
	for _, m := range msgs {
		seen[m.ID]++
	}
	var out []string
	for id, n := range seen {
		if n > 1 {
			out = append(out, fmt.Sprintf("%s x%d", id, n))
		}
	}
	slices.Sort(out)
	return out
}

// server is one embedded server for the package's tests; each test gets its own database.
var server struct {
	once sync.Once
	srv  *embedded.Server
	dir  string
	err  error
	n    atomic.Int64
}

func TestMain(m *testing.M) {
	code := m.Run()
	if server.srv != nil {
		server.srv.Close()
		os.RemoveAll(server.dir)
	}
	os.Exit(code)
}

// openStore opens a fresh database on the shared embedded server, with the given clock.
func openStore(t testing.TB, clk *clock) (*store.Store, func() *store.Store) {
	t.Helper()
	return openStoreWith(t, clk, store.Options{})
}

// openStoreWith is openStore with options (the clock and serialised writes are set here).
func openStoreWith(t testing.TB, clk *clock, opts store.Options) (*store.Store, func() *store.Store) {
	t.Helper()
	server.once.Do(func() {
		server.dir, server.err = os.MkdirTemp("", "chorus-scheduler-test-")
		if server.err == nil {
			server.srv, server.err = embedded.Start(context.Background(), server.dir, nil)
		}
	})
	if server.err != nil {
		t.Fatal(server.err)
	}
	db := fmt.Sprintf("s%d_%d", os.Getpid(), server.n.Add(1))
	open := func() *store.Store {
		opts.Now, opts.SerializeWrites = clk.Now, true
		st, err := store.Open(context.Background(), server.srv.URI(), db, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close(context.Background()) })
		if err := server.srv.IndexIDs(context.Background(), db); err != nil {
			t.Fatal(err)
		}
		return st
	}
	return open(), open
}

// startDedicated starts an embedded server of the test's own on dir and opens the store on it,
// for tests that restart the server.
func startDedicated(t testing.TB, dir string, clk *clock) (*embedded.Server, *store.Store) {
	t.Helper()
	srv, err := embedded.Start(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	st, err := store.Open(context.Background(), srv.URI(), "chorus", store.Options{Now: clk.Now, SerializeWrites: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close(context.Background()) })
	return srv, st
}

// seed creates the campaign of the tests, "ete-literie", with #social (sami), #email (emma)
// and #magasins (rui) in workspace T1, and returns it.
func seed(t testing.TB, st *store.Store) chorus.Campaign {
	t.Helper()
	c, err := st.CreateCampaign(context.Background(), chorus.Campaign{
		WorkspaceID: "T1", Slug: "ete-literie", Name: "Soldes d'été literie", TimeZone: "Europe/Paris", Lang: chorus.French,
		Status: chorus.StatusActive, Leads: []string{"lea"}, CreatedBy: "lea",
		Channels: []chorus.Channel{
			{Kind: "social", SlackChannel: "#social", Owner: "sami"},
			{Kind: "email", SlackChannel: "#email", Owner: "emma"},
			{Kind: "retail", SlackChannel: "#magasins", Owner: "rui"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func addTask(t testing.TB, st *store.Store, id, kind, title, owner string, due time.Time) chorus.Task {
	t.Helper()
	task, err := st.CreateTask(context.Background(), chorus.Task{WorkspaceID: "T1", ID: id, Campaign: "ete-literie",
		ChannelKind: kind, Title: title, Owner: owner, Due: due.UTC(), Status: chorus.TaskOpen, CreatedBy: "lea"})
	if err != nil {
		t.Fatal(err)
	}
	return task
}

func addDigest(t testing.TB, st *store.Store, channel, spec string, lead bool) chorus.DigestSchedule {
	t.Helper()
	d, err := st.SaveDigestSchedule(context.Background(), chorus.DigestSchedule{WorkspaceID: "T1", Channel: channel,
		Spec: spec, TimeZone: "Europe/Paris", Lang: chorus.French, Lead: lead, UpdatedBy: "lea"})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func newScheduler(t testing.TB, st scheduler.Store, snd scheduler.Sender, clk *clock, replica string, edit func(*scheduler.Options)) *scheduler.Scheduler {
	t.Helper()
	opts := scheduler.Options{Store: st, Sender: snd, Now: clk.Now, Replica: replica, Logger: slog.New(slog.DiscardHandler)}
	if edit != nil {
		edit(&opts)
	}
	if opts.Composer == nil {
		opts.Composer = composer(t, st, clk)
	}
	s, err := scheduler.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// composer is the features' writer of reminders and digests over st, which every store of these
// tests also implements.
func composer(t testing.TB, st scheduler.Store, clk *clock) scheduler.Composer {
	t.Helper()
	cst, ok := st.(commands.Store)
	if !ok {
		t.Fatalf("%T is not a commands.Store", st)
	}
	return commands.New(cst, slog.New(slog.DiscardHandler), clk.Now, commands.Options{})
}

// runUntil advances the clock from one due occurrence to the next, ticking every scheduler at
// each, until end. It is what Run does, minus the waiting.
func runUntil(t testing.TB, clk *clock, end time.Time, ss ...*scheduler.Scheduler) {
	t.Helper()
	ctx := context.Background()
	for {
		next, ok := time.Time{}, false
		for _, s := range ss {
			if at, has := s.NextDue(); has && (!ok || at.Before(next)) {
				next, ok = at, true
			}
		}
		if !ok || next.After(end) {
			clk.Set(end)
			tickAll(ctx, ss)
			return
		}
		if next.After(clk.Now()) {
			clk.Set(next)
		}
		tickAll(ctx, ss)
	}
}

// tickAll ticks the schedulers at once, as replicas would, and waits for their sends.
func tickAll(ctx context.Context, ss []*scheduler.Scheduler) {
	var wg sync.WaitGroup
	for _, s := range ss {
		wg.Go(func() { s.CatchUp(ctx) })
	}
	wg.Wait()
	for _, s := range ss {
		s.Wait()
	}
}

func joinLines(xs []string) string { return strings.Join(xs, "\n") }
