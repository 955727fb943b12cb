package drift

import (
	"slices"

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
	// offLead is where the copy's own subject ends when another one leads it (see offMessage):
	// the numbers before it are that subject's, not the campaign's.
	offLead int
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
	c.included()
	c.widened()
	if c.r.source == nil {
		c.audience()
	}
	c.unsupported()
	if c.r.source == nil {
		c.polarity()
	}
	lead, off := c.offMessage()
	if off {
		c.offLead = lead
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
	// the threshold decides: confident findings alert, the others wait for a lead's review
	var found, review []Finding
	for _, f := range c.r.accepted(append(c.found, c.review...), text) {
		if f.Confidence >= ConfidentAt {
			found = append(found, f)
		} else {
			review = append(review, f)
		}
	}
	slices.SortStableFunc(found, func(a, b Finding) int { return kindRank(a.Kind) - kindRank(b.Kind) })
	return Verdict{Drift: len(found) > 0, Findings: found, Review: review}
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
	case "drift.reason.excluded", "drift.reason.widened":
		args = []any{cf.Quote, gf.Quote}
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
		case FactMinCount:
			c.minCount(cf)
		case FactQuantity:
			if slices.ContainsFunc(r.of(FactQuantity), func(g Fact) bool { return g.Role == RoleUpTo && g.Unit == cf.Unit && cf.Value <= g.Value }) {
				break
			}
			if gf, bad := c.closestByContext(cf, r.of(FactQuantity), func(g Fact) bool { return g.Unit == cf.Unit }); bad {
				c.mismatch(cf, gf, "drift.reason.mismatch")
				break
			}
			c.narrowed(cf)
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
