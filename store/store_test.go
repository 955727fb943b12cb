package store_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/store"
	"github.com/chorus-hq/chorus/store/embedded"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// uriEnv names a MongoDB the contract suite runs against instead of the embedded server.
const uriEnv = "CHORUS_TEST_MONGODB_URI"

// clock is a test clock that moves only when told to.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// start is the test clock's first instant: not UTC and finer than a millisecond, so tests see
// the store normalise times.
var start = time.Date(2027, 6, 1, 9, 30, 0, 123456789, time.FixedZone("CEST", 2*3600))

// env is one test's store and how to reopen it.
type env struct {
	Store *store.Store
	Clock *clock
	uri   string
	db    string
	dir   string           // data directory of the embedded server, "" on an external MongoDB
	srv   *embedded.Server // nil on an external MongoDB
	opts  store.Options
}

// newTestStore returns a store on a fresh database: an embedded server under t.TempDir(), or a
// random database on the server named by CHORUS_TEST_MONGODB_URI, dropped at cleanup.
func newTestStore(t testing.TB) *store.Store {
	t.Helper()
	return newEnv(t, true).Store
}

// newEnv is newTestStore with access to the clock and the server. serialize sets
// SerializeWrites on the embedded server; an external MongoDB always runs without it.
func newEnv(t testing.TB, serialize bool) *env {
	t.Helper()
	return newEnvWith(t, serialize, true)
}

// newEnvWith is newEnv with the read model on or off; each of adjust changes the options the
// store is opened (and reopened) with.
func newEnvWith(t testing.TB, serialize, readModel bool, adjust ...func(store.Options) store.Options) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{Clock: &clock{t: start}, db: "chorus"}
	e.opts = store.Options{Now: e.Clock.Now, ReadModel: readModel}
	if uri := os.Getenv(uriEnv); uri != "" {
		e.uri, e.db = uri, "chorus_test_"+strings.ToLower(rand.Text()[:12])
	} else {
		e.dir = t.TempDir()
		e.startServer(t)
		e.opts.SerializeWrites = serialize
	}
	for _, f := range adjust {
		e.opts = f(e.opts)
	}
	s, err := store.Open(ctx, e.uri, e.db, e.opts)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	<-s.ReadModelReady() // the tests read from the read model, not around it
	e.Store = s
	t.Cleanup(func() {
		if e.srv == nil {
			if err := store.DropDatabase(ctx, e.Store); err != nil {
				t.Errorf("drop test database: %v", err)
			}
		}
		_ = e.Store.Close(ctx) // closing twice after a reopen test is harmless
	})
	return e
}

func (e *env) startServer(t testing.TB) {
	t.Helper()
	srv, err := embedded.Start(context.Background(), e.dir, nil)
	if err != nil {
		t.Fatalf("start embedded server: %v", err)
	}
	t.Cleanup(srv.Close)
	e.srv, e.uri = srv, srv.URI()
}

// plain opens a second store on the same data without a read model: the server's answers, for
// the read model's to be compared with.
func (e *env) plain(t testing.TB) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, e.uri, e.db, store.Options{Now: e.Clock.Now})
	if err != nil {
		t.Fatalf("open a store without read model: %v", err)
	}
	t.Cleanup(func() { s.Close(ctx) })
	return s
}

// second opens another store on the same data, as another replica would, with its read model
// loaded.
func (e *env) second(t testing.TB) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, e.uri, e.db, e.opts)
	if err != nil {
		t.Fatalf("open a second store: %v", err)
	}
	t.Cleanup(func() { s.Close(ctx) })
	<-s.ReadModelReady()
	return s
}

// reopen closes the store (and the embedded server) and opens them again on the same data.
func (e *env) reopen(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	if err := e.Store.Close(ctx); err != nil {
		t.Fatalf("close store: %v", err)
	}
	if e.srv != nil {
		e.srv.Close()
		e.startServer(t)
	}
	s, err := store.Open(ctx, e.uri, e.db, e.opts)
	if err != nil {
		t.Fatalf("reopen store: %v", err)
	}
	<-s.ReadModelReady() // the tests read from the read model, not around it
	e.Store = s
}

func wantErr(t testing.TB, err, want error) {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want != nil && !errors.Is(err, want):
		t.Fatalf("error = %v, want %v", err, want)
	}
}

func TestOpenNewDatabaseRecordsSchemaVersion(t *testing.T) {
	e := newEnv(t, true)
	got, err := store.StoredSchemaVersion(context.Background(), e.Store)
	if err != nil {
		t.Fatal(err)
	}
	if got != store.SchemaVersion {
		t.Fatalf("schema version = %d, want %d", got, store.SchemaVersion)
	}
	if err := e.Store.Ping(context.Background()); err != nil {
		t.Fatalf("ping: %v", err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	if err := store.SetSchemaVersion(ctx, e.Store, store.SchemaVersion+1); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(ctx, e.uri, e.db, e.opts)
	if err == nil {
		_ = s.Close(ctx)
		t.Fatal("Open succeeded on a database with a newer schema")
	}
	if !errors.Is(err, store.ErrSchemaTooNew) || !strings.Contains(err.Error(), fmt.Sprint(store.SchemaVersion+1)) {
		t.Fatalf("error = %v, want ErrSchemaTooNew naming version %d", err, store.SchemaVersion+1)
	}
}

func TestOpenMigratesOlderSchema(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	_, err := e.Store.CreateCampaign(ctx, campaign("T1", "ete"))
	wantErr(t, err, nil)
	var ran []int
	migs := map[int]func(context.Context, *mongo.Database) error{
		store.SchemaVersion: func(context.Context, *mongo.Database) error {
			ran = append(ran, store.SchemaVersion)
			return nil
		},
		store.SchemaVersion + 1: func(context.Context, *mongo.Database) error {
			ran = append(ran, store.SchemaVersion+1)
			return nil
		},
	}
	s, err := store.OpenWith(ctx, e.uri, e.db, e.opts, store.SchemaVersion+2, migs)
	if err != nil {
		t.Fatalf("open with migrations: %v", err)
	}
	defer s.Close(ctx)
	if want := []int{store.SchemaVersion, store.SchemaVersion + 1}; fmt.Sprint(ran) != fmt.Sprint(want) {
		t.Fatalf("migrations ran %v, want %v", ran, want)
	}
	got, err := store.StoredSchemaVersion(ctx, s)
	if err != nil || got != store.SchemaVersion+2 {
		t.Fatalf("schema version after migration = %d, %v; want %d", got, err, store.SchemaVersion+2)
	}
	if _, err := s.Campaign(ctx, "T1", "ete"); err != nil {
		t.Fatalf("data after migration: %v", err)
	}

	t.Run("missing migration", func(t *testing.T) {
		s, err := store.OpenWith(ctx, e.uri, e.db, e.opts, store.SchemaVersion+3, nil)
		if err == nil {
			_ = s.Close(ctx)
			t.Fatal("Open succeeded without a migration to run")
		}
	})
	t.Run("failing migration keeps the old version", func(t *testing.T) {
		boom := errors.New("boom")
		fail := map[int]func(context.Context, *mongo.Database) error{
			store.SchemaVersion + 2: func(context.Context, *mongo.Database) error { return boom },
		}
		s, err := store.OpenWith(ctx, e.uri, e.db, e.opts, store.SchemaVersion+3, fail)
		if !errors.Is(err, boom) {
			if s != nil {
				_ = s.Close(ctx)
			}
			t.Fatalf("error = %v, want the migration's", err)
		}
		got, err := store.StoredSchemaVersion(ctx, e.Store)
		if err != nil || got != store.SchemaVersion+2 {
			t.Fatalf("schema version = %d, %v; want %d", got, err, store.SchemaVersion+2)
		}
	})
}

func TestOpenUnreachableServerFails(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	s, err := store.Open(ctx, "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500", "chorus", store.Options{})
	if err == nil {
		_ = s.Close(ctx)
		t.Fatal("Open succeeded without a server")
	}
}

// TestRestartKeepsData closes the store and the embedded server, starts both again on the same
// directory, and finds every kind of data.
func TestRestartKeepsData(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	s := e.Store
	_, err := s.SaveWorkspace(ctx, chorus.Workspace{ID: "T1", TimeZone: "Europe/Paris", Lang: chorus.French})
	wantErr(t, err, nil)
	c, err := s.CreateCampaign(ctx, campaign("T1", "ete"))
	wantErr(t, err, nil)
	c.Message = "second"
	_, err = s.UpdateCampaign(ctx, c)
	wantErr(t, err, nil)
	task, err := s.CreateTask(ctx, newTask("T1", "ete", "alice", start.Add(time.Hour)))
	wantErr(t, err, nil)
	_, err = s.CreateTerm(ctx, term("T1", chorus.French, "Click & Collect"))
	wantErr(t, err, nil)
	wantErr(t, s.AddAudit(ctx, chorus.AuditEntry{WorkspaceID: "T1", Action: "campaign.create", Target: "campaign:ete"}), nil)
	won, err := s.Claim(ctx, "event", "Ev1", "p1")
	if err != nil || !won {
		t.Fatalf("claim = %v, %v", won, err)
	}

	e.reopen(t)
	s = e.Store
	if w, err := s.Workspace(ctx, "T1"); err != nil || w.Version != 1 {
		t.Fatalf("workspace after restart = %+v, %v", w, err)
	}
	if h, err := s.CampaignHistory(ctx, "T1", "ete"); err != nil || len(h) != 2 || h[1].Message != "second" {
		t.Fatalf("campaign history after restart = %+v, %v", h, err)
	}
	if got, err := s.Task(ctx, "T1", task.ID); err != nil || got != task {
		t.Fatalf("task after restart = %+v, %v; want %+v", got, err, task)
	}
	if _, err := s.Term(ctx, "T1", chorus.TermKey(chorus.French, "click & collect")); err != nil {
		t.Fatalf("term after restart: %v", err)
	}
	if a, err := s.Audit(ctx, "T1", ""); err != nil || len(a) != 1 {
		t.Fatalf("audit after restart = %+v, %v", a, err)
	}
	if won, err := s.Claim(ctx, "event", "Ev1", "p2"); err != nil || won {
		t.Fatalf("claim after restart = %v, %v; want false", won, err)
	}
}

// Every collection exists once the store is open, also those without a secondary index: the
// embedded server creates a collection on its first insert, and two first inserts at once race.
func TestOpenCreatesEveryCollection(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	e.reopen(t) // a second open finds them and must not fail
	names, err := store.CollectionNames(ctx, e.Store)
	wantErr(t, err, nil)
	for _, c := range store.BareCollections() {
		if !slices.Contains(names, c) {
			t.Errorf("collection %q missing after open; have %v", c, names)
		}
	}
}
