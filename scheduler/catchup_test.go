package scheduler_test

import (
	"context"
	"testing"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/scheduler"
)

// TestTasksSavedLateAreReminded plays issue 18: tasks created on Monday at 08:03 (after the
// 1-day reminder, moved to 08:00) and at 10:00 (after the morning one), due that evening, each get
// a reminder before they are due, sent once; a task due 20 minutes after it was created gets none.
func TestTasksSavedLateAreReminded(t *testing.T) {
	ctx := context.Background()
	clk := newClock(paris8(6, 7, 8, 3)) // a Monday
	st, _ := openStore(t, clk)
	seed(t, st)
	addTask(t, st, "t2300", "", "Visuels", "sami", paris8(6, 7, 23, 0))
	addTask(t, st, "t2359", "", "Newsletter", "emma", paris8(6, 7, 23, 59))
	snd := &sender{clock: clk}
	s := newScheduler(t, st, snd, clk, "p1", func(o *scheduler.Options) { o.Policy = chorus.DefaultReminderPolicy("") })
	if err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	runUntil(t, clk, paris8(6, 7, 10, 0), s)
	s.TaskChanged(addTask(t, st, "late", "", "Bannière", "rui", paris8(6, 7, 23, 0)))
	runUntil(t, clk, paris8(6, 7, 10, 40), s)
	s.TaskChanged(addTask(t, st, "soon", "", "Relecture", "lea", paris8(6, 7, 11, 0)))
	runUntil(t, clk, paris8(6, 7, 23, 59), s)
	want := []string{
		"Mon 06-07 09:00 CEST emma m",
		"Mon 06-07 09:00 CEST sami m",
		"Mon 06-07 19:00 CEST rui n",
	}
	if got := describe(snd.Sent()); joinLines(got) != joinLines(want) {
		t.Errorf("sent:\n%s\nwant:\n%s", joinLines(got), joinLines(want))
	}
	if d := dupes(snd.Sent()); len(d) > 0 {
		t.Errorf("sent twice: %v", d)
	}
}
