package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
)

func TestAudit(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	s := e.Store
	add := func(target, action string) {
		t.Helper()
		wantErr(t, s.AddAudit(ctx, chorus.AuditEntry{WorkspaceID: "T1", Actor: "alice", Action: action, Target: target}), nil)
	}
	// Several entries share the frozen clock's instant: they must still list in order.
	add("campaign:ete", "campaign.create")
	add("task:k7m2qd", "task.create")
	add("campaign:ete", "campaign.message")
	e.Clock.Advance(time.Second)
	add("campaign:ete", "campaign.approve")
	wantErr(t, s.AddAudit(ctx, chorus.AuditEntry{WorkspaceID: "T2", Action: "campaign.create", Target: "campaign:ete"}), nil)
	// An entry given an earlier time lists first.
	wantErr(t, s.AddAudit(ctx, chorus.AuditEntry{WorkspaceID: "T1", Action: "campaign.import", Target: "campaign:ete",
		At: start.Add(-time.Hour), ID: "imported-1", Before: 0, After: 1, Detail: "from CSV"}), nil)

	cases := []struct {
		target string
		want   []string
	}{
		{"campaign:ete", []string{"campaign.import", "campaign.create", "campaign.message", "campaign.approve"}},
		{"", []string{"campaign.import", "campaign.create", "task.create", "campaign.message", "campaign.approve"}},
		{"term:fr:drive", nil},
	}
	for _, c := range cases {
		t.Run("target="+c.target, func(t *testing.T) {
			es, err := s.Audit(ctx, "T1", c.target)
			wantErr(t, err, nil)
			if got := labels(es, func(e chorus.AuditEntry) string { return e.Action }); !slices.Equal(got, c.want) {
				t.Fatalf("Audit = %q, want %q", got, c.want)
			}
		})
	}

	es, _ := s.Audit(ctx, "T1", "campaign:ete")
	if imp := es[0]; imp.ID != "imported-1" || imp.Detail != "from CSV" || imp.After != 1 ||
		!imp.At.Equal(start.Add(-time.Hour).Truncate(time.Millisecond)) || imp.At.Location() != time.UTC {
		t.Fatalf("imported entry = %+v", imp)
	}
	if es[1].ID == "" || es[1].At != start.UTC().Truncate(time.Millisecond) {
		t.Fatalf("assigned entry = %+v, want an id and the clock's time", es[1])
	}
	err := s.AddAudit(ctx, chorus.AuditEntry{WorkspaceID: "T1", Action: "x", ID: "imported-1"})
	wantErr(t, err, chorus.ErrConflict)
}
