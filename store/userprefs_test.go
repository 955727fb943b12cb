package store_test

import (
	"context"
	"testing"

	"github.com/chorus-hq/chorus"
)

func TestUserLang(t *testing.T) {
	ctx := context.Background()
	s := newEnv(t, true).Store
	_, err := s.UserLang(ctx, "T1", "U0ALICE")
	wantErr(t, err, chorus.ErrNotFound)

	for _, l := range []chorus.Lang{chorus.English, chorus.French} {
		if err := s.SetUserLang(ctx, "T1", "U0ALICE", l); err != nil {
			t.Fatal(err)
		}
		got, err := s.UserLang(ctx, "T1", "U0ALICE")
		if err != nil || got != l {
			t.Fatalf("UserLang after SetUserLang(%s) = %q, %v", l, got, err)
		}
	}
	// Another workspace's user with the same id chose nothing.
	_, err = s.UserLang(ctx, "T2", "U0ALICE")
	wantErr(t, err, chorus.ErrNotFound)
	// A workspace id holding the separator cannot reach another identity's document.
	_, err = s.UserLang(ctx, "T1/U0ALICE", "")
	if err == nil {
		t.Fatal("UserLang with an empty user succeeded")
	}
}
