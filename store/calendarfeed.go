package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/chorus-hq/chorus"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// collCalendarTokens holds the calendar feeds' secret links, by the hash of their token: a feed
// request is one _id lookup. A token document is written by its owner only (created, then
// revoked), so revoking updates it in place.
const collCalendarTokens = "calendar_tokens"

func calendarTokenIndexes() []indexSpec {
	return []indexSpec{{collCalendarTokens, []mongo.IndexModel{plainIndex("workspace", "user", "revoked")}}}
}

type calendarTokenDoc struct {
	ID        string    `bson:"_id"` // the token's hash
	Workspace string    `bson:"workspace"`
	User      string    `bson:"user"`
	CreatedAt time.Time `bson:"created_at"`
	Revoked   bool      `bson:"revoked"`
	RevokedAt time.Time `bson:"revoked_at,omitempty"`
}

func (d calendarTokenDoc) token() chorus.CalendarToken {
	return chorus.CalendarToken{Hash: d.ID, WorkspaceID: d.Workspace, User: d.User,
		CreatedAt: storedTime(d.CreatedAt), RevokedAt: storedTime(d.RevokedAt)}
}

// AddCalendarToken stores a new secret link (its hash), created now. ErrConflict means the hash
// exists, which a random token never makes.
func (s *Store) AddCalendarToken(ctx context.Context, t chorus.CalendarToken) (chorus.CalendarToken, error) {
	if err := checkIdentity("calendar token", t.Hash, t.WorkspaceID, t.User); err != nil {
		return chorus.CalendarToken{}, err
	}
	d := calendarTokenDoc{ID: t.Hash, Workspace: t.WorkspaceID, User: t.User, CreatedAt: s.clock()}
	unlock := s.lock()
	defer unlock()
	if _, err := s.db.Collection(collCalendarTokens).InsertOne(ctx, d); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return chorus.CalendarToken{}, fmt.Errorf("calendar token exists: %w", chorus.ErrConflict)
		}
		return chorus.CalendarToken{}, fmt.Errorf("store: add calendar token: %w", err)
	}
	return d.token(), nil
}

// CalendarToken returns the link whose token hashes to hash, or ErrNotFound when there is none
// or it was revoked.
func (s *Store) CalendarToken(ctx context.Context, hash string) (chorus.CalendarToken, error) {
	var d calendarTokenDoc
	err := s.db.Collection(collCalendarTokens).FindOne(ctx, bson.D{{Key: "_id", Value: hash}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) || err == nil && d.Revoked {
		return chorus.CalendarToken{}, fmt.Errorf("calendar token: %w", chorus.ErrNotFound)
	}
	if err != nil {
		return chorus.CalendarToken{}, fmt.Errorf("store: read calendar token: %w", err)
	}
	return d.token(), nil
}

// RevokeCalendarTokens revokes every link of user in the workspace and returns how many worked
// until now.
func (s *Store) RevokeCalendarTokens(ctx context.Context, workspace, user string) (int, error) {
	coll := s.db.Collection(collCalendarTokens)
	cur, err := coll.Find(ctx, bson.D{{Key: "workspace", Value: workspace}, {Key: "user", Value: user}, {Key: "revoked", Value: false}})
	if err != nil {
		return 0, fmt.Errorf("store: list calendar tokens: %w", err)
	}
	var ds []calendarTokenDoc
	if err := cur.All(ctx, &ds); err != nil {
		return 0, fmt.Errorf("store: list calendar tokens: %w", err)
	}
	unlock := s.lock()
	defer unlock()
	now := s.clock()
	for _, d := range ds {
		_, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ID}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "revoked", Value: true}, {Key: "revoked_at", Value: now}}}})
		if err != nil {
			return 0, fmt.Errorf("store: revoke calendar token: %w", err)
		}
	}
	return len(ds), nil
}
