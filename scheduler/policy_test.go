package scheduler_test

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/chorus-hq/chorus/commands"
	"github.com/chorus-hq/chorus/reply"
)

// TestPolicyCommandsChangeReminders sets reminder policies with the commands, as a lead would in
// Slack, and checks the running scheduler sends by the new policy at once (the watched store
// reports each save): the workspace's, a campaign's own, and the workspace's again once the
// campaign's override is dropped, as a scheduler loaded from the store agrees.
func TestPolicyCommandsChangeReminders(t *testing.T) {
	ctx := context.Background()
	clk := newClock(paris8(6, 1, 11, 0)) // Tuesday
	st, _ := openStore(t, clk)
	seed(t, st)
	addTask(t, st, "a1", "retail", "PLV en magasin", "rui", paris8(6, 4, 18, 0)) // Friday 18:00
	snd := &sender{clock: clk}
	s := newScheduler(t, st, snd, clk, "p1", nil)
	if err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	svc := commands.New(commands.Watch(st, s), slog.New(slog.DiscardHandler), clk.Now, commands.Options{Leads: []string{"lea"}})
	run := func(line string) {
		t.Helper()
		cmd, text, _ := strings.Cut(line, " ")
		r := svc.Command(ctx, reply.Request{Workspace: "T1", User: "lea", Command: cmd, Text: text})
		if !strings.Contains(r.Text, "✅") {
			t.Fatalf("%s: %s", line, r.Text)
		}
	}

	// The default would remind rui on Tuesday 18:00 (3 days before); 2 days before now, and
	// overdue nudges for 3 days.
	run("/chorus reminders 2j matin off retard 9h pendant 3j")
	runUntil(t, clk, paris8(6, 2, 20, 0), s)
	want := []string{"Wed 06-02 18:00 CEST rui o2880"}
	if got := dms(snd.Sent()); !slices.Equal(got, sorted(want)) {
		t.Fatalf("under the workspace policy:\n%s\nwant\n%s", joinLines(got), joinLines(want))
	}

	// The campaign's own policy: 1 day before and the morning of the due day, no nudge.
	run("/campaign reminders ete-literie 1j matin 9h retard off")
	runUntil(t, clk, paris8(6, 3, 19, 0), s)
	want = append(want, "Thu 06-03 18:00 CEST rui o1440")
	if got := dms(snd.Sent()); !slices.Equal(got, sorted(want)) {
		t.Fatalf("under the campaign's policy:\n%s\nwant\n%s", joinLines(got), joinLines(want))
	}

	// Dropped: the workspace's policy again, so no morning reminder on Friday but a nudge on
	// Monday (the weekend's are skipped). A replica reading the store plans the same.
	// A fresh replica's index holds only the window of tasks due around now; ticking through
	// the weekend moves it, and the Monday nudge is its next occurrence too.
	run("/campaign reminders ete-literie default")
	freshSnd := &sender{clock: clk}
	fresh := newScheduler(t, st, freshSnd, clk, "p2", nil)
	if err := fresh.Load(ctx); err != nil {
		t.Fatal(err)
	}
	runUntil(t, clk, paris8(6, 7, 8, 59), s, fresh)
	if at, ok := fresh.NextDue(); !ok || !at.Equal(paris8(6, 7, 9, 0)) {
		t.Fatalf("a fresh scheduler plans its next reminder at %v (%v)", at.In(paris), ok)
	}
	runUntil(t, clk, paris8(6, 7, 12, 0), s, fresh)
	want = append(want, "Mon 06-07 09:00 CEST rui d2027-06-07")
	if got := dms(append(snd.Sent(), freshSnd.Sent()...)); !slices.Equal(got, sorted(want)) {
		t.Fatalf("after dropping the campaign's policy:\n%s\nwant\n%s", joinLines(got), joinLines(want))
	}
}

// dms describes the reminders sent to rui directly, leaving out their copies in the channel.
func dms(msgs []sent) []string {
	return slices.DeleteFunc(describe(msgs), func(l string) bool { return !strings.Contains(l, " rui ") })
}
