package eval

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// NamedPoints returns the must-include points that a label's why names, in points order.
//
// The rule is a plain heuristic, so that finding-level scores stay explainable:
//   - The parts of the why that end with a "(fact)", "(glossary)" or "(off_message)" marker are
//     dropped: they speak of contradicted facts, not of missing points ("Deadline 30 April
//     instead of 31 March (fact) and « … » is absent (missing)").
//   - Both texts are lower-cased, stripped of accents and cut into tokens: runs of letters and
//     digits, with a number's short suffix cut off ("1er" is "1" "er", "34,90 €" is "34" "90",
//     but "ABRI2M" stays one token).
//   - A point is named when its tokens appear in the why in a row (the why quotes it), or when
//     it holds numbers and every one of them, year included, is a number of the why ("the
//     dates (3–30 March 2027) are absent" names "du 3 au 30 mars 2027"), or when it holds no
//     number and every one of its distinctive words (4 letters or more, a few common French and
//     English words aside) is a word of the why.
func NamedPoints(why string, points []string) []string {
	w := tokens(missingParts(why))
	if len(w) == 0 {
		return nil
	}
	whyText := " " + strings.Join(w, " ") + " "
	inWhy := map[string]bool{}
	for _, t := range w {
		inWhy[t] = true
	}
	var named []string
	for _, p := range points {
		pt := tokens(p)
		if len(pt) > 0 && namesPoint(whyText, inWhy, pt) {
			named = append(named, p)
		}
	}
	return named
}

var kindMarker = regexp.MustCompile(`(?i)\((fact|missing|glossary|off[_ -]message)\)`)

// missingParts drops the parts of why that end with a marker of another kind than missing.
func missingParts(why string) string {
	var b strings.Builder
	last := 0
	for _, m := range kindMarker.FindAllStringSubmatchIndex(why, -1) {
		if strings.EqualFold(why[m[2]:m[3]], "missing") {
			b.WriteString(why[last:m[1]])
			b.WriteString(" ")
		}
		last = m[1]
	}
	b.WriteString(why[last:])
	return b.String()
}

func namesPoint(whyText string, inWhy map[string]bool, pt []string) bool {
	if strings.Contains(whyText, " "+strings.Join(pt, " ")+" ") {
		return true
	}
	var nums, words []string
	for _, t := range pt {
		switch {
		case isDigits(t):
			nums = append(nums, t)
		case len([]rune(t)) >= 4 && !stopWords[t]:
			words = append(words, t)
		}
	}
	if len(nums) == 0 {
		nums = words
	}
	if len(nums) == 0 {
		return false
	}
	for _, t := range nums {
		if !inWhy[t] {
			return false
		}
	}
	return true
}

var stopWords = map[string]bool{
	"avec": true, "pour": true, "dans": true, "sans": true, "tout": true, "toute": true, "tous": true,
	"toutes": true, "votre": true, "notre": true, "leur": true, "plus": true, "from": true,
	"with": true, "your": true, "only": true, "that": true, "this": true, "each": true,
	"every": true, "over": true, "more": true,
}

var fold = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// tokens cuts s, folded, into runs of letters and digits; a number's suffix of up to three
// letters is cut off ("1er", "15th", "40h") and leading zeros are dropped ("01" is "1").
func tokens(s string) []string {
	f, _, err := transform.String(fold, strings.ToLower(s))
	if err != nil {
		f = strings.ToLower(s)
	}
	var out []string
	for _, run := range strings.FieldsFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if m := numberSuffix.FindStringSubmatch(run); m != nil {
			n := strings.TrimLeft(m[1], "0")
			if n == "" {
				n = "0"
			}
			out = append(out, n)
			if m[2] != "" {
				out = append(out, m[2])
			}
			continue
		}
		out = append(out, run)
	}
	return out
}

var numberSuffix = regexp.MustCompile(`^([0-9]+)(\pL{0,3})$`)

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
