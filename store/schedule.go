package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/chorus-hq/chorus"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// The scheduler's collections (listed in doc.go). Occurrences are claimed with Claim (kind
// "occurrence", id "<occurrence id>/<attempt>") before anything is sent, and recorded in
// occurrences once handled; both are swept after a month.
const (
	collDigests        = "digests"
	collDigestVersions = "digest_versions"
	collPolicies       = "policies"
	collPolicyVersions = "policy_versions"
	collSnoozes        = "snoozes"
	collOccurrences    = "occurrences"
	collPolicyReplans  = "policy_replans"
)

// digestDoc is a stored digest schedule version or head.
type digestDoc struct {
	ID        string    `bson:"_id"`
	Workspace string    `bson:"workspace"`
	Channel   string    `bson:"channel"`
	Lead      bool      `bson:"lead,omitempty"`
	Spec      string    `bson:"spec"`
	TimeZone  string    `bson:"time_zone"`
	Lang      string    `bson:"lang"`
	Off       bool      `bson:"off,omitempty"`
	Empty     string    `bson:"empty,omitempty"`
	Version   int       `bson:"version"`
	UpdatedBy string    `bson:"updated_by"`
	UpdatedAt time.Time `bson:"updated_at,omitempty"`
}

func (d *digestDoc) schedule() chorus.DigestSchedule {
	return chorus.DigestSchedule{
		WorkspaceID: d.Workspace, Channel: d.Channel, Lead: d.Lead, Spec: d.Spec, TimeZone: d.TimeZone,
		Lang: chorus.Lang(d.Lang), Off: d.Off, Empty: chorus.EmptyDigest(d.Empty), Version: d.Version, UpdatedBy: d.UpdatedBy, UpdatedAt: storedTime(d.UpdatedAt),
	}
}

// policyDoc is a stored reminder policy version or head. Durations are stored in minutes.
type policyDoc struct {
	ID           string    `bson:"_id"`
	Workspace    string    `bson:"workspace"`
	Campaign     string    `bson:"campaign"`
	Offsets      []int64   `bson:"offsets_min,omitempty"`
	Morning      bool      `bson:"morning"`
	MorningAt    int       `bson:"morning_at"`
	Overdue      bool      `bson:"overdue"`
	OverdueAt    int       `bson:"overdue_at"`
	OverdueDays  int       `bson:"overdue_days"`
	QuietStart   int       `bson:"quiet_start"`
	QuietEnd     int       `bson:"quiet_end"`
	SkipWeekends bool      `bson:"skip_weekends"`
	Inherit      bool      `bson:"inherit,omitempty"`
	Version      int       `bson:"version"`
	UpdatedBy    string    `bson:"updated_by"`
	UpdatedAt    time.Time `bson:"updated_at,omitempty"`
}

func toPolicyDoc(p chorus.ReminderPolicy) policyDoc {
	d := policyDoc{
		Workspace: p.WorkspaceID, Campaign: p.Campaign, Morning: p.Morning, MorningAt: p.MorningAt,
		Overdue: p.Overdue, OverdueAt: p.OverdueAt, OverdueDays: p.OverdueDays, QuietStart: p.QuietStart,
		QuietEnd: p.QuietEnd, SkipWeekends: p.SkipWeekends, Inherit: p.Inherit, Version: p.Version, UpdatedBy: p.UpdatedBy,
		UpdatedAt: storedTime(p.UpdatedAt),
	}
	for _, o := range p.Offsets {
		d.Offsets = append(d.Offsets, int64(o/time.Minute))
	}
	return d
}

func (d *policyDoc) policy() chorus.ReminderPolicy {
	p := chorus.ReminderPolicy{
		WorkspaceID: d.Workspace, Campaign: d.Campaign, Morning: d.Morning, MorningAt: d.MorningAt,
		Overdue: d.Overdue, OverdueAt: d.OverdueAt, OverdueDays: d.OverdueDays, QuietStart: d.QuietStart,
		QuietEnd: d.QuietEnd, SkipWeekends: d.SkipWeekends, Inherit: d.Inherit, Version: d.Version, UpdatedBy: d.UpdatedBy,
		UpdatedAt: storedTime(d.UpdatedAt),
	}
	for _, m := range d.Offsets {
		p.Offsets = append(p.Offsets, time.Duration(m)*time.Minute)
	}
	return p
}

// snoozeDoc is one snooze, never changed.
type snoozeDoc struct {
	ID        string    `bson:"_id"`
	Workspace string    `bson:"workspace"`
	Task      string    `bson:"task"`
	Due       time.Time `bson:"due"`
	Until     time.Time `bson:"until"`
	By        string    `bson:"by"`
	At        time.Time `bson:"at"`
}

func (d *snoozeDoc) snooze() chorus.Snooze {
	return chorus.Snooze{WorkspaceID: d.Workspace, TaskID: d.Task, Due: storedTime(d.Due), Until: storedTime(d.Until), By: d.By, At: storedTime(d.At)}
}

// occurrenceDoc is the record of one handled occurrence, never changed.
type occurrenceDoc struct {
	ID          string    `bson:"_id"`
	Kind        string    `bson:"kind"`
	Workspace   string    `bson:"workspace"`
	Task        string    `bson:"task,omitempty"`
	Channel     string    `bson:"channel"`
	TS          string    `bson:"ts,omitempty"`
	Folded      bool      `bson:"folded"`
	Skipped     bool      `bson:"skipped,omitempty"`
	Empty       bool      `bson:"empty,omitempty"`
	EmptyReason string    `bson:"empty_reason,omitempty"`
	ScheduledAt time.Time `bson:"scheduled_at"`
	DoneAt      time.Time `bson:"done_at"`
	By          string    `bson:"by"`
}

func (d *occurrenceDoc) occurrence() chorus.Occurrence {
	return chorus.Occurrence{
		ID: d.ID, Kind: chorus.OccurrenceKind(d.Kind), WorkspaceID: d.Workspace, TaskID: d.Task, Channel: d.Channel,
		TS: d.TS, Folded: d.Folded, Skipped: d.Skipped, Empty: d.Empty, EmptyReason: d.EmptyReason, ScheduledAt: storedTime(d.ScheduledAt), DoneAt: storedTime(d.DoneAt), By: d.By,
	}
}

func (s *Store) digestRepo() versioned[digestDoc] {
	return versioned[digestDoc]{
		s: s, what: "digest schedule", keyField: "channel",
		heads: s.db.Collection(collDigests), versions: s.db.Collection(collDigestVersions),
		ident: func(d *digestDoc) (string, string, int) { return d.Workspace, d.Channel, d.Version },
		setID: func(d *digestDoc, id string) { d.ID = id },
	}
}

func (s *Store) policyRepo() versioned[policyDoc] {
	return versioned[policyDoc]{
		s: s, what: "reminder policy", keyField: "campaign",
		heads: s.db.Collection(collPolicies), versions: s.db.Collection(collPolicyVersions),
		ident: func(d *policyDoc) (string, string, int) { return d.Workspace, d.Campaign, d.Version },
		setID: func(d *policyDoc, id string) { d.ID = id },
	}
}

// scheduleIndexes are the indexes of the scheduler's collections; createIndexes adds them to
// its list.
func scheduleIndexes() []indexSpec {
	return []indexSpec{
		{collDigestVersions, []mongo.IndexModel{uniqueIndex("workspace", "channel", "version")}},
		{collPolicyVersions, []mongo.IndexModel{uniqueIndex("workspace", "campaign", "version")}},
		{collSnoozes, []mongo.IndexModel{plainIndex("until", "_id")}},
		{collOccurrences, []mongo.IndexModel{
			plainIndex("workspace", "folded", "done_at", "_id"), plainIndex("done_at"),
			plainIndex("workspace", "kind", "channel", "scheduled_at", "_id"), // LastDigest
		}},
		{collThreads, []mongo.IndexModel{plainIndex("at")}},                                // the sweep's; threads are read by _id
		{collTasks, []mongo.IndexModel{plainIndex("status", "remind", "workspace", "id")}}, // OpenTasksToRemind, every workspace's
	}
}

// DigestSchedule returns the latest digest schedule of a channel, or ErrNotFound.
func (s *Store) DigestSchedule(ctx context.Context, workspace, channel string) (chorus.DigestSchedule, error) {
	r := s.digestRepo()
	d, err := r.get(ctx, workspace, channel)
	if err != nil {
		return chorus.DigestSchedule{}, err
	}
	return d.schedule(), nil
}

// SaveDigestSchedule stores d as version d.Version+1 (d.Version 0 creates it), with UpdatedAt
// from the clock. It returns ErrConflict when someone saved that version first.
func (s *Store) SaveDigestSchedule(ctx context.Context, d chorus.DigestSchedule) (chorus.DigestSchedule, error) {
	if err := checkIdentity("digest schedule", d.WorkspaceID, d.Channel); err != nil {
		return chorus.DigestSchedule{}, err
	}
	base := d.Version
	doc := digestDoc{
		Workspace: d.WorkspaceID, Channel: d.Channel, Lead: d.Lead, Spec: d.Spec, TimeZone: d.TimeZone,
		Lang: string(d.Lang), Off: d.Off, Empty: string(d.Empty), Version: base + 1, UpdatedBy: d.UpdatedBy, UpdatedAt: s.clock(),
	}
	r := s.digestRepo()
	var err error
	if base == 0 {
		err = r.create(ctx, &doc)
	} else {
		err = r.update(ctx, &doc, base, func(*digestDoc, *digestDoc) {})
	}
	if err != nil {
		return chorus.DigestSchedule{}, err
	}
	return doc.schedule(), nil
}

// DigestSchedules returns the latest digest schedule of every channel of every workspace, for
// the scheduler.
func (s *Store) DigestSchedules(ctx context.Context) ([]chorus.DigestSchedule, error) {
	r := s.digestRepo()
	ds, err := r.list(ctx, headQuery[digestDoc]{filter: bson.D{}, sort: bson.D{{Key: "_id", Value: 1}}})
	if err != nil {
		return nil, err
	}
	out := make([]chorus.DigestSchedule, len(ds))
	for i := range ds {
		out[i] = ds[i].schedule()
	}
	return out, nil
}

// ReminderPolicy returns the stored policy of a workspace (campaign "") or of one campaign, or
// ErrNotFound when none was saved.
func (s *Store) ReminderPolicy(ctx context.Context, workspace, campaign string) (chorus.ReminderPolicy, error) {
	r := s.policyRepo()
	d, err := r.get(ctx, workspace, campaign)
	if err != nil {
		return chorus.ReminderPolicy{}, err
	}
	return d.policy(), nil
}

// SaveReminderPolicy stores p as version p.Version+1 (0 creates it).
func (s *Store) SaveReminderPolicy(ctx context.Context, p chorus.ReminderPolicy) (chorus.ReminderPolicy, error) {
	if err := checkIdentity("reminder policy", p.WorkspaceID); err != nil {
		return chorus.ReminderPolicy{}, err
	}
	base := p.Version
	p.Version, p.UpdatedAt = base+1, s.clock()
	doc := toPolicyDoc(p)
	r := s.policyRepo()
	var err error
	if base == 0 {
		err = r.create(ctx, &doc)
	} else {
		err = r.update(ctx, &doc, base, func(*policyDoc, *policyDoc) {})
	}
	if err != nil {
		return chorus.ReminderPolicy{}, err
	}
	return doc.policy(), nil
}

// ReminderPolicies returns every stored policy of every workspace.
func (s *Store) ReminderPolicies(ctx context.Context) ([]chorus.ReminderPolicy, error) {
	r := s.policyRepo()
	ds, err := r.list(ctx, headQuery[policyDoc]{filter: bson.D{}, sort: bson.D{{Key: "_id", Value: 1}}})
	if err != nil {
		return nil, err
	}
	out := make([]chorus.ReminderPolicy, len(ds))
	for i := range ds {
		out[i] = ds[i].policy()
	}
	return out, nil
}

// AddSnooze stores a snooze. The same snooze stored twice (a double click) is stored once.
func (s *Store) AddSnooze(ctx context.Context, z chorus.Snooze) (chorus.Snooze, error) {
	if err := checkIdentity("snooze", z.WorkspaceID, z.TaskID); err != nil {
		return chorus.Snooze{}, err
	}
	d := snoozeDoc{
		Workspace: z.WorkspaceID, Task: z.TaskID, Due: storedTime(z.Due), Until: storedTime(z.Until), By: z.By, At: s.clock(),
	}
	d.ID = idOf(z.WorkspaceID, z.TaskID, strconv.FormatInt(d.Due.UnixMilli(), 10), strconv.FormatInt(d.Until.UnixMilli(), 10))
	unlock := s.lock()
	defer unlock()
	_, err := s.db.Collection(collSnoozes).InsertOne(ctx, d)
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return chorus.Snooze{}, fmt.Errorf("store: snooze task %s: %w", z.TaskID, err)
	}
	return d.snooze(), nil
}

// Snoozes returns the snoozes that end at or after since, the soonest ending first.
func (s *Store) Snoozes(ctx context.Context, since time.Time) ([]chorus.Snooze, error) {
	cur, err := s.db.Collection(collSnoozes).Find(ctx, bson.D{{Key: "until", Value: bson.D{{Key: "$gte", Value: since.UTC()}}}},
		options.Find().SetSort(bson.D{{Key: "until", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("store: list snoozes: %w", err)
	}
	var ds []snoozeDoc
	if err := cur.All(ctx, &ds); err != nil {
		return nil, fmt.Errorf("store: list snoozes: %w", err)
	}
	out := make([]chorus.Snooze, len(ds))
	for i := range ds {
		out[i] = ds[i].snooze()
	}
	return out, nil
}

// RecordOccurrence records that an occurrence was handled. It returns ErrConflict when it was
// recorded already, which only happens when two processes both believed they owned it.
func (s *Store) RecordOccurrence(ctx context.Context, o chorus.Occurrence) error {
	if err := checkIdentity("occurrence", o.ID); err != nil {
		return err
	}
	if o.DoneAt.IsZero() {
		o.DoneAt = s.clock()
	}
	d := occurrenceDoc{
		ID: o.ID, Kind: string(o.Kind), Workspace: o.WorkspaceID, Task: o.TaskID, Channel: o.Channel, TS: o.TS,
		Folded: o.Folded, Skipped: o.Skipped, Empty: o.Empty, EmptyReason: o.EmptyReason, ScheduledAt: storedTime(o.ScheduledAt), DoneAt: storedTime(o.DoneAt), By: o.By,
	}
	unlock := s.lock()
	defer unlock()
	_, err := s.db.Collection(collOccurrences).InsertOne(ctx, d)
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("occurrence %s recorded already: %w", o.ID, chorus.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: record occurrence %s: %w", o.ID, err)
	}
	return nil
}

// Occurrence returns the record of a handled occurrence, reporting false when there is none.
func (s *Store) Occurrence(ctx context.Context, id string) (chorus.Occurrence, bool, error) {
	var d occurrenceDoc
	err := s.db.Collection(collOccurrences).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return chorus.Occurrence{}, false, nil
	}
	if err != nil {
		return chorus.Occurrence{}, false, fmt.Errorf("store: read occurrence %s: %w", id, err)
	}
	return d.occurrence(), true, nil
}

// FoldedOccurrences returns the reminders of the workspace folded into a digest (too late to
// send) whose record was made in [from, to), oldest first.
func (s *Store) FoldedOccurrences(ctx context.Context, workspace string, from, to time.Time) ([]chorus.Occurrence, error) {
	cur, err := s.db.Collection(collOccurrences).Find(ctx, bson.D{
		{Key: "workspace", Value: workspace},
		{Key: "folded", Value: true},
		{Key: "done_at", Value: bson.D{{Key: "$gte", Value: from.UTC()}, {Key: "$lt", Value: to.UTC()}}},
	}, options.Find().SetSort(bson.D{{Key: "done_at", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("store: list folded occurrences: %w", err)
	}
	var ds []occurrenceDoc
	if err := cur.All(ctx, &ds); err != nil {
		return nil, fmt.Errorf("store: list folded occurrences: %w", err)
	}
	out := make([]chorus.Occurrence, len(ds))
	for i := range ds {
		out[i] = ds[i].occurrence()
	}
	return out, nil
}

// LastDigest returns the record of the latest digest of a channel planned before before (its
// slot), reporting false when there is none (none yet, or swept after a month). Records are
// insert-only, so the answer for a slot never changes once made: the scheduler reads it to tell
// the first empty digest in a row, "/chorus digest" to say when the last one ran.
func (s *Store) LastDigest(ctx context.Context, workspace, channel string, before time.Time) (chorus.Occurrence, bool, error) {
	var d occurrenceDoc
	err := s.db.Collection(collOccurrences).FindOne(ctx, bson.D{
		{Key: "workspace", Value: workspace},
		{Key: "kind", Value: string(chorus.DigestOccurrence)},
		{Key: "channel", Value: channel},
		{Key: "scheduled_at", Value: bson.D{{Key: "$lt", Value: before.UTC()}}},
	}, options.FindOne().SetSort(bson.D{{Key: "scheduled_at", Value: -1}, {Key: "_id", Value: -1}})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return chorus.Occurrence{}, false, nil
	}
	if err != nil {
		return chorus.Occurrence{}, false, fmt.Errorf("store: read last digest of %s: %w", channel, err)
	}
	return d.occurrence(), true, nil
}

// SweepOccurrences deletes the occurrence records made before olderThan, the snoozes that
// ended before it and the task threads started before it, and returns how many documents it
// deleted. The scheduler never reconsiders an occurrence that old, so no claim or record of it
// is needed any more; a task still reminded after its thread was swept starts a new one.
func (s *Store) SweepOccurrences(ctx context.Context, olderThan time.Time) (int, error) {
	unlock := s.lock()
	defer unlock()
	n := 0
	for _, c := range []struct{ coll, field string }{{collOccurrences, "done_at"}, {collSnoozes, "until"}, {collThreads, "at"}} {
		res, err := s.db.Collection(c.coll).DeleteMany(ctx, bson.D{{Key: c.field, Value: bson.D{{Key: "$lt", Value: olderThan.UTC()}}}})
		if err != nil {
			return n, fmt.Errorf("store: sweep %s: %w", c.coll, err)
		}
		n += int(res.DeletedCount)
	}
	return n, nil
}

// ClaimInfo returns who made a claim and when, reporting false when it is not claimed. The
// scheduler reads it to tell a claim whose owner is still sending from one whose owner died.
func (s *Store) ClaimInfo(ctx context.Context, kind, id string) (owner string, at time.Time, ok bool, err error) {
	var d claimDoc
	err = s.claims.FindOne(ctx, bson.D{{Key: "_id", Value: claimID(kind, id)}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", time.Time{}, false, nil
	}
	if err != nil {
		return "", time.Time{}, false, fmt.Errorf("store: read claim %s: %w", claimID(kind, id), err)
	}
	return d.Owner, storedTime(d.At), true, nil
}

// MarkAlive records that a scheduler was alive at at: the latest of every replica's marks is
// kept, in one document ($max), so LastAlive reads one document however many claims and events
// a year of use left in the claims collection.
func (s *Store) MarkAlive(ctx context.Context, at time.Time) error {
	_, err := s.meta.UpdateOne(ctx, bson.D{{Key: "_id", Value: metaAlive}},
		bson.D{{Key: "$max", Value: bson.D{{Key: "at", Value: storedTime(at)}}}}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("store: mark alive: %w", err)
	}
	return nil
}

// LastAlive returns the latest time a scheduler marked itself alive (MarkAlive), reporting
// false when none ever did: a restarted process looks back from it for what it missed. A data
// folder from before MarkAlive has the scheduler's "alive" claims instead, read once (the
// newest claim of that kind, found by scanning the claims on the embedded server).
func (s *Store) LastAlive(ctx context.Context) (time.Time, bool, error) {
	var d struct {
		At time.Time `bson:"at"`
	}
	err := s.meta.FindOne(ctx, bson.D{{Key: "_id", Value: metaAlive}}).Decode(&d)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return s.lastClaim(ctx, "alive")
	case err != nil:
		return time.Time{}, false, fmt.Errorf("store: read alive mark: %w", err)
	}
	return storedTime(d.At), true, nil
}

// metaAlive is the id of the alive mark in the meta collection.
const metaAlive = "alive"

// lastClaim returns the time of the newest claim of kind, reporting false when there is none.
func (s *Store) lastClaim(ctx context.Context, kind string) (time.Time, bool, error) {
	var d claimDoc
	err := s.claims.FindOne(ctx, bson.D{{Key: "kind", Value: kind}},
		options.FindOne().SetSort(bson.D{{Key: "at", Value: -1}})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: read last %s claim: %w", kind, err)
	}
	return storedTime(d.At), true, nil
}
