package calendar_test

import (
	"bytes"
	"context"
	"image/png"
	"strings"
	"testing"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/reply"
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
