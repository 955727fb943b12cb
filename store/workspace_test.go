package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
)

func TestWorkspaceSettings(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	s := e.Store
	_, err := s.Workspace(ctx, "T1")
	wantErr(t, err, chorus.ErrNotFound)

	in := chorus.Workspace{ID: "T1", TimeZone: "America/Montreal", Lang: chorus.English,
		Leads: []string{"U0ALICE"}, CustomKinds: []string{"influence"}, UpdatedBy: "U0ALICE"}
	got, err := s.SaveWorkspace(ctx, in)
	wantErr(t, err, nil)
	want := in
	want.Version, want.UpdatedAt = 1, start.UTC().Truncate(time.Millisecond)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("SaveWorkspace = %+v, want %+v", got, want)
	}
	read, err := s.Workspace(ctx, "T1")
	if err != nil || !reflect.DeepEqual(read, want) {
		t.Fatalf("Workspace = %+v, %v; want %+v", read, err, want)
	}

	cases := []struct {
		name    string
		version int
		want    error
	}{
		{"first save again", 0, chorus.ErrConflict},
		{"edit of version 1", 1, nil},
		{"second edit of version 1", 1, chorus.ErrConflict},
		{"edit of version 2", 2, nil},
		{"edit of a version that never was", 9, chorus.ErrConflict},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := read
			w.Version, w.Leads = c.version, []string{"U0BOB"}
			_, err := s.SaveWorkspace(ctx, w)
			wantErr(t, err, c.want)
		})
	}
	if got, _ := s.Workspace(ctx, "T1"); got.Version != 3 {
		t.Fatalf("final version = %d, want 3", got.Version)
	}
}
