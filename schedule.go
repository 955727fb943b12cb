package chorus

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// ReminderPolicy says when the owner of an open task is reminded of it. A workspace has one
// (Campaign ""), and a campaign may override it. Every instant is computed on the wall clock of
// the campaign's time zone, so "9:00" stays 9:00 across daylight-saving changes.
type ReminderPolicy struct {
	WorkspaceID string
	Campaign    string          // "" for the workspace's policy, else the campaign it overrides
	Offsets     []time.Duration // reminders this long before the due instant, such as 72h and 24h
	Morning     bool            // a reminder on the morning of the due day, at MorningAt
	MorningAt   int             // minutes after local midnight
	Overdue     bool            // a daily nudge once the task is overdue, at OverdueAt
	OverdueAt   int             // minutes after local midnight
	OverdueDays int             // how many days the nudge repeats; 0 means DefaultOverdueDays
	QuietStart  int             // quiet window, minutes after midnight; equal to QuietEnd for none
	QuietEnd    int             // may be before QuietStart when the window crosses midnight
	// SkipWeekends moves a reminder due on a Saturday or Sunday back to the Friday before, and
	// drops weekend overdue nudges.
	SkipWeekends bool
	// Inherit marks a policy that defines nothing: a campaign's follows its workspace's again
	// (its override was removed), a workspace's follows the configured default. Policies are
	// versioned and never deleted, so removing one is saving this mark.
	Inherit bool

	Version   int
	UpdatedBy string
	UpdatedAt time.Time
}

// Limits of a reminder policy, so a typo cannot flood an owner.
const (
	DefaultOverdueDays = 5
	MaxOverdueDays     = 30
	MaxReminderOffsets = 6
	MaxReminderOffset  = 30 * 24 * time.Hour
)

// DefaultReminderPolicy is the policy of a workspace nobody configured: 3 days and 1 day before,
// the morning of the due day at 09:00, a daily overdue nudge at 09:00, quiet from 20:00 to 08:00,
// weekends skipped.
func DefaultReminderPolicy(workspace string) ReminderPolicy {
	return ReminderPolicy{
		WorkspaceID: workspace,
		Offsets:     []time.Duration{72 * time.Hour, 24 * time.Hour},
		Morning:     true, MorningAt: 9 * 60,
		Overdue: true, OverdueAt: 9 * 60, OverdueDays: DefaultOverdueDays,
		QuietStart: 20 * 60, QuietEnd: 8 * 60,
		SkipWeekends: true,
	}
}

// Validate reports every problem with the policy.
func (p ReminderPolicy) Validate() error {
	var ps Problems
	if p.WorkspaceID == "" {
		ps.add("workspace", "workspace.id.empty")
	}
	if p.Campaign != "" && !ValidSlug(p.Campaign) {
		ps.add("campaign", "campaign.slug.syntax", p.Campaign)
	}
	if len(p.Offsets) > MaxReminderOffsets {
		ps.add("offsets", "sched.reminder.offsets.many", MaxReminderOffsets)
	}
	for _, o := range p.Offsets {
		if o <= 0 || o > MaxReminderOffset {
			ps.add("offsets", "sched.reminder.offset.range", o.String())
		}
	}
	for _, m := range []int{p.MorningAt, p.OverdueAt, p.QuietStart, p.QuietEnd} {
		if m < 0 || m >= 24*60 {
			ps.add("time", "sched.reminder.clock.range", m)
		}
	}
	if p.OverdueDays < 0 || p.OverdueDays > MaxOverdueDays {
		ps.add("overdue_days", "sched.reminder.overdue_days.range", p.OverdueDays, MaxOverdueDays)
	}
	return ps.Err()
}

// quiet reports whether the wall-clock time of t falls in the quiet window.
func (p ReminderPolicy) quiet(t time.Time) bool {
	if p.QuietStart == p.QuietEnd {
		return false
	}
	m := t.Hour()*60 + t.Minute()
	if p.QuietStart < p.QuietEnd {
		return p.QuietStart <= m && m < p.QuietEnd
	}
	return m >= p.QuietStart || m < p.QuietEnd
}

// Reminder is one planned reminder of a task: Key names it among the task's reminders for one due
// instant ("o4320" for 72 h before, "m" for the morning of the due day, "d2027-06-05" for the
// overdue nudge of that day, "s1812345678" for the end of a snooze), At is when it is sent.
type Reminder struct {
	Key string
	At  time.Time
}

// reminderGap is the closest two reminders of one task may be: a later one that would come
// sooner after an earlier one (both moved to the same Friday, say) is dropped.
const reminderGap = 2 * time.Hour

// MinReminderLead is the least time a reminder leaves its owner before the due instant. A task
// has time for a reminder when the first whole minute after it was saved (created, reassigned)
// is at least MinReminderLead before it is due; it then always gets one (see Plan).
const MinReminderLead = 30 * time.Minute

// catchUpLead is how long before the due instant the catch-up reminder aims at, when the
// policy's own reminders all fell before the task was saved.
const catchUpLead = 2 * time.Hour

// CatchUpKey names the catch-up reminder: the one a task gets when every reminder of its
// policy fell before it was saved. It is one per due instant, like every other key.
const CatchUpKey = "n"

// Plan returns the reminders of t in the order they are sent, computed in loc (the campaign's
// time zone). snoozedUntil, when not zero, drops the reminders before it and adds one at that
// instant. A task that is not open has none.
//
// A reminder at or before t.UpdatedAt, when this version of the task was saved (created or
// reassigned), was never due for it and is left out, before reminders crowding each other are
// dropped: a task created at 08:03 keeps its 09:00 morning reminder even though a 1-day one was
// moved to 08:00 the same day. When none of the policy's reminders is left before the due
// instant and there is time for one (MinReminderLead), a catch-up reminder (CatchUpKey) is
// added, out of quiet hours and weekends whenever that still leaves MinReminderLead: 2 hours
// before the due instant, moved as the others are; else the first allowed instant after the
// save. When no such instant is left, weekends are allowed (a task made on Saturday for
// Saturday), then quiet hours too: the first minute after the save. A policy with no reminder before the due instant (no offset, no morning) gets
// no catch-up. Reminders are not filtered by the current time: the scheduler decides what is
// past.
func (p ReminderPolicy) Plan(t Task, loc *time.Location, snoozedUntil time.Time) []Reminder {
	if t.Status != TaskOpen || t.Due.IsZero() {
		return nil
	}
	due := t.Due.In(loc)
	saved := t.UpdatedAt // zero: nothing is left out
	var pre []Reminder
	p.beforeDue(due, func(o time.Duration, at time.Time) {
		switch {
		case !at.After(saved):
		case o < 0:
			pre = append(pre, Reminder{Key: "m", At: at})
		default:
			pre = append(pre, Reminder{Key: "o" + strconv.Itoa(int(o/time.Minute)), At: at})
		}
	})
	// Sort the reminders before the due instant, then drop those crowding an earlier one.
	slices.SortStableFunc(pre, func(a, b Reminder) int { return a.At.Compare(b.At) })
	var out []Reminder
	for _, r := range pre {
		if n := len(out); n > 0 && r.At.Sub(out[n-1].At) < reminderGap {
			continue
		}
		out = append(out, r)
	}
	if len(out) == 0 && !saved.IsZero() && (len(p.Offsets) > 0 || p.Morning) {
		if r, ok := p.catchUp(saved.In(loc), due); ok {
			out = append(out, r)
		}
	}
	if p.Overdue {
		days := p.OverdueDays
		if days == 0 {
			days = DefaultOverdueDays
		}
		for i := 1; i <= days; i++ {
			at := p.nudgeOn(DateOf(due).In(loc).AddDate(0, 0, i))
			if p.SkipWeekends && weekend(at) || !at.After(saved) {
				continue
			}
			out = append(out, Reminder{Key: "d" + at.Format(time.DateOnly), At: at})
		}
	}
	if snoozedUntil.IsZero() {
		return out
	}
	until := snoozedUntil.In(loc)
	kept := []Reminder{{Key: "s" + strconv.FormatInt(until.Unix(), 10), At: until}}
	for _, r := range out {
		if r.At.Sub(until) >= reminderGap {
			kept = append(kept, r)
		}
	}
	return kept
}

// beforeDue calls f with each reminder the policy plans before the due instant due (in its
// location), settled off quiet hours and weekends: each offset's (o), then the morning's (o -1).
// Plan drops those crowding an earlier one and those before the task was saved.
func (p ReminderPolicy) beforeDue(due time.Time, f func(o time.Duration, at time.Time)) {
	for _, o := range p.Offsets {
		at := due.Add(-o)
		if o%(24*time.Hour) == 0 {
			// Whole days are counted on the wall clock: "3 days before 18:00" is 18:00, even
			// across a daylight-saving change.
			at = due.AddDate(0, 0, -int(o/(24*time.Hour)))
		}
		if at = p.settle(at, due); at.Before(due) {
			f(o, at)
		}
	}
	if p.Morning {
		if at := wallClock(due, p.MorningAt); at.Before(due) && p.allowed(at) {
			f(-1, at)
		}
	}
}

// NextBeforeDue returns the first instant after t at which the policy plans a reminder of a task
// due at due before that instant (an offset's or the morning's), in loc, reporting false when
// none is left after t. It allocates nothing: the scheduler asks it of every task in its window
// to know which to plan now. Every reminder Plan gives after t and before due is at or after it,
// but a catch-up, which falls after the task was saved, when every one of these fell before.
func (p ReminderPolicy) NextBeforeDue(due, t time.Time, loc *time.Location) (time.Time, bool) {
	var next time.Time
	p.beforeDue(due.In(loc), func(_ time.Duration, at time.Time) {
		if at.After(t) && (next.IsZero() || at.Before(next)) {
			next = at
		}
	})
	return next, !next.IsZero()
}

// nudgeOn is the instant of the overdue nudge on the day of d, in d's location: OverdueAt, or
// the end of the quiet window when OverdueAt falls in it.
func (p ReminderPolicy) nudgeOn(d time.Time) time.Time {
	at := wallClock(d, p.OverdueAt)
	if p.quiet(at) {
		at = wallClock(d, p.QuietEnd)
	}
	return at
}

// NextNudgeAfter returns the first instant after t, in loc, at which an overdue nudge of the
// policy can fall: the time of day every nudge is sent at, today or tomorrow. It reports false
// for a policy without overdue nudges. A task overdue at t has no other reminder but the end of
// a snooze, so the scheduler leaves it unplanned until then.
func (p ReminderPolicy) NextNudgeAfter(t time.Time, loc *time.Location) (time.Time, bool) {
	if !p.Overdue {
		return time.Time{}, false
	}
	local := t.In(loc)
	if at := p.nudgeOn(local); at.After(t) {
		return at, true
	}
	return p.nudgeOn(local.AddDate(0, 0, 1)), true
}

// HasTimeForReminder reports whether a task saved at saved and due at due has time for a
// reminder: whether the first whole minute after saved is at least MinReminderLead before due.
func HasTimeForReminder(saved, due time.Time) bool {
	return !firstMinuteAfter(saved).After(due.Add(-MinReminderLead))
}

// firstMinuteAfter is the first whole minute strictly after t.
func firstMinuteAfter(t time.Time) time.Time { return t.Truncate(time.Minute).Add(time.Minute) }

// Allowed reports whether a reminder may be sent at t under the policy: out of the quiet window
// and, when weekends are skipped, not on a Saturday or Sunday (in t's location).
func (p ReminderPolicy) Allowed(t time.Time) bool { return p.allowed(t) }

func (p ReminderPolicy) allowed(t time.Time) bool {
	return !p.quiet(t) && !(p.SkipWeekends && weekend(t))
}

// nextAllowed returns t, or the first instant after it at which a reminder is allowed: the end
// of the quiet window, or the first minute of Monday out of it. Unlike Wake, which keeps the time
// of day when it moves off a weekend, it finds the earliest instant.
func (p ReminderPolicy) nextAllowed(t time.Time) time.Time {
	for range 8 {
		switch {
		case p.allowed(t):
			return t
		case p.quiet(t):
			day := t
			if p.QuietStart > p.QuietEnd && t.Hour()*60+t.Minute() >= p.QuietStart {
				day = t.AddDate(0, 0, 1)
			}
			t = wallClock(day, p.QuietEnd)
		default: // a weekend day: the next day's midnight
			t = wallClock(t.AddDate(0, 0, 1), 0)
		}
	}
	return t
}

// catchUp is the reminder of a task saved at saved, due at due, whose policy's reminders all
// came before it was saved; false when there is no time for one (see Plan for where it goes).
func (p ReminderPolicy) catchUp(saved, due time.Time) (Reminder, bool) {
	if !HasTimeForReminder(saved, due) {
		return Reminder{}, false
	}
	first, last := firstMinuteAfter(saved), due.Add(-MinReminderLead)
	within := func(at time.Time) bool { return !at.Before(first) && !at.After(last) }
	weekdays := p
	weekdays.SkipWeekends = false
	for _, q := range []ReminderPolicy{p, weekdays} {
		for _, at := range []time.Time{q.settle(due.Add(-catchUpLead), due), q.nextAllowed(first)} {
			if within(at) && q.allowed(at) {
				return Reminder{Key: CatchUpKey, At: at}, true
			}
		}
	}
	return Reminder{Key: CatchUpKey, At: first}, true
}

// settle moves a reminder out of the quiet window and off the weekend: forward to the end of the
// quiet window when that is still before due, else back before the window starts; a weekend day
// moves back to the Friday at the same wall-clock time.
func (p ReminderPolicy) settle(at, due time.Time) time.Time {
	for range 3 { // moving off a weekend may land in quiet hours, and back
		moved := false
		if p.quiet(at) {
			day := at
			if p.QuietStart > p.QuietEnd && at.Hour()*60+at.Minute() >= p.QuietStart {
				day = at.AddDate(0, 0, 1) // the window crossing midnight ends tomorrow
			}
			end := wallClock(day, p.QuietEnd)
			if due.Sub(end) >= time.Hour {
				at = end
			} else {
				start := at // the window started today, or (below) yesterday evening
				if p.QuietStart > p.QuietEnd && at.Hour()*60+at.Minute() < p.QuietEnd {
					start = at.AddDate(0, 0, -1) // the window started yesterday evening
				}
				at = wallClock(start, p.QuietStart).Add(-time.Hour)
			}
			moved = true
		}
		if p.SkipWeekends && weekend(at) {
			back := 1
			if at.Weekday() == time.Sunday {
				back = 2
			}
			at = time.Date(at.Year(), at.Month(), at.Day()-back, at.Hour(), at.Minute(), 0, 0, at.Location())
			moved = true
		}
		if !moved {
			break
		}
	}
	return at
}

// Wake returns t, or the first instant after it out of the quiet window and off the weekend:
// when a snoozed task's reminder may come.
func (p ReminderPolicy) Wake(t time.Time) time.Time {
	for range 3 {
		moved := false
		if p.quiet(t) {
			day := t
			if p.QuietStart > p.QuietEnd && t.Hour()*60+t.Minute() >= p.QuietStart {
				day = t.AddDate(0, 0, 1)
			}
			t = wallClock(day, p.QuietEnd)
			moved = true
		}
		if p.SkipWeekends && weekend(t) {
			ahead := 1
			if t.Weekday() == time.Saturday {
				ahead = 2
			}
			t = time.Date(t.Year(), t.Month(), t.Day()+ahead, t.Hour(), t.Minute(), 0, 0, t.Location())
			moved = true
		}
		if !moved {
			break
		}
	}
	return t
}

// wallClock returns minutes after midnight of t's calendar day, in t's location.
func wallClock(t time.Time, minutes int) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), minutes/60, minutes%60, 0, 0, t.Location())
}

func weekend(t time.Time) bool { return t.Weekday() == time.Saturday || t.Weekday() == time.Sunday }

// NextMonday returns 09:00 on the Monday after now, in loc: what "snooze until Monday" means.
func NextMonday(now time.Time, loc *time.Location) time.Time {
	now = now.In(loc)
	ahead := (int(time.Monday) - int(now.Weekday()) + 7) % 7
	if ahead == 0 {
		ahead = 7
	}
	d := now.AddDate(0, 0, ahead)
	return time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, loc)
}

// Snooze postpones the reminders of one task for one due instant until Until: changing the due
// date ends it. Snoozes are never edited; a later snooze of the same due instant wins.
type Snooze struct {
	WorkspaceID string
	TaskID      string
	Due         time.Time // the due instant the snooze applies to
	Until       time.Time
	By          string
	At          time.Time
}

// DigestSchedule is when a team channel gets its digest: the campaigns active for the channel,
// tasks due in the next 7 days, overdue tasks and missed reminders. A lead digest covers every
// channel of the workspace.
type DigestSchedule struct {
	WorkspaceID string
	Channel     string // where it is posted (channel id, or "#name" in the console)
	Lead        bool   // covers every channel
	Spec        string // 5-field cron spec (minute hour day-of-month month day-of-week), in TimeZone
	TimeZone    string
	Lang        Lang
	Off         bool // switched off with "/chorus digest off"
	// Empty says whether a slot with nothing to say posts a short "nothing to report"; "" is
	// EmptyDigestFirst.
	Empty EmptyDigest

	Version   int
	UpdatedBy string
	UpdatedAt time.Time
}

// EmptyDigest says what a digest slot with nothing to say posts.
type EmptyDigest string

// What an empty digest posts.
const (
	// EmptyDigestFirst posts a short "nothing to report" for the first empty slot in a row (the
	// first after the schedule was saved, or after a digest that had something to say), and
	// nothing for the empty slots that follow it. It is the default.
	EmptyDigestFirst EmptyDigest = "first"
	// EmptyDigestAlways posts "nothing to report" for every empty slot.
	EmptyDigestAlways EmptyDigest = "always"
	// EmptyDigestNever posts nothing for an empty slot.
	EmptyDigestNever EmptyDigest = "never"
)

// EmptyMode returns what an empty slot of the schedule posts: Empty, or EmptyDigestFirst when
// it is not set.
func (d DigestSchedule) EmptyMode() EmptyDigest {
	if d.Empty == "" {
		return EmptyDigestFirst
	}
	return d.Empty
}

// MinDigestInterval is the shortest gap allowed between two digests of one channel.
const MinDigestInterval = time.Hour

var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// schedule parses the spec in the schedule's time zone.
func (d DigestSchedule) schedule() (cron.Schedule, error) {
	return cronParser.Parse("CRON_TZ=" + d.TimeZone + " " + d.Spec)
}

// Next returns the first digest slot strictly after t, or the zero time when the spec never
// fires (such as "0 9 30 2 *").
func (d DigestSchedule) Next(t time.Time) time.Time {
	s, err := d.schedule()
	if err != nil {
		return time.Time{}
	}
	return s.Next(t).UTC()
}

// Prev returns the last slot strictly before t, looking back at most 32 days (the zero time
// when there is none).
func (d DigestSchedule) Prev(t time.Time) time.Time {
	s, err := d.schedule()
	if err != nil {
		return time.Time{}
	}
	var prev time.Time
	for at := s.Next(t.Add(-32 * 24 * time.Hour)); !at.IsZero() && at.Before(t); at = s.Next(at) {
		prev = at
	}
	return prev.UTC()
}

// EveryDayOfWeek reports whether the spec leaves the day of the week open ("*"), so that a
// workspace skipping weekends may skip its Saturday and Sunday slots.
func (d DigestSchedule) EveryDayOfWeek() bool {
	f := strings.Fields(d.Spec)
	return len(f) == 5 && f[4] == "*"
}

// Validate reports every problem with the schedule: an unknown time zone, a spec cron cannot
// read, one that never fires, or one firing more often than MinDigestInterval.
func (d DigestSchedule) Validate() error {
	var ps Problems
	if d.WorkspaceID == "" {
		ps.add("workspace", "workspace.id.empty")
	}
	if !ValidChannelID(d.Channel) {
		ps.add("channel", "channel.id.invalid", d.Channel)
	}
	if _, err := time.LoadLocation(d.TimeZone); err != nil || d.TimeZone == "" {
		ps.add("time_zone", "timezone.invalid", d.TimeZone)
		return ps.Err()
	}
	if _, ok := ParseLang(string(d.Lang)); !ok {
		ps.add("lang", "lang.invalid", string(d.Lang))
	}
	switch d.Empty {
	case "", EmptyDigestFirst, EmptyDigestAlways, EmptyDigestNever:
	default:
		ps.add("empty", "sched.digest.empty.invalid", string(d.Empty))
	}
	if strings.Contains(d.Spec, "TZ=") {
		ps.add("spec", "sched.digest.spec.invalid", d.Spec)
		return ps.Err()
	}
	s, err := d.schedule()
	if err != nil {
		ps.add("spec", "sched.digest.spec.invalid", d.Spec)
		return ps.Err()
	}
	// Look at a year of slots from a fixed instant, so validation does not depend on the clock.
	at := s.Next(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	if at.IsZero() {
		ps.add("spec", "sched.digest.spec.never", d.Spec)
		return ps.Err()
	}
	for range 400 {
		next := s.Next(at)
		if next.IsZero() {
			break
		}
		if next.Sub(at) < MinDigestInterval {
			ps.add("spec", "sched.digest.spec.often", d.Spec)
			break
		}
		at = next
	}
	return ps.Err()
}

var (
	dayWords = map[string]string{
		"lundi": "1", "mardi": "2", "mercredi": "3", "jeudi": "4", "vendredi": "5", "samedi": "6", "dimanche": "0",
		"monday": "1", "tuesday": "2", "wednesday": "3", "thursday": "4", "friday": "5", "saturday": "6", "sunday": "0",
		"mon": "1", "tue": "2", "wed": "3", "thu": "4", "fri": "5", "sat": "6", "sun": "0",
	}
	everyDayWords = map[string]bool{"day": true, "days": true, "jour": true, "jours": true, "daily": true, "quotidien": true, "quotidienne": true}
	weekdayWords  = map[string]bool{"weekday": true, "weekdays": true, "workday": true, "workdays": true, "semaine": true, "ouvre": true, "ouvres": true, "ouvrable": true, "ouvrables": true}
	specFillers   = map[string]bool{"every": true, "each": true, "on": true, "at": true, "and": true, "chaque": true, "tous": true, "toutes": true, "les": true, "le": true, "a": true, "et": true, "en": true, "@": true}
	cronFieldRE   = strings.NewReplacer("*", "", "/", "", "-", "", ",", "", "?", "")
)

// ParseDigestSpec reads when a digest is posted, as a person types it in French or English
// ("every monday 09:00", "chaque lundi 9h", "tous les jours 8h30", "every weekday 8:30",
// "lundi et jeudi 9h") or as a cron spec ("0 9 * * 1", "@weekly", "CRON_TZ=Europe/London 0 9 * * 1").
// It returns a 5-field spec and the time zone the text named ("" when it named none). A time of
// day left out means 09:00. The result still needs DigestSchedule.Validate.
func ParseDigestSpec(text string) (spec, tz string, err error) {
	text = strings.TrimSpace(text)
	if rest, ok := cutTZ(text); ok {
		tzName, spec, _ := strings.Cut(rest, " ")
		return strings.TrimSpace(spec), tzName, nil
	}
	if strings.HasPrefix(text, "@") && len(text) > 1 && text[1] != ' ' {
		return text, "", nil
	}
	if f := strings.Fields(text); len(f) == 5 && isCronField(f[0]) && isCronField(f[1]) {
		return strings.Join(f, " "), "", nil
	}
	words := strings.Fields(Fold(strings.NewReplacer(",", " ", ";", " ").Replace(text)))
	days := map[string]bool{}
	hour, min := -1, 0
	all := false
	for _, w := range words {
		w = strings.TrimSuffix(w, "s") // "lundis", "mondays"
		switch {
		case specFillers[w] || specFillers[w+"s"]:
		case dayWords[w] != "":
			days[dayWords[w]] = true
		case everyDayWords[w] || everyDayWords[w+"s"]:
			all = true
		case weekdayWords[w] || weekdayWords[w+"s"]:
			for _, d := range []string{"1", "2", "3", "4", "5"} {
				days[d] = true
			}
		case clockRE.MatchString(w):
			h, m, ok := ParseClock(w)
			if !ok {
				return "", "", Invalid("spec", "sched.digest.spec.unknown", text)
			}
			hour, min = h, m
		default:
			return "", "", Invalid("spec", "sched.digest.spec.unknown", text)
		}
	}
	if !all && len(days) == 0 {
		return "", "", Invalid("spec", "sched.digest.spec.no_day", text)
	}
	if hour < 0 {
		hour = 9
	}
	dow := "*"
	if !all {
		keys := make([]string, 0, len(days))
		for d := range days {
			keys = append(keys, d)
		}
		slices.Sort(keys)
		dow = strings.Join(keys, ",")
		if dow == "1,2,3,4,5" {
			dow = "1-5"
		}
	}
	return fmt.Sprintf("%d %d * * %s", min, hour, dow), "", nil
}

func cutTZ(text string) (string, bool) {
	for _, p := range []string{"CRON_TZ=", "TZ="} {
		if rest, ok := strings.CutPrefix(text, p); ok {
			return rest, true
		}
	}
	return "", false
}

func isCronField(s string) bool {
	rest := cronFieldRE.Replace(s)
	for _, r := range rest {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// OccurrenceKind is what an occurrence sends.
type OccurrenceKind string

// The occurrence kinds.
const (
	ReminderOccurrence OccurrenceKind = "reminder"
	DigestOccurrence   OccurrenceKind = "digest"
	// NudgeOccurrence is a one-off message a feature planned: a briefing's reminder, a
	// question's escalation.
	NudgeOccurrence OccurrenceKind = "nudge"
)

// ReminderOccurrenceID is the deterministic id of reminder r of task id due at due: any process
// computing the same reminder gets the same id, which is what makes claiming it exactly-once.
// The due instant is part of it, so moving the due date makes new ids and leaves the old ones
// unsent.
func ReminderOccurrenceID(workspace, taskID string, due time.Time, key string) string {
	return "r/" + workspace + "/" + taskID + "/" + strconv.FormatInt(due.Unix(), 10) + "/" + key
}

// DigestOccurrenceID is the deterministic id of a channel's digest at slot.
func DigestOccurrenceID(workspace, channel string, slot time.Time) string {
	return "d/" + workspace + "/" + channel + "/" + strconv.FormatInt(slot.Unix(), 10)
}

// Occurrence is the record of one handled occurrence: sent (TS set), folded into the next
// digest because it came too late, or skipped (a late digest, or an empty one left unsaid).
// Records are inserted once under the occurrence id and never changed. The latest record of a
// channel's digests is what "/chorus digest" shows as its last run.
type Occurrence struct {
	ID          string
	Kind        OccurrenceKind
	WorkspaceID string
	TaskID      string // reminders only
	Channel     string // where it was sent, or would have been
	TS          string // Slack timestamp of the (first) message sent
	Folded      bool   // too late to send: shown in the next digest instead
	Skipped     bool   // not posted: too late, or empty and left unsaid
	Empty       bool   // a digest that had nothing to say (posted as "nothing to report" when TS is set)
	EmptyReason string // why it was empty, a code the digest's composer explains
	ScheduledAt time.Time
	DoneAt      time.Time
	By          string // the replica that handled it
}
