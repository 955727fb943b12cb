package drift

import "slices"

// Exclusions: what the campaign leaves out of its offer (« hors articles Outlet », "excluding
// gift cards") must not be brought back in by a channel's copy (« y compris les articles
// Outlet », "gift cards included"). The labels call that a product-scope contradiction.

// exclusionLeads introduce what an offer leaves out.
var exclusionLeads = phrases("hors", "sauf", "a l exception de", "a l exception des", "a l exception du", "excepte", "exceptes",
	"en dehors de", "en dehors des", "excluding", "except", "except for", "exclusive of", "not valid on", "non valable sur",
	"ne s applique pas aux", "ne s applique pas a", "does not apply to")

// inclusionLeads bring something into an offer: before it (« y compris les soldes ») …
var inclusionLeads = phrases("y compris", "compris", "inclus", "incluant", "including", "included", "inclusive of", "meme sur",
	"meme les", "even on", "valable aussi sur", "also valid on", "also on", "egalement sur")

// … or after it (« les articles Outlet inclus », "sale items included").
var inclusionAfter = map[string]bool{"inclus": true, "incluse": true, "inclues": true, "incluses": true, "compris": true,
	"comprises": true, "included": true}

// genericItems name no product: « articles », "items" say nothing of which ones.
var genericItems = map[string]bool{"article": true, "articles": true, "produit": true, "produits": true, "item": true,
	"items": true, "product": true, "products": true, "offre": true, "offres": true, "offer": true, "offers": true,
	"tous": true, "toutes": true, "all": true, "any": true, "autres": true, "other": true, "others": true}

// itemWordsFrom returns the stems of the naming words of the phrase starting at token i:
// up to five words within the clause.
func (d *doc) itemWordsFrom(i int) []string { return namingStems(d.wordsAfter(i, 5, false)) }

// itemWordsBefore returns the naming words of up to four words before token i.
func (d *doc) itemWordsBefore(i int) []string { return namingStems(d.wordsBefore(i, 4)) }

// namingStems returns the stems of the words that name something: no function word, generic
// noun, number word or word under three letters.
func namingStems(words []string) []string {
	var out []string
	for _, w := range words {
		if stopwords[w] || genericItems[w] || len(w) < 3 || numberWords[w] > 0 {
			continue
		}
		out = append(out, stem(w))
	}
	return out
}

// leadAt returns the number of words of the lead among leads that starts at token i, or 0.
func (d *doc) leadAt(i int, leads [][]string) int {
	words := d.wordsAfter(i, 5, false)
	n := 0
	for _, p := range leads {
		if len(p) > n && startsWith(words, [][]string{p}) {
			n = len(p)
		}
	}
	return n
}

// phraseEnd returns the token index after the n words read from token start by wordsAfter.
func (d *doc) phraseEnd(start, n int) int {
	if n == 0 {
		return start
	}
	return d.wordIndex(start, n-1) + 1
}

// exclusions returns the naming words of what d leaves out of the offer, and the first such
// phrase as written.
func (d *doc) exclusions() ([]string, string) {
	var out []string
	var first string
	for i, t := range d.toks {
		if t.kind != tWord {
			continue
		}
		if n := d.leadAt(i, exclusionLeads); n > 0 {
			start := d.wordIndex(i, n)
			words := d.itemWordsFrom(start)
			if len(words) > 0 && first == "" {
				first = quote(d.text, d.toks, i, d.phraseEnd(start, len(d.wordsAfter(start, 5, false)))-1)
			}
			out = append(out, words...)
		}
	}
	return out, first
}

// included checks that the copy brings nothing back that the campaign excludes.
func (c *check) included() {
	if len(c.r.excluded) == 0 {
		return
	}
	d := c.d
	for i, t := range d.toks {
		if t.kind != tWord {
			continue
		}
		var words []string
		end := i + 1
		if n := d.leadAt(i, inclusionLeads); n > 0 && (n > 1 || !inclusionAfter[t.s]) {
			start := d.wordIndex(i, n)
			words = d.itemWordsFrom(start)
			end = d.phraseEnd(start, len(d.wordsAfter(start, 5, false)))
		} else if inclusionAfter[t.s] {
			words = d.itemWordsBefore(i)
			for k := i - 1; k >= 0 && k >= i-6 && d.toks[k].kind != tSym; k-- {
				end, i = i+1, k // quote from the first word before
			}
		}
		for _, w := range words {
			if slices.Contains(c.r.excluded, w) {
				cf := Fact{Kind: FactCondition, Quote: quote(d.text, d.toks, i, end-1), pos: i, end: end}
				c.mismatch(cf, Fact{Quote: c.r.excludedQuote}, "drift.reason.excluded")
				return
			}
		}
	}
}

// coordinators join two items of one scope: « intérieure et extérieure », "men or women".
var coordinators = map[string]bool{"et": true, "ou": true, "and": true, "or": true, "&": true, "+": true, "/": true}

// widened finds an item of the campaign joined to its opposite, which the campaign never
// names: « peinture intérieure et extérieure » for « peinture intérieure », « résidence
// principale ou secondaire » for « résidence principale ». The opposite extends the offer to
// what the campaign leaves out (a product-scope contradiction).
func (c *check) widened() {
	toks := c.d.toks
	for i := 0; i+2 < len(toks); i++ {
		a, link, b := toks[i], toks[i+1], toks[i+2]
		if a.kind != tWord || b.kind != tWord || !coordinators[link.s] {
			continue
		}
		for _, pair := range [][2]token{{a, b}, {b, a}} {
			known, added := pair[0], pair[1]
			if !c.r.words[known.s] || c.r.words[added.s] || !slices.Contains(antonyms[known.s], added.s) {
				continue
			}
			q := quote(c.d.text, toks, i, i+2)
			c.mismatch(Fact{Kind: FactCondition, Quote: q, pos: i, end: i + 3}, Fact{Quote: c.d.text[known.start:known.end]}, "drift.reason.widened")
			return
		}
	}
}
