package drift

import (
	_ "embed"
	"math"
	"strconv"
	"strings"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/french"

	"github.com/chorus-hq/chorus"
)

// A reference without must-include points is a source text (a report, a call transcript, a
// brief written as prose) rather than an offer: a copy that summarises it must not state what
// it does not say. Three edits turn a faithful summary into a false one while keeping most of
// its words, and each is read here against the source:
//   - a name, figure or code the source never mentions ("GreatInsuranceXYZ" for
//     "BestInsuranceXYZ", "$YYY", "Mr. Smith");
//   - a negation the source does not have ("didn't recommend", "fails to mention");
//   - a word swapped for its antonym ("narrow" where the source says "wide", "cheap" for
//     "expensive"), from WordNet's antonym pairs and a French list.
// Offer copy may add extras (opening hours, greetings, hashtags), so these rules judge only
// source-text references.

//go:embed antonyms.txt
var antonymData string

// antonyms maps a folded word to its antonyms, English from WordNet and French by hand.
var antonyms = func() map[string][]string {
	m := map[string][]string{}
	add := func(a, b string) {
		m[a] = append(m[a], b)
		m[b] = append(m[b], a)
	}
	for _, line := range strings.Split(antonymData, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		if a, b, ok := strings.Cut(line, " "); ok && !weakAntonyms[a] && !weakAntonyms[b] {
			add(a, b)
		}
	}
	for _, p := range frenchAntonyms {
		a, b, _ := strings.Cut(p, " ")
		add(a, b)
	}
	return m
}()

// weakAntonyms are WordNet words too general to signal a swap: they take many senses, most
// of which have no opposite in a summary ("one", "like", "present", "in").
var weakAntonyms = map[string]bool{"one": true, "like": true, "unlike": true, "in": true, "out": true, "present": true,
	"absent": true, "then": true, "now": true, "early": true, "late": true, "certain": true, "uncertain": true, "some": true,
	"few": true, "many": true, "more": true, "less": true, "other": true, "same": true, "different": true,
	"up": true, "down": true, "on": true, "off": true, "over": true, "under": true, "here": true, "there": true,
	"well": true, "ill": true, "right": true, "left": true, "fine": true, "future": true, "past": true, "last": true,
	"first": true, "long": true, "short": true, "full": true, "empty": true, "old": true, "new": true, "young": true,
	"come": true, "go": true, "give": true, "take": true, "get": true, "have": true, "be": true, "do": true, "make": true,
	"open": true, "close": true, "closed": true, "start": true, "end": true, "finish": true, "begin": true, "stop": true,
	"yes": true, "no": true, "all": true, "none": true, "any": true, "every": true, "each": true, "both": true,
	"high": true, "low": true, "big": true, "small": true, "large": true, "little": true, "much": true, "common": true,
	"particular": true, "general": false, "special": true, "usual": true, "normal": true, "regular": true}

// frenchAntonyms are opposite pairs of French marketing and reporting copy, folded.
var frenchAntonyms = []string{"hausse baisse", "augmente diminue", "augmenter diminuer", "augmentation diminution",
	"avant apres", "plus moins", "minimum maximum", "inclus exclu", "incluse exclue", "inclus exclus", "gratuit payant",
	"gratuite payante", "ouvert ferme", "ouverte fermee", "premier dernier", "premiere derniere", "large etroit",
	"cher economique", "accepte refuse", "acceptee refusee", "disponible indisponible", "possible impossible",
	"obligatoire facultatif", "obligatoire optionnel", "illimite limite", "illimitee limitee", "nouveau ancien",
	"nouvelle ancienne", "recommande deconseille", "autorise interdit", "autorisee interdite", "reussi echoue",
	"gagne perdu", "croissance recul", "plein vide", "rapide lent", "rapide lente", "facile difficile",
	"interieur exterieur", "interieure exterieure", "interieurs exterieurs", "interieures exterieures", "principal secondaire",
	"principale secondaire", "principaux secondaires", "principales secondaires", "homme femme", "hommes femmes",
	"adulte enfant", "adultes enfants"}

// negators deny the clause they stand in; failVerbs deny the verb they introduce.
var (
	negators  = map[string]bool{"not": true, "never": true, "no": true, "nor": true, "neither": true, "without": true, "cannot": true, "pas": true, "jamais": true, "aucun": true, "aucune": true, "sans": true, "ni": true}
	failVerbs = []string{"fail", "refus", "declin", "misinform", "neglect", "omit", "ignor", "deni", "deny", "reject", "echou", "omet", "refus", "neglig",
		"falsely", "wrongly", "incorrectly", "mistaken", "unnecessarily", "misled", "mislead", "erron", "faussement", "a tort"}
	// titles end with a full stop without ending the sentence
	titles = map[string]bool{"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "jr": true, "sr": true, "prof": true,
		"m": true, "mme": true, "mlle": true, "me": true, "pr": true}
)

// sourceWords indexes a source text: its folded words and their stems.
type sourceWords struct {
	words   map[string]bool
	stems   map[string]bool
	negated map[string]bool // stems the source uses under a negation
	plain   map[string]bool // stems the source uses without one
	values  []float64       // the numbers of the source, scaled ("1.2 billion" is 1.2e9)
	acronym map[string]bool // initials of runs of the source's words ("United States" gives "us")
}

func stemOf(w string, lang chorus.Lang) string {
	if lang == chorus.French {
		return french.Stem(w, false)
	}
	return english.Stem(w, false)
}

// newSourceWords reads the words of a source text.
func newSourceWords(d *doc, lang chorus.Lang) *sourceWords {
	s := &sourceWords{words: map[string]bool{}, stems: map[string]bool{}, negated: map[string]bool{}, plain: map[string]bool{}}
	for i, t := range d.toks {
		if t.kind == tSym {
			continue
		}
		s.words[t.s] = true
		if v, ok := d.valueAt(i); ok {
			s.values = append(s.values, v)
		}
		if d := chorus.OrdinalDay(t.s); d > 0 {
			s.values = append(s.values, float64(d))
		}
		if v, ok := ordinalWords[t.s]; ok {
			s.values = append(s.values, float64(v))
		}
		st := stemOf(t.s, lang)
		s.stems[st] = true
		if d.underNegation(i) {
			s.negated[st] = true
		} else {
			s.plain[st] = true
		}
	}
	// acronyms of runs of 2 to 5 words: "World Health Organization" gives "who"
	s.acronym = map[string]bool{}
	words := make([]string, 0, len(d.toks))
	for _, t := range d.toks {
		if t.kind != tSym && !(t.s == "of" || t.s == "and" || t.s == "the" || t.s == "de" || t.s == "des" || t.s == "du" || t.s == "et") {
			words = append(words, t.s)
		}
	}
	for i := range words {
		ini := make([]byte, 0, 5)
		for j := i; j < len(words) && j < i+5; j++ {
			ini = append(ini, words[j][0])
			if j > i {
				s.acronym[string(ini)] = true
			}
		}
	}
	return s
}

// scales multiply the number before them.
var scales = map[string]float64{"thousand": 1e3, "k": 1e3, "million": 1e6, "millions": 1e6, "m": 1e6, "mn": 1e6,
	"billion": 1e9, "billions": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "mille": 1e3, "milliard": 1e9, "milliards": 1e9}

// valueAt reads the number starting at token i, with its scale word: "1.2 billion", "$450m".
func (d *doc) valueAt(i int) (float64, bool) {
	n, ok := numberAt(d.toks, i)
	if !ok || n.from != i {
		return 0, false
	}
	v := n.v
	if n.next < len(d.toks) {
		if f, ok := scales[d.toks[n.next].s]; ok {
			v *= f
		}
	}
	return v, true
}

// supports reports whether the source states the value v: the same number, or a rounding of
// one ("about 1.2 billion" for 1,234 million; within 5 %, or 10 % after "about", "nearly").
func (s *sourceWords) supports(v float64, approx bool) bool {
	tol := 0.005
	switch {
	case approx:
		tol = 0.1
	case v == math.Round(v) && math.Abs(v) < 10000:
		tol = 0 // a count or a year is exact
	case significant(v) <= 2:
		tol = 0.05
	}
	for _, w := range s.values {
		if w == v || (w != 0 && math.Abs(w-v)/math.Abs(w) <= tol) {
			return true
		}
	}
	return false
}

// significant returns the number of significant digits of v (at most 6).
func significant(v float64) int {
	if v == 0 {
		return 1
	}
	v = math.Abs(v)
	for v >= 1e6 {
		v /= 10
	}
	for n := 0; n < 6; n++ {
		if math.Abs(v-math.Round(v)) < 1e-9 {
			s := strconv.FormatFloat(math.Round(v), 'f', 0, 64)
			return len(strings.TrimRight(s, "0"))
		}
		v *= 10
	}
	return 6
}

// approximators say a figure is rounded.
var approximators = phrases("about", "around", "nearly", "almost", "approximately", "roughly", "some", "over", "more than",
	"less than", "under", "close to", "environ", "pres de", "presque", "plus de", "moins de", "quelque")

// has reports whether the source uses the word w, in any inflection.
func (s *sourceWords) has(w string, lang chorus.Lang) bool {
	return s.words[w] || s.stems[stemOf(w, lang)]
}

// isNegator reports whether token i denies what follows: "not", "n't", "never", "fails to".
func (d *doc) isNegator(i int) bool {
	t := d.toks[i]
	if t.kind == tSym {
		return false
	}
	if i+1 < len(d.toks) && notNegations[t.s+" "+d.toks[i+1].s] {
		return false // "no matter", "no doubt", « sans doute »: idioms that deny nothing
	}
	if negators[t.s] || (t.s == "t" && i > 0 && d.toks[i-1].isSym("'") && i > 1 && strings.HasSuffix(d.toks[i-2].s, "n")) {
		return true
	}
	return false
}

// underNegation reports whether a negator stands within the three words before token i, in
// the same clause.
func (d *doc) underNegation(i int) bool {
	for k, n := i-1, 0; k >= 0 && n < 4; k-- {
		if d.boundary(k) || d.toks[k].isSym(",") {
			return false
		}
		if d.toks[k].kind == tSym {
			continue
		}
		if d.isNegator(k) {
			return true
		}
		n++
	}
	return false
}

// sentenceStart reports whether token i opens a sentence or a line.
func (d *doc) sentenceStart(i int) bool {
	for k := i - 1; k >= 0; k-- {
		t := d.toks[k]
		if t.kind != tSym {
			return t.nl && k == i-1
		}
		if t.s == "." && k > 0 && titles[d.toks[k-1].s] {
			return false // "Mr. Smith"
		}
		if d.boundary(k) || t.s == "." || t.s == ":" || t.s == "\"" {
			return true
		}
	}
	return true
}

// unsupported reports the edits of a summary that its source text does not support.
func (c *check) unsupported() {
	src := c.r.source
	if src == nil {
		return
	}
	d := c.d
	lang := c.r.lang
	for i, t := range d.toks {
		if t.kind == tSym {
			continue
		}
		// a failure or a mistake the source does not report: "fails to mention", "misinforms"
		if t.kind == tWord && hasPrefixAny(t.s, failVerbs) && !src.has(t.s, lang) {
			h := d.negatedHead(i)
			if h < 0 {
				h = i
			}
			q := quote(d.text, d.toks, i, h)
			c.add(Finding{Kind: KindFact, Severity: SeverityHigh, Quote: q, Code: "drift.reason.negation", Args: []any{q}, pos: i})
			continue
		}
		// a denial the source does not make
		if d.isNegator(i) {
			if h := d.negatedHead(i); h >= 0 {
				st := stemOf(d.toks[h].s, lang)
				if !src.negated[st] && src.stems[st] {
					q := quote(d.text, d.toks, i, h)
					c.add(Finding{Kind: KindFact, Severity: SeverityHigh, Quote: q, Code: "drift.reason.negation", Args: []any{q}, pos: i})
				}
			}
			continue
		}
		if stopwords[t.s] {
			continue
		}
		known := src.words[t.s]
		// a name, a figure or a code the source never mentions
		n, numWord := numberWords[t.s]
		nameLike := t.kind == tNum || hasDigit(t.s) || (t.allUpper && len(t.s) >= 2) || (t.upper && !d.sentenceStart(i) && len(t.s) >= 2) ||
			(numWord && n >= 2) // "two plans" where the source has three
		if nameLike && !known && (t.kind == tNum || numWord) {
			// a figure: supported when the source states its value, in any format
			if v, ok := d.valueAt(i); ok && src.supports(v, endsWith(d.wordsBefore(i, 3), approximators)) {
				continue
			}
			if d.numberContinues(i) {
				continue // the decimals or thousands of a number read from an earlier token
			}
		}
		if nameLike && !known && t.kind == tWord && hasDigit(t.s) && src.supports(float64(chorus.OrdinalDay(t.s)), false) {
			continue // "the 1st" where the source says "first"
		}
		if nameLike && !known && t.allUpper && src.acronym[t.s] {
			continue // "WHO" where the source names the World Health Organization
		}
		if nameLike && !known && !(t.kind == tWord && src.has(t.s, lang)) && !(t.s == "s" || t.s == "t") {
			q := quote(d.text, d.toks, i, i)
			c.add(Finding{Kind: KindFact, Severity: SeverityHigh, Quote: q, Code: "drift.reason.unsupported", Args: []any{q}, pos: i})
			continue
		}
		if known || src.has(t.s, lang) {
			continue
		}
		// a period or a restriction the source does not state: "$40 a year" where the source says "$40 a month",
		// "only", "except"
		if periodWords[t.s] != "" || restrictWords[t.s] {
			other := ""
			for w, p := range periodWords {
				if p != periodWords[t.s] && src.words[w] {
					other = w
				}
			}
			if restrictWords[t.s] || other != "" {
				q := quote(d.text, d.toks, i, i)
				c.add(Finding{Kind: KindFact, Severity: SeverityHigh, Quote: q, Code: "drift.reason.unsupported", Args: []any{q}, pos: i})
				continue
			}
		}
		// a word swapped for its opposite
		for _, a := range antonyms[t.s] {
			if src.words[a] {
				q := quote(d.text, d.toks, i, i)
				c.add(Finding{Kind: KindFact, Severity: SeverityHigh, Quote: q, GlobalQuote: a, Code: "drift.reason.antonym", Args: []any{q, a}, pos: i})
				break
			}
		}
	}
}

// periodWords name a period, by period; restrictWords narrow a statement.
var (
	periodWords = map[string]string{"day": "day", "days": "day", "daily": "day", "week": "week", "weeks": "week",
		"weekly": "week", "month": "month", "months": "month", "monthly": "month", "year": "year", "years": "year",
		"yearly": "year", "annual": "year", "annually": "year", "hour": "hour", "hours": "hour", "hourly": "hour",
		"jour": "day", "jours": "day", "quotidien": "day", "semaine": "week", "semaines": "week", "hebdomadaire": "week",
		"mois": "month", "mensuel": "month", "mensuelle": "month", "an": "year", "ans": "year", "annee": "year",
		"annees": "year", "annuel": "year", "annuelle": "year", "heure": "hour", "heures": "hour"}
	restrictWords = map[string]bool{"only": true, "except": true, "excluding": true, "exclusively": true, "solely": true,
		"uniquement": true, "seulement": true, "sauf": true, "hors": true, "exclusivement": true}
)

// numberContinues reports whether the number token i is the decimals or thousands group of a
// number that starts before it ("1.25": "25" after "1.").
func (d *doc) numberContinues(i int) bool {
	for k := i - 2; k >= 0 && k >= i-4; k-- {
		if n, ok := numberAt(d.toks, k); ok && n.from == k && n.next > i {
			return true
		}
	}
	return false
}

// notNegations are idioms made with a negator that deny nothing.
var notNegations = map[string]bool{"no matter": true, "no doubt": true, "not only": true, "never mind": true,
	"without doubt": true, "sans doute": true, "pas seulement": true, "non seulement": true}

// negatedHead returns the content word a negator at i denies: the first word after it that is
// no auxiliary, stop word or adverb of time, in the same clause; -1 when none.
func (d *doc) negatedHead(i int) int {
	for k, n := i+1, 0; k < len(d.toks) && n < 4; k++ {
		if d.boundary(k) || d.toks[k].isSym(",") {
			return -1
		}
		t := d.toks[k]
		if t.kind == tSym || t.s == "t" || t.s == "to" {
			continue
		}
		n++
		if stopwords[t.s] || auxiliaries[t.s] || negAdverbs[t.s] {
			continue
		}
		return k
	}
	return -1
}

// negAdverbs sit between a negation and the word it denies: "not currently insured".
var negAdverbs = map[string]bool{"currently": true, "presently": true, "yet": true, "always": true, "really": true,
	"necessarily": true, "only": true, "just": true, "even": true, "actually": true, "encore": true, "toujours": true,
	"vraiment": true, "forcement": true, "matter": true, "longer": true}
