package calendar_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/reply"
)

// TestHomeCalendarFollowsWrites: the App Home's calendar, kept while the workspace's data does
// not change, shows every write at the next opening — a touchpoint added or moved, a deadline,
// a campaign, the radar's settings — and the new month, the reader's language; opened again
// without a change it is the same.
func TestHomeCalendarFollowsWrites(t *testing.T) {
	e := setup(t) // Tuesday 1 June 2027
	ctx := context.Background()
	alt := func(lang chorus.Lang) string {
		home := e.Svc.Home(ctx, reply.Request{Workspace: "T1", User: "sami", Lang: lang})
		for _, b := range home.Blocks {
			if b.Kind == reply.Picture {
				return b.Image.Alt
			}
		}
		return ""
	}
	var tpID string
	steps := []struct {
		name string
		act  func(t *testing.T)
		lang chorus.Lang
		want string // the picture's alternative text; "" for no picture
	}{
		{"nothing this month", func(*testing.T) {}, chorus.French, ""},
		{"a touchpoint added", func(t *testing.T) {
			mustSay(t, e.Do(t, "lea", "/campaign touchpoint add ete-literie email 2027-06-10 prospects achat"), "✅")
			tps, err := e.Store.CampaignTouchpoints(ctx, "T1", "ete-literie")
			if err != nil || len(tps) != 1 {
				t.Fatalf("touchpoints %+v, %v", tps, err)
			}
			tpID = tps[0].ID
		}, chorus.French, "1 campagne(s), 1 point(s) de contact, 0 alerte(s)"},
		{"in English", func(*testing.T) {}, chorus.English, "1 campaign(s), 1 touchpoint(s), 0 radar warning(s)"},
		{"a second touchpoint, the same day", func(t *testing.T) {
			mustSay(t, e.Do(t, "lea", "/campaign touchpoint add ete-literie social 2027-06-10 prospects achat"), "✅")
		}, chorus.French, "1 campagne(s), 2 point(s) de contact"},
		{"a stricter radar", func(t *testing.T) {
			mustSay(t, e.Do(t, "lea", "/chorus radar 1 7"), "✅")
		}, chorus.French, "1 campagne(s), 2 point(s) de contact, 1 alerte(s)"},
		{"a campaign with a deadline this month", func(t *testing.T) {
			mustSay(t, e.Do(t, "lea", `/campaign create noel "Noël" 2027-12-01 2027-12-24`), "✅")
			mustSay(t, e.Do(t, "lea", `/campaign channel add noel social #social @sami`), "✅")
			mustSay(t, e.Do(t, "lea", `/campaign task add noel social "Brief" @sami 2027-06-20`), "✅")
		}, chorus.French, "2 campagne(s), 2 point(s) de contact"},
		{"a touchpoint moved to July", func(t *testing.T) {
			mustSay(t, e.Do(t, "lea", "/campaign touchpoint move "+tpID+" 2027-07-05"), "✅")
		}, chorus.French, "2 campagne(s), 1 point(s) de contact, 0 alerte(s)"},
		{"July", func(*testing.T) {
			e.Clock.Set(time.Date(2027, 7, 1, 9, 0, 0, 0, chorus.LoadLocation("Europe/Paris")))
		}, chorus.French, "juillet 2027"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			st.act(t)
			got := alt(st.lang)
			if (st.want == "") != (got == "") || !strings.Contains(got, st.want) {
				t.Fatalf("the Home's picture says %q, want %q", got, st.want)
			}
			again := e.Svc.Home(ctx, reply.Request{Workspace: "T1", User: "lea", Lang: st.lang})
			first := e.Svc.Home(ctx, reply.Request{Workspace: "T1", User: "lea", Lang: st.lang})
			if !reflect.DeepEqual(calendarPart(again.Blocks), calendarPart(first.Blocks)) {
				t.Error("two openings without a change show different calendars")
			}
		})
	}
}

// calendarPart is the App Home's blocks from the calendar's on (its divider, title, picture).
func calendarPart(blocks []reply.Block) []reply.Block {
	for i, b := range blocks {
		if b.Kind == reply.Picture {
			return blocks[max(0, i-2):]
		}
	}
	return nil
}
