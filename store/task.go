package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/chorus-hq/chorus"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// taskIDAttempts bounds the retries on a generated short id (a task's, a touchpoint's) that is
// taken already. With 32⁶ ids, needing more than a few means something else is wrong.
const taskIDAttempts = 8

// taskDoc is a stored task version (in task_versions) or head (in tasks).
type taskDoc struct {
	ID          string    `bson:"_id"`
	Workspace   string    `bson:"workspace"`
	TaskID      string    `bson:"id"`
	Campaign    string    `bson:"campaign"`
	ChannelKind string    `bson:"channel_kind"`
	Title       string    `bson:"title"`
	Owner       string    `bson:"owner"`
	Due         time.Time `bson:"due,omitempty"`
	Status      string    `bson:"status"`
	Relative    bool      `bson:"relative,omitempty"`
	Offset      int       `bson:"offset,omitempty"`
	Version     int       `bson:"version"`
	CreatedBy   string    `bson:"created_by"`
	CreatedAt   time.Time `bson:"created_at,omitempty"`
	UpdatedBy   string    `bson:"updated_by"`
	UpdatedAt   time.Time `bson:"updated_at,omitempty"`
	// Remind is the scheduler's mark on a head (MarkReminds): no reminder of this version is
	// pending before it. It is not part of the version: every new head is written with it zero
	// ("never marked"), which is stored rather than omitted so that a range from the zero time
	// finds the heads never marked (OpenTasksToRemind). In task_versions it is always zero.
	Remind time.Time `bson:"remind"`
}

func toTaskDoc(t chorus.Task) taskDoc {
	return taskDoc{
		Workspace: t.WorkspaceID, TaskID: t.ID, Campaign: t.Campaign, ChannelKind: t.ChannelKind,
		Title: t.Title, Owner: t.Owner, Due: storedTime(t.Due), Status: string(t.Status),
		Relative: t.Relative, Offset: t.Offset, Version: t.Version, CreatedBy: t.CreatedBy, CreatedAt: storedTime(t.CreatedAt),
		UpdatedBy: t.UpdatedBy, UpdatedAt: storedTime(t.UpdatedAt),
	}
}

func (d *taskDoc) task() chorus.Task {
	return chorus.Task{
		WorkspaceID: d.Workspace, ID: d.TaskID, Campaign: d.Campaign, ChannelKind: d.ChannelKind,
		Title: d.Title, Owner: d.Owner, Due: storedTime(d.Due), Status: chorus.TaskStatus(d.Status),
		Relative: d.Relative, Offset: d.Offset, Version: d.Version, CreatedBy: d.CreatedBy, CreatedAt: storedTime(d.CreatedAt),
		UpdatedBy: d.UpdatedBy, UpdatedAt: storedTime(d.UpdatedAt),
	}
}

func tasks(ds []taskDoc) []chorus.Task {
	ts := make([]chorus.Task, len(ds))
	for i := range ds {
		ts[i] = ds[i].task()
	}
	return ts
}

// CreateTask stores t as version 1 of a new task. When t.ID is empty it assigns a random
// six-character id, unique in the workspace; a given id that is taken returns ErrConflict.
func (s *Store) CreateTask(ctx context.Context, t chorus.Task) (chorus.Task, error) {
	now := s.clock()
	t.Version, t.CreatedAt, t.UpdatedAt = 1, now, now
	if t.UpdatedBy == "" {
		t.UpdatedBy = t.CreatedBy
	}
	var d taskDoc
	err := s.withShortID("task", t.WorkspaceID, t.ID, func(id string) error {
		t.ID = id
		if err := checkIdentity("task", t.WorkspaceID, t.ID); err != nil {
			return err
		}
		d = toTaskDoc(t)
		return s.tasks.create(ctx, &d)
	})
	if err != nil {
		return chorus.Task{}, err
	}
	return d.task(), nil
}

// withShortID runs create with id, or, when id is empty, with generated short ids until one is
// free in the workspace (create returning ErrConflict means taken). A given id that is taken
// returns ErrConflict.
func (s *Store) withShortID(what, workspace, id string, create func(id string) error) error {
	if id != "" {
		return create(id)
	}
	for range taskIDAttempts {
		err := create(s.newTaskID())
		if !errors.Is(err, chorus.ErrConflict) {
			return err
		}
	}
	return fmt.Errorf("store: no free %s id in workspace %q after %d attempts", what, workspace, taskIDAttempts)
}

// Task returns the latest version of the task, or ErrNotFound.
func (s *Store) Task(ctx context.Context, workspace, id string) (chorus.Task, error) {
	d, err := s.tasks.get(ctx, workspace, id)
	if err != nil {
		return chorus.Task{}, err
	}
	return d.task(), nil
}

// Tasks returns the latest version of the workspace's tasks that f selects, sorted by due time
// then id.
func (s *Store) Tasks(ctx context.Context, workspace string, f chorus.TaskFilter) ([]chorus.Task, error) {
	ts, _, err := s.TasksPage(ctx, workspace, f, 0)
	return ts, err
}

// TasksPage returns the first limit (every one when 0) of the tasks Tasks returns, and how many
// there are in all. The read model keeps each person's tasks of each status by due time
// (taskOrders): the page of a person's open tasks (the App Home's) costs the page.
func (s *Store) TasksPage(ctx context.Context, workspace string, f chorus.TaskFilter, limit int) ([]chorus.Task, int, error) {
	q := bson.D{{Key: "workspace", Value: workspace}}
	if f.Campaign != "" {
		q = append(q, bson.E{Key: "campaign", Value: f.Campaign})
	}
	if f.ChannelKind != "" {
		q = append(q, bson.E{Key: "channel_kind", Value: f.ChannelKind})
	}
	if f.Owner != "" {
		q = append(q, bson.E{Key: "owner", Value: f.Owner})
	}
	if len(f.Statuses) > 0 {
		in := make(bson.A, len(f.Statuses))
		for i, st := range f.Statuses {
			in[i] = string(st)
		}
		q = append(q, bson.E{Key: "status", Value: bson.D{{Key: "$in", Value: in}}})
	}
	if !f.DueBefore.IsZero() {
		q = append(q, bson.E{Key: "due", Value: bson.D{{Key: "$lt", Value: f.DueBefore.UTC()}}})
	}
	hq := headQuery[taskDoc]{filter: q, sort: bson.D{{Key: "due", Value: 1}, {Key: "id", Value: 1}},
		ws: workspace, less: byDue, match: func(d *taskDoc) bool { return taskMatches(d, f) }}
	// the narrowest index the filter names: a person's tasks of one status, in order (the App
	// Home), then a campaign's tasks, a person's, the ones in a status
	sts := statusValues(f.Statuses)
	switch {
	case f.Owner != "" && len(sts) == 1 && f.Campaign == "" && f.ChannelKind == "" && f.DueBefore.IsZero():
		hq.order, hq.group = orderOwnerStatusByDue, groupOf(f.Owner, sts[0])
	case f.Campaign != "":
		hq = hq.narrowed("campaign", f.Campaign)
	case f.Owner != "":
		hq = hq.narrowed("owner", f.Owner)
	default:
		hq = hq.narrowed("status", sts...)
	}
	ds, total, err := s.tasks.page(ctx, hq, 0, limit)
	if err != nil {
		return nil, 0, err
	}
	return tasks(ds), total, nil
}

// orderOwnerStatusByDue is the ordered index of tasks: each person's tasks of each status, by
// due time.
const orderOwnerStatusByDue = "owner and status, by due"

// orderStatusByRemind is the ordered index of the tasks of each status by their scheduler's
// mark: the open ones whose mark is near are what a scheduler plans (OpenTasksToRemind).
const orderStatusByRemind = "status, by remind"

func taskOrders() []order[taskDoc] {
	return []order[taskDoc]{
		{name: orderOwnerStatusByDue, less: byDue,
			groups: func(d *taskDoc) []string { return []string{groupOf(d.Owner, d.Status)} }},
		{name: orderStatusByRemind, less: byRemind, groups: func(d *taskDoc) []string { return []string{d.Status} }},
	}
}

// statusValues are the distinct statuses of a filter, as stored.
func statusValues[S ~string](sts []S) []string {
	var out []string
	for _, st := range sts {
		if !slices.Contains(out, string(st)) {
			out = append(out, string(st))
		}
	}
	return out
}

// byDue is the order of task lists: by due time, then id.
var byDue = byKeys(ascTime(func(d *taskDoc) time.Time { return d.Due }), asc(func(d *taskDoc) string { return d.TaskID }))

// byRemind is the order of the tasks to remind (chorus.RemindKey): by the scheduler's mark,
// then workspace, then id.
var byRemind = byKeys(ascTime(func(d *taskDoc) time.Time { return d.Remind }),
	asc(func(d *taskDoc) string { return d.Workspace }), asc(func(d *taskDoc) string { return d.TaskID }))

// taskMatches is f's selection over a task head in memory, as Tasks says it to the server.
func taskMatches(d *taskDoc, f chorus.TaskFilter) bool {
	return (f.Campaign == "" || d.Campaign == f.Campaign) && (f.ChannelKind == "" || d.ChannelKind == f.ChannelKind) &&
		(f.Owner == "" || d.Owner == f.Owner) &&
		(len(f.Statuses) == 0 || slices.Contains(f.Statuses, chorus.TaskStatus(d.Status))) &&
		(f.DueBefore.IsZero() || (!d.Due.IsZero() && d.Due.Before(f.DueBefore)))
}

// UpdateTask stores t as version t.Version+1, keeping CreatedBy and CreatedAt of the version it
// is based on. It returns ErrConflict when someone stored that version first and ErrNotFound
// when the task does not exist.
func (s *Store) UpdateTask(ctx context.Context, t chorus.Task) (chorus.Task, error) {
	if err := checkIdentity("task", t.WorkspaceID, t.ID); err != nil {
		return chorus.Task{}, err
	}
	base := t.Version
	t.Version, t.UpdatedAt = base+1, s.clock()
	d := toTaskDoc(t)
	err := s.tasks.update(ctx, &d, base, func(d, prev *taskDoc) {
		// not prev.Remind: the scheduler's mark was of the version this one replaces
		d.CreatedBy, d.CreatedAt = prev.CreatedBy, prev.CreatedAt
	})
	if err != nil {
		return chorus.Task{}, err
	}
	return d.task(), nil
}

// TaskHistory returns every version of the task, oldest first, or ErrNotFound.
func (s *Store) TaskHistory(ctx context.Context, workspace, id string) ([]chorus.Task, error) {
	ds, err := s.tasks.history(ctx, workspace, id)
	if err != nil {
		return nil, err
	}
	return tasks(ds), nil
}
