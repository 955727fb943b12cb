package drift

// numberWords maps French and English number words to their value. Compounds ("vingt-cinq",
// "twenty five", "trente et un", "soixante-dix") are summed by numberAt.
var numberWords = map[string]int{
	"zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
	"huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
	"quinze": 15, "seize": 16, "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40,
	"cinquante": 50, "soixante": 60,
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7, "eight": 8, "nine": 9,
	"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
	"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
	"forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}

// ordinalWords maps ordinal words to their value, for "premier", "first", "1er", "1st".
var ordinalWords = map[string]int{
	"premier": 1, "premiere": 1, "1er": 1, "1re": 1, "1ere": 1, "first": 1, "1st": 1,
	"2nd": 2, "2e": 2, "2eme": 2, "2nde": 2, "second": 2, "seconde": 2, "deuxieme": 2, "3rd": 3, "3e": 3, "3eme": 3, "third": 3,
	"troisieme": 3, "4e": 4, "4eme": 4, "4th": 4, "quatrieme": 4, "fourth": 4, "5e": 5, "5eme": 5, "5th": 5, "cinquieme": 5, "fifth": 5,
}

// num is a number read in a text.
type num struct {
	v     float64
	from  int // first token
	next  int // index after the last token
	word  bool
	whole bool // no decimal part
}

// numberAt reads a number starting at token i: digits with an optional decimal or thousands
// part ("34,90", "12.99", "1 500"), or number words ("trente", "twenty-five").
func numberAt(toks []token, i int) (num, bool) {
	if i >= len(toks) {
		return num{}, false
	}
	t := toks[i]
	if t.kind == tNum {
		if len(t.s) > 9 {
			return num{}, false
		}
		v := float64(t.num)
		j := i + 1
		// decimal or thousands separator glued on both sides
		if j+1 < len(toks) && (toks[j].isSym(",") || toks[j].isSym(".")) && toks[j].glued() &&
			toks[j+1].kind == tNum && toks[j+1].glued() {
			frac := toks[j+1].s
			// "30.04.2027" or "10/04" are dates, not numbers
			dateLike := j+2 < len(toks) && (toks[j+2].isSym(".") || toks[j+2].isSym("/")) && toks[j+2].glued() && j+3 < len(toks) && toks[j+3].kind == tNum && toks[j+3].glued()
			switch {
			case dateLike:
			case len(frac) == 3 && len(t.s) <= 3:
				n := num{v: v*1000 + float64(toks[j+1].num), from: i, next: j + 2, whole: true}
				// Belgian and German amounts: "2.500,00 €"
				if k := j + 2; toks[j].isSym(".") && k+1 < len(toks) && toks[k].isSym(",") && toks[k].glued() &&
					toks[k+1].kind == tNum && toks[k+1].glued() && len(toks[k+1].s) <= 2 {
					f := float64(toks[k+1].num)
					if len(toks[k+1].s) == 1 {
						f *= 10
					}
					n.v, n.next, n.whole = n.v+f/100, k+2, f == 0
				}
				return n, true
			case len(frac) <= 2:
				f := float64(toks[j+1].num)
				if len(frac) == 1 {
					f *= 10
				}
				return num{v: v + f/100, from: i, next: j + 2, whole: f == 0}, true
			}
		}
		// "1 500 €": a group of three digits after a space, followed by a currency or %
		if len(t.s) <= 3 && j+1 < len(toks) && toks[j].kind == tNum && len(toks[j].s) == 3 && toks[j].space && !toks[j].nl &&
			(currencyAt(toks, j+1) != "" || toks[j+1].isSym("%") || quantityUnits[toks[j+1].s] != "") && (i == 0 || toks[i-1].kind != tNum) {
			return num{v: v*1000 + float64(toks[j].num), from: i, next: j + 1, whole: true}, true
		}
		return num{v: v, from: i, next: j, whole: true}, true
	}
	if t.kind != tWord {
		return num{}, false
	}
	if !numberish[t.s] {
		return num{}, false // most words: one lookup
	}
	v, j, ok := wordNumberAt(toks, i)
	if !ok {
		return num{}, false
	}
	return num{v: float64(v), from: i, next: j, word: true, whole: true}, true
}

// wordNumberAt reads number words at token i with their hundreds and thousands: « mille »,
// « deux cents », « trois mille cinq cents », "five hundred". It returns the value and the
// index after the last word.
func wordNumberAt(toks []token, i int) (int, int, bool) {
	total, cur, j := 0, 0, i
	expectSmall := true // a small number may start the number or follow a scale word
	for j < len(toks) && toks[j].kind == tWord {
		if sc := scaleWords[toks[j].s]; sc > 0 {
			cur = max(cur, 1)
			if sc == 100 {
				if cur >= 100 {
					break
				}
				cur *= 100
			} else {
				if total > 0 || cur >= 1000 {
					break
				}
				total, cur = cur*1000, 0
			}
			j, expectSmall = j+1, true
			continue
		}
		if !expectSmall {
			break
		}
		v, k, ok := smallNumberAt(toks, j)
		if !ok {
			break
		}
		cur, j, expectSmall = cur+v, k, false
	}
	if j == i {
		return 0, i, false
	}
	return total + cur, j, true
}

// numberish holds every word that can start a number: number words and scale words.
var numberish = func() map[string]bool {
	m := make(map[string]bool, len(numberWords)+len(scaleWords))
	for w := range numberWords {
		m[w] = true
	}
	for w := range scaleWords {
		m[w] = true
	}
	return m
}()

// scaleWords multiply the number words before them; alone they count one (« mille euros »).
var scaleWords = map[string]int{"cent": 100, "cents": 100, "hundred": 100, "mille": 1000, "thousand": 1000}

// smallNumberAt reads number words below a hundred at token i as one number: a word
// (« trente ») or a compound ("vingt-cinq", "trente et un", "twenty five", "quatre-vingt"). It returns the
// value and the index after its last token.
func smallNumberAt(toks []token, i int) (int, int, bool) {
	if i >= len(toks) || toks[i].kind != tWord {
		return 0, i, false
	}
	v, ok := numberWords[toks[i].s]
	if !ok {
		return 0, i, false
	}
	j := i + 1
	if v >= 20 && v < 100 || v == 4 {
		k := j
		if k < len(toks) && (toks[k].isSym("-") || toks[k].is("et")) {
			k++
		}
		if k < len(toks) && toks[k].kind == tWord {
			if u, ok := numberWords[toks[k].s]; ok {
				switch {
				case v == 4 && (u == 20):
					v, j = 80, k+1
				case v >= 20 && u < 20 && u > 0:
					v, j = v+u, k+1
				}
			}
		}
	}
	return v, j, true
}

// currencyAt returns the ISO code of a currency sign or word at token i, or "".
func currencyAt(toks []token, i int) string {
	if i >= len(toks) || i < 0 {
		return ""
	}
	switch toks[i].s {
	case "€", "eur", "euro", "euros":
		return "EUR"
	case "$", "usd", "dollar", "dollars":
		return "USD"
	case "£", "gbp", "pound", "pounds", "livres":
		return "GBP"
	case "chf":
		return "CHF"
	}
	return ""
}
