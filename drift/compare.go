package drift

import (
	"math"
	"slices"
	"strings"

	"github.com/chorus-hq/chorus"
)

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
	if c.r.states(cf) {
		return
	}
	gs := c.r.of(FactMoney)
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

// opposite pairs conditions that cannot both hold.
var opposite = map[string]string{CondNoCommit: CondCommit, CondCommit: CondNoCommit, CondAnyState: CondGoodState, CondGoodState: CondAnyState}

// narrowed reports a restriction to part of what the campaign lists: « uniquement sur les pots de
// 10 L » where the campaign covers the 2,5 L and 10 L pots. The copy states the values of a
// unit after an exclusivity marker, and only some of those the campaign gives.
func (c *check) narrowed(cf Fact) {
	var listed []float64
	for _, g := range c.r.of(FactQuantity) {
		if g.Unit == cf.Unit && g.Role != RoleUpTo && !slices.Contains(listed, g.Value) {
			listed = append(listed, g.Value)
		}
	}
	if len(listed) < 2 || !c.exclusiveBefore(cf.pos) {
		return
	}
	stated := 0
	for _, f := range c.d.facts {
		if f.Kind == FactQuantity && f.Unit == cf.Unit && slices.Contains(listed, f.Value) {
			stated++
		}
	}
	if stated < len(listed) {
		c.mismatch(cf, Fact{}, "drift.reason.restriction")
	}
}

// exclusiveBefore reports an exclusivity marker (« uniquement », "only") among the six tokens
// before token i, in its sentence.
func (c *check) exclusiveBefore(i int) bool {
	for _, u := range c.d.units {
		if u.id == cOnly && u.to <= i && i-u.to <= 6 && c.d.sameSentence(u.to, i) {
			return true
		}
	}
	return false
}
