package drift

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/chorus-hq/chorus"
)

// glossEntry is a compiled glossary term: its approved wording and forbidden variants,
// normalised with the term's own case and accent rules.
type glossEntry struct {
	term     chorus.GlossaryTerm
	keepCase bool
	keepAcc  bool
	approved string
	variants []string
	raw      []string // variants as written, parallel to variants
	neutral  bool     // a name (capital or digit): applies whatever the language
	words    [][]string
	appWords []string
	// exceptions are expressions, as folded words, in which a variant is innocent
	exceptions [][]string
	// strict are variants that differ from the term only by accents, hyphens or spaces
	// (« Zephyr » for « Zéphyr », « avant première » for « avant-première »): those marks are
	// the point of the entry, so these variants are matched with them, in lower case.
	strict []string
}

// glossIndex finds folded glossary phrases over tokens, for the entries that ignore case and
// accents (the default): one map lookup per word instead of a string search per variant.
type glossIndex struct {
	entries []glossEntry
	first   map[string][]glossRef
	exact   []int // entries matching case or accents, searched in normalised text
}

type glossRef struct {
	entry   int
	variant int // -1 for the approved term
}

func newGlossIndex(terms []chorus.GlossaryTerm) *glossIndex {
	gi := &glossIndex{entries: compileGlossary(terms), first: map[string][]glossRef{}}
	for i := range gi.entries {
		e := &gi.entries[i]
		if e.keepCase || e.keepAcc {
			gi.exact = append(gi.exact, i)
			continue
		}
		e.appWords = phraseWords(e.term.Term)
		if len(e.appWords) > 0 {
			gi.first[e.appWords[0]] = append(gi.first[e.appWords[0]], glossRef{i, -1})
		}
		for vi, v := range e.raw {
			w := phraseWords(v)
			e.words = append(e.words, w)
			if len(w) > 0 {
				gi.first[w[0]] = append(gi.first[w[0]], glossRef{i, vi})
			}
		}
	}
	return gi
}

// matchWords returns the token index after words matched from token i, or -1. The last word
// may carry a plural ending.
func matchWords(toks []token, i int, words []string) int {
	j := i
	for wi, w := range words {
		for wi > 0 && j < len(toks) && joiner(toks[j]) {
			j++
		}
		if j >= len(toks) || toks[j].kind == tSym || (wi > 0 && toks[j].nl) {
			return -1
		}
		s := toks[j].s
		if s != w && !(len(w) >= 3 && (s == w+"s" || s == w+"x" || s == w+"es")) {
			return -1
		}
		j++
	}
	return j
}

// matches finds forbidden variants in d (see glossaryMatches for the rules).
func (gi *glossIndex) matches(d *doc, lang chorus.Lang) []glossMatch {
	if len(gi.entries) == 0 {
		return nil
	}
	toks := d.toks
	var approved [][2]int
	type hit struct {
		ref      glossRef
		from, to int
		i, j     int // token span
	}
	var hits []hit
	for i, t := range toks {
		if t.kind == tSym {
			continue
		}
		refs := gi.first[t.s]
		if base := strings.TrimSuffix(t.s, "s"); base != t.s && len(base) >= 3 {
			refs = append(refs[:len(refs):len(refs)], gi.first[base]...)
		} else if base := strings.TrimSuffix(t.s, "x"); base != t.s && len(base) >= 3 {
			refs = append(refs[:len(refs):len(refs)], gi.first[base]...)
		}
		for _, ref := range refs {
			e := &gi.entries[ref.entry]
			words := e.appWords
			if ref.variant >= 0 {
				words = e.words[ref.variant]
			}
			j := matchWords(toks, i, words)
			if j < 0 {
				continue
			}
			if ref.variant < 0 {
				// an approved term counts where it applies: "preview", approved in English, is
				// no approved word of a French copy
				if e.appliesTo(lang) {
					approved = append(approved, [2]int{t.start, toks[j-1].end})
				}
			} else {
				hits = append(hits, hit{ref, t.start, toks[j-1].end, i, j})
			}
		}
	}
	var out []glossMatch
	if len(gi.exact) > 0 {
		exact := make([]glossEntry, 0, len(gi.exact))
		for _, k := range gi.exact {
			exact = append(exact, gi.entries[k])
		}
		for _, m := range glossaryMatches(exact, d.text, lang) {
			if !within(approved, m.start, m.end) && !d.inURL(m.start, m.end) {
				out = append(out, m)
			}
		}
	}
	for i := range gi.entries {
		e := &gi.entries[i]
		if len(e.strict) == 0 || !e.appliesTo(lang) {
			continue
		}
		for _, m := range strictMatches(e, d.text) {
			if !overlapsMatch(out, m.start, m.end) && !d.inURL(m.start, m.end) {
				out = append(out, m)
			}
		}
	}
	for _, h := range hits {
		e := &gi.entries[h.ref.entry]
		if !e.variantApplies(h.ref.variant, lang) {
			continue
		}
		if within(approved, h.from, h.to) || overlapsMatch(out, h.from, h.to) || d.inURL(h.from, h.to) || e.excepted(toks, h.i, h.j) {
			continue
		}
		out = append(out, glossMatch{entry: e, variant: e.raw[h.ref.variant], start: h.from, end: h.to})
	}
	return out
}

// glossMatch is a forbidden variant found in a text.
type glossMatch struct {
	entry      *glossEntry
	variant    string
	start, end int // byte span in the original text
}

func compileGlossary(terms []chorus.GlossaryTerm) []glossEntry {
	out := make([]glossEntry, 0, len(terms))
	for _, t := range terms {
		e := glossEntry{term: t, keepCase: t.MatchCase, keepAcc: t.MatchAccent}
		e.approved, _, _ = normText(t.Term, e.keepCase, e.keepAcc)
		e.neutral = strings.IndexFunc(t.Term, func(r rune) bool { return unicode.IsUpper(r) || unicode.IsDigit(r) }) >= 0
		seen := map[string]bool{}
		for _, v := range t.Forbidden {
			n, _, _ := normText(v, e.keepCase, e.keepAcc)
			if n == e.approved && strictForm(v) != strictForm(t.Term) {
				e.strict = append(e.strict, strictForm(v))
				continue
			}
			if n == "" || seen[n] || n == e.approved {
				continue
			}
			seen[n] = true
			e.variants = append(e.variants, n)
			e.raw = append(e.raw, v)
		}
		for _, x := range exceptionsOf(t) {
			if w := phraseWords(x); len(w) > 0 {
				e.exceptions = append(e.exceptions, w)
			}
		}
		out = append(out, e)
	}
	return append(out, equivalents(terms)...)
}

// appliesTo reports whether the entry judges copy in lang: a name in every language, a word in
// its own.
func (e *glossEntry) appliesTo(lang chorus.Lang) bool {
	return e.neutral || e.term.Lang == "" || lang == "" || e.term.Lang == lang
}

// variantApplies reports whether forbidden variant vi judges copy in lang: where its entry
// applies, and in the language its spelling belongs to. A French-spelled variant listed under
// an English term (« végane » under "plant-based") was listed for French copy; an English
// word listed under a French term ("glow" under « éclat ») stays a French-copy rule, as no
// letter marks a word as English.
func (e *glossEntry) variantApplies(vi int, lang chorus.Lang) bool {
	return e.appliesTo(lang) || lang == chorus.French && frenchSpelled(e.raw[vi])
}

// frenchSpelled reports whether s carries a letter French writes and English does not.
func frenchSpelled(s string) bool {
	return strings.ContainsAny(strings.ToLower(s), "éèêëàâîïôûùüçœ")
}

// equivalents returns, for each term linked to its counterpart in the other language, an entry
// that forbids the counterpart in the term's own language: « preview » in French copy, with
// « avant-première » as the suggestion, and the other way round when the link is mutual.
func equivalents(terms []chorus.GlossaryTerm) []glossEntry {
	var out []glossEntry
	for _, t := range terms {
		if strings.TrimSpace(t.Equivalent) == "" || t.Lang == "" {
			continue
		}
		e := glossEntry{term: t}
		e.approved, _, _ = normText(t.Term, false, false)
		v, _, _ := normText(t.Equivalent, false, false)
		if v == "" || v == e.approved {
			continue
		}
		e.variants, e.raw = []string{v}, []string{t.Equivalent}
		out = append(out, e) // never neutral: the counterpart is right in its own language
	}
	return out
}

// excepted reports whether the variant found at tokens [i, j) stands inside one of the
// entry's exception expressions.
func (e *glossEntry) excepted(toks []token, i, j int) bool {
	for _, x := range e.exceptions {
		for s := max(0, i-len(x)+1); s <= i; s++ {
			if end := matchWords(toks, s, x); end >= j {
				return true
			}
		}
	}
	return false
}

// strictForm lowers s and unifies the spaces (non-breaking ones included) and apostrophes,
// keeping accents and hyphens.
func strictForm(s string) string {
	form, _, _ := normalize(s, false, true, true)
	return form
}

// strictMatches finds the entry's strict variants in text, as whole words (a plural "s" or
// "x" allowed).
func strictMatches(e *glossEntry, text string) []glossMatch {
	form, starts, ends := normalize(text, false, true, true)
	var out []glossMatch
	for vi, v := range e.strict {
		for from := 0; ; {
			k := strings.Index(form[from:], v)
			if k < 0 {
				break
			}
			k += from
			end := k + len(v)
			if end < len(form) && (form[end] == 's' || form[end] == 'x') {
				end++
			}
			if !wordRuneBefore(form, k) && !wordRuneAt(form, end) {
				out = append(out, glossMatch{entry: e, variant: e.strict[vi], start: starts[k], end: ends[end-1]})
			}
			from = k + len(v)
		}
	}
	return out
}

// normText normalises s for glossary matching: typography unified (apostrophes, hyphens and
// runs of spaces become one form), and case and accents dropped unless kept. For every byte
// of the result it returns where the rune that produced it starts and ends in s.
func normText(s string, keepCase, keepAccent bool) (string, []int, []int) {
	return normalize(s, keepCase, keepAccent, false)
}

// normalize is normText that keeps hyphens apart from spaces when keepHyphen is set, as the
// strict forms need (« avant-première » is not « avant première »).
func normalize(s string, keepCase, keepAccent, keepHyphen bool) (string, []int, []int) {
	b := make([]byte, 0, len(s))
	starts := make([]int, 0, len(s))
	ends := make([]int, 0, len(s))
	space, spaceAt := false, 0
	for i, r := range s {
		switch {
		case unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f' || !keepHyphen && (r == '-' || r == '‑' || r == '–'):
			if !space {
				spaceAt = i
			}
			space = true
			continue
		case invisible(r):
			continue
		}
		if space && len(b) > 0 {
			b = append(b, ' ')
			starts = append(starts, spaceAt)
			ends = append(ends, i)
		}
		space = false
		n := len(b)
		switch {
		case unicode.IsLetter(r):
			switch {
			case !keepAccent && !keepCase:
				b = foldRune(b, r)
			case !keepAccent:
				b = foldRune(b, r)
				if unicode.IsUpper(r) {
					copy(b[n:], strings.ToUpper(string(b[n:])))
				}
			case !keepCase:
				b = utf8.AppendRune(b, unicode.ToLower(r))
			default:
				b = utf8.AppendRune(b, r)
			}
		case unicode.IsDigit(r):
			b = utf8.AppendRune(b, r)
		default:
			b = append(b, symbol(r)...)
		}
		for k := n; k < len(b); k++ {
			starts = append(starts, i)
			ends = append(ends, i+utf8.RuneLen(r))
		}
	}
	return string(b), starts, ends
}

// wordByteAt reports whether the rune at byte i of s is a letter or digit.
func wordRuneAt(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func wordRuneBefore(s string, i int) bool {
	if i <= 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// findAll returns the spans of pat in s on word boundaries. A plural "s" or "x" is allowed
// after the pattern ("personal trainers").
func findAll(s, pat string) [][2]int {
	var out [][2]int
	if pat == "" {
		return nil
	}
	for from := 0; from < len(s); {
		k := strings.Index(s[from:], pat)
		if k < 0 {
			break
		}
		start := from + k
		end := start + len(pat)
		from = start + 1
		startsWord, endsWord := wordRuneAt(pat, 0), wordRuneBefore(pat, len(pat))
		if startsWord && wordRuneBefore(s, start) {
			continue
		}
		if endsWord && wordRuneAt(s, end) {
			if (s[end] == 's' || s[end] == 'x' || s[end] == 'S') && !wordRuneAt(s, end+1) {
				end++
			} else {
				continue
			}
		}
		out = append(out, [2]int{start, end})
	}
	return out
}

// glossaryMatches finds forbidden variants in text written in lang. Approved terms are never
// flagged, even when a variant is part of them. Lower-case vocabulary entries apply to texts
// of their own language only ("glow" is forbidden in French copy, not in English copy); names
// apply everywhere.
func glossaryMatches(entries []glossEntry, text string, lang chorus.Lang) []glossMatch {
	if len(entries) == 0 {
		return nil
	}
	type normed struct {
		s            string
		starts, ends []int
	}
	var cache [4]*normed
	get := func(keepCase, keepAcc bool) *normed {
		k := 0
		if keepCase {
			k |= 1
		}
		if keepAcc {
			k |= 2
		}
		if cache[k] == nil {
			s, starts, ends := normText(text, keepCase, keepAcc)
			cache[k] = &normed{s, starts, ends}
		}
		return cache[k]
	}
	var approved [][2]int
	for i := range entries {
		e := &entries[i]
		n := get(e.keepCase, e.keepAcc)
		for _, sp := range findAll(n.s, e.approved) {
			approved = append(approved, [2]int{n.starts[sp[0]], n.ends[sp[1]-1]})
		}
	}
	var out []glossMatch
	for i := range entries {
		e := &entries[i]
		n := get(e.keepCase, e.keepAcc)
		for vi, v := range e.variants {
			if !e.variantApplies(vi, lang) {
				continue
			}
			for _, sp := range findAll(n.s, v) {
				start, end := n.starts[sp[0]], n.ends[sp[1]-1]
				if within(approved, start, end) || overlapsMatch(out, start, end) {
					continue
				}
				out = append(out, glossMatch{entry: e, variant: e.raw[vi], start: start, end: end})
			}
		}
	}
	return out
}

// within reports whether [start, end) lies inside one of spans.
func within(spans [][2]int, start, end int) bool {
	for _, sp := range spans {
		if sp[0] <= start && end <= sp[1] {
			return true
		}
	}
	return false
}

func overlapsMatch(ms []glossMatch, start, end int) bool {
	for _, m := range ms {
		if start < m.end && m.start < end {
			return true
		}
	}
	return false
}

// inURL reports whether bytes [start, end) lie in a web address: a domain is no wording.
func (d *doc) inURL(start, end int) bool {
	for _, f := range d.facts {
		if f.Kind == FactURL && start < d.toks[f.end-1].end && d.toks[f.pos].start < end {
			return true
		}
	}
	return false
}
