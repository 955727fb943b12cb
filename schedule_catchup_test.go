package chorus_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
)

// savedTask is an open task created (saved) at saved and due at due.
func savedTask(saved, due time.Time) chorus.Task {
	t := openTask(due)
	t.CreatedAt, t.UpdatedAt, t.Version = saved.UTC(), saved.UTC(), 1
	return t
}

// planLines describes the reminders of a plan as "key@Mon 01-02 15:04" in loc.
func planLines(rs []chorus.Reminder, loc *time.Location) string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Key+"@"+r.At.In(loc).Format("Mon 01-02 15:04"))
	}
	return strings.Join(out, " ")
}

// TestReminderPlanSavedLate plays the tasks of issue 18 and their neighbours: a task saved after
// some of its policy's reminders keeps those still to come, and gets a catch-up reminder when
// none is left before it is due.
func TestReminderPlanSavedLate(t *testing.T) {
	paris := chorus.LoadLocation("Europe/Paris")
	at := func(d, h, min int) time.Time { return time.Date(2027, 6, d, h, min, 0, 0, paris) } // 7 June 2027 is a Monday
	def := chorus.DefaultReminderPolicy("T1")
	def.Overdue = false
	morningOnly := def
	morningOnly.Offsets = nil
	silent := def
	silent.Offsets, silent.Morning = nil, false
	tests := []struct {
		name       string
		policy     chorus.ReminderPolicy
		saved, due time.Time
		want       string
	}{
		{"issue 18: Monday 08:03 for 23:00 keeps the 09:00 morning reminder", def, at(7, 8, 3), at(7, 23, 0), "m@Mon 06-07 09:00"},
		{"issue 18: Monday 08:03 for 23:59 keeps the 09:00 morning reminder", def, at(7, 8, 3), at(7, 23, 59), "m@Mon 06-07 09:00"},
		{"saved before the 1-day reminder: the morning one still crowds it out", def, at(7, 7, 30), at(7, 23, 0), "o1440@Mon 06-07 08:00"},
		{"Monday 10:00 for 23:00: catch-up before the quiet hours", def, at(7, 10, 0), at(7, 23, 0), "n@Mon 06-07 19:00"},
		{"Monday 10:00 for 15:00: catch-up 2 hours before", def, at(7, 10, 0), at(7, 15, 0), "n@Mon 06-07 13:00"},
		{"Monday 14:00 for 15:00: catch-up at once", def, at(7, 14, 0), at(7, 15, 0), "n@Mon 06-07 14:01"},
		{"Monday 14:30 for 15:00: no time for a reminder", def, at(7, 14, 30), at(7, 15, 0), ""},
		{"Monday 21:00 for 23:59: the deadline comes before the quiet hours end", def, at(7, 21, 0), at(7, 23, 59), "n@Mon 06-07 21:01"},
		{"Monday 21:00 for Tuesday 10:00: the morning reminder", def, at(7, 21, 0), at(8, 10, 0), "m@Tue 06-08 09:00"},
		{"Monday 21:00 for Tuesday 08:20: no time after the quiet hours", def, at(7, 21, 0), at(8, 8, 20), "n@Mon 06-07 21:01"},
		{"Friday 18:00 for Monday 08:45: Friday evening, as the policy moves weekend reminders", def, at(11, 18, 0), at(14, 8, 45), "n@Fri 06-11 19:00"},
		{"Saturday 09:03 for Monday 08:30: Monday 08:00, not the weekend", def, at(12, 9, 3), at(14, 8, 30), "n@Mon 06-14 08:00"},
		{"Saturday 10:00 for Saturday 18:00: the weekend, when it is all there is", def, at(12, 10, 0), at(12, 18, 0), "n@Sat 06-12 16:00"},
		{"morning-only policy, saved after the morning", morningOnly, at(7, 11, 0), at(7, 18, 0), "n@Mon 06-07 16:00"},
		{"a policy without reminders before the due instant gets no catch-up", silent, at(7, 11, 0), at(7, 18, 0), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.policy.Plan(savedTask(tt.saved, tt.due), paris, time.Time{})
			if s := planLines(got, paris); s != tt.want {
				t.Errorf("plan = %q, want %q", s, tt.want)
			}
		})
	}
}

// TestReminderPlanAlwaysOne plans a task saved at every hour of two weeks (one ordinary, one
// across the March daylight-saving change) against every due instant of the next 48 hours, by
// quarter hours and at :59, under several policies, and checks the promise of Plan: nothing
// before the save; at least one reminder before the due instant whenever there is time for one;
// a reminder in quiet hours or on a weekend only when no allowed instant was left.
func TestReminderPlanAlwaysOne(t *testing.T) {
	paris := chorus.LoadLocation("Europe/Paris")
	def := chorus.DefaultReminderPolicy("T1")
	lateQuiet := def
	lateQuiet.QuietStart, lateQuiet.QuietEnd, lateQuiet.SkipWeekends = 22*60, 7*60, false
	morningOnly := def
	morningOnly.Offsets, morningOnly.QuietStart, morningOnly.QuietEnd = nil, 21*60, 9*60
	noQuiet := def
	noQuiet.QuietStart, noQuiet.QuietEnd, noQuiet.SkipWeekends = 0, 0, false
	policies := []struct {
		name string
		p    chorus.ReminderPolicy
	}{
		{"default (quiet 20:00-08:00, weekends skipped)", def},
		{"quiet 22:00-07:00, weekends kept", lateQuiet},
		{"morning only, quiet 21:00-09:00", morningOnly},
		{"no quiet hours", noQuiet},
	}
	weeks := []time.Time{
		time.Date(2027, 6, 7, 0, 3, 0, 0, paris),  // an ordinary Monday
		time.Date(2027, 3, 22, 0, 3, 0, 0, paris), // the week clocks go forward (Sunday 28)
	}
	for _, pol := range policies {
		t.Run(pol.name, func(t *testing.T) {
			p := pol.p
			quietOnly := p
			quietOnly.SkipWeekends = false
			// allowedWithin reports whether some whole minute of [from, to] is allowed under q.
			allowedWithin := func(q chorus.ReminderPolicy, from, to time.Time) bool {
				for m := from; !m.After(to); m = m.Add(time.Minute) {
					if q.Allowed(m.In(paris)) {
						return true
					}
				}
				return false
			}
			plans, catchUps := 0, 0
			for _, monday := range weeks {
				for h := range 7 * 24 {
					saved := monday.Add(time.Duration(h) * time.Hour)
					base := saved.Truncate(time.Hour)
					var dues []time.Time
					for q := 1; q <= 48*4; q++ {
						dues = append(dues, base.Add(time.Duration(q)*15*time.Minute))
					}
					for hh := 1; hh <= 48; hh++ {
						dues = append(dues, base.Add(time.Duration(hh)*time.Hour-time.Minute))
					}
					for _, due := range dues {
						if !due.After(saved) {
							continue
						}
						plans++
						plan := p.Plan(savedTask(saved, due), paris, time.Time{})
						where := func() string {
							return "saved " + saved.In(paris).Format("Mon 01-02 15:04") + ", due " + due.In(paris).Format("Mon 01-02 15:04") + ": " + planLines(plan, paris)
						}
						var before []chorus.Reminder
						for _, r := range plan {
							if !r.At.After(saved) {
								t.Fatalf("%s: a reminder before the save", where())
							}
							if r.At.Before(due) {
								before = append(before, r)
							}
							if r.Key == chorus.CatchUpKey {
								catchUps++
								if due.Sub(r.At) < chorus.MinReminderLead {
									t.Fatalf("%s: the catch-up leaves less than %s", where(), chorus.MinReminderLead)
								}
							}
						}
						if chorus.HasTimeForReminder(saved, due) && len(before) == 0 {
							t.Fatalf("%s: no reminder before the due instant", where())
						}
						first := saved.Truncate(time.Minute).Add(time.Minute)
						last := due.Add(-chorus.MinReminderLead)
						for _, r := range before {
							at := r.At.In(paris)
							if p.Allowed(at) {
								continue
							}
							if r.Key != chorus.CatchUpKey {
								t.Fatalf("%s: %s is in quiet hours or on a weekend", where(), r.Key)
							}
							if allowedWithin(p, first, last) {
								t.Fatalf("%s: the catch-up could have been out of quiet hours and weekends", where())
							}
							if !quietOnly.Allowed(at) && allowedWithin(quietOnly, first, last) {
								t.Fatalf("%s: the catch-up could have been out of quiet hours", where())
							}
						}
					}
				}
			}
			if catchUps == 0 {
				t.Errorf("%d plans, no catch-up: the test does not reach it", plans)
			}
		})
	}
}
