package drift

import (
	"math"
	"slices"
	"strings"

	"github.com/chorus-hq/chorus"
)

// Reference is a campaign's global message compiled once: its facts, must-include points,
// vocabulary and glossary matchers. It is immutable, so one Reference serves concurrent checks.
type Reference struct {
	lang    chorus.Lang
	year    int
	trie    *phraseTrie // lexicon, acronyms of the message, glossary synonyms
	gtrie   *phraseTrie // glossary names and phrases that are no lexicon concept
	facts   []Fact
	points  []point
	vocab   map[string]bool
	gloss   *glossIndex
	scope   string // ScopeBoth, ScopeStoreOnly, … or ""
	derived []Fact // differences between amounts: "€50 off" when €249 replaces €299
	byKind  map[FactKind][]Fact
	summary []Fact
	source  *sourceWords // the words of a reference without must-include points (see support.go)
	// accept holds the keys of the campaign's accepted wordings (see accepted)
	accept map[string]bool
	// polar records which side of each polar pair the campaign uses (see polarity)
	polar [][2]bool
	// restricted are the units the campaign itself restricts (see restrictedAround)
	restricted map[string]bool
	// excluded are the stems of what the campaign leaves out of its offer, excludedQuote the
	// first such phrase (see exclusion.go)
	excluded      []string
	excludedQuote string
	// words are the folded words of the global message and the must-include points, groups
	// the status groups among them (see audience)
	words  map[string]bool
	groups map[string]bool
}

// point is a compiled must-include point.
type point struct {
	text  string
	facts []Fact
	words []unit
	total int
	// across languages only concepts of the lexicon and names can be matched
	crossWords []unit
	crossTotal int
	audience   bool // the point keeps the offer for an audience (« réservé aux membres »)
}

// Compile reads the campaign's global message and must-include points and compiles the
// glossary. year completes dates written without one; 0 means the campaign's start year, or
// the first year written in the message.
func Compile(c chorus.Campaign, glossary []chorus.GlossaryTerm, year int) *Reference {
	if year == 0 {
		year = c.Start.Year
	}
	if year == 0 {
		year = firstYear(c.Message)
	}
	r := &Reference{lang: c.Lang, year: year, trie: baseTrie(), gtrie: &phraseTrie{}, vocab: map[string]bool{}}
	r.gloss = newGlossIndex(glossary)
	r.addGlossaryConcepts(glossary)
	r.addAcronyms(c.Message)

	msg := newDoc(c.Message, year)
	msg.extract(r.trie)
	if r.lang == "" {
		r.lang = detectLang(msg.toks)
	}
	r.facts = append(r.facts, msg.facts...)
	r.addVocab(msg)
	r.accept = make(map[string]bool, len(c.Accepted))
	for _, a := range c.Accepted {
		r.accept[a.Key()] = true
	}
	r.restricted = map[string]bool{}
	r.restrictedAround(msg)
	r.excluded, r.excludedQuote = msg.exclusions()
	// the message and the points, read once for their words and their polar phrases
	all := newDoc(strings.Join(append([]string{c.Message}, c.MustInclude...), "\n"), year)
	r.words = map[string]bool{}
	for _, t := range all.toks {
		if t.kind == tWord {
			r.words[t.s] = true
		}
	}
	r.groups = groupsNamed(r.words)
	r.polar = polarities(all)
	if len(c.MustInclude) == 0 {
		r.source = newSourceWords(msg, r.lang)
	}
	for _, p := range c.MustInclude {
		pd := newDoc(p, year)
		pd.extract(r.trie)
		r.addVocab(pd)
		r.restrictedAround(pd)
		pt := point{text: p}
		for _, f := range pd.facts {
			if f.Kind == FactEligibility && f.Role == EligMembers {
				// stated by its words, in any form; only « ouvert à tous » contradicts it
				pt.audience = true
			} else {
				pt.facts = append(pt.facts, f)
			}
			if !slices.ContainsFunc(r.facts, func(g Fact) bool { return sameFact(g, f) }) {
				r.facts = append(r.facts, f)
			}
		}
		pt.words = r.pointWords(pd)
		for _, u := range pt.words {
			pt.total += u.weight
			if strings.HasPrefix(u.id, "c:") || strings.HasPrefix(u.id, "a:") || u.weight >= 2*(u.to-u.from) {
				pt.crossWords = append(pt.crossWords, u)
				pt.crossTotal += u.weight
			}
		}
		r.points = append(r.points, pt)
	}
	r.scope = r.globalScope()
	r.byKind = map[FactKind][]Fact{}
	for _, f := range r.facts {
		r.byKind[f.Kind] = append(r.byKind[f.Kind], f)
	}
	money := r.of(FactMoney)
	for i, a := range money {
		for _, b := range money[i+1:] {
			if a.Unit == b.Unit && a.Value != b.Value {
				v := a.Value - b.Value
				if v < 0 {
					v = -v
				}
				r.derived = append(r.derived, Fact{Kind: FactMoney, Value: round2(v), Unit: a.Unit})
			}
		}
	}
	r.summary = r.summaryFacts()
	return r
}

// firstYear returns the first plausible year written in s, or 0.
func firstYear(s string) int {
	for _, t := range tokenize(s) {
		if t.kind == tNum && len(t.s) == 4 && t.num >= 1990 && t.num <= 2100 {
			return t.num
		}
	}
	return 0
}

// addGlossaryConcepts makes each glossary term and its variants one concept, so a point
// stated with a forbidden variant still counts as stated. Terms that already are a lexicon
// concept ("éclat", "reprise") lend it their variants; names ("DouceNuit", "Aurora X2") get a
// concept of their own.
func (r *Reference) addGlossaryConcepts(terms []chorus.GlossaryTerm) {
	for _, t := range terms {
		toks := tokenize(t.Term)
		if len(toks) == 0 {
			continue
		}
		if c, end := r.trie.match(toks, 0); c != "" && end == len(toks) {
			for _, v := range t.Forbidden {
				r.trie.add(v, c)
			}
			continue
		}
		g := "g:" + foldString(t.Term)
		r.gtrie.add(t.Term, g)
		for _, v := range t.Forbidden {
			r.gtrie.add(v, g)
		}
	}
}

// addAcronyms learns acronyms defined in the message: "vélo à assistance électrique (VAE)"
// makes "VAE" mean the same as the words before it.
func (r *Reference) addAcronyms(message string) {
	toks := tokenize(message)
	for i := 2; i+1 < len(toks); i++ {
		a := toks[i]
		if !toks[i-1].isSym("(") || !toks[i+1].isSym(")") || a.kind != tWord || !a.allUpper || len(a.s) < 2 || len(a.s) > 6 {
			continue
		}
		// walk back over the words whose initials spell the acronym, skipping function words
		k, want := i-2, len(a.s)-1
		var words []string
		for k >= 0 && want >= 0 && toks[k].kind != tSym {
			w := toks[k].s
			words = append(words, w)
			if !stopwords[w] {
				if w[0] != a.s[want] {
					break
				}
				want--
			}
			k--
		}
		if want >= 0 {
			continue
		}
		slices.Reverse(words)
		phrase := strings.Join(words, " ")
		c, end := r.trie.match(toks, k+1)
		if c == "" || end != i-1 {
			c = "a:" + a.s
			r.trie.add(phrase, c)
		}
		r.trie.add(a.s, c)
	}
}

// addVocab records the concepts of a campaign text, for telling foreign subjects apart.
func (r *Reference) addVocab(d *doc) {
	for _, u := range d.units {
		r.vocab[u.id] = true
	}
	for _, u := range r.glossUnits(d) {
		r.vocab[u.id] = true
	}
}

// glossUnits returns the glossary concepts found in d.
func (r *Reference) glossUnits(d *doc) []unit {
	var out []unit
	for i := 0; i < len(d.toks); i++ {
		if c, j := r.gtrie.match(d.toks, i); c != "" {
			out = append(out, unit{id: c, word: d.toks[i].s, from: i, to: j, weight: d.weight(i, j)})
			i = j - 1
		}
	}
	return out
}

// pointWords returns the content units of a point that no fact covers; glossary phrases
// replace the words they span.
func (r *Reference) pointWords(d *doc) []unit {
	g := r.glossUnits(d)
	var out []unit
	for _, u := range d.units {
		if u.fact {
			continue
		}
		inG := false
		for _, gu := range g {
			if u.from >= gu.from && u.to <= gu.to {
				inG = true
			}
		}
		if !inG {
			out = append(out, u)
		}
	}
	return append(out, g...)
}

// globalScope merges the scope of the message and the points; a point is the explicit word.
func (r *Reference) globalScope() string {
	scope := ""
	for _, f := range r.facts {
		if f.Kind != FactScope {
			continue
		}
		switch {
		case scope == "":
			scope = f.Role
		case f.Role == ScopeStoreOnly || f.Role == ScopeOnlineOnly || f.Role == ScopeBoth:
			scope = f.Role
		}
	}
	return scope
}

// of returns the reference facts of kind k; callers must not modify them.
func (r *Reference) of(k FactKind) []Fact { return r.byKind[k] }

// Facts returns the facts read in the global message and the must-include points.
func (r *Reference) Facts() []Fact { return slices.Clone(r.facts) }

// summaryOrder lists fact kinds in the order a lead reads an offer: what, when, where, who.
var summaryOrder = []FactKind{FactPercent, FactMoney, FactPeriod, FactDeadline, FactDate, FactDuration, FactQuantity, FactScope,
	FactBundle, FactMinCount, FactAge, FactEligibility, FactCondition, FactCode, FactURL, FactPhone}

// summaryFacts picks the facts worth confirming, without duplicates, in summaryOrder.
func (r *Reference) summaryFacts() []Fact {
	var out []Fact
	for _, k := range summaryOrder {
		for _, f := range r.facts {
			if f.Kind != k || slices.ContainsFunc(out, func(g Fact) bool { return sameFact(f, g) }) {
				continue
			}
			out = append(out, f)
		}
	}
	return out
}

// Summary tells in lang what the detector understood of the global message, for the lead to
// confirm: « Compris : -30 %, 1–15 juillet 2027, magasin + en ligne ».
func (r *Reference) Summary(lang chorus.Lang) string {
	if len(r.summary) == 0 {
		return catalog.T(lang, "drift.summary.none")
	}
	parts := make([]string, 0, len(r.summary))
	for _, f := range r.summary {
		s := f.Format(lang)
		if s != "" && f.Item != "" {
			s = catalog.T(lang, "drift.summary.item", s, f.Item) // item by item: « -30 % (toute la literie) »
		}
		if s != "" && !slices.Contains(parts, s) {
			parts = append(parts, s)
		}
	}
	return catalog.T(lang, "drift.summary", strings.Join(parts, ", "))
}

// sameFact reports whether two facts state the same thing.
func sameFact(a, b Fact) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case FactPercent:
		return a.Value == b.Value && (a.Role == RoleUpTo) == (b.Role == RoleUpTo)
	case FactMoney:
		return a.Value == b.Value && a.Unit == b.Unit && a.Per == b.Per
	case FactDuration:
		return a.Value == b.Value && a.Unit == b.Unit
	case FactPeriod, FactDate, FactDeadline:
		return a.From == b.From && a.To == b.To
	case FactPhone, FactURL, FactCode:
		return a.Text == b.Text
	}
	return a.Role == b.Role
}

// offer reports whether the global message states an offer: a discount, a price or a
// threshold. Only then can another offer take its place at the head of a message.
func (r *Reference) offer() bool {
	return slices.ContainsFunc(r.facts, func(f Fact) bool { return f.Kind == FactPercent || f.Kind == FactMoney })
}

// states reports whether the campaign states the value of a channel fact anywhere: in the
// global message, a must-include point, or as an amount that follows from them. Dates match
// on any day the campaign names (a start, an end or a single day).
func (r *Reference) states(cf Fact) bool {
	switch cf.family() {
	case FactDate:
		for _, k := range []FactKind{FactPeriod, FactDeadline, FactDate} {
			for _, g := range r.of(k) {
				if g.From == cf.From || g.To == cf.To || g.From == cf.To || g.To == cf.From {
					return true
				}
			}
		}
		return false
	case FactMoney:
		same := func(g Fact) bool { return g.Unit == cf.Unit && math.Abs(g.Value-cf.Value) < 0.005 }
		return slices.ContainsFunc(r.of(FactMoney), same) || slices.ContainsFunc(r.derived, same)
	}
	return slices.ContainsFunc(r.of(cf.Kind), func(g Fact) bool { return g.Value == cf.Value })
}
