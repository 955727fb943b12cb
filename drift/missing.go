package drift

import (
	"math"
	"slices"
	"strings"

	"github.com/chorus-hq/chorus"
)

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
			return (t.kind == tNum && t.num == pf.From.Day) || (t.kind == tWord && chorus.OrdinalDay(t.s) == pf.From.Day)
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
		if to && (from || (fromDay && pf.From.Month == pf.To.Month)) {
			return true
		}
		// « pour toute commande en avril 2027 (du 1er au 30) »: the month named, and both days
		dayIs := func(n int) bool {
			return slices.ContainsFunc(d.toks, func(t token) bool {
				return (t.kind == tNum && t.num == n) || (t.kind == tWord && chorus.OrdinalDay(t.s) == n) || (n == 1 && (t.s == "premier" || t.s == "first"))
			})
		}
		month := slices.ContainsFunc(d.toks, func(t token) bool { return t.kind == tWord && monthWords[t.s] == int(pf.To.Month) })
		return month && pf.From.Month == pf.To.Month && dayIs(pf.From.Day) && dayIs(pf.To.Day)
	case FactDeadline, FactDate:
		return slices.ContainsFunc(d.facts, func(f Fact) bool { return f.family() == FactDate && f.last() == pf.last() })
	case FactPercent:
		return slices.ContainsFunc(d.facts, func(f Fact) bool { return f.Kind == FactPercent && f.Value == pf.Value })
	case FactQuantity:
		return slices.ContainsFunc(d.facts, func(f Fact) bool { return f.Kind == FactQuantity && f.Unit == pf.Unit && f.Value == pf.Value })
	case FactBundle, FactAge, FactMinCount:
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
		if cf, pf, ok := c.restated(p); ok && (total == 0 || cov >= missingSomeFacts*float64(total)) {
			c.mismatch(cf, pf, "drift.reason.mismatch")
			continue
		}
		c.add(Finding{Kind: KindMissing, Severity: SeverityMedium, GlobalQuote: p.text, Code: "drift.reason.missing",
			Args: []any{p.text}, Suggestion: p.text, pos: len(c.d.toks)})
	}
}

// Shares of a point's words that state it (see missing).
var missingSomeFacts, missingNoFacts = 0.5, 0.6

// wordsFor returns the point's words a message in lang can be checked against: all of them
// in the campaign's language, only lexicon concepts and names in the other one.
func (p point) wordsFor(lang, campaign chorus.Lang) ([]unit, int) {
	if lang == campaign || lang == "" || campaign == "" {
		return p.words, p.total
	}
	return p.crossWords, p.crossTotal
}

// restated finds a point stated with another value (its other words stated, see missing): its price, discount or start date absent
// from the message, which gives the same slot a value the campaign never states (« Harvest
// Bowl at €11.50 » as "just €12.50", "from 4 October" as "From 5 October"). The labels call
// a contradicted point a fact, not a missing one; a value the campaign states elsewhere is
// another of its facts, not this point's.
func (c *check) restated(p point) (Fact, Fact, bool) {
	for _, pf := range p.facts {
		if c.present(pf) {
			continue
		}
		for _, cf := range c.d.facts {
			if cf.pos >= c.offLead && sameSlot(cf, pf) && !c.r.states(cf) {
				return cf, pf, true
			}
		}
	}
	return Fact{}, Fact{}, false
}

// sameSlot reports whether a channel fact fills the slot a point fact fills: the same kind
// of amount for the same role, or the same kind of date for the same role.
func sameSlot(cf, pf Fact) bool {
	switch pf.Kind {
	case FactMoney:
		return cf.Kind == FactMoney && cf.Unit == pf.Unit && cf.Role == pf.Role && cf.Per == pf.Per
	case FactPercent:
		return cf.Kind == FactPercent && cf.Role == pf.Role
	case FactDate:
		return cf.Kind == FactDate && pf.Role == RoleStart && cf.Role == RoleStart
	case FactDeadline:
		return cf.Kind == FactDeadline
	}
	return false
}
