package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chorus-hq/chorus"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// schemaVersion is the version of the collections' layout this code reads and writes. Bump it
// together with an entry in defaultMigrations when a change needs existing data rewritten.
const schemaVersion = 2

// ErrSchemaTooNew reports a database written by a newer Chorus than this one: reading it could
// misread or damage data, so Open refuses.
var ErrSchemaTooNew = errors.New("store: database schema is newer than this Chorus")

// Collection names. Each versioned kind has an authoritative versions collection and a heads
// collection holding a copy of the latest version for cheap reads and lists.
const (
	collMeta              = "meta"
	collWorkspaces        = "workspaces"
	collWorkspaceVersions = "workspace_versions"
	collCampaigns         = "campaigns"
	collCampaignVersions  = "campaign_versions"
	collTasks             = "tasks"
	collTaskVersions      = "task_versions"
	collTerms             = "terms"
	collTermVersions      = "term_versions"
	collAudit             = "audit"
	collClaims            = "claims"
)

// Options configures a Store.
type Options struct {
	// Logger receives the store's warnings; nil discards them.
	Logger *slog.Logger
	// Now is the clock used for CreatedAt, UpdatedAt and claim times; nil means time.Now.
	Now func() time.Time
	// SerializeWrites makes every write of this process wait for the previous one. Set it on
	// the embedded server, whose conditional updates are not atomic (DESIGN rule 3).
	SerializeWrites bool
	// MaxConnections caps the connections to the server (0: the driver's default, 100). On the
	// embedded server each one is an SQLite connection with its own caches, so the cap bounds
	// its memory under a burst; requests beyond it wait for a free connection.
	MaxConnections int
	// ReadModel keeps the heads of workspaces, campaigns, tasks, terms, meetings, minutes lines and submissions
	// in memory (readmodel.go), loaded by Open and kept current by this process's writes; with
	// other writers on the same database, call Refresh periodically.
	//
	// With SerializeWrites too, the store takes itself for its data's only writer (the embedded
	// server's data folder is locked to one process) and also remembers what reads by identity
	// found missing, and people's languages (known.go): never set both with another writer.
	ReadModel bool
	// UniqueIndexesOnly creates only the unique indexes, which the versions and claims rely on,
	// and drops the others an earlier Open created. Set it on the embedded server: it reads by
	// no secondary index (it filters in Go, and uses SQLite's index on _id only once
	// embedded.Server.IndexIDs has run), so each of them only makes every write slower.
	UniqueIndexesOnly bool

	// monitor sees every command the driver sends; tests set it (export_test.go WithMonitor) to
	// check that each query has an index.
	monitor *event.CommandMonitor
}

// migration rewrites the data of schema version n (its key in the table) into version n+1. A
// migration must be safe to run again after a crash half-way, since the schema version is only
// recorded once it returns.
type migration func(ctx context.Context, db *mongo.Database) error

// defaultMigrations returns the migrations of this code, keyed by the version they start from.
func defaultMigrations() map[int]migration {
	return map[int]migration{1: addRemindMarks}
}

// addRemindMarks (schema 1 to 2) gives every task head that has no scheduler's mark (issue 17)
// the zero one, "never marked", stored as a date: a range from the zero time is what finds the
// heads never marked (OpenTasksToRemind), and it does not match a missing field. Running it
// again changes nothing.
func addRemindMarks(ctx context.Context, db *mongo.Database) error {
	_, err := db.Collection(collTasks).UpdateMany(ctx, bson.D{{Key: "remind", Value: bson.D{{Key: "$exists", Value: false}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "remind", Value: time.Time{}}}}})
	if err != nil {
		return fmt.Errorf("store: mark tasks never reminded: %w", err)
	}
	return nil
}

// Store is the MongoDB repository of Chorus: workspaces, campaigns, tasks, glossary terms, audit
// entries and claims. It is safe for concurrent use.
type Store struct {
	client *mongo.Client
	db     *mongo.Database
	log    *slog.Logger
	now    func() time.Time

	serialize  bool
	wl         writeLock // held around each write when serialize is set
	uniqueOnly bool      // Options.UniqueIndexesOnly

	newTaskID   func() string
	auditSeq    uint64 // guarded by auditMu; orders audit ids made in the same millisecond
	auditMu     sync.Mutex
	workspaces  versioned[workspaceDoc]
	campaigns   versioned[campaignDoc]
	tasks       versioned[taskDoc]
	terms       versioned[termDoc]
	meetings    versioned[meetingDoc]
	touchpoints versioned[touchpointDoc]
	lines       versioned[lineDoc]
	subs        versioned[submissionDoc]
	audit       *mongo.Collection
	claims      *mongo.Collection
	meta        *mongo.Collection

	readModelOn bool
	gen         atomic.Uint64 // the read model's generations (headCache.gens) are taken from it
	nonce       uint64        // random, so that generations of two Stores differ (GlossaryVersion)
	known       *known        // what reads by identity found, when this process is the only writer; nil otherwise
	auditCache  *auditCache   // the audit trail's read model; nil without one
	refreshMu   sync.Mutex    // one Refresh at a time
	refreshedAt time.Time     // when the last Refresh (or the load) began; guarded by refreshMu
	stopLoad    context.CancelFunc
	loaded      chan struct{} // closed once the read model is loaded (or failed to)
}

// Open connects to uri (mongodb://...), uses the database dbName, checks the schema version
// (migrating an older database, refusing a newer one) and creates the indexes.
func Open(ctx context.Context, uri, dbName string, opts Options) (*Store, error) {
	return open(ctx, uri, dbName, opts, schemaVersion, defaultMigrations())
}

func open(ctx context.Context, uri, dbName string, opts Options, version int, migs map[int]migration) (*Store, error) {
	if dbName == "" {
		return nil, fmt.Errorf("store: empty database name: %w", chorus.ErrInvalid)
	}
	copts := options.Client().ApplyURI(uri).SetAppName("chorus")
	if opts.MaxConnections > 0 {
		copts.SetMaxPoolSize(uint64(opts.MaxConnections))
	}
	if opts.monitor != nil {
		copts.SetMonitor(opts.monitor)
	}
	client, err := mongo.Connect(copts)
	if err != nil {
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	s := newStore(client, dbName, opts)
	if err := s.init(ctx, version, migs); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx)) // the init error is the one that matters
		return nil, err
	}
	return s, nil
}

func newStore(client *mongo.Client, dbName string, opts Options) *Store {
	s := &Store{
		client:     client,
		db:         client.Database(dbName),
		log:        opts.Logger,
		now:        opts.Now,
		serialize:  opts.SerializeWrites,
		uniqueOnly: opts.UniqueIndexesOnly,
		newTaskID:  randomTaskID,
	}
	s.nonce = mrand.Uint64()
	s.wl.init()
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.workspaces = versioned[workspaceDoc]{
		s: s, what: "workspace",
		heads: s.db.Collection(collWorkspaces), versions: s.db.Collection(collWorkspaceVersions),
		ident: func(d *workspaceDoc) (string, string, int) { return d.Workspace, "", d.Version },
		setID: func(d *workspaceDoc, id string) { d.ID = id },
	}
	s.campaigns = versioned[campaignDoc]{
		s: s, what: "campaign", keyField: "slug",
		heads: s.db.Collection(collCampaigns), versions: s.db.Collection(collCampaignVersions),
		ident: func(d *campaignDoc) (string, string, int) { return d.Workspace, d.Slug, d.Version },
		setID: func(d *campaignDoc, id string) { d.ID = id },
	}
	s.tasks = versioned[taskDoc]{
		s: s, what: "task", keyField: "id",
		heads: s.db.Collection(collTasks), versions: s.db.Collection(collTaskVersions),
		ident: func(d *taskDoc) (string, string, int) { return d.Workspace, d.TaskID, d.Version },
		setID: func(d *taskDoc, id string) { d.ID = id },
	}
	s.terms = versioned[termDoc]{
		s: s, what: "term", keyField: "key",
		heads: s.db.Collection(collTerms), versions: s.db.Collection(collTermVersions),
		ident: func(d *termDoc) (string, string, int) { return d.Workspace, d.Key, d.Version },
		setID: func(d *termDoc, id string) { d.ID = id },
	}
	s.touchpoints = versioned[touchpointDoc]{
		s: s, what: "touchpoint", keyField: "id",
		heads: s.db.Collection(collTouchpoints), versions: s.db.Collection(collTouchpointVersions),
		ident: func(d *touchpointDoc) (string, string, int) { return d.Workspace, d.TouchpointID, d.Version },
		setID: func(d *touchpointDoc, id string) { d.ID = id },
	}
	s.meetings = versioned[meetingDoc]{
		s: s, what: "meeting", keyField: "id",
		heads: s.db.Collection(collMeetings), versions: s.db.Collection(collMeetingVersions),
		ident: func(d *meetingDoc) (string, string, int) { return d.Workspace, d.MeetingID, d.Version },
		setID: func(d *meetingDoc, id string) { d.ID = id },
	}
	s.lines = versioned[lineDoc]{
		s: s, what: "minutes line", keyField: "key",
		heads: s.db.Collection(collLines), versions: s.db.Collection(collLineVersions),
		ident: func(d *lineDoc) (string, string, int) { return d.Workspace, d.Key, d.Version },
		setID: func(d *lineDoc, id string) { d.ID = id },
	}
	s.subs = versioned[submissionDoc]{
		s: s, what: "submission", keyField: "id",
		heads: s.db.Collection(collSubmissions), versions: s.db.Collection(collSubmissionVersions),
		ident: func(d *submissionDoc) (string, string, int) { return d.Workspace, d.SubmissionID, d.Version },
		setID: func(d *submissionDoc, id string) { d.ID = id },
	}
	if opts.ReadModel {
		s.readModelOn = true
		s.workspaces.cache = newHeadCache[workspaceDoc]()
		s.campaigns.cache = newHeadCache[campaignDoc]().ordering(order[campaignDoc]{name: orderCampaignsBySlug, groups: campaignGroups, less: bySlug})
		s.terms.cache = newHeadCache[termDoc]().ordering(termOrders()...)
		s.meetings.cache = newHeadCache[meetingDoc]().ordering(meetingOrders()...)
		s.tasks.cache = newHeadCache(index[taskDoc]{"campaign", func(d *taskDoc) string { return d.Campaign }},
			index[taskDoc]{"owner", func(d *taskDoc) string { return d.Owner }},
			index[taskDoc]{"status", func(d *taskDoc) string { return d.Status }}).ordering(taskOrders()...)
		s.subs.cache = newHeadCache(index[submissionDoc]{"campaign", func(d *submissionDoc) string { return d.Campaign }},
			index[submissionDoc]{"status", func(d *submissionDoc) string { return d.Status }}).ordering(submissionOrders()...)
		s.lines.cache = newHeadCache(index[lineDoc]{"meeting", func(d *lineDoc) string { return d.Meeting }})
		s.touchpoints.cache = newHeadCache(index[touchpointDoc]{"campaign", func(d *touchpointDoc) string { return d.Campaign }})
		s.auditCache = &auditCache{byTarget: map[string]map[string][]auditDoc{}}
		if opts.SerializeWrites {
			s.known = newKnown()
		}
	}
	s.audit = s.db.Collection(collAudit)
	s.claims = s.db.Collection(collClaims)
	s.meta = s.db.Collection(collMeta)
	return s
}

// init checks and migrates the schema, then creates the indexes. The schema check comes first so
// that a newer database is left untouched.
func (s *Store) init(ctx context.Context, version int, migs map[int]migration) error {
	if err := s.client.Ping(ctx, nil); err != nil {
		return fmt.Errorf("store: reach server: %w", err)
	}
	if err := s.migrate(ctx, version, migs); err != nil {
		return err
	}
	if err := s.createIndexes(ctx); err != nil {
		return err
	}
	s.startLoad(ctx)
	return nil
}

// metaDoc is the schema version record, {_id: "schema", version: N}.
type metaDoc struct {
	ID      string `bson:"_id"`
	Version int    `bson:"version"`
}

func (s *Store) schemaVersion(ctx context.Context) (int, bool, error) {
	var m metaDoc
	err := s.meta.FindOne(ctx, bson.D{{Key: "_id", Value: "schema"}}).Decode(&m)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: read schema version: %w", err)
	}
	return m.Version, true, nil
}

func (s *Store) setSchemaVersion(ctx context.Context, n int) error {
	_, err := s.meta.ReplaceOne(ctx, bson.D{{Key: "_id", Value: "schema"}},
		metaDoc{ID: "schema", Version: n}, options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("store: record schema version %d: %w", n, err)
	}
	return nil
}

func (s *Store) migrate(ctx context.Context, version int, migs map[int]migration) error {
	have, ok, err := s.schemaVersion(ctx)
	if err != nil {
		return err
	}
	if !ok {
		// A new database: it starts at the current layout. Insert rather than upsert so that two
		// processes opening a new database at once agree (the loser re-reads).
		_, err := s.meta.InsertOne(ctx, metaDoc{ID: "schema", Version: version})
		if err == nil {
			return nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("store: record schema version: %w", err)
		}
		if have, _, err = s.schemaVersion(ctx); err != nil {
			return err
		}
	}
	if have > version {
		return fmt.Errorf("%w: database %q has schema version %d, this Chorus knows up to %d; upgrade Chorus",
			ErrSchemaTooNew, s.db.Name(), have, version)
	}
	for v := have; v < version; v++ {
		m, ok := migs[v]
		if !ok {
			return fmt.Errorf("store: no migration from schema version %d to %d", v, v+1)
		}
		s.log.Info("store: migrating schema", "from", v, "to", v+1, "db", s.db.Name())
		if err := m(ctx, s.db); err != nil {
			return fmt.Errorf("store: migrate schema %d to %d: %w", v, v+1, err)
		}
		if err := s.setSchemaVersion(ctx, v+1); err != nil {
			return err
		}
	}
	return nil
}

// indexSpec is the indexes of one collection.
type indexSpec struct {
	coll string
	idx  []mongo.IndexModel
}

func uniqueIndex(keys ...string) mongo.IndexModel {
	return mongo.IndexModel{Keys: keysOf(keys), Options: options.Index().SetUnique(true)}
}

func plainIndex(keys ...string) mongo.IndexModel { return mongo.IndexModel{Keys: keysOf(keys)} }

// createIndexes creates an index for every query the store makes (TestEveryQueryHasAnIndex
// checks it). The embedded server does not use them for speed, but it enforces the unique ones,
// and production MongoDB needs them all; with UniqueIndexesOnly only the unique ones are made.
func (s *Store) createIndexes(ctx context.Context) error {
	all := []indexSpec{
		{collWorkspaceVersions, []mongo.IndexModel{uniqueIndex("workspace", "version")}},
		{collCampaignVersions, []mongo.IndexModel{uniqueIndex("workspace", "slug", "version")}},
		{collCampaigns, []mongo.IndexModel{plainIndex("workspace", "slug")}},
		{collTaskVersions, []mongo.IndexModel{uniqueIndex("workspace", "id", "version")}},
		// Tasks: every filter Tasks is called with, each followed by its sort (due, id); a
		// status is an $in, which MongoDB merges in that order.
		{collTasks, []mongo.IndexModel{
			plainIndex("workspace", "due", "id"),
			plainIndex("workspace", "campaign", "due", "id"),
			plainIndex("workspace", "owner", "due", "id"),
			plainIndex("workspace", "status", "due", "id"),
			plainIndex("workspace", "campaign", "status", "due", "id"),
			plainIndex("workspace", "owner", "status", "due", "id"),
			plainIndex("workspace", "campaign", "owner", "status", "due", "id"),
		}},
		{collTermVersions, []mongo.IndexModel{uniqueIndex("workspace", "key", "version")}},
		{collTerms, []mongo.IndexModel{plainIndex("workspace", "key")}},
		{collAudit, []mongo.IndexModel{
			plainIndex("workspace", "at", "_id"),
			plainIndex("workspace", "target", "at", "_id"),
		}},
		{collClaims, []mongo.IndexModel{plainIndex("kind", "at")}},
	}
	all = append(all, minutesIndexes()...)
	all = append(all, submissionIndexes()...)
	all = append(all, scheduleIndexes()...)
	all = append(all, inboxIndexes()...)
	all = append(all, effectIndexes()...)
	all = append(all, briefingIndexes()...)
	for _, coll := range bareCollections {
		all = append(all, indexSpec{coll: coll})
	}
	all = append(all, touchpointIndexes()...)
	all = append(all, calendarTokenIndexes()...)
	all = append(all, readModelIndexes()...)
	// One index per call: FerretDB v1.24 drops the connection (a server-side panic) when one
	// createIndexes call names several indexes that exist already, as at every restart.
	for _, c := range all {
		if s.uniqueOnly {
			c.idx = slices.DeleteFunc(slices.Clone(c.idx), func(m mongo.IndexModel) bool { return !isUnique(m) })
		}
		if len(c.idx) == 0 {
			if err := s.db.CreateCollection(ctx, c.coll); err != nil && !isNamespaceExists(err) {
				return fmt.Errorf("store: create collection %s: %w", c.coll, err)
			}
		}
		for _, idx := range c.idx {
			if _, err := s.db.Collection(c.coll).Indexes().CreateOne(ctx, idx); err != nil {
				return fmt.Errorf("store: create index on %s: %w", c.coll, err)
			}
		}
		if s.uniqueOnly {
			if err := s.dropPlainIndexes(ctx, c.coll); err != nil {
				return err
			}
		}
	}
	return nil
}

// isUnique reports whether m is a unique index, read from its options (the builder keeps them
// as setters).
func isUnique(m mongo.IndexModel) bool {
	if m.Options == nil {
		return false
	}
	var o options.IndexOptions
	for _, set := range m.Options.Opts {
		if err := set(&o); err != nil {
			return false
		}
	}
	return o.Unique != nil && *o.Unique
}

// dropPlainIndexes drops the indexes of coll that are neither unique nor on _id, which an Open
// without UniqueIndexesOnly (an older Chorus) created.
func (s *Store) dropPlainIndexes(ctx context.Context, coll string) error {
	cur, err := s.db.Collection(coll).Indexes().List(ctx)
	if err != nil {
		return fmt.Errorf("store: list indexes of %s: %w", coll, err)
	}
	var specs []struct {
		Name   string `bson:"name"`
		Unique bool   `bson:"unique"`
	}
	if err := cur.All(ctx, &specs); err != nil {
		return fmt.Errorf("store: list indexes of %s: %w", coll, err)
	}
	for _, sp := range specs {
		if sp.Unique || sp.Name == "_id_" {
			continue
		}
		if err := s.db.Collection(coll).Indexes().DropOne(ctx, sp.Name); err != nil {
			return fmt.Errorf("store: drop index %s of %s: %w", sp.Name, coll, err)
		}
	}
	return nil
}

// bareCollections have no secondary index, so creating indexes does not create them. They are
// created at open all the same: the embedded server creates a collection on its first insert,
// and two first inserts at once (workers re-running a crashed burst) race to create its table
// (« table … already exists »).
var bareCollections = []string{collEffects, collMeta, collWorkspaces, collDigests, collPolicies, collExceptions,
	collAutoChecks, collMeetingOpen, collInboxAlive, collExperts, collAnswers, collBriefingThreads, collPlanImports, collUserPrefs,
	collPolicyReplans}

// isNamespaceExists reports the error of creating a collection that exists (code 48).
func isNamespaceExists(err error) bool {
	var se mongo.ServerError
	return errors.As(err, &se) && se.HasErrorCode(48)
}

// keysOf returns the keys of an index on names, ascending, or descending for a name written
// with a leading "-" (such as "-updated_at"): an index serves a sort only in its keys' order or
// in the exact reverse.
func keysOf(names []string) bson.D {
	d := make(bson.D, len(names))
	for i, n := range names {
		if f, ok := strings.CutPrefix(n, "-"); ok {
			d[i] = bson.E{Key: f, Value: -1}
			continue
		}
		d[i] = bson.E{Key: n, Value: 1}
	}
	return d
}

// Close disconnects from the server.
func (s *Store) Close(ctx context.Context) error {
	if s.stopLoad != nil {
		s.stopLoad()
		<-s.loaded
	}
	if err := s.client.Disconnect(ctx); err != nil {
		return fmt.Errorf("store: disconnect: %w", err)
	}
	return nil
}

// Ping reports whether the server answers, for readiness checks.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx, nil); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// lock serialises writes when the store was opened with SerializeWrites; it returns the unlock.
func (s *Store) lock() func() {
	if !s.serialize {
		return func() {}
	}
	s.wl.lock(false)
	return s.wl.unlock
}

// lockUrgent is lock for the inbox's group commits, which go before the writes already
// queued (see writeLock).
func (s *Store) lockUrgent() func() {
	if !s.serialize {
		return func() {}
	}
	s.wl.lock(true)
	return s.wl.unlock
}

// clock returns the current time as stored: UTC, millisecond precision.
func (s *Store) clock() time.Time { return storedTime(s.now()) }

// storedTime returns t as the server keeps it, so values returned by writes equal later reads.
func storedTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Millisecond)
}

// idOf joins parts into a document id. Parts are escaped so that a "/" inside one (a glossary
// term may hold anything) cannot make two different identities share an id.
func idOf(parts ...string) string {
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

func versionID(head string, n int) string { return head + "/" + strconv.Itoa(n) }

// base32 is the alphabet of generated ids: lower-case, without 0/1/8/9 which people misread.
const base32 = "abcdefghijklmnopqrstuvwxyz234567"

func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	for i := range b {
		b[i] = base32[b[i]&31]
	}
	return string(b)
}

// randomTaskID returns a 6-character task id: about 10⁹ values, so collisions inside one
// workspace are rare and retried.
func randomTaskID() string { return randomString(6) }

// nilIfEmpty keeps empty and absent lists equal, since the server drops empty ones.
func nilIfEmpty[T any](xs []T) []T {
	if len(xs) == 0 {
		return nil
	}
	return xs
}

// checkIdentity refuses to store a thing without the fields that identify it.
func checkIdentity(what string, fields ...string) error {
	for _, f := range fields {
		if strings.TrimSpace(f) == "" {
			return fmt.Errorf("store: %s without identity: %w", what, chorus.ErrInvalid)
		}
	}
	return nil
}

func dateString(d chorus.Date) string { return d.String() }

// parseDate reads a stored date ("" is the zero Date); what, and of when not "", name it in the
// error.
func parseDate(what, of, s string) (chorus.Date, error) {
	if s == "" {
		return chorus.Date{}, nil
	}
	d, err := chorus.ParseDate(s)
	if err != nil {
		if of != "" { // the name is made only for the error: lists convert dates by the hundred
			what += " " + of
		}
		return chorus.Date{}, fmt.Errorf("store: stored %s: %w", what, err)
	}
	return d, nil
}
