package chorus

import (
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// GlossaryTerm is an approved term of the shared glossary and the variants teams must not use.
type GlossaryTerm struct {
	WorkspaceID string
	Term        string // the approved wording, such as "Click & Collect"
	Lang        Lang
	Definition  string
	Forbidden   []string // variants to flag, such as "Drive"
	// Exceptions are expressions in which a forbidden variant is innocent, such as « lien en
	// bio » for the forbidden « bio »: the word is not the claim the glossary forbids there.
	Exceptions  []string
	Note        string // why, such as "nom officiel du service"
	MatchCase   bool   // forbidden variants match only with the same letter case
	MatchAccent bool   // forbidden variants match only with the same accents
	// Retired is a term no longer enforced: kept, with its history, but copy is not checked
	// against it.
	Retired bool
	// Equivalent is the term's counterpart in the other language (« avant-première » and
	// "preview"), by its wording: copy in this term's language that uses the counterpart is
	// flagged with this term as the suggestion, and the other way round.
	Equivalent string

	Version   int
	CreatedBy string
	CreatedAt time.Time
	UpdatedBy string
	UpdatedAt time.Time
}

// Key returns the identity of the term within its workspace: its language and its folded
// wording, so "Éclat" and "eclat" are one term.
func (g GlossaryTerm) Key() string { return TermKey(g.Lang, g.Term) }

// Enforced returns the terms copy is checked against: all but the retired ones.
func Enforced(terms []GlossaryTerm) []GlossaryTerm {
	out := make([]GlossaryTerm, 0, len(terms))
	for _, g := range terms {
		if !g.Retired {
			out = append(out, g)
		}
	}
	return out
}

// TermKey returns the key of term in lang.
func TermKey(lang Lang, term string) string { return string(lang) + ":" + Fold(term) }

// Validate reports every problem with the term.
func (g GlossaryTerm) Validate() error {
	var ps Problems
	checkText(&ps, "term", g.Term, MaxTermLen, true)
	if _, ok := ParseLang(string(g.Lang)); !ok {
		ps.add("lang", "lang.invalid", string(g.Lang))
	}
	checkText(&ps, "definition", g.Definition, MaxDefinitionLen, false)
	checkText(&ps, "note", g.Note, MaxNoteLen, false)
	checkText(&ps, "equivalent", g.Equivalent, MaxTermLen, false)
	if len(g.Forbidden) > MaxVariants {
		ps.add("forbidden", "glossary.variants.many", MaxVariants)
	}
	if len(g.Exceptions) > MaxVariants {
		ps.add("exceptions", "glossary.variants.many", MaxVariants)
	}
	for _, v := range g.Exceptions {
		checkText(&ps, "exceptions", v, MaxTermLen, true)
	}
	for _, v := range g.Forbidden {
		checkText(&ps, "forbidden", v, MaxTermLen, true)
		if Fold(v) == Fold(g.Term) {
			ps.add("forbidden", "glossary.variant.is_term", v)
		}
	}
	return ps.Err()
}

// Fold lowers s, strips accents and normalises typography (’ to ', non-breaking spaces to spaces,
// runs of spaces to one), so that texts people type differently compare equal.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r) || invisibleRune(r) || r == '\u200d':
			continue
		case r == '’' || r == '‘' || r == 'ʼ':
			r = '\''
		case unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f':
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.TrimRight(b.String(), " ")
}
