package drift

import "strings"

// FactBundle is a multi-buy mechanic: "2 pots achetés = le 3e offert", "3 pour 2", "buy 2 get
// the 3rd free", "2e paire offerte", "deux paires pour le prix d'une", "le 3e à moitié prix".
// Value is the rank of the rewarded item (3 in "3 pour 2"); Role says what it gets.
const FactBundle FactKind = "bundle"

// Rewards of a bundle.
const (
	BundleFree = "free" // the Nth item is offered
	BundleHalf = "half" // the Nth item is half price
	BundleOff  = "off"  // the Nth item has a percentage off
)

// countAt returns the count written at token i: digits or a small number word.
func (d *doc) countAt(i int) (int, bool) {
	if i < 0 || i >= len(d.toks) {
		return 0, false
	}
	t := d.toks[i]
	if t.kind == tNum && t.num > 0 && t.num <= 10 && !d.used[i] {
		return t.num, true
	}
	if t.kind == tWord {
		if n, ok := numberWords[t.s]; ok && n > 0 && n <= 10 {
			return n, true
		}
	}
	return 0, false
}

// rewardAt reads what an item gets at token i: offered, half price, or a percentage off.
func (d *doc) rewardAt(i int) (string, int) {
	w := d.wordsAfter(i, 3, false)
	switch {
	case len(w) == 0:
		return "", 0
	case startsWith(w, phrases("a 0", "for 0", "ne vous coute rien", "vous est offert", "vous est offerte", "est offert", "est offerte", "on us", "on the house")):
		return BundleFree, 2
	case strings.HasPrefix(w[0], "offert") || strings.HasPrefix(w[0], "gratuit") || w[0] == "free" || w[0] == "cadeau":
		return BundleFree, 1
	case startsWith(w, phrases("a moitie prix", "moitie prix", "half price", "at half price", "half off", "a 50", "at 50")):
		return BundleHalf, 3
	}
	return "", 0
}

var (
	priceOfWords = phrases("pour le prix de", "pour le prix d", "au prix de", "au prix d", "for the price of")
	buyWords     = []string{"achet", "achat", "buy", "bought", "purchas"}
	offerVerbs   = []string{"offr", "offert", "gratuit", "free", "get", "cadeau"}
)

func hasPrefixAny(s string, ps []string) bool {
	for _, p := range ps {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// bundles reads multi-buy mechanics. It runs after numbers were taken by other facts, so a
// rank is never a price or a date.
func (d *doc) bundles() {
	seen := map[int]bool{}
	add := func(rank int, role string, from, to int) {
		if rank < 2 || seen[rank] {
			return
		}
		seen[rank] = true
		f := Fact{Kind: FactBundle, Role: role, Value: float64(rank), pos: from, end: to}
		f.Quote = quote(d.text, d.toks, from, to-1)
		d.facts = append(d.facts, f)
	}
	toks := d.toks
	for i := range toks {
		// every pattern starts at a count, a rank or a percent sign
		if t := toks[i]; t.kind == tSym && !t.isSym("%") {
			continue
		} else if t.kind == tWord {
			if _, ok := numberWords[t.s]; !ok {
				if _, ok := ordinalWords[t.s]; !ok {
					continue
				}
			}
		}
		// "3 pour le prix de 2", "deux paires pour le prix d'une", "3 for 2"
		if got, ok := d.countAt(i); ok {
			for j := i + 1; j < len(toks) && j <= i+3; j++ {
				if d.boundary(j) {
					break
				}
				w := d.wordsAfter(j, 5, false)
				if startsWith(w, priceOfWords) {
					n := len(priceOfWords[0])
					for _, p := range priceOfWords {
						if startsWith(w, [][]string{p}) {
							n = len(p)
						}
					}
					if paid, ok := d.countAt(d.wordIndex(j, n)); ok && paid == got-1 {
						add(got, BundleFree, i, d.wordIndex(j, n)+1)
					}
					break
				}
				if (toks[j].is("pour") || toks[j].is("for")) && j == i+1 {
					if paid, ok := d.countAt(j + 1); ok && paid == got-1 && got <= 5 {
						add(got, BundleFree, i, j+2)
					}
				}
			}
		}
		// "2e paire offerte", "le 3e est offert", "get the 3rd free", "free second pair", "le 3e à moitié prix"
		if rank, ok := ordinalWords[toks[i].s]; ok && rank >= 2 && toks[i].kind == tWord {
			for j := i + 1; j < len(toks) && j <= i+7; j++ {
				if d.boundary(j) {
					break
				}
				if role, n := d.rewardAt(j); role != "" {
					add(rank, role, i, j+n)
					break
				}
			}
			for j := i - 1; j >= 0 && j >= i-3; j-- {
				if d.boundary(j) {
					break
				}
				if toks[j].kind == tWord && (toks[j].s == "free" || hasPrefixAny(toks[j].s, []string{"offr"})) {
					add(rank, BundleFree, j, i+1)
					break
				}
			}
		}
		// "-25 % sur le 2e soin acheté": a discount on one rank only
		if toks[i].isSym("%") {
			w := d.wordsAfter(i+1, 3, false)
			if len(w) >= 3 && (w[0] == "sur" || w[0] == "on") && (w[1] == "le" || w[1] == "la" || w[1] == "the" || w[1] == "votre" || w[1] == "your") {
				if rank, ok := ordinalWords[w[2]]; ok && rank >= 2 {
					add(rank, BundleOff, i, d.wordIndex(i+1, 2)+1)
				}
			}
		}
		// "2 + 1", "1+1"
		if paid, ok := d.countAt(i); ok && i+2 < len(toks) && toks[i+1].isSym("+") {
			if free, ok := d.countAt(i + 2); ok && free == 1 && paid <= 4 && (i+3 >= len(toks) || !toks[i+3].isSym("%")) {
				add(paid+1, BundleFree, i, i+3)
			}
		}
		// "2 achetés = 1 offert", "buy 2 get 1 free", "2 pots achetés, le 3e offert" (read above)
		if paid, ok := d.countAt(i); ok && i+1 < len(toks) {
			k := i + 1
			for ; k < len(toks) && k <= i+3 && !hasPrefixAny(toks[k].s, buyWords); k++ {
			}
			before := i > 0 && hasPrefixAny(toks[i-1].s, buyWords)
			if k > i+3 || k >= len(toks) {
				if !before {
					continue
				}
				k = i
			}
			for j := k + 1; j < len(toks) && j <= k+5; j++ {
				if d.boundary(j) && !toks[j].isSym("=") {
					break
				}
				if free, ok := d.countAt(j); ok && free == 1 {
					for m := j + 1; m < len(toks) && m <= j+3; m++ {
						if role, n := d.rewardAt(m); role != "" {
							add(paid+free, role, i, m+n)
							break
						}
					}
				}
			}
		}
	}
}

// fractionWords are shares of a price written in words: "un cinquième du prix", "a fifth off".
var fractionWords = map[string]float64{"moitie": 50, "tiers": 33, "quart": 25, "cinquieme": 20, "dixieme": 10,
	"half": 50, "third": 33, "quarter": 25, "fifth": 20, "tenth": 10}

// fractions reads discounts written as fractions: « un quart de remise », "a fifth off",
// « économiser un cinquième du prix ».
func (d *doc) fractions() {
	toks := d.toks
	for i := 0; i+1 < len(toks); i++ {
		if !(toks[i].is("un") || toks[i].is("une") || toks[i].is("a") || toks[i].is("one")) {
			continue
		}
		v, ok := fractionWords[toks[i+1].s]
		if !ok || d.used[i+1] {
			continue
		}
		w := d.wordsAfter(i+2, 3, false)
		before := d.wordsBefore(i, 2)
		saving := startsWith(w, phrases("off", "de remise", "de reduction", "en moins", "du prix", "de moins")) ||
			(len(before) > 0 && (strings.HasPrefix(before[len(before)-1], "econom") || before[len(before)-1] == "save"))
		if !saving {
			continue
		}
		f := Fact{Kind: FactPercent, Role: RoleDiscount, Value: v, pos: i, end: i + 2}
		f.Quote = quote(d.text, toks, i, i+1)
		d.facts = append(d.facts, f)
	}
}

// wordIndex returns the index of the token holding the n-th word from token j (words counted
// as wordsAfter counts them), or the last token.
func (d *doc) wordIndex(j, n int) int {
	for k := j; k < len(d.toks); k++ {
		if d.toks[k].kind == tSym {
			continue
		}
		n--
		if n < 0 {
			return k
		}
	}
	return len(d.toks) - 1
}
