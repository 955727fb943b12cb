package chorus

import (
	"strconv"
	"strings"
	"time"
)

// MaxOffsetDays bounds a deadline relative to its campaign's start, a year either way: a plan
// further out is a typing mistake.
const MaxOffsetDays = 366

// DefaultDueClock is the time of day a relative deadline falls at when nothing says otherwise.
const DefaultDueClock = 9 * time.Hour

// RelativeDue is the instant of a deadline offset days from start, in loc, at the time of day
// of due there (DefaultDueClock when due is zero): a task due at 17:00 stays due at 17:00 when
// its campaign moves.
func RelativeDue(start Date, offset int, due time.Time, loc *time.Location) time.Time {
	clock := DefaultDueClock
	if !due.IsZero() {
		l := due.In(loc)
		clock = time.Duration(l.Hour())*time.Hour + time.Duration(l.Minute())*time.Minute
	}
	d := start.In(loc).AddDate(0, 0, offset)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc).Add(clock).UTC()
}

// OffsetFrom is how many days the day of due, in loc, is after start (negative: before).
func OffsetFrom(start Date, due time.Time, loc *time.Location) int {
	return DaysBetween(start, DateOf(due.In(loc)))
}

// Rebase dates a relative task from start; an absolute task, or no start, leaves it as it is.
// It reports whether the due date changed.
func (t *Task) Rebase(start Date, loc *time.Location) bool {
	if !t.Relative || start.IsZero() {
		return false
	}
	due := RelativeDue(start, t.Offset, t.Due, loc)
	if due.Equal(t.Due) {
		return false
	}
	t.Due = due
	return true
}

// ParseOffset reads a deadline relative to a campaign's start as planners write it: "J-30",
// "D-14" (English), "J+2", "J" (the start day), or a bare "-30".
func ParseOffset(s string) (int, error) {
	w := strings.ToUpper(strings.Join(strings.Fields(s), ""))
	w = strings.TrimLeft(w, "JD")
	if w == "" && strings.TrimSpace(s) != "" {
		return 0, nil
	}
	w = strings.ReplaceAll(w, "\u2212", "-") // a typographic minus
	n, err := strconv.Atoi(w)
	if err != nil || len(s) > 12 {
		return 0, Errorf(ErrInvalid, "task.offset.syntax", s)
	}
	if n < -MaxOffsetDays || n > MaxOffsetDays {
		return 0, Errorf(ErrInvalid, "task.offset.range", n, MaxOffsetDays)
	}
	return n, nil
}

// FormatOffset writes offset after prefix ("J" in French, "D" in English): "J-30", "J+2", "J".
func FormatOffset(prefix string, offset int) string {
	switch {
	case offset == 0:
		return prefix
	case offset > 0:
		return prefix + "+" + strconv.Itoa(offset)
	}
	return prefix + strconv.Itoa(offset)
}

// PlanImport is a spreadsheet read by /campaign import and waiting for its importer's
// confirmation. It keeps the cells as typed: confirming reads and checks them again against
// the plan as it stands then, so what is applied is what the preview said or nothing.
type PlanImport struct {
	WorkspaceID string
	ID          string // derived from the importer and the file's content
	By          string
	At          time.Time
	File        string     // the file's name, for the preview
	Rows        [][]string // every row's cells, the header row first
}
