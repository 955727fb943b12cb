package drift

import (
	"math"
	"strings"

	"github.com/chorus-hq/chorus"
)

// FactKind is the family of a fact stated in a message.
type FactKind string

// The fact families the detector extracts.
const (
	FactPercent     FactKind = "percent"     // -30 %, 30% off, jusqu'à -30 %, 98 % d'origine naturelle
	FactMoney       FactKind = "money"       // 29,99 €, €29.99, dès 500 €, €12.99/month
	FactPeriod      FactKind = "period"      // du 1er au 15 juillet 2027, July 1–15
	FactDeadline    FactKind = "deadline"    // avant le 31 mars 2027
	FactDate        FactKind = "date"        // samedi 13 mars, 20 September
	FactDuration    FactKind = "duration"    // bloqué 3 ans, first 3 months
	FactPhone       FactKind = "phone"       // 09 69 32 15 15
	FactURL         FactKind = "url"         // doucenuit.fr
	FactCode        FactKind = "code"        // code ETE30
	FactScope       FactKind = "scope"       // en magasin et en ligne, uniquement en magasin
	FactEligibility FactKind = "eligibility" // nouveaux clients uniquement
	FactCondition   FactKind = "condition"   // sans engagement, quel que soit son état
)

// Roles of amounts and percentages, and values of scope, eligibility and condition facts.
const (
	RoleDiscount  = "discount"  // a reduction: -30 %, €50 off
	RoleUpTo      = "upto"      // a capped reduction: jusqu'à -30 %
	RoleShare     = "share"     // a proportion: 98 % d'origine naturelle
	RolePrice     = "price"     // a plain price
	RolePromo     = "promo"     // the offer price before "au lieu de"
	RoleRef       = "ref"       // the reference price after "au lieu de"
	RoleThreshold = "threshold" // a minimum spend: dès 500 €

	ScopeBoth       = "both"
	ScopeStore      = "store"
	ScopeOnline     = "online"
	ScopeStoreOnly  = "store_only"
	ScopeOnlineOnly = "online_only"

	EligNew     = "new"
	EligAll     = "all"
	EligMembers = "members" // kept for an audience: members, private customers, holders of a card

	CondNoCommit  = "no_commit"
	CondCommit    = "commit"
	CondAnyState  = "any_state"
	CondGoodState = "good_state"
	CondSelection = "selection"
)

// Fact is one checkable statement of a message.
type Fact struct {
	Kind  FactKind
	Role  string  // see the Role, Scope, Elig and Cond constants
	Value float64 // amount, percentage or duration length
	Unit  string  // currency (EUR, USD, GBP) or duration unit (year, month, week, day, hour)
	Per   string  // for amounts paid per period: month, year, week, day
	From  chorus.Date
	To    chorus.Date
	Text  string // normalised phone digits, host name or promo code
	Path  string // the folded path of a URL, without its leading slash
	Item  string // the words of the item the fact is about: « toute la literie » for « -30 % sur toute la literie »
	Quote string // the words of the message that state the fact

	weekday   int  // stated weekday + 1 (0 when none)
	yearGiven bool // the year was written
	pos, end  int  // token span [pos, end)
	ctx       []string
}

// family groups fact kinds that contradict each other: a deadline can contradict a period.
func (f Fact) family() FactKind {
	switch f.Kind {
	case FactPeriod, FactDeadline, FactDate:
		return FactDate
	}
	return f.Kind
}

// doc is a tokenised message with what was read in it.
type doc struct {
	text  string
	toks  []token
	used  []bool
	facts []Fact
	units []unit
	year  int

	weekdays []weekdayCheck
	scopeSt  scopeState
	denied   []bool   // tokens of questions answered « Non » (see markDenied)
	sents    [][2]int // sentence spans, split once
	// impossible are token spans of dates the calendar does not have
	impossible [][2]int
}

// unit is one content concept of a text: a lexicon concept or a stemmed word.
type unit struct {
	id       string
	word     string // first folded word, for abbreviation matching
	from, to int    // token span
	weight   int    // 2 per token written with a capital or a digit (names), else 1
	fact     bool   // part of a fact
}

func newDoc(text string, year int) *doc {
	toks := tokenize(text)
	return &doc{text: text, toks: toks, used: make([]bool, len(toks)), year: year,
		facts: make([]Fact, 0, 8), units: make([]unit, 0, len(toks)/2+1)}
}

func (d *doc) free(from, to int) bool {
	for k := from; k < to && k < len(d.used); k++ {
		if d.used[k] {
			return false
		}
	}
	return true
}

func (d *doc) take(f Fact) {
	for k := f.pos; k < f.end && k < len(d.used); k++ {
		d.used[k] = true
	}
	f.Quote = quote(d.text, d.toks, f.pos, f.end-1)
	d.facts = append(d.facts, f)
}

// extract reads every fact family, most specific first, so a phone number is never read as
// a price and a date never as a decimal number.
func (d *doc) extract(trie *phraseTrie) {
	d.phones()
	d.urls()
	d.codes()
	d.dates()
	d.money()
	d.percents()
	d.ages()
	d.durations()
	d.quantities()
	d.bundles()
	d.minCounts()
	d.fractions()
	d.concepts(trie)
}

// boundary reports whether token k ends a clause for context windows.
func (d *doc) boundary(k int) bool {
	t := d.toks[k]
	if t.kind != tSym {
		return false
	}
	if t.emoji {
		return true
	}
	switch t.s {
	case "!", "?", "·", ";", "(", ")":
		return true
	case ".":
		return k+1 >= len(d.toks) || d.toks[k+1].space
	}
	return false
}

// skippable symbols inside phrases around numbers.
func skippable(t token) bool {
	return t.kind == tSym && !t.emoji && (t.s == "(" || t.s == ":" || t.s == "\"" || t.s == "'" || t.s == ",")
}

// auxiliaries sit between an amount and its qualifier: "50 € sont déduits".
var auxiliaries = map[string]bool{"sont": true, "est": true, "seront": true, "sera": true, "is": true, "are": true, "be": true, "will": true, "vous": true, "you": true}

// wordsBefore returns up to n folded words before token i, nearest last, within the clause.
func (d *doc) wordsBefore(i, n int) []string {
	var out []string
	for k := i - 1; k >= 0 && len(out) < n; k-- {
		t := d.toks[k]
		if t.kind == tSym {
			if skippable(t) || joiner(t) {
				continue
			}
			break
		}
		out = append(out, t.s)
		if t.nl {
			break
		}
	}
	for a, b := 0, len(out)-1; a < b; a, b = a+1, b-1 {
		out[a], out[b] = out[b], out[a]
	}
	return out
}

// wordsAfter returns up to n folded words from token i on, within the clause.
func (d *doc) wordsAfter(i, n int, skipAux bool) []string {
	var out []string
	for k := i; k < len(d.toks) && len(out) < n; k++ {
		t := d.toks[k]
		if k > i && t.nl {
			break
		}
		if t.kind == tSym {
			if skippable(t) || joiner(t) {
				continue
			}
			break
		}
		if skipAux && len(out) == 0 && auxiliaries[t.s] {
			continue
		}
		out = append(out, t.s)
	}
	return out
}

// endsWith reports whether words ends with one of the phrases.
func endsWith(words []string, phrases [][]string) bool {
	for _, p := range phrases {
		if len(p) <= len(words) && equalWords(words[len(words)-len(p):], p) {
			return true
		}
	}
	return false
}

// startsWith reports whether words starts with one of the phrases.
func startsWith(words []string, phrases [][]string) bool {
	for _, p := range phrases {
		if len(p) <= len(words) && equalWords(words[:len(p)], p) {
			return true
		}
	}
	return false
}

func equalWords(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] && !(strings.HasSuffix(b[i], "*") && strings.HasPrefix(a[i], b[i][:len(b[i])-1])) {
			return false
		}
	}
	return true
}

func phrases(ps ...string) [][]string {
	out := make([][]string, len(ps))
	for i, p := range ps {
		out[i] = strings.Fields(p)
	}
	return out
}

var (
	refBefore = phrases("au lieu de", "au lieu d", "au lieu des", "instead of", "was", "rrp", "prix habituel", "prix barre",
		"prix de reference", "prix public", "prix conseille", "habituellement", "contre", "initialement", "normalement",
		"usually", "normally", "regular price", "previously", "vs", "compare at", "list price", "au lieu du", "instead of the")
	promoAfter = phrases("au lieu de", "au lieu d", "au lieu des", "au lieu du", "instead of", "was", "rrp", "prix habituel",
		"prix barre", "prix de reference", "contre", "vs", "initialement", "usually", "normally", "regular price", "previously",
		"prix public", "prix conseille", "list price")
	thresholdBefore = phrases("des", "a partir de", "a partir d", "minimum", "minimum de", "over", "above", "spend", "spending",
		"au dela de", "plus de", "pour tout achat de", "pour un achat de", "orders over", "purchases over", "orders of",
		"purchases of", "min")
	thresholdAfter  = phrases("d achat", "d achats", "of purchase", "or more", "minimum", "et plus", "d achat minimum", "spent")
	discountAfter   = phrases("off", "de remise", "de reduction", "de rabais", "deduit*", "de moins", "de reprise", "rembourse*", "de cashback", "cashback", "d economie*", "offert", "offerts", "de bon d achat", "en bon d achat", "discount", "rebate", "de reduc")
	discountBefore  = phrases("remise de", "reduction de", "rabais de", "deduction de", "save", "economisez", "saving", "discount of", "rebate of", "remise immediate de")
	pctReductAfter  = phrases("off", "de remise", "de reduction", "de rabais", "discount", "de moins", "d economie*", "de reduc")
	pctReductBefore = phrases("remise de", "reduction de", "rabais de", "discount of", "save", "saving", "economisez", "taking", "take")
	upToBefore      = phrases("jusqu a", "jusqu", "up to", "as much as", "jusqua", "until")
	perUnits        = map[string]string{"mois": "month", "month": "month", "mo": "month", "mth": "month", "an": "year", "year": "year", "yr": "year", "annee": "year", "semaine": "week", "week": "week", "wk": "week", "jour": "day", "day": "day", "j": "day"}
	perAfter        = map[string]string{"par mois": "month", "per month": "month", "a month": "month", "each month": "month", "every month": "month", "chaque mois": "month", "mensuel": "month", "monthly": "month", "par an": "year", "per year": "year", "a year": "year", "annuel": "year", "yearly": "year", "par semaine": "week", "per week": "week", "a week": "week", "par jour": "day", "per day": "day", "a day": "day"}
)

// money reads amounts with a currency sign or word before or after the number.
func (d *doc) money() {
	toks := d.toks
	for i := 0; i < len(toks); i++ {
		if d.used[i] {
			continue
		}
		var n num
		var ok bool
		cur := ""
		from, to := i, 0
		if c := currencyAt(toks, i); c != "" && toks[i].kind == tSym {
			if n, ok = numberAt(toks, i+1); ok && !n.word && d.free(n.from, n.next) {
				cur, to = c, n.next
			}
		}
		if cur == "" {
			if n, ok = numberAt(toks, i); !ok || !d.free(n.from, n.next) {
				continue
			}
			c := currencyAt(toks, n.next)
			if c == "" {
				continue
			}
			cur, to = c, n.next+1
			// "9€90": the currency sign as the decimal separator
			if n.whole && !n.word && to < len(toks) && toks[to].kind == tNum && toks[to].glued() && len(toks[to].s) == 2 && toks[n.next].glued() {
				n.v += float64(toks[to].num) / 100
				to++
			}
		}
		f := Fact{Kind: FactMoney, Value: round2(n.v), Unit: cur, Role: RolePrice, pos: from, end: to}
		// per period: "€1/month", "12,99 €/mois", "€12.99 per month"
		if to+1 < len(toks) && toks[to].isSym("/") && toks[to+1].kind == tWord {
			if p, ok := perUnits[stem(toks[to+1].s)]; ok {
				f.Per, f.end = p, to+2
			} else if p, ok := perUnits[toks[to+1].s]; ok {
				f.Per, f.end = p, to+2
			}
		}
		after := d.wordsAfter(f.end, 5, true)
		if f.Per == "" && len(after) >= 2 {
			if p, ok := perAfter[after[0]+" "+stem(after[1])]; ok {
				f.Per = p
			} else if p, ok := perAfter[after[0]+" "+after[1]]; ok {
				f.Per = p
			}
		}
		if f.Per == "" && len(after) >= 1 {
			if p, ok := perAfter[after[0]]; ok {
				f.Per = p
			}
		}
		before := d.wordsBefore(from, 5)
		switch {
		case endsWith(before, refBefore):
			f.Role = RoleRef
		case startsWith(after, promoAfter):
			f.Role = RolePromo
		case endsWith(before, thresholdBefore) || startsWith(after, thresholdAfter):
			f.Role = RoleThreshold
		case startsWith(after, discountAfter) || endsWith(before, discountBefore):
			f.Role = RoleDiscount
		}
		d.take(f)
		i = f.end - 1
	}
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// percents reads percentages: "-30 %", "30% off", "trente pour cent", "jusqu'à -30 %".
func (d *doc) percents() {
	toks := d.toks
	for i := 0; i < len(toks); i++ {
		if d.used[i] {
			continue
		}
		n, ok := numberAt(toks, i)
		if !ok || !d.free(n.from, n.next) {
			continue
		}
		j := n.next
		switch {
		case j < len(toks) && toks[j].isSym("%"):
			j++
		case j+1 < len(toks) && toks[j].is("pour") && toks[j+1].is("cent"):
			j += 2
		case j+1 < len(toks) && toks[j].is("per") && toks[j+1].is("cent"):
			j += 2
		case j < len(toks) && (toks[j].is("percent") || toks[j].is("pourcent") || toks[j].is("pct")):
			j++
		default:
			continue
		}
		f := Fact{Kind: FactPercent, Value: n.v, Role: RoleShare, pos: i, end: j}
		signed := false
		if i > 0 && toks[i-1].isSym("-") && toks[i].glued() && (i < 2 || toks[i-1].space || toks[i-2].kind == tSym) {
			signed = true
			f.pos = i - 1
		} else if i > 0 && (toks[i-1].is("moins") || toks[i-1].is("minus")) {
			signed = true
			f.pos = i - 1
		}
		before := d.wordsBefore(f.pos, 4)
		after := d.wordsAfter(j, 3, false)
		if signed || startsWith(after, pctReductAfter) || endsWith(before, pctReductBefore) {
			f.Role = RoleDiscount
		}
		if endsWith(before, upToBefore) {
			f.Role = RoleUpTo
			for k := f.pos - 1; k >= 0 && k >= f.pos-4; k-- {
				if toks[k].is("jusqu") || toks[k].is("up") || toks[k].is("jusqua") || toks[k].is("as") {
					f.pos = k
					break
				}
			}
		}
		d.take(f)
		i = j - 1
	}
}

// durationUnits maps unit words to duration units.
var durationUnits = map[string]string{
	"an": "year", "ans": "year", "annee": "year", "annees": "year", "year": "year", "years": "year", "yr": "year", "yrs": "year",
	"mois": "month", "month": "month", "months": "month",
	"semaine": "week", "semaines": "week", "week": "week", "weeks": "week",
	"jour": "day", "jours": "day", "journee": "day", "journees": "day", "day": "day", "days": "day",
	"heure": "hour", "heures": "hour", "hour": "hour", "hours": "hour", "hr": "hour", "hrs": "hour",
}

// durations reads lengths of time: "3 ans", "three months", "40-hour", "40h of battery",
// "premier mois".
func (d *doc) durations() {
	toks := d.toks
	for i := 0; i < len(toks); i++ {
		if d.used[i] || toks[i].kind == tSym {
			continue
		}
		// "40h of battery", "40h d'autonomie"
		if t := toks[i]; t.kind == tWord && len(t.s) >= 2 && t.s[len(t.s)-1] == 'h' && allDigits(t.s[:len(t.s)-1]) {
			if a := d.wordsAfter(i+1, 1, false); len(a) == 1 && (a[0] == "of" || a[0] == "d" || a[0] == "de") {
				f := Fact{Kind: FactDuration, Value: float64(atoi(t.s[:len(t.s)-1])), Unit: "hour", pos: i, end: i + 1}
				d.take(f)
			}
			continue
		}
		// "premier mois", "your first month"
		if v, ok := ordinalWords[toks[i].s]; ok && v == 1 && i+1 < len(toks) && d.free(i+1, i+2) {
			if u, ok := durationUnits[toks[i+1].s]; ok && u != "hour" {
				f := Fact{Kind: FactDuration, Value: 1, Unit: u, pos: i, end: i + 2}
				d.take(f)
				i++
				continue
			}
		}
		n, ok := numberAt(toks, i)
		if !ok || !d.free(n.from, n.next) || n.v >= 1900 || n.v <= 0 {
			continue
		}
		j := n.next
		if j < len(toks) && toks[j].isSym("-") && toks[j].glued() {
			j++
		}
		// "vos 3 premiers mois", "the 3 first months"
		if j+1 < len(toks) && (toks[j].is("premiers") || toks[j].is("premieres") || toks[j].is("first")) {
			j++
		}
		if j >= len(toks) || toks[j].kind != tWord || !d.free(j, j+1) {
			continue
		}
		u, ok := durationUnits[toks[j].s]
		if !ok {
			continue
		}
		if i > 0 && (toks[i-1].isSym("/") || toks[i-1].is("par") || toks[i-1].is("per") || toks[i-1].is("chaque") || toks[i-1].is("every")) {
			continue
		}
		f := Fact{Kind: FactDuration, Value: n.v, Unit: u, pos: i, end: j + 1}
		d.take(f)
		i = j
	}
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s) && n < 1e9; i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n = n*10 + int(s[i]-'0')
		}
	}
	return n
}

// tlds are the top-level domains recognised in bare host names such as "doucenuit.fr".
var tlds = map[string]bool{"fr": true, "com": true, "be": true, "ch": true, "ca": true, "lu": true, "io": true, "net": true,
	"org": true, "eu": true, "de": true, "es": true, "it": true, "uk": true, "co": true, "nl": true, "ie": true, "us": true,
	"info": true, "biz": true, "app": true, "shop": true}
