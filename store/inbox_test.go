package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/store"
)

func TestInbox(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	s := e.Store
	now := e.Clock.Now()
	item := func(id, owner string) store.InboxItem {
		return store.InboxItem{ID: id, Kind: "command", ContentType: "application/x-www-form-urlencoded", Body: []byte("command=%2Fcampaign"),
			Received: now, Owner: owner, Attempt: 1}
	}
	if err := s.RenewInbox(ctx, "p1", now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	errs := s.AddInbox(ctx, []store.InboxItem{item("a", "p1"), item("b", "p1"), item("a", "p2")})
	if errs[0] != nil || errs[1] != nil || !errors.Is(errs[2], chorus.ErrConflict) {
		t.Fatalf("AddInbox = %v; want nil, nil, a conflict", errs)
	}
	got, done, ok, err := s.Inbox(ctx, "a")
	if err != nil || !ok || done || got.Owner != "p1" || string(got.Body) != "command=%2Fcampaign" {
		t.Fatalf("Inbox(a) = %+v, %v, %v, %v", got, done, ok, err)
	}
	take := func(id, owner string, force bool) func() (bool, error) {
		return func() (bool, error) {
			_, ok, err := s.TakeInbox(ctx, id, owner, force)
			return ok, err
		}
	}
	unfinished := func(all bool, want ...string) func() (bool, error) {
		return func() (bool, error) {
			items, err := s.UnfinishedInbox(ctx, e.Clock.Now(), all, 10)
			var ids []string
			for _, it := range items {
				ids = append(ids, it.ID)
			}
			return fmt.Sprint(ids) == fmt.Sprint(want), err
		}
	}
	steps := []struct {
		name string
		run  func() (bool, error)
		want bool
	}{
		{"a live holder's item is not taken", take("a", "p2", false), false},
		{"nor listed", unfinished(false), true},
		{"forced, it is taken", take("a", "p2", true), true},
		{"p2 has no heartbeat: its item is listed", unfinished(false, "a"), true},
		{"p1's heartbeat expires", func() (bool, error) { e.Clock.Advance(90 * time.Second); return true, nil }, true},
		{"both listed", unfinished(false, "a", "b"), true},
		{"p1 is back", func() (bool, error) { return true, s.RenewInbox(ctx, "p1", e.Clock.Now().Add(time.Minute)) }, true},
		{"only p2's listed", unfinished(false, "a"), true},
		{"finished items are not listed at all", func() (bool, error) {
			if err := s.FinishInbox(ctx, "a", "a"); err != nil {
				return false, err
			}
			return unfinished(true, "b")()
		}, true},
		{"a finished item is not taken", take("a", "p3", true), false},
		{"released, p1's items are taken", func() (bool, error) {
			if err := s.ReleaseInbox(ctx, "p1"); err != nil {
				return false, err
			}
			return take("b", "p3", false)()
		}, true},
		{"swept an hour later", func() (bool, error) {
			e.Clock.Advance(time.Hour)
			n, err := s.SweepInbox(ctx, e.Clock.Now().Add(-30*time.Minute))
			_, _, ok, _ := s.Inbox(ctx, "a")
			return n == 1 && !ok, err
		}, true},
	}
	for _, st := range steps {
		got, err := st.run()
		if err != nil || got != st.want {
			t.Fatalf("%s: %v, %v; want %v", st.name, got, err, st.want)
		}
	}
}

// TestInboxTakenOnce: replicas racing for one item of a dead replica: exactly one takes it.
func TestInboxTakenOnce(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, false)
	now := e.Clock.Now()
	if errs := e.Store.AddInbox(ctx, []store.InboxItem{{ID: "x", Kind: "event", Received: now, Owner: "dead", Attempt: 1}}); errs[0] != nil {
		t.Fatal(errs[0])
	}
	// The racing replicas are alive, as a replica taking items is: the one that took the item
	// holds it, and a replica reading it after that take sees a live holder.
	for i := range 8 {
		if err := e.Store.RenewInbox(ctx, fmt.Sprintf("p%d", i), now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, ok, err := e.Store.TakeInbox(ctx, "x", fmt.Sprintf("p%d", i), false)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				won++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if won != 1 {
		t.Errorf("%d replicas took the item, want 1", won)
	}
}

// TestInboxBatcher: a burst of adds is written in few batches and each caller learns its fate.
func TestInboxBatcher(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	b := store.NewInboxBatcher(e.Store, 2*time.Millisecond, 64)
	var wg sync.WaitGroup
	errs := make([]error, 200)
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = b.Add(ctx, store.InboxItem{ID: fmt.Sprintf("i%d", i%150), Kind: "command", Received: e.Clock.Now()})
		}()
	}
	wg.Wait()
	stored, dup := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			stored++
		case errors.Is(err, chorus.ErrConflict):
			dup++
		default:
			t.Fatal(err)
		}
	}
	if stored != 150 || dup != 50 {
		t.Errorf("stored %d, duplicates %d; want 150 and 50", stored, dup)
	}
}

// TestEffectsMakeReRunsIdempotent: a unit of work re-run after a crash between its version write
// and its audit stores one version and one audit entry.
func TestEffectsMakeReRunsIdempotent(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	s := e.Store
	var key string
	run := func(audit bool) error {
		ctx := store.WithEffects(ctx, "inbox/1")
		g, err := s.CreateTerm(ctx, term("T1", chorus.French, "DouceNuit"))
		if err != nil {
			return err
		}
		key = g.Key()
		if !audit {
			return nil // the crash
		}
		return s.AddAudit(ctx, chorus.AuditEntry{WorkspaceID: "T1", Actor: "alice", Action: "glossary.define", Target: "term:" + g.Key(), After: g.Version})
	}
	if err := run(false); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the re-run, and a second one after it finished
		if err := run(true); err != nil {
			t.Fatalf("re-run: %v", err)
		}
	}
	h, err := s.TermHistory(ctx, "T1", key)
	if err != nil || len(h) != 1 {
		t.Errorf("history %d versions (%v), want 1", len(h), err)
	}
	a, err := s.Audit(ctx, "T1", "")
	if err != nil || len(a) != 1 {
		t.Errorf("%d audit entries (%v), want 1", len(a), err)
	}
	// Without the scope, creating it again is a conflict as always.
	if _, err := s.CreateTerm(ctx, term("T1", chorus.French, "DouceNuit")); !errors.Is(err, chorus.ErrConflict) {
		t.Errorf("CreateTerm outside the scope: %v, want ErrConflict", err)
	}
}

// TestEffectsCoverGeneratedIDs: a re-run that creates a document with a generated id (a
// submission typed with /campaign submit, a task) finds the one the earlier run created instead
// of adding a second one.
func TestEffectsCoverGeneratedIDs(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	s := e.Store
	var ids []string
	for range 2 {
		ctx := store.WithEffects(ctx, "inbox/2")
		tk, err := s.CreateTask(ctx, chorus.Task{WorkspaceID: "T1", Campaign: "ete-literie", Title: "Visuels", Owner: "sami",
			Status: chorus.TaskOpen, Due: start.Add(72 * time.Hour), CreatedBy: "lea", UpdatedBy: "lea"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tk.ID)
	}
	if ids[0] != ids[1] {
		t.Errorf("the re-run created task %s besides %s", ids[1], ids[0])
	}
	tasks, err := s.Tasks(ctx, "T1", chorus.TaskFilter{Campaign: "ete-literie"})
	if err != nil || len(tasks) != 1 {
		t.Errorf("%d tasks (%v), want 1", len(tasks), err)
	}
}

// TestInboxWriterAndManyUnfinished: items and done marks written through an InboxWriter (its own
// connections) are the Store's; with more items than are looked up by id, the done ones are
// still told apart, and the rest come oldest first.
func TestInboxWriterAndManyUnfinished(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	w, err := e.Store.OpenInboxWriter(e.uri, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Close(ctx) })
	for _, n := range []int{10, 300} {
		t.Run(fmt.Sprintf("%d items", n), func(t *testing.T) {
			b := store.NewInboxBatcher(w, 0, 64)
			start := e.Clock.Now()
			var wg sync.WaitGroup
			errs := make([]error, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					// received in reverse order of their ids
					errs[i] = b.Add(ctx, store.InboxItem{ID: fmt.Sprintf("n%d/%03d", n, i), Kind: "command", Received: start.Add(time.Duration(n-i) * time.Second), Owner: "p1", Attempt: 1})
				}()
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			for i := 0; i < n; i += 2 { // every other item done
				if err := b.Finish(ctx, fmt.Sprintf("n%d/%03d", n, i)); err != nil {
					t.Fatal(err)
				}
			}
			items, err := e.Store.UnfinishedInbox(ctx, e.Clock.Now(), true, 3)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, it := range items {
				ids = append(ids, it.ID)
			}
			want := []string{fmt.Sprintf("n%d/%03d", n, n-1), fmt.Sprintf("n%d/%03d", n, n-3), fmt.Sprintf("n%d/%03d", n, n-5)}
			if fmt.Sprint(ids) != fmt.Sprint(want) {
				t.Errorf("the 3 oldest unfinished items are %v, want %v", ids, want)
			}
			e.Clock.Advance(time.Hour) // the next round's items are newer, this round's all done
			for i := 1; i < n; i += 2 {
				if err := e.Store.FinishInbox(ctx, fmt.Sprintf("n%d/%03d", n, i)); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// countingWrites counts the grouped writes an InboxBatcher makes.
type countingWrites struct {
	store.InboxWrites
	writes, items atomic.Int64
}

func (c *countingWrites) AddInbox(ctx context.Context, items []store.InboxItem) []error {
	c.writes.Add(1)
	c.items.Add(int64(len(items)))
	return c.InboxWrites.AddInbox(ctx, items)
}

// BenchmarkInboxBatcher: 200 clients adding items as fast as they are stored, as 200 Slack
// clients waiting for their acks do; ns/op is per item. It reports the items per write, with
// and without a window held open after an idle period.
//
//	go test ./store/ -run '^$' -bench InboxBatcher -benchtime 20000x
func BenchmarkInboxBatcher(b *testing.B) {
	for _, wait := range []time.Duration{0, 2 * time.Millisecond} {
		b.Run(fmt.Sprintf("wait=%v", wait), func(b *testing.B) {
			ctx := context.Background()
			e := newEnv(b, true)
			w, err := e.Store.OpenInboxWriter(e.uri, 2)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = w.Close(ctx) })
			cw := &countingWrites{InboxWrites: w}
			bt := store.NewInboxBatcher(cw, wait, 512)
			body := make([]byte, 600)
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			for range 200 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						n := next.Add(1)
						if n > int64(b.N) {
							return
						}
						if err := bt.Add(ctx, store.InboxItem{ID: fmt.Sprintf("command/%d", n), Kind: "command", Body: body}); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			b.ReportMetric(float64(cw.items.Load())/float64(max(cw.writes.Load(), 1)), "items/write")
		})
	}
}
