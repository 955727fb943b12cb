package drift

import "strings"

// FactAge is an age limit of the offer's eligibility: Role AgeMax (« moins de 26 ans », "under
// 26", « -26 ans », « 25 ans ou moins ») or AgeMin (« dès 18 ans », "18+", « majeurs »); Value
// is the age included at the limit, so « moins de 26 ans » and « 25 ans ou moins » agree.
const FactAge FactKind = "age"

// Age limit roles.
const (
	AgeMax = "max"
	AgeMin = "min"
)

var (
	ageUnits    = map[string]bool{"ans": true, "an": true, "years": true, "year": true, "yrs": true}
	underWords  = phrases("moins de", "under", "pas encore", "below", "younger than")
	maxAfter    = phrases("ou moins", "or under", "or younger", "and under", "and younger", "maximum", "max")
	minBefore   = phrases("des", "a partir de", "from", "aged", "plus de", "over", "at least", "au moins")
	minAfter    = phrases("et plus", "and over", "and older", "or older", "or over", "et +", "ou plus", "minimum", "min")
	adultsWords = map[string]bool{"majeurs": true, "majeures": true, "majeur": true, "adultes": true, "adulte": true, "adults": true, "adult": true}
)

// ages reads age limits before durations, so "26 ans" in « moins de 26 ans » is an age limit
// and not a length of time.
func (d *doc) ages() {
	toks := d.toks
	for i := 0; i < len(toks); i++ {
		if d.used[i] {
			continue
		}
		t := toks[i]
		if t.kind == tWord && adultsWords[t.s] {
			d.take(Fact{Kind: FactAge, Role: AgeMin, Value: 18, pos: i, end: i + 1})
			continue
		}
		v, end, ok := 0, 0, false
		switch {
		case t.kind == tNum && t.num >= 10 && t.num < 100:
			v, end, ok = t.num, i+1, true
		case t.kind == tWord && strings.HasSuffix(t.s, "s") && allDigits(t.s[:len(t.s)-1]) && len(t.s) == 3: // "under-26s"
			v, end, ok = atoi(t.s[:2]), i+1, true
		case t.kind == tSym && (t.s == "+") && i > 0 && toks[i-1].kind == tNum && toks[i-1].num >= 10 && toks[i-1].num < 100 && t.glued():
			// "18+" is read at the number
		}
		if !ok {
			continue
		}
		unit := end < len(toks) && toks[end].kind == tWord && ageUnits[toks[end].s]
		if unit {
			end++
		}
		before := d.wordsBefore(i, 3)
		after := d.wordsAfter(end, 2, false)
		minus := i > 0 && (toks[i-1].isSym("-") || toks[i-1].isSym("<")) && t.glued() || (i > 0 && toks[i-1].isSym("<"))
		plus := end < len(toks) && toks[end].isSym("+") && toks[end].glued()
		switch {
		case (endsWith(before, underWords) || minus) && (unit || strings.HasSuffix(t.s, "s") || endsWith(before, phrases("under", "moins de"))):
			if minus && !unit {
				continue
			}
			d.take(Fact{Kind: FactAge, Role: AgeMax, Value: float64(v - 1), pos: max(i-1, 0), end: end})
		case unit && startsWith(after, maxAfter):
			d.take(Fact{Kind: FactAge, Role: AgeMax, Value: float64(v), pos: i, end: end + 2})
		case unit && startsWith(after, minAfter), plus && (unit || v >= 12):
			d.take(Fact{Kind: FactAge, Role: AgeMin, Value: float64(v), pos: i, end: end + 1})
		case unit && endsWith(before, minBefore) && !endsWith(before, phrases("from", "des")) || unit && endsWith(before, phrases("des", "from age", "a partir de")):
			d.take(Fact{Kind: FactAge, Role: AgeMin, Value: float64(v), pos: i, end: end})
		}
	}
}
