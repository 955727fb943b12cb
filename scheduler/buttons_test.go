package scheduler_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands"
	"github.com/chorus-hq/chorus/reply"
)

// button returns the button of a sent message whose action id is id (and value starts with
// prefix).
func button(t testing.TB, m sent, id, prefix string) reply.Button {
	t.Helper()
	for _, b := range m.Blocks {
		for _, btn := range b.Buttons {
			if btn.ActionID == id && strings.HasPrefix(btn.Value, prefix) {
				return btn
			}
		}
	}
	t.Fatalf("message %q has no %s button", m.Text, id)
	return reply.Button{}
}

// TestReminderButtons drives the reminder's buttons through the commands service, as a user in
// Slack or the console would, from the direct message and from its copy in the team channel:
// snooze a day, reassign, done. The scheduler hears of each change through the watched store
// and adjusts what it sends next. In the channel, a teammate who may not manage the task cannot
// snooze it; its owner can.
func TestReminderButtons(t *testing.T) {
	ctx := context.Background()
	clk := newClock(paris8(6, 1, 11, 0)) // Tuesday
	st, _ := openStore(t, clk)
	seed(t, st)
	snd := &sender{clock: clk}
	s := newScheduler(t, st, snd, clk, "p1", nil)
	if err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	svc := commands.New(commands.Watch(st, s), slog.New(slog.DiscardHandler), clk.Now, commands.Options{Leads: []string{"lea"}})
	in := func(user, channel string) reply.Request {
		return reply.Request{Workspace: "T1", User: user, Channel: channel}
	}
	r := svc.Command(ctx, reply.Request{Workspace: "T1", User: "lea", Command: "/campaign", Text: `task add ete-literie retail "PLV en magasin" @rui vendredi`})
	if !strings.Contains(r.Text, "PLV en magasin") {
		t.Fatalf("task add: %s", r.Text)
	}
	id := r.Blocks[0].Accessory.Value
	// to returns the messages sent to channel, in order.
	to := func(channel string) []sent {
		var out []sent
		for _, m := range snd.Sent() {
			if m.Channel == channel {
				out = append(out, m)
			}
		}
		return out
	}

	runUntil(t, clk, paris8(6, 1, 19, 0), s)
	dm, team := to("rui"), to("#magasins")
	if len(dm) != 1 || !strings.Contains(dm[0].Text, "PLV en magasin") || !strings.Contains(dm[0].Text, "vendredi 4 juin 2027 à 18:00") ||
		len(team) != 1 || team[0].Thread != "" || !strings.HasPrefix(team[0].Text, "@{rui} ") || len(snd.Sent()) != 2 {
		t.Fatalf("after the 3-day reminder: %v", snd.lines())
	}
	snooze := button(t, team[0], reply.ActReminderSnooze, reply.SnoozeDay)
	r = svc.Action(ctx, in("sami", "#magasins"), reply.Action{ActionID: snooze.ActionID, Value: snooze.Value})
	if zs, err := st.Snoozes(ctx, time.Time{}); err != nil || len(zs) != 0 || r.ReplaceOriginal {
		t.Fatalf("sami (owner of #social, not of #magasins) snoozed rui's task from the channel: %+v, %v, reply %+v", zs, err, r)
	}
	r = svc.Action(ctx, in("rui", "#magasins"), reply.Action{ActionID: snooze.ActionID, Value: snooze.Value})
	if !strings.Contains(r.Text, "mercredi 2 juin 2027 à 19:00") || !r.ReplaceOriginal {
		t.Fatalf("snooze reply: %+v", r)
	}

	runUntil(t, clk, paris8(6, 2, 20, 0), s)
	dm, team = to("rui"), to("#magasins")
	if len(dm) != 2 || dm[1].At.In(paris).Format("Mon 15:04") != "Wed 19:00" || len(team) != 2 || team[1].Thread != team[0].TS {
		t.Fatalf("after the snooze: %v", snd.lines())
	}
	reassign := button(t, dm[1], reply.ActReminderReassign, "")
	r = svc.Action(ctx, in("rui", "Drui"), reply.Action{ActionID: reassign.ActionID, Value: reassign.Value})
	if r.Modal == nil || r.Modal.CallbackID != reply.ModalReminderReassign {
		t.Fatalf("reassign did not open the form: %+v", r)
	}
	r = svc.Submit(ctx, in("rui", "Drui"), reply.Submission{CallbackID: r.Modal.CallbackID, PrivateMetadata: r.Modal.PrivateMetadata, Values: map[string]string{"owner": "emma"}})
	if len(r.Posts) != 1 || r.Posts[0].Channel != "emma" || !strings.Contains(r.Text, "emma") {
		t.Fatalf("reassign reply: %+v", r)
	}

	runUntil(t, clk, paris8(6, 3, 19, 0), s)
	dm, team = to("emma"), to("#magasins")
	if len(dm) != 1 || dm[0].At.In(paris).Format("Mon 15:04") != "Thu 18:00" ||
		len(team) != 3 || team[2].Thread != team[0].TS || !strings.HasPrefix(team[2].Text, "@{emma} ") {
		t.Fatalf("after the reassignment: %v", snd.lines())
	}
	done := button(t, team[2], reply.ActTaskDone, "")
	r = svc.Action(ctx, in("emma", "#magasins"), reply.Action{ActionID: done.ActionID, Value: done.Value})
	if !strings.Contains(r.Text, "PLV en magasin") {
		t.Fatalf("done reply: %+v", r)
	}
	runUntil(t, clk, paris8(6, 9, 12, 0), s)
	if n := len(snd.Sent()); n != 6 {
		t.Fatalf("reminders after done: %v", snd.lines())
	}
	task, err := st.Task(ctx, "T1", id)
	if err != nil || task.Status != chorus.TaskDone || task.Owner != "emma" {
		t.Fatalf("task = %+v, %v", task, err)
	}
	if s.Stats().Cancelled != 0 {
		t.Errorf("the hooks left stale occurrences to cancel: %+v", s.Stats())
	}
}
