package chorus

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DefaultHour is the time of day a due date gets when the user types only a day: the end of a
// working day, so "vendredi" means "by Friday evening", not "Friday at midnight".
const DefaultHour = 18

var (
	isoRE    = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
	dmyRE    = regexp.MustCompile(`^(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2}|\d{4}))?$`)
	clockRE  = regexp.MustCompile(`^(?:à|a|at|@)?\s*(\d{1,2})(?:(?:h|:)(\d{2})?)?\s*(am|pm)?$`)
	weekdays = map[string]time.Weekday{"lundi": time.Monday, "mardi": time.Tuesday, "mercredi": time.Wednesday, "jeudi": time.Thursday, "vendredi": time.Friday, "samedi": time.Saturday, "dimanche": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday, "thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday, "sunday": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday, "sun": time.Sunday, "tues": time.Tuesday, "thur": time.Thursday, "thurs": time.Thursday}
	// spanRE is a length of time as people type it: "3d" ("3j"), "12h", "90m" ("90min"), "1d12h".
	spanRE  = regexp.MustCompile(`^(?:(\d{1,3})[dj])?(?:(\d{1,4})h)?(?:(\d{1,5})(?:m|min))?$`)
	relDays = map[string]int{"aujourd'hui": 0, "aujourdhui": 0, "today": 0, "demain": 1, "tomorrow": 1, "apres-demain": 2, "apres demain": 2}
)

// ParseWhen reads a date-time a person typed, as ParseMoment does ("2027-07-15 17:00",
// "15/07", « 15 juillet », "vendredi 17h", "next tuesday", « dans 3 jours », « fin juin »), in
// loc, relative to now, without saying what was implied. A day without a time means
// DefaultHour:00.
func ParseWhen(text string, loc *time.Location, now time.Time) (time.Time, error) {
	m, err := ParseMoment(text, loc, now)
	return m.Time, err
}

// readDay reads a day written with digits, "2027-07-15", "15/07/2027", "15.07.27" or "15/07",
// the last in year; it reports whether the year was written. The day may not exist (31/02):
// callers check. w must match isoRE or dmyRE.
func readDay(w string, year int) (Date, bool) {
	if m := isoRE.FindStringSubmatch(w); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		return Date{y, time.Month(mo), d}, true
	}
	m := dmyRE.FindStringSubmatch(w)
	d, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	if m[3] == "" {
		return Date{year, time.Month(mo), d}, false
	}
	y, _ := strconv.Atoi(m[3])
	if y < 100 {
		y += 2000
	}
	return Date{y, time.Month(mo), d}, true
}

// ParseDay reads a calendar day written in full, as ReadDay does, and reports whether it is one.
func ParseDay(s string) (Date, bool) {
	d, err := ReadDay(s)
	return d, err == nil
}

func hasKey(m map[string]int, k string) bool { _, ok := m[k]; return ok }

// ParseSpan reads a length of time as people type it, in French or English: "3j" or "3d",
// "12h", "90min" or "90m", "1j12h". It reports false for anything else, an empty word included.
// A reminder's offset and the delay before a question is escalated are read with it.
func ParseSpan(w string) (time.Duration, bool) {
	m := spanRE.FindStringSubmatch(strings.ToLower(strings.TrimSpace(w)))
	if m == nil || m[1]+m[2]+m[3] == "" {
		return 0, false
	}
	var d time.Duration
	for i, unit := range []time.Duration{24 * time.Hour, time.Hour, time.Minute} {
		if m[i+1] != "" {
			n, _ := strconv.Atoi(m[i+1])
			d += time.Duration(n) * unit
		}
	}
	return d, true
}

// ParseClock reads a time of day as people type it: "9h", "9h30", "09:00", "17h", "à 9h",
// "9am", "12pm". A bare number ("9") is not a time: in a date it is a day.
func ParseClock(w string) (hour, min int, ok bool) {
	m := clockRE.FindStringSubmatch(w)
	if m == nil || m[2] == "" && m[3] == "" && !strings.ContainsAny(w, "h:") {
		return 0, 0, false
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	switch m[3] {
	case "pm", "am":
		if h < 1 || h > 12 {
			return 0, 0, false
		}
		if m[3] == "pm" && h < 12 {
			h += 12
		} else if m[3] == "am" && h == 12 {
			h = 0
		}
	}
	if h > 23 || mi > 59 {
		return 0, 0, false
	}
	return h, mi, true
}
