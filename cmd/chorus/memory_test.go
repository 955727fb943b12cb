package main

import (
	"context"
	"log/slog"
	"testing"
	"time"
)

// TestMemoryLimitFollowsLiveHeap: the limit is 160 MiB until the live heap passes 70 MiB, then
// 90 MiB above it, or 1.2 times it above it past 75 MiB; it is set when the read model is ready and at each tick after, when it moved
// by more than an eighth of the headroom, both ways, until the context ends.
func TestMemoryLimitFollowsLiveHeap(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		live uint64
		want int64
	}{
		{0, 160 * mib}, {40 * mib, 160 * mib}, {70 * mib, 160 * mib}, {75 * mib, 165 * mib}, {100 * mib, 220 * mib}, {690 * mib, 1518 * mib},
	} {
		if got := memoryLimitFor(c.live); got != c.want {
			t.Errorf("memoryLimitFor(%d MiB) = %d MiB; want %d MiB", c.live/mib, got/mib, c.want/mib)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	ready, tick := make(chan struct{}), make(chan time.Time)
	live := make(chan uint64, 1)
	limit := int64(160 * mib)
	sets := make(chan int64, 10)
	set := func(v int64) int64 {
		old := limit
		if v >= 0 {
			limit = v
			sets <- v
		}
		return old
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		followLiveHeap(ctx, slog.New(slog.DiscardHandler), ready, tick, func() uint64 { return <-live }, set)
	}()
	step := func(send func(), heap uint64, want int64) {
		t.Helper()
		live <- heap
		send()
		if want < 0 { // no change: the next step's set shows it
			return
		}
		if got := <-sets; got != want {
			t.Fatalf("live heap %d MiB: limit set to %d MiB; want %d MiB", heap/mib, got/mib, want/mib)
		}
	}
	step(func() { close(ready) }, 690*mib, 1518*mib)  // the read model loaded at 10× the year
	step(func() { tick <- time.Time{} }, 695*mib, -1) // 5 MiB more: left
	step(func() { tick <- time.Time{} }, 760*mib, 1672*mib)
	step(func() { tick <- time.Time{} }, 60*mib, 160*mib) // never below the least
	cancel()
	<-done
	select {
	case v := <-sets:
		t.Fatalf("an unexpected limit of %d MiB", v/mib)
	default:
	}
}
