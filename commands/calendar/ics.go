package calendar

import (
	"context"
	"fmt"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/i18n"
)

// feedPast is how far back the feed goes: a calendar app keeps what it has seen, and older
// touchpoints only weigh on every refresh.
const feedPast = 180

// feedFuture is how far ahead it goes: further than anyone plans.
const feedFuture = 10 * 366

// deadlineLength is how long a deadline's event lasts in a calendar app: long enough to be seen.
const deadlineLength = 30 * time.Minute

// iCalendar writes the workspace's calendar as RFC 5545 text for the reader of the turn: one
// all-day VEVENT per touchpoint (DTEND the day after its last day, as the RFC has it), one
// VEVENT per open task's deadline at its time in the workspace's zone (with that zone's
// VTIMEZONE), stable UIDs, SEQUENCE and LAST-MODIFIED following each change, so a subscribed
// calendar updates on its next refresh.
func (c *call) iCalendar(ctx context.Context) ([]byte, error) {
	today := c.today()
	loc := c.WS.Location()
	zone := loc.String()
	sc, err := c.scene(ctx, today.AddDays(-feedPast), today.AddDays(feedFuture))
	if err != nil {
		return nil, err
	}
	tasks, err := c.store.Tasks(ctx, c.Req.Workspace, chorus.TaskFilter{Statuses: []chorus.TaskStatus{chorus.TaskOpen}})
	if err != nil {
		return nil, fmt.Errorf("deadlines: %w", err)
	}
	cal := ics.NewCalendarFor("Chorus")
	cal.SetProductId("-//Chorus//" + c.T("ics.product") + "//" + strings.ToUpper(string(c.Lang)))
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.MethodPublish)
	cal.SetXWRCalName(c.T("ics.name"))
	cal.SetXWRTimezone(zone)
	cal.SetRefreshInterval("PT1H") // the library adds VALUE=DURATION
	cal.SetXPublishedTTL("PT1H")
	cal.AddVTimezone(vtimezone(loc, today.Year))
	uid := func(kind, id string) string { return kind + "-" + id + "@" + c.Req.Workspace + ".chorus" }

	for _, tp := range sc.touchpoints {
		camp := sc.campaigns[tp.Campaign]
		ev := cal.AddEvent(uid("touchpoint", tp.ID))
		ev.SetDtStampTime(tp.UpdatedAt)
		ev.SetModifiedAt(tp.UpdatedAt)
		ev.SetCreatedTime(tp.CreatedAt)
		ev.SetSequence(tp.Version - 1)
		ev.SetAllDayStartAt(tp.Start.In(time.UTC))
		ev.SetAllDayEndAt(tp.Last().AddDays(1).In(time.UTC))
		ev.SetSummary(c.T("ics.touchpoint.summary", camp.Name, tp.Channel, tp.Segment, c.T("stage."+string(tp.Stage))))
		ev.SetDescription(c.T("ics.touchpoint.description", camp.Name, camp.Slug, tp.Channel, tp.Segment,
			c.T("stage."+string(tp.Stage)), tp.Owner, tp.ID, c.days(tp)))
		ev.AddProperty(ics.ComponentPropertyCategories, tp.Channel)
		ev.SetProperty(ics.ComponentPropertyTransp, "TRANSPARENT")
	}
	for _, t := range tasks {
		camp, ok := sc.campaigns[t.Campaign]
		if !ok || chorus.DateOf(t.Due.In(loc)).Before(today.AddDays(-feedPast)) {
			continue
		}
		ev := cal.AddEvent(uid("task", t.ID))
		ev.SetDtStampTime(t.UpdatedAt)
		ev.SetModifiedAt(t.UpdatedAt)
		ev.SetCreatedTime(t.CreatedAt)
		ev.SetSequence(t.Version - 1)
		ev.SetProperty(ics.ComponentPropertyDtStart, t.Due.In(loc).Format(localStamp), ics.WithTZID(zone))
		ev.SetProperty(ics.ComponentPropertyDtEnd, t.Due.Add(deadlineLength).In(loc).Format(localStamp), ics.WithTZID(zone))
		ev.SetSummary(c.T("ics.deadline.summary", t.Title, camp.Name))
		ev.SetDescription(c.T("ics.deadline.description", t.Title, camp.Name, camp.Slug, t.Owner, t.ID, i18n.FormatWhen(t.Due.In(loc), c.Lang)))
		ev.AddProperty(ics.ComponentPropertyCategories, c.T("calendar.legend.deadline"))
		ev.SetProperty(ics.ComponentPropertyTransp, "TRANSPARENT")
	}
	var b strings.Builder
	if err := cal.SerializeTo(&b, ics.WithNewLineWindows); err != nil {
		return nil, fmt.Errorf("write the iCalendar: %w", err)
	}
	return []byte(b.String()), nil
}

// localStamp is an iCalendar local date-time, read in the zone its TZID names.
const localStamp = "20060102T150405"

// vtimezone describes loc for calendar apps, from Go's zone data: the daylight saving changes of
// the year before year, as yearly rules (the last Sunday of March, « -1SU »), or one fixed offset
// for a zone without them.
func vtimezone(loc *time.Location, year int) *ics.VTimezone {
	tz := ics.NewTimezone(loc.String())
	changes := zoneChanges(loc, year-1)
	if len(changes) == 0 {
		name, off := time.Date(year, 1, 1, 0, 0, 0, 0, loc).Zone()
		st := tz.AddStandard()
		st.SetProperty(ics.ComponentPropertyDtStart, "19700101T000000")
		st.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), offset(off))
		st.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), offset(off))
		st.AddProperty(ics.ComponentProperty(ics.PropertyTzname), name)
		return tz
	}
	for _, ch := range changes {
		var cb *ics.ComponentBase
		if ch.dst {
			d := &ics.Daylight{}
			tz.Components = append(tz.Components, d)
			cb = &d.ComponentBase
		} else {
			cb = &tz.AddStandard().ComponentBase
		}
		local := ch.at.In(time.FixedZone("", ch.from)) // the wall clock just before the change
		cb.SetProperty(ics.ComponentPropertyDtStart, local.Format(localStamp))
		cb.AddProperty(ics.ComponentPropertyRrule, fmt.Sprintf("FREQ=YEARLY;BYMONTH=%d;BYDAY=%s", local.Month(), byDay(local)))
		cb.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), offset(ch.from))
		cb.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), offset(ch.to))
		cb.AddProperty(ics.ComponentProperty(ics.PropertyTzname), ch.name)
	}
	return tz
}

// zoneChange is a change of UTC offset: when, from which offset to which, the new name, and
// whether it begins daylight saving time.
type zoneChange struct {
	at       time.Time
	from, to int
	name     string
	dst      bool
}

// zoneChanges finds loc's offset changes in year: a day-by-day walk, then a search for the
// second.
func zoneChanges(loc *time.Location, year int) []zoneChange {
	var out []zoneChange
	t := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	end := t.AddDate(1, 0, 0)
	_, prev := t.In(loc).Zone()
	for t.Before(end) {
		next := t.Add(24 * time.Hour)
		if _, off := next.In(loc).Zone(); off != prev {
			lo, hi := t, next // the offset is prev at lo and off at hi
			for hi.Sub(lo) > time.Second {
				mid := lo.Add(hi.Sub(lo) / 2)
				if _, o := mid.In(loc).Zone(); o == prev {
					lo = mid
				} else {
					hi = mid
				}
			}
			name, _ := hi.In(loc).Zone()
			out = append(out, zoneChange{at: hi, from: prev, to: off, name: name, dst: hi.In(loc).IsDST()})
			prev = off
		}
		t = next
	}
	return out
}

// byDay writes the RRULE day of t: "-1SU" for the last Sunday of its month, "2SU" for the
// second.
func byDay(t time.Time) string {
	wd := strings.ToUpper(t.Weekday().String()[:2])
	if t.AddDate(0, 0, 7).Month() != t.Month() {
		return "-1" + wd
	}
	return fmt.Sprintf("%d%s", (t.Day()-1)/7+1, wd)
}

// offset writes a UTC offset in seconds as "+0100".
func offset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	return fmt.Sprintf("%s%02d%02d", sign, sec/3600, sec%3600/60)
}
