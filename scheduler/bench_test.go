package scheduler_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/scheduler"
	"github.com/chorus-hq/chorus/store"
)

// memStore is an in-memory scheduler.Store, so the benchmarks measure the scheduler and not the
// embedded server (whose per-query cost DESIGN.md gives).
type memStore struct {
	mu      sync.Mutex
	tasks   []chorus.Task
	byID    map[string]chorus.Task
	camps   []chorus.Campaign
	claims  map[string]time.Time
	occ     map[string]chorus.Occurrence
	marks   map[string]time.Time // by task id: the scheduler's reminder marks
	replans []chorus.PolicyReplan
	now     func() time.Time
}

func newMemStore(now func() time.Time) *memStore {
	return &memStore{claims: map[string]time.Time{}, occ: map[string]chorus.Occurrence{}, now: now}
}

func (m *memStore) OpenTasksToRemind(_ context.Context, after chorus.RemindKey, to time.Time, limit int) ([]chorus.Task, chorus.RemindKey, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	key := func(t chorus.Task) chorus.RemindKey {
		return chorus.RemindKey{At: m.marks[t.ID], WorkspaceID: t.WorkspaceID, TaskID: t.ID}
	}
	var out []chorus.Task
	for _, t := range m.tasks {
		if k := key(t); k.Compare(after) > 0 && k.At.Before(to) {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b chorus.Task) int { return key(a).Compare(key(b)) })
	if limit <= 0 || len(out) <= limit {
		return out, chorus.RemindKey{At: to}, nil
	}
	return out[:limit], key(out[limit-1]), nil
}
func (m *memStore) MarkReminds(_ context.Context, marks []chorus.RemindMark) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.marks == nil {
		m.marks = map[string]time.Time{}
	}
	for _, r := range marks {
		m.marks[r.TaskID] = r.At
	}
	return nil
}
func (m *memStore) PolicyReplans(context.Context) ([]chorus.PolicyReplan, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.replans, nil
}
func (m *memStore) MarkPolicyReplanned(_ context.Context, r chorus.PolicyReplan) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.replans = append(m.replans, r)
	return nil
}
func (m *memStore) Task(_ context.Context, ws, id string) (chorus.Task, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.byID == nil {
		m.byID = map[string]chorus.Task{}
		for _, t := range m.tasks {
			m.byID[t.ID] = t
		}
	}
	t, ok := m.byID[id]
	if !ok {
		return t, chorus.ErrNotFound
	}
	return t, nil
}
func (m *memStore) Tasks(context.Context, string, chorus.TaskFilter) ([]chorus.Task, error) {
	return nil, nil
}
func (m *memStore) Campaign(_ context.Context, ws, slug string) (chorus.Campaign, error) {
	for _, c := range m.camps {
		if c.WorkspaceID == ws && c.Slug == slug {
			return c, nil
		}
	}
	return chorus.Campaign{}, chorus.ErrNotFound
}
func (m *memStore) Workspace(_ context.Context, id string) (chorus.Workspace, error) {
	return chorus.DefaultWorkspace(id), nil
}
func (m *memStore) UserLang(context.Context, string, string) (chorus.Lang, error) {
	return "", chorus.ErrNotFound
}
func (m *memStore) DigestSchedules(context.Context) ([]chorus.DigestSchedule, error) { return nil, nil }
func (m *memStore) ReminderPolicies(context.Context) ([]chorus.ReminderPolicy, error) {
	return nil, nil
}
func (m *memStore) Snoozes(context.Context, time.Time) ([]chorus.Snooze, error) { return nil, nil }
func (m *memStore) Claim(_ context.Context, kind, id, _ string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.claims[kind+"/"+id]; ok {
		return false, nil
	}
	m.claims[kind+"/"+id] = m.now()
	return true, nil
}
func (m *memStore) ClaimInfo(_ context.Context, kind, id string) (string, time.Time, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	at, ok := m.claims[kind+"/"+id]
	return "", at, ok, nil
}
func (m *memStore) MarkAlive(context.Context, time.Time) error { return nil }
func (m *memStore) LastAlive(context.Context) (time.Time, bool, error) {
	return time.Time{}, false, nil
}
func (m *memStore) SweepClaims(context.Context, string, time.Time) (int, error) { return 0, nil }
func (m *memStore) RecordOccurrence(_ context.Context, o chorus.Occurrence) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.occ[o.ID] = o
	return nil
}
func (m *memStore) Occurrence(_ context.Context, id string) (chorus.Occurrence, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.occ[id]
	return o, ok, nil
}
func (m *memStore) FoldedOccurrences(context.Context, string, time.Time, time.Time) ([]chorus.Occurrence, error) {
	return nil, nil
}
func (m *memStore) LastDigest(_ context.Context, workspace, channel string, before time.Time) (chorus.Occurrence, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var last chorus.Occurrence
	ok := false
	for _, o := range m.occ {
		if o.Kind == chorus.DigestOccurrence && o.WorkspaceID == workspace && o.Channel == channel &&
			o.ScheduledAt.Before(before) && (!ok || o.ScheduledAt.After(last.ScheduledAt)) {
			last, ok = o, true
		}
	}
	return last, ok, nil
}
func (m *memStore) SweepOccurrences(context.Context, time.Time) (int, error) { return 0, nil }
func (m *memStore) TaskThread(context.Context, string, string, string) (string, bool, error) {
	return "", false, nil
}
func (m *memStore) StartTaskThread(_ context.Context, _, _, _, ts string) (string, error) {
	return ts, nil
}

// openTasks returns n open tasks due over the next 60 days, spread over 50 campaigns.
func openTasks(n int, now time.Time) ([]chorus.Task, []chorus.Campaign) {
	var camps []chorus.Campaign
	for i := range 50 {
		camps = append(camps, chorus.Campaign{WorkspaceID: "T1", Slug: fmt.Sprintf("c%d", i), Name: "C", TimeZone: "Europe/Paris", Status: chorus.StatusActive})
	}
	tasks := make([]chorus.Task, n)
	for i := range tasks {
		tasks[i] = chorus.Task{WorkspaceID: "T1", ID: fmt.Sprintf("t%06d", i), Campaign: camps[i%50].Slug, Title: "Task",
			Owner: fmt.Sprintf("u%d", i%500), Due: now.Add(time.Duration(i%(60*24)) * time.Hour).Truncate(time.Hour), Status: chorus.TaskOpen,
			Version: 1, CreatedAt: now.Add(-time.Hour), UpdatedAt: now.Add(-time.Hour)}
	}
	return tasks, camps
}

// BenchmarkLoad100k is the start-up cost of building the index of 100,000 open tasks due over
// 60 days on the in-memory store, once a first start marked them: the window's tasks (those
// whose next reminder is in the next two hours) are indexed (see BenchmarkLoadEmbedded for the
// embedded store's read model).
func BenchmarkLoad100k(b *testing.B) {
	clk := newClock(paris8(6, 1, 9, 0))
	st := newMemStore(clk.Now)
	st.tasks, st.camps = openTasks(100_000, clk.Now())
	firstStart(b, st, clk, silent)
	b.ReportAllocs()
	for b.Loop() {
		s := newScheduler(b, st, &sender{clock: clk}, clk, "p1", silent)
		if err := s.Load(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// firstStart loads a scheduler once on tasks no scheduler marked yet, as the first start on a
// data folder from before the marks does: it reads and marks every open task, once, so that the
// starts measured after it read only the tasks whose reminders are near (window.go).
func firstStart(b *testing.B, st scheduler.Store, clk *clock, edit func(*scheduler.Options)) {
	b.Helper()
	if err := newScheduler(b, st, &sender{clock: clk}, clk, "p0", edit).Load(context.Background()); err != nil {
		b.Fatal(err)
	}
}

// silent gives the benchmarks on the in-memory store a composer that writes nothing: they
// measure the index, and the in-memory store is no commands.Store.
func silent(o *scheduler.Options) { o.Composer = nopComposer{} }

type nopComposer struct{}

func (nopComposer) Reminder(scheduler.ReminderScope) scheduler.Content { return scheduler.Content{} }
func (nopComposer) Digest(context.Context, scheduler.DigestScope) (scheduler.Digest, error) {
	return scheduler.Digest{}, nil
}

// BenchmarkTick100k is the cost of one tick with 100,000 open tasks in the store, the window's
// in the index, and nothing due: what every replica pays every Tick.
func BenchmarkTick100k(b *testing.B) {
	clk := newClock(paris8(6, 1, 9, 0))
	st := newMemStore(clk.Now)
	st.tasks, st.camps = openTasks(100_000, clk.Now())
	s := newScheduler(b, st, &sender{clock: clk}, clk, "p1", silent)
	if err := s.Load(context.Background()); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	s.Tick(ctx) // the first tick claims the alive mark
	s.Wait()
	b.ReportAllocs()
	for b.Loop() {
		s.Tick(ctx)
	}
	if got := s.Indexed(); got == 0 || got >= 100_000/2 {
		b.Fatalf("indexed %d of 100,000 open tasks due over 60 days; want the window's", got)
	}
}

// BenchmarkTickDue measures a tick that dispatches the occurrences due in one minute (about
// 70 of 100,000 tasks' reminders), sending included, on the in-memory store.
func BenchmarkTickDue(b *testing.B) {
	clk := newClock(paris8(6, 1, 9, 0))
	st := newMemStore(clk.Now)
	st.tasks, st.camps = openTasks(100_000, clk.Now())
	s := newScheduler(b, st, &sender{clock: clk}, clk, "p1", nil)
	if err := s.Load(context.Background()); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		clk.Advance(time.Minute)
		n += s.Tick(ctx)
		s.Wait()
	}
	b.ReportMetric(float64(n)/float64(b.N), "occurrences/tick")
}

var _ scheduler.Store = (*memStore)(nil)

// BenchmarkLoadEmbedded is the start-up cost on the embedded store with its read model: the
// scheduler reads the open tasks from memory and builds its index. 100,000 open tasks are
// imported in bulk (store.Import); opening the store, which loads its read model once for the
// whole process, is reported apart as open-ms.
func BenchmarkLoadEmbedded(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			clk := newClock(paris8(6, 1, 9, 0))
			_, reopen := openStoreWith(b, clk, store.Options{ReadModel: true})
			ctx := context.Background()
			tasks, camps := openTasks(n, clk.Now())
			for i := range camps {
				camps[i].Lang, camps[i].Version = chorus.French, 1
			}
			if err := reopen().Import(ctx, store.Batch{Campaigns: camps, Tasks: tasks}); err != nil {
				b.Fatal(err)
			}
			began := time.Now()
			st := reopen()
			<-st.ReadModelReady()
			opened := time.Since(began)
			began = time.Now()
			firstStart(b, st, clk, nil)
			first := time.Since(began)
			b.ReportAllocs()
			b.ResetTimer()
			var s *scheduler.Scheduler
			for b.Loop() {
				s = newScheduler(b, st, &sender{clock: clk}, clk, "p1", nil)
				if err := s.Load(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(opened.Milliseconds()), "open-ms") // after the loop: ResetTimer clears metrics
			b.ReportMetric(float64(first.Milliseconds()), "first-start-ms")
			if got := s.Indexed(); got == 0 || got >= n/2 {
				b.Fatalf("indexed %d of %d open tasks due over 60 days; want the window's", got, n)
			}
		})
	}
}
