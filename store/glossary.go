package store

import (
	"context"
	"strconv"
	"time"

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
		ws: workspace, less: asc(func(d *termDoc) string { return d.Key }),
	})
	if err != nil {
		return nil, err
	}
	return terms(ds), nil
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
