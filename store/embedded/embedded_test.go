package embedded_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chorus-hq/chorus/store/embedded"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// TestRestartKeepsData writes through the wire protocol, restarts the server on the same
// directory, and reads the document back.
func TestRestartKeepsData(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	write := func(t *testing.T, f func(*mongo.Collection)) {
		t.Helper()
		srv, err := embedded.Start(ctx, dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		cl, err := mongo.Connect(options.Client().ApplyURI(srv.URI()))
		if err != nil {
			t.Fatal(err)
		}
		defer cl.Disconnect(ctx)
		f(cl.Database("chorus").Collection("smoke"))
	}
	write(t, func(c *mongo.Collection) {
		if _, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}, {Key: "n", Value: 42}}); err != nil {
			t.Fatal(err)
		}
		_, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}})
		if !mongo.IsDuplicateKeyError(err) {
			t.Fatalf("second insert: got %v, want a duplicate-key error", err)
		}
	})
	write(t, func(c *mongo.Collection) {
		var doc struct{ N int }
		if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: "a"}}).Decode(&doc); err != nil {
			t.Fatal(err)
		}
		if doc.N != 42 {
			t.Fatalf("after restart n = %d, want 42", doc.N)
		}
	})
}

// TestOneProcessPerDirectory: while a server holds a directory, a second Start on it fails with
// a LockedError naming the directory and this process; once the first is closed, it starts.
func TestOneProcessPerDirectory(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	first, err := embedded.Start(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		dir  string
	}{
		{"same path", dir},
		{"relative path", "."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.dir == "." {
				t.Chdir(dir)
			}
			_, err := embedded.Start(ctx, tt.dir, nil)
			var le *embedded.LockedError
			if !errors.As(err, &le) || !errors.Is(err, embedded.ErrLocked) {
				t.Fatalf("second Start: %v, want a LockedError", err)
			}
			if le.Dir != dir || le.PID != os.Getpid() {
				t.Errorf("LockedError %+v, want dir %s and pid %d", le, dir, os.Getpid())
			}
		})
	}
	first.Close()
	second, err := embedded.Start(ctx, dir, nil)
	if err != nil {
		t.Fatalf("Start after Close: %v", err)
	}
	second.Close()
}

// TestIndexIDsMakesIDReadsSearch checks that after IndexIDs SQLite answers FerretDB's read by _id
// with an index search, not a scan of the table.
func TestIndexIDsMakesIDReadsSearch(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	srv, err := embedded.Start(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cl, err := mongo.Connect(options.Client().ApplyURI(srv.URI()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Disconnect(ctx)
	c := cl.Database("chorus").Collection("heads")
	if _, err := c.InsertMany(ctx, []any{bson.D{{Key: "_id", Value: "a"}}, bson.D{{Key: "_id", Value: "b"}}}); err != nil {
		t.Fatal(err)
	}
	plan := func(t *testing.T) string {
		t.Helper()
		db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "chorus.sqlite"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var table string
		if err := db.QueryRow(`SELECT table_name FROM _ferretdb_collections WHERE name = 'heads'`).Scan(&table); err != nil {
			t.Fatal(err)
		}
		var id, parent, unused int
		var detail string
		q := `EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM "` + table + `" WHERE _ferretdb_sjson->'$._id' = ?`
		if err := db.QueryRow(q, `"a"`).Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		return detail
	}
	if p := plan(t); !strings.HasPrefix(p, "SCAN") {
		t.Fatalf("before IndexIDs the plan is %q: FerretDB indexes _id now, IndexIDs may be unneeded", p)
	}
	for range 2 { // idempotent
		if err := srv.IndexIDs(ctx, "chorus"); err != nil {
			t.Fatal(err)
		}
	}
	if p := plan(t); !strings.Contains(p, "USING INDEX") {
		t.Fatalf("after IndexIDs the plan is %q, want an index search", p)
	}
	var doc bson.M
	if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: "b"}}).Decode(&doc); err != nil || doc["_id"] != "b" {
		t.Fatalf("FindOne after IndexIDs = %v, %v", doc, err)
	}
}
