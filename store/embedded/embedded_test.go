package embedded_test

import (
	"context"
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
