package chorus_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/chorus-hq/chorus"
)

var segments = []string{"clients fidélité", "prospects", "B2B"}

func validTouchpoint() chorus.Touchpoint {
	return chorus.Touchpoint{
		WorkspaceID: "T1", Campaign: "ete-literie", Channel: "email",
		Start: chorus.Date{2027, 3, 27}, End: chorus.Date{2027, 4, 2},
		Segment: "prospects", Stage: chorus.StageDiscovery, Owner: "U0123",
	}
}

func TestTouchpointValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*chorus.Touchpoint)
		codes  []string
	}{
		{"valid", func(*chorus.Touchpoint) {}, nil},
		{"single day", func(p *chorus.Touchpoint) { p.End = chorus.Date{} }, nil},
		{"custom kind", func(p *chorus.Touchpoint) { p.Channel = "influence" }, nil},
		{"segment folded", func(p *chorus.Touchpoint) { p.Segment = "Clients Fidelite" }, nil},
		{"bad campaign", func(p *chorus.Touchpoint) { p.Campaign = "Été" }, []string{"campaign.slug.syntax"}},
		{"no channel", func(p *chorus.Touchpoint) { p.Channel = "" }, []string{"touchpoint.channel.empty"}},
		{"unknown channel", func(p *chorus.Touchpoint) { p.Channel = "tiktok" }, []string{"channel.kind.unknown"}},
		{"no start", func(p *chorus.Touchpoint) { p.Start = chorus.Date{} }, []string{"touchpoint.start.empty"}},
		{"impossible day", func(p *chorus.Touchpoint) { p.Start = chorus.Date{2027, 4, 31} }, []string{"touchpoint.date.invalid"}},
		{"end before start", func(p *chorus.Touchpoint) { p.End = chorus.Date{2027, 3, 26} }, []string{"touchpoint.end.before_start"}},
		{"range too long", func(p *chorus.Touchpoint) { p.End = chorus.Date{2028, 4, 1} }, []string{"touchpoint.range.long"}},
		{"no segment", func(p *chorus.Touchpoint) { p.Segment = " " }, []string{"touchpoint.segment.empty"}},
		{"unknown segment", func(p *chorus.Touchpoint) { p.Segment = "étudiants" }, []string{"touchpoint.segment.unknown"}},
		{"bad stage", func(p *chorus.Touchpoint) { p.Stage = "awareness" }, []string{"touchpoint.stage.invalid"}},
		{"no owner", func(p *chorus.Touchpoint) { p.Owner = "" }, []string{"touchpoint.owner.empty"}},
		{"bad owner", func(p *chorus.Touchpoint) { p.Owner = "Not A User" }, []string{"user.invalid"}},
		{"several", func(p *chorus.Touchpoint) { p.Channel = ""; p.Owner = "" },
			[]string{"touchpoint.channel.empty", "touchpoint.owner.empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validTouchpoint()
			tt.change(&p)
			err := p.Validate([]string{"influence"}, segments)
			if got := codes(err); got != strings.Join(tt.codes, " ") {
				t.Fatalf("Validate() codes = %v, want %v (err %v)", got, tt.codes, err)
			}
			if tt.codes != nil && !errors.Is(err, chorus.ErrInvalid) {
				t.Fatalf("Validate() = %v, want it to match ErrInvalid", err)
			}
		})
	}
}

func TestParseStage(t *testing.T) {
	tests := []struct {
		in   string
		want chorus.Stage
		ok   bool
	}{
		{"découverte", chorus.StageDiscovery, true},
		{"Discovery", chorus.StageDiscovery, true},
		{"considération", chorus.StageConsideration, true},
		{"consideration", chorus.StageConsideration, true},
		{"achat", chorus.StagePurchase, true},
		{"purchase", chorus.StagePurchase, true},
		{" Fidélisation ", chorus.StageLoyalty, true},
		{"loyalty", chorus.StageLoyalty, true},
		{"", "", false},
		{"vente", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := chorus.ParseStage(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("ParseStage(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestTouchpointDays crosses the spring DST change in Paris (28 March 2027): days are calendar
// days, never 23- or 25-hour spans.
func TestTouchpointDays(t *testing.T) {
	p := validTouchpoint() // 27 March → 2 April 2027
	if p.Days() != 7 || p.SingleDay() || p.Last() != (chorus.Date{2027, 4, 2}) {
		t.Fatalf("Days %d SingleDay %v Last %v", p.Days(), p.SingleDay(), p.Last())
	}
	tests := []struct {
		name     string
		from, to chorus.Date
		want     bool
	}{
		{"first day", chorus.Date{2027, 3, 27}, chorus.Date{2027, 3, 27}, true},
		{"DST day", chorus.Date{2027, 3, 28}, chorus.Date{2027, 3, 28}, true},
		{"last day", chorus.Date{2027, 4, 2}, chorus.Date{2027, 4, 2}, true},
		{"day before", chorus.Date{2027, 3, 26}, chorus.Date{2027, 3, 26}, false},
		{"day after", chorus.Date{2027, 4, 3}, chorus.Date{2027, 4, 10}, false},
		{"window around", chorus.Date{2027, 3, 1}, chorus.Date{2027, 4, 30}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.Overlaps(tt.from, tt.to); got != tt.want {
				t.Fatalf("Overlaps(%v, %v) = %v, want %v", tt.from, tt.to, got, tt.want)
			}
		})
	}
	moved := p.Moved(chorus.Date{2027, 10, 31}, chorus.Date{2027, 10, 31})
	if !moved.SingleDay() || !moved.End.IsZero() || moved.Days() != 1 {
		t.Fatalf("Moved to one day = %+v", moved)
	}
	if n := chorus.DaysBetween(chorus.Date{2027, 10, 30}, chorus.Date{2027, 11, 1}); n != 2 {
		t.Fatalf("DaysBetween across the autumn change = %d, want 2", n)
	}
	if d := (chorus.Date{2027, 3, 27}).AddDays(2); d != (chorus.Date{2027, 3, 29}) {
		t.Fatalf("AddDays across the spring change = %v", d)
	}
}

func TestSegments(t *testing.T) {
	tests := []struct {
		name  string
		have  []string
		add   string
		codes []string
	}{
		{"new", segments, "étudiants", nil},
		{"duplicate folded", segments, "Prospects", []string{"segment.duplicate"}},
		{"empty", segments, "  ", []string{"text.empty"}},
		{"comma", segments, "a, b", []string{"segment.syntax"}},
		{"long", segments, strings.Repeat("x", chorus.MaxSegmentLen+1), []string{"text.long"}},
		{"too many", make([]string, chorus.MaxSegments), "one more", []string{"segment.many"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := codes(chorus.ValidateSegment(tt.have, tt.add)); got != strings.Join(tt.codes, " ") {
				t.Fatalf("ValidateSegment codes = %v, want %v", got, tt.codes)
			}
		})
	}
	if s, ok := chorus.FindSegment(segments, "CLIENTS FIDELITE"); !ok || s != "clients fidélité" {
		t.Fatalf("FindSegment = %q, %v", s, ok)
	}
	w := chorus.DefaultWorkspace("T1")
	w.Segments = []string{"b2b", "B2B"}
	w.Radar = chorus.RadarSettings{Limit: -1, Window: 365}
	if got, want := codes(w.Validate()), "segment.duplicate radar.limit.range radar.window.range"; got != want {
		t.Fatalf("Workspace.Validate codes = %v, want %v", got, want)
	}
	if r := (chorus.RadarSettings{}).OrDefault(); r.Limit != chorus.DefaultRadarLimit || r.Window != chorus.DefaultRadarWindow {
		t.Fatalf("OrDefault = %+v", r)
	}
}
