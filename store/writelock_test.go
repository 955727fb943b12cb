package store

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
)

// TestWriteLockFastLane: an urgent writer (the inbox's group commit) goes before the writers
// already waiting, but not twice in a row while another writer waits.
func TestWriteLockFastLane(t *testing.T) {
	var l writeLock
	l.init()
	var mu sync.Mutex
	var order []string
	waiting := func(urgent, normal int) {
		for {
			l.mu.Lock()
			ok := l.urgent == urgent && l.normal == normal
			l.mu.Unlock()
			if ok {
				return
			}
			runtime.Gosched()
		}
	}
	var wg sync.WaitGroup
	take := func(name string, urgent bool, hold chan struct{}) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.lock(urgent)
			mu.Lock()
			order = append(order, name)
			mu.Unlock()
			if hold != nil {
				<-hold
			}
			l.unlock()
		}()
	}
	l.lock(false) // a worker's write in progress
	take("worker-2", false, nil)
	waiting(0, 1)
	holdU1 := make(chan struct{})
	take("inbox-1", true, holdU1)
	waiting(1, 1)
	l.unlock()
	waiting(0, 1) // inbox-1 holds it, worker-2 still waits
	take("inbox-2", true, nil)
	waiting(1, 1)
	close(holdU1)
	wg.Wait()
	if got, want := fmt.Sprint(order), "[inbox-1 worker-2 inbox-2]"; got != want {
		t.Errorf("order %s, want %s", got, want)
	}
}
