package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// collThreads holds the team channel thread of each task's reminders (listed in doc.go).
const collThreads = "task_threads"

// threadDoc is the thread of a task's reminders in one team channel, never changed: the first
// reminder posted there is its parent, later ones reply in it.
type threadDoc struct {
	ID        string    `bson:"_id"`
	Workspace string    `bson:"workspace"`
	Task      string    `bson:"task"`
	Channel   string    `bson:"channel"`
	TS        string    `bson:"ts"`
	At        time.Time `bson:"at"`
}

// threadID is the deterministic id of a task's thread in a channel: every replica computes the
// same, so two of them starting the thread at once collide on it and one wins. The channel is
// part of it because a task moved to another team gets a thread there.
func threadID(workspace, task, channel string) string { return idOf(workspace, task, channel) }

// TaskThread returns the timestamp of the message that opened the thread of a task's reminders
// in channel, reporting false when none was recorded.
func (s *Store) TaskThread(ctx context.Context, workspace, task, channel string) (string, bool, error) {
	var d threadDoc
	err := s.db.Collection(collThreads).FindOne(ctx, bson.D{{Key: "_id", Value: threadID(workspace, task, channel)}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("store: read thread of task %s in %s: %w", task, channel, err)
	}
	return d.TS, true, nil
}

// StartTaskThread records ts as the thread of a task's reminders in channel and returns the
// thread: ts, or the one recorded first when another process started the thread before
// (insert-only, DESIGN rule 1: the loser of the race reads the winner's).
func (s *Store) StartTaskThread(ctx context.Context, workspace, task, channel, ts string) (string, error) {
	if err := checkIdentity("task thread", workspace, task, channel, ts); err != nil {
		return "", err
	}
	d := threadDoc{ID: threadID(workspace, task, channel), Workspace: workspace, Task: task, Channel: channel, TS: ts, At: s.clock()}
	unlock := s.lock()
	_, err := s.db.Collection(collThreads).InsertOne(ctx, d)
	unlock()
	if err == nil {
		return ts, nil
	}
	if !mongo.IsDuplicateKeyError(err) {
		return "", fmt.Errorf("store: start thread of task %s in %s: %w", task, channel, err)
	}
	won, ok, err := s.TaskThread(ctx, workspace, task, channel)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", fmt.Errorf("store: thread of task %s in %s vanished after a duplicate insert", task, channel)
	}
	return won, nil
}
