package store_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
)

func TestDigestSchedules(t *testing.T) {
	ctx := context.Background()
	s := newEnv(t, true).Store
	_, err := s.DigestSchedule(ctx, "T1", "C1")
	wantErr(t, err, chorus.ErrNotFound)
	d := chorus.DigestSchedule{WorkspaceID: "T1", Channel: "C1", Spec: "0 9 * * 1", TimeZone: "Europe/Paris", Lang: chorus.French, UpdatedBy: "lea"}
	v1, err := s.SaveDigestSchedule(ctx, d)
	wantErr(t, err, nil)
	if v1.Version != 1 || v1.UpdatedAt.IsZero() {
		t.Fatalf("first save = %+v", v1)
	}
	_, err = s.SaveDigestSchedule(ctx, d) // based on "nothing" again: someone created it first
	wantErr(t, err, chorus.ErrConflict)
	v1.Spec, v1.Lead, v1.Empty = "30 8 * * 1-5", true, chorus.EmptyDigestAlways
	v2, err := s.SaveDigestSchedule(ctx, v1)
	wantErr(t, err, nil)
	_, err = s.SaveDigestSchedule(ctx, v1) // a second edit of version 1 loses
	wantErr(t, err, chorus.ErrConflict)
	got, err := s.DigestSchedule(ctx, "T1", "C1")
	wantErr(t, err, nil)
	if got.Version != 2 || got.Spec != "30 8 * * 1-5" || !got.Lead || got.TimeZone != "Europe/Paris" || got.Empty != chorus.EmptyDigestAlways || got != v2 {
		t.Fatalf("read back %+v, saved %+v", got, v2)
	}
	other := d
	other.WorkspaceID, other.Channel = "T2", "#social"
	if _, err := s.SaveDigestSchedule(ctx, other); err != nil {
		t.Fatal(err)
	}
	all, err := s.DigestSchedules(ctx)
	wantErr(t, err, nil)
	if len(all) != 2 || all[0].Channel != "C1" || all[1].Channel != "#social" {
		t.Fatalf("DigestSchedules = %+v", all)
	}
}

func TestReminderPolicies(t *testing.T) {
	ctx := context.Background()
	s := newEnv(t, true).Store
	p := chorus.DefaultReminderPolicy("T1")
	p.Offsets = []time.Duration{48 * time.Hour, 90 * time.Minute}
	p.UpdatedBy = "lea"
	saved, err := s.SaveReminderPolicy(ctx, p)
	wantErr(t, err, nil)
	camp := chorus.DefaultReminderPolicy("T1")
	camp.Campaign, camp.Overdue = "ete-literie", false
	if _, err := s.SaveReminderPolicy(ctx, camp); err != nil {
		t.Fatal(err)
	}
	got, err := s.ReminderPolicy(ctx, "T1", "")
	wantErr(t, err, nil)
	if !slices.Equal(got.Offsets, p.Offsets) || got.Version != 1 || got.QuietStart != 20*60 || !got.SkipWeekends || got.UpdatedAt != saved.UpdatedAt {
		t.Fatalf("workspace policy read back %+v", got)
	}
	got, err = s.ReminderPolicy(ctx, "T1", "ete-literie")
	wantErr(t, err, nil)
	if got.Overdue || got.Campaign != "ete-literie" {
		t.Fatalf("campaign policy read back %+v", got)
	}
	all, err := s.ReminderPolicies(ctx)
	if err != nil || len(all) != 2 {
		t.Fatalf("ReminderPolicies = %v, %v", all, err)
	}
}

func TestSnoozes(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	s := e.Store
	due := start.Add(72 * time.Hour)
	z := chorus.Snooze{WorkspaceID: "T1", TaskID: "k7m2qd", Due: due, Until: start.Add(24 * time.Hour), By: "sami"}
	first, err := s.AddSnooze(ctx, z)
	wantErr(t, err, nil)
	if _, err := s.AddSnooze(ctx, z); err != nil { // a double click
		t.Fatalf("same snooze again: %v", err)
	}
	z.Until = start.Add(48 * time.Hour)
	if _, err := s.AddSnooze(ctx, z); err != nil {
		t.Fatal(err)
	}
	got, err := s.Snoozes(ctx, start)
	wantErr(t, err, nil)
	if len(got) != 2 || !got[0].Due.Equal(due.UTC().Truncate(time.Millisecond)) || got[0] != first {
		t.Fatalf("Snoozes = %+v; first stored %+v", got, first)
	}
	if got, _ := s.Snoozes(ctx, start.Add(36*time.Hour)); len(got) != 1 {
		t.Fatalf("snoozes ending after 36 h = %d, want 1", len(got))
	}
}

func TestOccurrences(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	s := e.Store
	rec := chorus.Occurrence{ID: "r/T1/k7m2qd/1813075200/o1440", Kind: chorus.ReminderOccurrence, WorkspaceID: "T1",
		TaskID: "k7m2qd", Channel: "sami", TS: "1800000000.000001", ScheduledAt: start, By: "p1"}
	wantErr(t, s.RecordOccurrence(ctx, rec), nil)
	wantErr(t, s.RecordOccurrence(ctx, rec), chorus.ErrConflict)
	got, ok, err := s.Occurrence(ctx, rec.ID)
	if err != nil || !ok || got.TS != rec.TS || got.Folded || !got.DoneAt.Equal(e.Clock.Now().UTC().Truncate(time.Millisecond)) {
		t.Fatalf("Occurrence = %+v, %v, %v", got, ok, err)
	}
	if _, ok, err := s.Occurrence(ctx, "r/none"); ok || err != nil {
		t.Fatalf("unknown occurrence: %v, %v", ok, err)
	}
	for i, id := range []string{"r/T1/a/1/o1", "r/T1/b/1/o1", "r/T2/c/1/o1"} {
		e.Clock.Advance(time.Hour)
		ws := "T1"
		if i == 2 {
			ws = "T2"
		}
		wantErr(t, s.RecordOccurrence(ctx, chorus.Occurrence{ID: id, Kind: chorus.ReminderOccurrence, WorkspaceID: ws, Folded: true, ScheduledAt: start}), nil)
	}
	folded, err := s.FoldedOccurrences(ctx, "T1", start.Add(90*time.Minute), start.Add(10*time.Hour))
	wantErr(t, err, nil)
	if len(folded) != 1 || folded[0].ID != "r/T1/b/1/o1" {
		t.Fatalf("FoldedOccurrences = %+v, want only b (a is before the window, c another workspace)", folded)
	}
	n, err := s.SweepOccurrences(ctx, start.Add(150*time.Minute))
	if err != nil || n != 3 {
		t.Fatalf("SweepOccurrences = %d, %v; want 3 (rec, a, b)", n, err)
	}
	if _, ok, _ := s.Occurrence(ctx, "r/T2/c/1/o1"); !ok {
		t.Fatal("the sweep removed a recent record")
	}
}

// TestClaimInfoAndLastAlive: who claimed what and when; the latest alive mark of every replica,
// kept whatever order the marks come in, and read from a data folder's legacy "alive" claims
// before any mark was kept.
func TestClaimInfoAndLastAlive(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	s := e.Store
	if _, ok, err := s.LastAlive(ctx); ok || err != nil {
		t.Fatalf("LastAlive on nothing = %v, %v", ok, err)
	}
	for _, h := range []string{"h1", "h2"} { // a data folder from before MarkAlive
		if won, err := s.Claim(ctx, "alive", h, "p1"); !won || err != nil {
			t.Fatal(won, err)
		}
		e.Clock.Advance(time.Hour)
	}
	ms := func(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }
	if last, ok, err := s.LastAlive(ctx); err != nil || !ok || !last.Equal(ms(start.Add(time.Hour))) {
		t.Fatalf("LastAlive from the legacy claims = %v, %v, %v", last, ok, err)
	}
	for _, at := range []time.Time{start.Add(3 * time.Hour), start.Add(5 * time.Hour), start.Add(4 * time.Hour)} {
		if err := s.MarkAlive(ctx, at); err != nil { // replicas marking out of order
			t.Fatal(err)
		}
	}
	if last, ok, err := s.LastAlive(ctx); err != nil || !ok || !last.Equal(ms(start.Add(5*time.Hour))) {
		t.Fatalf("LastAlive = %v, %v, %v; want the latest mark", last, ok, err)
	}
	owner, at, ok, err := s.ClaimInfo(ctx, "alive", "h1")
	if err != nil || !ok || owner != "p1" || !at.Equal(ms(start)) {
		t.Fatalf("ClaimInfo = %s, %v, %v, %v", owner, at, ok, err)
	}
	if _, _, ok, err := s.ClaimInfo(ctx, "alive", "h9"); ok || err != nil {
		t.Fatalf("ClaimInfo of nothing = %v, %v", ok, err)
	}
}

// TestLastDigest: the latest digest record of a channel before a slot, whatever else is recorded
// (reminders, other channels, other workspaces), with why it was empty.
func TestLastDigest(t *testing.T) {
	ctx := context.Background()
	s := newEnv(t, true).Store
	slot := func(d int) time.Time { return time.Date(2027, 6, d, 7, 0, 0, 0, time.UTC) }
	if _, ok, err := s.LastDigest(ctx, "T1", "C1", slot(30)); err != nil || ok {
		t.Fatalf("LastDigest of nothing = %v, %v", ok, err)
	}
	for _, o := range []chorus.Occurrence{
		{ID: chorus.DigestOccurrenceID("T1", "C1", slot(7)), Kind: chorus.DigestOccurrence, WorkspaceID: "T1", Channel: "C1", ScheduledAt: slot(7), TS: "1.1"},
		{ID: chorus.DigestOccurrenceID("T1", "C1", slot(14)), Kind: chorus.DigestOccurrence, WorkspaceID: "T1", Channel: "C1", ScheduledAt: slot(14),
			Skipped: true, Empty: true, EmptyReason: "inactive"},
		{ID: chorus.DigestOccurrenceID("T1", "C2", slot(21)), Kind: chorus.DigestOccurrence, WorkspaceID: "T1", Channel: "C2", ScheduledAt: slot(21), TS: "2.1"},
		{ID: chorus.DigestOccurrenceID("T2", "C1", slot(21)), Kind: chorus.DigestOccurrence, WorkspaceID: "T2", Channel: "C1", ScheduledAt: slot(21), TS: "3.1"},
		{ID: chorus.ReminderOccurrenceID("T1", "k1", slot(22), "m"), Kind: chorus.ReminderOccurrence, WorkspaceID: "T1", TaskID: "k1", Channel: "C1", ScheduledAt: slot(21), TS: "4.1"},
	} {
		if err := s.RecordOccurrence(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		before time.Time
		want   string
	}{
		{slot(30), "14 skipped empty inactive"},
		{slot(14), "7 sent"},
		{slot(7), ""},
	} {
		got, ok, err := s.LastDigest(ctx, "T1", "C1", tt.before)
		if err != nil {
			t.Fatal(err)
		}
		desc := ""
		if ok {
			desc = strconv.Itoa(got.ScheduledAt.Day())
			switch {
			case got.Skipped && got.Empty:
				desc += " skipped empty " + got.EmptyReason
			case got.TS != "":
				desc += " sent"
			}
		}
		if desc != tt.want {
			t.Errorf("LastDigest before the %d = %q, want %q", tt.before.Day(), desc, tt.want)
		}
	}
}
