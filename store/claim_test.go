package store_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestClaim(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	s := e.Store
	steps := []struct {
		kind, id, owner string
		want            bool
	}{
		{"event", "Ev1", "p1", true},
		{"event", "Ev1", "p1", false}, // the same owner again: Slack's retry of an event
		{"event", "Ev1", "p2", false},
		{"event", "Ev2", "p2", true},
		{"reminder", "Ev1", "p2", true}, // kinds are separate name spaces
	}
	for _, st := range steps {
		won, err := s.Claim(ctx, st.kind, st.id, st.owner)
		wantErr(t, err, nil)
		if won != st.want {
			t.Fatalf("Claim(%s, %s, %s) = %v, want %v", st.kind, st.id, st.owner, won, st.want)
		}
	}
	for _, c := range []struct {
		kind, id string
		want     bool
	}{{"event", "Ev1", true}, {"event", "Ev3", false}, {"digest", "Ev1", false}} {
		got, err := s.Claimed(ctx, c.kind, c.id)
		if err != nil || got != c.want {
			t.Fatalf("Claimed(%s, %s) = %v, %v; want %v", c.kind, c.id, got, err, c.want)
		}
	}

	t.Run("sweep removes old claims of one kind", func(t *testing.T) {
		e.Clock.Advance(time.Hour)
		won, err := s.Claim(ctx, "event", "Ev4", "p1")
		if err != nil || !won {
			t.Fatalf("claim = %v, %v", won, err)
		}
		n, err := s.SweepClaims(ctx, "event", start.Add(30*time.Minute))
		if err != nil || n != 2 {
			t.Fatalf("SweepClaims = %d, %v; want 2 (Ev1, Ev2)", n, err)
		}
		for _, c := range []struct {
			kind, id string
			want     bool
		}{{"event", "Ev1", false}, {"event", "Ev4", true}, {"reminder", "Ev1", true}} {
			if got, _ := s.Claimed(ctx, c.kind, c.id); got != c.want {
				t.Fatalf("after sweep Claimed(%s, %s) = %v, want %v", c.kind, c.id, got, c.want)
			}
		}
		if won, _ := s.Claim(ctx, "event", "Ev1", "p3"); !won {
			t.Fatal("a swept claim cannot be claimed again")
		}
	})
}

// TestClaimRace has 20 goroutines claim the same thing: exactly one wins, with and without the
// in-process write lock.
func TestClaimRace(t *testing.T) {
	ctx := context.Background()
	for _, serialize := range []bool{false, true} {
		t.Run(fmt.Sprintf("serialize=%v", serialize), func(t *testing.T) {
			s := newEnv(t, serialize).Store
			for round := range 3 {
				var wins, fails atomic.Int32
				var wg sync.WaitGroup
				for i := range 20 {
					wg.Go(func() {
						won, err := s.Claim(ctx, "occurrence", fmt.Sprintf("r%d", round), fmt.Sprintf("p%d", i))
						if err != nil {
							fails.Add(1)
						}
						if won {
							wins.Add(1)
						}
					})
				}
				wg.Wait()
				if wins.Load() != 1 || fails.Load() != 0 {
					t.Fatalf("round %d: %d winners, %d errors; want 1 winner", round, wins.Load(), fails.Load())
				}
			}
		})
	}
}
