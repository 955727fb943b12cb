package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/tidwall/btree"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// The read model (Options.ReadModel) keeps the heads of workspaces, campaigns, tasks, glossary
// terms, meetings, lines of minutes, submissions and the audit trail in memory: reads by identity and every list of those kinds are
// answered without a query. It is loaded by Open, and every head this process writes (an edit, a
// repair) updates it once the head is stored. Writes still go to the server first and still
// insert versions against the unique index, so a read model that is stale – another replica
// wrote since the last Refresh – can only make an edit lose its version race (ErrConflict),
// which repairs the head and the read model from the versions; the caller retries on the newer
// version as it does for any conflict. docs/architecture.md says how stale a replica can be.
//
// The audit trail is kept too (auditCache), by workspace and target: /campaign audit reads the
// entries of a campaign and of each of its tasks and submissions.

// headCache is the read model of one versioned kind: its heads by workspace and head id, and,
// for a kind listed by a field (tasks by campaign, owner and status, submissions by campaign and
// status, lines by meeting), by that field too, so that such a list costs what it returns and
// not what the workspace holds.
type headCache[D any] struct {
	mu      sync.RWMutex
	byWS    map[string]map[string]*D // a head is never changed once here: offer replaces it
	indexes []index[D]
	byGroup map[groupKey]map[string]*D
	loaded  bool
	// gens is, per workspace, the generation of its heads: a number taken from the store's
	// counter each time one of them changes here (a write, a repair, a refresh or a read that
	// found a newer head), so that equal generations mean equal heads (generation).
	gens map[string]uint64
	// orders are its ordered indexes (readmodel_order.go), trees their groups' heads in order
	orders []order[D]
	trees  map[orderKey]*btree.BTreeG[entry[D]]
}

// index is a second index of a headCache: the heads of each workspace by the value of one field.
type index[D any] struct {
	name string
	key  func(*D) string
}

type groupKey struct{ ws, index, value string }

func newHeadCache[D any](indexes ...index[D]) *headCache[D] {
	return &headCache[D]{byWS: map[string]map[string]*D{}, indexes: indexes, byGroup: map[groupKey]map[string]*D{},
		gens: map[string]uint64{}, trees: map[orderKey]*btree.BTreeG[entry[D]]{}}
}

// ordering adds ordered indexes to c, before any head is offered.
func (c *headCache[D]) ordering(orders ...order[D]) *headCache[D] {
	c.orders = append(c.orders, orders...)
	return c
}

// has reports whether the cache keeps the index name.
func (c *headCache[D]) has(name string) bool {
	return slices.ContainsFunc(c.indexes, func(x index[D]) bool { return x.name == name })
}

// query is one list of a versioned kind, said twice: as the server's filter and sort, and as
// the same selection and order over heads in memory.
type headQuery[D any] struct {
	filter, sort bson.D
	ws           string            // the workspace the filter names; "" for every workspace
	match        func(d *D) bool   // nil selects every head of ws
	less         func(a, b *D) int // the order of sort; nil: any order will do
	// index and values narrow the heads match looks at, when the cache keeps that index: the
	// heads whose field is one of values (distinct), every one the filter can select.
	index  string
	values []string
	// order and group name the ordered index, and its group, whose heads are exactly those the
	// filter selects in the order sort says (a page then walks only the page); "" for none.
	order, group string
	// coarse is set when filter selects only the workspace's heads, of which match selects
	// (a selection no index of the server serves: the read model's ordered index does).
	coarse bool
}

// narrowed is q looking only at the heads whose index field is one of values; q itself when
// values is empty (the filter does not name that field).
func (q headQuery[D]) narrowed(index string, values ...string) headQuery[D] {
	if len(values) > 0 {
		q.index, q.values = index, values
	}
	return q
}

// offer keeps d if it is newer than what the model holds for its head.
func (r *versioned[D]) offer(d D) {
	c := r.cache
	if c == nil {
		return
	}
	ws, key, n := r.ident(&d)
	hid := r.headID(ws, key)
	r.setID(&d, hid)
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.byWS[ws]
	if m == nil {
		m = map[string]*D{}
		c.byWS[ws] = m
	}
	cur, held := m[hid]
	if held {
		if _, _, v := r.ident(cur); v >= n {
			return
		}
	}
	m[hid] = &d
	c.regroup(ws, hid, cur, &d) // cur is nil when !held
	c.gens[ws] = r.s.gen.Add(1)
}

// regroup moves head hid of ws from its groups and places as old (nil: it was not held) to
// those of d, in every index and ordered index. c.mu must be held for writing.
func (c *headCache[D]) regroup(ws, hid string, old, d *D) {
	for _, x := range c.indexes {
		if old != nil {
			delete(c.byGroup[groupKey{ws, x.name, x.key(old)}], hid)
		}
		k := groupKey{ws, x.name, x.key(d)}
		g := c.byGroup[k]
		if g == nil {
			g = map[string]*D{}
			c.byGroup[k] = g
		}
		g[hid] = d
	}
	c.reorder(ws, hid, old, d)
}

// amend replaces the head of (ws, key) the read model holds by a copy changed by change, when
// that head is at version n, and reports whether it did. It is for what the server changed on
// a head without making a version (the scheduler's mark on a task, MarkReminds): offer keeps
// only newer versions, so it would leave the change out. The generation stays, since no
// version changed: what users see was not touched. change must not change the head's identity.
func (r *versioned[D]) amend(ws, key string, n int, change func(*D)) bool {
	c := r.cache
	if c == nil {
		return false
	}
	hid := r.headID(ws, key)
	c.mu.Lock()
	defer c.mu.Unlock()
	cur, held := c.byWS[ws][hid]
	if !held {
		return false
	}
	if _, _, v := r.ident(cur); v != n {
		return false
	}
	d := *cur // a held head is never changed in place: lists copied it without the lock
	change(&d)
	c.byWS[ws][hid] = &d
	c.regroup(ws, hid, cur, &d)
	return true
}

// cached returns the head of (ws, key) from the read model.
func (r *versioned[D]) cached(ws, key string) (D, bool) {
	var zero D
	c := r.cache
	if c == nil {
		return zero, false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if !c.loaded {
		return zero, false
	}
	d, ok := c.byWS[ws][r.headID(ws, key)]
	if !ok {
		return zero, false
	}
	return *d, true
}

// generation names the heads of workspace ws the read model holds as they are now: it changes
// with every change of one of them, and is never the same for two states of the heads of one
// Store. It reports false without a loaded read model, when nothing says the heads are current.
func (r *versioned[D]) generation(ws string) (uint64, bool) {
	c := r.cache
	if c == nil {
		return 0, false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gens[ws], c.loaded
}

// DataVersion names the state of a workspace's heads in the read model — its settings,
// campaigns, tasks, glossary, meetings, minutes lines, submissions and touchpoints, not the
// audit trail: another name means one of them may have changed, the same name that none has,
// so that what was made from them can be found again while the name holds (the App Home's
// calendar). It is "" when nothing says the read model is current (none, or not loaded yet).
// Every change takes a new number from one counter, so the highest generation of the
// workspace's kinds names them all.
func (s *Store) DataVersion(_ context.Context, workspace string) string {
	var top uint64
	for _, gen := range []func(string) (uint64, bool){s.workspaces.generation, s.campaigns.generation, s.tasks.generation,
		s.terms.generation, s.meetings.generation, s.lines.generation, s.subs.generation, s.touchpoints.generation} {
		g, ok := gen(workspace)
		if !ok {
			return ""
		}
		top = max(top, g)
	}
	return workspace + "." + strconv.FormatUint(s.nonce, 36) + "." + strconv.FormatUint(top, 36)
}

// listCached answers q from the read model, reporting false when there is none.
func (r *versioned[D]) listCached(q headQuery[D]) ([]D, bool) {
	c := r.cache
	if c == nil {
		return nil, false
	}
	c.mu.RLock()
	if !c.loaded {
		c.mu.RUnlock()
		return nil, false
	}
	ps := c.selected(q)
	c.mu.RUnlock()
	if q.less != nil {
		slices.SortFunc(ps, q.less)
	}
	ds := make([]D, len(ps))
	for i, p := range ps {
		ds[i] = *p
	}
	return ds, true
}

// selected returns the heads q selects, in no order, looking only at the narrowest index its
// filter names (its workspace's, or of every workspace); the caller holds c.mu.
func (c *headCache[D]) selected(q headQuery[D]) []*D {
	var sel []*D
	collect := func(m map[string]*D) {
		for _, d := range m {
			if q.match == nil || q.match(d) {
				sel = append(sel, d)
			}
		}
	}
	one := func(ws string, m map[string]*D) {
		if len(q.values) > 0 && c.has(q.index) {
			for _, v := range q.values {
				collect(c.byGroup[groupKey{ws, q.index, v}])
			}
			return
		}
		collect(m)
	}
	if q.ws != "" {
		one(q.ws, c.byWS[q.ws])
		return sel
	}
	for ws, m := range c.byWS {
		one(ws, m)
	}
	return sel
}

// reread puts the stored head hid into the read model: another writer's head is newer than the
// one this process just wrote.
func (r *versioned[D]) reread(ctx context.Context, hid string) {
	if r.cache == nil {
		return
	}
	var d D
	if err := r.heads.FindOne(ctx, bson.D{{Key: "_id", Value: hid}}).Decode(&d); err != nil {
		r.s.log.Warn("store: read model left stale", "what", r.what, "head", hid, "err", err)
		return
	}
	r.offer(d)
}

// load reads the heads changed since since (every head when since is zero) into the read model.
func (r *versioned[D]) load(ctx context.Context, since time.Time) error {
	if r.cache == nil {
		return nil
	}
	cur, err := r.heads.Find(ctx, sinceFilter("updated_at", since), options.Find().SetBatchSize(2000))
	if err != nil {
		return fmt.Errorf("store: load %ss: %w", r.what, err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d D
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("store: load %ss: %w", r.what, err)
		}
		r.offer(d)
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("store: load %ss: %w", r.what, err)
	}
	r.cache.mu.Lock()
	r.cache.loaded = true
	r.cache.mu.Unlock()
	return nil
}

// readModel is every kind the read model keeps, as loaders, the most read first.
func (s *Store) readModel() []func(context.Context, time.Time) error {
	return []func(context.Context, time.Time) error{
		s.workspaces.load, s.campaigns.load, s.tasks.load, s.terms.load, s.meetings.load, s.subs.load, s.lines.load, s.touchpoints.load, s.loadAudit,
	}
}

// refreshMargin is how far back Refresh looks before its previous start: it covers clocks of
// replicas that run behind this one and writes that took long between setting UpdatedAt and
// being visible.
const refreshMargin = time.Minute

// Refresh brings the read model up to date with the heads other processes wrote: the heads
// whose UpdatedAt is at most refreshMargin older than the previous Refresh (or Open). With
// several replicas on one MongoDB, call it periodically; on the embedded store this process is
// the only writer and the read model is always current. It does nothing without a read model.
func (s *Store) Refresh(ctx context.Context) error {
	if !s.readModelOn {
		return nil
	}
	s.refreshMu.Lock()
	defer s.refreshMu.Unlock()
	began := s.clock()
	since := s.refreshedAt.Add(-refreshMargin)
	for _, load := range s.readModel() {
		if err := load(ctx, since); err != nil {
			return err
		}
	}
	s.refreshedAt = began
	return nil
}

// startLoad fills the read model in the background, kind after kind: reading a year of data
// through the embedded server takes seconds, and a kind is served by the server until its
// load completes. ReadModelReady tells when every kind is loaded; Close stops the load.
func (s *Store) startLoad(ctx context.Context) {
	s.loaded = make(chan struct{})
	if !s.readModelOn {
		close(s.loaded)
		return
	}
	ctx, s.stopLoad = context.WithCancel(context.WithoutCancel(ctx))
	go func() {
		defer close(s.loaded)
		s.refreshMu.Lock() // a Refresh waits for the load, which sets where the next one starts
		defer s.refreshMu.Unlock()
		began := s.clock()
		// the kinds load side by side: the server decodes each kind's documents on a core of
		// its own, and the audit trail, the largest, no longer waits for the others
		loads := s.readModel()
		errs := make([]error, len(loads))
		var wg sync.WaitGroup
		for i, load := range loads {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = load(ctx, time.Time{})
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			if ctx.Err() == nil {
				s.log.Warn("store: read model not fully loaded; the server answers the reads of the kinds not loaded", "err", err)
			}
			return
		}
		s.refreshedAt = began
	}()
}

// ReadModelReady is closed once the read model is loaded (or its load failed, leaving the
// kinds not loaded to the server); at once without a read model.
func (s *Store) ReadModelReady() <-chan struct{} { return s.loaded }

// readModelIndexes let Refresh find recently changed heads without a scan on MongoDB.
func readModelIndexes() []indexSpec {
	var out []indexSpec
	for _, c := range []string{collWorkspaces, collCampaigns, collTasks, collTerms, collMeetings, collLines, collSubmissions, collTouchpoints} {
		out = append(out, indexSpec{c, []mongo.IndexModel{plainIndex("updated_at")}})
	}
	return append(out, indexSpec{collAudit, []mongo.IndexModel{plainIndex("at")}})
}

// byKeys orders by the keys given, each compared with cmp.Compare.
func byKeys[D any](keys ...func(a, b *D) int) func(a, b *D) int {
	return func(a, b *D) int {
		for _, k := range keys {
			if c := k(a, b); c != 0 {
				return c
			}
		}
		return 0
	}
}

func asc[D any, T cmp.Ordered](f func(*D) T) func(a, b *D) int {
	return func(a, b *D) int { return cmp.Compare(f(a), f(b)) }
}

func ascTime[D any](f func(*D) time.Time) func(a, b *D) int {
	return func(a, b *D) int { return f(a).Compare(f(b)) }
}

func descTime[D any](f func(*D) time.Time) func(a, b *D) int {
	return func(a, b *D) int { return f(b).Compare(f(a)) }
}

// auditCache is the read model of the audit trail: each workspace's entries by target, oldest
// first, as Audit returns them.
type auditCache struct {
	mu       sync.RWMutex
	byTarget map[string]map[string][]auditDoc // workspace -> target -> entries by (at, _id)
	loaded   bool
}

// add keeps d in its target's entries, in order, unless it is there already.
func (c *auditCache) add(d auditDoc) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.byTarget[d.Workspace]
	if m == nil {
		m = map[string][]auditDoc{}
		c.byTarget[d.Workspace] = m
	}
	es := m[d.Target]
	i, found := slices.BinarySearchFunc(es, d, compareAudit)
	if found {
		return
	}
	m[d.Target] = slices.Insert(es, i, d)
}

func compareAudit(a, b auditDoc) int {
	if c := a.At.Compare(b.At); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// entries returns the entries of target ("" for every target of the workspace), reporting
// false when the cache is not loaded.
func (c *auditCache) entries(ws, target string) ([]auditDoc, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if !c.loaded {
		return nil, false
	}
	if target != "" {
		return slices.Clone(c.byTarget[ws][target]), true
	}
	var all []auditDoc
	for _, es := range c.byTarget[ws] {
		all = append(all, es...)
	}
	slices.SortFunc(all, compareAudit)
	return all, true
}

// loadAudit reads the entries written since since (all when zero) into the audit read model.
func (s *Store) loadAudit(ctx context.Context, since time.Time) error {
	if s.auditCache == nil {
		return nil
	}
	cur, err := s.audit.Find(ctx, sinceFilter("at", since), options.Find().SetBatchSize(2000))
	if err != nil {
		return fmt.Errorf("store: load audit: %w", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d auditDoc
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("store: load audit: %w", err)
		}
		d.At = storedTime(d.At)
		s.auditCache.add(d)
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("store: load audit: %w", err)
	}
	s.auditCache.mu.Lock()
	s.auditCache.loaded = true
	s.auditCache.mu.Unlock()
	return nil
}

// sinceFilter selects the documents whose field is at or after since; every one when since is
// zero (a first load).
func sinceFilter(field string, since time.Time) bson.D {
	if since.IsZero() {
		return bson.D{}
	}
	return bson.D{{Key: field, Value: bson.D{{Key: "$gte", Value: since}}}}
}
