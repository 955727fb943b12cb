package store_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/store"
)

// hour is the test clock's start moved by n hours.
func hour(n int) time.Time { return start.Add(time.Duration(n) * time.Hour) }

// toRemind names the tasks s.OpenTasksToRemind(from, to) returns as workspace/id@version, in
// order, for comparing lists.
func toRemind(t testing.TB, s *store.Store, from, to time.Time) []string {
	t.Helper()
	return toRemindAfter(t, s, chorus.RemindKey{At: from}, to)
}

// toRemindAfter is toRemind from a key.
func toRemindAfter(t testing.TB, s *store.Store, after chorus.RemindKey, to time.Time) []string {
	t.Helper()
	ts, upTo, err := s.OpenTasksToRemind(context.Background(), after, to, 0)
	wantErr(t, err, nil)
	if !upTo.Instant() || !upTo.At.Equal(to.UTC().Truncate(time.Millisecond)) {
		t.Fatalf("without a limit, read up to %v, not %v", upTo, to)
	}
	out := []string{}
	for _, task := range ts {
		out = append(out, taskRef(task))
	}
	return out
}

// remindPages reads the tasks to remind from from to to limit at a time, each read going on
// from where the last said it stopped, and returns them as toRemind does, with the size of each
// page.
func remindPages(t testing.TB, s *store.Store, from, to time.Time, limit int) (refs []string, sizes []int) {
	t.Helper()
	refs = []string{}
	after := chorus.RemindKey{At: from}
	for range 100 {
		ts, upTo, err := s.OpenTasksToRemind(context.Background(), after, to, limit)
		wantErr(t, err, nil)
		for _, task := range ts {
			refs = append(refs, taskRef(task))
		}
		sizes = append(sizes, len(ts))
		if upTo.Instant() {
			if !upTo.At.Equal(to) {
				t.Fatalf("a read from %v with a limit of %d stopped at %v, not %v", after, limit, upTo, to)
			}
			return refs, sizes
		}
		if last := ts[len(ts)-1]; upTo != (chorus.RemindKey{At: upTo.At, WorkspaceID: last.WorkspaceID, TaskID: last.ID}) || upTo.Compare(after) <= 0 {
			t.Fatalf("a read after %v with a limit of %d stopped at %v, its last task %s", after, limit, upTo, taskRef(last))
		}
		after = upTo
	}
	t.Fatalf("100 pages of %d and not at %v", limit, to)
	return nil, nil
}

func taskRef(task chorus.Task) string {
	return task.WorkspaceID + "/" + task.ID + "@" + strconv.Itoa(task.Version)
}

// markAt marks task (at its version) at at, failing the test on an error.
func markAt(t testing.TB, s *store.Store, task chorus.Task, at time.Time) {
	t.Helper()
	wantErr(t, s.MarkReminds(context.Background(), []chorus.RemindMark{
		{WorkspaceID: task.WorkspaceID, TaskID: task.ID, Version: task.Version, At: at}}), nil)
}

// markedAt reports whether s finds task, at its version, among the open tasks to remind whose
// mark is exactly at (a range of one millisecond).
func markedAt(t testing.TB, s *store.Store, task chorus.Task, at time.Time) bool {
	t.Helper()
	at = at.UTC().Truncate(time.Millisecond)
	return slices.Contains(toRemind(t, s, at, at.Add(time.Millisecond)), taskRef(task))
}

// TestOpenTasksToRemind: the open tasks of every workspace whose mark is in [from, to) are the
// same from the read model's ordered index as from the server, by mark then id: the tasks never
// marked at the zero time, NeverRemind after every other mark, done tasks never; the edges are
// exact.
func TestOpenTasksToRemind(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	s := e.Store
	plain := e.plain(t)
	store.SetTaskIDs(s, "a0", "b1", "c2", "d3", "e4", "f5", "g6", "h7", "i8")
	var made []chorus.Task
	for _, ws := range []string{"T1", "T2", "T1", "T2", "T1", "T2", "T1", "T1", "T2"} {
		task, err := s.CreateTask(ctx, newTask(ws, "ete", "bob", hour(48)))
		wantErr(t, err, nil)
		made = append(made, task)
	}
	for _, m := range []struct {
		i  int
		at time.Time
	}{{0, hour(0)}, {1, hour(1)}, {2, hour(1)}, {3, hour(2)}, {4, chorus.NeverRemind}} {
		markAt(t, s, made[m.i], m.at)
	}
	// g6 is done, then marked: not open, never listed; i8 is done and never marked
	for _, i := range []int{6, 8} {
		made[i].Status = chorus.TaskDone
		done, err := s.UpdateTask(ctx, made[i])
		wantErr(t, err, nil)
		made[i] = done
	}
	markAt(t, s, made[6], hour(1))

	ref := func(i int) string { return taskRef(made[i]) }
	never := chorus.NeverRemind
	for _, c := range []struct {
		name     string
		from, to time.Time
		want     []string
	}{
		{"from the zero time: the tasks never marked first", time.Time{}, hour(100), []string{ref(7), ref(5), ref(0), ref(2), ref(1), ref(3)}},
		{"up to past NeverRemind: every open task", time.Time{}, never.Add(time.Millisecond), []string{ref(7), ref(5), ref(0), ref(2), ref(1), ref(3), ref(4)}},
		{"from is in, to is out; one mark by workspace", hour(1), hour(2), []string{ref(2), ref(1)}},
		{"an instant", hour(2), hour(2).Add(time.Millisecond), []string{ref(3)}},
		{"NeverRemind is after any near mark", hour(3), never, []string{}},
		{"NeverRemind read back", never, never.Add(time.Millisecond), []string{ref(4)}},
		{"no mark then", hour(20), hour(30), []string{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, server := toRemind(t, s, c.from, c.to), toRemind(t, plain, c.from, c.to)
			if !slices.Equal(got, c.want) || !slices.Equal(server, c.want) {
				t.Fatalf("read model %v, server %v; want %v", got, server, c.want)
			}
		})
	}
	// After a task's key: the tasks after it at its mark (by workspace, then id), then later.
	for _, c := range []struct {
		name  string
		after chorus.RemindKey
		want  []string
	}{
		{"after the first of a mark", chorus.RemindKey{At: hour(1), WorkspaceID: "T1", TaskID: made[2].ID}, []string{ref(1), ref(3), ref(4)}},
		{"after a task id in a workspace before", chorus.RemindKey{At: hour(1), WorkspaceID: "T0", TaskID: "zz"}, []string{ref(2), ref(1), ref(3), ref(4)}},
		{"after the last of a mark", chorus.RemindKey{At: hour(1), WorkspaceID: "T2", TaskID: made[1].ID}, []string{ref(3), ref(4)}},
		{"after a key no task has", chorus.RemindKey{At: hour(1), WorkspaceID: "T1", TaskID: "d"}, []string{ref(1), ref(3), ref(4)}},
		{"up to an instant", chorus.RemindKey{At: hour(0), WorkspaceID: "T1", TaskID: made[0].ID}, []string{ref(2), ref(1)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			to := never.Add(time.Millisecond)
			if c.after.At.Equal(hour(0)) {
				to = hour(2)
			}
			got, server := toRemindAfter(t, s, c.after, to), toRemindAfter(t, plain, c.after, to)
			if !slices.Equal(got, c.want) || !slices.Equal(server, c.want) {
				t.Fatalf("read model %v, server %v; want %v", got, server, c.want)
			}
		})
	}
	// Read a few at a time, the tasks come in the same order, each once, the pages full.
	all := toRemind(t, s, time.Time{}, never.Add(time.Millisecond))
	for _, c := range []struct {
		limit int
		sizes []int
	}{
		{1, []int{1, 1, 1, 1, 1, 1, 1}},
		{2, []int{2, 2, 2, 1}},
		{3, []int{3, 3, 1}},
		{4, []int{4, 3}},
		{6, []int{6, 1}},
		{7, []int{7}},
		{8, []int{7}},
	} {
		t.Run("limit "+strconv.Itoa(c.limit), func(t *testing.T) {
			for name, st := range map[string]*store.Store{"read model": s, "server": plain} {
				got, sizes := remindPages(t, st, time.Time{}, never.Add(time.Millisecond), c.limit)
				if !slices.Equal(got, all) || !slices.Equal(sizes, c.sizes) {
					t.Errorf("%s: pages of %v: %v; want %v of %v", name, sizes, got, c.sizes, all)
				}
			}
		})
	}
}

// TestMarkReminds: a mark is read back from the read model and from the server; it holds only
// for the version it was made for, so a task changed after (or before) its mark is never
// marked; a mark of a missing task, or none at all, is no error; a mark does not change the
// data version (users see no change); another replica finds the marks once its read model is
// loaded.
func TestMarkReminds(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	s := e.Store
	plain := e.plain(t)
	update := func(t testing.TB, task chorus.Task) chorus.Task {
		t.Helper()
		task.Title += " (bis)"
		task, err := s.UpdateTask(ctx, task)
		wantErr(t, err, nil)
		return task
	}
	type step func(t testing.TB, task chorus.Task) chorus.Task
	mark := func(at time.Time) step {
		return func(t testing.TB, task chorus.Task) chorus.Task { markAt(t, s, task, at); return task }
	}
	var lasting []struct {
		task chorus.Task
		at   time.Time
	} // the marks the other replica must find
	for _, c := range []struct {
		name  string
		steps []step
		want  time.Time // the task's mark once the steps ran; zero: never marked
	}{
		{"a mark is read back", []step{mark(hour(3))}, hour(3)},
		{"NeverRemind round-trips", []step{mark(chorus.NeverRemind)}, chorus.NeverRemind},
		{"a later mark of the version replaces it", []step{mark(hour(3)), mark(hour(5))}, hour(5)},
		{"updated after its mark: never marked", []step{mark(hour(3)), update}, time.Time{}},
		{"updated then marked again", []step{mark(hour(3)), update, mark(hour(4))}, hour(4)},
		{"a mark of an old version does nothing", []step{update, func(t testing.TB, task chorus.Task) chorus.Task {
			old := task
			old.Version--
			markAt(t, s, old, hour(3))
			return task
		}}, time.Time{}},
		{"a missing task is skipped, the others marked", []step{func(t testing.TB, task chorus.Task) chorus.Task {
			wantErr(t, s.MarkReminds(ctx, []chorus.RemindMark{
				{WorkspaceID: task.WorkspaceID, TaskID: "gone00", Version: 1, At: hour(1)},
				{WorkspaceID: task.WorkspaceID, TaskID: task.ID, Version: task.Version, At: hour(6)},
			}), nil)
			return task
		}}, hour(6)},
		{"no marks: nothing to do", []step{func(t testing.TB, task chorus.Task) chorus.Task {
			wantErr(t, s.MarkReminds(ctx, nil), nil)
			return task
		}}, time.Time{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			task, err := s.CreateTask(ctx, newTask("T1", "ete", "bob", hour(48)))
			wantErr(t, err, nil)
			for _, st := range c.steps {
				task = st(t, task)
			}
			for _, side := range []struct {
				name string
				s    *store.Store
			}{{"read model", s}, {"server", plain}} {
				if !markedAt(t, side.s, task, c.want) {
					all := toRemind(t, side.s, time.Time{}, chorus.NeverRemind.Add(time.Millisecond))
					t.Errorf("%s: %s not marked at %v; every open task by mark: %v", side.name, taskRef(task), c.want, all)
				}
			}
			if got, err := s.Task(ctx, task.WorkspaceID, task.ID); err != nil || got != task {
				t.Errorf("task after its marks = %+v, %v; want it unchanged, %+v", got, err, task)
			}
			lasting = append(lasting, struct {
				task chorus.Task
				at   time.Time
			}{task, c.want})
		})
	}
	t.Run("a start-up's hundreds of marks at once", func(t *testing.T) {
		// the embedded server never answers one update command of 100 statements or more
		var b store.Batch
		var marks []chorus.RemindMark
		want := []string{}
		for i := range 250 {
			task := newTask("T3", "ete", "bob", hour(48))
			task.ID, task.Version = "m"+strconv.Itoa(1000+i), 1
			b.Tasks = append(b.Tasks, task)
			marks = append(marks, chorus.RemindMark{WorkspaceID: "T3", TaskID: task.ID, Version: 1, At: hour(20).Add(time.Duration(i) * time.Minute)})
			want = append(want, taskRef(task))
		}
		wantErr(t, s.Import(ctx, b), nil)
		tctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		wantErr(t, s.MarkReminds(tctx, marks), nil)
		for _, side := range []*store.Store{s, plain} {
			if got := toRemind(t, side, hour(20), hour(30)); !slices.Equal(got, want) {
				t.Fatalf("%d tasks marked in [20 h, 30 h), want the %d marked", len(got), len(want))
			}
		}
	})
	t.Run("a mark leaves the data version", func(t *testing.T) {
		task, err := s.CreateTask(ctx, newTask("T1", "ete", "bob", hour(48)))
		wantErr(t, err, nil)
		before := s.DataVersion(ctx, "T1")
		markAt(t, s, task, hour(7))
		if after := s.DataVersion(ctx, "T1"); after != before || after == "" {
			t.Errorf("data version %q after a mark, %q before: a mark is no change users see", after, before)
		}
	})
	t.Run("another replica finds the marks", func(t *testing.T) {
		other := e.second(t)
		for _, l := range lasting {
			if !markedAt(t, other, l.task, l.at) {
				t.Errorf("the other replica does not find %s marked at %v", taskRef(l.task), l.at)
			}
		}
	})
	t.Run("an invalid mark", func(t *testing.T) {
		wantErr(t, s.MarkReminds(ctx, []chorus.RemindMark{{WorkspaceID: "T1", Version: 1, At: hour(1)}}), chorus.ErrInvalid)
	})
}

// TestMigrationMarksOldTasks: a task head written before marks existed has no remind field,
// which no range on the server matches; opening the database migrates it to never marked, so
// that the read model and the server both find it from the zero time.
func TestMigrationMarksOldTasks(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	old, err := e.Store.CreateTask(ctx, newTask("T1", "ete", "bob", hour(48)))
	wantErr(t, err, nil)
	marked, err := e.Store.CreateTask(ctx, newTask("T1", "ete", "bob", hour(48)))
	wantErr(t, err, nil)
	markAt(t, e.Store, marked, hour(2))
	wantErr(t, store.UnsetTaskRemind(ctx, e.Store, old.WorkspaceID, old.ID), nil)
	wantErr(t, store.SetSchemaVersion(ctx, e.Store, 1), nil)
	e.reopen(t)
	if v, err := store.StoredSchemaVersion(ctx, e.Store); err != nil || v != store.SchemaVersion {
		t.Fatalf("schema version after reopen = %d, %v; want %d", v, err, store.SchemaVersion)
	}
	for _, side := range []struct {
		name string
		s    *store.Store
	}{{"read model", e.Store}, {"server", e.plain(t)}} {
		t.Run(side.name, func(t *testing.T) {
			if !markedAt(t, side.s, old, time.Time{}) {
				t.Errorf("the task without a mark is not found never marked")
			}
			if !markedAt(t, side.s, marked, hour(2)) {
				t.Errorf("the migration lost the mark of a marked task")
			}
		})
	}
}

// TestPolicyReplans: each policy's record keeps the highest version recorded, whatever the
// order the records come in; every policy's is read back, also after a reopen.
func TestPolicyReplans(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	s := e.Store
	got := func(t testing.TB, s *store.Store) []chorus.PolicyReplan {
		t.Helper()
		rs, err := s.PolicyReplans(ctx)
		wantErr(t, err, nil)
		return rs
	}
	if rs := got(t, s); len(rs) != 0 {
		t.Fatalf("replans of a new database = %+v, want none", rs)
	}
	ws := func(v int) chorus.PolicyReplan { return chorus.PolicyReplan{WorkspaceID: "T1", Version: v} }
	ete := func(v int) chorus.PolicyReplan {
		return chorus.PolicyReplan{WorkspaceID: "T1", Campaign: "ete", Version: v}
	}
	t2 := func(v int) chorus.PolicyReplan { return chorus.PolicyReplan{WorkspaceID: "T2", Version: v} }
	var want []chorus.PolicyReplan
	for _, c := range []struct {
		name string
		mark chorus.PolicyReplan
		want []chorus.PolicyReplan
	}{
		{"a workspace's policy", ws(2), []chorus.PolicyReplan{ws(2)}},
		{"a campaign's beside it", ete(1), []chorus.PolicyReplan{ws(2), ete(1)}},
		{"another workspace's", t2(5), []chorus.PolicyReplan{ws(2), ete(1), t2(5)}},
		{"an older version does not go back", ws(1), []chorus.PolicyReplan{ws(2), ete(1), t2(5)}},
		{"the same version again", ete(1), []chorus.PolicyReplan{ws(2), ete(1), t2(5)}},
		{"a newer version", ete(3), []chorus.PolicyReplan{ws(2), ete(3), t2(5)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			wantErr(t, s.MarkPolicyReplanned(ctx, c.mark), nil)
			if rs := got(t, s); !slices.Equal(rs, c.want) {
				t.Fatalf("replans = %+v, want %+v", rs, c.want)
			}
		})
		want = c.want
	}
	t.Run("without a workspace", func(t *testing.T) {
		wantErr(t, s.MarkPolicyReplanned(ctx, chorus.PolicyReplan{Version: 1}), chorus.ErrInvalid)
	})
	t.Run("after a reopen", func(t *testing.T) {
		e.reopen(t)
		if rs := got(t, e.Store); !slices.Equal(rs, want) {
			t.Fatalf("replans after a reopen = %+v, want %+v", rs, want)
		}
	})
}
