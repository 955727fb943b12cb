package drift

import (
	"math"
	"slices"
	"strings"

	"github.com/chorus-hq/chorus"
)

// Kind is the kind of a drift finding.
type Kind string

// The finding kinds of the labelled sets.
const (
	KindFact       Kind = "fact"        // a stated fact contradicts the global message
	KindMissing    Kind = "missing"     // a must-include point is not stated
	KindOffMessage Kind = "off_message" // another offer or subject leads the message
	KindGlossary   Kind = "glossary"    // a forbidden glossary variant is used
)

// Kinds lists the finding kinds in report order.
var Kinds = []Kind{KindFact, KindMissing, KindOffMessage, KindGlossary}

// Severity tells how urgent a finding is.
type Severity string

// The severities.
const (
	SeverityHigh   Severity = "high"
	SeverityMedium Severity = "medium"
	SeverityLow    Severity = "low"
)

// Verdict is the result of checking one channel message. Findings are confident: they alert
// the channel. Review holds findings of low confidence, for a lead to check (« à vérifier »)
// and for the LLM judge to confirm; they do not make the message drift.
type Verdict struct {
	Drift    bool
	Findings []Finding
	Review   []Finding
}

// Kinds returns the distinct kinds of the verdict's findings, in Kinds order.
func (v Verdict) Kinds() []Kind {
	var out []Kind
	for _, k := range Kinds {
		if slices.ContainsFunc(v.Findings, func(f Finding) bool { return f.Kind == k }) {
			out = append(out, k)
		}
	}
	return out
}

// Finding is one reason a channel message drifts.
type Finding struct {
	Kind        Kind
	Severity    Severity
	Quote       string // the words of the channel message at fault ("" for a missing point)
	GlobalQuote string // what the global message, a must-include point or the glossary says
	Code        string // catalog key of the reason
	Args        []any  // reason arguments; Localizer values render in the reader's language
	Suggestion  string // what to write instead, in the channel message's language
	// Confidence is how sure the detector is, from 0 to 1: ConfidentAt and above alert.
	Confidence float64
	pos        int
	family     FactKind
}

// Reason explains the finding in lang: « -25 % ≠ -30 % du message global ».
func (f Finding) Reason(lang chorus.Lang) string {
	return catalog.T(lang, f.Code, localize(f.Args, lang)...)
}

// check holds the state of one Check call.
type check struct {
	r      *Reference
	d      *doc
	lang   chorus.Lang
	set    map[string]bool
	abbr   []string
	found  []Finding
	review []Finding
	gunits []unit
}

// Check compares text, a channel message in lang ("" to detect it), with the reference.
func (r *Reference) Check(text string, lang chorus.Lang) Verdict {
	d := newDoc(text, r.year)
	d.extract(r.trie)
	if lang == "" {
		lang = detectLang(d.toks)
	}
	c := &check{r: r, d: d, lang: lang, set: make(map[string]bool, len(d.units)+8)}
	for _, u := range d.units {
		c.set[u.id] = true
	}
	c.gunits = r.glossUnits(d)
	for _, u := range c.gunits {
		c.set[u.id] = true
	}
	for k, t := range d.toks {
		if t.kind == tWord && len(t.s) >= 3 && k+1 < len(d.toks) && d.toks[k+1].isSym(".") && d.toks[k+1].glued() {
			c.abbr = append(c.abbr, t.s)
		}
	}
	c.glossary()
	c.facts()
	c.unsupported()
	if c.r.source == nil {
		c.polarity()
	}
	lead, off := c.offMessage()
	if off {
		// facts stated about the other subject are not the campaign's facts
		c.found = slices.DeleteFunc(c.found, func(f Finding) bool { return f.Kind == KindFact && f.pos < lead })
	}
	c.missing()
	c.candidates()
	for i := range c.found {
		if c.found[i].Confidence == 0 {
			c.found[i].Confidence = confidenceHigh
		}
	}
	c.found, c.review = c.r.accepted(c.found, text), c.r.accepted(c.review, text)
	slices.SortStableFunc(c.found, func(a, b Finding) int { return kindRank(a.Kind) - kindRank(b.Kind) })
	return Verdict{Drift: len(c.found) > 0, Findings: c.found, Review: c.review}
}

func kindRank(k Kind) int { return slices.Index(Kinds, k) }

// detectLang tells French from English by their function words.
func detectLang(toks []token) chorus.Lang {
	fr, en := 0, 0
	for _, t := range toks {
		switch t.s {
		case "le", "la", "les", "des", "du", "et", "est", "pour", "sur", "avec", "votre", "vos", "nos", "au", "aux", "une", "dans", "en":
			fr++
		case "the", "and", "is", "for", "on", "with", "your", "our", "to", "of", "in", "at", "get", "from":
			en++
		}
	}
	if en > fr {
		return chorus.English
	}
	return chorus.French
}

func (c *check) add(f Finding) {
	for _, g := range c.found {
		if g.Kind == f.Kind && g.Quote == f.Quote && g.Code == f.Code && g.GlobalQuote == f.GlobalQuote {
			return
		}
	}
	c.found = append(c.found, f)
}

// glossary reports forbidden variants.
func (c *check) glossary() {
	for _, m := range c.r.gloss.matches(c.d, c.lang) {
		q := c.d.text[m.start:m.end]
		c.add(Finding{Kind: KindGlossary, Severity: SeverityMedium, Quote: q, GlobalQuote: m.entry.term.Term,
			Code: "drift.reason.glossary", Args: []any{q, m.entry.term.Term}, Suggestion: m.entry.term.Term, pos: c.tokAt(m.start)})
	}
}

func (c *check) tokAt(byteOff int) int {
	for k, t := range c.d.toks {
		if t.end > byteOff {
			return k
		}
	}
	return len(c.d.toks)
}

// mismatch reports a channel fact that contradicts a reference fact.
func (c *check) mismatch(cf, gf Fact, code string) {
	args := []any{cf, gf}
	switch code {
	case "drift.reason.upto", "drift.reason.flat", "drift.reason.scope":
		args = []any{cf.Quote, gf}
		if code == "drift.reason.scope" {
			args = []any{cf, gf.Quote}
		}
	case "drift.reason.restriction":
		args = []any{cf.Quote}
	}
	c.add(Finding{Kind: KindFact, Severity: SeverityHigh, Quote: cf.Quote, GlobalQuote: gf.Quote, Code: code, Args: args,
		Suggestion: gf.Format(c.lang), pos: cf.pos, family: cf.family()})
}

// facts compares every fact of the channel message with the reference.
func (c *check) facts() {
	r := c.r
	for _, cf := range c.d.facts {
		switch cf.Kind {
		case FactPercent:
			c.percent(cf)
		case FactMoney:
			c.money(cf)
		case FactPeriod, FactDeadline, FactDate:
			c.date(cf)
		case FactDuration:
			if gf, bad := c.closestByContext(cf, r.of(FactDuration), func(g Fact) bool { return g.Unit == cf.Unit }); bad {
				c.mismatch(cf, gf, "drift.reason.mismatch")
			}
		case FactPhone:
			for _, gf := range r.of(FactPhone) {
				if gf.Text == cf.Text {
					break
				}
				if len(gf.Text) == len(cf.Text) && gf.Text[:4] == cf.Text[:4] {
					c.mismatch(cf, gf, "drift.reason.mismatch")
					break
				}
			}
		case FactURL:
			c.url(cf)
		case FactCode:
			gs := r.of(FactCode)
			if len(gs) > 0 && !slices.ContainsFunc(gs, func(g Fact) bool { return g.Text == cf.Text }) {
				c.mismatch(cf, closestText(gs, cf.Text), "drift.reason.mismatch")
			}
		case FactBundle:
			c.bundle(cf)
		case FactQuantity:
			if slices.ContainsFunc(r.of(FactQuantity), func(g Fact) bool { return g.Role == RoleUpTo && g.Unit == cf.Unit && cf.Value <= g.Value }) {
				break
			}
			if gf, bad := c.closestByContext(cf, r.of(FactQuantity), func(g Fact) bool { return g.Unit == cf.Unit }); bad {
				c.mismatch(cf, gf, "drift.reason.mismatch")
			}
		case FactAge:
			gs := slices.DeleteFunc(slices.Clone(r.of(FactAge)), func(g Fact) bool { return g.Role != cf.Role })
			if len(gs) > 0 && !slices.ContainsFunc(gs, func(g Fact) bool { return g.Value == cf.Value }) {
				c.mismatch(cf, closestValue(gs, cf.Value), "drift.reason.mismatch")
			}
		case FactScope:
			c.scope(cf)
		case FactEligibility:
			c.eligibility(cf)
		case FactCondition:
			c.condition(cf)
		}
	}
	c.strayCodes()
	for _, sp := range c.d.impossible {
		q := quote(c.d.text, c.d.toks, sp[0], sp[1]-1)
		c.add(Finding{Kind: KindFact, Severity: SeverityHigh, Quote: q, Code: "drift.reason.impossible_date", Args: []any{q}, pos: sp[0], family: FactDate})
	}
	for _, w := range c.d.weekdays {
		if actual := weekdayOf(w.date); actual != w.stated {
			q := quote(c.d.text, c.d.toks, w.pos, w.end-1)
			df := Fact{Kind: FactDate, From: w.date, To: w.date, Quote: q}
			c.add(Finding{Kind: KindFact, Severity: SeverityMedium, Quote: q, Code: "drift.reason.weekday",
				Args: []any{df, Weekday(actual), Weekday(w.stated)}, Suggestion: Weekday(actual).Format(c.lang) + " " + df.Format(c.lang),
				pos: w.pos, family: FactDate})
		}
	}
}

// moved reports whether a value the campaign gives to one item is given to another: the
// channel fact's words match another reference fact of the same kind and another value
// better than the one whose value it has ("10% off all running shoes" where the campaign
// gives 20 % to the shoes and 10 % to the members' extra).
func (c *check) moved(cf Fact, gs []Fact) (Fact, bool) {
	best, bestOther := -1, -1
	var other Fact
	for _, g := range gs {
		o := overlap(cf.ctx, g.ctx)
		if g.Value == cf.Value {
			best = max(best, o)
		} else if o > bestOther {
			bestOther, other = o, g
		}
	}
	return other, best >= 0 && bestOther >= 2 && bestOther > best+1
}

func (c *check) percent(cf Fact) {
	gs := c.r.of(FactPercent)
	if len(gs) == 0 {
		return
	}
	discounts := slices.DeleteFunc(slices.Clone(gs), func(g Fact) bool { return g.Role == RoleShare })
	if g, moved := c.moved(cf, gs); moved {
		c.mismatch(cf, g, "drift.reason.mismatch")
		return
	}
	for _, g := range gs {
		if g.Value != cf.Value {
			continue
		}
		switch {
		case cf.Role == RoleUpTo && g.Role != RoleUpTo && !slices.ContainsFunc(gs, func(h Fact) bool { return h.Value == cf.Value && h.Role == RoleUpTo }):
			c.mismatch(cf, g, "drift.reason.upto")
		case cf.Role == RoleDiscount && g.Role == RoleUpTo && !slices.ContainsFunc(gs, func(h Fact) bool { return h.Value == cf.Value && h.Role != RoleUpTo }):
			c.mismatch(cf, g, "drift.reason.flat")
		}
		return
	}
	// "20 % then 10 % more" is 28 % in all: a total the brief's own discounts compound to
	for a := range discounts {
		for b := range discounts {
			if a != b && math.Abs(100-(100-discounts[a].Value)*(100-discounts[b].Value)/100-cf.Value) < 0.01 {
				return
			}
		}
	}
	switch cf.Role {
	case RoleDiscount, RoleUpTo:
		if len(discounts) > 0 {
			c.mismatch(cf, closestValue(discounts, cf.Value), "drift.reason.mismatch")
			return
		}
	}
	if gf, bad := c.closestByContext(cf, gs, func(Fact) bool { return true }); bad {
		c.mismatch(cf, gf, "drift.reason.mismatch")
	}
}

func (c *check) money(cf Fact) {
	gs := c.r.of(FactMoney)
	same := func(g Fact) bool { return g.Unit == cf.Unit && math.Abs(g.Value-cf.Value) < 0.005 }
	if slices.ContainsFunc(gs, same) || slices.ContainsFunc(c.r.derived, same) {
		return
	}
	var slot []Fact
	for _, g := range gs {
		if g.Unit == cf.Unit && g.Role == cf.Role && g.Per == cf.Per {
			slot = append(slot, g)
		}
	}
	if len(slot) == 0 {
		return
	}
	if cf.Role == RolePrice && cf.Per == "" {
		// a plain price may belong to another product: compare it only when it is about the
		// same thing ("£150 welcome bonus" against "£100 welcome bonus")
		if gf, bad := c.closestByContext(cf, slot, func(Fact) bool { return true }); bad {
			c.mismatch(cf, gf, "drift.reason.mismatch")
		}
		return
	}
	c.mismatch(cf, closestValue(slot, cf.Value), "drift.reason.mismatch")
}

// windows returns the periods the campaign runs in: its periods, and up to each deadline.
func (c *check) windows() [][2]chorus.Date {
	var w [][2]chorus.Date
	for _, g := range c.r.of(FactPeriod) {
		w = append(w, [2]chorus.Date{g.From, g.To})
	}
	for _, g := range c.r.of(FactDeadline) {
		w = append(w, [2]chorus.Date{{Year: 1, Month: 1, Day: 1}, g.To})
	}
	return w
}

func (c *check) date(cf Fact) {
	periods, deadlines, singles := c.r.of(FactPeriod), c.r.of(FactDeadline), c.r.of(FactDate)
	if len(periods)+len(deadlines)+len(singles) == 0 {
		return
	}
	switch cf.Kind {
	case FactPeriod:
		for _, g := range periods {
			if g.From == cf.From && g.To == cf.To {
				return
			}
		}
		for _, w := range c.windows() {
			if inside(cf.From, w[0], w[1]) && inside(cf.To, w[0], w[1]) && cf.From != w[0] && cf.To != w[1] {
				return // an event within the offer
			}
		}
		if len(periods)+len(deadlines) == 0 {
			return
		}
		c.mismatch(cf, c.closestPeriod(cf, periods, deadlines), "drift.reason.mismatch")
	case FactDeadline:
		for _, g := range slices.Concat(periods, deadlines) {
			if g.last() == cf.last() {
				return
			}
		}
		if len(periods)+len(deadlines) == 0 {
			return
		}
		if len(deadlines) > 0 {
			c.mismatch(cf, deadlines[0], "drift.reason.mismatch")
			return
		}
		c.mismatch(cf, c.closestPeriod(cf, periods, nil), "drift.reason.mismatch")
	case FactDate:
		for _, g := range slices.Concat(periods, deadlines, singles) {
			if g.From == cf.From || g.To == cf.From {
				return
			}
		}
		if cf.Role == RoleStart && len(periods) > 0 {
			// the offer starting on another day than the campaign's
			c.mismatch(cf, c.closestPeriod(cf, periods, nil), "drift.reason.mismatch")
			return
		}
		for _, w := range c.windows() {
			if inside(cf.From, w[0], w[1]) {
				return
			}
		}
		if gf, bad := c.closestByContext(cf, singles, func(Fact) bool { return true }); bad {
			c.mismatch(cf, gf, "drift.reason.mismatch")
		}
	}
}

// closestPeriod picks the reference period a channel period most likely restates: one
// sharing an end, else one overlapping it, else the first.
func (c *check) closestPeriod(cf Fact, periods, deadlines []Fact) Fact {
	for _, g := range periods {
		if g.From == cf.From || g.To == cf.To {
			return g
		}
	}
	for _, g := range periods {
		if !cf.To.Before(g.From) && !g.To.Before(cf.From) {
			return g
		}
	}
	if len(periods) > 0 {
		return periods[0]
	}
	return deadlines[0]
}

// closestByContext returns the reference fact of the same slot (per keep) that talks about the
// same thing as cf (shared context concepts), when none has cf's value.
func (c *check) closestByContext(cf Fact, gs []Fact, keep func(Fact) bool) (Fact, bool) {
	var cands []Fact
	for _, g := range gs {
		if !keep(g) {
			continue
		}
		if g.Value == cf.Value && (cf.Kind != FactDate || g.From == cf.From) {
			return Fact{}, false
		}
		cands = append(cands, g)
	}
	best, bestN := Fact{}, 0
	for _, g := range cands {
		n := overlap(cf.ctx, g.ctx)
		if n > bestN {
			best, bestN = g, n
		}
	}
	return best, bestN > 0
}

// weakConcepts are too common to tie two numbers together.
var weakConcepts = map[string]bool{cAll: true, "c:offer": true, "c:available": true}

func overlap(a, b []string) int {
	n := 0
	for i, x := range a {
		if weakConcepts[x] || slices.Contains(a[:i], x) {
			continue
		}
		if slices.Contains(b, x) {
			n++
		}
	}
	return n
}

func closestValue(gs []Fact, v float64) Fact {
	best := gs[0]
	for _, g := range gs[1:] {
		if math.Abs(g.Value-v) < math.Abs(best.Value-v) {
			best = g
		}
	}
	return best
}

func closestText(gs []Fact, s string) Fact {
	best, bestD := gs[0], levenshtein(gs[0].Text, s)
	for _, g := range gs[1:] {
		if d := levenshtein(g.Text, s); d < bestD {
			best, bestD = g, d
		}
	}
	return best
}

func (c *check) url(cf Fact) {
	gs := c.r.of(FactURL)
	for _, g := range gs {
		if g.Text == cf.Text && (cf.Path == "" || g.Path == "" || g.Path == cf.Path || !slices.ContainsFunc(gs, func(h Fact) bool { return h.Path != "" })) {
			return
		}
	}
	for _, g := range gs {
		if similarHost(g.Text, cf.Text) {
			c.mismatch(cf, g, "drift.reason.mismatch")
			return
		}
	}
	// another page of the campaign's site: "cinelia.fr/abonnement" for "cinelia.fr/infini"
	if cf.Path == "" {
		return
	}
	for _, g := range gs {
		if g.Text == cf.Text && (g.Path == "" || g.Path == cf.Path) {
			return
		}
	}
	for _, g := range gs {
		if g.Text == cf.Text {
			c.mismatch(cf, g, "drift.reason.mismatch")
			return
		}
	}
}

// similarHost reports whether b looks like a mistyped a: "kestrel-audio.com" for
// "kestrelaudio.com", "doucenuit.com" for "doucenuit.fr".
func similarHost(a, b string) bool {
	label := func(h string) string {
		if i := strings.LastIndexByte(h, '.'); i > 0 {
			h = h[:i]
		}
		return strings.NewReplacer("-", "", ".", "").Replace(h)
	}
	return label(a) == label(b) || levenshtein(a, b) <= 2
}

// strayCodes flags upper-case codes one character away from a campaign promo code.
func (c *check) strayCodes() {
	gs := c.r.of(FactCode)
	if len(gs) == 0 {
		return
	}
	for k, t := range c.d.toks {
		if c.d.used[k] || t.kind != tWord || !t.allUpper || len(t.s) < 4 || !hasDigit(t.s) {
			continue
		}
		code := strings.ToUpper(c.d.text[t.start:t.end])
		for _, g := range gs {
			if g.Text != code && levenshtein(g.Text, code) == 1 {
				c.mismatch(Fact{Kind: FactCode, Text: code, Quote: code, pos: k, end: k + 1}, g, "drift.reason.mismatch")
			}
		}
	}
}

func (c *check) scope(cf Fact) {
	g := c.r.scope
	if g == "" {
		return
	}
	ch := cf.Role
	st := c.d.scopeSt
	conflict := false
	switch g {
	case ScopeBoth:
		conflict = ch == ScopeStoreOnly || ch == ScopeOnlineOnly
	case ScopeStoreOnly:
		conflict = ch == ScopeOnlineOnly || st.onlinePos
	case ScopeOnlineOnly:
		conflict = ch == ScopeStoreOnly || st.storePos
	case ScopeStore:
		conflict = ch == ScopeOnlineOnly
	case ScopeOnline:
		conflict = ch == ScopeStoreOnly
	}
	if !conflict {
		return
	}
	for _, gf := range c.r.facts {
		if gf.Kind == FactScope && gf.Role == g {
			c.mismatch(cf, gf, "drift.reason.scope")
			return
		}
	}
}

func (c *check) eligibility(cf Fact) {
	var g *Fact
	for i := range c.r.facts {
		if c.r.facts[i].Kind == FactEligibility {
			g = &c.r.facts[i]
			break
		}
	}
	var members *Fact
	for i := range c.r.facts {
		if c.r.facts[i].Kind == FactEligibility && c.r.facts[i].Role == EligMembers {
			members = &c.r.facts[i]
		}
	}
	if g != nil && g.Role == EligMembers {
		g = nil
		for i := range c.r.facts {
			if c.r.facts[i].Kind == FactEligibility && c.r.facts[i].Role != EligMembers {
				g = &c.r.facts[i]
				break
			}
		}
	}
	switch {
	case members != nil && cf.Role == EligAll:
		// « ouverte à tous » where the campaign keeps the offer for its members
		c.mismatch(cf, *members, "drift.reason.scope")
	case cf.Role == EligMembers:
		return // an audience is checked by its words (see candidates)
	case g != nil && g.Role == EligNew && cf.Role == EligAll:
		c.mismatch(cf, *g, "drift.reason.scope")
	case (g == nil || g.Role == EligAll) && cf.Role == EligNew:
		c.mismatch(cf, Fact{}, "drift.reason.restriction")
	}
}

// opposite pairs conditions that cannot both hold.
var opposite = map[string]string{CondNoCommit: CondCommit, CondCommit: CondNoCommit, CondAnyState: CondGoodState, CondGoodState: CondAnyState}

func (c *check) condition(cf Fact) {
	for _, g := range c.r.facts {
		if g.Kind == FactCondition && opposite[g.Role] == cf.Role {
			c.mismatch(cf, g, "drift.reason.scope")
			return
		}
	}
	if cf.Role == CondSelection && !slices.ContainsFunc(c.r.facts, func(g Fact) bool { return g.Kind == FactCondition && g.Role == CondSelection }) {
		for _, g := range c.r.of(FactPercent) {
			if g.Role == RoleDiscount {
				c.mismatch(cf, Fact{}, "drift.reason.restriction")
				return
			}
		}
	}
}

// bundle compares a multi-buy mechanic with the campaign's: another rank or another reward
// ("le 3e à moitié prix" for "le 3e offert") contradicts it.
func (c *check) bundle(cf Fact) {
	gs := c.r.of(FactBundle)
	if len(gs) == 0 {
		if cf.Role == BundleOff && len(c.r.of(FactPercent)) > 0 {
			// "-25 % sur le 2e soin" where the campaign gives -25 % on every item
			c.mismatch(cf, Fact{}, "drift.reason.restriction")
		}
		return
	}
	if slices.ContainsFunc(gs, func(g Fact) bool { return g.Value == cf.Value && g.Role == cf.Role }) {
		return
	}
	c.mismatch(cf, gs[0], "drift.reason.mismatch")
}

// ordinalDay reads a day written as an ordinal: "12th", "1er", "2nd"; 0 when s is none.
func ordinalDay(s string) int {
	n := 0
	i := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + int(s[i]-'0')
	}
	switch s[i:] {
	case "er", "e", "eme", "st", "nd", "rd", "th":
		if i > 0 && i <= 2 {
			return n
		}
	}
	return 0
}

// present reports whether the channel message states the point fact pf.
func (c *check) present(pf Fact) bool {
	d := c.d
	switch pf.Kind {
	case FactScope:
		st := d.scopeSt
		switch pf.Role {
		case ScopeBoth:
			return st.storePos && st.onlinePos
		case ScopeStore:
			return st.storePos
		case ScopeOnline:
			return st.onlinePos
		}
		return slices.ContainsFunc(d.facts, func(f Fact) bool { return f.Kind == FactScope && f.Role == pf.Role })
	case FactPeriod:
		from, to := false, false
		// "jusqu'au 31 janvier (depuis le lundi 4)": the end date, and the start day written alone
		fromDay := slices.ContainsFunc(d.toks, func(t token) bool {
			return (t.kind == tNum && t.num == pf.From.Day) || (t.kind == tWord && ordinalDay(t.s) == pf.From.Day)
		})
		for _, f := range d.facts {
			switch f.Kind {
			case FactPeriod:
				if f.From == pf.From && f.To == pf.To {
					return true
				}
				from = from || f.From == pf.From
				to = to || f.To == pf.To
			case FactDate, FactDeadline:
				from = from || f.To == pf.From
				to = to || f.To == pf.To
			}
		}
		return to && (from || (fromDay && pf.From.Month == pf.To.Month))
	case FactDeadline, FactDate:
		return slices.ContainsFunc(d.facts, func(f Fact) bool { return f.family() == FactDate && f.last() == pf.last() })
	case FactPercent:
		return slices.ContainsFunc(d.facts, func(f Fact) bool { return f.Kind == FactPercent && f.Value == pf.Value })
	case FactQuantity:
		return slices.ContainsFunc(d.facts, func(f Fact) bool { return f.Kind == FactQuantity && f.Unit == pf.Unit && f.Value == pf.Value })
	case FactBundle, FactAge:
		return slices.ContainsFunc(d.facts, func(f Fact) bool { return f.Kind == pf.Kind && f.Value == pf.Value && f.Role == pf.Role })
	case FactCode:
		// a code the campaign gives is stated even without the word "code": "avec SOLEIL27"
		return slices.ContainsFunc(d.toks, func(t token) bool { return t.kind != tSym && strings.EqualFold(t.s, pf.Text) })
	case FactMoney:
		return slices.ContainsFunc(d.facts, func(f Fact) bool {
			return f.Kind == FactMoney && f.Unit == pf.Unit && math.Abs(f.Value-pf.Value) < 0.005
		})
	}
	return slices.ContainsFunc(d.facts, func(f Fact) bool { return sameFact(f, pf) })
}

// covered returns the weight of the point's words the channel message states.
func (c *check) covered(words []unit, set map[string]bool, abbr []string) int {
	n := 0
	for _, u := range words {
		if set[u.id] {
			n += u.weight
			continue
		}
		for _, a := range abbr {
			if strings.HasPrefix(u.word, a) {
				n += u.weight
				break
			}
		}
	}
	return n
}

// missing reports must-include points the message does not state. A point whose fact is
// contradicted is stated (wrongly): the contradiction is reported as a fact, not twice.
func (c *check) missing() {
	contradicted := map[FactKind]bool{}
	for _, f := range c.found {
		if f.Kind == KindFact {
			contradicted[f.family] = true
		}
	}
	for _, p := range c.r.points {
		factsOK, contra, some := true, false, false
		for _, pf := range p.facts {
			switch {
			case c.present(pf):
				some = true
			case contradicted[pf.family()]:
				contra = true
			default:
				factsOK = false
			}
		}
		if contra || p.audience && contradicted[FactEligibility] {
			continue
		}
		words, total := p.wordsFor(c.lang, c.r.lang)
		cov := float64(c.covered(words, c.set, c.abbr))
		// A point is missing only when it is not stated at all. Its typed facts carry it: all
		// of them stated, it is stated whatever the other words; one of them stated with half
		// of its words, it is stated in other terms. A point with no typed fact is stated
		// when a third of its words are.
		switch {
		case len(p.facts) > 0 && factsOK:
			continue
		case len(p.facts) > 0 && some && total > 0 && cov >= missingSomeFacts*float64(total):
			continue
		case len(p.facts) == 0 && cov >= missingNoFacts*float64(total):
			continue
		}
		c.add(Finding{Kind: KindMissing, Severity: SeverityMedium, GlobalQuote: p.text, Code: "drift.reason.missing",
			Args: []any{p.text}, Suggestion: p.text, pos: len(c.d.toks)})
	}
}

// Shares of a point's words that state it (see missing).
var missingSomeFacts, missingNoFacts = 0.5, 0.6

// offMessage tells whether the message leads with another subject: the sentences before the
// first one about the campaign (a campaign fact, or most of a must-include point) hold enough
// words foreign to the campaign. It returns the token where the campaign content starts.
func (c *check) offMessage() (int, bool) {
	d := c.d
	if c.r.source != nil || (len(c.r.points) == 0 && !c.r.offer()) {
		// a reference that states no offer (a report, a transcript) has no main offer to lose
		return 0, false
	}
	sents := d.sentences()
	lead := len(d.toks)
	first := -1
	for _, s := range sents {
		if c.touches(s[0], s[1]) {
			lead = s[0]
			break
		}
	}
	foreign := 0
	greeting := [2]int{-1, -1}
	for _, u := range d.units {
		if u.from >= lead {
			break
		}
		if greetings[u.word] && (u.from == 0 || d.toks[u.from].nl) {
			for _, s := range sents {
				if u.from >= s[0] && u.from < s[1] {
					greeting = s
				}
			}
		}
		if u.from >= greeting[0] && u.from < greeting[1] {
			continue
		}
		if c.r.vocab[u.id] || u.id[0] < 'a' || u.fact || len(u.word) < 3 || hasDigit(u.word) {
			continue
		}
		if first < 0 {
			first = u.from
		}
		foreign++
	}
	rest := 0
	for _, u := range d.units {
		if u.from >= lead && len(u.word) >= 3 && u.id[0] >= 'a' {
			rest++
		}
	}
	// A long message may open on the brand's story and still lead with the offer; the offer
	// coming as an aside ("PS", "(…)", "Et pour info", "Also") or as a short tail is off message.
	if foreign < 6 || (rest > 0 && float64(foreign) < 0.5*float64(rest) && !c.aside(lead, sents)) || !c.pitch(lead) {
		return lead, false
	}
	from, to := first, first
	for _, s := range sents {
		if first >= s[0] && first < s[1] {
			from, to = s[0], s[1]
		}
	}
	for to > from+1 && d.toks[to-1].kind == tSym {
		to--
	}
	q := quote(d.text, d.toks, from, to-1)
	short := q
	if r := []rune(q); len(r) > 90 {
		short = string(r[:90]) + "…"
	}
	var pts []string
	for _, p := range c.r.points {
		pts = append(pts, p.text)
	}
	c.add(Finding{Kind: KindOffMessage, Severity: SeverityHigh, Quote: q, Code: "drift.reason.off_message", Args: []any{short},
		Suggestion: catalog.T(c.lang, "drift.suggest.off_message", strings.Join(pts, " · ")), pos: from})
	return lead, true
}

// pitchWords announce an offer, a product or an event of their own: a lead that talks about
// the brand's history is no competing message, a lead that launches something is.
var pitchWords = []string{"nouveau", "nouvelle", "nouveaux", "nouvelles", "nouveaute", "new", "launch", "lance", "lancement",
	"inaugur", "ouvre", "open", "unveil", "devoil", "decouvr", "discover", "avant premiere", "meet", "join", "rejoign",
	"challenge", "defi", "concours", "contest", "win", "gagn", "gratuit", "free", "offert", "venez", "come", "visit",
	"essayez", "try", "testez", "profitez", "demandez", "introduc", "present", "arrive", "debarque", "here"}

// pitch reports whether the tokens before lead announce something of their own: a pitch
// word, or an amount or percentage the campaign does not state.
func (c *check) pitch(lead int) bool {
	for _, f := range c.d.facts {
		if f.pos < lead && (f.Kind == FactMoney || f.Kind == FactPercent) {
			return true
		}
	}
	for k := 0; k < lead && k < len(c.d.toks); k++ {
		t := c.d.toks[k]
		if t.kind != tWord {
			continue
		}
		for _, p := range pitchWords {
			if strings.HasPrefix(t.s, p) {
				return true
			}
		}
	}
	return false
}

// asideWords introduce a side remark.
var asideWords = phrases("ps", "psst", "pour info", "au passage", "par ailleurs", "also", "plus", "et toujours", "pensez aussi",
	"by the way", "btw", "en parallele", "aussi", "egalement", "n oubliez pas", "don t forget", "meanwhile", "in addition",
	"de plus", "sans oublier", "side note", "a noter", "note", "still", "toujours", "and don t forget", "oh and")

// aside reports whether the sentence where the campaign content starts presents it as a side
// remark: an aside word or parentheses.
func (c *check) aside(lead int, sents [][2]int) bool {
	end := len(c.d.toks)
	for _, s := range sents {
		if s[0] == lead {
			end = s[1]
		}
	}
	for k := lead; k < end; k++ {
		t := c.d.toks[k]
		if t.isSym("(") {
			return true
		}
		if t.kind == tWord && startsWith(c.d.wordsAfter(k, 3, false), asideWords) {
			return true
		}
	}
	return false
}

// greetings open the salutation line of an e-mail, which says nothing about the subject.
var greetings = map[string]bool{"bonjour": true, "bonsoir": true, "salut": true, "cher": true, "chere": true, "chers": true,
	"cheres": true, "madame": true, "monsieur": true, "hello": true, "hi": true, "hey": true, "dear": true, "coucou": true}

// touches reports whether tokens [from, to) talk about the campaign: a fact that agrees with
// the reference, a period sharing an end with it, or most of a must-include point's words.
func (c *check) touches(from, to int) bool {
	// a sentence whose offer figures are all foreign states another offer, whatever brand or
	// words of the campaign it repeats: "-30 % sur les saucisses Grenadine"
	foreign, agreeing := false, false
	for _, f := range c.d.facts {
		if f.pos < from || f.pos >= to || (f.Kind != FactPercent && f.Kind != FactMoney) {
			continue
		}
		if slices.ContainsFunc(c.r.facts, func(g Fact) bool { return g.Kind == f.Kind && agree(g, f) }) {
			agreeing = true
		} else {
			foreign = true
		}
	}
	if foreign && !agreeing {
		return false
	}
	for _, f := range c.d.facts {
		if f.pos < from || f.pos >= to {
			continue
		}
		switch f.Kind {
		case FactMoney, FactPercent, FactDuration, FactPhone, FactURL, FactCode, FactDeadline:
			if slices.ContainsFunc(c.r.facts, func(g Fact) bool { return g.Kind == f.Kind && agree(g, f) }) {
				return true
			}
		case FactPeriod:
			if slices.ContainsFunc(c.r.facts, func(g Fact) bool { return g.Kind == FactPeriod && (g.From == f.From || g.To == f.To) }) {
				return true
			}
		}
	}
	in := func(id string) bool {
		for _, us := range [2][]unit{c.d.units, c.gunits} {
			for _, u := range us {
				if u.from >= from && u.from < to && u.id == id {
					return true
				}
			}
		}
		return false
	}
	for _, p := range c.r.points {
		words, total := p.wordsFor(c.lang, c.r.lang)
		if total < 2 {
			continue
		}
		cov := 0
		for _, u := range words {
			if in(u.id) {
				cov += u.weight
			}
		}
		if cov >= 2 && float64(cov) >= 0.5*float64(total) {
			return true
		}
	}
	return false
}

// wordsFor returns the point's words a message in lang can be checked against: all of them
// in the campaign's language, only lexicon concepts and names in the other one.
func (p point) wordsFor(lang, campaign chorus.Lang) ([]unit, int) {
	if lang == campaign || lang == "" || campaign == "" {
		return p.words, p.total
	}
	return p.crossWords, p.crossTotal
}

// agree reports whether a channel fact restates a reference fact.
func agree(g, f Fact) bool {
	switch f.Kind {
	case FactMoney:
		return g.Unit == f.Unit && math.Abs(g.Value-f.Value) < 0.005
	case FactPercent, FactDuration:
		return g.Value == f.Value && g.Unit == f.Unit
	case FactDeadline:
		return g.To == f.To
	}
	return g.Text == f.Text
}

// sentences splits the tokens into sentences: at end punctuation, bullets, line breaks and
// emojis (social copy uses them as full stops).
func (d *doc) sentences() [][2]int {
	if d.sents == nil {
		d.sents = d.splitSentences()
	}
	return d.sents
}

func (d *doc) splitSentences() [][2]int {
	out := [][2]int{}
	start := 0
	for k, t := range d.toks {
		if k > start && t.nl {
			out = append(out, [2]int{start, k})
			start = k
		}
		if d.boundary(k) && t.kind == tSym && !t.isSym("(") && !t.isSym(")") {
			out = append(out, [2]int{start, k + 1})
			start = k + 1
		}
	}
	if start < len(d.toks) {
		out = append(out, [2]int{start, len(d.toks)})
	}
	return out
}

// levenshtein returns the edit distance between a and b.
func levenshtein(a, b string) int {
	if a == b {
		return 0
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
