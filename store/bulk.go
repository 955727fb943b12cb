package store

import (
	"context"
	"fmt"

	"github.com/chorus-hq/chorus"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Batch is data to import at once: entities created as version 1 and audit entries, as a
// generator or a migration from another tool has them. Import stores them in bulk.
type Batch struct {
	Workspaces  []chorus.Workspace
	Campaigns   []chorus.Campaign
	Tasks       []chorus.Task
	Terms       []chorus.GlossaryTerm
	Meetings    []chorus.Meeting
	Lines       []chorus.Line
	Submissions []chorus.Submission
	Audit       []chorus.AuditEntry
}

// importChunk is how many documents one insert carries: large enough that a year of data goes
// in a few hundred round trips, small enough to stay far below the 48 MB message limit.
const importChunk = 2000

// Import stores every entity of b as version 1 (with its head) and every audit entry, in bulk
// inserts rather than one command each. Identities must be set (a task's ID, a meeting's ID, a
// line's Order…); times are kept as given. It is meant for an empty database or new
// identities: an identity that exists already fails the import with ErrConflict, and what was
// inserted before stays. Open meetings do not claim their channel.
func (s *Store) Import(ctx context.Context, b Batch) error {
	unlock := s.lock()
	defer unlock()
	steps := []func() error{
		func() error { return importAll(ctx, &s.workspaces, b.Workspaces, toWorkspaceDoc) },
		func() error { return importAll(ctx, &s.campaigns, b.Campaigns, toCampaignDoc) },
		func() error { return importAll(ctx, &s.tasks, b.Tasks, toTaskDoc) },
		func() error { return importAll(ctx, &s.terms, b.Terms, toTermDoc) },
		func() error { return importAll(ctx, s.meetingRepo(), b.Meetings, toMeetingDoc) },
		func() error { return importAll(ctx, s.lineRepo(), b.Lines, toLineDoc) },
		func() error { return importAll(ctx, s.submissionRepo(), b.Submissions, toSubmissionDoc) },
		func() error { return s.importAudit(ctx, b.Audit) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// importAll inserts the versions of xs, then their heads, chunk by chunk.
func importAll[T, D any](ctx context.Context, r *versioned[D], xs []T, doc func(T) D) error {
	r.s.known.forgetAll() // a head that fails to be written must not stay known as missing
	for len(xs) > 0 {
		n := min(importChunk, len(xs))
		versions, heads := make([]any, n), make([]any, n)
		for i, x := range xs[:n] {
			d := doc(x)
			ws, key, v := r.ident(&d)
			if err := checkIdentity(r.what, ws); err != nil {
				return err
			}
			if v != 1 {
				return fmt.Errorf("store: import %s version %d, not 1: %w", r.name(ws, key), v, chorus.ErrInvalid)
			}
			h := d
			r.setID(&d, versionID(r.headID(ws, key), v))
			r.setID(&h, r.headID(ws, key))
			versions[i], heads[i] = d, h
		}
		if err := insertMany(r.versions.Name(), func() error {
			_, err := r.versions.InsertMany(ctx, versions, options.InsertMany().SetOrdered(true))
			return err
		}); err != nil {
			return err
		}
		if err := insertMany(r.heads.Name(), func() error {
			_, err := r.heads.InsertMany(ctx, heads, options.InsertMany().SetOrdered(true))
			return err
		}); err != nil {
			return err
		}
		for _, h := range heads {
			r.offer(h.(D))
		}
		xs = xs[n:]
	}
	return nil
}

func (s *Store) importAudit(ctx context.Context, es []chorus.AuditEntry) error {
	for len(es) > 0 {
		n := min(importChunk, len(es))
		docs := make([]any, n)
		for i, e := range es[:n] {
			if err := checkIdentity("audit entry", e.WorkspaceID, e.Action); err != nil {
				return err
			}
			at := storedTime(e.At)
			if at.IsZero() {
				at = s.clock()
			}
			if e.ID == "" {
				e.ID = s.newAuditID(at)
			}
			docs[i] = auditDoc{ID: e.ID, Workspace: e.WorkspaceID, At: at, Actor: e.Actor, Action: e.Action,
				Target: e.Target, Before: e.Before, After: e.After, Detail: e.Detail}
		}
		if err := insertMany(collAudit, func() error {
			_, err := s.audit.InsertMany(ctx, docs, options.InsertMany().SetOrdered(true))
			return err
		}); err != nil {
			return err
		}
		for _, d := range docs {
			s.auditCache.add(d.(auditDoc))
		}
		es = es[n:]
	}
	return nil
}

func insertMany(coll string, insert func() error) error {
	err := insert()
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("store: import into %s: an identity exists already: %w", coll, chorus.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: import into %s: %w", coll, err)
	}
	return nil
}
