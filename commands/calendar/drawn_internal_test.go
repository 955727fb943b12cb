package calendar

import (
	"bytes"
	"image/png"
	"testing"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/timeline"
)

func TestDrawnEncodesEachChartOnce(t *testing.T) {
	month := func(d chorus.Date) string { return d.Month.String() }
	chart := func(edit func(*timeline.Chart)) timeline.Chart {
		c := timeline.Chart{Title: "Juillet 2027", From: chorus.Date{Year: 2027, Month: 7, Day: 1}, To: chorus.Date{Year: 2027, Month: 7, Day: 31},
			Today: chorus.Date{Year: 2027, Month: 7, Day: 8},
			Rows: []timeline.Row{{Label: "Soldes d'été", Note: "ete", Bars: []timeline.Bar{{Channel: "email",
				From: chorus.Date{Year: 2027, Month: 7, Day: 2}, To: chorus.Date{Year: 2027, Month: 7, Day: 9}}}}},
			Words: timeline.Words{Month: month, Today: "aujourd'hui", Deadline: "échéance", Collision: "collision", Empty: "rien",
				More: func(int) string { return "plus" }}}
		if edit != nil {
			edit(&c)
		}
		return c
	}
	tests := []struct {
		name   string
		chart  timeline.Chart
		lang   chorus.Lang
		shared bool // the first chart's PNG is returned again
	}{
		{"the same chart", chart(nil), chorus.French, true},
		{"another language", chart(nil), chorus.English, false},
		{"a day later", chart(func(c *timeline.Chart) { c.Today.Day = 9 }), chorus.French, false},
		{"a touchpoint moved", chart(func(c *timeline.Chart) {
			c.Rows = []timeline.Row{{Label: "Soldes d'été", Note: "ete", Bars: []timeline.Bar{{Channel: "email",
				From: chorus.Date{Year: 2027, Month: 7, Day: 3}, To: chorus.Date{Year: 2027, Month: 7, Day: 9}}}}}
		}), chorus.French, false},
		{"a collision", chart(func(c *timeline.Chart) {
			c.Rows = []timeline.Row{{Label: "Soldes d'été", Note: "ete", Bars: []timeline.Bar{{Channel: "email", Collision: true,
				From: chorus.Date{Year: 2027, Month: 7, Day: 2}, To: chorus.Date{Year: 2027, Month: 7, Day: 9}}}}}
		}), chorus.French, false},
		{"a deadline", chart(func(c *timeline.Chart) {
			c.Rows[0].Marks = []timeline.Mark{{Day: chorus.Date{Year: 2027, Month: 7, Day: 20}}}
		}), chorus.French, false},
	}
	r := timeline.MustRenderer()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := newDrawn(8)
			first, err := k.encode(r, chart(nil), chorus.French)
			if err != nil {
				t.Fatal(err)
			}
			got, err := k.encode(r, tt.chart, tt.lang)
			if err != nil {
				t.Fatal(err)
			}
			if same := &got[0] == &first[0]; same != tt.shared {
				t.Fatalf("shared the first PNG: %v, want %v", same, tt.shared)
			}
			if _, err := png.Decode(bytes.NewReader(got)); err != nil {
				t.Fatalf("not a PNG: %v", err)
			}
			if !tt.shared && tt.lang == chorus.French && bytes.Equal(got, first) {
				t.Error("a different chart drew the same picture") // the fingerprint saw a change the picture shows
			}
		})
	}
}

func TestDrawnKeepsAtMostSize(t *testing.T) {
	k := newDrawn(2)
	r := timeline.MustRenderer()
	for _, title := range []string{"a", "b", "c"} {
		if _, err := k.encode(r, timeline.Chart{Title: title, From: chorus.Date{Year: 2027, Month: 7, Day: 1}, To: chorus.Date{Year: 2027, Month: 7, Day: 31},
			Words: timeline.Words{Month: func(chorus.Date) string { return "juillet" }, More: func(int) string { return "" }}}, chorus.French); err != nil {
			t.Fatal(err)
		}
	}
	if n := k.pngs.Len(); n != 2 {
		t.Fatalf("%d pictures, want 2", n)
	}
}
