package calendar_test

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/internal/commandstest"
)

var linkRE = regexp.MustCompile(`/calendar/([A-Za-z0-9_-]{43})\.ics`)

// link asks for user's subscription link and returns its token.
func link(t testing.TB, e *commandstest.Env, user string) string {
	t.Helper()
	r := e.Do(t, user, "/chorus calendar link")
	m := linkRE.FindStringSubmatch(r.Text)
	if m == nil {
		t.Fatalf("no link in %q", r.Text)
	}
	if r.Visibility != 0 {
		t.Fatal("a secret link shown to the channel")
	}
	return m[1]
}

// parse decodes an iCalendar with go-ical (a parser other than the one that wrote it) and
// encodes it again, which checks every component's required properties (RFC 5545).
func parse(t testing.TB, b []byte) *ical.Calendar {
	t.Helper()
	cal, err := ical.NewDecoder(bytes.NewReader(b)).Decode()
	if err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, b)
	}
	if err := ical.NewEncoder(&bytes.Buffer{}).Encode(cal); err != nil {
		t.Fatalf("the feed breaks RFC 5545: %v\n%s", err, b)
	}
	if !bytes.Contains(b, []byte("\r\n")) {
		t.Fatal("lines do not end in CRLF")
	}
	return cal
}

func events(cal *ical.Calendar) map[string]ical.Event {
	out := map[string]ical.Event{}
	for _, ev := range cal.Events() {
		out[ev.Props.Get(ical.PropUID).Value] = ev
	}
	return out
}

func TestCalendarFeed(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	for _, line := range []string{
		"/campaign touchpoint add ete-literie email 2027-07-03..2027-07-09 prospects achat",
		"/campaign touchpoint add ete-literie social 2027-06-20 B2B decouverte",
		`/campaign task add ete-literie social "Visuels Instagram" @sami 2027-06-15 17h`,
	} {
		if r := e.Do(t, "lea", line); strings.HasPrefix(r.Text, "⚠️") {
			t.Fatalf("%s: %s", line, r.Text)
		}
	}
	tps, _ := e.Store.CampaignTouchpoints(ctx, "T1", "ete-literie")
	tasks, _ := e.Store.Tasks(ctx, "T1", chorus.TaskFilter{})
	token := link(t, e, "sami")

	b, err := e.Svc.CalendarFeed(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	cal := parse(t, b)
	evs := events(cal)
	if len(cal.Events()) != 3 || len(evs) != 3 {
		t.Fatalf("%d events, want 2 touchpoints and 1 deadline:\n%s", len(cal.Events()), b)
	}
	if got := cal.Props.Get("X-WR-TIMEZONE"); got == nil || got.Value != "Europe/Paris" {
		t.Errorf("X-WR-TIMEZONE = %v", got)
	}
	if got := cal.Props.Values("REFRESH-INTERVAL"); len(got) != 1 || got[0].Value != "PT1H" || len(got[0].Params.Values("VALUE")) != 1 {
		t.Errorf("REFRESH-INTERVAL = %+v", got)
	}
	var zones []string
	for _, c := range cal.Children {
		if c.Name == ical.CompTimezone {
			zones = append(zones, c.Props.Get(ical.PropTimezoneID).Value)
			if len(c.Children) != 2 {
				t.Errorf("Europe/Paris has %d observances, want standard and daylight", len(c.Children))
			}
		}
	}
	if len(zones) != 1 || zones[0] != "Europe/Paris" {
		t.Errorf("VTIMEZONE %q", zones)
	}
	tpUID := "touchpoint-" + tps[1].ID + "@T1.chorus" // the 3–9 July one (20 June sorts first)
	ev, ok := evs[tpUID]
	if !ok {
		t.Fatalf("no event %s in %v", tpUID, evs)
	}
	start, _ := ev.DateTimeStart(time.UTC)
	end, _ := ev.DateTimeEnd(time.UTC)
	if start != time.Date(2027, 7, 3, 0, 0, 0, 0, time.UTC) || end != time.Date(2027, 7, 10, 0, 0, 0, 0, time.UTC) ||
		ev.Props.Get(ical.PropDateTimeStart).ValueType() != ical.ValueDate {
		t.Errorf("touchpoint event %v → %v (%v)", start, end, ev.Props.Get(ical.PropDateTimeStart))
	}
	if s := ev.Props.Get(ical.PropSummary).Value; s != "Soldes d'été literie · email · prospects (achat)" {
		t.Errorf("summary %q", s)
	}
	dl := evs["task-"+tasks[0].ID+"@T1.chorus"]
	paris := chorus.LoadLocation("Europe/Paris")
	due, err := dl.DateTimeStart(paris)
	if p := dl.Props.Get(ical.PropDateTimeStart); err != nil || p.Params.Get(ical.ParamTimezoneID) != "Europe/Paris" ||
		!due.Equal(time.Date(2027, 6, 15, 17, 0, 0, 0, paris)) {
		t.Errorf("deadline %v (%v), %v", due, p, err)
	}

	// A move changes the event, not its identity; a second fetch of an unchanged calendar is the same.
	again, _ := e.Svc.CalendarFeed(ctx, token)
	if !bytes.Equal(again, b) {
		t.Error("two fetches of an unchanged calendar differ")
	}
	e.Do(t, "lea", "/campaign touchpoint move "+tps[1].ID+" 2027-07-05..2027-07-06")
	b, _ = e.Svc.CalendarFeed(ctx, token)
	moved := events(parse(t, b))[tpUID]
	start, _ = moved.DateTimeStart(time.UTC)
	if seq := moved.Props.Get(ical.PropSequence).Value; seq != "1" || start.Day() != 5 {
		t.Errorf("after the move: SEQUENCE %s, start %v", seq, start)
	}

	t.Run("English reader", func(t *testing.T) {
		e.Do(t, "zoe", "/chorus lang en")
		b, err := e.Svc.CalendarFeed(ctx, link(t, e, "zoe"))
		if err != nil || !strings.Contains(string(b), "SUMMARY:Deadline: Visuels Instagram") {
			t.Fatalf("English feed: %v\n%s", err, b)
		}
	})
	t.Run("wrong, revoked and replaced tokens open nothing", func(t *testing.T) {
		for _, bad := range []string{"", "nope", strings.Repeat("A", 43), token + "x"} {
			if _, err := e.Svc.CalendarFeed(ctx, bad); !errors.Is(err, chorus.ErrNotFound) {
				t.Errorf("token %q: %v, want ErrNotFound", bad, err)
			}
		}
		fresh := link(t, e, "sami") // a new link cancels the old one
		if _, err := e.Svc.CalendarFeed(ctx, token); !errors.Is(err, chorus.ErrNotFound) {
			t.Errorf("the replaced link still works: %v", err)
		}
		if _, err := e.Svc.CalendarFeed(ctx, fresh); err != nil {
			t.Fatalf("the new link: %v", err)
		}
		mustSay(t, e.Do(t, "sami", "/chorus calendar revoke"), "1 lien(s) de calendrier annulé(s)")
		if _, err := e.Svc.CalendarFeed(ctx, fresh); !errors.Is(err, chorus.ErrNotFound) {
			t.Errorf("the revoked link still works: %v", err)
		}
		mustSay(t, e.DoLang(t, "sami", chorus.English, "/chorus calendar revoke"), "no active calendar link")
	})
}

// TestDemoFeed: the demo workspace's feed parses and holds its 60 touchpoints and 12 deadlines.
func TestDemoFeed(t *testing.T) {
	e := demoEnv(t)
	b, err := e.Svc.CalendarFeed(context.Background(), link(t, e, "lea"))
	if err != nil {
		t.Fatal(err)
	}
	cal := parse(t, b)
	touch, dead := 0, 0
	for uid := range events(cal) {
		switch {
		case strings.HasPrefix(uid, "touchpoint-"):
			touch++
		case strings.HasPrefix(uid, "task-"):
			dead++
		}
	}
	if len(cal.Events()) != 72 || touch != 60 || dead != 12 {
		t.Fatalf("%d events (%d touchpoints, %d deadlines), want 72 (60, 12)", len(cal.Events()), touch, dead)
	}
}
