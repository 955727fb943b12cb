package scheduler

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/chorus-hq/chorus"
)

// Marks: how the scheduler keeps the store's reminder marks true (see window.go for why each
// rule keeps a mark a lower bound).

// dispatched is a task reminder dispatched at at, whose task is marked again markLag later.
type dispatched struct {
	key string
	at  time.Time
}

// markOf is the instant before which e has no pending reminder: its next one when planned; the
// earliest it can have when that is at or after edge (a lower bound that costs no plan, and
// enough to leave the task out of a window ending at edge); else its next one, planned now (the
// bound can be a weekend morning with no nudge); never when it has none; the caller holds s.mu.
func (s *Scheduler) markOf(e *entry, edge time.Time) time.Time {
	if e.idx >= 0 {
		return e.next.At
	}
	if at, ok := s.earliest(e.task, e.cursor); ok && !at.Before(edge) {
		return at
	}
	if s.computeNext(e) {
		return e.next.At
	}
	return chorus.NeverRemind
}

// queueMark notes the mark of task entry e to store at the next flush, when it lies at or after
// edge (a zero edge: always), and reports whether it did: a task read with a mark before the
// window's edge and a reminder within it is read again anyway, and its mark changes only when
// that reminder is dispatched. An entry whose reminder was dispatched less than markLag ago
// keeps its mark until then (markDispatched); the caller holds s.mu.
func (s *Scheduler) queueMark(e *entry, edge time.Time) bool {
	if e == nil || e.kind != taskEntry || !e.sent.IsZero() {
		return false
	}
	at := s.markOf(e, edge)
	if at.Before(edge) {
		return false
	}
	s.marks[e.key] = markFor(e.task, at)
	return true
}

// markFor is the mark saying that version of t has no reminder pending before at.
func markFor(t chorus.Task, at time.Time) chorus.RemindMark {
	return chorus.RemindMark{WorkspaceID: t.WorkspaceID, TaskID: t.ID, Version: t.Version, At: at}
}

// markDispatched queues the marks of the tasks whose last reminder was dispatched at least
// markLag before now; the caller does not hold s.mu.
func (s *Scheduler) markDispatched(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	limit := now.Add(-s.markLag())
	for len(s.dispatched) > 0 && !s.dispatched[0].at.After(limit) {
		d := s.dispatched[0]
		s.dispatched = s.dispatched[1:]
		if e := s.tasks[d.key]; e != nil && e.sent.Equal(d.at) {
			e.sent = time.Time{}
			s.queueMark(e, time.Time{})
		}
	}
}

// flushMarks stores the marks queued. Marks that fail to be stored are dropped: the tasks keep
// earlier marks, so they are read again and marked then.
func (s *Scheduler) flushMarks(ctx context.Context) error {
	s.mu.Lock()
	marks := s.marks
	if len(marks) > 0 {
		s.marks = map[string]chorus.RemindMark{}
	}
	s.mu.Unlock()
	if len(marks) == 0 {
		return nil
	}
	if err := s.st.MarkReminds(ctx, slices.Collect(maps.Values(marks))); err != nil {
		return fmt.Errorf("scheduler: store %d reminder marks: %w", len(marks), err)
	}
	return nil
}

// replans marks again the open tasks under each reminder policy this process has not seen
// marked, and under each campaign whose time zone changed here; every open task when the
// configured default policy or time zone are not those of the marks. The tasks whose mark falls
// before the window's edge join the index.
//
// The first call (Load) trusts the store's record of the policies whose tasks were marked again
// (chorus.PolicyReplan), except for a policy saved in the last hour (recentPolicy): this
// process's read model of the marks was loaded from the server just before, and another
// replica's marks since then reach it only through its own. Later calls mark again the tasks of
// every policy version this process has not seen, whoever saved it or marked its tasks: that
// replica's marks, lower than the ones this read model holds, do not reach it. A replan is
// recorded once its marks are stored, so an interrupted one is done again by the next start.
func (s *Scheduler) replans(ctx context.Context) error {
	s.mu.Lock()
	first := s.replanned == nil
	s.mu.Unlock()
	have := map[policyKey]int{}
	def := s.defaultScope()
	all := false
	if first {
		done, err := s.st.PolicyReplans(ctx)
		if err != nil {
			return fmt.Errorf("scheduler: read policy replans: %w", err)
		}
		for _, r := range done {
			have[policyKey{r.WorkspaceID, r.Campaign}] = r.Version
		}
		all = have[policyKey{def.WorkspaceID, def.Campaign}] < def.Version
	}
	var due []chorus.PolicyReplan
	scopes := map[policyKey]bool{}
	s.mu.Lock()
	camps := maps.Clone(s.replanCamps)
	for k := range camps {
		ws, slug, _ := strings.Cut(k, "/") // workspace ids hold no slash
		scopes[policyKey{ws, slug}] = true
	}
	if all {
		due = append(due, def)
	}
	seen := map[policyKey]int{}
	recent := s.now().Add(-recentPolicy)
	for k, p := range s.policies {
		seen[k] = p.Version
		known := s.replanned[k]
		if first {
			known = have[k]
			if p.UpdatedAt.After(recent) {
				known = 0
			}
		}
		if p.Version > known {
			due = append(due, chorus.PolicyReplan{WorkspaceID: k.ws, Campaign: k.campaign, Version: p.Version})
			scopes[k] = true
		}
	}
	s.mu.Unlock()
	if err := s.markScopes(ctx, all, scopes); err != nil {
		return err
	}
	for _, r := range due {
		if err := s.st.MarkPolicyReplanned(ctx, r); err != nil {
			return fmt.Errorf("scheduler: record the replan of %s/%s: %w", r.WorkspaceID, r.Campaign, err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.replanned == nil {
		s.replanned = map[policyKey]int{}
	}
	for k, v := range seen {
		s.replanned[k] = max(s.replanned[k], v)
	}
	for k := range camps {
		delete(s.replanCamps, k)
	}
	s.replan = false
	return nil
}

// recentPolicy is how recently a policy must have been saved for a start to mark its tasks
// again whatever the store records (replans).
const recentPolicy = time.Hour

// markScopes reads the open tasks of every workspace (all) or of each scope, and marks them
// again; those whose mark falls before the edge a read of the window now is for (reach) join
// the index. That edge is at or past the window's: while ticks catch up with a backlog
// (window.go) the window's edge is behind and moving, and they could pass a mark set before it
// was stored.
func (s *Scheduler) markScopes(ctx context.Context, all bool, scopes map[policyKey]bool) error {
	if !all && len(scopes) == 0 {
		return nil
	}
	tasks, err := s.scopeTasks(ctx, all, scopes)
	if err != nil {
		return err
	}
	cs, err := s.campaignsOf(ctx, tasks, s.knows)
	if err != nil {
		return fmt.Errorf("scheduler: read the campaigns of the tasks to mark: %w", err)
	}
	s.mu.Lock()
	for _, c := range cs {
		s.keepCampaign(c)
	}
	now := s.now()
	until, edge := now.Add(planHorizon), reach(now)
	for _, t := range tasks {
		k := t.WorkspaceID + "/" + t.ID
		if s.tasks[k] == nil { // outside the index: it joins only when its mark is within the window
			e := &entry{kind: taskEntry, key: k, cursor: s.from, idx: -1, task: t}
			if at := s.markOf(e, edge); !at.Before(edge) {
				s.marks[k] = markFor(t, at)
				continue
			}
		}
		s.queueMark(s.adopt(t, until), time.Time{})
	}
	s.mu.Unlock()
	if err := s.flushMarks(ctx); err != nil {
		return err
	}
	if len(tasks) > 0 {
		s.log.InfoContext(ctx, "scheduler: marked tasks again", "tasks", len(tasks), "scopes", len(scopes), "all", all)
	}
	return nil
}

// scopeTasks reads the open tasks of every workspace (all), or of each scope: a workspace
// (campaign "") or a campaign.
func (s *Scheduler) scopeTasks(ctx context.Context, all bool, scopes map[policyKey]bool) ([]chorus.Task, error) {
	if all {
		ts, _, err := s.st.OpenTasksToRemind(ctx, chorus.RemindKey{}, chorus.NeverRemind.Add(time.Hour), 0)
		if err != nil {
			return nil, fmt.Errorf("scheduler: read every open task: %w", err)
		}
		return ts, nil
	}
	seen := map[string]bool{}
	var out []chorus.Task
	for k := range scopes {
		ts, err := s.st.Tasks(ctx, k.ws, chorus.TaskFilter{Campaign: k.campaign, Statuses: []chorus.TaskStatus{chorus.TaskOpen}})
		if err != nil {
			return nil, fmt.Errorf("scheduler: read the open tasks of %s/%s: %w", k.ws, k.campaign, err)
		}
		for _, t := range ts {
			if k := t.WorkspaceID + "/" + t.ID; !seen[k] {
				seen[k] = true
				out = append(out, t)
			}
		}
	}
	return out, nil
}
