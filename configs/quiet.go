package configs

import (
	"fmt"
	"strings"
	"time"
)

// QuietHours is a daily window of wall-clock time, read in the time zone of whoever receives the
// message, during which nobody is pinged. The window may cross midnight ("20:00-08:00"). The zero
// value is no quiet hours at all.
type QuietHours struct {
	Start int // minutes after midnight, 0-1439
	End   int // minutes after midnight, 0-1439; before Start when the window crosses midnight
}

// ParseQuietHours reads "HH:MM-HH:MM", or "off" (also "none") for no quiet hours.
func ParseQuietHours(s string) (QuietHours, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "off", "none":
		return QuietHours{}, nil
	}
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return QuietHours{}, fmt.Errorf("invalid quiet hours %q: want HH:MM-HH:MM, such as 20:00-08:00, or off", s)
	}
	start, err1 := parseClock(from)
	end, err2 := parseClock(to)
	if err1 != nil || err2 != nil {
		return QuietHours{}, fmt.Errorf("invalid quiet hours %q: want HH:MM-HH:MM, such as 20:00-08:00, or off", s)
	}
	if start == end {
		return QuietHours{}, fmt.Errorf("invalid quiet hours %q: the window is empty; write off to disable quiet hours", s)
	}
	return QuietHours{Start: start, End: end}, nil
}

func parseClock(s string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	return t.Hour()*60 + t.Minute(), nil
}

// Enabled reports whether there is a quiet window at all.
func (q QuietHours) Enabled() bool { return q.Start != q.End }

// Contains reports whether t, read on its own location's wall clock, falls inside the window.
func (q QuietHours) Contains(t time.Time) bool {
	if !q.Enabled() {
		return false
	}
	m := t.Hour()*60 + t.Minute()
	if q.Start < q.End {
		return q.Start <= m && m < q.End
	}
	return m >= q.Start || m < q.End
}

// Next returns t when t is outside the window, else the end of the window: the first instant, in
// t's location, when a postponed message may be sent.
func (q QuietHours) Next(t time.Time) time.Time {
	if !q.Contains(t) {
		return t
	}
	y, mo, d := t.Date()
	end := time.Date(y, mo, d, q.End/60, q.End%60, 0, 0, t.Location())
	if !end.After(t) {
		end = time.Date(y, mo, d+1, q.End/60, q.End%60, 0, 0, t.Location())
	}
	return end
}

// String returns "HH:MM-HH:MM", or "off".
func (q QuietHours) String() string {
	if !q.Enabled() {
		return "off"
	}
	return fmt.Sprintf("%02d:%02d-%02d:%02d", q.Start/60, q.Start%60, q.End/60, q.End%60)
}
