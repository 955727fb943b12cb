package store

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// TestShare: reads that miss the same key together make one server read, whose answer each
// gets; a write between two misses makes them two reads; a caller that gives up leaves the read
// to the others; without a known (other writers) nothing is shared.
func TestShare(t *testing.T) {
	k := newKnown()
	var reads atomic.Int32
	release, entered := make(chan struct{}), make(chan struct{}, 100)
	read := func(context.Context) (string, error) {
		reads.Add(1)
		entered <- struct{}{}
		<-release
		return "fr", nil
	}

	first, cancel := context.WithCancel(context.Background())
	ticket := k.begin()
	const callers = 50
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	wg.Add(1)
	go func() { defer wg.Done(); _, err := share(first, k, "lang\x00U1", ticket, read); errs <- err }()
	<-entered // the server read is out; the others join it
	var started atomic.Int32
	for range callers - 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			started.Add(1)
			v, err := share(context.Background(), k, "lang\x00U1", ticket, read)
			if err == nil && v != "fr" {
				err = errors.New("wrong answer " + v)
			}
			errs <- err
		}()
	}
	for started.Load() < callers-1 {
		runtime.Gosched()
	}
	cancel() // the caller whose read it was gives up
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Fatalf("the cancelled caller got %v", err)
	}
	// A write of the key: a miss after it reads again, on its own.
	k.forget("lang\x00U1")
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, err := share(context.Background(), k, "lang\x00U1", k.begin(), read)
		errs <- err
	}()
	<-entered
	close(release)
	wg.Wait()
	for range callers {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	// One read for the 50 that missed together (a straggler that came after it ended reads once
	// more), one for the miss after the write.
	if n := reads.Load(); n < 2 || n > 4 {
		t.Errorf("%d server reads, want 2 (one per ticket)", n)
	}

	var none *known
	reads.Store(0)
	for range 3 {
		if _, err := share(context.Background(), none, "k", 0, func(context.Context) (string, error) { reads.Add(1); return "", nil }); err != nil {
			t.Fatal(err)
		}
	}
	if reads.Load() != 3 {
		t.Errorf("without a known, %d reads for 3 callers, want 3", reads.Load())
	}
}
