package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
)

func TestTaskKeepsItsRelativeDeadline(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	tk := newTask("T1", "ete", "bob", start)
	tk.Relative, tk.Offset = true, -30
	saved, err := s.CreateTask(ctx, tk)
	wantErr(t, err, nil)
	got, err := s.Task(ctx, "T1", saved.ID)
	wantErr(t, err, nil)
	if !got.Relative || got.Offset != -30 {
		t.Fatalf("stored task lost its offset: %+v", got)
	}
	got.Relative, got.Offset = false, 0
	upd, err := s.UpdateTask(ctx, got)
	wantErr(t, err, nil)
	if upd.Relative || upd.Offset != 0 {
		t.Fatalf("absolute again: %+v", upd)
	}
}

func TestPlanImportSavedOnce(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	p := chorus.PlanImport{WorkspaceID: "T1", ID: "abc123", By: "lea", At: time.Date(2027, 6, 1, 7, 0, 0, 0, time.UTC),
		File: "plan.xlsx", Rows: [][]string{{"campaign", "row"}, {"ete", "task"}}}
	wantErr(t, s.SavePlanImport(ctx, p), nil)
	again := p
	again.File = "other.xlsx"
	wantErr(t, s.SavePlanImport(ctx, again), nil) // the same id keeps the first
	got, err := s.PlanImport(ctx, "T1", "abc123")
	wantErr(t, err, nil)
	if !reflect.DeepEqual(got, p) {
		t.Fatalf("got %+v, want %+v", got, p)
	}
	if _, err := s.PlanImport(ctx, "T2", "abc123"); !errors.Is(err, chorus.ErrNotFound) {
		t.Fatalf("another workspace's import: %v", err)
	}
}
