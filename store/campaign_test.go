package store_test

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/store"
)

func fullCampaign() chorus.Campaign {
	return chorus.Campaign{
		WorkspaceID: "T1", Slug: "ete-literie", Name: "Été literie",
		Message:     "Dormez mieux cet été : -20 % sur les matelas.\nLivraison offerte.",
		MustInclude: []string{"-20 %", "livraison offerte"},
		Channels: []chorus.Channel{
			{Kind: "social", SlackChannel: "C0SOCIAL", Owner: "U0BOB"},
			{Kind: "email", SlackChannel: "#email", Owner: "carol"},
		},
		Leads: []string{"U0ALICE"},
		Start: chorus.Date{Year: 2027, Month: time.June, Day: 21}, End: chorus.Date{Year: 2027, Month: time.August, Day: 31},
		TimeZone: "Europe/Paris", Lang: chorus.French, Status: chorus.StatusActive,
		Accepted: []chorus.Accepted{{Kind: "glossary", Quote: "lien en bio", By: "U0ALICE", At: time.Date(2027, 6, 1, 9, 30, 0, 0, time.UTC)},
			{Kind: "missing", Quote: "Semaine du local, -20 %", Point: "livraison offerte", By: "U0ALICE", At: time.Date(2027, 6, 2, 9, 30, 0, 0, time.UTC)}},
		CreatedBy: "U0ALICE",
	}
}

func TestCampaignRoundTrip(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	s := e.Store
	in := fullCampaign()
	got, err := s.CreateCampaign(ctx, in)
	wantErr(t, err, nil)

	want := in
	want.Version = 1
	want.CreatedAt = start.UTC().Truncate(time.Millisecond)
	want.UpdatedAt, want.UpdatedBy = want.CreatedAt, "U0ALICE"
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("CreateCampaign returned\n%+v\nwant\n%+v", got, want)
	}
	read, err := s.Campaign(ctx, "T1", "ete-literie")
	wantErr(t, err, nil)
	if !reflect.DeepEqual(read, want) {
		t.Fatalf("Campaign returned\n%+v\nwant\n%+v", read, want)
	}

	t.Run("update keeps creation and stamps the edit", func(t *testing.T) {
		e.Clock.Advance(90 * time.Minute)
		edit := read
		edit.Message, edit.UpdatedBy = "Nouveau message", "U0BOB"
		edit.CreatedBy, edit.CreatedAt = "mallory", time.Time{} // a caller cannot rewrite creation
		edit.Channels, edit.MustInclude, edit.End = nil, []string{}, chorus.Date{}
		got, err := s.UpdateCampaign(ctx, edit)
		wantErr(t, err, nil)
		want := read
		want.Message, want.UpdatedBy, want.Version = "Nouveau message", "U0BOB", 2
		want.Channels, want.MustInclude, want.End = nil, nil, chorus.Date{}
		want.UpdatedAt = start.Add(90 * time.Minute).UTC().Truncate(time.Millisecond)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("UpdateCampaign returned\n%+v\nwant\n%+v", got, want)
		}
		read, err := s.Campaign(ctx, "T1", "ete-literie")
		if err != nil || !reflect.DeepEqual(read, want) {
			t.Fatalf("Campaign after update = %+v, %v\nwant %+v", read, err, want)
		}
		h, err := s.CampaignHistory(ctx, "T1", "ete-literie")
		wantErr(t, err, nil)
		if len(h) != 2 || h[0].Version != 1 || h[0].Message != in.Message || !reflect.DeepEqual(h[1], want) {
			t.Fatalf("history = %+v", h)
		}
	})
}

func TestCampaignsSortedBySlug(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	for _, slug := range []string{"noel", "black-friday", "ete", "rentree"} {
		_, err := s.CreateCampaign(ctx, campaign("T1", slug))
		wantErr(t, err, nil)
	}
	_, err := s.CreateCampaign(ctx, campaign("T2", "autre"))
	wantErr(t, err, nil)
	cs, err := s.Campaigns(ctx, "T1")
	wantErr(t, err, nil)
	got := labels(cs, func(c chorus.Campaign) string { return c.Slug })
	if want := []string{"black-friday", "ete", "noel", "rentree"}; !slices.Equal(got, want) {
		t.Fatalf("Campaigns = %q, want %q", got, want)
	}
	none, err := s.Campaigns(ctx, "T3")
	if err != nil || len(none) != 0 {
		t.Fatalf("Campaigns of an empty workspace = %v, %v", none, err)
	}
}

func TestStoreRefusesThingsWithoutIdentity(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	cases := []struct {
		name string
		err  error
	}{
		{"campaign without slug", second(s.CreateCampaign(ctx, campaign("T1", "")))},
		{"campaign without workspace", second(s.CreateCampaign(ctx, campaign("", "ete")))},
		{"update without slug", second(s.UpdateCampaign(ctx, campaign("T1", " ")))},
		{"task without workspace", second(s.CreateTask(ctx, newTask("", "ete", "bob", start)))},
		{"term of spaces", second(s.CreateTerm(ctx, term("T1", chorus.French, "   ")))},
		{"term without language", second(s.CreateTerm(ctx, term("T1", "", "drive")))},
		{"workspace without id", second(s.SaveWorkspace(ctx, chorus.Workspace{}))},
		{"audit without action", s.AddAudit(ctx, chorus.AuditEntry{WorkspaceID: "T1"})},
		{"claim without id", second(s.Claim(ctx, "event", "", "p1"))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantErr(t, c.err, chorus.ErrInvalid) })
	}
	if cs, _ := s.Campaigns(ctx, "T1"); len(cs) != 0 {
		t.Fatalf("stored %+v", cs)
	}
}

func second[T any](_ T, err error) error { return err }

// TestHeadRepair simulates a crash between a version insert and its head write: reads then see
// the old head, the next edit based on it gets ErrConflict and repairs the head, and the user's
// retry on the reloaded campaign succeeds.
func TestHeadRepair(t *testing.T) {
	ctx := context.Background()

	t.Run("stale head", func(t *testing.T) {
		s := newTestStore(t)
		v1, err := s.CreateCampaign(ctx, campaign("T1", "ete"))
		wantErr(t, err, nil)
		lost := v1
		lost.Version, lost.Message = 2, "written before the crash"
		wantErr(t, store.InsertCampaignVersionOnly(ctx, s, lost), nil)

		stale, err := s.Campaign(ctx, "T1", "ete")
		if err != nil || stale.Version != 1 {
			t.Fatalf("before repair Campaign = v%d, %v; want the stale v1", stale.Version, err)
		}
		stale.Message = "user edit"
		_, err = s.UpdateCampaign(ctx, stale)
		wantErr(t, err, chorus.ErrConflict)

		fresh, err := s.Campaign(ctx, "T1", "ete")
		if err != nil || fresh.Version != 2 || fresh.Message != lost.Message {
			t.Fatalf("after conflict Campaign = v%d %q, %v; want repaired v2", fresh.Version, fresh.Message, err)
		}
		if cs, _ := s.Campaigns(ctx, "T1"); len(cs) != 1 || cs[0].Version != 2 {
			t.Fatalf("after repair Campaigns = %+v, want v2", cs)
		}
		fresh.Message = "user edit"
		v3, err := s.UpdateCampaign(ctx, fresh)
		if err != nil || v3.Version != 3 {
			t.Fatalf("retry = v%d, %v; want v3", v3.Version, err)
		}
	})

	t.Run("missing head", func(t *testing.T) {
		s := newTestStore(t)
		c := campaign("T1", "ete")
		c.Version = 1
		wantErr(t, store.InsertCampaignVersionOnly(ctx, s, c), nil)
		if cs, _ := s.Campaigns(ctx, "T1"); len(cs) != 0 {
			t.Fatalf("list before repair = %+v, want nothing (no head yet)", cs)
		}
		_, err := s.CreateCampaign(ctx, campaign("T1", "ete"))
		wantErr(t, err, chorus.ErrConflict)
		if cs, _ := s.Campaigns(ctx, "T1"); len(cs) != 1 {
			t.Fatalf("list after conflict = %+v, want the repaired head", cs)
		}
	})

	t.Run("read without head finds the version", func(t *testing.T) {
		s := newTestStore(t)
		g := term("T1", chorus.French, "Click & Collect")
		g.Version = 1
		wantErr(t, store.InsertTermVersionOnly(ctx, s, g), nil)
		got, err := s.Term(ctx, "T1", g.Key())
		if err != nil || got.Version != 1 {
			t.Fatalf("Term = %+v, %v", got, err)
		}
		if gs, _ := s.Terms(ctx, "T1"); len(gs) != 1 {
			t.Fatalf("Terms after read = %+v, want the repaired head", gs)
		}
	})

	t.Run("an old version never replaces a newer head", func(t *testing.T) {
		s := newTestStore(t)
		c, err := s.CreateCampaign(ctx, campaign("T1", "ete"))
		wantErr(t, err, nil)
		c.Message = "v2"
		_, err = s.UpdateCampaign(ctx, c)
		wantErr(t, err, nil)
		_, err = s.CreateCampaign(ctx, campaign("T1", "ete")) // conflicts, and repairs from the latest
		wantErr(t, err, chorus.ErrConflict)
		got, err := s.Campaign(ctx, "T1", "ete")
		if err != nil || got.Version != 2 || got.Message != "v2" {
			t.Fatalf("Campaign = v%d %q, %v; want v2", got.Version, got.Message, err)
		}
	})
}
