package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/chorus-hq/chorus"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// The scheduler's marks (issue 17): rather than read at start-up every open task that could
// have a reminder in a fortnight, the scheduler stores on each open task's head when its next
// reminder can be at the earliest (chorus.RemindMark), and reads back only the tasks whose mark
// is near (OpenTasksToRemind). A mark is not a version of the task: it is set on the head alone,
// and only while the head is at the version it was made for, since a new version is written
// with the mark zero ("never marked", planned at the next read). Which reminder policies the
// marks follow is kept apart (policy_replans), so that a policy saved since is noticed.

// OpenTasksToRemind returns the latest version of the open tasks of every workspace whose key
// (chorus.RemindKey: mark, workspace, id) comes after after and whose mark is before to, in that
// order: every one, or with a limit (0: none) the first limit. It returns with them the key up
// to which it read them all (upTo): the last one's when the limit left some out, else to's,
// where a caller goes on from. A zero after includes the tasks never marked (and the ones
// changed since their mark). The read model walks its tasks by key, so a start-up costs the
// tasks it plans, not every open task.
func (s *Store) OpenTasksToRemind(ctx context.Context, after chorus.RemindKey, to time.Time, limit int) (ts []chorus.Task, upTo chorus.RemindKey, err error) {
	from, to := storedTime(after.At), storedTime(to)
	after.At = from
	open := string(chorus.TaskOpen)
	key := func(d *taskDoc) chorus.RemindKey {
		return chorus.RemindKey{At: d.Remind, WorkspaceID: d.Workspace, TaskID: d.TaskID}
	}
	filter := bson.D{{Key: "status", Value: open}}
	if after.Instant() || !from.Before(to) {
		filter = append(filter, bson.E{Key: "remind", Value: bson.D{{Key: "$gte", Value: from}, {Key: "$lt", Value: to}}})
	} else { // a later mark, or the same mark and a later workspace, or the same workspace and a later id
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "remind", Value: bson.D{{Key: "$gt", Value: from}, {Key: "$lt", Value: to}}}},
			bson.D{{Key: "remind", Value: from}, {Key: "workspace", Value: bson.D{{Key: "$gt", Value: after.WorkspaceID}}}},
			bson.D{{Key: "remind", Value: from}, {Key: "workspace", Value: after.WorkspaceID}, {Key: "id", Value: bson.D{{Key: "$gt", Value: after.TaskID}}}},
		}})
	}
	q := headQuery[taskDoc]{
		filter: filter,
		sort:   bson.D{{Key: "remind", Value: 1}, {Key: "workspace", Value: 1}, {Key: "id", Value: 1}}, less: byRemind,
		match: func(d *taskDoc) bool {
			return d.Status == open && key(d).Compare(after) > 0 && d.Remind.Before(to)
		},
		order: orderStatusByRemind, group: open,
	}.narrowed("status", open)
	lo := &taskDoc{Remind: from, Workspace: after.WorkspaceID, TaskID: after.TaskID}
	ds, more, ok := rangeCached(&s.tasks, q, lo, &taskDoc{Remind: to}, limit)
	if !ok {
		n := 0
		if limit > 0 {
			n = limit + 1 // one more says whether the limit left some out
		}
		if ds, err = s.tasks.find(ctx, q, 0, n); err != nil {
			return nil, chorus.RemindKey{}, err
		}
		if more = limit > 0 && len(ds) > limit; more {
			ds = ds[:limit]
		}
	}
	if more {
		return tasks(ds), key(&ds[len(ds)-1]), nil
	}
	return tasks(ds), chorus.RemindKey{At: to}, nil
}

// markChunk is how many marks one bulk write carries, under one hold of the write lock. The
// embedded server (FerretDB v1) never answers an update command of 100 statements or more (99
// take 0.3 s at 1,000 tasks, 100 hang until the client's deadline), and writes each statement
// in a transaction of its own, about 1.4 ms: 16 marks hold the commands' writes 25 ms at most.
const markChunk = 16

// MarkReminds sets each mark on its task's head, when the head is still at the mark's version:
// a task changed since keeps the zero mark its new version was written with, and a task that
// is gone is skipped without error. The marks go to the server in bulk, a round trip per
// markChunk of them. They are not versions: neither the version nor UpdatedAt changes, so
// another replica's Refresh does not bring them in (its next load from the server does).
func (s *Store) MarkReminds(ctx context.Context, marks []chorus.RemindMark) error {
	if len(marks) == 0 {
		return nil
	}
	for _, m := range marks {
		if err := checkIdentity("reminder mark", m.WorkspaceID, m.TaskID); err != nil {
			return err
		}
	}
	for chunk := range slices.Chunk(marks, markChunk) {
		if err := s.markSome(ctx, chunk); err != nil {
			return fmt.Errorf("store: mark reminders of %d tasks: %w", len(marks), err)
		}
	}
	return nil
}

// markSome stores one chunk of marks under the write lock, taken for each chunk so that the
// commands' writes wait for one chunk at most, not for the thousand marks of a morning's
// reminders.
func (s *Store) markSome(ctx context.Context, chunk []chorus.RemindMark) error {
	unlock := s.lock()
	defer unlock()
	if s.serialize {
		var err error
		if chunk, err = s.stillAt(ctx, chunk); err != nil || len(chunk) == 0 {
			return err
		}
	}
	models := make([]mongo.WriteModel, len(chunk))
	for i, m := range chunk {
		filter := bson.D{{Key: "_id", Value: s.tasks.headID(m.WorkspaceID, m.TaskID)}}
		if !s.serialize {
			filter = append(filter, bson.E{Key: "version", Value: m.Version})
		}
		models[i] = mongo.NewUpdateOneModel().SetFilter(filter).
			SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "remind", Value: storedTime(m.At)}}}})
	}
	if _, err := s.tasks.heads.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false)); err != nil {
		return err
	}
	// the read model follows each chunk stored: one that fails leaves the ones before marked
	for _, m := range chunk {
		at := storedTime(m.At)
		s.tasks.amend(m.WorkspaceID, m.TaskID, m.Version, func(d *taskDoc) { d.Remind = at })
	}
	return nil
}

// stillAt keeps the marks whose task's head is still at their version, for a store whose writes
// are serialised (the embedded server), so that no head can change between this check and the
// write, which then filters on _id alone: the embedded server scans the collection for any
// other filter (see putHeadLocked), 3–4 ms a mark at 1,000 tasks. The read model answers when
// loaded; the server otherwise, a read by _id each.
func (s *Store) stillAt(ctx context.Context, marks []chorus.RemindMark) ([]chorus.RemindMark, error) {
	out := marks[:0:0]
	for _, m := range marks {
		var v int
		if s.tasks.modelLoaded() {
			d, ok := s.tasks.cached(m.WorkspaceID, m.TaskID)
			if !ok {
				continue
			}
			v = d.Version
		} else {
			cur, ok, err := s.tasks.headVersion(ctx, s.tasks.headID(m.WorkspaceID, m.TaskID))
			if err != nil {
				return nil, fmt.Errorf("store: mark reminders: %w", err)
			}
			if !ok {
				continue
			}
			v = cur
		}
		if v == m.Version {
			out = append(out, m)
		}
	}
	return out, nil
}

// policyReplanDoc records the version of a reminder policy whose tasks were marked again,
// _id = workspace/campaign ("" for the workspace's own policy).
type policyReplanDoc struct {
	ID        string `bson:"_id"`
	Workspace string `bson:"workspace"`
	Campaign  string `bson:"campaign"`
	Version   int    `bson:"version"`
}

// MarkPolicyReplanned records that the open tasks under the policy r names were marked again
// after its version r.Version was saved. The recorded version never goes back ($max): a
// scheduler that replanned an older version after another replanned a newer one cannot make
// the newer one look unplanned.
func (s *Store) MarkPolicyReplanned(ctx context.Context, r chorus.PolicyReplan) error {
	if err := checkIdentity("policy replan", r.WorkspaceID); err != nil {
		return err
	}
	unlock := s.lock()
	defer unlock()
	_, err := s.db.Collection(collPolicyReplans).UpdateOne(ctx, bson.D{{Key: "_id", Value: idOf(r.WorkspaceID, r.Campaign)}},
		bson.D{
			{Key: "$set", Value: bson.D{{Key: "workspace", Value: r.WorkspaceID}, {Key: "campaign", Value: r.Campaign}}},
			{Key: "$max", Value: bson.D{{Key: "version", Value: r.Version}}},
		}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("store: mark policy %q of %s replanned: %w", r.Campaign, r.WorkspaceID, err)
	}
	return nil
}

// PolicyReplans returns every policy's record of the version its tasks were marked for, one per
// policy in the order of their ids (workspace/campaign), read at a scheduler's start-up.
func (s *Store) PolicyReplans(ctx context.Context) ([]chorus.PolicyReplan, error) {
	cur, err := s.db.Collection(collPolicyReplans).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("store: list policy replans: %w", err)
	}
	var ds []policyReplanDoc
	if err := cur.All(ctx, &ds); err != nil {
		return nil, fmt.Errorf("store: list policy replans: %w", err)
	}
	out := make([]chorus.PolicyReplan, len(ds))
	for i, d := range ds {
		out[i] = chorus.PolicyReplan{WorkspaceID: d.Workspace, Campaign: d.Campaign, Version: d.Version}
	}
	return out, nil
}
