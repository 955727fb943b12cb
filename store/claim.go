package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// claimDoc is one claim (in claims): {_id: kind+"/"+id, kind, owner, at}.
type claimDoc struct {
	ID    string    `bson:"_id"`
	Kind  string    `bson:"kind"`
	Owner string    `bson:"owner"`
	At    time.Time `bson:"at"`
}

func claimID(kind, id string) string { return kind + "/" + id }

// Claim claims the thing of the given kind and id for owner, such as a Slack event id, a
// reminder occurrence or a digest slot. It reports true when this call won the claim and false
// when anyone (this owner included) claimed it before. It is the store's one concurrency
// primitive: an insert with a deterministic _id, which only one caller can win on any server.
func (s *Store) Claim(ctx context.Context, kind, id, owner string) (bool, error) {
	if err := checkIdentity("claim", kind, id); err != nil {
		return false, err
	}
	d := claimDoc{ID: claimID(kind, id), Kind: kind, Owner: owner, At: s.clock()}
	unlock := s.lock()
	defer unlock()
	_, err := s.claims.InsertOne(ctx, d)
	if mongo.IsDuplicateKeyError(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: claim %s: %w", d.ID, err)
	}
	return true, nil
}

// Claimed reports whether the thing of the given kind and id is claimed.
func (s *Store) Claimed(ctx context.Context, kind, id string) (bool, error) {
	err := s.claims.FindOne(ctx, bson.D{{Key: "_id", Value: claimID(kind, id)}},
		options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: read claim %s: %w", claimID(kind, id), err)
	}
	return true, nil
}

// SweepClaims deletes the claims of kind made before olderThan and returns how many it deleted.
// Claims expire by this periodic sweep because the embedded server has no TTL indexes.
func (s *Store) SweepClaims(ctx context.Context, kind string, olderThan time.Time) (int, error) {
	if err := checkIdentity("claim sweep", kind); err != nil {
		return 0, err
	}
	unlock := s.lock()
	defer unlock()
	res, err := s.claims.DeleteMany(ctx, bson.D{
		{Key: "kind", Value: kind},
		{Key: "at", Value: bson.D{{Key: "$lt", Value: olderThan.UTC()}}},
	})
	if err != nil {
		return 0, fmt.Errorf("store: sweep %s claims: %w", kind, err)
	}
	return int(res.DeletedCount), nil
}
