package chorus

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// CleanText is what Chorus keeps of text a person typed or pasted: NFC-normalized, without the
// invisible characters that make two equal-looking words differ or an empty-looking name pass
// (zero-width spaces and joiners, word joiners, byte-order marks, soft hyphens) and without the
// bidirectional controls that reorder what follows them (« ‮ » reverses the rest of a line).
// A zero-width joiner between two symbols is kept: it builds emoji such as 👩‍💻. Line breaks
// and tabs are kept.
func CleanText(s string) string {
	if isClean(s) {
		return s
	}
	s = norm.NFC.String(s)
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range rs {
		switch {
		case r == '\u200d':
			if i > 0 && i+1 < len(rs) && isSymbol(rs[i-1]) && isSymbol(rs[i+1]) {
				b.WriteRune(r)
			}
		case invisibleRune(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isClean reports whether s is ASCII without control characters other than line breaks and
// tabs, the common case, which needs no copy.
func isClean(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// invisibleRune reports a rune CleanText drops: zero-width and format characters that carry no
// meaning in French or English text, and the bidirectional embedding, override and isolate
// controls.
func invisibleRune(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u2060', '\ufeff', '\u00ad', '\u180e',
		'\u200e', '\u200f', '\u061c', // directional marks
		'\u202a', '\u202b', '\u202c', '\u202d', '\u202e', // embeddings and overrides
		'\u2066', '\u2067', '\u2068', '\u2069': // isolates
		return true
	}
	return false
}

// isSymbol reports whether r is an emoji or another symbol a zero-width joiner may bind.
func isSymbol(r rune) bool {
	return unicode.IsSymbol(r) || unicode.Is(unicode.Variation_Selector, r) || (r >= 0x1F000 && r <= 0x1FAFF) ||
		r == '\u2640' || r == '\u2642' || unicode.Is(unicode.Mn, r)
}
