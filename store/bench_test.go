package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chorus-hq/chorus/store"
)

// The benchmarks run on the embedded server (or CHORUS_TEST_MONGODB_URI), one client goroutine.
// On the embedded server every query scans, so costs grow with the collection: CreateCampaign
// and Claim report the average over a collection growing to b.N documents.

func BenchmarkCreateCampaign(b *testing.B) {
	ctx := context.Background()
	s := newTestStore(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := s.CreateCampaign(ctx, campaign("T1", fmt.Sprintf("c-%d", i))); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUpdateCampaign(b *testing.B) {
	ctx := context.Background()
	s := newTestStore(b)
	c, err := s.CreateCampaign(ctx, campaign("T1", "ete"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if c, err = s.UpdateCampaign(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateTask and BenchmarkUpdateTask measure the writes of the most indexed heads
// collection (tasks: seven indexes for the lists the commands ask, docs/architecture.md), with
// every index as on MongoDB and with the unique ones only, as on the embedded server, which
// maintains indexes on every write but reads by none of them.
func BenchmarkCreateTask(b *testing.B) {
	forIndexes(b, func(b *testing.B, s *store.Store) {
		for b.Loop() {
			if _, err := s.CreateTask(context.Background(), newTask("T1", "ete", "bob", start)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkUpdateTask(b *testing.B) {
	forIndexes(b, func(b *testing.B, s *store.Store) {
		ctx := context.Background()
		t, err := s.CreateTask(ctx, newTask("T1", "ete", "bob", start))
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if t, err = s.UpdateTask(ctx, t); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// forIndexes runs bench on a store with every index and on one with the unique ones only.
func forIndexes(b *testing.B, bench func(*testing.B, *store.Store)) {
	for _, unique := range []bool{false, true} {
		b.Run(fmt.Sprintf("uniqueOnly=%v", unique), func(b *testing.B) {
			e := newEnvWith(b, true, true, func(o store.Options) store.Options {
				o.UniqueIndexesOnly = unique
				return o
			})
			b.ReportAllocs()
			bench(b, e.Store)
		})
	}
}

func BenchmarkGetCampaign(b *testing.B) {
	ctx := context.Background()
	s := seedCampaigns(b, 50)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := s.Campaign(ctx, "T1", fmt.Sprintf("c-%d", i%50)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkListCampaigns(b *testing.B) {
	ctx := context.Background()
	s := seedCampaigns(b, 50)
	b.ReportAllocs()
	for b.Loop() {
		cs, err := s.Campaigns(ctx, "T1")
		if err != nil || len(cs) != 50 {
			b.Fatalf("Campaigns = %d, %v", len(cs), err)
		}
	}
}

func BenchmarkClaim(b *testing.B) {
	ctx := context.Background()
	s := newTestStore(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		won, err := s.Claim(ctx, "event", fmt.Sprintf("Ev%d", i), "p1")
		if err != nil || !won {
			b.Fatalf("Claim = %v, %v", won, err)
		}
	}
}

func BenchmarkClaimLost(b *testing.B) {
	ctx := context.Background()
	s := newTestStore(b)
	if _, err := s.Claim(ctx, "event", "Ev", "p1"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if won, err := s.Claim(ctx, "event", "Ev", "p2"); err != nil || won {
			b.Fatalf("Claim = %v, %v", won, err)
		}
	}
}

func seedCampaigns(b *testing.B, n int) *store.Store {
	b.Helper()
	s := newTestStore(b)
	for i := range n {
		if _, err := s.CreateCampaign(context.Background(), campaign("T1", fmt.Sprintf("c-%d", i))); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// BenchmarkInboxAdd measures one group commit of the durable inbox: a batch of items (a signed
// slash command's size) inserted at once; ns/op is per batch.
func BenchmarkInboxAdd(b *testing.B) {
	for _, size := range []int{1, 16, 64, 200} {
		b.Run(fmt.Sprintf("batch=%d", size), func(b *testing.B) {
			ctx := context.Background()
			s := newTestStore(b)
			body := make([]byte, 600)
			n := 0
			for b.Loop() {
				items := make([]store.InboxItem, size)
				for i := range items {
					n++
					items[i] = store.InboxItem{ID: fmt.Sprintf("command/%d", n), Kind: "command", ContentType: "application/x-www-form-urlencoded", Body: body}
				}
				for _, err := range s.AddInbox(ctx, items) {
					if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
