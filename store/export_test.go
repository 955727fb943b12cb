package store

import (
	"context"

	"github.com/chorus-hq/chorus"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// SchemaVersion is the schema version of this code, for tests.
const SchemaVersion = schemaVersion

// OpenWith opens a store as code of the given schema version with the given migrations would.
func OpenWith(ctx context.Context, uri, dbName string, opts Options, version int,
	migs map[int]func(context.Context, *mongo.Database) error) (*Store, error) {
	m := make(map[int]migration, len(migs))
	for k, f := range migs {
		m[k] = f
	}
	return open(ctx, uri, dbName, opts, version, m)
}

// SetSchemaVersion records n as the database's schema version.
func SetSchemaVersion(ctx context.Context, s *Store, n int) error { return s.setSchemaVersion(ctx, n) }

// StoredSchemaVersion returns the database's recorded schema version.
func StoredSchemaVersion(ctx context.Context, s *Store) (int, error) {
	n, _, err := s.schemaVersion(ctx)
	return n, err
}

// DropDatabase drops the store's database, for tests on a shared server.
func DropDatabase(ctx context.Context, s *Store) error { return s.db.Drop(ctx) }

// InsertCampaignVersionOnly stores c as a version without touching its head, as a crash between
// the two writes would leave it.
func InsertCampaignVersionOnly(ctx context.Context, s *Store, c chorus.Campaign) error {
	d := toCampaignDoc(c)
	d.ID = versionID(s.campaigns.headID(c.WorkspaceID, c.Slug), c.Version)
	_, err := s.campaigns.versions.InsertOne(ctx, d)
	return err
}

// InsertTermVersionOnly is InsertCampaignVersionOnly for glossary terms.
func InsertTermVersionOnly(ctx context.Context, s *Store, g chorus.GlossaryTerm) error {
	d := toTermDoc(g)
	d.ID = versionID(s.terms.headID(g.WorkspaceID, g.Key()), g.Version)
	_, err := s.terms.versions.InsertOne(ctx, d)
	return err
}

// SetTaskIDs makes the store hand out the given task ids in turn, then random ones.
func SetTaskIDs(s *Store, ids ...string) {
	s.newTaskID = func() string {
		if len(ids) == 0 {
			return randomTaskID()
		}
		id := ids[0]
		ids = ids[1:]
		return id
	}
}

// BareCollections lists the collections created at open without a secondary index.
func BareCollections() []string { return bareCollections }

// CollectionNames lists the store's collections.
func CollectionNames(ctx context.Context, s *Store) ([]string, error) {
	return s.db.ListCollectionNames(ctx, bson.D{})
}

// WithMonitor returns o with m watching every command the store's client sends.
func WithMonitor(o Options, m *event.CommandMonitor) Options {
	o.monitor = m
	return o
}

// Index is one index as the server lists it.
type Index struct {
	Key    bson.D `bson:"key"`
	Unique bool   `bson:"unique"`
}

// Indexes returns every index of every collection of the store's database, as the server lists
// them, by collection.
func Indexes(ctx context.Context, s *Store) (map[string][]Index, error) {
	names, err := s.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return nil, err
	}
	out := make(map[string][]Index, len(names))
	for _, n := range names {
		cur, err := s.db.Collection(n).Indexes().List(ctx)
		if err != nil {
			return nil, err
		}
		var idx []Index
		if err := cur.All(ctx, &idx); err != nil {
			return nil, err
		}
		out[n] = idx
	}
	return out, nil
}

// UnsetTaskRemind removes the scheduler's mark from a task's head on the server, as a head
// written before the mark existed has none.
func UnsetTaskRemind(ctx context.Context, s *Store, ws, id string) error {
	_, err := s.tasks.heads.UpdateOne(ctx, bson.D{{Key: "_id", Value: s.tasks.headID(ws, id)}},
		bson.D{{Key: "$unset", Value: bson.D{{Key: "remind", Value: ""}}}})
	return err
}
