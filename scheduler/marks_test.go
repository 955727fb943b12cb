package scheduler_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/scheduler"
	"github.com/chorus-hq/chorus/store"
)

// TestMarksAcrossRestarts: 60 open tasks due from six weeks ago to six weeks ahead, stored
// before the first start and never changed here. A new process starts every 29 hours 17
// minutes (at every time of day, some right after a reminder), each reading only the tasks its
// predecessors marked near. Over six weeks, across the end of daylight-saving time, every
// reminder Plan gives them is sent at its instant, once, and nothing else; no start indexes more
// than the tasks with a reminder in the hour before it or the two hours after. The same holds
// when the window is read two tasks at a time, and a start indexes two tasks at most.
func TestMarksAcrossRestarts(t *testing.T) {
	for _, batch := range []int{0, 2} {
		t.Run(fmt.Sprintf("batch %d", batch), func(t *testing.T) { marksAcrossRestarts(t, batch) })
	}
}

func marksAcrossRestarts(t *testing.T, batch int) {
	ctx := context.Background()
	start := paris8(10, 4, 10, 0)
	clk := newClock(start)
	st, _ := openStore(t, clk)
	seed(t, st)
	end := start.Add(42 * 24 * time.Hour)
	const n = 60
	want, plans := spreadTasks(t, st, start, n, 29)
	// near counts the tasks with a reminder from an hour before now (a restart looks back from
	// the last alive mark; a task reminded in the last 30 minutes keeps its mark until then) to
	// the window's edge, two hours ahead: all a start reads, whatever the year holds.
	near := func(now time.Time) int {
		c := 0
		for _, p := range plans {
			for _, r := range p {
				if !r.At.Before(now.Add(-time.Hour)) && r.At.Before(now.Add(2*time.Hour)) {
					c++
					break
				}
			}
		}
		return c
	}
	snd := &sender{clock: clk}
	indexed := 0
	for i := 0; clk.Now().Before(end); i++ {
		s := newScheduler(t, st, snd, clk, fmt.Sprintf("p%d", i), func(o *scheduler.Options) { o.WindowBatch = batch })
		if err := s.Load(ctx); err != nil {
			t.Fatal(err)
		}
		if got := s.Indexed(); batch > 0 && got > batch {
			t.Errorf("the start at %s indexed %d tasks, more than a batch of %d", clk.Now().In(paris).Format("Mon 01-02 15:04"), got, batch)
		}
		if got, want := s.Indexed(), near(clk.Now()); got > want {
			t.Errorf("the start at %s indexed %d of %d open tasks; want at most the %d with a reminder near",
				clk.Now().In(paris).Format("Mon 01-02 15:04"), got, n, want)
		}
		indexed += s.Indexed()
		until := clk.Now().Add(29*time.Hour + 17*time.Minute)
		if until.After(end) {
			until = end
		}
		runUntil(t, clk, until, s)
	}
	if got := describe(snd.Sent()); joinLines(got) != joinLines(sorted(want)) {
		t.Errorf("sent:\n%s\nwant (the plan):\n%s", joinLines(got), joinLines(sorted(want)))
	}
	if d := dupes(snd.Sent()); len(d) > 0 {
		t.Errorf("sent twice: %v", d)
	}
	if indexed == 0 {
		t.Error("no start indexed any task: the test says nothing of what a start reads")
	}
}

// TestMarksFollowPolicies: a task overdue for 12 days has had all its nudges under the default
// policy, so its mark says never. A policy with a longer overdue run, saved where this process
// is not told (another replica, or a process that died before its scheduler marked the tasks
// again), still nudges it on the 13th day: the next resync or start sees the policy newer than
// its tasks' marks. So does a configured default policy other than the marks'.
func TestMarksFollowPolicies(t *testing.T) {
	ctx := context.Background()
	start := paris8(6, 1, 10, 0) // a Tuesday
	cases := []struct {
		name string
		// change saves the longer run after a first scheduler marked the task, and returns the
		// scheduler that must send the nudge.
		change func(t *testing.T, st *store.Store, first *scheduler.Scheduler, next func(edit func(*scheduler.Options)) *scheduler.Scheduler) *scheduler.Scheduler
	}{
		{"saved by another replica, seen at the resync", func(t *testing.T, st *store.Store, first *scheduler.Scheduler, _ func(func(*scheduler.Options)) *scheduler.Scheduler) *scheduler.Scheduler {
			if _, err := st.SaveReminderPolicy(ctx, longer("T1")); err != nil {
				t.Fatal(err)
			}
			if err := first.Resync(ctx); err != nil {
				t.Fatal(err)
			}
			return first
		}},
		{"saved for the campaign before a crash, seen at the next start", func(t *testing.T, st *store.Store, _ *scheduler.Scheduler, next func(func(*scheduler.Options)) *scheduler.Scheduler) *scheduler.Scheduler {
			p := longer("T1")
			p.Campaign = "ete-literie"
			if _, err := st.SaveReminderPolicy(ctx, p); err != nil {
				t.Fatal(err)
			}
			return next(nil)
		}},
		{"configured as the default", func(t *testing.T, _ *store.Store, _ *scheduler.Scheduler, next func(func(*scheduler.Options)) *scheduler.Scheduler) *scheduler.Scheduler {
			return next(func(o *scheduler.Options) { o.Policy = longer("") })
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clk := newClock(start)
			st, _ := openStore(t, clk)
			seed(t, st)
			addTask(t, st, "late", "", "Tâche en retard", "rui", paris8(5, 20, 18, 0)) // 12 days ago
			snd := &sender{clock: clk}
			first := newScheduler(t, st, snd, clk, "p1", nil)
			if err := first.Load(ctx); err != nil {
				t.Fatal(err)
			}
			if got := first.Indexed(); got != 0 {
				t.Fatalf("the first start indexed %d tasks; want none (the task has no reminder left)", got)
			}
			if again := newScheduler(t, st, snd, clk, "p2", nil); again.Load(ctx) != nil || again.Indexed() != 0 {
				t.Fatalf("a start after the marks indexed %d tasks; want none", again.Indexed())
			}
			next := func(edit func(*scheduler.Options)) *scheduler.Scheduler {
				s := newScheduler(t, st, snd, clk, "p3", edit)
				if err := s.Load(ctx); err != nil {
					t.Fatal(err)
				}
				return s
			}
			s := c.change(t, st, first, next)
			runUntil(t, clk, paris8(6, 2, 12, 0), s)
			want := "Wed 06-02 09:00 CEST rui d2027-06-02" // the 13th day after
			if got := describe(snd.Sent()); joinLines(got) != want {
				t.Errorf("sent:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
			}
		})
	}
}

// TestMarksOfAnotherReplica: two replicas, each with its own read model of the store. Replica A
// saves a longer overdue run and marks the task overdue for 12 days again: the server and A's
// read model hold the new mark, B's read model still the one that said never (a mark is no new
// version, so B's refresh does not bring it). A dies before the nudge; B, at its next resync,
// sees a policy version it has not marked the tasks of, marks them itself, and sends the nudge.
func TestMarksOfAnotherReplica(t *testing.T) {
	ctx := context.Background()
	clk := newClock(paris8(6, 1, 10, 0)) // a Tuesday
	stA, open := openStoreWith(t, clk, store.Options{ReadModel: true})
	<-stA.ReadModelReady()
	seed(t, stA)
	addTask(t, stA, "late", "", "Tâche en retard", "rui", paris8(5, 20, 18, 0)) // 12 days ago
	snd := &sender{clock: clk}
	a := newScheduler(t, stA, snd, clk, "a", nil)
	if err := a.Load(ctx); err != nil {
		t.Fatal(err)
	}
	stB := open()
	<-stB.ReadModelReady()
	b := newScheduler(t, stB, snd, clk, "b", nil)
	if err := b.Load(ctx); err != nil {
		t.Fatal(err)
	}
	saved, err := stA.SaveReminderPolicy(ctx, longer("T1"))
	if err != nil {
		t.Fatal(err)
	}
	a.PolicyChanged(saved)
	clk.Advance(time.Minute)
	a.Tick(ctx) // marks the task again, records the replan, and dies
	a.Wait()
	if got, _, err := stA.OpenTasksToRemind(ctx, chorus.RemindKey{}, paris8(6, 3, 0, 0), 0); err != nil || len(got) != 1 {
		t.Fatalf("A's marks: %v, %v; want the task marked for tomorrow's nudge", got, err)
	}
	clk.Advance(5 * time.Minute)
	if err := b.Resync(ctx); err != nil {
		t.Fatal(err)
	}
	runUntil(t, clk, paris8(6, 2, 12, 0), b)
	want := "Wed 06-02 09:00 CEST rui d2027-06-02" // the 13th day after
	if got := describe(snd.Sent()); joinLines(got) != want {
		t.Errorf("sent:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
}

// longer is the default policy of workspace ws (or, with ws "", the configured default) with
// 20 days of overdue nudges instead of the default's.
func longer(ws string) chorus.ReminderPolicy {
	p := chorus.DefaultReminderPolicy(ws)
	p.OverdueDays, p.UpdatedBy = 20, "lea"
	return p
}
