package drift

import (
	"slices"
	"strings"
)

// negWords deny what follows them: "pas en ligne", "not available online".
var negWords = map[string]bool{"pas": true, "non": true, "jamais": true, "not": true, "never": true, "no": true,
	"ni": true, "aucun": true, "aucune": true, "nowhere": true, "nulle": true, "indisponible": true, "unavailable": true, "sans": true, "without": true}

// concepts reads the content units of the text with trie, then the facts carried by words
// rather than numbers: channel scope, eligibility and conditions.
func (d *doc) concepts(trie *phraseTrie) {
	toks := d.toks
	for i := 0; i < len(toks); {
		t := toks[i]
		if t.kind == tSym {
			i++
			continue
		}
		if c, j := trie.match(toks, i); c != "" {
			d.units = append(d.units, unit{id: c, word: t.s, from: i, to: j, weight: d.weight(i, j), fact: !d.free(i, j) || c[0] < 'a'})
			i = j
			continue
		}
		if t.kind == tNum || stopwords[t.s] || d.elided(i) {
			i++
			continue
		}
		if _, isNum := numberWords[t.s]; isNum {
			i++
			continue
		}
		d.units = append(d.units, unit{id: stem(t.s), word: t.s, from: i, to: i + 1, weight: d.weight(i, i+1), fact: !d.free(i, i+1)})
		i++
	}
	d.markDenied()
	d.scope()
	d.wordFacts()
	d.setContexts()
}

// markDenied marks the tokens of questions answered « Non » ("FAQ — Puis-je en profiter sur
// le site ? Non : …"): what such a question mentions is what the answer denies, not a claim.
func (d *doc) markDenied() {
	sents := d.sentences()
	for k, s := range sents {
		if s[1] == 0 || !d.toks[s[1]-1].isSym("?") || k+1 >= len(sents) {
			continue
		}
		next := sents[k+1]
		if next[0] < len(d.toks) && (d.toks[next[0]].is("non") || d.toks[next[0]].is("no")) {
			if d.denied == nil {
				d.denied = make([]bool, len(d.toks))
			}
			for i := s[0]; i < s[1]; i++ {
				d.denied[i] = true
			}
		}
	}
}

// isDenied reports whether token i stands in a question answered « Non ».
func (d *doc) isDenied(i int) bool { return d.denied != nil && i < len(d.denied) && d.denied[i] }

// elided reports whether token i is an elided article or a possessive letter: "l'", "d'",
// the "s" of "FitLoop's".
func (d *doc) elided(i int) bool {
	t := d.toks[i]
	if len(t.s) > 6 {
		return false
	}
	if i+1 < len(d.toks) && d.toks[i+1].isSym("'") && d.toks[i+1].glued() && len(t.s) <= 2 {
		return true
	}
	return len(t.s) == 1 && i > 0 && d.toks[i-1].isSym("'") && t.glued()
}

// weight gives names (a capital letter or a digit) twice the weight of common words: "Aurora
// X2" matters more than "wireless" when checking a must-include point.
func (d *doc) weight(from, to int) int {
	w := 0
	for k := from; k < to; k++ {
		t := d.toks[k]
		if t.kind == tSym {
			continue
		}
		if t.upper || (t.kind == tWord && hasDigit(t.s)) {
			w += 2
		} else {
			w++
		}
	}
	return w
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

// onlyBetween reports whether tokens (from, to) hold only function words and joiners.
func (d *doc) onlyBetween(from, to int) bool {
	for k := from; k < to; k++ {
		t := d.toks[k]
		if t.kind == tSym {
			if joiner(t) || t.isSym("'") {
				continue
			}
			return false
		}
		if !stopwords[t.s] && !d.elided(k) {
			return false
		}
	}
	return true
}

// negated reports whether a negation governs the unit starting at token from: "pas sur
// internet", "n'est pas proposée en ligne", "not available online".
func (d *doc) negated(from int) bool {
	content := 0
	for k, n := from-1, 0; k >= 0 && n < 6; k, n = k-1, n+1 {
		if d.boundary(k) || d.toks[k].isSym(",") {
			return false
		}
		t := d.toks[k]
		if t.kind == tSym {
			continue
		}
		if negWords[t.s] || (t.s == "t" && k > 0 && d.toks[k-1].isSym("'")) {
			return true
		}
		if !stopwords[t.s] {
			content++
			if content > 2 {
				return false
			}
		}
	}
	return false
}

// exclusive returns the exclusivity marker right before or after unit u, if any.
func (d *doc) exclusive(u unit) (unit, bool) {
	for _, o := range d.units {
		if o.id != cOnly {
			continue
		}
		if o.to <= u.from && u.from-o.to <= 4 && d.onlyBetween(o.to, u.from) {
			return o, true
		}
		if o.from >= u.to && o.from-u.to <= 2 && d.onlyBetween(u.to, o.from) {
			return o, true
		}
		// "réservée aux achats effectués en magasin", "en magasin, et seulement là"
		if (o.to <= u.from && u.from-o.to <= 6 && d.sameSentence(o.to, u.from)) ||
			(o.from >= u.to && o.from-u.to <= 5 && d.sameSentence(u.to, o.from) && !d.toks[o.from].isSym("(")) {
			if !d.otherChannelBetween(o, u) {
				return o, true
			}
		}
	}
	return unit{}, false
}

// sameSentence reports whether no sentence boundary lies between tokens from and to.
func (d *doc) sameSentence(from, to int) bool {
	for k := from; k < to && k < len(d.toks); k++ {
		if d.boundary(k) {
			return false
		}
	}
	return true
}

// otherChannelBetween reports whether another channel mention stands between the marker o and
// the mention u: in "uniquement en ligne, et en magasin" the marker belongs to the first one.
func (d *doc) otherChannelBetween(o, u unit) bool {
	lo, hi := min(o.to, u.to), max(o.from, u.from)
	for _, x := range d.units {
		if (x.id == cStore || x.id == cOnline) && x.from >= lo && x.to <= hi && x.from != u.from {
			return true
		}
	}
	return false
}

// alsoWords put a channel beside another: « également disponible sur », "also available at".
var alsoWords = phrases("egalement", "egalement disponible", "egalement disponible sur", "aussi", "aussi disponible",
	"aussi sur", "also", "also available", "also available at", "also available on", "also at", "also on")

// scopeState is where a text says the offer is available.
type scopeState struct {
	storePos, onlinePos, storeNeg, onlineNeg, storeOnly, onlineOnly bool
	from, to                                                        int
}

// scope reads the sales channels the text states and adds one scope fact.
func (d *doc) scope() {
	var s scopeState
	s.from, s.to = -1, -1
	mark := func(from, to int) {
		if s.from < 0 || from < s.from {
			s.from = from
		}
		if to > s.to {
			s.to = to
		}
	}
	mentions := make([]unit, 0, 4)
	for _, u := range d.units {
		if d.isDenied(u.from) {
			continue
		}
		if u.id == cStore || (u.id == cOnline && (d.negated(u.from) || !d.locator(u.from))) {
			mentions = append(mentions, u)
		}
	}
	for _, f := range d.facts {
		if f.Kind == FactURL && !d.locator(f.pos) && !d.isDenied(f.pos) {
			mentions = append(mentions, unit{id: cOnline, from: f.pos, to: f.end})
		}
	}
	for _, u := range mentions {
		neg := d.negated(u.from)
		marker, only := d.exclusive(u)
		only = only && !neg
		if only {
			mark(marker.from, marker.to)
		}
		switch {
		case u.id == cStore && neg:
			s.storeNeg = true
		case u.id == cStore:
			s.storePos = true
			s.storeOnly = s.storeOnly || only
		case neg:
			s.onlineNeg = true
		default:
			s.onlinePos = true
			s.onlineOnly = s.onlineOnly || only
			// « également disponible sur le site », "also online": the site comes in addition to
			// the shop the copy stands in
			if endsWith(d.wordsBefore(u.from, 3), alsoWords) || startsWith(d.wordsAfter(u.to, 2, false), phrases("aussi", "too", "as well")) {
				s.storePos = true
			}
		}
		mark(u.from, u.to)
	}
	d.scopeSt = s
	role := ""
	switch {
	case (s.storeOnly || (s.storePos && s.onlineNeg) || (s.onlineNeg && !s.onlinePos && !s.storeNeg)) && !(s.onlineOnly || (s.onlinePos && s.storeNeg)):
		role = ScopeStoreOnly
	case (s.onlineOnly || (s.onlinePos && s.storeNeg)) && !(s.storeOnly || (s.storePos && s.onlineNeg)):
		role = ScopeOnlineOnly
	case s.storePos && s.onlinePos:
		role = ScopeBoth
	case s.storePos:
		role = ScopeStore
	case s.onlinePos:
		role = ScopeOnline
	}
	if role == "" {
		return
	}
	f := Fact{Kind: FactScope, Role: role, pos: s.from, end: s.to}
	if f.end-f.pos > 14 {
		f.end = f.pos + 14
	}
	f.Quote = quote(d.text, d.toks, f.pos, f.end-1)
	d.facts = append(d.facts, f)
}

// audienceWords name who an offer may be kept for.
var audienceWords = []string{"membre", "member", "adherent", "abonne", "subscriber", "particulier", "titulaire", "porteur",
	"holder", "client", "customer", "etudiant", "student", "professionnel", "professional", "senior", "jeune", "young"}

// audienceNear reports whether an exclusivity marker bears on people: « réservé aux
// membres », "PeakClub members only".
func (d *doc) audienceNear(o unit) bool {
	for k := max(0, o.from-3); k < len(d.toks) && k < o.to+4; k++ {
		if k >= o.from && k < o.to || d.toks[k].kind != tWord {
			continue
		}
		if hasPrefixAny(d.toks[k].s, audienceWords) && (k > o.from || k >= o.from-2) && d.sameSentence(min(k, o.from), max(k, o.from)) {
			return true
		}
	}
	return false
}

// wordFacts adds eligibility and condition facts carried by lexicon phrases.
func (d *doc) wordFacts() {
	for _, u := range d.units {
		if d.isDenied(u.from) {
			continue
		}
		var f Fact
		switch u.id {
		case cNewCust:
			f = Fact{Kind: FactEligibility, Role: EligNew}
			if d.negated(u.from) {
				f.Role = EligAll
			}
		case cAllCust:
			if d.negated(u.from) {
				continue
			}
			f = Fact{Kind: FactEligibility, Role: EligAll}
		case cNoCommit:
			f = Fact{Kind: FactCondition, Role: CondNoCommit}
		case cCommit, cGoodState, cSelection:
			if d.negated(u.from) {
				continue
			}
			// a bare "engagement" or "contract" is a commitment period only next to a length
			// of time ("engagement de 12 mois", "12-month contract"), not "notre engagement"
			if u.id == cCommit && u.to-u.from == 1 && !d.durationNear(u) {
				continue
			}
			f = Fact{Kind: FactCondition, Role: map[string]string{cCommit: CondCommit, cGoodState: CondGoodState, cSelection: CondSelection}[u.id]}
		case cAnyState:
			f = Fact{Kind: FactCondition, Role: CondAnyState}
		case cOnly:
			// « réservé aux membres », "members only": an audience the offer is kept for
			if !d.audienceNear(u) || slices.ContainsFunc(d.units, func(o unit) bool {
				return (o.id == cNewCust || o.id == cAllCust) && o.from < u.to+5 && o.to > u.from-4
			}) {
				continue
			}
			f = Fact{Kind: FactEligibility, Role: EligMembers}
		default:
			continue
		}
		f.pos, f.end = u.from, u.to
		// "engagement de 12 mois": the duration belongs to the quote
		if f.Role == CondCommit {
			for k, o := range d.facts {
				if o.Kind == FactDuration && o.pos >= u.to && o.pos-u.to <= 1 {
					f.end = o.end
					d.facts = append(d.facts[:k], d.facts[k+1:]...)
					break
				}
			}
		}
		f.Quote = quote(d.text, d.toks, f.pos, f.end-1)
		d.facts = append(d.facts, f)
	}
}

// durationNear reports whether a duration fact sits right before or after unit u.
func (d *doc) durationNear(u unit) bool {
	for _, f := range d.facts {
		if f.Kind == FactDuration && ((f.pos >= u.to && f.pos-u.to <= 2) || (u.from >= f.end && u.from-f.end <= 1)) {
			return true
		}
	}
	return false
}

// findWords introduce a store locator: "trouvez votre magasin sur cyclonix.fr" points to the
// web site without selling online.
var findWords = []string{"trouv", "find", "locat", "localis", "adresse", "proche", "nearest", "horaires", "hours",
	// booking an appointment or reading the terms online sells nothing online
	"rendez", "rdv", "reserv", "book", "appointment", "creneau", "condition", "terms", "info", "detail", "decouvr", "discover"}

// locator reports whether the web address or online mention at token i is given to find a
// store, book a visit or read the terms rather than to buy.
func (d *doc) locator(i int) bool {
	for _, w := range d.wordsBefore(i, 6) {
		for _, f := range findWords {
			if strings.HasPrefix(w, f) {
				return true
			}
		}
	}
	return false
}
