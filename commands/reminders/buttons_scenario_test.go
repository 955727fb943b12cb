package reminders_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/reply"
)

// inLang runs a line as user, reading lang, typed in channel.
func (e *env) inLang(t testing.TB, user, channel string, lang chorus.Lang, line string) reply.Reply {
	t.Helper()
	cmd, text, _ := strings.Cut(line, " ")
	return e.Svc.Command(context.Background(), reply.Request{Workspace: "T1", User: user, Channel: channel, Lang: lang, Command: cmd, Text: text})
}

func TestDigestCommand(t *testing.T) {
	e := newEnv(t)
	e.Setup(t) // sami owns #social
	ctx := context.Background()
	tests := []struct {
		name, user, channel string
		lang                chorus.Lang
		line                string
		want                []string
		spec, tz            string // stored afterwards, "" to skip the check
		lead, off           bool
	}{
		{name: "nothing scheduled", user: "sami", channel: "#social", line: "/chorus digest",
			want: []string{"Aucun point d'équipe programmé dans #social", "/chorus digest chaque lundi 09:00"}},
		{name: "French, by the channel's owner", user: "sami", channel: "#social", line: "/chorus digest chaque lundi 09:00",
			want: []string{"Point d'équipe de #social programmé : lundi à 09:00 (Europe/Paris)", "Prochain : lundi 7 juin 2027 à 09:00"},
			spec: "0 9 * * 1", tz: "Europe/Paris"},
		{name: "English", user: "sami", channel: "#social", lang: chorus.English, line: "/chorus digest every weekday 8:30am",
			want: []string{"Team digest of #social scheduled: Monday to Friday at 08:30 (Europe/Paris)", "Next: Wednesday 2 June 2027 at 08:30"},
			spec: "30 8 * * 1-5", tz: "Europe/Paris"},
		{name: "raw cron with CRON_TZ", user: "sami", channel: "#social", line: "/chorus digest CRON_TZ=Europe/London 0 9 * * 1",
			want: []string{"lundi à 09:00 (Europe/London)", "Prochain : lundi 7 juin 2027 à 09:00"}, spec: "0 9 * * 1", tz: "Europe/London"},
		{name: "too often", user: "sami", channel: "#social", line: "/chorus digest */10 * * * *",
			want: []string{"⚠️", "trop fréquent"}, spec: "0 9 * * 1", tz: "Europe/London"},
		{name: "not a schedule", user: "sami", channel: "#social", line: "/chorus digest quand il pleut",
			want: []string{"⚠️", "je ne comprends pas « quand il pleut »"}},
		{name: "no day", user: "sami", channel: "#social", lang: chorus.English, line: "/chorus digest at 9am",
			want: []string{"⚠️", "which day?"}},
		{name: "an outsider may not", user: "zoe", channel: "#social", line: "/chorus digest chaque jour 9h",
			want: []string{"⚠️", "seuls le responsable de #social"}, spec: "0 9 * * 1"},
		{name: "not in a channel", user: "lea", line: "/chorus digest chaque lundi 9h",
			want: []string{"⚠️", "dans le canal de l'équipe"}},
		{name: "the owner may not set a leads' digest", user: "sami", channel: "#direction", line: "/chorus digest lead chaque lundi 8h30",
			want: []string{"⚠️", "seuls les responsables omnicanal"}},
		{name: "a lead sets the leads' digest", user: "lea", channel: "#direction", line: "/chorus digest lead chaque lundi 8h30",
			want: []string{"Point des responsables programmé dans #direction : lundi à 08:30", "toutes les équipes"},
			spec: "30 8 * * 1", tz: "Europe/Paris", lead: true},
		{name: "show", user: "zoe", channel: "#social", line: "/chorus digest",
			want: []string{"Point d'équipe de #social : lundi à 09:00 (Europe/London)"}},
		{name: "off", user: "sami", channel: "#social", line: "/chorus digest off",
			want: []string{"🔕", "arrêté"}, spec: "0 9 * * 1", tz: "Europe/London", off: true},
		{name: "help", user: "zoe", channel: "#social", lang: chorus.English, line: "/chorus digest help",
			want: []string{"`/chorus digest every monday 09:00`", "`/chorus digest empty:first|always|never`", "when the last one ran"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.inLang(t, tt.user, tt.channel, tt.lang, tt.line)
			mustSay(t, r, tt.want...)
			if tt.spec == "" {
				return
			}
			d, err := e.Store.DigestSchedule(ctx, "T1", tt.channel)
			if err != nil {
				t.Fatal(err)
			}
			if d.Spec != tt.spec || (tt.tz != "" && d.TimeZone != tt.tz) || d.Lead != tt.lead || d.Off != tt.off {
				t.Fatalf("stored %+v", d)
			}
		})
	}
}

// reminderTask adds a task rui owns on the retail channel and returns its id.
func reminderTask(t testing.TB, e *env) chorus.Task {
	t.Helper()
	mustSay(t, e.Do(t, "lea", "/campaign channel add ete-literie retail #magasins @rui"), "retail")
	r := e.Do(t, "lea", `/campaign task add ete-literie retail "PLV en magasin" @rui vendredi`)
	mustSay(t, r, "PLV en magasin")
	task, err := e.Store.Task(context.Background(), "T1", r.Blocks[0].Accessory.Value)
	if err != nil {
		t.Fatal(err)
	}
	return task
}

func TestReminderSnooze(t *testing.T) {
	paris := chorus.LoadLocation("Europe/Paris")
	tests := []struct {
		name, user, value string
		now               time.Time
		want              []string
		until             time.Time // zero when refused
	}{
		{"tomorrow, same time", "rui", reply.SnoozeDay, time.Date(2027, 6, 1, 18, 0, 0, 0, paris),
			[]string{"prochain rappel mercredi 2 juin 2027 à 18:00"}, time.Date(2027, 6, 2, 18, 0, 0, 0, paris)},
		{"tomorrow falls in quiet hours: at their end", "rui", reply.SnoozeDay, time.Date(2027, 6, 1, 21, 30, 0, 0, paris),
			[]string{"jeudi 3 juin 2027 à 08:00"}, time.Date(2027, 6, 3, 8, 0, 0, 0, paris)},
		{"Friday's tomorrow is Monday", "lea", reply.SnoozeDay, time.Date(2027, 6, 4, 10, 0, 0, 0, paris),
			[]string{"lundi 7 juin 2027 à 10:00"}, time.Date(2027, 6, 7, 10, 0, 0, 0, paris)},
		{"until Monday 09:00", "rui", reply.SnoozeMonday, time.Date(2027, 6, 1, 18, 0, 0, 0, paris),
			[]string{"lundi 7 juin 2027 à 09:00"}, time.Date(2027, 6, 7, 9, 0, 0, 0, paris)},
		{"an outsider may not", "zoe", reply.SnoozeDay, time.Date(2027, 6, 1, 18, 0, 0, 0, paris),
			[]string{"⚠️", "seuls les responsables"}, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.Setup(t)
			task := reminderTask(t, e)
			e.Clock.Set(tt.now)
			ctx := context.Background()
			r := e.Svc.Action(ctx, reply.Request{Workspace: "T1", User: tt.user},
				reply.Action{ActionID: reply.ActReminderSnooze, Value: tt.value + " " + task.ID})
			mustSay(t, r, tt.want...)
			zs, err := e.Store.Snoozes(ctx, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			if tt.until.IsZero() {
				if len(zs) != 0 {
					t.Fatalf("a refused snooze was stored: %+v", zs)
				}
				return
			}
			if len(zs) != 1 || !zs[0].Until.Equal(tt.until) || !zs[0].Due.Equal(task.Due) || zs[0].By != tt.user || !r.ReplaceOriginal {
				t.Fatalf("snoozes = %+v, reply %+v; want until %v", zs, r, tt.until)
			}
		})
	}
}

func TestReminderReassign(t *testing.T) {
	e := newEnv(t)
	e.Setup(t)
	task := reminderTask(t, e)
	ctx := context.Background()
	as := func(user string) reply.Request { return reply.Request{Workspace: "T1", User: user} }

	r := e.Svc.Action(ctx, as("zoe"), reply.Action{ActionID: reply.ActReminderReassign, Value: task.ID})
	mustSay(t, r, "⚠️")
	if r.Modal != nil {
		t.Fatal("an outsider got the reassign form")
	}
	r = e.Svc.Action(ctx, as("rui"), reply.Action{ActionID: reply.ActReminderReassign, Value: task.ID})
	if r.Modal == nil || r.Modal.CallbackID != reply.ModalReminderReassign || r.Modal.PrivateMetadata != task.ID || len(r.Modal.Inputs) != 1 {
		t.Fatalf("reassign form: %+v", r)
	}
	submit := func(user, owner string) reply.Reply {
		return e.Svc.Submit(ctx, as(user), reply.Submission{CallbackID: reply.ModalReminderReassign, PrivateMetadata: task.ID,
			Values: map[string]string{"owner": owner}})
	}
	for _, bad := range []struct{ owner, want string }{{"rui", "déjà responsable"}, {"Not A User!", "n'est pas"}} {
		r = submit("rui", bad.owner)
		if r.FieldErrors["owner"] == "" || !strings.Contains(r.FieldErrors["owner"], bad.want) {
			t.Fatalf("owner %q: %+v", bad.owner, r)
		}
	}
	r = submit("rui", "@{U0EMMA}")
	mustSay(t, r, "« PLV en magasin » est maintenant confiée à @{U0EMMA}")
	if len(r.Posts) != 1 || r.Posts[0].Channel != "U0EMMA" || !strings.Contains(r.Posts[0].Text, "@{rui} vous a confié « PLV en magasin »") {
		t.Fatalf("posts = %+v", r.Posts)
	}
	got, err := e.Store.Task(ctx, "T1", task.ID)
	if err != nil || got.Owner != "U0EMMA" || got.Version != task.Version+1 || got.UpdatedBy != "rui" {
		t.Fatalf("task = %+v, %v", got, err)
	}
	// The task is done: its reminder's buttons now say so instead of acting.
	got.Status = chorus.TaskDone
	if _, err := e.Store.UpdateTask(ctx, got); err != nil {
		t.Fatal(err)
	}
	r = e.Svc.Action(ctx, as("U0EMMA"), reply.Action{ActionID: reply.ActReminderSnooze, Value: reply.SnoozeDay + " " + task.ID})
	mustSay(t, r, "⚠️", "n'est plus ouverte")
}
