package drift

// setContexts records, for every number fact, the concepts of the content words around it
// within its clause: what the number is about, so "bloqué 2 ans" is compared with "bloqué
// 3 ans" and not with "40 ans d'expérience", in either language.
func (d *doc) setContexts() {
	for fi := range d.facts {
		f := &d.facts[fi]
		switch f.Kind {
		case FactPercent, FactMoney, FactDuration, FactDate, FactQuantity:
		default:
			continue
		}
		lo, hi := f.pos, f.end
		for k, n := f.pos-1, 0; k >= 0 && n < 6 && !d.boundary(k); k, n = k-1, n+1 {
			lo = k
		}
		for k, n := f.end, 0; k < len(d.toks) && n < 6 && !d.boundary(k); k, n = k+1, n+1 {
			hi = k + 1
		}
		if f.Kind != FactDate {
			f.Item = d.itemOf(*f)
		}
		f.ctx = f.ctx[:0]
		for _, u := range d.units {
			if u.to <= lo || u.from >= hi || timeConcepts[u.id] || u.id[0] < 'a' {
				continue
			}
			f.ctx = append(f.ctx, u.id)
		}
	}
}

// itemLeads introduce what an offer applies to: « -30 % sur toute la literie », "20% off all
// running shoes".
var itemLeads = phrases("sur", "on", "off", "de remise sur", "de reduction sur", "off all", "pour", "for")

// itemStops end an item's words: a date, a channel, a condition.
var itemStops = map[string]bool{"du": true, "from": true, "until": true, "jusqu": true, "avec": true, "with": true, "en": true,
	"in": true, "dans": true, "des": true, "a": true, "au": true, "at": true, "par": true, "per": true, "pendant": true, "during": true,
	"et": false, "puis": true, "then": true, "chez": true, "ce": true, "this": true, "pour": true, "for": true, "le": false}

// itemOf returns the words a fact's value applies to: the words after « sur », "on" or "off"
// ("-30 % sur toute la literie"), else the words before « à » or "at" ("Harvest Bowl at
// €11.50"), within the clause; "" when none.
func (d *doc) itemOf(f Fact) string {
	toks := d.toks
	j := f.end
	if w := d.wordsAfter(j, 4, false); startsWith(w, itemLeads) {
		n := 0
		for _, p := range itemLeads {
			if startsWith(w, [][]string{p}) && len(p) > n {
				n = len(p)
				if p[len(p)-1] == "all" {
					n-- // keep "all" in the item: "all running shoes"
				}
			}
		}
		j = d.wordIndex(j, n)
		from, to := j, j
		for k := j; k < len(toks) && k < j+6; k++ {
			t := toks[k]
			if d.boundary(k) || t.isSym(",") || (t.kind == tSym && !joiner(t)) || (k > j && itemStops[t.s]) || t.kind == tNum || d.used[k] {
				break
			}
			to = k + 1
		}
		if to > from {
			return quote(d.text, toks, from, to-1)
		}
		return ""
	}
	// "Harvest Bowl at €11.50", « la lampe Halo est à 59 € »
	k := f.pos - 1
	for k >= 0 && toks[k].kind == tSym && !d.boundary(k) {
		k--
	}
	if k < 0 || !(toks[k].is("a") || toks[k].is("at") || toks[k].is("for") || toks[k].is("pour")) {
		return ""
	}
	to := k
	for to > 0 && (toks[to-1].is("est") || toks[to-1].is("is") || toks[to-1].is("sont") || toks[to-1].is("are")) {
		to--
	}
	from := to
	for m := to - 1; m >= 0 && m >= to-4; m-- {
		if d.boundary(m) || toks[m].isSym(",") || toks[m].isSym(":") || toks[m].kind == tSym && !joiner(toks[m]) || stopwords[toks[m].s] && from < to || d.used[m] || toks[m].kind == tNum {
			break
		}
		from = m
	}
	if from < to {
		return quote(d.text, toks, from, to-1)
	}
	return ""
}

// timeConcepts are units and month names: they say when or how long, not what.
var timeConcepts = map[string]bool{"c:month": true, "c:year": true, "c:week": true, "c:day": true, "c:hour": true,
	"c:jan": true, "c:feb": true, "c:mar": true, "c:apr": true, "c:may": true, "c:jun": true, "c:jul": true, "c:aug": true,
	"c:sep": true, "c:oct": true, "c:nov": true, "c:dec": true}
