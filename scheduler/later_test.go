package scheduler_test

import (
	"context"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
)

// TestDeferredTaskRemindedOnTime loads a task due weeks ahead, which the index does not plan at
// start-up, and ticks every half hour as Run does: each of its reminders is sent at the first
// tick after its instant, none is missed or early, and a task created later beside it too.
func TestDeferredTaskRemindedOnTime(t *testing.T) {
	ctx := context.Background()
	clk := newClock(paris8(6, 1, 9, 0))
	st, _ := openStore(t, clk)
	seed(t, st)
	far := addTask(t, st, "far001", "social", "Visuels de rentrée", "sami", paris8(6, 25, 18, 0))
	snd := &sender{clock: clk}
	s := newScheduler(t, st, snd, clk, "p1", nil)
	if err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	clk.Set(paris8(6, 10, 9, 0))
	near := addTask(t, st, "near01", "email", "Newsletter", "emma", paris8(6, 16, 18, 0))
	s.TaskChanged(near)
	end := paris8(6, 26, 12, 0)
	for clk.Now().Before(end) {
		clk.Set(clk.Now().Add(30 * time.Minute))
		s.Tick(ctx)
		s.Wait()
	}
	for _, task := range []chorus.Task{far, near} {
		t.Run(task.ID, func(t *testing.T) {
			var want []time.Time
			for _, r := range chorus.DefaultReminderPolicy("T1").Plan(task, paris, time.Time{}) {
				if r.At.Before(end) {
					want = append(want, r.At)
				}
			}
			var got []time.Time
			for _, m := range snd.msgs {
				if m.Channel == task.Owner {
					got = append(got, m.At)
				}
			}
			if len(want) == 0 || len(got) != len(want) {
				t.Fatalf("sent to %s at %v, want one message after each of %v", task.Owner, got, want)
			}
			for i := range want {
				if late := got[i].Sub(want[i]); late < 0 || late >= 30*time.Minute {
					t.Errorf("reminder %d sent at %v for %v", i, got[i], want[i])
				}
			}
		})
	}
}
