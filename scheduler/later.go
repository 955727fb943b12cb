package scheduler

import (
	"container/heap"
	"time"

	"github.com/chorus-hq/chorus"
)

// Planning waits (issue 17). Planning a task (its policy's Plan) is most of what building the
// index costs: 100,000 open tasks took 1.5 s. Most tasks of the window (window.go) have no
// reminder within the hour, so the index plans a task only when its next possible reminder
// (earliest: computed without allocating, far cheaper than Plan) comes within planHorizon;
// until then it waits in a heap ordered by that instant (deferred), which costs one comparison
// per tick to watch.

// planHorizon is how far ahead of now a task's earliest possible reminder must be for the
// task to be planned; Tick plans the others as they come within it.
const planHorizon = time.Hour

// settleSlack bounds how much earlier than its offset a reminder can fall: a weekend reminder
// moved back to the Friday, a quiet window, the morning of the due day.
const settleSlack = 4 * 24 * time.Hour

// wake is a task entry not planned yet, with the earliest instant one of its reminders can fall.
type wake struct {
	at time.Time
	e  *entry
}

// deferred is a min-heap of wakes by instant.
type deferred []wake

func (h deferred) Len() int           { return len(h) }
func (h deferred) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h deferred) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *deferred) Push(x any)        { *h = append(*h, x.(wake)) }
func (h *deferred) Pop() any {
	old := *h
	w := old[len(old)-1]
	old[len(old)-1] = wake{}
	*h = old[:len(old)-1]
	return w
}

// earliest returns the first instant after cursor a reminder of t can fall under its policy,
// reporting false when it has none; the caller holds s.mu. A snoozed task is planned at once
// (cursor). Before the due instant, it is the first of the policy's reminders still to come
// (NextBeforeDue): a catch-up reminder comes later, and the overdue nudges after the due
// instant; when none is left, cursor. A task due by cursor has only its overdue nudges left,
// which all fall at one time of day (NextNudgeAfter).
func (s *Scheduler) earliest(t chorus.Task, cursor time.Time) (time.Time, bool) {
	if t.Due.IsZero() {
		return time.Time{}, false
	}
	if _, snoozed := s.snoozes[t.WorkspaceID+"/"+t.ID]; snoozed {
		return cursor, true
	}
	p, loc := s.policy(t.WorkspaceID, t.Campaign), s.location(t)
	if !t.Due.After(cursor) {
		return p.NextNudgeAfter(cursor, loc)
	}
	if at, ok := p.NextBeforeDue(t.Due, cursor, loc); ok {
		return at, true
	}
	return cursor, true
}

// planOrDefer puts a new task entry (idx -1) into the heap when a reminder of it can fall
// before until, else into deferred; the caller holds s.mu and re-initialises both heaps.
func (s *Scheduler) planOrDefer(e *entry, until time.Time) {
	if e.kind == taskEntry {
		if at, ok := s.earliest(e.task, e.cursor); ok && at.After(until) {
			s.later = append(s.later, wake{at: at, e: e})
			return
		}
	}
	if s.computeNext(e) {
		e.idx = len(s.heap)
		s.heap = append(s.heap, e)
	}
}

// promote plans the deferred entries whose earliest reminder can fall by until; the caller
// holds s.mu.
func (s *Scheduler) promote(until time.Time) {
	for len(s.later) > 0 && !s.later[0].at.After(until) {
		s.wakeUp(heap.Pop(&s.later).(wake).e)
	}
}

// promoteBefore plans deferred entries until the heap's first occurrence is earlier than any
// deferred entry can have, so that it is the earliest of all; the caller holds s.mu.
func (s *Scheduler) promoteBefore() {
	for len(s.later) > 0 && (len(s.heap) == 0 || !s.later[0].at.After(s.heap[0].next.At)) {
		s.wakeUp(heap.Pop(&s.later).(wake).e)
	}
}

// wakeUp plans a deferred entry, unless the task is done or replaced or was planned since (a
// change in this process plans it at once); the caller holds s.mu.
func (s *Scheduler) wakeUp(e *entry) {
	if s.tasks[e.key] != e || e.idx >= 0 {
		return
	}
	s.heap.place(e, s.computeNext(e))
}
