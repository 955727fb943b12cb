package chorus

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Moment is a date and time read from what a person typed, with what the words left implicit:
// the time of day of « fin juin » or of a day typed alone, so the reply can say it back.
type Moment struct {
	Time time.Time
	// Implied is the catalog key of what was assumed, "" when the words said it all:
	// "when.implied.day" (a day without a time: DefaultHour), "when.implied.start" (« début
	// septembre »: the 1st at 9:00), "when.implied.mid" (« mi-juillet »: the 15th at 12:00),
	// "when.implied.end" (« fin juin »: the last day at DefaultHour).
	Implied string
}

// Times of day that words imply.
const (
	morningHour   = 9
	noonHour      = 12
	afternoonHour = 14
)

var (
	monthNames = map[string]time.Month{
		"janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4, "mai": 5, "juin": 6,
		"juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11,
		"decembre": 12, "dec": 12,
		"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5, "june": 6,
		"jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "october": 10, "november": 11,
		"december": 12,
	}
	// periodWords turn « dans 3 jours » and "in 2 weeks" into days or months ahead.
	periodDays   = map[string]int{"jour": 1, "jours": 1, "day": 1, "days": 1, "semaine": 7, "semaines": 7, "week": 7, "weeks": 7}
	periodMonths = map[string]int{"mois": 1, "month": 1, "months": 1}
	// countWords are the small counts people write in words: « dans trois jours », "in a week".
	countWords = map[string]int{"un": 1, "une": 1, "a": 1, "an": 1, "one": 1, "deux": 2, "two": 2, "trois": 3, "three": 3,
		"quatre": 4, "four": 4, "cinq": 5, "five": 5, "six": 6, "sept": 7, "seven": 7, "huit": 8, "eight": 8, "dix": 10, "ten": 10,
		"quinze": 15}
	// partWords name a part of a month: « début », « mi », « fin », "early", "mid", "end".
	partWords = map[string]string{"debut": "start", "early": "start", "beginning": "start", "start": "start",
		"mi": "mid", "mid": "mid", "milieu": "mid", "fin": "end", "end": "end", "late": "end"}
	// dayParts are times of day in words.
	dayParts = map[string]int{"matin": morningHour, "morning": morningHour, "midi": noonHour, "noon": noonHour,
		"apres-midi": afternoonHour, "aprem": afternoonHour, "afternoon": afternoonHour, "soir": DefaultHour,
		"evening": DefaultHour, "tonight": DefaultHour, "soiree": DefaultHour}
	pastDays = map[string]int{"hier": -1, "yesterday": -1, "avant-hier": -2}
	// momentFillers carry no date: articles, prepositions, "due", « pour », « d'ici ».
	momentFillers = map[string]bool{"le": true, "la": true, "l": true, "les": true, "du": true, "de": true, "d": true, "des": true,
		"on": true, "by": true, "avant": true, "before": true, "pour": true, "d'ici": true, "dici": true, "the": true, "of": true,
		"a": true, "at": true, "@": true, "au": true, "jusqu'au": true, "jusqu": true, "until": true, "due": true, "in": true,
		"dans": true, "this": true, "ce": true, "cette": true, "this's": true, "et": true, "and": true, "vers": true, "around": true, "ici": true}

	spacedClockRE = regexp.MustCompile(`\b(\d{1,2})\s*h\s*(\d{2})?\b`)
	spacedAmPmRE  = regexp.MustCompile(`\b(\d{1,2})(?::(\d{2}))?\s+(am|pm)\b`)
	abbrevDotRE   = regexp.MustCompile(`([a-z])\.`)
	yearRE        = regexp.MustCompile(`^(20\d\d)$`)
)

// MonthNamed returns the month a folded word names, in French or English, in full or
// abbreviated: "juillet", "juil", "july", "jul". The drift detector reads the same words.
func MonthNamed(w string) (time.Month, bool) {
	m, ok := monthNames[w]
	return m, ok
}

// WeekdayNamed returns the weekday a folded word names, in French or English: "vendredi", "fri".
func WeekdayNamed(w string) (time.Weekday, bool) {
	d, ok := weekdays[w]
	return d, ok
}

// DateWords returns the folded month and weekday names ParseMoment and the drift detector read.
func DateWords() []string {
	out := make([]string, 0, len(monthNames)+len(weekdays))
	for w := range monthNames {
		out = append(out, w)
	}
	for w := range weekdays {
		out = append(out, w)
	}
	return out
}

// ParseMoment reads a date and time as people write them, in French or English, in loc and
// relative to now: "2027-07-15 17:00", "15/07", "15 juillet", « le 1er juillet à 17 h », "July
// 15, 2027", "vendredi à 17 h", "next tuesday", « dans 3 jours », "in 2 weeks", « fin juin »,
// « mi-juillet », "early September", "demain matin". A day without a time is DefaultHour:00.
// "next tuesday" said on a Monday is the Tuesday of next week, as people mean it; a plain
// weekday is the coming one.
//
// It refuses rather than guesses: a moment in the past (« hier » included) is ErrInvalid
// "when.past"; words it cannot read are "when.unknown"; a day that does not exist (31/02,
// « 30 février ») is "when.no_such_day"; a weekday that is not the date's is
// "when.weekday_mismatch".
func ParseMoment(text string, loc *time.Location, now time.Time) (Moment, error) {
	now = now.In(loc)
	s := Fold(strings.NewReplacer(",", " ", "’", "'").Replace(text))
	s = spacedClockRE.ReplaceAllString(s, "${1}h$2") // « 17 h 30 » is « 17h30 »
	s = spacedAmPmRE.ReplaceAllString(s, "$1:$2$3")  // "5 pm" is "5pm"
	s = strings.ReplaceAll(s, ":pm", "pm")
	s = strings.ReplaceAll(s, ":am", "am")
	s = strings.ReplaceAll(s, "aujourd'hui", "aujourdhui")
	s = abbrevDotRE.ReplaceAllString(s, "$1 ") // « juil. », "Sept." (a dot between digits stays: 15.07.2027)
	words := strings.Fields(strings.ReplaceAll(s, "'", "' "))
	for i, w := range words {
		words[i] = strings.TrimSuffix(w, "'")
	}
	var (
		day          Date
		haveDay      bool
		dayNum       int // a day of the month read alone, "15", « 1er »
		month        time.Month
		year         int
		hour, minute = -1, 0
		wd           = time.Weekday(-1)
		next         bool
		part         string
		implied      string
		thisMonth    bool
		bareDay      bool
	)
	unknown := Errorf(ErrInvalid, "when.unknown", text)
	for i := 0; i < len(words); i++ {
		w := words[i]
		after := func(k int) string {
			if i+k < len(words) {
				return words[i+k]
			}
			return ""
		}
		switch {
		case isoRE.MatchString(w) || dmyRE.MatchString(w):
			var explicitYear bool
			day, explicitYear = readDay(w, now.Year())
			haveDay = true
			if !explicitYear && day.In(loc).AddDate(0, 0, 1).Before(now) {
				day.Year++ // "15/07" typed in August means next July
			}
		case w == "apres" && after(1) == "demain":
			day, haveDay = DateOf(now.AddDate(0, 0, 2)), true
			i++
		case w == "avant" && after(1) == "hier":
			day, haveDay = DateOf(now.AddDate(0, 0, -2)), true
			i++
		case hasKey(relDays, w):
			day, haveDay = DateOf(now.AddDate(0, 0, relDays[w])), true
		case hasKey(pastDays, w):
			day, haveDay = DateOf(now.AddDate(0, 0, pastDays[w])), true
		case w == "prochain" || w == "prochaine" || w == "next":
			next = true
		case isWeekday(w):
			wd = weekdays[w]
		case partWords[w] != "" && (monthNames[after(1)] != 0 || (after(1) == "of" || after(1) == "du" || after(1) == "de") && (monthNames[after(2)] != 0 || after(2) == "mois" || after(2) == "month" || after(2) == "the")):
			part = partWords[w]
		case strings.HasPrefix(w, "mi-") && monthNames[w[3:]] != 0: // « mi-juillet »
			part, month = "mid", monthNames[w[3:]]
		case strings.HasPrefix(w, "mid-") && monthNames[w[4:]] != 0: // "mid-July"
			part, month = "mid", monthNames[w[4:]]
		case isNumber(w) && i+1 < len(words) && (periodDays[after(1)] != 0 || periodMonths[after(1)] != 0):
			n, _ := strconv.Atoi(w)
			day, haveDay = relative(now, n, after(1)), true
			i++
		case countWords[w] != 0 && i+1 < len(words) && (periodDays[after(1)] != 0 || periodMonths[after(1)] != 0):
			n := countWords[w]
			if w == "quinze" && (after(1) == "jours") {
				n = 14 // « dans quinze jours » is two weeks
			}
			day, haveDay = relative(now, n, after(1)), true
			i++
		case monthNames[w] != 0:
			month = monthNames[w]
		case (w == "mois" || w == "month") && part != "":
			month, thisMonth = now.Month(), true // « fin du mois », "end of the month"
		case yearRE.MatchString(w) && (month != 0 || dayNum != 0):
			year, _ = strconv.Atoi(w)
		case OrdinalDay(w) > 0 || w == "premier" || w == "first":
			dayNum = max(OrdinalDay(w), 1)
		case w == "fortnight" || w == "quinzaine":
			day, haveDay = DateOf(now.AddDate(0, 0, 14)), true
		case isNumber(w) && len(w) <= 2:
			dayNum, _ = strconv.Atoi(w)
			// a number alone is no date (« Commander 15 »), « le 15 » is
			bareDay = i == 0 || !(words[i-1] == "le" || words[i-1] == "the")
		case clockRE.MatchString(w) && strings.ContainsAny(w, "h:apm"):
			h, mi, ok := ParseClock(w)
			if !ok {
				return Moment{}, unknown
			}
			hour, minute = h, mi
		case dayParts[w] != 0:
			if hour < 0 {
				hour, minute = dayParts[w], 0
			}
		case w == "midnight" || w == "minuit":
			hour, minute = 23, 59
		case momentFillers[w]:
		default:
			return Moment{}, unknown
		}
	}
	switch {
	case haveDay:
	case month != 0 && part != "":
		y := year
		if y == 0 {
			y = now.Year()
		}
		day = partOfMonth(y, month, part)
		if year == 0 && day.In(loc).AddDate(0, 0, 1).Before(now) {
			if thisMonth {
				n := time.Date(y, month+1, 1, 12, 0, 0, 0, loc) // « début du mois » typed on the 20th
				day = partOfMonth(n.Year(), n.Month(), part)
			} else {
				day = partOfMonth(y+1, month, part) // « fin juin » typed in July means next June
			}
		}
		haveDay = true
		if hour < 0 {
			hour = map[string]int{"start": morningHour, "mid": noonHour, "end": DefaultHour}[part]
			implied = "when.implied." + part
		}
	case month != 0 && dayNum != 0:
		y := year
		if y == 0 {
			y = now.Year()
		}
		day, haveDay = Date{y, month, dayNum}, true
		if year == 0 && day.In(loc).AddDate(0, 0, 1).Before(now) {
			day.Year++ // « 15 juillet » typed in August means next July
		}
	case month != 0 || part != "":
		return Moment{}, unknown // « juillet » alone is no day
	case dayNum != 0 && wd < 0 && bareDay:
		return Moment{}, unknown
	case dayNum != 0 && wd < 0:
		// « le 15 »: the coming 15th
		day, haveDay = Date{now.Year(), now.Month(), dayNum}, true
		if day.In(loc).AddDate(0, 0, 1).Before(now) {
			t := time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, loc)
			day = Date{t.Year(), t.Month(), dayNum}
		}
	}
	if wd >= 0 {
		if haveDay || dayNum != 0 {
			if !haveDay {
				return Moment{}, unknown
			}
			if day.In(loc).Weekday() != wd {
				return Moment{}, Errorf(ErrInvalid, "when.weekday_mismatch", text)
			}
		} else {
			day, haveDay = DateOf(weekdayFrom(now, wd, next)), true
		}
	}
	if !haveDay {
		if hour < 0 {
			return Moment{}, unknown
		}
		day, haveDay = DateOf(now), true // « 17h » alone means today
	}
	if hour < 0 {
		hour = DefaultHour
		implied = "when.implied.day"
	}
	t := time.Date(day.Year, day.Month, day.Day, hour, minute, 0, 0, loc)
	if DateOf(t) != day {
		return Moment{}, Errorf(ErrInvalid, "when.no_such_day", text)
	}
	if !t.After(now) {
		return Moment{}, Errorf(ErrInvalid, "when.past", t.Format("2006-01-02 15:04"))
	}
	return Moment{Time: t, Implied: implied}, nil
}

// OrdinalDay reads a day of the month written as an ordinal, folded: "1er", "1re", "2e",
// "3eme", "2nd", "12th"; 0 when w is none. The drift detector reads days the same way.
func OrdinalDay(w string) int {
	n, i := 0, 0
	for ; i < len(w) && w[i] >= '0' && w[i] <= '9'; i++ {
		n = n*10 + int(w[i]-'0')
	}
	switch w[i:] {
	case "er", "re", "e", "eme", "st", "nd", "rd", "th":
		if i > 0 && i <= 2 {
			return n
		}
	}
	return 0
}

func isWeekday(w string) bool { _, ok := weekdays[w]; return ok }

func isNumber(w string) bool {
	if w == "" {
		return false
	}
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// relative returns the day n periods after now: « dans 3 jours », "in 2 weeks", « dans un mois ».
func relative(now time.Time, n int, period string) Date {
	if m := periodMonths[period]; m != 0 {
		return DateOf(now.AddDate(0, n*m, 0))
	}
	return DateOf(now.AddDate(0, 0, n*periodDays[period]))
}

// partOfMonth returns the day that « début », « mi » or « fin » of a month means: the 1st,
// the 15th, the last day.
func partOfMonth(year int, month time.Month, part string) Date {
	switch part {
	case "start":
		return Date{year, month, 1}
	case "mid":
		return Date{year, month, 15}
	}
	return DateOf(time.Date(year, month+1, 0, 12, 0, 0, 0, time.UTC))
}

// weekdayFrom returns the day named wd after now. A plain weekday is the coming one (a
// Friday's « vendredi » is next week's); "next" names the one of next week, weeks starting on
// Monday: "next tuesday" on a Monday is in eight days, on a Sunday in two.
func weekdayFrom(now time.Time, wd time.Weekday, next bool) time.Time {
	if !next {
		ahead := (int(wd) - int(now.Weekday()) + 7) % 7
		if ahead == 0 {
			ahead = 7
		}
		return now.AddDate(0, 0, ahead)
	}
	iso := func(d time.Weekday) int { return (int(d)+6)%7 + 1 } // Monday 1 … Sunday 7
	monday := now.AddDate(0, 0, 8-iso(now.Weekday()))
	return monday.AddDate(0, 0, iso(wd)-1)
}

// ReadDay reads a calendar day written in full, as in a campaign's dates: "2027-07-01",
// "1/7/2027", "01.07.2027", « 1er juillet 2027 », « le 5 avril 2027 », "July 15, 2027",
// "15th July 2027". The year is required: a campaign's dates are not relative to today. Text
// that is no day is ErrInvalid "when.unknown"; a day that does not exist (31/02/2027, « 30
// février 2027 ») is "when.no_such_day", so a caller can tell a mistyped date from a name.
func ReadDay(s string) (Date, error) {
	s = strings.TrimSpace(s)
	unknown := Errorf(ErrInvalid, "when.unknown", s)
	var d Date
	switch m := dmyRE.FindStringSubmatch(s); {
	case isoRE.MatchString(s):
		d, _ = readDay(s, 0)
	case m != nil && len(m[3]) == 4:
		d, _ = readDay(s, 0)
	default:
		words := strings.Fields(abbrevDotRE.ReplaceAllString(Fold(strings.ReplaceAll(s, ",", " ")), "$1 "))
		var day, year int
		var month time.Month
		for _, w := range words {
			switch {
			case w == "le" || w == "the" || w == "on":
			case monthNames[w] != 0 && month == 0:
				month = monthNames[w]
			case yearRE.MatchString(w) && year == 0:
				year, _ = strconv.Atoi(w)
			case (OrdinalDay(w) > 0 || isNumber(w) && len(w) <= 2 || w == "premier") && day == 0:
				day = 1
				if n := OrdinalDay(w); n > 0 {
					day = n
				} else if w != "premier" {
					day, _ = strconv.Atoi(w)
				}
			default:
				return Date{}, unknown
			}
		}
		if day == 0 || month == 0 || year == 0 {
			return Date{}, unknown
		}
		d = Date{year, month, day}
	}
	if d.Day < 1 || d.Month < 1 || d.Month > 12 || DateOf(d.In(time.UTC)) != d {
		return Date{}, Errorf(ErrInvalid, "when.no_such_day", s)
	}
	return d, nil
}
