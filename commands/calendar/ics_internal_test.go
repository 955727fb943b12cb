package calendar

import (
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
)

// TestVTimezone: the zone's rules come from Go's zone data, for northern and southern daylight
// saving and for a zone without it.
func TestVTimezone(t *testing.T) {
	tests := []struct {
		zone string
		want []string
	}{
		{"Europe/Paris", []string{"BEGIN:DAYLIGHT", "DTSTART:20260329T020000", "BYMONTH=3;BYDAY=-1SU", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200",
			"BEGIN:STANDARD", "DTSTART:20261025T030000", "BYMONTH=10;BYDAY=-1SU", "TZNAME:CET"}},
		{"Australia/Sydney", []string{"BEGIN:STANDARD", "BYMONTH=4;BYDAY=1SU", "TZOFFSETTO:+1000", "BEGIN:DAYLIGHT", "BYMONTH=10;BYDAY=1SU", "TZOFFSETTO:+1100"}},
		{"America/New_York", []string{"BYMONTH=3;BYDAY=2SU", "TZOFFSETFROM:-0500", "TZOFFSETTO:-0400", "BYMONTH=11;BYDAY=1SU"}},
		{"Asia/Tokyo", []string{"BEGIN:STANDARD", "DTSTART:19700101T000000", "TZOFFSETFROM:+0900", "TZOFFSETTO:+0900"}},
	}
	for _, tt := range tests {
		t.Run(tt.zone, func(t *testing.T) {
			loc, err := time.LoadLocation(tt.zone)
			if err != nil {
				t.Skip(err)
			}
			cal := ics.NewCalendar()
			cal.AddVTimezone(vtimezone(loc, 2027))
			got := strings.ReplaceAll(cal.Serialize(), "\r\n", "\n")
			at := 0
			for _, w := range tt.want {
				i := strings.Index(got[at:], w)
				if i < 0 {
					t.Fatalf("no %q after position %d in\n%s", w, at, got)
				}
				at += i
			}
			if tt.zone == "Asia/Tokyo" && strings.Contains(got, "DAYLIGHT") {
				t.Errorf("daylight saving in Tokyo:\n%s", got)
			}
		})
	}
}
