package drift

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind is the lexical class of a token.
type tokKind uint8

const (
	tWord tokKind = iota // letters, possibly mixed with digits ("x2", "1er", "40h")
	tNum                 // digits only
	tSym                 // one punctuation or symbol rune, or an emoji
)

// token is one unit of a text. Its text is folded (lower case, no accents, typography unified)
// so rules compare "Éclat" and "eclat" alike, while start and end point back into the original
// text so findings quote what the user wrote.
type token struct {
	s          string // folded text; a normalised symbol for tSym
	start, end int    // byte span in the original text
	kind       tokKind
	space      bool // preceded by white space
	nl         bool // preceded by a line break (or first token)
	upper      bool // the original has an upper-case letter
	allUpper   bool // the original has letters, all upper case
	emoji      bool
	num        int // value of a tNum token (capped)
}

// foldRune appends the folded form of r to b: lower case without diacritics. Latin-1 and the
// common Latin Extended-A letters are mapped directly, which is much faster than full Unicode
// decomposition and covers French and English text.
func foldRune(b []byte, r rune) []byte {
	if r < 0x80 {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(b, byte(r))
	}
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å', 'À', 'Á', 'Â', 'Ã', 'Ä', 'Å', 'ā', 'Ā':
		return append(b, 'a')
	case 'ç', 'Ç', 'ć', 'č':
		return append(b, 'c')
	case 'è', 'é', 'ê', 'ë', 'È', 'É', 'Ê', 'Ë', 'ē', 'ė', 'ę', 'ě':
		return append(b, 'e')
	case 'ì', 'í', 'î', 'ï', 'Ì', 'Í', 'Î', 'Ï':
		return append(b, 'i')
	case 'ñ', 'Ñ', 'ń':
		return append(b, 'n')
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø', 'Ò', 'Ó', 'Ô', 'Õ', 'Ö', 'Ø':
		return append(b, 'o')
	case 'ù', 'ú', 'û', 'ü', 'Ù', 'Ú', 'Û', 'Ü':
		return append(b, 'u')
	case 'ý', 'ÿ', 'Ý', 'Ÿ':
		return append(b, 'y')
	case 'œ', 'Œ':
		return append(b, 'o', 'e')
	case 'æ', 'Æ':
		return append(b, 'a', 'e')
	case 'ß':
		return append(b, 's', 's')
	}
	return utf8.AppendRune(b, unicode.ToLower(r))
}

// symbol returns the normalised text of a punctuation or symbol rune: the typographic variants
// people type (’ vs ', en dash vs hyphen, arrows, guillemets) become one form.
func symbol(r rune) string {
	switch r {
	case '’', '‘', 'ʼ', '`', '´':
		return "'"
	case '–', '—', '−', '‑', '‒', '―', '→', '⟶', '➔', '➜', '⇒':
		return "-"
	case '«', '»', '“', '”', '„':
		return "\""
	case '·', '•', '|', '‧', '∙':
		return "·"
	case '…':
		return "."
	}
	if r < 0x80 {
		return asciiSyms[r]
	}
	return string(r)
}

var asciiSyms = func() (t [128]string) {
	for i := range t {
		t[i] = string(rune(i))
	}
	return t
}()

// isEmoji reports whether r is a pictograph (emoji, dingbat, arrow-like symbol used as one).
func isEmoji(r rune) bool {
	return r >= 0x1F000 || (r >= 0x2600 && r <= 0x27BF) || (r >= 0x2B00 && r <= 0x2BFF) || r == 0x2728 || r == 0x23F3 || r == 0x231B
}

// invisible reports whether r carries no text: variation selectors, joiners, skin tones.
func invisible(r rune) bool {
	if r < 0x300 {
		return false
	}
	return unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Cf, r) || (r >= 0x1F3FB && r <= 0x1F3FF) || r == 0xFE0F
}

// tokenize splits text into tokens. Words are maximal runs of letters and digits; every other
// visible rune is a symbol token of its own.
func tokenize(text string) []token {
	toks := make([]token, 0, len(text)/4+4)
	buf := make([]byte, 0, len(text)+8)
	type span struct{ from, to int }
	spans := make([]span, 0, cap(toks))
	space, nl := false, true
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			space, nl = true, true
			i += size
			continue
		case unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f' || r == '\u2009':
			space = true
			i += size
			continue
		case invisible(r):
			i += size
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			start := i
			from := len(buf)
			upper, lower, digits, letters := false, false, true, false
			for i < len(text) {
				r, size = utf8.DecodeRuneInString(text[i:])
				if invisible(r) && r != 0xFE0F && i > start {
					i += size
					continue
				}
				if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
					break
				}
				if unicode.IsLetter(r) {
					letters = true
					digits = false
					if unicode.IsUpper(r) {
						upper = true
					} else {
						lower = true
					}
				}
				buf = foldRune(buf, r)
				i += size
			}
			t := token{start: start, end: i, space: space, nl: nl, upper: upper, allUpper: letters && upper && !lower}
			if digits {
				t.kind = tNum
				n := 0
				for _, c := range text[start:i] {
					if c >= '0' && c <= '9' && n < 1e9 {
						n = n*10 + int(c-'0')
					}
				}
				t.num = n
			}
			toks = append(toks, t)
			spans = append(spans, span{from, len(buf)})
		default:
			from := len(buf)
			t := token{start: i, end: i + size, kind: tSym, space: space, nl: nl}
			if isEmoji(r) {
				t.emoji = true
				buf = append(buf, '~')
			} else {
				buf = append(buf, symbol(r)...)
			}
			i += size
			toks = append(toks, t)
			spans = append(spans, span{from, len(buf)})
		}
		space, nl = false, false
	}
	all := string(buf)
	for k := range toks {
		toks[k].s = all[spans[k].from:spans[k].to]
	}
	return toks
}

// is reports whether t is a word or number token with folded text s.
func (t token) is(s string) bool { return t.s == s && t.kind != tSym }

// isSym reports whether t is the symbol s.
func (t token) isSym(s string) bool { return t.kind == tSym && t.s == s }

// glued reports whether t follows the previous token with no space.
func (t token) glued() bool { return !t.space }

// digits returns the digits of a tNum token.
func digitsOf(text string, t token) string { return text[t.start:t.end] }

// quote returns the original text between tokens from and to (inclusive), trimmed.
func quote(text string, toks []token, from, to int) string {
	if from < 0 || to >= len(toks) || from > to {
		return ""
	}
	return strings.TrimSpace(text[toks[from].start:toks[to].end])
}

// foldString folds s the way tokens are folded, keeping spaces and symbols, for lexicon entries
// and glossary terms.
func foldString(s string) string {
	b := make([]byte, 0, len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f':
			space = true
			continue
		case invisible(r):
			continue
		}
		if space && len(b) > 0 {
			b = append(b, ' ')
		}
		space = false
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b = foldRune(b, r)
		} else {
			b = append(b, symbol(r)...)
		}
	}
	return string(b)
}
