package drift

import (
	"slices"
	"strings"
)

// Candidates are changes of meaning that words alone cannot settle: an item added to the
// offer's list (« fruits, légumes et produits laitiers »), a restriction the campaign does
// not make (« uniquement sur les pots de 10 L », "for members only"). They are findings of
// low confidence: they go to the lead's review (« à vérifier ») and to the LLM judge when one
// is configured, never to the channel as alerts.

// Confidence levels of findings. A finding at ConfidentAt or above alerts the channel; below,
// it waits for a lead's review.
const (
	ConfidentAt       = 0.7
	confidenceHigh    = 0.9
	confidenceReview  = 0.5
	candidateRestrict = "drift.reason.candidate.restriction"
	candidateItem     = "drift.reason.candidate.item"
)

// restrictedAround marks the reference's units that stand near an exclusivity marker: the
// campaign itself restricts them (« réservé aux membres »), so a channel message may too.
func (r *Reference) restrictedAround(d *doc) {
	for _, o := range d.units {
		if o.id != cOnly {
			continue
		}
		for _, u := range d.units {
			if u.from >= o.to && u.from-o.to <= 6 || u.to <= o.from && o.from-u.to <= 4 {
				r.restricted[u.id] = true
			}
		}
	}
}

// offerClause reports whether tokens [from, to) state an offer: a discount, a multi-buy or an
// offered item.
func (c *check) offerClause(from, to int) bool {
	for _, f := range c.d.facts {
		if f.pos >= from && f.pos < to && (f.Kind == FactPercent || f.Kind == FactBundle || (f.Kind == FactMoney && f.Role == RoleDiscount)) {
			return true
		}
	}
	return false
}

// candidates adds the low-confidence findings of an offer's copy.
func (c *check) candidates() {
	if c.r.source != nil || (c.lang != "" && c.r.lang != "" && c.lang != c.r.lang) {
		// a translation uses none of the campaign's words: its items cannot be told apart
		return
	}
	d := c.d
	known := func(u unit) bool {
		return c.r.vocab[u.id] || u.id[0] < 'a' || u.fact || len(u.word) < 3 || hasDigit(u.word) || timeConcepts[u.id] || weakConcepts[u.id] || stopwords[u.word]
	}
	for _, s := range d.sentences() {
		if !c.offerClause(s[0], s[1]) {
			continue
		}
		// an item coordinated with one of the campaign's: « intérieure et extérieure »
		var prev *unit
		for k := range d.units {
			u := &d.units[k]
			if u.from < s[0] || u.from >= s[1] {
				continue
			}
			if prev != nil && known(*prev) && !known(*u) && c.coordinated(prev.to, u.from) {
				q := quote(d.text, d.toks, u.from, u.to-1)
				c.review = append(c.review, Finding{Kind: KindFact, Severity: SeverityLow, Quote: q, Code: candidateItem,
					Args: []any{q}, pos: u.from, Confidence: confidenceReview})
			}
			prev = u
		}
	}
	// a restriction the campaign does not make
	for _, o := range d.units {
		if o.id != cOnly || d.isDenied(o.from) {
			continue
		}
		var near []unit
		channel := false
		for _, u := range d.units {
			if u.from >= o.to && u.from-o.to <= 5 && d.sameSentence(o.to, u.from) || u.to <= o.from && o.from-u.to <= 3 && d.sameSentence(u.to, o.from) {
				if u.id == cStore || u.id == cOnline || u.id == cNewCust || u.id == cAllCust {
					channel = true
				}
				near = append(near, u)
			}
		}
		if channel || len(near) == 0 || c.anyRestricted(near) || slices.ContainsFunc(near, func(u unit) bool { return u.fact }) {
			continue // a channel, dates, a code or an age are facts of their own
		}
		if c.r.audience() && d.audienceNear(o) {
			continue // the campaign keeps the offer for an audience too
		}
		q := quote(d.text, d.toks, min(o.from, near[0].from), max(o.to, near[len(near)-1].to)-1)
		c.review = append(c.review, Finding{Kind: KindFact, Severity: SeverityLow, Quote: q, Code: candidateRestrict,
			Args: []any{q}, pos: o.from, Confidence: confidenceReview})
	}
}

func (c *check) anyRestricted(us []unit) bool {
	for _, u := range us {
		if c.r.restricted[u.id] {
			return true
		}
	}
	return false
}

// coordinated reports whether only a coordinating word or comma stands between tokens from
// and to: "et", "and", "ou", "or", ",", "&", "+", "/".
func (c *check) coordinated(from, to int) bool {
	n := 0
	for k := from; k < to; k++ {
		t := c.d.toks[k]
		switch {
		case t.isSym(",") || t.isSym("&") || t.isSym("+") || t.isSym("/"):
		case t.is("et") || t.is("and") || t.is("ou") || t.is("or") || t.is("les") || t.is("des") || t.is("the"):
		default:
			return false
		}
		n++
	}
	return n > 0 && n <= 3
}

// polarPairs are opposite phrases of offer copy: the copy saying one where the campaign says
// the other reverses the offer (« le plus cher des trois est offert » for « le moins cher »).
var polarPairs = [][2][]string{
	{{"plus", "cher"}, {"moins", "cher"}}, {{"plus", "chere"}, {"moins", "chere"}},
	{{"most", "expensive"}, {"cheapest"}}, {{"most", "expensive"}, {"least", "expensive"}},
	{{"maximum"}, {"minimum"}}, {{"hausse"}, {"baisse"}}, {{"increase"}, {"decrease"}},
	{{"inclus"}, {"exclus"}}, {{"included"}, {"excluded"}}, {{"payant"}, {"gratuit"}}, {{"paid"}, {"free"}},
}

// hasPhrase reports whether the words occur in order in toks.
func hasPhrase(toks []token, words []string) bool {
	for i := range toks {
		if matchWords(toks, i, words) > 0 {
			return true
		}
	}
	return false
}

// polarity reports a phrase of the copy whose opposite the campaign uses instead of it.
func (c *check) polarity() {
	for pi, p := range polarPairs {
		for side := 0; side < 2; side++ {
			mine, other := p[side], p[1-side]
			if c.r.polar[pi][side] || !c.r.polar[pi][1-side] {
				continue
			}
			for i := range c.d.toks {
				if j := matchWords(c.d.toks, i, mine); j > 0 {
					q := quote(c.d.text, c.d.toks, i, j-1)
					c.add(Finding{Kind: KindFact, Severity: SeverityHigh, Quote: q, GlobalQuote: strings.Join(other, " "),
						Code: "drift.reason.antonym", Args: []any{q, strings.Join(other, " ")}, pos: i, Confidence: 0.8})
					break
				}
			}
		}
	}
}

// polarities records which side of each polar pair the campaign's texts use.
func polarities(d *doc) [][2]bool {
	out := make([][2]bool, len(polarPairs))
	for i, p := range polarPairs {
		out[i] = [2]bool{hasPhrase(d.toks, p[0]), hasPhrase(d.toks, p[1])}
	}
	return out
}

// audience reports whether the campaign keeps its offer for an audience or an age group.
func (r *Reference) audience() bool {
	return slices.ContainsFunc(r.facts, func(f Fact) bool {
		return f.Kind == FactAge || f.Kind == FactEligibility && (f.Role == EligMembers || f.Role == EligNew)
	}) || slices.ContainsFunc(r.points, func(p point) bool { return p.audience })
}
