package scheduler

import (
	"container/heap"
	"context"
	"errors"
	"iter"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/chorus-hq/chorus"
)

// The window (issue 17). The index does not hold every open task: a task can have a reminder
// only from its longest offset (and the slack of a reminder moved off a weekend or a quiet
// window) before its due instant to its last overdue nudge after it, so the index holds the open
// tasks due between that long before the oldest instant still reconsidered (the catch-up start
// at Load, the grace window at Resync) and that long after the hour ahead, read from the
// store by due date (Reader.OpenTasksDue), and their campaigns. Start-up then reads the tasks of
// about a fortnight, not the open tasks of the year; each tick moves the window's upper edge
// with time (follow), an hour of due dates at a time. The end of a snooze can fall at any
// time: a snoozed task outside the window is read on its own.
//
// The window's edges come from the policies the index knows (reach): a policy saved here with a
// longer overdue run widens the lower edge, which the next tick reads again (Resync); a longer
// offset moves the upper edge, which the next tick reads on.

// pullAhead is how many more due dates a move of the window reads than it needs at once, so the
// window moves an hour of due dates at a time, not at every tick.
const pullAhead = time.Hour

// reach returns how long before its due instant a reminder of a task can fall under def or any
// of policies (its longest offset and settleSlack, which bounds the morning reminder and the
// catch-up too; see earliest), and how long after it (its last overdue nudge: the morning of
// the last day or the end of that day's quiet window, with a day's margin for a time zone or a
// daylight-saving change).
func reach(def chorus.ReminderPolicy, policies iter.Seq[chorus.ReminderPolicy]) (before, after time.Duration) {
	look := func(p chorus.ReminderPolicy) {
		if p.Inherit {
			return
		}
		for _, o := range p.Offsets {
			before = max(before, o)
		}
		if p.Overdue {
			days := p.OverdueDays
			if days == 0 {
				days = chorus.DefaultOverdueDays
			}
			after = max(after, time.Duration(days+2)*24*time.Hour)
		}
	}
	look(def)
	for p := range policies {
		look(p)
	}
	return before + settleSlack, after
}

// reachNow is reach under the policies the index holds; the caller holds s.mu.
func (s *Scheduler) reachNow() (before, after time.Duration) {
	return reach(s.opts.Policy, maps.Values(s.policies))
}

// windowTasks reads the open tasks that can have a reminder from floor to pullAhead past the hour
// ahead of at, under policies: the window's tasks, then each snoozed task outside it (whose
// snooze ends after since), and returns the window's upper edge.
func (s *Scheduler) windowTasks(ctx context.Context, at, floor time.Time, policies []chorus.ReminderPolicy, snoozes []chorus.Snooze) ([]chorus.Task, time.Time, error) {
	before, after := reach(s.opts.Policy, slices.Values(policies))
	hi := at.Add(planHorizon + before + pullAhead)
	ts, err := s.st.OpenTasksDue(ctx, floor.Add(-after), hi)
	if err != nil {
		return nil, time.Time{}, err
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
			return nil, time.Time{}, err
		}
		if t.Status == chorus.TaskOpen {
			ts = append(ts, t)
		}
	}
	return ts, hi, nil
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

// follow keeps the index whole as time passes, before a tick dispatches: it reads again the
// window a policy saved here widened, reads the campaigns the index lacks (a task changed here
// in a campaign it had not read), and moves the window's upper edge to cover the hour ahead.
// A read that fails is logged and tried again at the next tick.
func (s *Scheduler) follow(ctx context.Context, now time.Time) {
	s.mu.Lock()
	stale := s.stale
	s.mu.Unlock()
	if stale {
		if err := s.Resync(ctx); err != nil {
			s.log.WarnContext(ctx, "scheduler: read the widened window", "err", err)
		}
	}
	s.resolve(ctx)
	s.mu.Lock()
	before, _ := s.reachNow()
	from, need := s.pulled, now.Add(planHorizon+before)
	s.mu.Unlock()
	if from.IsZero() || from.After(need) {
		return // not loaded, or the window reaches far enough
	}
	to := need.Add(pullAhead)
	ts, err := s.st.OpenTasksDue(ctx, from, to)
	if err != nil {
		s.log.WarnContext(ctx, "scheduler: move the window", "from", from, "to", to, "err", err)
		return
	}
	cs, err := s.campaignsOf(ctx, ts, s.knows)
	if err != nil {
		s.log.WarnContext(ctx, "scheduler: read the window's campaigns", "err", err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.pulled.Equal(from) {
		return // a resync installed another window meanwhile; the next tick starts from its edge
	}
	for _, c := range cs {
		s.keepCampaign(c)
	}
	until := now.Add(planHorizon)
	for _, t := range ts {
		s.adopt(t, until)
	}
	s.pulled = to
}

// windowMoves returns when the next tick must move the window, reporting false before Load and
// when that is past (a tick moves it; a read that failed is tried again at each tick, and a
// clock driven by NextDue must not wait for it); the caller holds s.mu.
func (s *Scheduler) windowMoves() (time.Time, bool) {
	if s.pulled.IsZero() {
		return time.Time{}, false
	}
	before, _ := s.reachNow()
	at := s.pulled.Add(-planHorizon - before)
	return at, at.After(s.now())
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

// adopt puts a task the window brought into the index, or a newer version of one it holds:
// planned when a reminder of it can fall by until, else deferred; the caller holds s.mu.
func (s *Scheduler) adopt(t chorus.Task, until time.Time) {
	k := t.WorkspaceID + "/" + t.ID
	if e := s.tasks[k]; e != nil {
		if e.task.Version < t.Version {
			e.task = t
			s.heap.place(e, s.computeNext(e))
		}
		return
	}
	e := &entry{kind: taskEntry, key: k, cursor: s.from, idx: -1, task: t}
	s.tasks[k] = e
	if at, ok := s.earliest(t, e.cursor); ok && at.After(until) {
		heap.Push(&s.later, wake{at: at, e: e})
		return
	}
	s.heap.place(e, s.computeNext(e))
}

// resolve reads the campaigns the index found missing when it planned a task (location), and
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
