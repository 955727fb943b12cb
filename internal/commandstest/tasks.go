package commandstest

import (
	"context"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
)

// Task returns the task of campaign slug titled title in workspace T1, failing the test when
// there is none.
func (e *Env) Task(t testing.TB, slug, title string) chorus.Task {
	t.Helper()
	tasks, err := e.Store.Tasks(context.Background(), "T1", chorus.TaskFilter{Campaign: slug})
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range tasks {
		if tk.Title == title {
			return tk
		}
	}
	t.Fatalf("no task %q in %s: %+v", title, slug, tasks)
	return chorus.Task{}
}

// Paris reads "2006-01-02 15:04" in Europe/Paris, the workspaces' time zone, as a UTC instant.
func Paris(t testing.TB, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	at, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return at.UTC()
}
