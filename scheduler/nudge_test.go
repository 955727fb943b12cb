package scheduler_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/scheduler"
)

// nudger lists the same nudges at every tick, as the briefing feature does until they stop
// being due.
type nudger struct {
	mu     sync.Mutex
	nudges []scheduler.Nudge
}

func (n *nudger) Nudges(_ context.Context, now time.Time) ([]scheduler.Nudge, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]scheduler.Nudge(nil), n.nudges...), nil
}

// message is a nudge's writer of a direct message.
func message(to, text string) func(context.Context) (scheduler.Message, error) {
	return func(context.Context) (scheduler.Message, error) {
		return scheduler.Message{Channel: to, Text: text}, nil
	}
}

func TestNudgesExactlyOnce(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2027, 6, 30, 10, 0, 0, 0, paris)
	clk := newClock(start)
	st, reopen := openStore(t, clk)
	snd := &sender{clock: clk}
	nd := &nudger{nudges: []scheduler.Nudge{
		{ID: "briefing/T1/ete/1/cleo", At: start, WorkspaceID: "T1", Compose: message("cleo", "⏰ lisez la fiche")},
		{ID: "briefing/T1/ete/1/eve", At: start.Add(6 * time.Hour), WorkspaceID: "T1", Compose: message("eve", "⏰ read the briefing")},
		{ID: "question/T1/late/lea", At: start.Add(-7 * time.Hour) /* past the 6 h grace */, WorkspaceID: "T1", Compose: message("lea", "⏫ trop tard")},
	}}
	withNudger := func(o *scheduler.Options) { o.Nudger = nd }
	// Three replicas over their own connections tick together, twice.
	ss := []*scheduler.Scheduler{
		newScheduler(t, st, snd, clk, "a", withNudger),
		newScheduler(t, reopen(), snd, clk, "b", withNudger),
		newScheduler(t, reopen(), snd, clk, "c", withNudger),
	}
	tickAll(ctx, ss)
	tickAll(ctx, ss)
	got := snd.Sent()
	if len(got) != 1 || got[0].Channel != "cleo" || got[0].EventType != scheduler.EventNudge || got[0].ID != "nudge/briefing/T1/ete/1/cleo" {
		t.Fatalf("sent = %+v", got)
	}
	// The one sent is recorded as a nudge; the one past the grace is dropped, never sent.
	if rec, ok, err := st.Occurrence(ctx, "nudge/briefing/T1/ete/1/cleo"); err != nil || !ok || rec.Kind != chorus.NudgeOccurrence || rec.WorkspaceID != "T1" {
		t.Fatalf("nudge record = %+v %v %v", rec, ok, err)
	}
	// At eve's time, hers goes; a restarted process sends nothing again.
	clk.Set(start.Add(6 * time.Hour))
	tickAll(ctx, ss)
	fresh := newScheduler(t, reopen(), snd, clk, "d", withNudger)
	tickAll(ctx, []*scheduler.Scheduler{fresh})
	if got := snd.Sent(); len(got) != 2 || got[1].Channel != "eve" {
		t.Fatalf("sent = %+v", got)
	}
	if d := dupes(snd.Sent()); len(d) > 0 {
		t.Fatalf("sent twice: %v", d)
	}
}
