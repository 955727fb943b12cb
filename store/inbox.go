package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/chorus-hq/chorus"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Inbox collections: the items, their done marks (inserts, so that marking needs no scan nor
// update), and one heartbeat per replica holding items.
const (
	collInbox      = "inbox"
	collInboxDone  = "inbox_done"
	collInboxAlive = "inbox_alive"
)

// InboxItem is one Slack request (a slash command, an interaction or an event) written to the
// store before Chorus acknowledged it, so that it is handled even if the process dies. Its ID is
// deterministic (Slack's event id, or a hash of the signed body), so a retry, or a delivery to
// another replica, finds it. The replica that wrote it, or took it last, holds it while its
// heartbeat (RenewInbox) lives; once that expired, another replica may take it; FinishInbox marks
// it handled, after its effects.
type InboxItem struct {
	ID          string    `bson:"_id"`
	Kind        string    `bson:"kind"`  // "command", "interaction", "event"
	ContentType string    `bson:"ctype"` // of Body
	Body        []byte    `bson:"body"`  // the request body, as Slack signed it
	Retry       int       `bson:"retry"` // X-Slack-Retry-Num of the delivery that wrote it
	Received    time.Time `bson:"received"`
	Owner       string    `bson:"owner"`   // replica holding it
	Attempt     int       `bson:"attempt"` // 1 for the delivery that wrote it, then one per take
}

type doneDoc struct {
	ID string    `bson:"_id"`
	At time.Time `bson:"at"`
}

type aliveDoc struct {
	ID    string    `bson:"_id"` // the replica
	Until time.Time `bson:"until"`
}

// inboxIndexes: the items have only their _id index, so that the insert every acknowledgement
// waits for maintains one index, not two (on the embedded store each index is an expression over
// the stored JSON, parsed again per index). The only other query on the items, UnfinishedInbox,
// filters on the holder, which no index would serve, and sorts the few unfinished items in
// memory. Done marks are read by _id and swept by age.
func inboxIndexes() []indexSpec {
	return []indexSpec{
		{collInboxDone, []mongo.IndexModel{plainIndex("at")}},
	}
}

// AddInbox inserts items in one unordered write and returns, per item, nil when it was
// inserted, an error wrapping chorus.ErrConflict when an item with its ID exists already, or the
// write's error.
func (s *Store) AddInbox(ctx context.Context, items []InboxItem) []error {
	// In embedded mode, in the write lock's fast lane: it waits for the write in progress, not
	// for the workers' writes queued behind it.
	unlock := s.lockUrgent()
	defer unlock()
	return addInbox(ctx, s.db, items)
}

func addInbox(ctx context.Context, db *mongo.Database, items []InboxItem) []error {
	errs := make([]error, len(items))
	if len(items) == 0 {
		return errs
	}
	docs := make([]any, len(items))
	for i := range items {
		items[i].Received = storedTime(items[i].Received)
		docs[i] = items[i]
	}
	_, err := db.Collection(collInbox).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return errs
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || len(bwe.WriteErrors) == 0 {
		for i := range errs {
			errs[i] = fmt.Errorf("store: write inbox: %w", err)
		}
		return errs
	}
	for _, we := range bwe.WriteErrors {
		if we.Index < 0 || we.Index >= len(errs) {
			continue
		}
		if mongo.IsDuplicateKeyError(we) {
			errs[we.Index] = fmt.Errorf("inbox item %s exists already: %w", items[we.Index].ID, chorus.ErrConflict)
		} else {
			errs[we.Index] = fmt.Errorf("store: write inbox item %s: %w", items[we.Index].ID, we)
		}
	}
	return errs
}

// Inbox returns the item with id and whether it is done, reporting false when there is none.
func (s *Store) Inbox(ctx context.Context, id string) (it InboxItem, done, ok bool, err error) {
	err = s.db.Collection(collInbox).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&it)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return it, false, false, nil
	}
	if err != nil {
		return it, false, false, fmt.Errorf("store: read inbox item %s: %w", id, err)
	}
	err = s.db.Collection(collInboxDone).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Err()
	switch {
	case err == nil:
		return it, true, true, nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return it, false, true, nil
	default:
		return it, false, false, fmt.Errorf("store: read inbox item %s: %w", id, err)
	}
}

// alive returns the replicas whose heartbeat lives at now.
func (s *Store) alive(ctx context.Context, now time.Time) (map[string]bool, error) {
	cur, err := s.db.Collection(collInboxAlive).Find(ctx, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("store: read inbox heartbeats: %w", err)
	}
	var ds []aliveDoc
	if err := cur.All(ctx, &ds); err != nil {
		return nil, fmt.Errorf("store: read inbox heartbeats: %w", err)
	}
	out := map[string]bool{}
	for _, d := range ds {
		if now.Before(d.Until) {
			out[d.ID] = true
		}
	}
	return out, nil
}

// TakeInbox gives owner the unfinished item id if its holder's heartbeat has expired (whatever
// the holder, when force is set: the caller knows it is dead) and no other caller took this
// attempt first. Taking attempt n+1 is a claim, an insert with a deterministic id, so two
// replicas never both take it.
func (s *Store) TakeInbox(ctx context.Context, id, owner string, force bool) (InboxItem, bool, error) {
	it, done, ok, err := s.Inbox(ctx, id)
	if err != nil || !ok || done {
		return it, false, err
	}
	if !force {
		live, err := s.alive(ctx, s.clock())
		if err != nil || live[it.Owner] {
			return it, false, err
		}
	}
	won, err := s.Claim(ctx, "inbox-take", fmt.Sprintf("%s#%d", id, it.Attempt+1), owner)
	if err != nil || !won {
		return it, false, err
	}
	it.Attempt++
	it.Owner = owner
	unlock := s.lock()
	defer unlock()
	_, err = s.db.Collection(collInbox).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "owner", Value: owner}, {Key: "attempt", Value: it.Attempt},
	}}})
	if err != nil {
		return it, false, fmt.Errorf("store: take inbox item %s: %w", id, err)
	}
	return it, true, nil
}

// UnfinishedInbox returns up to limit unfinished items, oldest first, whose holder's heartbeat
// has expired at now (or all unfinished items, when all is set).
func (s *Store) UnfinishedInbox(ctx context.Context, now time.Time, all bool, limit int) ([]InboxItem, error) {
	f := bson.D{}
	if !all {
		live, err := s.alive(ctx, now)
		if err != nil {
			return nil, err
		}
		owners := make([]string, 0, len(live))
		for o := range live {
			owners = append(owners, o)
		}
		if len(owners) > 0 {
			f = bson.D{{Key: "owner", Value: bson.D{{Key: "$nin", Value: owners}}}}
		}
	}
	cur, err := s.db.Collection(collInbox).Find(ctx, f, options.Find().SetProjection(bson.D{{Key: "body", Value: 0}}))
	if err != nil {
		return nil, fmt.Errorf("store: list inbox items: %w", err)
	}
	var items []InboxItem
	if err := cur.All(ctx, &items); err != nil {
		return nil, fmt.Errorf("store: list inbox items: %w", err)
	}
	done, err := s.doneAmong(ctx, items)
	if err != nil {
		return nil, err
	}
	var out []InboxItem
	for _, it := range items {
		if !done[it.ID] {
			out = append(out, it)
		}
	}
	slices.SortStableFunc(out, func(a, b InboxItem) int { return a.Received.Compare(b.Received) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// doneAmong returns which of items are marked done. A few are looked up by _id; many (after a
// burst, the inbox holds an hour of finished items) are matched against the done marks written
// since the oldest of them, read once: the embedded server matches $in by comparing every
// document with every id, which for thousands of each would take minutes.
func (s *Store) doneAmong(ctx context.Context, items []InboxItem) (map[string]bool, error) {
	done := map[string]bool{}
	if len(items) == 0 {
		return done, nil
	}
	var f bson.D
	if len(items) <= doneLookupMax {
		ids := make([]string, len(items))
		for i, it := range items {
			ids[i] = it.ID
		}
		f = bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}
	} else {
		oldest := items[0].Received
		for _, it := range items[1:] {
			if it.Received.Before(oldest) {
				oldest = it.Received
			}
		}
		// A done mark is written after its item, but by a replica with its own clock.
		f = bson.D{{Key: "at", Value: bson.D{{Key: "$gte", Value: oldest.Add(-doneClockSkew).UTC()}}}}
	}
	cur, err := s.db.Collection(collInboxDone).Find(ctx, f, options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("store: read inbox done marks: %w", err)
	}
	var ds []doneDoc
	if err := cur.All(ctx, &ds); err != nil {
		return nil, fmt.Errorf("store: read inbox done marks: %w", err)
	}
	for _, d := range ds {
		done[d.ID] = true
	}
	return done, nil
}

// doneLookupMax is how many items doneAmong looks up by _id; doneClockSkew how far apart the
// clocks of two replicas may be.
const (
	doneLookupMax = 64
	doneClockSkew = 10 * time.Minute
)

// RenewInbox records that owner lives, and holds its items, until until: one write whatever
// the number of items.
func (s *Store) RenewInbox(ctx context.Context, owner string, until time.Time) error {
	unlock := s.lock()
	defer unlock()
	_, err := s.db.Collection(collInboxAlive).ReplaceOne(ctx, bson.D{{Key: "_id", Value: owner}},
		aliveDoc{ID: owner, Until: storedTime(until)}, options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("store: renew the inbox heartbeat of %s: %w", owner, err)
	}
	return nil
}

// ReleaseInbox ends owner's heartbeat, so that other replicas take its unfinished items at once:
// a process stopping with admitted work hands it back.
func (s *Store) ReleaseInbox(ctx context.Context, owner string) error {
	unlock := s.lock()
	defer unlock()
	if _, err := s.db.Collection(collInboxAlive).DeleteOne(ctx, bson.D{{Key: "_id", Value: owner}}); err != nil {
		return fmt.Errorf("store: release the inbox items of %s: %w", owner, err)
	}
	return nil
}

// FinishInbox marks the items ids handled, in one insert; marking one twice is harmless.
func (s *Store) FinishInbox(ctx context.Context, ids ...string) error {
	// In the fast lane too: until its done mark is written, a delivered reply would be sent
	// again by a re-run after a crash, so the mark should not wait for the workers' queue.
	unlock := s.lockUrgent()
	defer unlock()
	return finishInbox(ctx, s.db, s.clock(), ids)
}

func finishInbox(ctx context.Context, db *mongo.Database, at time.Time, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	docs := make([]any, len(ids))
	for i, id := range ids {
		docs[i] = doneDoc{ID: id, At: at}
	}
	_, err := db.Collection(collInboxDone).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && len(bwe.WriteErrors) > 0 && bwe.WriteConcernError == nil {
		for _, we := range bwe.WriteErrors {
			if !mongo.IsDuplicateKeyError(we) {
				return fmt.Errorf("store: finish inbox items: %w", err)
			}
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: finish %d inbox items: %w", len(ids), err)
	}
	return nil
}

// SweepInbox deletes the items finished before olderThan (Slack retries an event for about
// 6 minutes; a finished item only has to outlive them), their done marks and take claims.
func (s *Store) SweepInbox(ctx context.Context, olderThan time.Time) (int, error) {
	cur, err := s.db.Collection(collInboxDone).Find(ctx, bson.D{{Key: "at", Value: bson.D{{Key: "$lt", Value: olderThan.UTC()}}}})
	if err != nil {
		return 0, fmt.Errorf("store: sweep inbox: %w", err)
	}
	var ds []doneDoc
	if err := cur.All(ctx, &ds); err != nil {
		return 0, fmt.Errorf("store: sweep inbox: %w", err)
	}
	if len(ds) == 0 {
		return 0, nil
	}
	ids := make([]string, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	in := bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}
	unlock := s.lock()
	res, err := s.db.Collection(collInbox).DeleteMany(ctx, in)
	if err == nil {
		_, err = s.db.Collection(collInboxDone).DeleteMany(ctx, in)
	}
	unlock()
	if err != nil {
		return 0, fmt.Errorf("store: sweep inbox: %w", err)
	}
	if _, err := s.SweepClaims(ctx, "inbox-take", olderThan); err != nil {
		return int(res.DeletedCount), err
	}
	return int(res.DeletedCount), nil
}

// InboxWrites are the two writes an InboxBatcher groups: *Store and *InboxWriter make them.
type InboxWrites interface {
	AddInbox(ctx context.Context, items []InboxItem) []error
	FinishInbox(ctx context.Context, ids ...string) error
}

// InboxWriter makes the inbox's grouped writes over a connection pool of its own, so that an
// acknowledgement never waits for a connection behind the workers' reads and writes (the
// embedded store's pool is small; on MongoDB the pool is shared by every query of the process).
// It writes the same collections as the Store it was opened for, and in embedded mode takes its
// write lock, in its fast lane.
type InboxWriter struct {
	st     *Store
	client *mongo.Client
	db     *mongo.Database
}

// OpenInboxWriter connects to uri (the server s is connected to) with at most conns
// connections: 2 suffice, as one batch of items and one of done marks are written at a time.
func (s *Store) OpenInboxWriter(uri string, conns int) (*InboxWriter, error) {
	client, err := mongo.Connect(options.Client().ApplyURI(uri).SetAppName("chorus-inbox").SetMaxPoolSize(uint64(max(conns, 1))))
	if err != nil {
		return nil, fmt.Errorf("store: connect the inbox writer: %w", err)
	}
	return &InboxWriter{st: s, client: client, db: client.Database(s.db.Name())}, nil
}

// AddInbox is Store.AddInbox over the writer's connections.
func (w *InboxWriter) AddInbox(ctx context.Context, items []InboxItem) []error {
	unlock := w.st.lockUrgent()
	defer unlock()
	return addInbox(ctx, w.db, items)
}

// FinishInbox is Store.FinishInbox over the writer's connections.
func (w *InboxWriter) FinishInbox(ctx context.Context, ids ...string) error {
	unlock := w.st.lockUrgent()
	defer unlock()
	return finishInbox(ctx, w.db, w.st.clock(), ids)
}

// Close disconnects the writer.
func (w *InboxWriter) Close(ctx context.Context) error {
	if err := w.client.Disconnect(ctx); err != nil {
		return fmt.Errorf("store: disconnect the inbox writer: %w", err)
	}
	return nil
}

// InboxBatcher groups the inbox writes arriving together (group commit): the items added as one
// insert, the items finished as one insert of done marks, so that a burst of acknowledgements
// does not queue one write each on the embedded store. One batch of each kind is written at a
// time; whatever arrives during that write is the next batch, written as soon as it ends (up to
// Max items). The batch size so adapts to the load: alone, an item is written at once; under a
// burst, a write carries everything that arrived while the previous one was on its way to disk.
// Wait, when not zero, holds the first batch after an idle period open that long for others to
// join. It holds no goroutine when idle.
type InboxBatcher struct {
	st   InboxWrites
	wait time.Duration
	max  int

	adds     batch[InboxItem]
	finishes batch[string]
}

// batch is one kind of grouped write.
type batch[T any] struct {
	mu      sync.Mutex
	pending []pendingOp[T]
	leading bool
}

type pendingOp[T any] struct {
	v    T
	done chan error
}

// NewInboxBatcher returns a batcher writing to st; wait is how long a batch stays open after an
// idle period (0: none, the writes themselves set the pace), max its size.
func NewInboxBatcher(st InboxWrites, wait time.Duration, max int) *InboxBatcher {
	return &InboxBatcher{st: st, wait: wait, max: max}
}

// Add writes item with the next batch and returns nil once it is stored, an error wrapping
// chorus.ErrConflict when an item with its ID exists already, or the write's error. ctx bounds
// the wait; the batch itself is written with a context of its own.
func (b *InboxBatcher) Add(ctx context.Context, item InboxItem) error {
	return join(ctx, &b.adds, item, b.wait, b.max, func(ctx context.Context, items []InboxItem) []error {
		return b.st.AddInbox(ctx, items)
	})
}

// Finish marks item id handled with the next batch of finishes.
func (b *InboxBatcher) Finish(ctx context.Context, id string) error {
	return join(ctx, &b.finishes, id, b.wait, b.max, func(ctx context.Context, ids []string) []error {
		err := b.st.FinishInbox(ctx, ids...)
		errs := make([]error, len(ids))
		for i := range errs {
			errs[i] = err
		}
		return errs
	})
}

func join[T any](ctx context.Context, b *batch[T], v T, wait time.Duration, max int, write func(context.Context, []T) []error) error {
	p := pendingOp[T]{v: v, done: make(chan error, 1)}
	b.mu.Lock()
	b.pending = append(b.pending, p)
	lead := !b.leading
	b.leading = true
	b.mu.Unlock()
	if lead {
		go flush(ctx, b, wait, max, write)
	}
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("store: inbox write: %w", ctx.Err())
	}
}

// flush waits for the first batch to fill (up to wait, a latency bound on the wall clock), then
// writes batches until none is pending.
func flush[T any](ctx context.Context, b *batch[T], wait time.Duration, max int, write func(context.Context, []T) []error) {
	if wait > 0 {
		t := time.NewTimer(wait)
		<-t.C
	}
	var vs []T
	for {
		b.mu.Lock()
		ops := b.pending
		if len(ops) == 0 {
			b.leading = false
			b.mu.Unlock()
			return
		}
		if len(ops) > max {
			ops, b.pending = ops[:max], ops[max:]
		} else {
			b.pending = nil
		}
		b.mu.Unlock()
		vs = vs[:0]
		for _, p := range ops {
			vs = append(vs, p.v)
		}
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		errs := write(wctx, vs)
		cancel()
		for i, p := range ops {
			p.done <- errs[i]
		}
	}
}
