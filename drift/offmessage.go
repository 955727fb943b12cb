package drift

import (
	"slices"
	"strings"
)

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
