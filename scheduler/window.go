package scheduler

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"github.com/chorus-hq/chorus"
)

// The window (issue 17). The scheduler stores with each open task it plans a mark
// (chorus.RemindMark): no reminder of that version of the task is pending before it. The index
// holds the open tasks marked before its upper edge (pulled), read from the store by mark
// (Reader.OpenTasksToRemind): start-up reads the tasks whose next reminder is within the next
// two hours, and those changed since they were marked (saving a task clears its mark), not
// every task that could have a reminder. Each tick moves the edge with time (follow), an hour of
// marks at a time. The end of a snooze can fall at any time: a snoozed task outside the window
// is read on its own.
//
// A read of the window takes at most Options.WindowBatch tasks, by mark, so the most overdue
// first, then by workspace and id (chorus.RemindKey: a morning's nudges share their instant);
// its upper edge is then the last task read, and the ticks that follow read on from there, a
// batch each, without waiting for the tick period (CatchUp). A start that finds the morning's
// reminders unsent, or ten times the tasks, costs a batch, not what it found.
//
// A mark is a lower bound, so a mark too early costs a read and never a reminder; one too late
// would lose reminders. So:
//   - a task read whose next possible reminder (earliest) lies past the edge the window is read
//     for (reach) is marked there, even when a batch stopped the read before that edge;
//   - a task whose reminder was dispatched is marked again only markLag later, once no restart
//     can reconsider that reminder (Load looks back from the last alive mark), so a crash between
//     claim and send never hides it;
//   - a reminder policy saved (here or by another replica) may bring reminders earlier: the
//     tasks under it are marked again (replan), and the store records that they were
//     (chorus.PolicyReplan), so a crash before the end is taken up by the next Load or Resync;
//   - so is every open task when the default policy or time zone of the configuration differ
//     from those the marks were made under (and at the first start on a data folder from before
//     the marks).
//
// A campaign's time zone is set when it is created; a campaign saved here with another one has
// its tasks marked again at the next tick.

// pullAhead is how many more marks a move of the window reads than it needs at once, so the
// window moves an hour of marks at a time, not at every tick.
const pullAhead = time.Hour

// reach is the edge up to which a read of the window at now is for: the hour ahead and
// pullAhead.
func reach(now time.Time) time.Time { return now.Add(planHorizon + pullAhead) }

// markLag is how long after a reminder is dispatched its task's mark stays before it: a restart
// looks back at most two alive periods and a lease (Load), and must find the task then.
func (s *Scheduler) markLag() time.Duration { return 2*aliveEvery + s.opts.Lease }

// defaultScope names the marks made under the configured default policy and time zone in the
// store's replan records: a workspace id no workspace has, and their fingerprint.
func (s *Scheduler) defaultScope() chorus.PolicyReplan {
	h := fnv.New64a()
	fmt.Fprintf(h, "%+v|%s", s.opts.Policy, s.opts.TimeZone)
	return chorus.PolicyReplan{WorkspaceID: "*", Campaign: fmt.Sprintf("default-%x", h.Sum64()), Version: 1}
}

// windowTasks reads the open tasks marked before hi, at most limit of them (0: every one),
// then each snoozed task outside them (whose snooze ends after since). It
// returns them and the window's upper edge: hi, or where the limit stopped the read.
func (s *Scheduler) windowTasks(ctx context.Context, hi time.Time, limit int, snoozes []chorus.Snooze) ([]chorus.Task, chorus.RemindKey, error) {
	ts, upTo, err := s.st.OpenTasksToRemind(ctx, chorus.RemindKey{}, hi, limit)
	if err != nil {
		return nil, chorus.RemindKey{}, err
	}
	outside := map[string]chorus.Snooze{} // the snoozed tasks the window does not hold
	for _, z := range snoozes {
		outside[z.WorkspaceID+"/"+z.TaskID] = z
	}
	if len(outside) > 0 {
		for _, t := range ts {
			delete(outside, t.WorkspaceID+"/"+t.ID)
		}
	}
	for _, z := range outside {
		t, err := s.st.Task(ctx, z.WorkspaceID, z.TaskID)
		switch {
		case errors.Is(err, chorus.ErrNotFound):
			continue
		case err != nil:
			return nil, chorus.RemindKey{}, err
		}
		if t.Status == chorus.TaskOpen {
			ts = append(ts, t)
		}
	}
	return ts, upTo, nil
}

// campaignsOf reads the campaigns of tasks that known does not hold, once each. A campaign that
// no longer exists is left out: its tasks follow the default time zone.
func (s *Scheduler) campaignsOf(ctx context.Context, tasks []chorus.Task, known func(key string) bool) ([]chorus.Campaign, error) {
	type name struct{ ws, slug string }
	seen := map[name]bool{}
	var out []chorus.Campaign
	for _, t := range tasks {
		n := name{t.WorkspaceID, t.Campaign}
		if t.Campaign == "" || seen[n] {
			continue
		}
		seen[n] = true
		if known(t.WorkspaceID + "/" + t.Campaign) {
			continue
		}
		c, err := s.st.Campaign(ctx, t.WorkspaceID, t.Campaign)
		switch {
		case errors.Is(err, chorus.ErrNotFound):
			continue
		case err != nil:
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// follow keeps the index whole as time passes, before a tick dispatches: it marks again the
// tasks under a policy saved since they were marked (replans), reads the campaigns the index
// lacks (a task changed here in a campaign it had not read), moves the window's upper edge to
// cover the hour ahead, and queues the marks due (Tick stores them once it has dispatched). A
// read that fails is logged and tried again at the next tick.
func (s *Scheduler) follow(ctx context.Context, now time.Time) {
	s.mu.Lock()
	replan := s.replan || len(s.replanCamps) > 0
	s.mu.Unlock()
	if replan {
		if err := s.replans(ctx); err != nil {
			s.log.WarnContext(ctx, "scheduler: mark the tasks of a changed policy again", "err", err)
		}
	}
	s.resolve(ctx)
	s.moveWindow(ctx, now)
	s.markDispatched(now)
}

// moveWindow reads the tasks marked from the window's upper edge to pullAhead past the hour
// ahead, when the edge comes within that hour, a batch at most: the edge moves to where the
// read stopped.
func (s *Scheduler) moveWindow(ctx context.Context, now time.Time) {
	s.mu.Lock()
	from, need := s.pulled, now.Add(planHorizon)
	s.mu.Unlock()
	if from == (chorus.RemindKey{}) || from.At.After(need) {
		return // not loaded, or the window reaches far enough
	}
	want := reach(now)
	ts, to, err := s.st.OpenTasksToRemind(ctx, from, want, s.opts.WindowBatch)
	if err != nil {
		s.log.WarnContext(ctx, "scheduler: move the window", "from", from, "err", err)
		s.failedMove()
		return
	}
	cs, err := s.campaignsOf(ctx, ts, s.knows)
	if err != nil {
		s.log.WarnContext(ctx, "scheduler: read the window's campaigns", "err", err)
		s.failedMove()
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.moveFailed = false
	if s.pulled != from {
		return // a resync installed another window meanwhile; the next tick starts from its edge
	}
	for _, c := range cs {
		s.keepCampaign(c)
	}
	until := now.Add(planHorizon)
	for _, t := range ts {
		s.queueMark(s.adopt(t, until), want) // past the edge the read was for, as markOutside
	}
	s.pulled = to
}

// failedMove notes that a move of the window failed (windowMoves); the next that succeeds
// clears it.
func (s *Scheduler) failedMove() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.moveFailed = true
}

// behind reports whether the window's upper edge (returned) is short of the hour ahead, as
// when a read of it stopped at a batch: the next tick moves it.
func (s *Scheduler) behind() (chorus.RemindKey, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pulled, s.pulled != (chorus.RemindKey{}) && !s.pulled.At.After(s.now().Add(planHorizon))
}

// windowMoves returns when the next tick must move the window: now when that is past (a read
// stopped at a batch), reporting false before Load and after a read that failed (each tick
// tries it again, and a clock driven by NextDue must not spin on it); the caller holds s.mu.
func (s *Scheduler) windowMoves() (time.Time, bool) {
	if s.pulled == (chorus.RemindKey{}) {
		return time.Time{}, false
	}
	at, now := s.pulled.At.Add(-planHorizon), s.now()
	if at.After(now) {
		return at, true
	}
	return now, !s.moveFailed
}

// knows reports whether the index holds the campaign named by key ("ws/slug").
func (s *Scheduler) knows(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.camps[key]
	return ok
}

// keepCampaign holds c unless the index holds a newer version; the caller holds s.mu.
func (s *Scheduler) keepCampaign(c chorus.Campaign) {
	k := c.WorkspaceID + "/" + c.Slug
	if old, ok := s.camps[k]; !ok || old.Version <= c.Version {
		s.camps[k] = c
	}
	delete(s.missing, k)
}

// adopt puts a task the window brought into the index, or a newer version of one it holds, and
// returns its entry: planned when a reminder of it can fall by until, else deferred; the caller
// holds s.mu.
func (s *Scheduler) adopt(t chorus.Task, until time.Time) *entry {
	k := t.WorkspaceID + "/" + t.ID
	if e := s.tasks[k]; e != nil {
		if e.task.Version < t.Version {
			e.task = t
			s.heap.place(e, s.computeNext(e))
		}
		return e
	}
	e := &entry{kind: taskEntry, key: k, cursor: s.from, idx: -1, task: t}
	s.tasks[k] = e
	if at, ok := s.earliest(t, e.cursor); ok && at.After(until) {
		heap.Push(&s.later, wake{at: at, e: e})
		return e
	}
	s.heap.place(e, s.computeNext(e))
	return e
}

// plans their tasks again in their time zone.
func (s *Scheduler) resolve(ctx context.Context) {
	s.mu.Lock()
	var tasks []chorus.Task
	for k := range s.missing {
		ws, slug, _ := strings.Cut(k, "/") // workspace ids hold no slash
		tasks = append(tasks, chorus.Task{WorkspaceID: ws, Campaign: slug})
	}
	s.mu.Unlock()
	if len(tasks) == 0 {
		return
	}
	cs, err := s.campaignsOf(ctx, tasks, s.knows)
	if err != nil {
		s.log.WarnContext(ctx, "scheduler: read campaigns", "err", err)
		return
	}
	s.mu.Lock()
	for _, t := range tasks {
		delete(s.missing, t.WorkspaceID+"/"+t.Campaign)
	}
	s.mu.Unlock()
	for _, c := range cs {
		s.CampaignChanged(c)
	}
}
