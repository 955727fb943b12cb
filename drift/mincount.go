package drift

import "slices"

// FactMinCount is a minimum number of items to buy or order for the offer: « dès 2 bowls
// commandés », "when you buy at least 3 plants". Value is the count. A campaign that sets no
// such minimum is restricted by copy that adds one.
const FactMinCount FactKind = "min_count"

// minCountLeads announce a minimum count before a number.
var minCountLeads = phrases("des", "a partir de", "a partir d", "des l achat de", "pour l achat de", "au moins", "minimum", "min",
	"from", "at least", "a minimum of", "when you buy", "when you order", "with the purchase of", "for orders of", "buy")

// minCounts reads a count of at least two after a minimum lead, followed by what is counted:
// a word that is no unit, currency, month or duration (those are other facts).
func (d *doc) minCounts() {
	toks := d.toks
	for i := 0; i < len(toks); i++ {
		if d.used[i] || !(toks[i].kind == tNum || toks[i].kind == tWord && numberWords[toks[i].s] > 0) {
			continue
		}
		n, ok := numberAt(toks, i)
		if !ok || !n.whole || n.v < 2 || n.v > 100 || !d.free(n.from, n.next) || n.next >= len(toks) {
			continue
		}
		if !endsWith(d.wordsBefore(i, 4), minCountLeads) {
			continue
		}
		t := toks[n.next]
		if t.kind != tWord || d.used[n.next] || stopwords[t.s] || d.unitAfter(n.next) || quantityUnits[t.s] != "" {
			continue
		}
		if _, _, month := d.monthAt(n.next); month {
			continue
		}
		d.take(Fact{Kind: FactMinCount, Value: n.v, pos: i, end: n.next + 1})
		i = n.next
	}
}

// minCount compares a minimum count with the campaign's: another count contradicts it, and
// a minimum the campaign does not set restricts its offer.
func (c *check) minCount(cf Fact) {
	gs := c.r.of(FactMinCount)
	if slices.ContainsFunc(gs, func(g Fact) bool { return g.Value == cf.Value }) {
		return
	}
	// a multi-buy sets its own minimum: "buy 2, get the 3rd free" needs two or three
	if slices.ContainsFunc(c.r.of(FactBundle), func(g Fact) bool { return cf.Value <= g.Value }) {
		return
	}
	if len(gs) > 0 {
		c.mismatch(cf, closestValue(gs, cf.Value), "drift.reason.mismatch")
		return
	}
	if c.r.source == nil {
		c.mismatch(cf, Fact{}, "drift.reason.restriction")
	}
}
