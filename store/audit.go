package store

import (
	"context"
	"fmt"
	"time"

	"github.com/chorus-hq/chorus"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// auditDoc is one stored audit entry (in audit).
type auditDoc struct {
	ID        string    `bson:"_id"`
	Workspace string    `bson:"workspace"`
	At        time.Time `bson:"at"`
	Actor     string    `bson:"actor"`
	Action    string    `bson:"action"`
	Target    string    `bson:"target"`
	Before    int       `bson:"before"`
	After     int       `bson:"after"`
	Detail    string    `bson:"detail"`
}

// newAuditID returns an id that sorts after the ids this store made before in the same
// millisecond, so entries written at one instant (a fast burst, or a frozen test clock) still
// list in the order they were added; the random tail keeps ids of other processes apart.
func (s *Store) newAuditID(at time.Time) string {
	s.auditMu.Lock()
	s.auditSeq++
	seq := s.auditSeq
	s.auditMu.Unlock()
	return fmt.Sprintf("%012x%08x%s", at.UnixMilli(), seq&0xffffffff, randomString(6))
}

// AddAudit stores e as its own document. It assigns e.ID when empty and e.At from the clock when
// zero; a given ID that exists already returns ErrConflict.
func (s *Store) AddAudit(ctx context.Context, e chorus.AuditEntry) error {
	if err := checkIdentity("audit entry", e.WorkspaceID, e.Action); err != nil {
		return err
	}
	at := storedTime(e.At)
	if at.IsZero() {
		at = s.clock()
	}
	replay := false
	if e.ID == "" {
		id, again, err := s.effect(ctx, s.newAuditID(at))
		if err != nil {
			return err
		}
		e.ID, replay = id, again
	}
	d := auditDoc{
		ID: e.ID, Workspace: e.WorkspaceID, At: at, Actor: e.Actor, Action: e.Action,
		Target: e.Target, Before: e.Before, After: e.After, Detail: e.Detail,
	}
	unlock := s.lock()
	defer unlock()
	_, err := s.audit.InsertOne(ctx, d)
	if err == nil || (mongo.IsDuplicateKeyError(err) && replay) {
		s.auditCache.add(d)
	}
	if mongo.IsDuplicateKeyError(err) && replay {
		return nil // written by an earlier run of this unit of work (WithEffects)
	}
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("audit entry %q exists already: %w", e.ID, chorus.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: write audit entry %s on %q: %w", e.Action, e.Target, err)
	}
	return nil
}

// Audit returns the workspace's audit entries about target, oldest first; target "" selects
// every entry of the workspace.
func (s *Store) Audit(ctx context.Context, workspace, target string) ([]chorus.AuditEntry, error) {
	ds, ok := s.auditCache.entries(workspace, target)
	if !ok {
		q := bson.D{{Key: "workspace", Value: workspace}}
		if target != "" {
			q = append(q, bson.E{Key: "target", Value: target})
		}
		cur, err := s.audit.Find(ctx, q, options.Find().SetSort(bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}))
		if err != nil {
			return nil, fmt.Errorf("store: read audit of %q: %w", target, err)
		}
		if err := cur.All(ctx, &ds); err != nil {
			return nil, fmt.Errorf("store: read audit of %q: %w", target, err)
		}
	}
	es := make([]chorus.AuditEntry, len(ds))
	for i, d := range ds {
		es[i] = chorus.AuditEntry{
			WorkspaceID: d.Workspace, ID: d.ID, At: storedTime(d.At), Actor: d.Actor, Action: d.Action,
			Target: d.Target, Before: d.Before, After: d.After, Detail: d.Detail,
		}
	}
	return es, nil
}
