package store

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"golang.org/x/sync/singleflight"
)

// knownCap bounds the entries of a known: the absences it keeps come from what people type (a
// campaign slug that does not exist), so it must not grow with them.
const knownCap = 1 << 16

// known remembers what reads by identity found on the server when this process is the only
// writer of its data (the embedded store, its data folder locked, with the read model on): that
// a workspace has no stored settings (the usual case, answered from the defaults), that a
// campaign slug does not exist, a person's language. Every command reads the first and the last;
// without this, each of those reads would be a query to the server although the answer cannot
// change until this process writes it. Nothing else writes, so an entry stays true until this
// process writes its key, and every such write forgets it first.
//
// A read that misses takes a ticket (begin) before asking the server and keeps the answer only
// if no write forgot anything since: a write racing the read can never leave the older answer
// behind. With other writers (MongoDB, several replicas) a Store has no known, and every such
// read asks the server.
type known struct {
	mu  sync.Mutex
	gen uint64            // incremented by every forget and set
	m   map[string]string // key -> value ("" for an absence)
	// flight shares one server read among the reads that miss the same key together.
	flight singleflight.Group
}

func newKnown() *known { return &known{m: map[string]string{}} }

// get returns what was found for k, reporting false when nothing is known.
func (k *known) get(key string) (string, bool) {
	if k == nil {
		return "", false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.m[key]
	return v, ok
}

// begin returns the ticket a read takes before asking the server.
func (k *known) begin() uint64 {
	if k == nil {
		return 0
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.gen
}

// keep records v for key unless a write forgot or set anything since ticket was taken.
func (k *known) keep(ticket uint64, key, v string) {
	if k == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.gen != ticket {
		return
	}
	if len(k.m) >= knownCap {
		clear(k.m) // forgetting is always correct; it only costs the next reads a query
	}
	k.m[key] = v
}

// forget drops what is known of key, before a write of it.
func (k *known) forget(key string) {
	if k == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.gen++
	delete(k.m, key)
}

// forgetAll drops everything known, before a write of many keys (an import).
func (k *known) forgetAll() {
	if k == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.gen++
	clear(k.m)
}

// set records v for key once this process has written it.
func (k *known) set(key, v string) {
	if k == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.gen++
	if len(k.m) >= knownCap {
		clear(k.m)
	}
	k.m[key] = v
}

// share runs read once for the callers that miss key with the same ticket — no write of this
// process between them, so one answer of the server is the answer for all — and gives each its
// result. A burst of commands after a start would otherwise send the server one read per
// command for the same workspace settings and the same person's language, and queue them all
// behind its connections. A caller stops waiting when its ctx ends, without ending the read for
// the others. Without a known (other writers) nothing is shared: each caller reads.
func share[T any](ctx context.Context, k *known, key string, ticket uint64, read func(context.Context) (T, error)) (T, error) {
	if k == nil {
		return read(ctx)
	}
	ch := k.flight.DoChan(key+"\x00"+strconv.FormatUint(ticket, 10), func() (any, error) {
		return read(context.WithoutCancel(ctx))
	})
	select {
	case r := <-ch:
		v, _ := r.Val.(T)
		return v, r.Err
	case <-ctx.Done():
		var zero T
		return zero, fmt.Errorf("store: read %q: %w", key, ctx.Err())
	}
}
