package store_test

import (
	"context"
	"testing"

	"github.com/chorus-hq/chorus"
)

func TestCalendarTokens(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	for _, tok := range []chorus.CalendarToken{
		{Hash: "h1", WorkspaceID: "T1", User: "lea"},
		{Hash: "h2", WorkspaceID: "T1", User: "lea"},
		{Hash: "h3", WorkspaceID: "T1", User: "sami"},
	} {
		if _, err := s.AddCalendarToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.AddCalendarToken(ctx, chorus.CalendarToken{Hash: "h1", WorkspaceID: "T1", User: "zoe"})
	wantErr(t, err, chorus.ErrConflict)
	_, err = s.AddCalendarToken(ctx, chorus.CalendarToken{Hash: "", WorkspaceID: "T1", User: "zoe"})
	wantErr(t, err, chorus.ErrInvalid)

	got, err := s.CalendarToken(ctx, "h2")
	if err != nil || got.User != "lea" || got.WorkspaceID != "T1" || got.CreatedAt.IsZero() {
		t.Fatalf("CalendarToken = %+v, %v", got, err)
	}
	_, err = s.CalendarToken(ctx, "nope")
	wantErr(t, err, chorus.ErrNotFound)

	n, err := s.RevokeCalendarTokens(ctx, "T1", "lea")
	if err != nil || n != 2 {
		t.Fatalf("revoked %d, %v; want 2", n, err)
	}
	for _, h := range []string{"h1", "h2"} {
		_, err = s.CalendarToken(ctx, h)
		wantErr(t, err, chorus.ErrNotFound)
	}
	if got, err := s.CalendarToken(ctx, "h3"); err != nil || got.User != "sami" {
		t.Fatalf("another user's link: %+v, %v", got, err)
	}
	if n, err := s.RevokeCalendarTokens(ctx, "T1", "lea"); err != nil || n != 0 {
		t.Fatalf("revoking again: %d, %v", n, err)
	}
}
