package scheduler_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/scheduler"
	"github.com/chorus-hq/chorus/store"
)

// TestDigestEmpty plays a daily digest of #general from Monday to Monday: three days with no
// campaign using the channel, a campaign started there on Thursday, closed on Friday, the
// schedule saved again the second Monday before 09:00. What the empty slots post depends on the schedule's setting; every slot is
// recorded once, with why it was empty.
func TestDigestEmpty(t *testing.T) {
	tests := []struct {
		name      string
		mode      chorus.EmptyDigest
		postEmpty bool   // CHORUS_POST_EMPTY_DIGEST
		want      string // one letter a day, Monday to Monday: E "nothing to report" posted, D a digest, . nothing posted
	}{
		{"first empty slot in a row (default)", "", false, "E..DE..E"},
		{"always", chorus.EmptyDigestAlways, false, "EEEDEEEE"},
		{"never", chorus.EmptyDigestNever, false, "...D...."},
		{"never, but the workspace posts every empty digest", chorus.EmptyDigestNever, true, "EEEDEEEE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			clk := newClock(paris8(6, 6, 12, 0)) // Sunday
			st, _ := openStore(t, clk)
			seed(t, st)
			d := addDigest(t, st, "#general", "0 9 * * *", false)
			d.Empty = tt.mode
			d, err := st.SaveDigestSchedule(ctx, d)
			if err != nil {
				t.Fatal(err)
			}
			snd := &sender{clock: clk}
			s := newScheduler(t, st, snd, clk, "p1", func(o *scheduler.Options) { o.PostEmptyDigest = tt.postEmpty })
			if err := s.Load(ctx); err != nil {
				t.Fatal(err)
			}
			var camp chorus.Campaign
			for day := 7; day <= 14; day++ {
				switch day {
				case 10: // Thursday: a campaign starts using #general
					camp, err = st.CreateCampaign(ctx, chorus.Campaign{WorkspaceID: "T1", Slug: "rentree", Name: "Rentrée",
						TimeZone: "Europe/Paris", Lang: chorus.French, Status: chorus.StatusActive, Leads: []string{"lea"}, CreatedBy: "lea",
						Channels: []chorus.Channel{{Kind: "general", SlackChannel: "#general", Owner: "lea"}}})
					if err != nil {
						t.Fatal(err)
					}
				case 11: // Friday: it is closed
					camp.Status = chorus.StatusClosed
					if _, err := st.UpdateCampaign(ctx, camp); err != nil {
						t.Fatal(err)
					}
				case 14: // Monday: the schedule is saved again, as after "/chorus digest chaque jour 9h"
					clk.Set(paris8(6, 14, 8, 0))
					d, err = st.SaveDigestSchedule(ctx, d)
					if err != nil {
						t.Fatal(err)
					}
					s.DigestChanged(d)
				}
				runUntil(t, clk, paris8(6, day, 10, 0), s)
			}
			var got strings.Builder
			for day := 7; day <= 14; day++ {
				got.WriteString(dayLetter(t, snd, st, paris8(6, day, 9, 0)))
			}
			if got.String() != tt.want {
				t.Errorf("days = %s, want %s\n%s", got.String(), tt.want, joinLines(snd.lines()))
			}
			if d := dupes(snd.Sent()); len(d) > 0 {
				t.Errorf("sent twice: %v", d)
			}
		})
	}
}

// dayLetter says what the #general digest of slot posted (E, D or .), checking its record
// against it: an empty one says why.
func dayLetter(t testing.TB, snd *sender, st *store.Store, slot time.Time) string {
	t.Helper()
	id := chorus.DigestOccurrenceID("T1", "#general", slot)
	rec, ok, err := st.Occurrence(context.Background(), id)
	if err != nil || !ok {
		t.Fatalf("%s: record %v, %v", id, ok, err)
	}
	var text string
	for _, m := range snd.Sent() {
		if m.ID == id {
			text = m.Text
		}
	}
	wantReason := "no_campaign"
	if slot.Day() >= 11 {
		wantReason = "inactive" // the closed campaign still uses #general
	}
	switch {
	case rec.Empty && rec.EmptyReason != wantReason:
		t.Errorf("%s: empty because %q, want %q", id, rec.EmptyReason, wantReason)
	case rec.Empty && rec.TS != "" && !strings.Contains(text, "rien à signaler"):
		t.Errorf("%s: posted %q, want « rien à signaler »", id, text)
	case rec.Empty != (text == "" || strings.Contains(text, "rien à signaler")), rec.Skipped != (text == ""):
		t.Errorf("%s: record %+v for message %q", id, rec, text)
	}
	switch {
	case text == "":
		return "."
	case rec.Empty:
		return "E"
	default:
		return "D"
	}
}
