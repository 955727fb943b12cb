package chorus_test

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
)

func openTask(due time.Time) chorus.Task {
	return chorus.Task{WorkspaceID: "T1", ID: "k7m2qd", Campaign: "ete-literie", Title: "Visuels", Owner: "sami",
		Due: due.UTC(), Status: chorus.TaskOpen}
}

func TestReminderPlan(t *testing.T) {
	paris := chorus.LoadLocation("Europe/Paris")
	at := func(m time.Month, d, h, min int) string {
		return time.Date(2027, m, d, h, min, 0, 0, paris).Format("Mon 01-02 15:04 MST")
	}
	def := chorus.DefaultReminderPolicy("T1")
	noWeekend := def
	noWeekend.SkipWeekends = false
	noWeekend.Overdue = false
	twoHours := noWeekend
	twoHours.Offsets, twoHours.Morning = []time.Duration{2 * time.Hour}, false
	snoozeEnd := time.Date(2027, 6, 14, 9, 0, 0, 0, paris)
	tests := []struct {
		name   string
		policy chorus.ReminderPolicy
		due    time.Time
		snooze time.Time
		want   []string // "key@Mon 01-02 15:04 MST"
	}{
		{
			name:   "Tuesday 18:00: 3 days (Saturday, moved to Friday), 1 day, morning, weekday nudges",
			policy: def, due: time.Date(2027, 6, 15, 18, 0, 0, 0, paris),
			want: []string{
				"o4320@" + at(6, 11, 18, 0), "o1440@" + at(6, 14, 18, 0), "m@" + at(6, 15, 9, 0),
				"d2027-06-16@" + at(6, 16, 9, 0), "d2027-06-17@" + at(6, 17, 9, 0), "d2027-06-18@" + at(6, 18, 9, 0),
			},
		},
		{
			// The 1-day reminder falls on Sunday, moves to Friday and crowds the 3-day one.
			name:   "Monday after the March DST change: 18:00 stays 18:00, 09:00 stays 09:00",
			policy: def, due: time.Date(2027, 3, 29, 18, 0, 0, 0, paris),
			want: []string{
				"o4320@" + at(3, 26, 18, 0), "m@" + at(3, 29, 9, 0),
				"d2027-03-30@" + at(3, 30, 9, 0), "d2027-03-31@" + at(3, 31, 9, 0),
				"d2027-04-01@" + at(4, 1, 9, 0), "d2027-04-02@" + at(4, 2, 9, 0),
			},
		},
		{
			name:   "across the October DST change, weekends kept",
			policy: noWeekend, due: time.Date(2027, 11, 1, 10, 0, 0, 0, paris),
			want: []string{"o4320@" + at(10, 29, 10, 0), "o1440@" + at(10, 31, 10, 0), "m@" + at(11, 1, 9, 0)},
		},
		{
			name:   "quiet hours: a 23:00 due moves reminders to 08:00 the next morning; the morning one crowds",
			policy: noWeekend, due: time.Date(2027, 6, 16, 23, 0, 0, 0, paris),
			want: []string{"o4320@" + at(6, 14, 8, 0), "o1440@" + at(6, 16, 8, 0)},
		},
		{
			name:   "quiet hours: a 07:00 due moves reminders to 08:00 the same day",
			policy: noWeekend, due: time.Date(2027, 6, 16, 7, 0, 0, 0, paris),
			want: []string{"o4320@" + at(6, 13, 8, 0), "o1440@" + at(6, 15, 8, 0)},
		},
		{
			name:   "quiet hours: a reminder 2 h before an 08:30 due comes before the evening window",
			policy: twoHours, due: time.Date(2027, 6, 16, 8, 30, 0, 0, paris),
			want: []string{"o120@" + at(6, 15, 19, 0)},
		},
		{
			name:   "snoozed: reminders before the snooze end are dropped, one comes at its end",
			policy: def, due: time.Date(2027, 6, 15, 18, 0, 0, 0, paris), snooze: snoozeEnd,
			want: []string{
				"s" + strconv.FormatInt(snoozeEnd.Unix(), 10) + "@" + at(6, 14, 9, 0),
				"o1440@" + at(6, 14, 18, 0), "m@" + at(6, 15, 9, 0),
				"d2027-06-16@" + at(6, 16, 9, 0), "d2027-06-17@" + at(6, 17, 9, 0), "d2027-06-18@" + at(6, 18, 9, 0),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.policy.Plan(openTask(tt.due), paris, tt.snooze)
			var keys []string
			for _, r := range got {
				keys = append(keys, r.Key+"@"+r.At.In(paris).Format("Mon 01-02 15:04 MST"))
			}
			if strings.Join(keys, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("plan:\n%s\nwant:\n%s", strings.Join(keys, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
	t.Run("a task that is not open has no reminder", func(t *testing.T) {
		task := openTask(time.Date(2027, 6, 15, 18, 0, 0, 0, paris))
		task.Status = chorus.TaskDone
		if got := def.Plan(task, paris, time.Time{}); len(got) != 0 {
			t.Errorf("plan of a done task = %v", got)
		}
	})
}

func TestReminderPolicyValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*chorus.ReminderPolicy)
		codes []string
	}{
		{"default", func(*chorus.ReminderPolicy) {}, nil},
		{"negative offset", func(p *chorus.ReminderPolicy) { p.Offsets = []time.Duration{-time.Hour} }, []string{"sched.reminder.offset.range"}},
		{"too many offsets", func(p *chorus.ReminderPolicy) { p.Offsets = make([]time.Duration, 7) }, []string{"sched.reminder.offsets.many", "sched.reminder.offset.range"}},
		{"clock out of range", func(p *chorus.ReminderPolicy) { p.MorningAt = 24 * 60 }, []string{"sched.reminder.clock.range"}},
		{"overdue days", func(p *chorus.ReminderPolicy) { p.OverdueDays = 90 }, []string{"sched.reminder.overdue_days.range"}},
		{"bad campaign", func(p *chorus.ReminderPolicy) { p.Campaign = "BAD" }, []string{"campaign.slug.syntax"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := chorus.DefaultReminderPolicy("T1")
			tt.edit(&p)
			checkCodes(t, p.Validate(), tt.codes)
		})
	}
}

// checkCodes fails unless err carries each code of want (and is nil when want is empty).
func checkCodes(t *testing.T, err error, want []string) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("err = %v, want none", err)
		}
		return
	}
	if !errors.Is(err, chorus.ErrInvalid) {
		t.Fatalf("err = %v, want ErrInvalid", err)
	}
	var got []string
	for _, p := range chorus.ProblemsOf(err) {
		got = append(got, p.Code)
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || g == w
		}
		if !found {
			t.Errorf("codes %v lack %s", got, w)
		}
	}
}

func TestParseDigestSpec(t *testing.T) {
	tests := []struct {
		in, spec, tz, code string
	}{
		{in: "every monday 09:00", spec: "0 9 * * 1"},
		{in: "chaque lundi 09:00", spec: "0 9 * * 1"},
		{in: "chaque lundi à 9h", spec: "0 9 * * 1"},
		{in: "tous les lundis 8h30", spec: "30 8 * * 1"},
		{in: "lundi et jeudi 17h", spec: "0 17 * * 1,4"},
		{in: "every weekday 8:30", spec: "30 8 * * 1-5"},
		{in: "en semaine 8h", spec: "0 8 * * 1-5"},
		{in: "tous les jours 18h", spec: "0 18 * * *"},
		{in: "every day at 5pm", spec: "0 17 * * *"},
		{in: "every friday", spec: "0 9 * * 5"},
		{in: "0 9 * * 1-5", spec: "0 9 * * 1-5"},
		{in: "*/30 * * * *", spec: "*/30 * * * *"},
		{in: "@weekly", spec: "@weekly"},
		{in: "CRON_TZ=Europe/London 0 9 * * 1", spec: "0 9 * * 1", tz: "Europe/London"},
		{in: "every 25h", code: "sched.digest.spec.unknown"},
		{in: "chaque 9h", code: "sched.digest.spec.no_day"},
		{in: "sometimes", code: "sched.digest.spec.unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			spec, tz, err := chorus.ParseDigestSpec(tt.in)
			if tt.code != "" {
				checkCodes(t, err, []string{tt.code})
				return
			}
			if err != nil || spec != tt.spec || tz != tt.tz {
				t.Fatalf("ParseDigestSpec(%q) = %q, %q, %v; want %q, %q", tt.in, spec, tz, err, tt.spec, tt.tz)
			}
		})
	}
}

func TestDigestScheduleValidate(t *testing.T) {
	tests := []struct {
		spec, tz string
		codes    []string
	}{
		{"0 9 * * 1", "Europe/Paris", nil},
		{"@weekly", "Europe/Paris", nil},
		{"0 9 * * 1", "Mars/Olympus", []string{"timezone.invalid"}},
		{"61 9 * * 1", "Europe/Paris", []string{"sched.digest.spec.invalid"}},
		{"*/30 * * * *", "Europe/Paris", []string{"sched.digest.spec.often"}},
		{"0 9 30 2 *", "Europe/Paris", []string{"sched.digest.spec.never"}},
		{"CRON_TZ=UTC 0 9 * * 1", "Europe/Paris", []string{"sched.digest.spec.invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.spec+" "+tt.tz, func(t *testing.T) {
			d := chorus.DigestSchedule{WorkspaceID: "T1", Channel: "C0SOCIAL", Spec: tt.spec, TimeZone: tt.tz, Lang: chorus.French}
			checkCodes(t, d.Validate(), tt.codes)
		})
	}
}

// TestDigestNextAcrossDST: a Monday 09:00 digest stays at 09:00 in Paris through both changes
// of 2027, which moves it by an hour in UTC.
func TestDigestNextAcrossDST(t *testing.T) {
	paris := chorus.LoadLocation("Europe/Paris")
	for _, tt := range []struct {
		spec     string
		from     time.Time
		wantUTC  []string
		wantPrev string
	}{
		{"0 9 * * *", time.Date(2027, 3, 26, 12, 0, 0, 0, paris),
			[]string{"2027-03-27 08:00", "2027-03-28 07:00", "2027-03-29 07:00"}, "2027-03-26 08:00"},
		{"0 9 * * *", time.Date(2027, 10, 29, 12, 0, 0, 0, paris),
			[]string{"2027-10-30 07:00", "2027-10-31 08:00", "2027-11-01 08:00"}, "2027-10-29 07:00"},
		// 02:30 does not exist on 28 March: cron skips that day's slot rather than guess.
		{"30 2 * * *", time.Date(2027, 3, 27, 12, 0, 0, 0, paris),
			[]string{"2027-03-29 00:30", "2027-03-30 00:30"}, "2027-03-27 01:30"},
	} {
		t.Run(tt.spec+" "+tt.from.Format("01-02"), func(t *testing.T) {
			d := chorus.DigestSchedule{WorkspaceID: "T1", Channel: "C0SOCIAL", Spec: tt.spec, TimeZone: "Europe/Paris", Lang: chorus.French}
			at := tt.from
			for _, w := range tt.wantUTC {
				at = d.Next(at)
				if got := at.UTC().Format("2006-01-02 15:04"); got != w {
					t.Fatalf("Next = %s (%s in Paris), want %s UTC", got, at.In(paris).Format("15:04"), w)
				}
			}
			if got := d.Prev(tt.from).Format("2006-01-02 15:04"); got != tt.wantPrev {
				t.Errorf("Prev = %s, want %s", got, tt.wantPrev)
			}
		})
	}
}

func TestEveryDayOfWeek(t *testing.T) {
	for _, tt := range []struct {
		spec     string
		weekdays bool
	}{
		{"0 9 * * 1", false},
		{"30 8 * * 1-5", false},
		{"0 17 * * 1,4", false},
		{"0 18 * * *", true},
		{"@weekly", false},
	} {
		d := chorus.DigestSchedule{Spec: tt.spec}
		if d.EveryDayOfWeek() != tt.weekdays {
			t.Errorf("EveryDayOfWeek(%q) = %v", tt.spec, !tt.weekdays)
		}
	}
}

func TestNextMonday(t *testing.T) {
	paris := chorus.LoadLocation("Europe/Paris")
	for _, tt := range []struct{ now, want time.Time }{
		{time.Date(2027, 6, 2, 15, 0, 0, 0, paris), time.Date(2027, 6, 7, 9, 0, 0, 0, paris)},
		{time.Date(2027, 6, 7, 8, 0, 0, 0, paris), time.Date(2027, 6, 14, 9, 0, 0, 0, paris)},
		{time.Date(2027, 3, 26, 12, 0, 0, 0, paris), time.Date(2027, 3, 29, 9, 0, 0, 0, paris)}, // across DST
	} {
		if got := chorus.NextMonday(tt.now, paris); !got.Equal(tt.want) {
			t.Errorf("NextMonday(%s) = %s, want %s", tt.now, got, tt.want)
		}
	}
}

func TestOccurrenceIDs(t *testing.T) {
	due := time.Date(2027, 6, 15, 16, 0, 0, 0, time.UTC)
	a := chorus.ReminderOccurrenceID("T1", "k7m2qd", due, "o1440")
	if a != "r/T1/k7m2qd/1813075200/o1440" {
		t.Errorf("reminder id = %s", a)
	}
	if b := chorus.ReminderOccurrenceID("T1", "k7m2qd", due.Add(time.Hour), "o1440"); b == a {
		t.Error("moving the due date must change the occurrence id")
	}
	if d := chorus.DigestOccurrenceID("T1", "C1", due); d != "d/T1/C1/1813075200" {
		t.Errorf("digest id = %s", d)
	}
}

// TestDigestScheduleEmptyMode: what an empty digest posts defaults to the first in a row, and
// only the known settings are valid.
func TestDigestScheduleEmptyMode(t *testing.T) {
	for _, tt := range []struct {
		empty chorus.EmptyDigest
		mode  chorus.EmptyDigest
		codes []string
	}{
		{"", chorus.EmptyDigestFirst, nil},
		{chorus.EmptyDigestFirst, chorus.EmptyDigestFirst, nil},
		{chorus.EmptyDigestAlways, chorus.EmptyDigestAlways, nil},
		{chorus.EmptyDigestNever, chorus.EmptyDigestNever, nil},
		{"sometimes", "sometimes", []string{"sched.digest.empty.invalid"}},
	} {
		t.Run(string(tt.empty), func(t *testing.T) {
			d := chorus.DigestSchedule{WorkspaceID: "T1", Channel: "C0SOCIAL", Spec: "0 9 * * 1", TimeZone: "Europe/Paris", Lang: chorus.French, Empty: tt.empty}
			if d.EmptyMode() != tt.mode {
				t.Errorf("EmptyMode = %q, want %q", d.EmptyMode(), tt.mode)
			}
			checkCodes(t, d.Validate(), tt.codes)
		})
	}
}

// TestNextNudgeAfter: the time of day of every overdue nudge, today's when it is still ahead,
// else tomorrow's (the end of the quiet window when the nudge falls in it, the wall clock kept
// across daylight-saving changes); and every nudge Plan gives after an instant is at or after it.
func TestNextNudgeAfter(t *testing.T) {
	paris := chorus.LoadLocation("Europe/Paris")
	at := func(m time.Month, d, h, min int) time.Time { return time.Date(2027, m, d, h, min, 0, 0, paris) }
	def := chorus.DefaultReminderPolicy("T1")
	quietNudge := def
	quietNudge.OverdueAt = 7 * 60 // in the quiet window, which ends at 08:00
	noNudge := def
	noNudge.Overdue = false
	for _, c := range []struct {
		name string
		p    chorus.ReminderPolicy
		t    time.Time
		want time.Time
		ok   bool
	}{
		{"before today's", def, at(6, 1, 8, 59), at(6, 1, 9, 0), true},
		{"at today's: tomorrow's", def, at(6, 1, 9, 0), at(6, 2, 9, 0), true},
		{"after today's", def, at(6, 1, 15, 0), at(6, 2, 9, 0), true},
		{"quiet at its time: the window's end", quietNudge, at(6, 1, 7, 30), at(6, 1, 8, 0), true},
		{"across the end of summer time", def, at(10, 30, 23, 0), at(10, 31, 9, 0), true},
		{"no overdue nudge", noNudge, at(6, 1, 8, 0), time.Time{}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := c.p.NextNudgeAfter(c.t, paris)
			if ok != c.ok || !got.Equal(c.want) {
				t.Fatalf("NextNudgeAfter(%v) = %v, %v; want %v, %v", c.t, got, ok, c.want, c.ok)
			}
		})
	}
	t.Run("a lower bound of Plan's nudges", func(t *testing.T) {
		rnd := rand.New(rand.NewPCG(3, 3))
		for i := range 500 {
			p := def
			p.OverdueAt, p.OverdueDays, p.SkipWeekends = rnd.IntN(24*60), 1+rnd.IntN(chorus.MaxOverdueDays), rnd.IntN(2) == 0
			due := at(1, 1, 0, 0).Add(time.Duration(rnd.IntN(365*24*60)) * time.Minute)
			task := chorus.Task{WorkspaceID: "T1", ID: "t", Due: due, Status: chorus.TaskOpen}
			after := due.Add(time.Duration(rnd.IntN(40*24*60)) * time.Minute)
			bound, _ := p.NextNudgeAfter(after, paris)
			for _, r := range p.Plan(task, paris, time.Time{}) {
				if r.At.After(after) && r.At.Before(bound) {
					t.Fatalf("case %d: nudge %s at %v comes after %v but before the bound %v", i, r.Key, r.At, after, bound)
				}
			}
		}
	})
}

// TestNextBeforeDue: the scheduler's bound before the due instant. For 2,000 random policies,
// due instants, save instants and cursors, every reminder Plan gives after the cursor comes at
// or after the bound; when the bound says none is left, only a catch-up or overdue nudges are.
func TestNextBeforeDue(t *testing.T) {
	paris := chorus.LoadLocation("Europe/Paris")
	rnd := rand.New(rand.NewPCG(5, 8))
	base := time.Date(2027, 1, 1, 0, 0, 0, 0, paris)
	minute := func(n int) time.Duration { return time.Duration(rnd.IntN(n)) * time.Minute }
	checked := 0
	for i := range 2000 {
		p := chorus.DefaultReminderPolicy("T1")
		p.Offsets = nil
		for range rnd.IntN(4) {
			if rnd.IntN(2) == 0 {
				p.Offsets = append(p.Offsets, time.Duration(1+rnd.IntN(10))*24*time.Hour)
			} else {
				p.Offsets = append(p.Offsets, minute(10*24*60)+time.Minute)
			}
		}
		p.Morning, p.MorningAt = rnd.IntN(2) == 0, rnd.IntN(24*60)
		p.QuietStart, p.QuietEnd, p.SkipWeekends = rnd.IntN(24*60), rnd.IntN(24*60), rnd.IntN(2) == 0
		due := base.Add(minute(365 * 24 * 60))
		task := chorus.Task{WorkspaceID: "T1", ID: "t", Due: due, Status: chorus.TaskOpen}
		if rnd.IntN(2) == 0 {
			task.UpdatedAt = due.Add(-minute(12 * 24 * 60))
		}
		cursor := due.Add(-minute(12 * 24 * 60))
		bound, ok := p.NextBeforeDue(due, cursor, paris)
		for _, r := range p.Plan(task, paris, time.Time{}) {
			if !r.At.After(cursor) {
				continue
			}
			checked++
			late := r.Key == chorus.CatchUpKey || strings.HasPrefix(r.Key, "d")
			if ok && r.At.Before(bound) || !ok && !late {
				t.Fatalf("case %d: %s at %v after %v, bound %v (%v); policy %+v, due %v, saved %v",
					i, r.Key, r.At, cursor, bound, ok, p, due, task.UpdatedAt)
			}
		}
	}
	if checked < 2000 {
		t.Fatalf("only %d reminders checked", checked)
	}
}
