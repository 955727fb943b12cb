package chorus_test

import (
	"errors"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
)

func TestParseWhen(t *testing.T) {
	paris := chorus.LoadLocation("Europe/Paris")
	// Wednesday 2 June 2027, 10:00 in Paris.
	now := time.Date(2027, 6, 2, 10, 0, 0, 0, paris)
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, paris) }
	tests := []struct {
		in   string
		want time.Time
		code string // error code when the input must be refused
	}{
		{in: "2027-07-15", want: at(2027, 7, 15, 18, 0)},
		{in: "2027-07-15 9h30", want: at(2027, 7, 15, 9, 30)},
		{in: "15/07", want: at(2027, 7, 15, 18, 0)},
		{in: "15/07/2027 17h", want: at(2027, 7, 15, 17, 0)},
		{in: "15.07.27 17:00", want: at(2027, 7, 15, 17, 0)},
		{in: "demain", want: at(2027, 6, 3, 18, 0)},
		{in: "demain 9h", want: at(2027, 6, 3, 9, 0)},
		{in: "tomorrow 9am", want: at(2027, 6, 3, 9, 0)},
		{in: "tomorrow at 5 pm", want: at(2027, 6, 3, 17, 0)},
		{in: "après-demain", want: at(2027, 6, 4, 18, 0)},
		{in: "vendredi 17h", want: at(2027, 6, 4, 17, 0)},
		{in: "Friday", want: at(2027, 6, 4, 18, 0)},
		{in: "mercredi", want: at(2027, 6, 9, 18, 0)}, // today is Wednesday: next week's
		{in: "mardi prochain", want: at(2027, 6, 8, 18, 0)},
		{in: "next tuesday 10:15", want: at(2027, 6, 8, 10, 15)},
		{in: "17h", want: at(2027, 6, 2, 17, 0)},
		{in: "le 15/07 à 9h", want: at(2027, 7, 15, 9, 0)},
		{in: "vendredi 04/06/2027", want: at(2027, 6, 4, 18, 0)},
		{in: "01/05", want: at(2028, 5, 1, 18, 0)}, // May is behind us: next year's
		{in: "01/05/2027", code: "when.past"},
		{in: "2027-06-02 09:00", code: "when.past"},
		{in: "9h", code: "when.past"},
		{in: "31/02/2028", code: "when.no_such_day"},
		{in: "lundi 04/06/2027", code: "when.weekday_mismatch"},
		{in: "bientôt", code: "when.unknown"},
		{in: "", code: "when.unknown"},
		{in: "25h", code: "when.unknown"},
		{in: "15", code: "when.unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := chorus.ParseWhen(tt.in, paris, now)
			if tt.code != "" {
				var e *chorus.Error
				if !errors.As(err, &e) || e.Code != tt.code || !errors.Is(err, chorus.ErrInvalid) {
					t.Fatalf("ParseWhen(%q) = %v, %v; want error %s", tt.in, got, err, tt.code)
				}
				return
			}
			if err != nil || !got.Equal(tt.want) {
				t.Fatalf("ParseWhen(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

// TestParseWhenAcrossDST checks that 09:00 stays 09:00 local time on both sides of the
// Europe/Paris changes of 2027 (28 March and 31 October).
func TestParseWhenAcrossDST(t *testing.T) {
	paris := chorus.LoadLocation("Europe/Paris")
	for _, tt := range []struct {
		now  time.Time
		in   string
		want string
	}{
		{time.Date(2027, 3, 27, 12, 0, 0, 0, paris), "demain 9h", "2027-03-28T09:00:00+02:00"},
		{time.Date(2027, 10, 30, 12, 0, 0, 0, paris), "tomorrow 9am", "2027-10-31T09:00:00+01:00"},
	} {
		got, err := chorus.ParseWhen(tt.in, paris, tt.now)
		if err != nil || got.Format(time.RFC3339) != tt.want {
			t.Errorf("ParseWhen(%q) at %v = %v, %v; want %s", tt.in, tt.now, got.Format(time.RFC3339), err, tt.want)
		}
	}
}

func TestParseClock(t *testing.T) {
	tests := []struct {
		in     string
		h, m   int
		wantOK bool
	}{
		{"9h", 9, 0, true}, {"9h30", 9, 30, true}, {"09:00", 9, 0, true}, {"17h", 17, 0, true},
		{"à 9h", 9, 0, true}, {"9am", 9, 0, true}, {"12am", 0, 0, true}, {"12pm", 12, 0, true}, {"5pm", 17, 0, true},
		{"9", 0, 0, false}, {"24h", 0, 0, false}, {"9h75", 0, 0, false}, {"13pm", 0, 0, false}, {"0am", 0, 0, false}, {"midi", 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			h, m, ok := chorus.ParseClock(tt.in)
			if ok != tt.wantOK || ok && (h != tt.h || m != tt.m) {
				t.Errorf("ParseClock(%q) = %d, %d, %v; want %d, %d, %v", tt.in, h, m, ok, tt.h, tt.m, tt.wantOK)
			}
		})
	}
}

func TestParseDay(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want chorus.Date
		ok   bool
	}{
		{"2027-07-01", chorus.Date{Year: 2027, Month: 7, Day: 1}, true},
		{"2027-7-1", chorus.Date{Year: 2027, Month: 7, Day: 1}, true},
		{"01/07/2027", chorus.Date{Year: 2027, Month: 7, Day: 1}, true},
		{"1.7.2027", chorus.Date{Year: 2027, Month: 7, Day: 1}, true},
		{"15/07", chorus.Date{}, false},    // a campaign's day has its year
		{"15/07/27", chorus.Date{}, false}, // written in full
		{"31/02/2027", chorus.Date{}, false},
		{"vendredi", chorus.Date{}, false},
	} {
		got, ok := chorus.ParseDay(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseDay(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseSpan(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"3j", 72 * time.Hour, true},
		{"3d", 72 * time.Hour, true},
		{"12h", 12 * time.Hour, true},
		{"90min", 90 * time.Minute, true},
		{"90m", 90 * time.Minute, true},
		{"1j12h", 36 * time.Hour, true},
		{" 2H ", 2 * time.Hour, true},
		{"", 0, false},
		{"2 heures", 0, false},
		{"bientôt", 0, false},
		{"h", 0, false},
	} {
		t.Run(c.in, func(t *testing.T) {
			got, ok := chorus.ParseSpan(c.in)
			if got != c.want || ok != c.ok {
				t.Errorf("ParseSpan(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
			}
		})
	}
}
