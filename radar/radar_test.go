package radar_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/radar"
)

func day(m time.Month, d int) chorus.Date { return chorus.Date{Year: 2027, Month: m, Day: d} }

// tp is a touchpoint: id, campaign, channel, segment, first day and last day (zero: one day).
func tp(id, camp, channel, segment string, start, end chorus.Date) chorus.Touchpoint {
	return chorus.Touchpoint{ID: id, Campaign: camp, Channel: channel, Segment: segment, Start: start, End: end,
		Stage: chorus.StagePurchase, Owner: "sami"}
}

var one chorus.Date // a single day: no end

// show writes warnings compactly: "pressure prospects 4 [a b] 2027-03-26..2027-03-30 (p1 p2)".
func show(ws []radar.Warning) string {
	var out []string
	for _, w := range ws {
		s := string(w.Kind)
		if w.Segment != "" {
			s += " " + w.Segment
		}
		if w.Channel != "" {
			s += " " + w.Channel
		}
		if w.Count > 0 {
			s += fmt.Sprintf(" %d", w.Count)
		}
		s += fmt.Sprintf(" %v %s..%s (%s)", w.Campaigns, w.From, w.To, strings.Join(w.Touchpoints, " "))
		out = append(out, s)
	}
	return strings.Join(out, "\n")
}

// The spring change in Paris is on Sunday 28 March 2027, the autumn one on Sunday 31 October
// 2027: every case below has days on both sides of one of them.
func TestCheck(t *testing.T) {
	camps := []chorus.Campaign{
		{Slug: "printemps", End: day(4, 30)},
		{Slug: "paques", End: day(3, 31)},
		{Slug: "toussaint", End: day(10, 31)},
		{Slug: "hiver"},
	}
	tests := []struct {
		name     string
		tps      []chorus.Touchpoint
		settings chorus.RadarSettings
		approved func(camp, channel string) bool
		today    chorus.Date
		want     []string
	}{
		{
			name: "pressure: four in seven days across the spring change",
			tps: []chorus.Touchpoint{
				tp("p1", "printemps", "email", "prospects", day(3, 26), one),
				tp("p2", "paques", "social", "Prospects", day(3, 27), one), // folded: the same segment
				tp("p3", "printemps", "web", "prospects", day(3, 29), one),
				tp("p4", "paques", "email", "prospects", day(3, 31), one),
				tp("b1", "printemps", "email", "B2B", day(3, 28), one), // another segment
			},
			want: []string{"pressure prospects 4 [paques printemps] 2027-03-26..2027-03-31 (p1 p2 p3 p4)"},
		},
		{
			name: "pressure: three in seven days is the limit, not over it",
			tps: []chorus.Touchpoint{
				tp("p1", "printemps", "email", "prospects", day(3, 26), one),
				tp("p2", "printemps", "social", "prospects", day(3, 28), one),
				tp("p3", "printemps", "web", "prospects", day(4, 1), one),
				tp("p4", "printemps", "web", "prospects", day(4, 2), one), // 26 March + 7 days: outside p1's window
			},
		},
		{
			name: "pressure: a range counts once in each window it is live in",
			tps: []chorus.Touchpoint{
				tp("r1", "hiver", "retail", "fidèles", day(10, 25), day(11, 7)),
				tp("p1", "toussaint", "email", "fideles", day(10, 30), one),
				tp("p2", "hiver", "social", "fideles", day(11, 1), one),
			},
			settings: chorus.RadarSettings{Limit: 2, Window: 3},
			want:     []string{"pressure fidèles 3 [hiver toussaint] 2027-10-30..2027-11-01 (r1 p1 p2)"},
		},
		{
			name: "pressure: two busy spells are two warnings",
			tps: []chorus.Touchpoint{
				tp("a1", "hiver", "email", "B2B", day(10, 30), one),
				tp("a2", "hiver", "web", "B2B", day(10, 31), one),
				tp("c1", "hiver", "email", "B2B", day(11, 20), one),
				tp("c2", "hiver", "web", "B2B", day(11, 21), one),
			},
			settings: chorus.RadarSettings{Limit: 1, Window: 2},
			want: []string{
				"pressure B2B 2 [hiver] 2027-10-30..2027-10-31 (a1 a2)",
				"pressure B2B 2 [hiver] 2027-11-20..2027-11-21 (c1 c2)",
			},
		},
		{
			name: "overlap: two campaigns on one channel and segment across the autumn change",
			tps: []chorus.Touchpoint{
				tp("t1", "toussaint", "email", "prospects", day(10, 29), day(10, 31)),
				tp("h1", "hiver", "email", "prospects", day(10, 31), day(11, 2)),
			},
			want: []string{"overlap prospects email [hiver toussaint] 2027-10-31..2027-10-31 (t1 h1)"},
		},
		{
			name: "overlap: none on another channel, another segment, the same campaign or the next day",
			tps: []chorus.Touchpoint{
				tp("t1", "toussaint", "email", "prospects", day(10, 29), day(10, 31)),
				tp("h1", "hiver", "social", "prospects", day(10, 30), one),
				tp("h2", "hiver", "email", "B2B", day(10, 30), one),
				tp("t2", "toussaint", "email", "prospects", day(10, 30), one),
				tp("h3", "hiver", "email", "prospects", day(11, 1), one),
			},
			settings: chorus.RadarSettings{Limit: 10},
		},
		{
			name: "unapproved: live within the window without approved copy",
			tps: []chorus.Touchpoint{
				tp("soon", "printemps", "email", "prospects", day(3, 30), one),         // within 7 days of 27 March
				tp("ok", "printemps", "social", "B2B", day(3, 29), one),                // approved
				tp("later", "printemps", "web", "fideles", day(4, 3), one),             // 27 March + 7: outside
				tp("live", "printemps", "retail", "etudiants", day(3, 20), day(3, 28)), // live already
				tp("gone", "printemps", "pr", "presse", day(3, 20), day(3, 26)),        // over
			},
			approved: func(camp, channel string) bool { return channel == "social" },
			today:    day(3, 27),
			want: []string{
				"unapproved retail [printemps] 2027-03-20..2027-03-28 (live)",
				"unapproved email [printemps] 2027-03-30..2027-03-30 (soon)",
			},
		},
		{
			name: "after end: the days past the campaign's last day",
			tps: []chorus.Touchpoint{
				tp("late", "toussaint", "retail", "prospects", day(10, 30), day(11, 2)),
				tp("last", "toussaint", "email", "prospects", day(10, 31), one), // its last day: fine
				tp("open", "hiver", "email", "B2B", day(12, 31), one),           // no end: fine
				tp("after", "paques", "social", "B2B", day(4, 2), one),
			},
			settings: chorus.RadarSettings{Limit: 10},
			want: []string{
				"after_end social [paques] 2027-04-02..2027-04-02 (after)",
				"after_end retail [toussaint] 2027-11-01..2027-11-02 (late)",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := radar.Check(radar.Input{Touchpoints: tt.tps, Campaigns: camps, Approved: tt.approved, Settings: tt.settings, Today: tt.today})
			if show(got) != strings.Join(tt.want, "\n") {
				t.Fatalf("Check =\n%s\nwant\n%s", show(got), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestInvolves(t *testing.T) {
	ws := radar.Check(radar.Input{Touchpoints: []chorus.Touchpoint{
		tp("t1", "toussaint", "email", "prospects", day(10, 29), one),
		tp("h1", "hiver", "email", "prospects", day(10, 29), one),
		tp("x1", "hiver", "web", "B2B", day(10, 29), one),
	}})
	if len(ws) != 1 || !ws[0].Involves("t1") || !ws[0].Involves("h1") || ws[0].Involves("x1") {
		t.Fatalf("warnings = %s", show(ws))
	}
	if !slices.Equal(ws[0].Campaigns, []string{"hiver", "toussaint"}) {
		t.Fatalf("campaigns = %v", ws[0].Campaigns)
	}
}
