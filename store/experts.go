package store

import (
	"context"
	"time"

	"github.com/chorus-hq/chorus"
)

// Collections of a workspace's experts, versioned like its settings.
const (
	collExperts        = "experts"
	collExpertVersions = "expert_versions"
)

// expertsDoc is a stored version or head of a workspace's experts.
type expertsDoc struct {
	ID        string     `bson:"_id"`
	Workspace string     `bson:"workspace"`
	Topics    []topicDoc `bson:"topics,omitempty"`
	Escalate  int64      `bson:"escalate_seconds,omitempty"`
	Version   int        `bson:"version"`
	UpdatedBy string     `bson:"updated_by"`
	UpdatedAt time.Time  `bson:"updated_at,omitempty"`
}

type topicDoc struct {
	Name     string   `bson:"name"`
	Experts  []string `bson:"experts,omitempty"`
	Keywords []string `bson:"keywords,omitempty"`
}

func (s *Store) expertsRepo() *versioned[expertsDoc] {
	return &versioned[expertsDoc]{
		s: s, what: "experts",
		heads: s.db.Collection(collExperts), versions: s.db.Collection(collExpertVersions),
		ident: func(d *expertsDoc) (string, string, int) { return d.Workspace, "", d.Version },
		setID: func(d *expertsDoc, id string) { d.ID = id },
	}
}

func (d *expertsDoc) experts() chorus.Experts {
	e := chorus.Experts{WorkspaceID: d.Workspace, Escalate: time.Duration(d.Escalate) * time.Second,
		Version: d.Version, UpdatedBy: d.UpdatedBy, UpdatedAt: storedTime(d.UpdatedAt)}
	for _, t := range d.Topics {
		e.Topics = append(e.Topics, chorus.Topic{Name: t.Name, Experts: nilIfEmpty(t.Experts), Keywords: nilIfEmpty(t.Keywords)})
	}
	return e
}

// Experts returns a workspace's experts, or ErrNotFound when it never saved any (callers then
// use chorus.DefaultTopics).
func (s *Store) Experts(ctx context.Context, ws string) (chorus.Experts, error) {
	d, err := s.expertsRepo().get(ctx, ws, "")
	if err != nil {
		return chorus.Experts{}, err
	}
	return d.experts(), nil
}

// SaveExperts stores e as version e.Version+1, or returns ErrConflict when someone stored that
// version first.
func (s *Store) SaveExperts(ctx context.Context, e chorus.Experts) (chorus.Experts, error) {
	if err := checkIdentity("experts", e.WorkspaceID); err != nil {
		return chorus.Experts{}, err
	}
	base := e.Version
	e.Version, e.UpdatedAt = base+1, s.clock()
	d := expertsDoc{Workspace: e.WorkspaceID, Escalate: int64(e.Escalate / time.Second), Version: e.Version, UpdatedBy: e.UpdatedBy, UpdatedAt: e.UpdatedAt}
	for _, t := range e.Topics {
		d.Topics = append(d.Topics, topicDoc{Name: t.Name, Experts: nilIfEmpty(t.Experts), Keywords: nilIfEmpty(t.Keywords)})
	}
	repo := s.expertsRepo()
	var err error
	if base == 0 {
		err = repo.create(ctx, &d)
	} else {
		err = repo.update(ctx, &d, base, func(*expertsDoc, *expertsDoc) {})
	}
	if err != nil {
		return chorus.Experts{}, err
	}
	return d.experts(), nil
}
