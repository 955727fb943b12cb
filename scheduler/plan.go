package scheduler

// The index: what the scheduler reads from the store (Load, Resync), how it plans each task's
// reminders and each digest's slots, and how this process's writes reach it (Listener).

import (
	"container/heap"
	"context"
	"fmt"
	"time"

	"github.com/chorus-hq/chorus"
)

// snapshot is everything the index is built from.
type snapshot struct {
	at       time.Time
	tasks    []chorus.Task    // the window's (window.go)
	hi       chorus.RemindKey // the window's upper edge: every open task up to it is in tasks
	digests  []chorus.DigestSchedule
	policies []chorus.ReminderPolicy
	snoozes  []chorus.Snooze
	camps    []chorus.Campaign // the tasks'
}

// readSnapshot reads the digest schedules, the policies, the snoozes ending at or after since,
// and the window of open tasks (those marked before the hour ahead and pullAhead, at most limit
// of them: 0 for every one), with their campaigns.
func (s *Scheduler) readSnapshot(ctx context.Context, since time.Time, limit int) (*snapshot, error) {
	snap := &snapshot{at: s.now()}
	var err error
	if snap.digests, err = s.st.DigestSchedules(ctx); err != nil {
		return nil, fmt.Errorf("scheduler: load digest schedules: %w", err)
	}
	if snap.policies, err = s.st.ReminderPolicies(ctx); err != nil {
		return nil, fmt.Errorf("scheduler: load reminder policies: %w", err)
	}
	if snap.snoozes, err = s.st.Snoozes(ctx, since); err != nil {
		return nil, fmt.Errorf("scheduler: load snoozes: %w", err)
	}
	if snap.tasks, snap.hi, err = s.windowTasks(ctx, reach(snap.at), limit, snap.snoozes); err != nil {
		return nil, fmt.Errorf("scheduler: load tasks: %w", err)
	}
	if snap.camps, err = s.campaignsOf(ctx, snap.tasks, func(string) bool { return false }); err != nil {
		return nil, fmt.Errorf("scheduler: load campaigns: %w", err)
	}
	return snap, nil
}

// Load builds the index from the store. Occurrences since the process (or its last
// predecessor) was last alive are reconsidered, so none missed during downtime is dropped: the
// claims tell which were handled.
func (s *Scheduler) Load(ctx context.Context) error {
	now := s.now()
	from := now.Add(-s.opts.Grace)
	if last, ok, err := s.st.LastAlive(ctx); err != nil {
		return fmt.Errorf("scheduler: read last alive mark: %w", err)
	} else if ok {
		// Whatever was due before the last sign of life was dispatched then, except what sat in
		// a send queue or between claim and record when the process died: look a lease back.
		from = last.Add(-aliveEvery - s.opts.Lease)
		if limit := now.Add(-s.opts.MaxCatchUp); from.Before(limit) {
			from = limit
		}
	}
	// a batch of the window: a backlog is read by the ticks that follow (CatchUp)
	snap, err := s.readSnapshot(ctx, from, s.opts.WindowBatch)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.from = from
	s.install(snap, from)
	s.mu.Unlock()
	// The marks queued (the tasks read whose reminders lie past the window) are stored by the
	// first tick, after it dispatched, unless a replan stores them with its own: they spare
	// later starts a read, and would cost this one writes (0.8 s at 10× the year after a
	// morning's reminders) that nothing waits for.
	if err := s.replans(ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log.InfoContext(ctx, "scheduler loaded", "tasks", len(s.tasks), "digests", len(s.digests),
		"pending", len(s.heap), "from", from, "replica", s.opts.Replica)
	return nil
}

// Resync rebuilds the index from the store, keeping what was dispatched already, so changes
// made by other replicas are seen: their tasks were saved since they were marked, and their
// policies since their tasks were (replans).
func (s *Scheduler) Resync(ctx context.Context) error {
	s.mu.Lock()
	since := s.from
	s.mu.Unlock()
	// the whole window: install drops what the snapshot does not hold
	snap, err := s.readSnapshot(ctx, since, 0)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.install(snap, snap.at.Add(-s.opts.Lease))
	s.mu.Unlock()
	if err := s.replans(ctx); err != nil {
		return err
	}
	return s.flushMarks(ctx)
}

// install replaces the index with snap; the caller holds s.mu. Entries keep their cursor;
// new digests start at newFrom. A task changed through TaskChanged after the snapshot was read
// keeps its newer version.
func (s *Scheduler) install(snap *snapshot, newFrom time.Time) {
	camps := s.camps
	s.camps = make(map[string]chorus.Campaign, len(snap.camps))
	for _, c := range snap.camps {
		k := c.WorkspaceID + "/" + c.Slug
		if old, ok := camps[k]; ok && old.Version > c.Version {
			c = old // saved here since the snapshot was read
		}
		s.camps[k] = c
	}
	s.pulled = snap.hi
	s.policies = make(map[policyKey]chorus.ReminderPolicy, len(snap.policies))
	for _, p := range snap.policies {
		s.policies[policyKey{p.WorkspaceID, p.Campaign}] = p
	}
	s.snoozes = make(map[string]chorus.Snooze, len(snap.snoozes))
	for _, z := range snap.snoozes {
		s.putSnooze(z)
	}
	tasks := make(map[string]*entry, len(snap.tasks))
	// the new entries are allocated together: one allocation instead of 100,000 at start-up,
	// when every task is new to the index
	slab := make([]entry, 0, len(snap.tasks)-min(len(s.tasks), len(snap.tasks)))
	for _, t := range snap.tasks {
		k := t.WorkspaceID + "/" + t.ID
		tasks[k] = refresh(s.tasks[k], t.Version,
			func() *entry {
				if len(slab) == cap(slab) {
					return &entry{kind: taskEntry, key: k, cursor: s.from, idx: -1, task: t}
				}
				slab = append(slab, entry{kind: taskEntry, key: k, cursor: s.from, idx: -1, task: t})
				return &slab[len(slab)-1]
			},
			func(e *entry) { e.task = t })
	}
	keepNewer(tasks, s.tasks, snap.at)
	digests := make(map[string]*entry, len(snap.digests))
	for _, d := range snap.digests {
		k := d.WorkspaceID + "/" + d.Channel
		digests[k] = refresh(s.digests[k], d.Version,
			func() *entry { return &entry{kind: digestEntry, key: k, cursor: newFrom, idx: -1, digest: d} },
			func(e *entry) { e.digest = d })
	}
	keepNewer(digests, s.digests, snap.at)
	s.tasks, s.digests = tasks, digests
	s.heap, s.later = make(timeline, 0, len(digests)), make(deferred, 0, len(tasks))
	until := s.now().Add(planHorizon)
	for _, m := range []map[string]*entry{tasks, digests} {
		for _, e := range m {
			e.idx = -1
			s.planOrDefer(e, until)
		}
	}
	heap.Init(&s.heap)
	heap.Init(&s.later)
	s.markOutside(reach(snap.at))
}

// markOutside marks the task entries with no reminder before hi and leaves them out of the
// index: the window reads them again when it reaches their mark. hi is the edge the window was
// read for (reach), even when a batch stopped the read before it: a task marked between the two
// would be passed by the ticks catching up before its mark is stored (they store it at their
// end). A task never marked (a data folder from before the marks, a task saved since) is read
// once, then left to its mark; one whose reminder this process dispatched stays until it is
// marked (markDispatched). The caller holds s.mu.
func (s *Scheduler) markOutside(hi time.Time) {
	for k, e := range s.tasks {
		if !e.sent.IsZero() {
			continue
		}
		if s.queueMark(e, hi) {
			delete(s.tasks, k) // a deferred wake of it finds it gone (wakeUp)
			if e.idx >= 0 {
				heap.Remove(&s.heap, e.idx)
			}
		}
	}
}

// refresh is the index entry of an item read at version v: a new one (add), or the indexed e,
// which keeps its cursor and takes the item (take) unless it holds a newer version.
func refresh(e *entry, v int, add func() *entry, take func(*entry)) *entry {
	if e == nil {
		return add()
	}
	if cur, _ := e.version(); cur <= v {
		take(e)
	}
	return e
}

// keepNewer adds to fresh the entries of old that a snapshot read at at did not hold because
// they were created or changed here while it was read: this process knows better.
func keepNewer(fresh, old map[string]*entry, at time.Time) {
	for k, e := range old {
		if _, ok := fresh[k]; !ok {
			if _, changed := e.version(); changed.After(at) {
				fresh[k] = e
			}
		}
	}
}

func (s *Scheduler) putSnooze(z chorus.Snooze) {
	k := z.WorkspaceID + "/" + z.TaskID
	if prev, ok := s.snoozes[k]; !ok || !z.At.Before(prev.At) {
		s.snoozes[k] = z
	}
}

// policyKey names a reminder policy: a campaign's, or with campaign "" its workspace's.
type policyKey struct{ ws, campaign string }

// policy returns the reminder policy of a campaign: its own, else its workspace's, else the
// configured default (a policy marked Inherit defines nothing); the caller holds s.mu.
func (s *Scheduler) policy(ws, campaign string) chorus.ReminderPolicy {
	if p, ok := s.policies[policyKey{ws, campaign}]; ok && !p.Inherit {
		return p
	}
	if p, ok := s.policies[policyKey{ws, ""}]; ok && !p.Inherit {
		return p
	}
	return s.opts.Policy
}

// location returns the time zone of a task: its campaign's; the caller holds s.mu. A campaign
// the index has not read (a task changed here in a campaign outside the window) is noted, for
// the next tick to read it and plan its tasks again (resolve) before it dispatches anything.
func (s *Scheduler) location(t chorus.Task) *time.Location {
	if c, ok := s.camps[t.WorkspaceID+"/"+t.Campaign]; ok {
		return s.zone(c.TimeZone)
	}
	if t.Campaign != "" {
		s.missing[t.WorkspaceID+"/"+t.Campaign] = true
	}
	return s.zone(s.opts.TimeZone)
}

// zone returns the named time zone (Europe/Paris when unknown); the caller holds s.mu.
func (s *Scheduler) zone(name string) *time.Location {
	if loc, ok := s.zones[name]; ok {
		return loc
	}
	loc := chorus.LoadLocation(name)
	s.zones[name] = loc
	return loc
}

// plan returns the reminders of t still pending for its current version; the caller holds s.mu.
func (s *Scheduler) plan(t chorus.Task) []chorus.Reminder {
	var until time.Time
	if z, ok := s.snoozes[t.WorkspaceID+"/"+t.ID]; ok && z.Due.Equal(t.Due) {
		until = z.Until
	}
	all := s.policy(t.WorkspaceID, t.Campaign).Plan(t, s.location(t), until)
	// A reminder planned before this version of the task existed was never due for it: the
	// task was created, moved or reassigned after that instant. Plan leaves those out already
	// (and adds a catch-up when that leaves none before the due instant); the end of a snooze
	// made before this version is left out here.
	out := all[:0]
	for _, r := range all {
		if r.At.After(t.UpdatedAt) {
			out = append(out, r)
		}
	}
	return out
}

// computeNext sets e.next to its first occurrence after e.cursor and reports whether it has one;
// the caller holds s.mu.
func (s *Scheduler) computeNext(e *entry) bool {
	switch e.kind {
	case taskEntry:
		for _, r := range s.plan(e.task) {
			if r.At.After(e.cursor) {
				e.next = r
				return true
			}
		}
		return false
	default:
		d := e.digest
		if d.Off {
			return false
		}
		loc := s.zone(d.TimeZone)
		at := e.cursor
		if at.Before(d.UpdatedAt) {
			at = d.UpdatedAt // a slot before the schedule was saved was never due
		}
		for range 8 {
			at = d.Next(at)
			if at.IsZero() {
				return false
			}
			local := at.In(loc)
			if s.opts.SkipWeekends && d.EveryDayOfWeek() && (local.Weekday() == time.Saturday || local.Weekday() == time.Sunday) {
				continue
			}
			e.next = chorus.Reminder{At: at}
			return true
		}
		return false
	}
}

// TaskChanged tells the scheduler that t was created or changed in this process, so its pending
// reminders follow at once: a done task has none, a moved due date has new ones.
func (s *Scheduler) TaskChanged(t chorus.Task) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := t.WorkspaceID + "/" + t.ID
	e := s.tasks[k]
	if e != nil && e.task.Version > t.Version {
		return
	}
	if t.Status != chorus.TaskOpen {
		if e != nil {
			s.heap.place(e, false)
			delete(s.tasks, k)
		}
		return
	}
	if e == nil {
		e = &entry{kind: taskEntry, key: k, cursor: s.from, idx: -1}
		s.tasks[k] = e
	}
	e.task = t
	s.heap.place(e, s.computeNext(e))
	s.queueMark(e, time.Time{}) // saving the task cleared its mark
}

// Snoozed tells the scheduler about a snooze made in this process.
func (s *Scheduler) Snoozed(z chorus.Snooze) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.putSnooze(z)
	if e := s.tasks[z.WorkspaceID+"/"+z.TaskID]; e != nil {
		s.heap.place(e, s.computeNext(e))
	}
}

// DigestChanged tells the scheduler about a digest schedule saved in this process.
func (s *Scheduler) DigestChanged(d chorus.DigestSchedule) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := d.WorkspaceID + "/" + d.Channel
	e := s.digests[k]
	if e != nil && e.digest.Version > d.Version {
		return
	}
	now := s.now()
	if e == nil {
		e = &entry{kind: digestEntry, key: k, idx: -1}
		s.digests[k] = e
	}
	e.digest = d
	if e.cursor.Before(now) {
		e.cursor = now // a new schedule starts now; it does not catch up
	}
	s.heap.place(e, s.computeNext(e))
}

// PolicyChanged tells the scheduler about a reminder policy saved in this process.
func (s *Scheduler) PolicyChanged(p chorus.ReminderPolicy) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.policies[policyKey{p.WorkspaceID, p.Campaign}] = p
	s.replan = true // tasks outside the window may have earlier reminders now: mark them again
	s.replanWhere(func(t chorus.Task) bool {
		return t.WorkspaceID == p.WorkspaceID && (p.Campaign == "" || t.Campaign == p.Campaign)
	})
}

// CampaignChanged tells the scheduler about a campaign saved in this process: its time zone and
// channels decide when its tasks are reminded and which digests show them.
func (s *Scheduler) CampaignChanged(c chorus.Campaign) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := c.WorkspaceID + "/" + c.Slug
	prev, ok := s.camps[k]
	s.camps[k] = c
	if ok && prev.TimeZone == c.TimeZone {
		return
	}
	if ok {
		s.replanCamps[k] = true // its tasks outside the window are marked in the old time zone
	}
	s.replanWhere(func(t chorus.Task) bool { return t.WorkspaceID == c.WorkspaceID && t.Campaign == c.Slug })
}

func (s *Scheduler) replanWhere(match func(chorus.Task) bool) {
	for _, e := range s.tasks {
		if match(e.task) {
			s.heap.place(e, s.computeNext(e))
		}
	}
}

// NextDue returns the time of the earliest pending occurrence or retry, or of the next move of
// the window (window.go), which may bring an earlier one: a tick then is the earliest that can
// send anything. It reports false when there is none.
func (s *Scheduler) NextDue() (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.promoteBefore()
	var at time.Time
	ok := false
	if len(s.heap) > 0 {
		at, ok = s.heap[0].next.At, true
	}
	if len(s.retries) > 0 && (!ok || s.retries[0].at.Before(at)) {
		at, ok = s.retries[0].at, true
	}
	if edge, has := s.windowMoves(); has && (!ok || edge.Before(at)) {
		at, ok = edge, true
	}
	return at, ok
}

// Pending returns how many tasks of the index (the window's, window.go) and digests have an
// occurrence pending. It plans every deferred task to know, so it is for tests and measures, not
// for a hot path.
func (s *Scheduler) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.later) > 0 {
		s.wakeUp(heap.Pop(&s.later).(wake).e)
	}
	return len(s.heap)
}
