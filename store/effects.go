package store

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// collEffects records, for a unit of work that may run again (an inbox item re-taken after a
// crash), which document each of its writes produced, so that the re-run produces the same
// documents instead of new ones.
const collEffects = "effects"

func effectIndexes() []indexSpec { return nil } // keyed by _id only

// effectDoc is {_id: scope key + "/" + n, ref: id of the document the n-th write produced}.
type effectDoc struct {
	ID  string `bson:"_id"`
	Ref string `bson:"ref"`
}

type effectKey struct{}

// effectScope numbers the writes of one run of a unit of work.
type effectScope struct {
	key string
	mu  sync.Mutex
	n   int
}

func (e *effectScope) next() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.n++
	return fmt.Sprintf("%s/%d", e.key, e.n)
}

// WithEffects returns a context under which the store's version and audit writes are
// idempotent for the unit of work key (such as an inbox item id): the n-th such write of a run
// records the document it produces before producing it, and the n-th write of a later run of
// the same key produces that same document, which then exists already and counts as written.
// A re-run that makes the same writes in the same order (the same command on the same data)
// stores, and audits, each thing once.
func WithEffects(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, effectKey{}, &effectScope{key: key})
}

// effect returns the id the current write must produce: the one recorded by an earlier run, or
// proposed (then recorded) when this is the first run; replay reports an earlier run's. Without
// an effect scope in ctx it returns proposed and false.
func (s *Store) effect(ctx context.Context, proposed string) (id string, replay bool, err error) {
	sc, ok := ctx.Value(effectKey{}).(*effectScope)
	if !ok {
		return proposed, false, nil
	}
	eid := sc.next()
	coll := s.db.Collection(collEffects)
	// Insert first: on a first run (nearly always) that is the only round trip; on a re-run the
	// duplicate key says an earlier run recorded the write, and reading it follows that run.
	_, err = coll.InsertOne(ctx, effectDoc{ID: eid, Ref: proposed})
	if err == nil {
		return proposed, false, nil
	}
	if !mongo.IsDuplicateKeyError(err) {
		return "", false, fmt.Errorf("store: record effect %s: %w", eid, err)
	}
	var d effectDoc
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: eid}}).Decode(&d); err != nil {
		return "", false, fmt.Errorf("store: read effect %s: %w", eid, err)
	}
	return d.Ref, true, nil
}

// Once numbers a step of the unit of work scoped by ctx (WithEffects), such as sending a
// message, and reports whether an earlier run of the unit recorded it as done; if not, record
// marks it done, to be called once the step is done. fresh says the caller knows this is the
// unit's first run, so nothing can be recorded yet: Once then reads nothing. A crash between
// the step and record makes a re-run do the step again: at least once, and twice only then.
// Without a scope it reports false and record does nothing.
func (s *Store) Once(ctx context.Context, fresh bool) (done bool, record func(context.Context) error, err error) {
	sc, ok := ctx.Value(effectKey{}).(*effectScope)
	if !ok {
		return false, func(context.Context) error { return nil }, nil
	}
	eid := sc.next()
	coll := s.db.Collection(collEffects)
	if !fresh {
		err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: eid}}).Err()
		if err == nil {
			return true, func(context.Context) error { return nil }, nil
		}
		if !errors.Is(err, mongo.ErrNoDocuments) {
			return false, nil, fmt.Errorf("store: read effect %s: %w", eid, err)
		}
	}
	return false, func(ctx context.Context) error {
		if _, err := coll.InsertOne(ctx, effectDoc{ID: eid, Ref: "done"}); err != nil && !mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("store: record effect %s: %w", eid, err)
		}
		return nil
	}, nil
}
