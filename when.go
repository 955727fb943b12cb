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
	isoRE     = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
	dmyRE     = regexp.MustCompile(`^(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2}|\d{4}))?$`)
	clockRE   = regexp.MustCompile(`^(?:à|a|at|@)?\s*(\d{1,2})(?:(?:h|:)(\d{2})?)?\s*(am|pm)?$`)
	weekdays  = map[string]time.Weekday{"lundi": time.Monday, "mardi": time.Tuesday, "mercredi": time.Wednesday, "jeudi": time.Thursday, "vendredi": time.Friday, "samedi": time.Saturday, "dimanche": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday, "thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday, "sunday": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday, "sun": time.Sunday}
	relDays   = map[string]int{"aujourd'hui": 0, "aujourdhui": 0, "today": 0, "demain": 1, "tomorrow": 1, "apres-demain": 2, "apres demain": 2}
	nextWords = map[string]bool{"prochain": true, "prochaine": true, "next": true}
	fillers   = map[string]bool{"le": true, "on": true, "by": true, "avant": true, "before": true, "pour": true, "d'ici": true}
)

// ParseWhen reads a date-time a person typed ("2027-07-15", "2027-07-15 17:00", "15/07",
// "15/07/2027 9h30", "demain", "tomorrow 9am", "vendredi 17h", "next tuesday", "mardi prochain")
// in loc, relative to now. A day without a time means DefaultHour:00.
//
// It refuses rather than guesses: a date in the past is ErrInvalid "when.past"; text it cannot
// read is ErrInvalid "when.unknown"; a day that does not exist (31/02) is "when.no_such_day".
func ParseWhen(text string, loc *time.Location, now time.Time) (time.Time, error) {
	now = now.In(loc)
	words := strings.Fields(Fold(strings.NewReplacer(",", " ").Replace(text)))
	var (
		day     Date
		hour    = -1
		min     int
		haveDay bool
	)
	var wd = time.Weekday(-1)
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case fillers[w]:
		case nextWords[w]: // "mardi prochain" is the coming Tuesday, like "mardi"
		case isoRE.MatchString(w) || dmyRE.MatchString(w):
			var explicitYear bool
			day, explicitYear = readDay(w, now.Year())
			haveDay = true
			if !explicitYear && day.In(loc).AddDate(0, 0, 1).Before(now) {
				day.Year++ // "15/07" typed in August means next July
			}
		case weekdays[w] != 0 || w == "dimanche" || w == "sunday" || w == "sun":
			wd = weekdays[w]
		case hasKey(relDays, w):
			d := now.AddDate(0, 0, relDays[w])
			day, haveDay = DateOf(d), true
		case w == "apres" && i+1 < len(words) && words[i+1] == "demain":
			day, haveDay = DateOf(now.AddDate(0, 0, 2)), true
			i++
		case clockRE.MatchString(w):
			if i+1 < len(words) && (words[i+1] == "am" || words[i+1] == "pm") {
				w += words[i+1] // "9 pm"
				i++
			}
			h, mi, ok := ParseClock(w)
			if !ok {
				return time.Time{}, Errorf(ErrInvalid, "when.unknown", text)
			}
			hour, min = h, mi
		case w == "a" || w == "at" || w == "@":
		case w == "midi" || w == "noon":
			hour, min = 12, 0
		default:
			return time.Time{}, Errorf(ErrInvalid, "when.unknown", text)
		}
	}
	if wd >= 0 {
		if haveDay {
			if day.In(loc).Weekday() != wd {
				return time.Time{}, Errorf(ErrInvalid, "when.weekday_mismatch", text)
			}
		} else {
			ahead := (int(wd) - int(now.Weekday()) + 7) % 7
			if ahead == 0 { // "vendredi" said on a Friday means next week's
				ahead = 7
			}
			day, haveDay = DateOf(now.AddDate(0, 0, ahead)), true
		}
	}
	if !haveDay {
		if hour < 0 {
			return time.Time{}, Errorf(ErrInvalid, "when.unknown", text)
		}
		day = DateOf(now) // "17h" alone means today
		haveDay = true
	}
	if hour < 0 {
		hour = DefaultHour
	}
	t := time.Date(day.Year, day.Month, day.Day, hour, min, 0, 0, loc)
	if DateOf(t) != day {
		return time.Time{}, Errorf(ErrInvalid, "when.no_such_day", text)
	}
	if !t.After(now) {
		return time.Time{}, Errorf(ErrInvalid, "when.past", t.Format("2006-01-02 15:04"))
	}
	return t, nil
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

// ParseDay reads a calendar day written in full, as in a campaign's dates: "2027-07-01",
// "1/7/2027" or "01.07.2027". It is ParseWhen's reading of a day, without a clock, a weekday or a
// year left out; a day that does not exist (31/02) is refused.
func ParseDay(s string) (Date, bool) {
	s = strings.TrimSpace(s)
	if m := dmyRE.FindStringSubmatch(s); !isoRE.MatchString(s) && (m == nil || len(m[3]) != 4) {
		return Date{}, false
	}
	d, _ := readDay(s, 0)
	if DateOf(d.In(time.UTC)) != d {
		return Date{}, false
	}
	return d, true
}

func hasKey(m map[string]int, k string) bool { _, ok := m[k]; return ok }

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
