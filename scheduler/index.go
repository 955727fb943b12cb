package scheduler

import (
	"container/heap"
	"time"

	"github.com/chorus-hq/chorus"
)

type entryKind uint8

const (
	taskEntry entryKind = iota
	digestEntry
)

// entry is one open task or one digest schedule in the index, with its next occurrence.
type entry struct {
	kind   entryKind
	key    string // "ws/task" or "ws/channel"
	task   chorus.Task
	digest chorus.DigestSchedule
	// cursor is the time of the last occurrence dispatched: only later ones are pending.
	cursor time.Time
	next   chorus.Reminder // the next occurrence; for a digest Key is "" and At the slot
	idx    int             // position in the heap, -1 when the entry has no pending occurrence
	// sent is when this process last dispatched a reminder of the task, until its mark is
	// stored again (marks.go): zero when none is waiting.
	sent time.Time
}

// version is the version and the time of the last change of the task or digest e holds.
func (e *entry) version() (int, time.Time) {
	if e.kind == digestEntry {
		return e.digest.Version, e.digest.UpdatedAt
	}
	return e.task.Version, e.task.UpdatedAt
}

// timeline is a min-heap of entries by their next occurrence.
type timeline []*entry

func (h timeline) Len() int { return len(h) }
func (h timeline) Less(i, j int) bool {
	if !h[i].next.At.Equal(h[j].next.At) {
		return h[i].next.At.Before(h[j].next.At)
	}
	return h[i].key < h[j].key // a stable order makes runs reproducible
}
func (h timeline) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].idx, h[j].idx = i, j
}
func (h *timeline) Push(x any) {
	e := x.(*entry)
	e.idx = len(*h)
	*h = append(*h, e)
}
func (h *timeline) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	e.idx = -1
	*h = old[:len(old)-1]
	return e
}

// place puts e where its next occurrence belongs, or out of the heap when it has none.
func (h *timeline) place(e *entry, pending bool) {
	switch {
	case pending && e.idx >= 0:
		heap.Fix(h, e.idx)
	case pending:
		heap.Push(h, e)
	case e.idx >= 0:
		heap.Remove(h, e.idx)
	}
}

// retry is a job to look at again later: a claim held by another replica, whose lease ends at.
type retry struct {
	at time.Time
	j  job
}

type retries []retry

func (h retries) Len() int           { return len(h) }
func (h retries) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h retries) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *retries) Push(x any)        { *h = append(*h, x.(retry)) }
func (h *retries) Pop() any {
	old := *h
	r := old[len(old)-1]
	*h = old[:len(old)-1]
	return r
}
