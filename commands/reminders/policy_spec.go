package reminders

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chorus-hq/chorus"
)

// Reading a reminder policy as people type it: "3j 1j matin 9h", "2 days before, overdue",
// "off", "quiet 20h-8h", "no weekends".

var (
	remShowWords    = map[string]bool{"": true, "show": true, "voir": true, "afficher": true}
	remHelpWords    = map[string]bool{"help": true, "aide": true, "?": true}
	remDefaultWords = map[string]bool{"default": true, "defaut": true, "par defaut": true, "reset": true, "reinitialiser": true}
	remOffWords     = map[string]bool{"off": true, "none": true, "aucun": true, "aucune": true, "stop": true, "non": true, "no": true}
	remOffsetsWords = map[string]bool{"before": true, "avant": true, "offsets": true, "delais": true, "delai": true}
	remMorningWords = map[string]bool{"morning": true, "matin": true}
	remOverdueWords = map[string]bool{"overdue": true, "retard": true, "relance": true, "late": true}
	remQuietWords   = map[string]bool{"quiet": true, "calme": true, "silence": true}
	remWeekendWords = map[string]bool{"weekends": true, "weekend": true, "week-end": true, "week-ends": true, "we": true}
	remSkipWords    = map[string]bool{"skip": true, "sauter": true, "ignorer": true, "eviter": true}
	remKeepWords    = map[string]bool{"keep": true, "garder": true, "inclure": true, "include": true}
	remForWords     = map[string]bool{"for": true, "pendant": true, "durant": true, "x": true}
	remDayWords     = map[string]bool{"d": true, "j": true, "day": true, "days": true, "jour": true, "jours": true}

	// remClockRE reads a time of day: "9h", "9h30", "09:00", "9", "9am", "5:30pm".
	// daysRE reads a number of days: "5d", "5j", or "5" followed by "jours".
	daysRE = regexp.MustCompile(`^(\d{1,3})([dj])?$`)
	// dashRE and weekEndRE join "20h - 8h" and "week end" into one token each.
	dashRE    = regexp.MustCompile(`\s*-\s*`)
	weekEndRE = regexp.MustCompile(`\bweek ends?\b`)
)

// policyEdit is what a spec changes in a reminder policy; nil fields are left as they were, so
// "/chorus reminders quiet 21h-7h" changes the quiet hours only.
type policyEdit struct {
	off         bool
	offsets     *[]time.Duration
	morning     *int // minutes after midnight, -1 for none
	overdue     *int // minutes after midnight, -1 for none
	overdueDays *int
	quiet       *[2]int // start and end; equal for none
	weekends    *bool   // skip weekends
}

// apply makes the edit on p.
func (e policyEdit) apply(p *chorus.ReminderPolicy) {
	p.Offsets = slices.Clone(p.Offsets)
	if e.off {
		p.Offsets, p.Morning, p.Overdue = nil, false, false
	}
	if e.offsets != nil {
		p.Offsets = slices.Clone(*e.offsets)
	}
	if e.morning != nil {
		p.Morning = *e.morning >= 0
		if p.Morning {
			p.MorningAt = *e.morning
		}
	}
	if e.overdue != nil {
		p.Overdue = *e.overdue >= 0
		if p.Overdue {
			p.OverdueAt = *e.overdue
		}
	}
	if e.overdueDays != nil {
		p.OverdueDays = *e.overdueDays
	}
	if e.quiet != nil {
		p.QuietStart, p.QuietEnd = e.quiet[0], e.quiet[1]
	}
	if e.weekends != nil {
		p.SkipWeekends = *e.weekends
	}
}

// parsePolicySpec reads a reminder policy spec, tokens in any order, French or English:
//
//	3d 1d 12h (3j)             reminders this long before the due instant, replacing the list
//	before off (avant off)     no reminder before the due instant
//	morning 09:00|off          on the morning of the due day (matin)
//	overdue 09:00|off [for 5d] a daily nudge once overdue, for so many days (retard … pendant 5j)
//	quiet 20:00-08:00|off      no reminder in that window (calme, silence)
//	weekends skip|keep         (week-end sauter|garder)
//	off                        no reminder at all, alone
//
// Times read "9h", "9h30" or "09:00". Every bad token is reported, naming it.
func parsePolicySpec(args []string) (policyEdit, error) {
	words := specWords(args)
	var (
		e    policyEdit
		ps   chorus.Problems
		offs []time.Duration
		seen = map[string]bool{}
	)
	bad := func(code string, a ...any) { ps = append(ps, chorus.Errorf(chorus.ErrInvalid, code, a...)) }
	// once reports whether the setting named by keyword w comes for the first time.
	once := func(setting, w string) bool {
		if seen[setting] {
			bad("rem.token.twice", w)
			return false
		}
		seen[setting] = true
		return true
	}
	// value returns the token after keyword i, or reports it missing.
	value := func(i int, example string) (string, bool) {
		if i+1 >= len(words) || isKeyword(words[i+1]) {
			bad("rem.value.missing", words[i], example)
			return "", false
		}
		return words[i+1], true
	}
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case remOffWords[w]:
			e.off = true
		case isSpan(w): // how long before the due instant a reminder comes: "3d", "12h", "1d12h"
			d, _ := chorus.ParseSpan(w)
			switch {
			case d <= 0 || d > chorus.MaxReminderOffset:
				bad("rem.offset.range", w)
			case !slices.Contains(offs, d):
				offs = append(offs, d)
			}
			if seen["offsets"] {
				bad("rem.token.twice", w)
			}
			e.offsets = &offs
		case remOffsetsWords[w]:
			// A filler before the offsets ("avant 3j 1j"), or "avant off" for none.
			if i+1 < len(words) && remOffWords[words[i+1]] {
				i++
				if once("offsets", w) && e.offsets != nil {
					bad("rem.token.twice", w+" "+words[i])
				}
				none := []time.Duration{}
				e.offsets = &none
			}
		case remMorningWords[w], remOverdueWords[w]:
			v, ok := value(i, w+" 9h")
			if !ok {
				continue
			}
			i++
			at := -1
			if !remOffWords[v] {
				h, m, okC := readClockOf(v)
				if !okC {
					bad("rem.clock.bad", v, w)
					continue
				}
				at = h*60 + m
			}
			if remMorningWords[w] {
				if once("morning", w) {
					e.morning = &at
				}
				continue
			}
			if once("overdue", w) {
				e.overdue = &at
			}
			if i+1 < len(words) && remForWords[words[i+1]] {
				i++
				n, used, ok := readDays(words[i+1:])
				if !ok {
					tok := w + " … " + words[i]
					if i+1 < len(words) {
						tok = words[i+1]
					}
					bad("rem.overdue_days.bad", tok, chorus.MaxOverdueDays)
				}
				i += used
				if ok {
					e.overdueDays = &n
				}
			}
		case remQuietWords[w]:
			v, ok := value(i, w+" 20:00-08:00")
			if !ok {
				continue
			}
			i++
			var q [2]int
			if !remOffWords[v] {
				start, end, okQ := readWindow(v)
				if !okQ {
					bad("rem.quiet.bad", v, w)
					continue
				}
				q = [2]int{start, end}
			}
			if once("quiet", w) {
				e.quiet = &q
			}
		case remWeekendWords[w]:
			v, ok := value(i, w+" skip")
			if !ok {
				continue
			}
			i++
			var skip bool
			switch {
			case remSkipWords[v]:
				skip = true
			case remKeepWords[v]:
			default:
				bad("rem.weekends.bad", v, w)
				continue
			}
			if once("weekends", w) {
				e.weekends = &skip
			}
		default:
			bad("rem.token.unknown", w)
		}
	}
	if len(offs) > chorus.MaxReminderOffsets {
		bad("rem.offsets.many", chorus.MaxReminderOffsets)
	}
	if e.off && (e.offsets != nil || e.morning != nil || e.overdue != nil || e.overdueDays != nil || e.quiet != nil || e.weekends != nil) {
		bad("rem.off.alone")
	}
	if len(ps) > 0 {
		return policyEdit{}, ps
	}
	slices.SortFunc(offs, func(a, b time.Duration) int { return int((b - a) / time.Minute) })
	return e, nil
}

// specWords folds the arguments and splits them into tokens, so that "3j, 1j", "20h - 8h" and
// "week end" read like "3j 1j", "20h-8h" and "week-end".
func specWords(args []string) []string {
	text := chorus.Fold(strings.Join(args, " "))
	text = strings.NewReplacer(",", " ", ";", " ", "–", "-", "—", "-").Replace(text)
	text = dashRE.ReplaceAllString(text, "-")
	text = weekEndRE.ReplaceAllString(text, "week-end")
	return strings.Fields(text)
}

// isKeyword reports whether w starts a setting, so a missing value is not mistaken for it.
func isKeyword(w string) bool {
	return remMorningWords[w] || remOverdueWords[w] || remQuietWords[w] || remWeekendWords[w] || remOffsetsWords[w]
}

// isSpan reports whether w is a length of time (chorus.ParseSpan).
func isSpan(w string) bool {
	_, ok := chorus.ParseSpan(w)
	return ok
}

// readClockOf reads a time of day as chorus.ParseClock does, and also a bare hour ("9"): in a
// policy nothing else could be meant.
func readClockOf(w string) (int, int, bool) {
	if h, err := strconv.Atoi(w); err == nil && len(w) <= 2 {
		return h, 0, h >= 0 && h <= 23
	}
	return chorus.ParseClock(w)
}

// readWindow reads "20:00-08:00" or "20h-8h"; an empty window ("8h-8h") is refused.
func readWindow(w string) (int, int, bool) {
	a, b, ok := strings.Cut(w, "-")
	if !ok {
		return 0, 0, false
	}
	h1, m1, ok1 := readClockOf(a)
	h2, m2, ok2 := readClockOf(b)
	if !ok1 || !ok2 || h1*60+m1 == h2*60+m2 {
		return 0, 0, false
	}
	return h1*60 + m1, h2*60 + m2, true
}

// readDays reads "5d", "5j" or "5 jours" at the start of ws: the number and the tokens used.
func readDays(ws []string) (int, int, bool) {
	if len(ws) == 0 {
		return 0, 0, false
	}
	m := daysRE.FindStringSubmatch(ws[0])
	if m == nil {
		return 0, 1, false
	}
	used := 1
	if m[2] == "" {
		if len(ws) < 2 || !remDayWords[ws[1]] {
			return 0, 1, false
		}
		used = 2
	}
	n, _ := strconv.Atoi(m[1])
	if n < 1 || n > chorus.MaxOverdueDays {
		return 0, used, false
	}
	return n, used, true
}
