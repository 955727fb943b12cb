package calendar_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/internal/commandstest"
	"github.com/chorus-hq/chorus/reply"
	"github.com/chorus-hq/chorus/scheduler"
)

// springEnv is a workspace on Thursday 25 March 2027 in Paris, three days before the change to
// summer time, with two campaigns around it: « printemps » (ends 31 March) and « pâques »,
// segments, and a radar of 2 touchpoints per 7 days.
func springEnv(t testing.TB) *commandstest.Env {
	t.Helper()
	e := commandstest.New(t)
	e.Clock.Set(time.Date(2027, 3, 25, 23, 30, 0, 0, chorus.LoadLocation("Europe/Paris")))
	for _, line := range []string{
		`/campaign create printemps "Printemps literie" 2027-03-01 2027-03-31`,
		`/campaign create paques "Pâques canapés" 2027-03-15 2027-04-30`,
		`/chorus segment add prospects`,
		`/chorus segment add B2B`,
		`/chorus radar 2 7`,
	} {
		if r := e.Do(t, "lea", line); strings.Contains(r.Text, "⚠️") {
			t.Fatalf("%s: %s", line, r.Text)
		}
	}
	return e
}

func added(t testing.TB, e *commandstest.Env, lang chorus.Lang, line string) (reply.Reply, string) {
	t.Helper()
	r := e.DoLang(t, "lea", lang, line)
	if !strings.Contains(r.Text, "✅") {
		t.Fatalf("%s: %s", line, r.Text)
	}
	return r, r.Blocks[len(r.Blocks)-1].Buttons[0].Value
}

// warnings are a reply's radar warnings; each must carry the button that opens the calendar.
func warnings(t testing.TB, r reply.Reply) []string {
	t.Helper()
	var out []string
	for _, b := range r.Blocks {
		if strings.HasPrefix(b.Text, "⚠️") {
			if b.Accessory == nil || b.Accessory.ActionID != reply.ActCalendarOpen || b.Accessory.Value == "" {
				t.Fatalf("warning without a calendar button: %+v", b)
			}
			out = append(out, b.Text)
		}
	}
	return out
}

func TestRadarWarnings(t *testing.T) {
	words := map[chorus.Lang]struct{ unapproved, overlap, pressure, afterEnd, days string }{
		chorus.French: {"aucun texte email de la campagne n'est encore approuvé", "en même temps", "au-delà de la limite de 2 en 7 jours",
			"se termine le 31 mars 2027", "du 1er avril 2027 au 2 avril 2027"},
		chorus.English: {"none of the campaign's email copy is approved yet", "at the same time", "over the limit of 2 in 7 days",
			"ends on 31 March 2027", "from 1 April 2027 to 2 April 2027"},
	}
	for lang, w := range words {
		t.Run(string(lang), func(t *testing.T) {
			e := springEnv(t)
			// Today is the 25th in Paris: the 27th is within the 7-day window, and no copy is
			// approved.
			r, first := added(t, e, lang, "/campaign touchpoint add printemps email 2027-03-27 prospects achat")
			ws := warnings(t, r)
			if len(ws) != 1 || !strings.Contains(ws[0], w.unapproved) || !strings.Contains(ws[0], "`"+first+"`") {
				t.Fatalf("unapproved: %q", ws)
			}
			// The same channel and segment for another campaign across the change of time: an
			// overlap on 27 March, and 2 touchpoints are still within the limit.
			r, _ = added(t, e, lang, "/campaign touchpoint add paques email 2027-03-27..2027-03-29 prospects decouverte")
			mustSay(t, r, w.overlap, "Printemps literie", "Pâques canapés")
			if ws := warnings(t, r); len(ws) != 2 || strings.Contains(strings.Join(ws, ""), w.pressure) {
				t.Fatalf("overlap: %q", ws)
			}
			// A third one for the segment within 7 days: pressure.
			r, _ = added(t, e, lang, "/campaign touchpoint add paques social 2027-03-30 prospects achat")
			mustSay(t, r, w.pressure)
			// Moved past its campaign's end: after the end (and still overlapping on the 29th).
			r = e.DoLang(t, "lea", lang, "/campaign touchpoint move "+first+" 2027-03-29..2027-04-02")
			mustSay(t, r, w.afterEnd, w.days)

			// The lead's digest says them all; a team's says nothing of them.
			ctx := context.Background()
			d, err := e.Svc.Digest(ctx, scheduler.DigestScope{Slot: e.Clock.Now(), Schedule: chorus.DigestSchedule{
				WorkspaceID: "T1", Channel: "lea", Lead: true, Lang: lang, TimeZone: "Europe/Paris", Spec: "0 9 * * 1"}})
			if err != nil {
				t.Fatal(err)
			}
			var all strings.Builder
			buttons := 0
			for _, p := range d.Parts {
				for _, b := range p.Blocks {
					all.WriteString(b.Text + "\n")
					if b.Accessory != nil && b.Accessory.ActionID == reply.ActCalendarOpen {
						buttons++
					}
				}
			}
			for _, want := range []string{w.unapproved, w.overlap, w.pressure, w.afterEnd} {
				if !strings.Contains(all.String(), want) {
					t.Errorf("lead digest does not say %q:\n%s", want, all.String())
				}
			}
			if buttons < 4 {
				t.Errorf("%d calendar buttons in the digest, want one per warning", buttons)
			}
			team, err := e.Svc.Digest(ctx, scheduler.DigestScope{Slot: e.Clock.Now(), Schedule: chorus.DigestSchedule{
				WorkspaceID: "T1", Channel: "#social", Lang: lang, TimeZone: "Europe/Paris", Spec: "0 9 * * 1"}})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range team.Parts {
				if strings.Contains(p.Text, w.overlap) {
					t.Errorf("a team digest shows the radar: %s", p.Text)
				}
			}
		})
	}
}

// TestRadarTodayAcrossMidnight: the radar's today is the workspace's day, not UTC's. At 23:30 in
// Paris on Saturday 27 March (22:30 UTC) the day is the 27th: a touchpoint ending that day is
// live and warned about. At 00:30 on the 28th (still 23:30 UTC on the 27th) and at 03:30, once
// summer time has begun, the day is the 28th: it is over.
func TestRadarTodayAcrossMidnight(t *testing.T) {
	e := springEnv(t)
	_, id := added(t, e, chorus.French, "/campaign touchpoint add paques retail 2027-03-26..2027-03-27 B2B achat")
	paris := chorus.LoadLocation("Europe/Paris")
	for _, tt := range []struct {
		at   time.Time
		warn bool
	}{
		{time.Date(2027, 3, 27, 23, 30, 0, 0, paris), true},
		{time.Date(2027, 3, 28, 0, 30, 0, 0, paris), false},
		{time.Date(2027, 3, 28, 3, 30, 0, 0, paris), false}, // after the change
	} {
		e.Clock.Set(tt.at)
		r := e.Do(t, "lea", "/campaign calendar 2027-03-01")
		got := strings.Contains(r.Text, "`"+id+"`") && strings.Contains(r.Text, "aucun texte retail")
		if got != tt.warn {
			t.Errorf("at %v: warned %v, want %v:\n%s", tt.at, got, tt.warn, r.Text)
		}
	}
}

func TestRadarSettings(t *testing.T) {
	e := springEnv(t)
	mustSay(t, e.DoLang(t, "sami", chorus.English, "/chorus radar"), "beyond 2 touchpoints in 7 days")
	r := e.Do(t, "sami", "/chorus radar 5 10")
	mustSay(t, r, "⚠️", "seuls les responsables omnicanal")
	mustSay(t, e.Do(t, "lea", "/chorus radar cinq"), "⚠️", "/chorus radar")
	mustSay(t, e.Do(t, "lea", "/chorus radar 0 7"), "⚠️")
	mustSay(t, e.Do(t, "lea", "/chorus radar 5 10j"), "✅", "au-delà de 5 points de contact en 10 jours")
	mustSay(t, e.Do(t, "lea", "/chorus radar 51 10"), "⚠️", "de 1 à 50")
	mustSay(t, e.Do(t, "lea", "/chorus radar default"), "✅", "au-delà de 3 points de contact en 7 jours")
}
