package store

import "sync"

// writeLock serialises the embedded mode's writes in the process, with a fast lane for the
// inbox's group commits, which acknowledgements wait for: an urgent writer goes before the
// writers already queued, but never twice in a row while one of them waits, so that under a
// stream of acknowledgements the workers' writes still get every other turn. An acknowledgement
// so waits for at most the write in progress and one other, not for the whole queue; and since
// the waiting happens here rather than in SQLite (whose busy handler sleeps 1, 2, 5 … 100 ms
// between retries), no writer sleeps while the database is free.
type writeLock struct {
	mu         sync.Mutex
	cond       sync.Cond
	held       bool
	urgent     int  // urgent writers waiting
	normal     int  // other writers waiting
	lastUrgent bool // the last holder was urgent
}

func (l *writeLock) init() { l.cond.L = &l.mu }

func (l *writeLock) lock(urgent bool) {
	l.mu.Lock()
	if urgent {
		l.urgent++
		for l.held || (l.lastUrgent && l.normal > 0) {
			l.cond.Wait()
		}
		l.urgent--
	} else {
		l.normal++
		for l.held || (l.urgent > 0 && !l.lastUrgent) {
			l.cond.Wait()
		}
		l.normal--
	}
	l.held, l.lastUrgent = true, urgent
	l.mu.Unlock()
}

func (l *writeLock) unlock() {
	l.mu.Lock()
	l.held = false
	l.mu.Unlock()
	l.cond.Broadcast()
}
