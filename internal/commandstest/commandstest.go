// Package commandstest is the test environment the features' scenario tests share: the router
// (commands.Service) over a fresh database on one embedded server per test binary, a settable
// clock, and helpers that type a command and check what the reply says. Only tests import it.
package commandstest

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands"
	"github.com/chorus-hq/chorus/reply"
	"github.com/chorus-hq/chorus/store"
	"github.com/chorus-hq/chorus/store/embedded"
)

// server is one embedded MongoDB-wire server for a test binary; each test gets its own database
// on it, which is much cheaper than a server per test.
var server struct {
	once sync.Once
	dir  string
	srv  *embedded.Server
	err  error
	n    atomic.Int64
}

// Main runs the tests of m and then stops the server they shared; call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if server.srv != nil {
		server.srv.Close()
	}
	if server.dir != "" {
		os.RemoveAll(server.dir)
	}
	os.Exit(code)
}

// Clock is a settable test clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now reads the clock.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// Env is a commands.Service over a fresh database, with its store and clock.
type Env struct {
	Svc   *commands.Service
	Store *store.Store
	Clock *Clock
}

// New returns a service whose clock reads Tuesday 1 June 2027, 09:00 in Paris, and whose
// workspace "T1" has "lea" as omnichannel lead.
func New(t testing.TB) *Env {
	t.Helper()
	return NewWith(t, commands.Options{})
}

// NewWith is New with the optional services (summarizer, judge, …) set in opts.
func NewWith(t testing.TB, opts commands.Options) *Env {
	t.Helper()
	server.once.Do(func() {
		server.dir, server.err = os.MkdirTemp("", "chorus-commands-db-")
		if server.err == nil {
			server.srv, server.err = embedded.Start(context.Background(), server.dir, nil)
		}
	})
	if server.err != nil {
		t.Fatal(server.err)
	}
	ctx := context.Background()
	db := fmt.Sprintf("t%d_%d", os.Getpid(), server.n.Add(1))
	clk := &Clock{t: time.Date(2027, 6, 1, 9, 0, 0, 0, chorus.LoadLocation("Europe/Paris"))}
	st, err := store.Open(ctx, server.srv.URI(), db, store.Options{Now: clk.Now, SerializeWrites: true, ReadModel: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close(context.Background()) })
	if err := server.srv.IndexIDs(ctx, db); err != nil {
		t.Fatal(err)
	}
	opts.Leads = []string{"lea"}
	svc := commands.New(st, slog.New(slog.DiscardHandler), clk.Now, opts)
	return &Env{Svc: svc, Store: st, Clock: clk}
}

// Do runs one slash command line, such as `/campaign list`, as user.
func (e *Env) Do(t testing.TB, user, line string) reply.Reply {
	t.Helper()
	return e.DoLang(t, user, "", line)
}

// DoLang runs a line as user reading lang.
func (e *Env) DoLang(t testing.TB, user string, lang chorus.Lang, line string) reply.Reply {
	t.Helper()
	cmd, text, _ := strings.Cut(line, " ")
	return e.Svc.Command(context.Background(), reply.Request{Workspace: "T1", User: user, Lang: lang, Command: cmd, Text: text})
}

// Setup creates the campaign every test starts from, led by lea, with a social channel owned by
// sami.
func (e *Env) Setup(t testing.TB) {
	t.Helper()
	for _, line := range []string{
		`/campaign create ete-literie "Soldes d'été literie" 2027-07-01 2027-07-15`,
		`/campaign message ete-literie Du 1er au 15 juillet 2027, -30 % sur toute la literie, en magasin et en ligne.`,
		`/campaign channel add ete-literie social #social @sami`,
	} {
		r := e.Do(t, "lea", line)
		if strings.Contains(r.Text, "⚠️") {
			t.Fatalf("%s: %s", line, r.Text)
		}
	}
}

// Snapshot summarises what the store holds for workspace T1: campaigns, tasks and terms, to
// check that a refused command changed nothing.
func (e *Env) Snapshot(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	camps, err := e.Store.Campaigns(ctx, "T1")
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := e.Store.Tasks(ctx, "T1", chorus.TaskFilter{})
	if err != nil {
		t.Fatal(err)
	}
	terms, err := e.Store.Terms(ctx, "T1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal([]any{camps, tasks, terms})
	return string(b)
}

// MustSay fails unless the reply's text holds every want.
func MustSay(t testing.TB, r reply.Reply, want ...string) {
	t.Helper()
	all := r.Text
	for _, b := range r.Blocks {
		all += "\n" + b.Text + "\n" + strings.Join(b.Fields, "\n")
	}
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Fatalf("reply does not say %q:\n%s", w, all)
		}
	}
}
