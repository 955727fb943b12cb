package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/store"
)

// TestKnownReads checks what a store that is its data's only writer (embedded server, read model
// on) remembers of its reads by identity: a missing workspace, campaign or language is answered
// again without the server, and the store's own write of it is read back at once.
func TestKnownReads(t *testing.T) {
	for _, tc := range []struct {
		name  string
		read  func(ctx context.Context, s *store.Store) error
		write func(ctx context.Context, s *store.Store) error
	}{
		{"workspace",
			func(ctx context.Context, s *store.Store) error { _, err := s.Workspace(ctx, "T9"); return err },
			func(ctx context.Context, s *store.Store) error {
				_, err := s.SaveWorkspace(ctx, chorus.Workspace{ID: "T9", Lang: chorus.English, TimeZone: chorus.DefaultTimeZone})
				return err
			}},
		{"campaign",
			func(ctx context.Context, s *store.Store) error { _, err := s.Campaign(ctx, "T9", "soldes"); return err },
			func(ctx context.Context, s *store.Store) error {
				_, err := s.CreateCampaign(ctx, chorus.Campaign{WorkspaceID: "T9", Slug: "soldes", Name: "Soldes", Leads: []string{"U0LEA"},
					TimeZone: chorus.DefaultTimeZone, Status: chorus.StatusActive, CreatedBy: "U0LEA", Lang: chorus.French})
				return err
			}},
		{"language",
			func(ctx context.Context, s *store.Store) error {
				_, err := s.UserLang(ctx, "T9", "U0ALICE")
				return err
			},
			func(ctx context.Context, s *store.Store) error {
				return s.SetUserLang(ctx, "T9", "U0ALICE", chorus.French)
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, true)
			if e.srv == nil {
				t.Skip("an external MongoDB has other writers: the store remembers nothing")
			}
			ctx := context.Background()
			wantErr(t, tc.read(ctx, e.Store), chorus.ErrNotFound)
			wantErr(t, tc.write(ctx, e.Store), nil)
			wantErr(t, tc.read(ctx, e.Store), nil) // the write forgot the absence

			// On a second store, remember the absence, then stop the server: it is still known.
			other := newEnv(t, true)
			wantErr(t, tc.read(ctx, other.Store), chorus.ErrNotFound)
			other.srv.Close()
			ctx, cancel := context.WithTimeout(ctx, 5*time.Second) // a safety net: without the server a query fails
			defer cancel()
			wantErr(t, tc.read(ctx, other.Store), chorus.ErrNotFound)
		})
	}
}
