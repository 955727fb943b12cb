package chorus_test

import (
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
)

func TestParseOffset(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
		code string
	}{
		{"J-30", -30, ""}, {"j-14", -14, ""}, {"D-2", -2, ""}, {"J+3", 3, ""}, {"J", 0, ""}, {"-7", -7, ""},
		{"J - 30", -30, ""}, {"J\u221230", -30, ""},
		{"J-400", 0, "task.offset.range"}, {"demain", 0, "task.offset.syntax"}, {"J-3x", 0, "task.offset.syntax"},
	} {
		t.Run(c.in, func(t *testing.T) {
			got, err := chorus.ParseOffset(c.in)
			if c.code != "" {
				if !chorus.HasCode(err, c.code) {
					t.Fatalf("err = %v, want %s", err, c.code)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("= %d, %v; want %d", got, err, c.want)
			}
			if back, _ := chorus.ParseOffset(chorus.FormatOffset("J", got)); back != got {
				t.Fatalf("FormatOffset does not read back: %q", chorus.FormatOffset("J", got))
			}
		})
	}
}

func TestRelativeDue(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	start := chorus.Date{Year: 2027, Month: time.July, Day: 1}
	for _, c := range []struct {
		name   string
		offset int
		due    time.Time
		want   time.Time
	}{
		{"keeps the time of day", -30, time.Date(2026, 5, 2, 17, 30, 0, 0, paris), time.Date(2027, 6, 1, 17, 30, 0, 0, paris)},
		{"9:00 without a due", -2, time.Time{}, time.Date(2027, 6, 29, 9, 0, 0, 0, paris)},
		{"across the clock change", -120, time.Date(2027, 6, 1, 10, 0, 0, 0, paris), time.Date(2027, 3, 3, 10, 0, 0, 0, paris)},
		{"after the start", 3, time.Date(2027, 6, 1, 8, 0, 0, 0, paris), time.Date(2027, 7, 4, 8, 0, 0, 0, paris)},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := chorus.RelativeDue(start, c.offset, c.due, paris)
			if !got.Equal(c.want) {
				t.Fatalf("= %s, want %s", got.In(paris), c.want)
			}
			if back := chorus.OffsetFrom(start, got, paris); back != c.offset {
				t.Fatalf("OffsetFrom = %d, want %d", back, c.offset)
			}
		})
	}
	task := chorus.Task{Relative: true, Offset: -2, Due: time.Date(2027, 6, 29, 9, 0, 0, 0, paris)}
	if task.Rebase(start, paris) {
		t.Fatal("a task at its date moved")
	}
	if !task.Rebase(chorus.Date{Year: 2027, Month: time.July, Day: 8}, paris) || !task.Due.Equal(time.Date(2027, 7, 6, 9, 0, 0, 0, paris)) {
		t.Fatalf("rebased to %s", task.Due)
	}
	fixed := chorus.Task{Due: task.Due}
	if fixed.Rebase(start, paris) {
		t.Fatal("an absolute task moved")
	}
}
