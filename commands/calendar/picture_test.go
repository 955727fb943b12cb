package calendar_test

import (
	"bytes"
	"context"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/reply"
	"github.com/chorus-hq/chorus/scheduler"
)

// picture is the reply's picture, decoded as a PNG.
func picture(t testing.TB, r reply.Reply) *reply.Image {
	t.Helper()
	for _, b := range r.Blocks {
		if b.Kind == reply.Picture && b.Image != nil {
			img, err := png.Decode(bytes.NewReader(b.Image.PNG))
			if err != nil {
				t.Fatalf("the picture is no PNG: %v", err)
			}
			if w := img.Bounds().Dx(); w != 1000 {
				t.Fatalf("picture width %d, want 1000", w)
			}
			return b.Image
		}
	}
	t.Fatalf("no picture in %+v", r)
	return nil
}

func TestCalendarCommand(t *testing.T) {
	e := setup(t)
	for _, line := range []string{
		"/campaign touchpoint add ete-literie email 2027-07-03..2027-07-09 prospects achat",
		"/campaign touchpoint add ete-literie social 2027-06-20 B2B decouverte",
		`/campaign task add ete-literie social "Visuels Instagram" @sami 2027-06-15 17h`,
	} {
		if r := e.Do(t, "lea", line); strings.Contains(r.Text, "⚠️") {
			t.Fatalf("%s: %s", line, r.Text)
		}
	}
	tests := []struct {
		name string
		lang chorus.Lang
		arg  string
		want []string
		not  []string
	}{
		{"this month", chorus.French, "", []string{"Calendrier du 1er juin 2027 au 30 juin 2027", "Soldes d'été literie", "échéance : Visuels Instagram"}, []string{"3 juillet"}},
		{"month in English", chorus.English, "month", []string{"Calendar from 1 June 2027 to 30 June 2027", "deadline: Visuels Instagram"}, nil},
		{"quarter", chorus.French, "trimestre", []string{"du 1er avril 2027 au 30 juin 2027"}, nil},
		{"a campaign", chorus.French, "ete-literie", []string{"du 20 juin 2027 au 15 juillet 2027", "3 juillet 2027 → 9 juillet 2027", "20 juin 2027"}, nil},
		{"a month's button", chorus.English, "2027-07-01", []string{"from 1 July 2027 to 31 July 2027", "3 July 2027 → 9 July 2027"}, []string{"20 June"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.DoLang(t, "sami", tt.lang, strings.TrimSpace("/campaign calendar "+tt.arg))
			mustSay(t, r, tt.want...)
			for _, n := range tt.not {
				if strings.Contains(r.Text, n) {
					t.Errorf("the calendar says %q:\n%s", n, r.Text)
				}
			}
			img := picture(t, r)
			if !strings.HasSuffix(img.Name, ".png") || img.Alt == "" || img.Title == "" {
				t.Errorf("picture %q %q %q", img.Name, img.Title, img.Alt)
			}
		})
	}
	t.Run("unknown period", func(t *testing.T) {
		mustSay(t, e.Do(t, "lea", "/campaign calendar semestre!"), "⚠️", "/campaign calendar [mois|trimestre|<identifiant>]")
		mustSay(t, e.Do(t, "lea", "/campaign calendar hiver"), "⚠️", "hiver")
	})
	t.Run("the month buttons", func(t *testing.T) {
		r := e.Do(t, "lea", "/campaign calendar")
		last := r.Blocks[len(r.Blocks)-1]
		if last.Kind != reply.Actions || len(last.Buttons) != 2 || last.Buttons[1].Value != "2027-07-01" || last.Buttons[0].Value != "2027-05-01" {
			t.Fatalf("buttons = %+v", last)
		}
		r = e.Svc.Action(context.Background(), reply.Request{Workspace: "T1", User: "lea"}, reply.Action{ActionID: reply.ActCalendarOpen, Value: last.Buttons[1].Value})
		mustSay(t, r, "du 1er juillet 2027 au 31 juillet 2027")
		picture(t, r)
	})
}

// TestPictureInHomeAndMondayDigest: the App Home shows this month's picture; the leads' digest
// shows the next four weeks' on a Monday only, a team's never.
func TestPictureInHomeAndMondayDigest(t *testing.T) {
	e := setup(t) // Tuesday 1 June 2027
	ctx := context.Background()
	home := e.Svc.Home(ctx, reply.Request{Workspace: "T1", User: "sami"})
	for _, b := range home.Blocks {
		if b.Kind == reply.Picture {
			t.Fatal("a month without touchpoints shows a picture in the App Home")
		}
	}
	mustSay(t, e.Do(t, "lea", "/campaign touchpoint add ete-literie email 2027-06-10 prospects achat"), "✅")
	home = e.Svc.Home(ctx, reply.Request{Workspace: "T1", User: "sami", Lang: chorus.English})
	found := false
	for _, b := range home.Blocks {
		if b.Kind == reply.Picture {
			found = true
			if !strings.Contains(b.Image.Title, "from 1 June 2027 to 30 June 2027") {
				t.Errorf("home picture %q", b.Image.Title)
			}
		}
	}
	if !found {
		t.Fatalf("no picture in the App Home: %+v", home.Blocks)
	}

	digest := func(day time.Time, lead bool) bool {
		t.Helper()
		e.Clock.Set(day)
		d, err := e.Svc.Digest(ctx, scheduler.DigestScope{Slot: day, Schedule: chorus.DigestSchedule{
			WorkspaceID: "T1", Channel: "#social", Lead: lead, Lang: chorus.French, TimeZone: "Europe/Paris", Spec: "0 9 * * *"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range d.Parts {
			for _, b := range p.Blocks {
				if b.Kind == reply.Picture {
					picture(t, reply.Reply{Blocks: []reply.Block{b}})
					return true
				}
			}
		}
		return false
	}
	paris := chorus.LoadLocation("Europe/Paris")
	mustSay(t, e.Do(t, "lea", "/campaign activate ete-literie"), "active")
	if !digest(time.Date(2027, 6, 7, 9, 0, 0, 0, paris), true) {
		t.Error("no picture in the leads' Monday digest")
	}
	if digest(time.Date(2027, 6, 8, 9, 0, 0, 0, paris), true) {
		t.Error("a picture in the leads' Tuesday digest")
	}
	if digest(time.Date(2027, 6, 7, 9, 0, 0, 0, paris), false) {
		t.Error("a picture in a team's digest")
	}
}
