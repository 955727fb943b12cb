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

func day(m time.Month, d int) chorus.Date { return chorus.Date{Year: 2027, Month: m, Day: d} }

func TestTouchpointRoundTrip(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	in := newTouchpoint("T1", "ete-literie", day(6, 3))
	in.End, in.Channel, in.Segment, in.Stage = day(6, 9), "retail", "clients fidélité", chorus.StageLoyalty
	got, err := e.Store.AddTouchpoint(ctx, in)
	wantErr(t, err, nil)
	want := in
	want.ID, want.Version, want.UpdatedBy = got.ID, 1, "alice"
	want.CreatedAt = start.UTC().Truncate(time.Millisecond)
	want.UpdatedAt = want.CreatedAt
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("AddTouchpoint =\n%+v\nwant\n%+v", got, want)
	}
	read, err := e.Store.Touchpoint(ctx, "T1", got.ID)
	if err != nil || !reflect.DeepEqual(read, want) {
		t.Fatalf("Touchpoint = %+v, %v\nwant %+v", read, err, want)
	}

	e.Clock.Advance(time.Hour)
	moved := read.Moved(day(6, 10), day(6, 10))
	moved.UpdatedBy = "lea"
	moved, err = e.Store.UpdateTouchpoint(ctx, moved)
	wantErr(t, err, nil)
	if moved.Version != 2 || moved.Start != day(6, 10) || !moved.End.IsZero() || moved.CreatedAt != want.CreatedAt ||
		moved.CreatedBy != "alice" || moved.UpdatedBy != "lea" {
		t.Fatalf("UpdateTouchpoint = %+v", moved)
	}

	t.Run("remove hides it and keeps its history", func(t *testing.T) {
		moved.UpdatedBy = "lea"
		gone, err := e.Store.RemoveTouchpoint(ctx, moved)
		wantErr(t, err, nil)
		if !gone.Removed || gone.Version != 3 {
			t.Fatalf("RemoveTouchpoint = %+v", gone)
		}
		_, err = e.Store.Touchpoint(ctx, "T1", got.ID)
		wantErr(t, err, chorus.ErrNotFound)
		if ts, err := e.Store.CampaignTouchpoints(ctx, "T1", "ete-literie"); err != nil || len(ts) != 0 {
			t.Fatalf("CampaignTouchpoints after removal = %+v, %v", ts, err)
		}
		if ts, err := e.Store.Touchpoints(ctx, "T1", chorus.Date{}, chorus.Date{}); err != nil || len(ts) != 0 {
			t.Fatalf("Touchpoints after removal = %+v, %v", ts, err)
		}
		h, err := e.Store.TouchpointHistory(ctx, "T1", got.ID)
		wantErr(t, err, nil)
		if len(h) != 3 || h[0].Start != day(6, 3) || h[1].Start != day(6, 10) || !h[2].Removed {
			t.Fatalf("history = %+v", h)
		}
		all, err := e.Store.CampaignTouchpointHistory(ctx, "T1", "ete-literie")
		wantErr(t, err, nil)
		if len(all) != 3 || all[2].Version != 3 || !all[2].Removed {
			t.Fatalf("CampaignTouchpointHistory = %+v", all)
		}
		// A stale editor cannot bring it back.
		_, err = e.Store.UpdateTouchpoint(ctx, moved)
		wantErr(t, err, chorus.ErrConflict)
	})
}

func TestTouchpointLists(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	mk := []struct {
		id, camp   string
		start, end chorus.Date
	}{
		{"p-may", "noel", day(5, 28), day(6, 2)}, // a range reaching into June
		{"p-03", "ete", day(6, 3), chorus.Date{}},
		{"p-01", "ete", day(6, 1), day(6, 30)},
		{"p-jul", "ete", day(7, 1), chorus.Date{}},
		{"p-15", "noel", day(6, 15), day(6, 15)},
	}
	for _, m := range mk {
		tp := newTouchpoint("T1", m.camp, m.start)
		tp.ID, tp.End = m.id, m.end
		if _, err := s.AddTouchpoint(ctx, tp); err != nil {
			t.Fatal(err)
		}
	}
	other := newTouchpoint("T2", "ete", day(6, 3))
	if _, err := s.AddTouchpoint(ctx, other); err != nil {
		t.Fatal(err)
	}
	ids := func(ts []chorus.Touchpoint) []string {
		return labels(ts, func(t chorus.Touchpoint) string { return t.ID })
	}
	tests := []struct {
		name     string
		from, to chorus.Date
		want     []string
	}{
		{"everything", chorus.Date{}, chorus.Date{}, []string{"p-may", "p-01", "p-03", "p-15", "p-jul"}},
		{"june", day(6, 1), day(6, 30), []string{"p-may", "p-01", "p-03", "p-15"}},
		{"one day inside a range", day(6, 20), day(6, 20), []string{"p-01"}},
		{"the last day of a range counts", day(6, 2), day(6, 2), []string{"p-may", "p-01"}},
		{"open start", chorus.Date{}, day(5, 31), []string{"p-may"}},
		{"open end", day(6, 16), chorus.Date{}, []string{"p-01", "p-jul"}},
		{"empty window", day(8, 1), day(8, 31), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Touchpoints(ctx, "T1", tt.from, tt.to)
			wantErr(t, err, nil)
			if !slices.Equal(ids(got), tt.want) {
				t.Fatalf("Touchpoints(%v, %v) = %q, want %q", tt.from, tt.to, ids(got), tt.want)
			}
		})
	}
	t.Run("by campaign", func(t *testing.T) {
		got, err := s.CampaignTouchpoints(ctx, "T1", "ete")
		wantErr(t, err, nil)
		if want := []string{"p-01", "p-03", "p-jul"}; !slices.Equal(ids(got), want) {
			t.Fatalf("CampaignTouchpoints = %q, want %q", ids(got), want)
		}
		got, err = s.CampaignTouchpoints(ctx, "T1", "absent")
		if err != nil || len(got) != 0 {
			t.Fatalf("CampaignTouchpoints(absent) = %q, %v", ids(got), err)
		}
	})
}

// TestTouchpointAddIsEffectSafe: an add re-run after a crash (same inbox item) finds the
// touchpoint the first run created instead of adding a second one with another id.
func TestTouchpointAddIsEffectSafe(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	var ids []string
	for range 2 {
		ctx := store.WithEffects(ctx, "inbox/tp")
		tp, err := s.AddTouchpoint(ctx, newTouchpoint("T1", "ete", day(6, 3)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tp.ID)
	}
	if ids[0] != ids[1] {
		t.Errorf("the re-run created touchpoint %s besides %s", ids[1], ids[0])
	}
	ts, err := s.CampaignTouchpoints(ctx, "T1", "ete")
	if err != nil || len(ts) != 1 {
		t.Errorf("%d touchpoints (%v), want 1", len(ts), err)
	}
}

func TestTouchpointWithoutIdentityIsRefused(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	for _, tp := range []chorus.Touchpoint{
		newTouchpoint("", "ete", day(6, 3)),
		newTouchpoint("T1", "", day(6, 3)),
	} {
		_, err := s.AddTouchpoint(ctx, tp)
		wantErr(t, err, chorus.ErrInvalid)
	}
}

func TestWorkspaceSegmentsAndRadarRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	w := chorus.DefaultWorkspace("T1")
	w.Segments = []string{"clients fidélité", "prospects", "B2B"}
	w.Radar = chorus.RadarSettings{Limit: 5, Window: 10}
	saved, err := s.SaveWorkspace(ctx, w)
	wantErr(t, err, nil)
	read, err := s.Workspace(ctx, "T1")
	wantErr(t, err, nil)
	if !slices.Equal(read.Segments, w.Segments) || read.Radar != w.Radar || !reflect.DeepEqual(read, saved) {
		t.Fatalf("Workspace = %+v, want segments %q radar %+v", read, w.Segments, w.Radar)
	}
}
