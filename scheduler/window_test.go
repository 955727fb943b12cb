package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/scheduler"
	"github.com/chorus-hq/chorus/store"
)

// TestWindowSendsWhatThePlanSays: 60 open tasks due from six weeks ago to six weeks ahead,
// stored before start-up and never changed here, so the index learns of them only through its
// window. Start-up holds part of them; over six weeks (across the end of daylight-saving time)
// every reminder Plan gives them after start-up is sent at its instant, once, and nothing else;
// so too when the window is read three tasks at a time.
func TestWindowSendsWhatThePlanSays(t *testing.T) {
	for _, batch := range []int{0, 3} {
		t.Run(fmt.Sprintf("batch %d", batch), func(t *testing.T) { windowSendsWhatThePlanSays(t, batch) })
	}
}

func windowSendsWhatThePlanSays(t *testing.T, batch int) {
	ctx := context.Background()
	start := paris8(10, 4, 10, 0)
	clk := newClock(start)
	st, _ := openStore(t, clk)
	seed(t, st)
	const n = 60
	want, _ := spreadTasks(t, st, start, n, 17)
	snd := &sender{clock: clk}
	s := newScheduler(t, st, snd, clk, "p1", func(o *scheduler.Options) { o.WindowBatch = batch })
	if err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if got := s.Indexed(); got >= n/6 {
		t.Fatalf("start-up indexed %d of %d open tasks; want those whose reminders are near, a few", got, n)
	}
	runUntil(t, clk, start.Add(42*24*time.Hour), s)
	if got := describe(snd.Sent()); joinLines(got) != joinLines(sorted(want)) {
		t.Errorf("sent:\n%s\nwant (the plan):\n%s", joinLines(got), joinLines(sorted(want)))
	}
	if d := dupes(snd.Sent()); len(d) > 0 {
		t.Errorf("sent twice: %v", d)
	}
}

// TestWindowEdges: what lies outside the window at start-up still gets its reminders. A task
// overdue for weeks whose reminder was snoozed to tomorrow gets the end of its snooze; a policy
// saved here with a longer overdue run nudges a task overdue for longer than the default's;
// a task made here in a campaign start-up did not read is reminded on that campaign's clock.
func TestWindowEdges(t *testing.T) {
	ctx := context.Background()
	start := paris8(6, 1, 10, 0) // a Tuesday
	cases := []struct {
		name  string
		setup func(t *testing.T, st *store.Store, s *scheduler.Scheduler) []string // what is sent
		until time.Time
	}{
		{
			name: "snoozed long after its due date",
			setup: func(t *testing.T, st *store.Store, s *scheduler.Scheduler) []string {
				task := addTask(t, st, "old", "", "Vieille tâche", "rui", paris8(5, 3, 18, 0))
				if _, err := st.AddSnooze(ctx, chorus.Snooze{WorkspaceID: "T1", TaskID: task.ID, Due: task.Due, Until: paris8(6, 2, 10, 0), By: "rui"}); err != nil {
					t.Fatal(err)
				}
				if err := s.Load(ctx); err != nil {
					t.Fatal(err)
				}
				return []string{"Wed 06-02 10:00 CEST rui s" + fmt.Sprint(paris8(6, 2, 10, 0).Unix())}
			},
			until: paris8(6, 2, 12, 0),
		},
		{
			name: "a longer overdue run",
			setup: func(t *testing.T, st *store.Store, s *scheduler.Scheduler) []string {
				addTask(t, st, "late", "", "Tâche en retard", "rui", paris8(5, 20, 18, 0)) // 12 days ago
				if err := s.Load(ctx); err != nil {
					t.Fatal(err)
				}
				p := chorus.DefaultReminderPolicy("T1")
				p.OverdueDays, p.UpdatedBy = 20, "lea"
				saved, err := st.SaveReminderPolicy(ctx, p)
				if err != nil {
					t.Fatal(err)
				}
				s.PolicyChanged(saved)
				return []string{"Wed 06-02 09:00 CEST rui d2027-06-02"} // the 13th day after
			},
			until: paris8(6, 2, 12, 0),
		},
		{
			name: "a campaign start-up did not read",
			setup: func(t *testing.T, st *store.Store, s *scheduler.Scheduler) []string {
				if _, err := st.CreateCampaign(ctx, chorus.Campaign{WorkspaceID: "T1", Slug: "nyc", Name: "New York", TimeZone: "America/New_York",
					Lang: chorus.English, Status: chorus.StatusActive, Leads: []string{"lea"}, CreatedBy: "lea"}); err != nil {
					t.Fatal(err)
				}
				if err := s.Load(ctx); err != nil {
					t.Fatal(err)
				}
				task, err := st.CreateTask(ctx, chorus.Task{WorkspaceID: "T1", ID: "ny1", Campaign: "nyc", Title: "Vitrine",
					Owner: "rui", Due: time.Date(2027, 6, 2, 18, 0, 0, 0, chorus.LoadLocation("America/New_York")).UTC(), Status: chorus.TaskOpen, CreatedBy: "lea"})
				if err != nil {
					t.Fatal(err)
				}
				s.TaskChanged(task)
				ny := chorus.LoadLocation("America/New_York")
				plan := func(loc *time.Location) []string {
					var out []string
					for _, r := range chorus.DefaultReminderPolicy("T1").Plan(task, loc, time.Time{}) {
						if !r.At.After(paris8(6, 3, 12, 0)) {
							out = append(out, r.At.In(paris).Format("Mon 01-02 15:04 MST")+" rui "+r.Key)
						}
					}
					return out
				}
				if want, inParis := plan(ny), plan(paris); len(want) == 0 || slices.Equal(want, inParis) {
					t.Fatalf("New York's plan %v is Paris's %v: the test cannot tell them apart", want, inParis)
				}
				return plan(ny)
			},
			until: paris8(6, 3, 12, 0),
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clk := newClock(start)
			st, _ := openStore(t, clk)
			seed(t, st)
			snd := &sender{clock: clk}
			s := newScheduler(t, st, snd, clk, "p1", nil)
			want := sorted(c.setup(t, st, s))
			runUntil(t, clk, c.until, s)
			if got := describe(snd.Sent()); !slices.Equal(got, want) {
				t.Errorf("sent:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// spreadTasks stores n open tasks of the test campaign due from six weeks before start to six
// weeks after, at random minutes drawn from seed, and returns what the default policy plans for
// them after start over six weeks (the lines describe gives) and each task's plan.
func spreadTasks(t testing.TB, st *store.Store, start time.Time, n int, seed uint64) ([]string, [][]chorus.Reminder) {
	t.Helper()
	rnd := rand.New(rand.NewPCG(seed, 17))
	policy := chorus.DefaultReminderPolicy("")
	var want []string
	var plans [][]chorus.Reminder
	for i := range n {
		due := start.Add(time.Duration(rnd.IntN(84*24*60)-42*24*60) * time.Minute)
		task := addTask(t, st, fmt.Sprintf("w%02d", i), "", "Tâche", fmt.Sprintf("u%02d", i), due)
		plans = append(plans, policy.Plan(task, paris, time.Time{}))
		for _, r := range plans[i] {
			if r.At.After(start) && !r.At.After(start.Add(42*24*time.Hour)) {
				want = append(want, r.At.In(paris).Format("Mon 01-02 15:04 MST")+" "+task.Owner+" "+r.Key)
			}
		}
	}
	if len(want) < 40 {
		t.Fatalf("only %d reminders planned: the test says little", len(want))
	}
	return want, plans
}

// TestBacklogInBatches: a process marked 40 tasks overdue since Monday, each for Tuesday's
// 09:00 nudge, and died. The next starts at 11:00 with a window read 8 tasks at a time: its
// start indexes one batch, though every task shares the mark; its first run of ticks (CatchUp,
// as Run does) reads the rest batch after batch and sends each task's nudge once, at 11:00,
// not one batch per tick period. While the store fails those reads, the ticks stop trying
// until the next one and NextDue does not say now (a clock it drives would spin).
func TestBacklogInBatches(t *testing.T) {
	ctx := context.Background()
	clk, st := mondayEvening(t)
	const n, batch = 40, 8
	want := overdueTasks(t, st, n)
	first := newScheduler(t, st, &sender{clock: clk}, clk, "p0", nil)
	if err := first.Load(ctx); err != nil {
		t.Fatal(err)
	}
	first.CatchUp(ctx) // marks the 40 at Tuesday's 09:00, then dies
	first.Wait()
	clk.Set(paris8(6, 8, 11, 0))
	snd := &sender{clock: clk}
	failing := &windowFails{Store: st}
	s := newScheduler(t, failing, snd, clk, "p1", func(o *scheduler.Options) { o.WindowBatch = batch })
	if err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if got := s.Indexed(); got != batch {
		t.Fatalf("the start indexed %d tasks; want a batch of %d", got, batch)
	}
	if at, ok := s.NextDue(); !ok || at.After(clk.Now()) {
		t.Fatalf("with the window behind, NextDue says %v, %v; want now at the latest", at, ok)
	}
	failing.fail.Store(true)
	sent := s.CatchUp(ctx) // the first batch only
	if at, ok := s.NextDue(); sent != batch || ok && !at.After(clk.Now()) {
		t.Fatalf("with the window's reads failing, the ticks sent %d and NextDue says %v, %v; want %d and not now", sent, at, ok, batch)
	}
	failing.fail.Store(false)
	if got := sent + s.CatchUp(ctx); got != n {
		t.Errorf("the first ticks dispatched %d reminders; want %d", got, n)
	}
	s.Wait()
	if got := describe(snd.Sent()); !slices.Equal(sorted(got), want) {
		t.Errorf("sent:\n%s\nwant:\n%s", joinLines(sorted(got)), joinLines(want))
	}
	if d := dupes(snd.Sent()); len(d) > 0 {
		t.Errorf("sent twice: %v", d)
	}
	clk.Advance(time.Hour)
	if got := s.CatchUp(ctx); got != 0 {
		t.Errorf("an hour later, %d more reminders", got)
	}
}

// windowFails is a store whose reads of the scheduler's window fail while fail is set.
type windowFails struct {
	*store.Store
	fail atomic.Bool
}

func (w *windowFails) OpenTasksToRemind(ctx context.Context, after chorus.RemindKey, to time.Time, limit int) ([]chorus.Task, chorus.RemindKey, error) {
	if w.fail.Load() {
		return nil, chorus.RemindKey{}, errors.New("the store is down")
	}
	return w.Store.OpenTasksToRemind(ctx, after, to, limit)
}

// TestBacklogNeverMarked: ten tasks overdue, never marked (saved after the last scheduler ran,
// which left nothing to mark again), each with Tuesday's 09:00 nudge due; a start at 11:00
// reads eight, its first tick the last two and the hour ahead. The eight are sent too: what the
// start marks of them is not passed by the ticks before it is stored.
func TestBacklogNeverMarked(t *testing.T) {
	ctx := context.Background()
	clk, st := mondayEvening(t)
	const n, batch = 10, 8
	// a scheduler ran before the tasks were saved: the start does not mark every task again
	first := newScheduler(t, st, &sender{clock: clk}, clk, "p0", nil)
	if err := first.Load(ctx); err != nil {
		t.Fatal(err)
	}
	want := overdueTasks(t, st, n)
	clk.Set(paris8(6, 8, 11, 0))
	snd := &sender{clock: clk}
	s := newScheduler(t, st, snd, clk, "p1", func(o *scheduler.Options) { o.WindowBatch = batch })
	if err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	s.CatchUp(ctx)
	s.Wait()
	if got := describe(snd.Sent()); !slices.Equal(sorted(got), want) {
		t.Errorf("sent:\n%s\nwant:\n%s", joinLines(sorted(got)), joinLines(want))
	}
}

// mondayEvening is a store seeded with the test campaign and a clock at 21:00 on Monday 7 June.
func mondayEvening(t testing.TB) (*clock, *store.Store) {
	t.Helper()
	clk := newClock(paris8(6, 7, 21, 0))
	st, _ := openStore(t, clk)
	seed(t, st)
	return clk, st
}

// overdueTasks stores n open tasks due on Monday 7 June from 10:00, a minute apart, each owned
// by its own person, and returns the nudges a start on Tuesday at 11:00 sends them (the 09:00
// nudge, late).
func overdueTasks(t testing.TB, st *store.Store, n int) []string {
	t.Helper()
	var want []string
	for i := range n {
		owner := fmt.Sprintf("u%02d", i)
		addTask(t, st, fmt.Sprintf("b%02d", i), "", "Tâche", owner, paris8(6, 7, 10, i))
		want = append(want, "Tue 06-08 11:00 CEST "+owner+" d2027-06-08")
	}
	return want
}
