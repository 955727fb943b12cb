package main

import (
	"context"
	"log/slog"
	"math"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// The Go runtime's memory settings of chorus serve, which chorus bench applies too so that it
// measures what serve runs.

// defaultGCPercent is chorus serve's GOGC. With the runtime's 100 and the small live heap of a
// process answering reads in their acks, the collector ran whenever the heap doubled and its
// assists made the slowest acks. Measured at 200 clients (BenchmarkBoltComparison) and under
// 1,000 slow connections (BenchmarkSlowClients): 100 gave 8,800-9,400 answers a second with an
// ack p99 of 103-106 ms and a peak of 79 MiB; 150 gave 10,600-10,900 and 75-77 ms for 78-80 MiB;
// 200 gave 10,400-11,900 and 59-79 ms but 93-95 MiB, too near the 100 MB the intake must stay
// under. The memory limit below still bounds the heap.
const defaultGCPercent = 150

// minMemoryLimit is the least soft limit of the Go runtime's memory in chorus serve: the 64 MiB
// the intake needs under a burst, plus the read model, about 70 MiB of live heap after a year
// of a 40-person department (chorus bench), and what a cycle's garbage needs.
const minMemoryLimit = 160 << 20

// memoryHeadroom is the least the limit leaves above the live heap: 90 MiB over the year's
// 70 MiB. Above that, the headroom grows as the live heap does (headroomPerLive), because a
// collection marks the live heap, and the collector's work per byte allocated is the live heap
// over the headroom. The read model grows with the data (690 MiB of live heap at ten times the
// year): under the fixed 160 MiB the collector marked without pause, and the reads at 10× were
// 1.3–4× slower, /campaign audit's p99 63 ms (docs/benchmarks.md).
const memoryHeadroom = minMemoryLimit - 70<<20

// headroomPerLive is the headroom per byte of live heap past the year's: 90 MiB for 75.
const headroomPerLive = 1.2

// memoryLimitFor is the soft limit for a live heap of live bytes.
func memoryLimitFor(live uint64) int64 {
	live = min(live, 1<<50) // a petabyte: no overflow below
	room := max(memoryHeadroom, int64(float64(live)*headroomPerLive))
	return max(minMemoryLimit, int64(live)+room)
}

// tuneMemory sets chorus serve's GOGC and memory limit, unless GOGC or GOMEMLIMIT set them
// (GOGC=100 cannot be told from the default: 99 or 101 keeps it), and, when it set the limit,
// returns a function that keeps the limit memoryLimitFor the live heap until ctx ends:
// at once when ready is closed (the read model loaded; nil when it is already), then every
// period.
func tuneMemory(log *slog.Logger, ready <-chan struct{}, period time.Duration) (follow func(ctx context.Context)) {
	if old := debug.SetGCPercent(defaultGCPercent); old != 100 {
		debug.SetGCPercent(old)
	}
	if debug.SetMemoryLimit(-1) != math.MaxInt64 {
		return func(context.Context) {} // GOMEMLIMIT: the operator's
	}
	// for the heap live now, so that a process whose heap is already large (chorus bench after
	// its generation) does not start a collection that marks it all before the limit follows
	debug.SetMemoryLimit(memoryLimitFor(liveHeap()))
	return func(ctx context.Context) {
		t := time.NewTicker(period)
		defer t.Stop()
		followLiveHeap(ctx, log, ready, t.C, liveHeap, debug.SetMemoryLimit)
	}
}

// followLiveHeap sets the limit for the live heap (live) at ready (never when nil), then at
// every tick, until ctx ends; set is debug.SetMemoryLimit.
func followLiveHeap(ctx context.Context, log *slog.Logger, ready <-chan struct{}, tick <-chan time.Time, live func() uint64, set func(int64) int64) {
	adjust := func() {
		want := memoryLimitFor(live())
		// a change under an eighth of the least headroom is left: the live heap moves with
		// each cycle
		if old := set(-1); want > old+memoryHeadroom/8 || want < old-memoryHeadroom/8 {
			set(want)
			log.Info("memory limit follows the live heap", "limit_mib", want>>20, "was_mib", old>>20)
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-ready:
			adjust()
			ready = nil // once
		case <-tick:
			adjust()
		}
	}
}

// liveHeap is the heap the last collection found live, in bytes.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
