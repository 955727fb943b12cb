package drift

import (
	"time"

	"github.com/chorus-hq/chorus"
)

// monthWords maps French and English month names and abbreviations to month numbers.
var monthWords = func() map[string]int {
	m := map[string]int{}
	for _, w := range chorus.DateWords() {
		if mo, ok := chorus.MonthNamed(w); ok {
			m[w] = int(mo)
		}
	}
	return m
}()

// weekdayWords maps weekday names to time.Weekday+1 (0 means none). Both come from the domain's
// one date vocabulary, which ParseMoment reads typed dates with.
var weekdayWords = func() map[string]int {
	m := map[string]int{}
	for _, w := range chorus.DateWords() {
		if d, ok := chorus.WeekdayNamed(w); ok {
			m[w] = int(d) + 1
		}
	}
	return m
}()

// dpart is a day read in a text, possibly partial ("1er" in "du 1er au 15 juillet").
type dpart struct {
	day, month, year int
	weekday          int
	from, next       int
	yearGiven        bool
}

// weekdayCheck is a weekday written next to a date, to check against the calendar.
type weekdayCheck struct {
	date     chorus.Date
	stated   int // time.Weekday + 1
	pos, end int
}

func (d *doc) dayAt(i int) (int, int, bool) {
	if i >= len(d.toks) || d.used[i] {
		return 0, i, false
	}
	t := d.toks[i]
	switch t.kind {
	case tNum:
		if len(t.s) <= 2 && t.num >= 1 && t.num <= 31 {
			return t.num, i + 1, true
		}
	case tWord:
		if t.s == "premier" {
			return 1, i + 1, true
		}
		k := 0
		for k < len(t.s) && t.s[k] >= '0' && t.s[k] <= '9' {
			k++
		}
		if k == 0 || k > 2 {
			return 0, i, false
		}
		switch t.s[k:] {
		case "er", "re", "ere", "st", "nd", "rd", "th", "e", "eme":
			if n := atoi(t.s[:k]); n >= 1 && n <= 31 {
				return n, i + 1, true
			}
		}
	}
	return 0, i, false
}

func (d *doc) monthAt(i int) (int, int, bool) {
	if i >= len(d.toks) || d.used[i] || d.toks[i].kind != tWord {
		return 0, i, false
	}
	m, ok := monthWords[d.toks[i].s]
	if !ok {
		return 0, i, false
	}
	j := i + 1
	if len(d.toks[i].s) <= 4 && j < len(d.toks) && d.toks[j].isSym(".") && d.toks[j].glued() {
		j++
	}
	return m, j, true
}

func (d *doc) yearAt(i int) (int, int, bool) {
	j := i
	if j < len(d.toks) && d.toks[j].isSym(",") {
		j++
	}
	if j < len(d.toks) && d.toks[j].kind == tNum && len(d.toks[j].s) == 4 && d.toks[j].num >= 1990 && d.toks[j].num <= 2100 && !d.used[j] && !d.toks[j].nl {
		return d.toks[j].num, j + 1, true
	}
	return 0, i, false
}

// numericAt reads "15/07", "15/07/2027", "30.04.2027" and, when dots are allowed (inside a
// range), "03.03".
func (d *doc) numericAt(i int, allowDot bool) (dpart, bool) {
	toks := d.toks
	if i+2 >= len(toks) || toks[i].kind != tNum || len(toks[i].s) > 2 || d.used[i] {
		return dpart{}, false
	}
	sep := toks[i+1]
	if !(sep.isSym("/") || sep.isSym(".")) || !sep.glued() || toks[i+2].kind != tNum || !toks[i+2].glued() || len(toks[i+2].s) > 2 {
		return dpart{}, false
	}
	day, month := toks[i].num, toks[i+2].num
	if day < 1 || day > 31 || month < 1 || month > 12 {
		return dpart{}, false
	}
	p := dpart{day: day, month: month, from: i, next: i + 3}
	if i+4 < len(toks) && toks[i+3].s == sep.s && toks[i+3].kind == tSym && toks[i+3].glued() && toks[i+4].kind == tNum && toks[i+4].glued() {
		y := toks[i+4]
		switch len(y.s) {
		case 4:
			p.year, p.yearGiven, p.next = y.num, true, i+5
		case 2:
			p.year, p.yearGiven, p.next = 2000+y.num, true, i+5
		}
	}
	if !p.yearGiven {
		if sep.s == "." && !allowDot {
			return dpart{}, false
		}
		// "24/7" is a service promise, not the 24th of July
		if len(toks[i].s) == 1 && len(toks[i+2].s) == 1 || (day == 24 && month == 7 && len(toks[i+2].s) == 1) {
			return dpart{}, false
		}
	}
	return p, true
}

// singleAt reads one date at token i: "samedi 13 mars", "1er juillet 2027", "July 1",
// "September 14, 2027", "31/03/2027".
func (d *doc) singleAt(i int, allowDot bool) (dpart, bool) {
	k := i
	wd := 0
	if k < len(d.toks) && d.toks[k].kind == tWord && !d.used[k] {
		if w, ok := weekdayWords[d.toks[k].s]; ok {
			wd = w
			k++
			for k < len(d.toks) && (d.toks[k].isSym(",") || d.toks[k].isSym(".") || d.toks[k].is("the")) {
				k++
			}
		}
	}
	if p, ok := d.numericAt(k, allowDot); ok {
		p.from, p.weekday = i, wd
		return p, true
	}
	if day, j, ok := d.dayAt(k); ok {
		if j < len(d.toks) && d.toks[j].is("of") {
			j++
		}
		if m, j2, ok := d.monthAt(j); ok {
			p := dpart{day: day, month: m, weekday: wd, from: i, next: j2}
			if y, j3, ok := d.yearAt(j2); ok {
				p.year, p.yearGiven, p.next = y, true, j3
			}
			return p, true
		}
	}
	if m, j, ok := d.monthAt(k); ok {
		if day, j2, ok := d.dayAt(j); ok && !d.unitAfter(j2) {
			if _, _, isMonth := d.monthAt(j2); !isMonth {
				p := dpart{day: day, month: m, weekday: wd, from: i, next: j2}
				if y, j3, ok := d.yearAt(j2); ok {
					p.year, p.yearGiven, p.next = y, true, j3
				}
				return p, true
			}
		}
	}
	return dpart{}, false
}

// unitAfter reports whether token j makes the number before it an amount or a time of day.
func (d *doc) unitAfter(j int) bool {
	if j >= len(d.toks) {
		return false
	}
	t := d.toks[j]
	if t.isSym("%") || t.isSym(":") || currencyAt(d.toks, j) != "" {
		return true
	}
	if t.kind == tWord && t.glued() {
		return true
	}
	_, isUnit := durationUnits[t.s]
	return isUnit || t.is("h") || t.is("am") || t.is("pm")
}

var (
	rangeLeads     = map[string]bool{"du": true, "from": true, "between": true, "entre": true}
	rangeLinks     = map[string]bool{"au": true, "to": true, "until": true, "till": true, "through": true, "thru": true, "and": true, "et": true}
	deadlineLeads  = phrases("avant", "avant le", "before", "by", "until", "till", "jusqu au", "d ici le", "d ici", "au plus tard le", "no later than", "up until", "before the", "until the", "jusqu a", "expire le", "ends", "ends on", "se termine le", "prend fin le")
	startLeads     = phrases("a partir du", "a partir de", "des le", "from", "starting", "starting on", "from the", "starting from", "as of", "des")
	exclusiveLeads = phrases("avant", "avant le", "before", "before the")
	fullMonthLead  = phrases("through", "throughout", "tout le mois de", "tout le mois d", "tout le mois", "whole month of", "entire month of", "whole of", "all of", "all through", "durant tout", "pendant tout", "tout au long du mois de", "tout au long du mois d", "all month of")
)

// rangeAt reads a period at token i: "du 1er au 15 juillet 2027", "July 1–15", "01/09–14/09/2027",
// "between 1 and 31 October", "1 Oct – 31 Oct 2027", "10 → 30.04.2027".
func (d *doc) rangeAt(i int) (dpart, dpart, int, bool) {
	toks := d.toks
	k := i
	if k < len(toks) && toks[k].kind == tWord && rangeLeads[toks[k].s] {
		k++
		if k < len(toks) && (toks[k].is("le") || toks[k].is("the")) {
			k++
		}
	}
	left, ok := d.singleAt(k, true)
	if !ok {
		day, j, ok2 := d.dayAt(k)
		if !ok2 {
			return dpart{}, dpart{}, i, false
		}
		left = dpart{day: day, from: k, next: j}
	}
	j := left.next
	if j >= len(toks) || d.used[j] {
		return dpart{}, dpart{}, i, false
	}
	switch {
	case toks[j].isSym("-"):
		j++
	case toks[j].kind == tWord && rangeLinks[toks[j].s]:
		j++
	case toks[j].is("jusqu") && j+2 < len(toks) && toks[j+2].is("au"):
		j += 3
	default:
		return dpart{}, dpart{}, i, false
	}
	if j < len(toks) && (toks[j].is("le") || toks[j].is("the")) {
		j++
	}
	right, ok := d.singleAt(j, true)
	if !ok {
		if left.month == 0 {
			return dpart{}, dpart{}, i, false
		}
		day, j2, ok2 := d.dayAt(j)
		if !ok2 || d.unitAfter(j2) {
			return dpart{}, dpart{}, i, false
		}
		right = dpart{day: day, from: j, next: j2}
	}
	end := right.next
	if y, j3, ok := d.yearAt(end); ok && !right.yearGiven {
		right.year, right.yearGiven, end = y, true, j3
	}
	if left.month == 0 {
		left.month = right.month
	}
	if right.month == 0 {
		right.month = left.month
	}
	if !left.yearGiven && right.yearGiven {
		left.year, left.yearGiven = right.year, true
		if left.month > right.month {
			left.year--
		}
	}
	if !right.yearGiven && left.yearGiven {
		right.year, right.yearGiven = left.year, true
		if right.month < left.month {
			right.year++
		}
	}
	if left.month == 0 {
		return dpart{}, dpart{}, i, false
	}
	return left, right, end, true
}

// dates reads periods, deadlines and single dates, and the weekdays written next to them.
func (d *doc) dates() {
	toks := d.toks
	for i := 0; i < len(toks); i++ {
		if d.used[i] || !dateStart(toks[i]) {
			continue
		}
		if left, right, end, ok := d.rangeAt(i); ok {
			from, to := d.toDate(left), d.toDate(right)
			if to.Before(from) && !right.yearGiven {
				to.Year++
			}
			if impossible(from) || impossible(to) {
				// "du 11 janvier au 29 février 2027": a day the calendar does not have
				d.impossible = append(d.impossible, [2]int{i, end})
				for k := i; k < end; k++ {
					d.used[k] = true
				}
				i = end - 1
				continue
			}
			if valid(from) && valid(to) && !to.Before(from) {
				f := Fact{Kind: FactPeriod, From: from, To: to, yearGiven: left.yearGiven || right.yearGiven, pos: i, end: end}
				d.checkWeekday(left, from)
				d.checkWeekday(right, to)
				d.take(f)
				i = end - 1
				continue
			}
		}
		if f, ok := d.monthPartAt(i); ok {
			d.take(f)
			i = f.end - 1
			continue
		}
		if f, ok := d.monthPortionAt(i); ok {
			d.take(f)
			i = f.end - 1
			continue
		}
		// a dotted day and month without a year ("until 31.10") is a date only after a word
		// that announces one, and before no unit: "31.10 €" is an amount
		before := d.wordsBefore(i, 4)
		dotted := (endsWith(before, deadlineLeads) || endsWith(before, startLeads)) && !d.unitAfter(i+3) &&
			(i+3 >= len(toks) || quantityUnits[toks[i+3].s] == "")
		if p, ok := d.singleAt(i, dotted); ok {
			date := d.toDate(p)
			if impossible(date) {
				d.impossible = append(d.impossible, [2]int{i, p.next})
			}
			if !valid(date) {
				continue
			}
			f := Fact{Kind: FactDate, From: date, To: date, yearGiven: p.yearGiven, pos: i, end: p.next}
			if endsWith(d.wordsBefore(i, 4), startLeads) {
				f.Role = RoleStart // « à partir du 1er septembre »: when the offer starts
			}
			if before := d.wordsBefore(i, 4); endsWith(before, deadlineLeads) {
				f.Kind = FactDeadline
				f.From = chorus.Date{}
				// "before 1 November" ends on 31 October: a deadline keeps its last day, so it
				// agrees with "until 31 October" and « jusqu'au 31 octobre »
				if endsWith(before, exclusiveLeads) {
					f.Role = RoleBefore
				}
				for k := i - 1; k >= 0 && k >= i-5; k-- {
					if toks[k].is("avant") || toks[k].is("before") || toks[k].is("by") || toks[k].is("until") || toks[k].is("jusqu") || toks[k].is("till") {
						f.pos = k
						break
					}
				}
			}
			d.checkWeekday(p, date)
			d.take(f)
			i = p.next - 1
		}
	}
}

// monthPartWords name a part of a month that is one day: its end, its middle, its start.
var monthPartWords = map[string]int{"fin": -1, "end": -1, "mi": 15, "mid": 15, "debut": 1, "beginning": 1, "start": 1}

// monthPartAt reads « fin octobre », « d'ici fin octobre », "until the end of October",
// « mi-juillet », « début septembre 2027 »: the last, middle or first day of the month, a
// deadline after a deadline word.
func (d *doc) monthPartAt(i int) (Fact, bool) {
	part, ok := monthPartWords[d.toks[i].s]
	if !ok || d.toks[i].kind != tWord {
		return Fact{}, false
	}
	j := i + 1
	for j < len(d.toks) && (d.toks[j].isSym("-") || d.toks[j].is("of") || d.toks[j].is("de") || d.toks[j].is("d") ||
		d.toks[j].isSym("'") || d.toks[j].is("the") || d.toks[j].is("du") || d.toks[j].is("mois")) && j < i+5 {
		j++
	}
	m, next, ok := d.monthAt(j)
	if !ok {
		return Fact{}, false
	}
	y, end := d.year, next
	if yy, e, ok := d.yearAt(next); ok {
		y, end = yy, e
	}
	day := part
	if part < 0 {
		day = time.Date(y, time.Month(m)+1, 0, 12, 0, 0, 0, time.UTC).Day()
	}
	dt := chorus.Date{Year: y, Month: time.Month(m), Day: day}
	f := Fact{Kind: FactDate, From: dt, To: dt, pos: i, end: end}
	if before := d.wordsBefore(i, 4); endsWith(before, deadlineLeads) {
		f.Kind, f.From = FactDeadline, chorus.Date{}
	}
	return f, true
}

// dateStart reports whether a date expression may start at t, to skip most words quickly.
func dateStart(t token) bool {
	switch t.kind {
	case tSym:
		return false
	case tNum:
		return true
	}
	if t.s[0] >= '0' && t.s[0] <= '9' {
		return true
	}
	return dateStartWords[t.s]
}

// dateStartWords are the words a date expression may start with.
var dateStartWords = func() map[string]bool {
	m := map[string]bool{"du": true, "from": true, "between": true, "entre": true, "les": true, "the": true, "la": true,
		"first": true, "premiere": true, "premier": true}
	for w := range monthWords {
		m[w] = true
	}
	for w := range monthPartWords {
		m[w] = true
	}
	for w := range weekdayWords {
		m[w] = true
	}
	for w := range numberWords {
		m[w] = true
	}
	return m
}()

// monthPortionAt reads a period named by its part of a month: "les quinze premiers jours de
// juillet", "the first 15 days of July", "la première quinzaine de juillet", "all through
// October", "tout le mois d'octobre".
func (d *doc) monthPortionAt(i int) (Fact, bool) {
	toks := d.toks
	k := i
	if k < len(toks) && (toks[k].is("les") || toks[k].is("the") || toks[k].is("la")) {
		k++
	}
	first := false
	if k < len(toks) && toks[k].is("first") {
		first = true
		k++
	}
	var days int
	if n, ok := numberAt(toks, k); ok && n.whole && n.v >= 1 && n.v <= 31 {
		j := n.next
		if !first && j < len(toks) && (toks[j].is("premiers") || toks[j].is("first")) {
			first = true
			j++
		}
		if first && j < len(toks) && (toks[j].is("jours") || toks[j].is("days")) {
			days, k = int(n.v), j+1
		}
	} else if k+1 < len(toks) && (toks[k].is("premiere") || toks[k].is("first")) && (toks[k+1].is("quinzaine") || toks[k+1].is("fortnight") || toks[k+1].is("half")) {
		days, k = 15, k+2
	}
	if days > 0 {
		if k < len(toks) && (toks[k].is("de") || toks[k].is("d") || toks[k].is("of")) {
			k++
		}
		for k < len(toks) && toks[k].isSym("'") {
			k++
		}
		if m, j, ok := d.monthAt(k); ok {
			y, j2, yok := d.yearAt(j)
			if !yok {
				y, j2 = d.year, j
			}
			from := chorus.Date{Year: y, Month: time.Month(m), Day: 1}
			to := chorus.Date{Year: y, Month: time.Month(m), Day: days}
			if valid(to) {
				return Fact{Kind: FactPeriod, From: from, To: to, yearGiven: yok, pos: i, end: j2}, true
			}
		}
		return Fact{}, false
	}
	// a whole month
	if m, j, ok := d.monthAt(i); ok && endsWith(d.wordsBefore(i, 5), fullMonthLead) {
		if _, _, isDay := d.dayAt(j); isDay {
			return Fact{}, false
		}
		y, j2, yok := d.yearAt(j)
		if !yok {
			y, j2 = d.year, j
		}
		from := chorus.Date{Year: y, Month: time.Month(m), Day: 1}
		last := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
		pos := i
		for b := i - 1; b >= 0 && b >= i-5; b-- {
			if toks[b].is("through") || toks[b].is("throughout") || toks[b].is("tout") || toks[b].is("whole") || toks[b].is("entire") || toks[b].is("all") {
				pos = b
			}
		}
		return Fact{Kind: FactPeriod, From: from, To: chorus.Date{Year: y, Month: time.Month(m), Day: last}, yearGiven: yok, pos: pos, end: j2}, true
	}
	return Fact{}, false
}

func (d *doc) toDate(p dpart) chorus.Date {
	y := p.year
	if y == 0 {
		y = d.year
	}
	return chorus.Date{Year: y, Month: time.Month(p.month), Day: p.day}
}

// valid reports whether the date exists (no 31 April).
func valid(dt chorus.Date) bool {
	if dt.Month < 1 || dt.Month > 12 || dt.Day < 1 || dt.Year < 1 {
		return false
	}
	t := time.Date(dt.Year, dt.Month, dt.Day, 0, 0, 0, 0, time.UTC)
	return t.Day() == dt.Day
}

// RoleStart marks a date stated as the start of the offer.
const RoleStart = "start"

// RoleBefore marks a deadline stated exclusively ("before 1 November"): its last day is the
// day before the date written.
const RoleBefore = "before"

// last returns the last day a date fact covers: the day before an exclusive deadline's date,
// so "before 1 November" and "until 31 October" agree.
func (f Fact) last() chorus.Date {
	if f.Kind == FactDeadline && f.Role == RoleBefore {
		t := time.Date(f.To.Year, f.To.Month, f.To.Day, 12, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
		return chorus.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
	}
	return f.To
}

// impossible reports a well-formed date the calendar does not have: 29 February 2027, 31 April.
func impossible(dt chorus.Date) bool {
	return dt.Month >= 1 && dt.Month <= 12 && dt.Day >= 1 && dt.Day <= 31 && dt.Year > 0 && !valid(dt)
}

func (d *doc) checkWeekday(p dpart, dt chorus.Date) {
	if p.weekday == 0 || !valid(dt) {
		return
	}
	end := p.next
	d.weekdays = append(d.weekdays, weekdayCheck{date: dt, stated: p.weekday, pos: p.from, end: end})
}

// weekdayOf returns the weekday of dt as time.Weekday+1.
func weekdayOf(dt chorus.Date) int {
	return int(time.Date(dt.Year, dt.Month, dt.Day, 12, 0, 0, 0, time.UTC).Weekday()) + 1
}

// inside reports whether dt lies within [from, to].
func inside(dt, from, to chorus.Date) bool {
	return !dt.Before(from) && !to.Before(dt)
}
