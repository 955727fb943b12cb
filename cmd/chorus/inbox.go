package main

import (
	"context"
	"time"

	"github.com/chorus-hq/chorus/bot"
	"github.com/chorus-hq/chorus/store"
)

// storeInbox is bot's durable inbox on the store: inserts and done marks go through a
// group-commit batcher, so that a burst of acknowledgements makes a few writes, not one each. The
// batches open no window of their own (wait 0): an ack alone is written at once, and under a
// burst each write carries what arrived during the previous one.
type storeInbox struct {
	st    *store.Store
	batch *store.InboxBatcher
}

// newStoreInbox returns the inbox on st, its grouped writes made through w (st when nil).
func newStoreInbox(st *store.Store, w store.InboxWrites) *storeInbox {
	if w == nil {
		w = st
	}
	return &storeInbox{st: st, batch: store.NewInboxBatcher(w, 0, 512)}
}

func toStoreItem(it bot.InboxItem) store.InboxItem {
	return store.InboxItem{ID: it.ID, Kind: it.Kind, ContentType: it.ContentType, Body: it.Body, Retry: it.Retry,
		Received: it.Received, Owner: it.Owner, Attempt: it.Attempt}
}

func toBotItem(it store.InboxItem) bot.InboxItem {
	return bot.InboxItem{ID: it.ID, Kind: it.Kind, ContentType: it.ContentType, Body: it.Body, Retry: it.Retry,
		Received: it.Received, Owner: it.Owner, Attempt: it.Attempt}
}

func (s *storeInbox) Add(ctx context.Context, it bot.InboxItem) error {
	return s.batch.Add(ctx, toStoreItem(it))
}

func (s *storeInbox) Take(ctx context.Context, id, owner string, force bool) (bot.InboxItem, bool, error) {
	it, ok, err := s.st.TakeInbox(ctx, id, owner, force)
	return toBotItem(it), ok, err
}

func (s *storeInbox) Unfinished(ctx context.Context, now time.Time, all bool, limit int) ([]bot.InboxItem, error) {
	items, err := s.st.UnfinishedInbox(ctx, now, all, limit)
	out := make([]bot.InboxItem, len(items))
	for i, it := range items {
		out[i] = toBotItem(it)
	}
	return out, err
}

func (s *storeInbox) Renew(ctx context.Context, owner string, until time.Time) error {
	return s.st.RenewInbox(ctx, owner, until)
}

func (s *storeInbox) Release(ctx context.Context, owner string) error {
	return s.st.ReleaseInbox(ctx, owner)
}

func (s *storeInbox) Finish(ctx context.Context, id string) error { return s.batch.Finish(ctx, id) }

func (s *storeInbox) Sweep(ctx context.Context, olderThan time.Time) error {
	_, err := s.st.SweepInbox(ctx, olderThan)
	return err
}
