package store_test

import (
	"context"
	"reflect"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/store"
)

func TestCreateTaskAssignsShortIDs(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	idRE := regexp.MustCompile(`^[a-z2-7]{6}$`)
	seen := map[string]bool{}
	for range 20 {
		task, err := s.CreateTask(ctx, newTask("T1", "ete", "bob", start))
		wantErr(t, err, nil)
		if !idRE.MatchString(task.ID) || seen[task.ID] {
			t.Fatalf("id %q: want 6 fresh characters of [a-z2-7]", task.ID)
		}
		seen[task.ID] = true
	}

	t.Run("collision retries", func(t *testing.T) {
		store.SetTaskIDs(s, "aaaaaa", "aaaaaa", "aaaaaa", "bbbbbb")
		first, err := s.CreateTask(ctx, newTask("T1", "ete", "bob", start))
		wantErr(t, err, nil)
		second, err := s.CreateTask(ctx, newTask("T1", "ete", "bob", start))
		wantErr(t, err, nil)
		if first.ID != "aaaaaa" || second.ID != "bbbbbb" {
			t.Fatalf("ids = %q, %q; want aaaaaa then bbbbbb", first.ID, second.ID)
		}
		if got, _ := s.Task(ctx, "T1", "aaaaaa"); got != first {
			t.Fatalf("first task changed: %+v", got)
		}
	})
	t.Run("given id is kept and conflicts when taken", func(t *testing.T) {
		in := newTask("T1", "ete", "bob", start)
		in.ID = "mine22"
		got, err := s.CreateTask(ctx, in)
		if err != nil || got.ID != "mine22" {
			t.Fatalf("CreateTask = %q, %v", got.ID, err)
		}
		_, err = s.CreateTask(ctx, in)
		wantErr(t, err, chorus.ErrConflict)
	})
}

func TestTaskRoundTrip(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	due := time.Date(2027, 6, 20, 18, 0, 0, 999999999, time.FixedZone("CEST", 2*3600))
	in := newTask("T1", "ete", "U0BOB", due)
	in.ChannelKind, in.Title = "social", "Visuels Instagram"
	got, err := e.Store.CreateTask(ctx, in)
	wantErr(t, err, nil)
	want := in
	want.ID, want.Version, want.UpdatedBy = got.ID, 1, "alice"
	want.Due = due.UTC().Truncate(time.Millisecond)
	want.CreatedAt = start.UTC().Truncate(time.Millisecond)
	want.UpdatedAt = want.CreatedAt
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("CreateTask =\n%+v\nwant\n%+v", got, want)
	}
	read, err := e.Store.Task(ctx, "T1", got.ID)
	if err != nil || !reflect.DeepEqual(read, want) {
		t.Fatalf("Task = %+v, %v\nwant %+v", read, err, want)
	}
	e.Clock.Advance(time.Hour)
	read.Status, read.UpdatedBy = chorus.TaskDone, "U0BOB"
	done, err := e.Store.UpdateTask(ctx, read)
	wantErr(t, err, nil)
	if done.Version != 2 || done.Status != chorus.TaskDone || done.CreatedAt != want.CreatedAt ||
		!done.UpdatedAt.Equal(start.Add(time.Hour).Truncate(time.Millisecond)) {
		t.Fatalf("UpdateTask = %+v", done)
	}
}

func TestTasksFilter(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	day := func(d int) time.Time { return time.Date(2027, 6, d, 10, 0, 0, 0, time.UTC) }
	mk := []struct {
		id, camp, kind, owner string
		due                   time.Time
		status                chorus.TaskStatus
	}{
		{"t3", "ete", "social", "bob", day(3), chorus.TaskOpen},
		{"t1", "ete", "email", "carol", day(1), chorus.TaskOpen},
		{"t2b", "ete", "", "bob", day(2), chorus.TaskDone},
		{"t2a", "noel", "social", "bob", day(2), chorus.TaskCancelled},
		{"t5", "noel", "email", "carol", day(5), chorus.TaskOpen},
	}
	for _, m := range mk {
		task := newTask("T1", m.camp, m.owner, m.due)
		task.ID, task.ChannelKind, task.Status = m.id, m.kind, m.status
		_, err := s.CreateTask(ctx, task)
		wantErr(t, err, nil)
	}
	other := newTask("T2", "ete", "bob", day(1))
	_, err := s.CreateTask(ctx, other)
	wantErr(t, err, nil)

	cases := []struct {
		name string
		f    chorus.TaskFilter
		want []string
	}{
		{"all, by due then id", chorus.TaskFilter{}, []string{"t1", "t2a", "t2b", "t3", "t5"}},
		{"campaign", chorus.TaskFilter{Campaign: "noel"}, []string{"t2a", "t5"}},
		{"channel kind", chorus.TaskFilter{ChannelKind: "social"}, []string{"t2a", "t3"}},
		{"owner", chorus.TaskFilter{Owner: "carol"}, []string{"t1", "t5"}},
		{"statuses", chorus.TaskFilter{Statuses: []chorus.TaskStatus{chorus.TaskDone, chorus.TaskCancelled}}, []string{"t2a", "t2b"}},
		{"due strictly before", chorus.TaskFilter{DueBefore: day(3)}, []string{"t1", "t2a", "t2b"}},
		{"due before in another zone", chorus.TaskFilter{DueBefore: day(2).In(time.FixedZone("X", -5*3600)).Add(time.Millisecond)}, []string{"t1", "t2a", "t2b"}},
		{"combined", chorus.TaskFilter{Campaign: "ete", Owner: "bob", Statuses: []chorus.TaskStatus{chorus.TaskOpen}}, []string{"t3"}},
		{"nothing", chorus.TaskFilter{Owner: "nobody"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts, err := s.Tasks(ctx, "T1", c.f)
			wantErr(t, err, nil)
			got := labels(ts, func(t chorus.Task) string { return t.ID })
			if !slices.Equal(got, c.want) {
				t.Fatalf("Tasks = %q, want %q", got, c.want)
			}
		})
	}

	t.Run("filters see the latest version", func(t *testing.T) {
		task, err := s.Task(ctx, "T1", "t1")
		wantErr(t, err, nil)
		task.Status = chorus.TaskDone
		_, err = s.UpdateTask(ctx, task)
		wantErr(t, err, nil)
		ts, err := s.Tasks(ctx, "T1", chorus.TaskFilter{Statuses: []chorus.TaskStatus{chorus.TaskOpen}})
		wantErr(t, err, nil)
		if got := labels(ts, func(t chorus.Task) string { return t.ID }); !slices.Equal(got, []string{"t3", "t5"}) {
			t.Fatalf("open tasks = %q", got)
		}
	})
}
