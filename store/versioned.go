package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/chorus-hq/chorus"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// versioned is the storage of one kind of versioned entity (DESIGN rule 1). Every edit inserts a
// new document into versions under a unique (workspace, key, version) index and a deterministic
// _id, so of two edits based on the same version exactly one is stored; the other gets
// ErrConflict. heads keeps one copy of the latest version per entity for reads and lists; it is
// written after the version and repaired from versions whenever it is found stale.
type versioned[D any] struct {
	s        *Store
	what     string // "campaign", for error messages
	keyField string // field naming the entity within its workspace; "" when the workspace alone does
	heads    *mongo.Collection
	versions *mongo.Collection
	ident    func(*D) (workspace, key string, version int)
	setID    func(*D, string)
	cache    *headCache[D] // the read model of this kind; nil when it has none
}

func (r *versioned[D]) headID(ws, key string) string {
	if r.keyField == "" {
		return idOf(ws)
	}
	return idOf(ws, key)
}

func (r *versioned[D]) filter(ws, key string) bson.D {
	f := bson.D{{Key: "workspace", Value: ws}}
	if r.keyField != "" {
		f = append(f, bson.E{Key: r.keyField, Value: key})
	}
	return f
}

// name describes the entity in error messages, such as `campaign "ete-literie"`.
func (r *versioned[D]) name(ws, key string) string {
	if r.keyField == "" {
		return fmt.Sprintf("%s %q", r.what, ws)
	}
	return fmt.Sprintf("%s %q", r.what, key)
}

// get returns the latest version, from its head. Without a head (a crash between a version
// insert and its head write) the versions decide, and the head is rewritten.
func (r *versioned[D]) get(ctx context.Context, ws, key string) (D, error) {
	if d, ok := r.cached(ws, key); ok {
		return d, nil
	}
	var d D
	loaded := r.modelLoaded()
	if _, absent := r.s.known.get(r.knownKey(ws, key)); absent && loaded {
		return d, fmt.Errorf("%s: %w", r.name(ws, key), chorus.ErrNotFound)
	}
	ticket := r.s.known.begin()
	return share(ctx, r.s.known, r.knownKey(ws, key), ticket, func(ctx context.Context) (D, error) {
		return r.fetch(ctx, ws, key, ticket, loaded)
	})
}

// fetch is get's read of the server: the head, else the versions (and the head repaired);
// an absence is kept (known) once the read model is loaded.
func (r *versioned[D]) fetch(ctx context.Context, ws, key string, ticket uint64, loaded bool) (D, error) {
	var d D
	err := r.heads.FindOne(ctx, bson.D{{Key: "_id", Value: r.headID(ws, key)}}).Decode(&d)
	if err == nil {
		r.offer(d)
		return d, nil
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return d, fmt.Errorf("store: read %s: %w", r.name(ws, key), err)
	}
	d, ok, err := r.latest(ctx, ws, key)
	if err != nil {
		return d, err
	}
	if !ok {
		if loaded {
			r.s.known.keep(ticket, r.knownKey(ws, key), "")
		}
		return d, fmt.Errorf("%s: %w", r.name(ws, key), chorus.ErrNotFound)
	}
	unlock := r.s.lock()
	defer unlock()
	r.repairFrom(ctx, &d)
	return d, nil
}

// latest returns the highest stored version, reporting false when there is none.
func (r *versioned[D]) latest(ctx context.Context, ws, key string) (D, bool, error) {
	var d D
	err := r.versions.FindOne(ctx, r.filter(ws, key),
		options.FindOne().SetSort(bson.D{{Key: "version", Value: -1}})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, false, nil
	}
	if err != nil {
		return d, false, fmt.Errorf("store: read latest %s: %w", r.name(ws, key), err)
	}
	return d, true, nil
}

// at returns version n, reporting false when it does not exist.
func (r *versioned[D]) at(ctx context.Context, ws, key string, n int) (D, bool, error) {
	var d D
	err := r.versions.FindOne(ctx, bson.D{{Key: "_id", Value: versionID(r.headID(ws, key), n)}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d, false, nil
	}
	if err != nil {
		return d, false, fmt.Errorf("store: read %s version %d: %w", r.name(ws, key), n, err)
	}
	return d, true, nil
}

// base returns version n, from the head when it holds n: the usual case, and cheaper on the
// embedded server, whose cost per read grows with the collection and heads are the smaller one.
func (r *versioned[D]) base(ctx context.Context, ws, key string, n int) (D, bool, error) {
	var d D
	err := r.heads.FindOne(ctx, bson.D{{Key: "_id", Value: r.headID(ws, key)}}).Decode(&d)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return d, false, fmt.Errorf("store: read %s: %w", r.name(ws, key), err)
	}
	if err == nil {
		if _, _, v := r.ident(&d); v == n {
			return d, true, nil
		}
	}
	return r.at(ctx, ws, key, n)
}

// history returns every version, oldest first. With the head in the read model it reads the
// versions by _id, 1 to the head's and on while there are more (a head left stale by a crash),
// which the embedded server answers by index rather than by scanning every version of the kind.
func (r *versioned[D]) history(ctx context.Context, ws, key string) ([]D, error) {
	if head, ok := r.cached(ws, key); ok {
		_, _, last := r.ident(&head)
		var ds []D
		for n := 1; ; n++ {
			d, ok, err := r.at(ctx, ws, key, n)
			if err != nil {
				return nil, err
			}
			if !ok {
				if n <= last {
					break // a gap the versions should not have: ask the server the usual way
				}
				return ds, nil
			}
			ds = append(ds, d)
		}
	}
	cur, err := r.versions.Find(ctx, r.filter(ws, key), options.Find().SetSort(bson.D{{Key: "version", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("store: read history of %s: %w", r.name(ws, key), err)
	}
	var ds []D
	if err := cur.All(ctx, &ds); err != nil {
		return nil, fmt.Errorf("store: read history of %s: %w", r.name(ws, key), err)
	}
	if len(ds) == 0 {
		return nil, fmt.Errorf("%s: %w", r.name(ws, key), chorus.ErrNotFound)
	}
	return ds, nil
}

// knownKey names (ws, key) among what the store knows is missing (known.go).
func (r *versioned[D]) knownKey(ws, key string) string {
	return r.what + "\x00" + r.headID(ws, key)
}

// modelLoaded reports whether this kind's read model holds every head: only then does a miss in
// it say something, and only then is an absence the server confirms kept (known.go).
func (r *versioned[D]) modelLoaded() bool {
	if r.cache == nil {
		return false
	}
	r.cache.mu.RLock()
	defer r.cache.mu.RUnlock()
	return r.cache.loaded
}

// list returns the heads q selects in its order, from the read model when there is one.
func (r *versioned[D]) list(ctx context.Context, q headQuery[D]) ([]D, error) {
	if ds, ok := r.listCached(q); ok {
		return ds, nil
	}
	return r.find(ctx, q, 0, 0)
}

// find asks the server for the heads q selects in its order: skip of them, then at most limit
// (all when 0).
func (r *versioned[D]) find(ctx context.Context, q headQuery[D], skip, limit int) ([]D, error) {
	opts := options.Find().SetSort(q.sort)
	if skip > 0 {
		opts.SetSkip(int64(skip))
	}
	if limit > 0 {
		opts.SetLimit(int64(limit))
	}
	cur, err := r.heads.Find(ctx, q.filter, opts)
	if err != nil {
		return nil, fmt.Errorf("store: list %ss: %w", r.what, err)
	}
	var ds []D
	if err := cur.All(ctx, &ds); err != nil {
		return nil, fmt.Errorf("store: list %ss: %w", r.what, err)
	}
	return ds, nil
}

// create stores d, whose version must be 1. ErrConflict means the entity exists.
func (r *versioned[D]) create(ctx context.Context, d *D) error {
	unlock := r.s.lock()
	defer unlock()
	return r.insert(ctx, d)
}

// update stores d as the version after base. carry copies from the base version what an edit
// keeps (such as CreatedBy), since callers may pass values that never came from the store.
func (r *versioned[D]) update(ctx context.Context, d *D, base int, carry func(d, base *D)) error {
	ws, key, _ := r.ident(d)
	unlock := r.s.lock()
	defer unlock()
	prev, ok, err := r.base(ctx, ws, key, base)
	if err != nil {
		return err
	}
	if !ok {
		latest, ok, err := r.latest(ctx, ws, key)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%s: %w", r.name(ws, key), chorus.ErrNotFound)
		}
		r.repairFrom(ctx, &latest)
		_, _, n := r.ident(&latest)
		return fmt.Errorf("%s: edit based on version %d, which does not exist (latest is %d): %w",
			r.name(ws, key), base, n, chorus.ErrConflict)
	}
	carry(d, &prev)
	return r.insert(ctx, d)
}

// insert stores d as a new version and then its head; the caller holds the write lock. A
// duplicate version means someone stored it first: the head is repaired, since a stale head is
// the usual reason a caller based an edit on an old version, and ErrConflict is returned.
//
// Under WithEffects, a version this unit of work already stored in an earlier run counts as
// stored now: the re-run neither fails nor adds a version.
func (r *versioned[D]) insert(ctx context.Context, d *D) error {
	ws, key, n := r.ident(d)
	id := versionID(r.headID(ws, key), n)
	ref, replay, err := r.s.effect(ctx, id)
	if err != nil {
		return err
	}
	if replay && ref != id {
		// An earlier run of this unit of work stored this write under another key: a document
		// created with a generated id (a submission, a task, a meeting). The re-run returns that
		// document rather than create a second one.
		var earlier D
		switch ferr := r.versions.FindOne(ctx, bson.D{{Key: "_id", Value: ref}}).Decode(&earlier); {
		case ferr == nil:
			*d = earlier
			r.repairFrom(ctx, d)
			return nil
		case !errors.Is(ferr, mongo.ErrNoDocuments):
			return fmt.Errorf("store: read %s written by an earlier run: %w", ref, ferr)
		}
		// the earlier run recorded the write and died before making it: make it now
	}
	r.setID(d, id)
	r.s.known.forget(r.knownKey(ws, key)) // the version is the truth from now on, head or not
	_, err = r.versions.InsertOne(ctx, d)
	if mongo.IsDuplicateKeyError(err) && replay && ref == id {
		if cur, ok, ferr := r.at(ctx, ws, key, n); ferr == nil && ok {
			*d = cur
			r.repairFrom(ctx, d)
			return nil
		}
	}
	if mongo.IsDuplicateKeyError(err) {
		r.repair(ctx, ws, key)
		if n == 1 {
			return fmt.Errorf("%s exists already: %w", r.name(ws, key), chorus.ErrConflict)
		}
		return fmt.Errorf("%s: version %d was stored by someone else first: %w", r.name(ws, key), n, chorus.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: write %s version %d: %w", r.name(ws, key), n, err)
	}
	if err := r.putHead(ctx, d); err != nil {
		// The version is stored and is the truth; the head is repaired at the next conflict or
		// read without a head, so the edit must not be reported as failed. A read that raced
		// this write may have kept the entity as missing: forget that, the versions decide.
		r.s.known.forget(r.knownKey(ws, key))
		r.s.log.Warn("store: head left stale", "what", r.what, "workspace", ws, "key", key, "version", n, "err", err)
	}
	return nil
}

// putHead makes d the head unless the head already holds d's version or a newer one.
func (r *versioned[D]) putHead(ctx context.Context, d *D) error {
	ws, key, n := r.ident(d)
	hid := r.headID(ws, key)
	h := *d
	r.setID(&h, hid)
	if r.s.serialize {
		return r.putHeadLocked(ctx, hid, &h, n)
	}
	filter := bson.D{{Key: "_id", Value: hid}, {Key: "version", Value: bson.D{{Key: "$lt", Value: n}}}}
	_, err := r.heads.ReplaceOne(ctx, filter, &h, options.Replace().SetUpsert(true))
	if err == nil {
		r.offer(h)
		return nil
	}
	// No match plus an existing _id makes the upsert insert a duplicate: a head at least as new
	// is there. Check rather than trust the error's kind, which differs between servers.
	if cur, ok, ferr := r.headVersion(ctx, hid); ferr == nil && ok && cur >= n {
		if cur > n {
			r.reread(ctx, hid)
		} else {
			r.offer(h)
		}
		return nil
	}
	return fmt.Errorf("store: write head of %s version %d: %w", r.name(ws, key), n, err)
}

// putHeadLocked is putHead for a store whose writes are serialised, so that reading the head's
// version and then writing it cannot interleave with another write. It exists for speed: the
// embedded server answers a filter on _id alone without scanning the collection, and scans for
// any other filter, which made the conditional upsert cost 10 ms at a few hundred campaigns.
func (r *versioned[D]) putHeadLocked(ctx context.Context, hid string, h *D, n int) error {
	cur, ok, err := r.headVersion(ctx, hid)
	switch {
	case err != nil:
		return err
	case ok && cur > n:
		r.reread(ctx, hid)
		return nil
	case ok && cur == n:
		r.offer(*h)
		return nil
	case ok:
		_, err = r.heads.ReplaceOne(ctx, bson.D{{Key: "_id", Value: hid}}, h)
	default:
		_, err = r.heads.InsertOne(ctx, h)
	}
	if err != nil {
		return fmt.Errorf("store: write head %s version %d: %w", hid, n, err)
	}
	r.offer(*h)
	return nil
}

// headVersion returns the version the head holds, reporting false when there is no head.
func (r *versioned[D]) headVersion(ctx context.Context, hid string) (int, bool, error) {
	var cur struct {
		Version int `bson:"version"`
	}
	err := r.heads.FindOne(ctx, bson.D{{Key: "_id", Value: hid}},
		options.FindOne().SetProjection(bson.D{{Key: "version", Value: 1}})).Decode(&cur)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: read head %s: %w", hid, err)
	}
	return cur.Version, true, nil
}

// repair rewrites the head from the latest version; the caller holds the write lock.
func (r *versioned[D]) repair(ctx context.Context, ws, key string) {
	d, ok, err := r.latest(ctx, ws, key)
	if err != nil {
		r.s.log.Warn("store: head repair failed", "what", r.what, "workspace", ws, "key", key, "err", err)
		return
	}
	if ok {
		r.repairFrom(ctx, &d)
	}
}

func (r *versioned[D]) repairFrom(ctx context.Context, d *D) {
	if err := r.putHead(ctx, d); err != nil {
		ws, key, _ := r.ident(d)
		r.s.log.Warn("store: head repair failed", "what", r.what, "workspace", ws, "key", key, "err", err)
	}
}
