package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/chorus-hq/chorus"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// collInbox holds the Slack requests written before their acknowledgement (the durable inbox).
const collInbox = "inbox"

// InboxItem is one Slack request (a slash command, an interaction or an event) written to the
// store before Chorus acknowledged it, so that it is handled even if the process dies. Its ID is
// deterministic (Slack's event id, or a hash of the signed body), so a retry, or a delivery to
// another replica, finds it. A replica holds an item by a lease; another may take it once the
// lease has expired; Done marks it handled, after its effects.
type InboxItem struct {
	ID          string    `bson:"_id"`
	Kind        string    `bson:"kind"`  // "command", "interaction", "event"
	ContentType string    `bson:"ctype"` // of Body
	Body        []byte    `bson:"body"`  // the request body, as Slack signed it
	Retry       int       `bson:"retry"` // X-Slack-Retry-Num of the delivery that wrote it
	Received    time.Time `bson:"received"`
	Owner       string    `bson:"owner"`   // replica holding the lease
	Attempt     int       `bson:"attempt"` // lease number: 1 for the delivery that wrote it
	LeaseUntil  time.Time `bson:"lease_until"`
	Done        bool      `bson:"done"`
	DoneAt      time.Time `bson:"done_at,omitempty"`
}

func inboxIndexes() []indexSpec {
	return []indexSpec{{collInbox, []mongo.IndexModel{
		plainIndex("done", "lease_until"),
		plainIndex("done", "owner"),
		plainIndex("done", "done_at"),
	}}}
}

// AddInbox inserts items in one unordered write and returns, per item, nil when it was
// inserted, an error wrapping chorus.ErrConflict when an item with its ID exists already, or the
// write's error.
func (s *Store) AddInbox(ctx context.Context, items []InboxItem) []error {
	errs := make([]error, len(items))
	if len(items) == 0 {
		return errs
	}
	docs := make([]any, len(items))
	for i := range items {
		items[i].Received = storedTime(items[i].Received)
		items[i].LeaseUntil = storedTime(items[i].LeaseUntil)
		docs[i] = items[i]
	}
	unlock := s.lock()
	_, err := s.db.Collection(collInbox).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	unlock()
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

// Inbox returns the item with id, reporting false when there is none.
func (s *Store) Inbox(ctx context.Context, id string) (InboxItem, bool, error) {
	var it InboxItem
	err := s.db.Collection(collInbox).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&it)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return it, false, nil
	}
	if err != nil {
		return it, false, fmt.Errorf("store: read inbox item %s: %w", id, err)
	}
	return it, true, nil
}

// TakeInbox gives owner the lease of the unfinished item id until leaseUntil, if its current
// lease has expired (any lease, when force is set: the caller knows its holder is dead) and no
// other caller took this attempt first. Taking attempt n+1 is a claim, an insert with a
// deterministic id, so two replicas never both take it.
func (s *Store) TakeInbox(ctx context.Context, id, owner string, leaseUntil time.Time, force bool) (InboxItem, bool, error) {
	it, ok, err := s.Inbox(ctx, id)
	if err != nil || !ok || it.Done {
		return it, false, err
	}
	if !force && s.clock().Before(it.LeaseUntil) {
		return it, false, nil
	}
	won, err := s.Claim(ctx, "inbox-lease", fmt.Sprintf("%s#%d", id, it.Attempt+1), owner)
	if err != nil || !won {
		return it, false, err
	}
	it.Attempt++
	it.Owner, it.LeaseUntil = owner, storedTime(leaseUntil)
	unlock := s.lock()
	defer unlock()
	_, err = s.db.Collection(collInbox).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "owner", Value: owner}, {Key: "attempt", Value: it.Attempt}, {Key: "lease_until", Value: it.LeaseUntil},
	}}})
	if err != nil {
		return it, false, fmt.Errorf("store: lease inbox item %s: %w", id, err)
	}
	return it, true, nil
}

// UnfinishedInbox returns up to limit unfinished items, oldest first: those whose lease expired
// before now, or all of them when all is set.
func (s *Store) UnfinishedInbox(ctx context.Context, now time.Time, all bool, limit int) ([]InboxItem, error) {
	f := bson.D{{Key: "done", Value: false}}
	if !all {
		f = append(f, bson.E{Key: "lease_until", Value: bson.D{{Key: "$lt", Value: now.UTC()}}})
	}
	cur, err := s.db.Collection(collInbox).Find(ctx, f,
		options.Find().SetSort(bson.D{{Key: "received", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("store: list unfinished inbox items: %w", err)
	}
	var items []InboxItem
	if err := cur.All(ctx, &items); err != nil {
		return nil, fmt.Errorf("store: list unfinished inbox items: %w", err)
	}
	return items, nil
}

// RenewInbox extends the lease of every unfinished item owner holds to leaseUntil, in one write.
func (s *Store) RenewInbox(ctx context.Context, owner string, leaseUntil time.Time) error {
	unlock := s.lock()
	defer unlock()
	_, err := s.db.Collection(collInbox).UpdateMany(ctx,
		bson.D{{Key: "done", Value: false}, {Key: "owner", Value: owner}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "lease_until", Value: storedTime(leaseUntil)}}}})
	if err != nil {
		return fmt.Errorf("store: renew inbox leases of %s: %w", owner, err)
	}
	return nil
}

// FinishInbox marks item id handled.
func (s *Store) FinishInbox(ctx context.Context, id string) error {
	unlock := s.lock()
	defer unlock()
	_, err := s.db.Collection(collInbox).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "done", Value: true}, {Key: "done_at", Value: s.clock()}}}})
	if err != nil {
		return fmt.Errorf("store: finish inbox item %s: %w", id, err)
	}
	return nil
}

// SweepInbox deletes the items finished before olderThan (Slack retries an event for about
// 6 minutes; a finished item only has to outlive them) and their lease claims.
func (s *Store) SweepInbox(ctx context.Context, olderThan time.Time) (int, error) {
	unlock := s.lock()
	res, err := s.db.Collection(collInbox).DeleteMany(ctx, bson.D{
		{Key: "done", Value: true}, {Key: "done_at", Value: bson.D{{Key: "$lt", Value: olderThan.UTC()}}},
	})
	unlock()
	if err != nil {
		return 0, fmt.Errorf("store: sweep inbox: %w", err)
	}
	if _, err := s.SweepClaims(ctx, "inbox-lease", olderThan); err != nil {
		return int(res.DeletedCount), err
	}
	return int(res.DeletedCount), nil
}

// InboxBatcher writes inbox items arriving together as one insert (group commit), so that a
// burst of acknowledgements does not queue one write each on the embedded store. The first
// caller of a batch waits Wait for others to join (at most Max items), then writes them all;
// callers arriving meanwhile form the next batch. It holds no goroutine of its own.
type InboxBatcher struct {
	st   *Store
	wait time.Duration
	max  int

	mu      sync.Mutex
	pending []*pendingAdd
	leading bool
}

type pendingAdd struct {
	item InboxItem
	done chan error
}

// NewInboxBatcher returns a batcher writing to st; wait is how long a batch stays open (a few
// milliseconds), max its size.
func NewInboxBatcher(st *Store, wait time.Duration, max int) *InboxBatcher {
	return &InboxBatcher{st: st, wait: wait, max: max}
}

// Add writes item with the next batch and returns nil once it is stored, an error wrapping
// chorus.ErrConflict when an item with its ID exists already, or the write's error. ctx bounds
// the wait; the batch itself is written with a context of its own.
func (b *InboxBatcher) Add(ctx context.Context, item InboxItem) error {
	p := &pendingAdd{item: item, done: make(chan error, 1)}
	b.mu.Lock()
	b.pending = append(b.pending, p)
	lead := !b.leading
	b.leading = true
	b.mu.Unlock()
	if lead {
		go b.flush(ctx)
	}
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("store: inbox write: %w", ctx.Err())
	}
}

// flush waits for the batch to fill (up to wait, a latency bound on the wall clock) and writes it.
func (b *InboxBatcher) flush(ctx context.Context) {
	t := time.NewTimer(b.wait)
	<-t.C
	b.mu.Lock()
	batch := b.pending
	if len(batch) > b.max {
		batch, b.pending = batch[:b.max], batch[b.max:]
		go b.flush(ctx) // the rest starts the next batch
	} else {
		b.pending, b.leading = nil, false
	}
	b.mu.Unlock()
	items := make([]InboxItem, len(batch))
	for i, p := range batch {
		items[i] = p.item
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	errs := b.st.AddInbox(wctx, items)
	for i, p := range batch {
		p.done <- errs[i]
	}
}
