package store

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/chorus-hq/chorus"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// termDoc is a stored glossary term version (in term_versions) or head (in terms). Key is
// chorus.TermKey(lang, term), the identity of the term in its workspace.
type termDoc struct {
	ID          string    `bson:"_id"`
	Workspace   string    `bson:"workspace"`
	Key         string    `bson:"key"`
	Term        string    `bson:"term"`
	Lang        string    `bson:"lang"`
	Definition  string    `bson:"definition"`
	Forbidden   []string  `bson:"forbidden,omitempty"`
	Exceptions  []string  `bson:"exceptions,omitempty"`
	Note        string    `bson:"note"`
	MatchCase   bool      `bson:"match_case"`
	MatchAccent bool      `bson:"match_accent"`
	Retired     bool      `bson:"retired,omitempty"`
	Equivalent  string    `bson:"equivalent,omitempty"`
	Version     int       `bson:"version"`
	CreatedBy   string    `bson:"created_by"`
	CreatedAt   time.Time `bson:"created_at,omitempty"`
	UpdatedBy   string    `bson:"updated_by"`
	UpdatedAt   time.Time `bson:"updated_at,omitempty"`
}

func toTermDoc(g chorus.GlossaryTerm) termDoc {
	return termDoc{
		Workspace: g.WorkspaceID, Key: g.Key(), Term: g.Term, Lang: string(g.Lang),
		Definition: g.Definition, Forbidden: nilIfEmpty(g.Forbidden), Exceptions: nilIfEmpty(g.Exceptions), Note: g.Note,
		MatchCase: g.MatchCase, MatchAccent: g.MatchAccent, Retired: g.Retired, Equivalent: g.Equivalent,
		Version: g.Version, CreatedBy: g.CreatedBy, CreatedAt: storedTime(g.CreatedAt),
		UpdatedBy: g.UpdatedBy, UpdatedAt: storedTime(g.UpdatedAt),
	}
}

func (d *termDoc) term() chorus.GlossaryTerm {
	return chorus.GlossaryTerm{
		WorkspaceID: d.Workspace, Term: d.Term, Lang: chorus.Lang(d.Lang),
		Definition: d.Definition, Forbidden: nilIfEmpty(d.Forbidden), Exceptions: nilIfEmpty(d.Exceptions), Note: d.Note,
		MatchCase: d.MatchCase, MatchAccent: d.MatchAccent, Retired: d.Retired, Equivalent: d.Equivalent,
		Version: d.Version, CreatedBy: d.CreatedBy, CreatedAt: storedTime(d.CreatedAt),
		UpdatedBy: d.UpdatedBy, UpdatedAt: storedTime(d.UpdatedAt),
	}
}

func terms(ds []termDoc) []chorus.GlossaryTerm {
	gs := make([]chorus.GlossaryTerm, len(ds))
	for i := range ds {
		gs[i] = ds[i].term()
	}
	return gs
}

// checkTerm refuses a term whose key would be empty, such as one made only of spaces.
func checkTerm(g chorus.GlossaryTerm) error {
	return checkIdentity("glossary term", g.WorkspaceID, string(g.Lang), chorus.Fold(g.Term))
}

// CreateTerm stores g as version 1 of a new glossary term. It returns ErrConflict when a term
// with the same key (language and folded wording) exists in the workspace.
func (s *Store) CreateTerm(ctx context.Context, g chorus.GlossaryTerm) (chorus.GlossaryTerm, error) {
	if err := checkTerm(g); err != nil {
		return chorus.GlossaryTerm{}, err
	}
	now := s.clock()
	g.Version, g.CreatedAt, g.UpdatedAt = 1, now, now
	if g.UpdatedBy == "" {
		g.UpdatedBy = g.CreatedBy
	}
	d := toTermDoc(g)
	if err := s.terms.create(ctx, &d); err != nil {
		return chorus.GlossaryTerm{}, err
	}
	return d.term(), nil
}

// Term returns the latest version of the term with the given key (chorus.TermKey), or
// ErrNotFound.
func (s *Store) Term(ctx context.Context, workspace, key string) (chorus.GlossaryTerm, error) {
	d, err := s.terms.get(ctx, workspace, key)
	if err != nil {
		return chorus.GlossaryTerm{}, err
	}
	return d.term(), nil
}

// Terms returns the latest version of every term of the workspace, sorted by key.
func (s *Store) Terms(ctx context.Context, workspace string) ([]chorus.GlossaryTerm, error) {
	ds, err := s.terms.list(ctx, headQuery[termDoc]{
		filter: bson.D{{Key: "workspace", Value: workspace}}, sort: bson.D{{Key: "key", Value: 1}},
		ws: workspace, less: byTermKey,
	})
	if err != nil {
		return nil, err
	}
	return terms(ds), nil
}

// TermsWithWords returns the workspace's terms, sorted by key, whose wording, definition or one
// of whose forbidden variants holds every word of query (folded: case and accents ignored, a
// word being a run of letters and digits); none for a query without a word. The read model
// keeps the terms of each folded word by key (termOrders), so a lookup costs the terms that
// hold its rarest word, not the glossary.
func (s *Store) TermsWithWords(ctx context.Context, workspace, query string) ([]chorus.GlossaryTerm, error) {
	words := foldedWords(query)
	if len(words) == 0 {
		return nil, nil
	}
	holds := func(d *termDoc) bool {
		have := termWords(d)
		for _, w := range words {
			if !slices.Contains(have, w) {
				return false
			}
		}
		return true
	}
	if !s.terms.modelLoaded() { // the server's glossary, filtered here
		ds, err := s.terms.list(ctx, headQuery[termDoc]{filter: bson.D{{Key: "workspace", Value: workspace}},
			sort: bson.D{{Key: "key", Value: 1}}, ws: workspace, less: byTermKey})
		if err != nil {
			return nil, err
		}
		return terms(slices.DeleteFunc(ds, func(d termDoc) bool { return !holds(&d) })), nil
	}
	// the terms of the rarest word (each group's size is known without a copy), each checked
	// for the others
	q := headQuery[termDoc]{filter: bson.D{{Key: "workspace", Value: workspace}}, sort: bson.D{{Key: "key", Value: 1}},
		ws: workspace, less: byTermKey, match: holds, order: orderTermsByWord}
	fewest, rarest := -1, ""
	for _, w := range words {
		q.group = w
		_, n, err := s.terms.page(ctx, q, 0, 1)
		if err != nil {
			return nil, err
		}
		if fewest < 0 || n < fewest {
			fewest, rarest = n, w
		}
	}
	q.group = rarest
	ds, _, err := s.terms.page(ctx, q, 0, 0)
	if err != nil {
		return nil, err
	}
	return terms(slices.DeleteFunc(ds, func(d termDoc) bool { return !holds(&d) })), nil
}

// orderTermsByWord is the ordered index of terms: the terms holding each folded word, by key.
const orderTermsByWord = "by word, by key"

var byTermKey = asc(func(d *termDoc) string { return d.Key })

func termOrders() []order[termDoc] {
	return []order[termDoc]{{name: orderTermsByWord, groups: termWords, less: byTermKey}}
}

// termWords are the distinct folded words of a term's wording, definition and forbidden variants.
func termWords(d *termDoc) []string {
	var out []string
	for _, text := range append([]string{d.Term, d.Definition}, d.Forbidden...) {
		for _, w := range foldedWords(text) {
			if !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
	}
	return out
}

// foldedWords are the words of text, folded (chorus.Fold): runs of letters and digits.
func foldedWords(text string) []string {
	return strings.FieldsFunc(chorus.Fold(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// GlossaryVersion names the workspace's glossary as Terms returns it now: another version
// means the terms may have changed, the same one that they have not (two Stores, each with a
// random start, give different versions). A check that compiled the glossary can therefore
// find its work again by this name instead of reading and hashing every term (drift.Cache). It
// is "" when nothing says the read model is current: without a read model, or before it is
// loaded. With several replicas a term another one wrote changes it at the next Refresh, when
// Terms also shows that term.
func (s *Store) GlossaryVersion(_ context.Context, workspace string) string {
	gen, ok := s.terms.generation(workspace)
	if !ok {
		return ""
	}
	return workspace + "." + strconv.FormatUint(s.nonce, 36) + "." + strconv.FormatUint(gen, 36)
}

// UpdateTerm stores g as version g.Version+1 of the term with key g.Key(), keeping CreatedBy and
// CreatedAt of the version it is based on. A change of wording that changes the key is a new
// term, so it returns ErrNotFound; callers create the new term instead. It returns ErrConflict
// when someone stored that version first.
func (s *Store) UpdateTerm(ctx context.Context, g chorus.GlossaryTerm) (chorus.GlossaryTerm, error) {
	if err := checkTerm(g); err != nil {
		return chorus.GlossaryTerm{}, err
	}
	base := g.Version
	g.Version, g.UpdatedAt = base+1, s.clock()
	d := toTermDoc(g)
	err := s.terms.update(ctx, &d, base, func(d, prev *termDoc) {
		d.CreatedBy, d.CreatedAt = prev.CreatedBy, prev.CreatedAt
	})
	if err != nil {
		return chorus.GlossaryTerm{}, err
	}
	return d.term(), nil
}

// TermHistory returns every version of the term, oldest first, or ErrNotFound.
func (s *Store) TermHistory(ctx context.Context, workspace, key string) ([]chorus.GlossaryTerm, error) {
	ds, err := s.terms.history(ctx, workspace, key)
	if err != nil {
		return nil, err
	}
	return terms(ds), nil
}
