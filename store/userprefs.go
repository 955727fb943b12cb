package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/chorus-hq/chorus"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// collUserPrefs holds one document per user with the choices that person made for themselves.
// It is the one collection written by replace: only its own user writes a document, so there is
// no concurrent edit to lose.
const collUserPrefs = "user_prefs"

// userPrefsDoc is {_id: idOf(workspace, user), workspace, user, lang, at}.
type userPrefsDoc struct {
	ID        string    `bson:"_id"`
	Workspace string    `bson:"workspace"`
	User      string    `bson:"user"`
	Lang      string    `bson:"lang"`
	At        time.Time `bson:"at"`
}

// UserLang returns the language user chose with "/chorus lang", or ErrNotFound when they chose
// none.
func (s *Store) UserLang(ctx context.Context, workspace, user string) (chorus.Lang, error) {
	if err := checkIdentity("user", workspace, user); err != nil {
		return "", err
	}
	id := idOf(workspace, user)
	key := collUserPrefs + "\x00" + id
	lang, ok := s.known.get(key)
	if !ok {
		ticket := s.known.begin()
		var err error
		lang, err = share(ctx, s.known, key, ticket, func(ctx context.Context) (string, error) {
			var d userPrefsDoc
			err := s.db.Collection(collUserPrefs).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
			if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
				return "", fmt.Errorf("store: read language of %s: %w", user, err)
			}
			s.known.keep(ticket, key, d.Lang)
			return d.Lang, nil // "" when there is none
		})
		if err != nil {
			return "", err
		}
	}
	l, ok := chorus.ParseLang(lang)
	if !ok {
		return "", fmt.Errorf("language of %s: %w", user, chorus.ErrNotFound)
	}
	return l, nil
}

// SetUserLang records the language user reads Chorus in.
func (s *Store) SetUserLang(ctx context.Context, workspace, user string, lang chorus.Lang) error {
	if err := checkIdentity("user", workspace, user); err != nil {
		return err
	}
	d := userPrefsDoc{ID: idOf(workspace, user), Workspace: workspace, User: user, Lang: string(lang), At: s.clock()}
	unlock := s.lock()
	defer unlock()
	s.known.forget(collUserPrefs + "\x00" + d.ID)
	_, err := s.db.Collection(collUserPrefs).ReplaceOne(ctx, bson.D{{Key: "_id", Value: d.ID}}, d, options.Replace().SetUpsert(true))
	if err != nil {
		s.known.forget(collUserPrefs + "\x00" + d.ID) // the write may have landed all the same
		return fmt.Errorf("store: set language of %s: %w", user, err)
	}
	s.known.set(collUserPrefs+"\x00"+d.ID, d.Lang)
	return nil
}
