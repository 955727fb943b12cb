package reminders_test

import (
	"context"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
)

// TestDigestEmptySetting sets what an empty digest posts, alone or with a schedule, in French
// and English, one step after the other in #general (lea is an omnichannel lead).
func TestDigestEmptySetting(t *testing.T) {
	e := newEnv(t)
	e.Setup(t)
	ctx := context.Background()
	tests := []struct {
		name, user string
		lang       chorus.Lang
		line       string
		want       []string
		spec       string             // stored afterwards, "" when nothing is stored
		mode       chorus.EmptyDigest // stored afterwards
	}{
		{name: "no schedule yet", user: "lea", line: "/chorus digest vide:toujours",
			want: []string{"aucun point d'équipe programmé dans #general", "`/chorus digest chaque lundi 09:00 vide:toujours`"}},
		{name: "with the schedule", user: "lea", line: "/chorus digest chaque lundi 9h vide:jamais",
			want: []string{"Point d'équipe de #general programmé : lundi à 09:00", "Point vide : rien publié"},
			spec: "0 9 * * 1", mode: chorus.EmptyDigestNever},
		{name: "shown, before any run", user: "zoe", line: "/chorus digest",
			want: []string{"Point d'équipe de #general : lundi à 09:00", "Prochain : lundi 7 juin 2027 à 09:00", "Point vide : rien publié", "Aucun point passé pour l'instant."}},
		{name: "alone, in English", user: "lea", lang: chorus.English, line: "/chorus digest empty:always",
			want: []string{"Team digest of #general: empty digest setting saved.", "“nothing to report” posted every time"},
			spec: "0 9 * * 1", mode: chorus.EmptyDigestAlways},
		{name: "a new schedule keeps it", user: "lea", lang: chorus.English, line: "/chorus digest every weekday 8:30",
			want: []string{"Monday to Friday at 08:30", "posted every time"}, spec: "30 8 * * 1-5", mode: chorus.EmptyDigestAlways},
		{name: "with = and an accent", user: "lea", line: "/chorus digest vide=première",
			want: []string{"réglage du point vide enregistré", "« rien à signaler » publié une fois"}, spec: "30 8 * * 1-5", mode: chorus.EmptyDigestFirst},
		{name: "before the schedule", user: "lea", line: "/chorus digest vide:non chaque jour 18h",
			want: []string{"chaque jour à 18:00", "Point vide : rien publié"}, spec: "0 18 * * *", mode: chorus.EmptyDigestNever},
		{name: "a value nobody knows", user: "lea", line: "/chorus digest vide:peut-être",
			want: []string{"« vide:peut-être » : écrivez `vide:premier`, `vide:toujours` ou `vide:jamais`."}, spec: "0 18 * * *", mode: chorus.EmptyDigestNever},
		{name: "in English", user: "lea", lang: chorus.English, line: "/chorus digest empty:sometimes",
			want: []string{"write `empty:first`, `empty:always` or `empty:never`"}, spec: "0 18 * * *", mode: chorus.EmptyDigestNever},
		{name: "an outsider may not", user: "zoe", line: "/chorus digest vide:toujours",
			want: []string{"seuls le responsable de #general"}, spec: "0 18 * * *", mode: chorus.EmptyDigestNever},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustSay(t, e.inLang(t, tt.user, "#general", tt.lang, tt.line), tt.want...)
			if tt.spec == "" {
				return
			}
			d, err := e.Store.DigestSchedule(ctx, "T1", "#general")
			if err != nil {
				t.Fatal(err)
			}
			if d.Spec != tt.spec || d.EmptyMode() != tt.mode {
				t.Fatalf("stored %+v", d)
			}
		})
	}
}

// TestDigestLastRun: "/chorus digest" says when the channel's last digest ran and what came of
// it, as the scheduler recorded it.
func TestDigestLastRun(t *testing.T) {
	paris := chorus.LoadLocation("Europe/Paris")
	slot := time.Date(2027, 6, 7, 9, 0, 0, 0, paris)
	tests := []struct {
		name string
		lead bool
		rec  chorus.Occurrence
		lang chorus.Lang
		want string
	}{
		{name: "posted", rec: chorus.Occurrence{TS: "1.1"},
			want: "Dernier point : lundi 7 juin 2027 à 09:00, publié."},
		{name: "empty, said", rec: chorus.Occurrence{TS: "1.1", Empty: true, EmptyReason: "no_campaign"},
			want: "Dernier point : lundi 7 juin 2027 à 09:00, rien à signaler (aucune campagne n'utilise #general) ; « rien à signaler » publié."},
		{name: "empty, unsaid", rec: chorus.Occurrence{Skipped: true, Empty: true, EmptyReason: "inactive"},
			want: "Dernier point : lundi 7 juin 2027 à 09:00, rien à signaler (les campagnes de #general sont en brouillon ou clôturées) ; rien publié."},
		{name: "empty, in English", lang: chorus.English, rec: chorus.Occurrence{Skipped: true, Empty: true, EmptyReason: "no_campaign"},
			want: "Last digest: Monday 7 June 2027 at 09:00, nothing to report (no campaign uses #general); nothing posted."},
		{name: "leads' digest, empty", lead: true, rec: chorus.Occurrence{TS: "1.1", Empty: true, EmptyReason: "inactive"},
			want: "rien à signaler (aucune campagne active, seulement des brouillons ou des campagnes clôturées) ; « rien à signaler » publié."},
		{name: "too late", rec: chorus.Occurrence{Skipped: true},
			want: "Dernier point : lundi 7 juin 2027 à 09:00, non publié : Chorus était arrêté à l'heure prévue"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			ctx := context.Background()
			line := "/chorus digest chaque lundi 9h"
			if tt.lead {
				line = "/chorus digest lead chaque lundi 9h"
			}
			mustSay(t, e.inLang(t, "lea", "#general", "", line), "09:00")
			e.Clock.Set(slot.Add(2 * time.Hour))
			rec := tt.rec
			rec.ID, rec.Kind, rec.WorkspaceID, rec.Channel = chorus.DigestOccurrenceID("T1", "#general", slot), chorus.DigestOccurrence, "T1", "#general"
			rec.ScheduledAt = slot
			if err := e.Store.RecordOccurrence(ctx, rec); err != nil {
				t.Fatal(err)
			}
			mustSay(t, e.inLang(t, "zoe", "#general", tt.lang, "/chorus digest"), tt.want)
		})
	}
}
