package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
)

func meeting(ws, channel, title string) chorus.Meeting {
	return chorus.Meeting{WorkspaceID: ws, Channel: channel, Title: title, Status: chorus.MeetingOpen,
		Lang: chorus.French, StartedBy: "lea"}
}

func line(m chorus.Meeting, ts, author string, kind chorus.LineKind, text string) chorus.Line {
	return chorus.Line{WorkspaceID: m.WorkspaceID, MeetingID: m.ID, Channel: m.Channel, TS: ts, Kind: kind,
		Text: text, Author: author}
}

func TestMeetingOpenOnePerChannel(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	m, err := s.StartMeeting(ctx, meeting("T1", "#reunion", "Point hebdo"))
	wantErr(t, err, nil)
	if m.ID == "" || m.Version != 1 || m.StartedAt.IsZero() || !chorus.ValidMeetingID(m.ID) {
		t.Fatalf("started meeting = %+v", m)
	}
	_, err = s.StartMeeting(ctx, meeting("T1", "#reunion", "Autre"))
	wantErr(t, err, chorus.ErrConflict)
	// Another channel, and the same channel of another workspace, are free.
	_, err = s.StartMeeting(ctx, meeting("T1", "#autre", "Autre"))
	wantErr(t, err, nil)
	_, err = s.StartMeeting(ctx, meeting("T2", "#reunion", "Autre"))
	wantErr(t, err, nil)

	got, err := s.OpenMeeting(ctx, "T1", "#reunion")
	if err != nil || got.ID != m.ID {
		t.Fatalf("open meeting = %+v, %v; want %s", got, err, m.ID)
	}
	m.Status, m.EndedAt = chorus.MeetingClosed, start.Add(time.Hour)
	closed, err := s.UpdateMeeting(ctx, m)
	wantErr(t, err, nil)
	if closed.Version != 2 || closed.StartedBy != "lea" {
		t.Fatalf("closed meeting = %+v", closed)
	}
	_, err = s.OpenMeeting(ctx, "T1", "#reunion")
	wantErr(t, err, chorus.ErrNotFound)
	// Ending twice from the same version: the second loses.
	_, err = s.UpdateMeeting(ctx, m)
	wantErr(t, err, chorus.ErrConflict)

	next, err := s.StartMeeting(ctx, meeting("T1", "#reunion", "Point suivant"))
	wantErr(t, err, nil)
	if next.ID == m.ID {
		t.Fatal("a new meeting reused the closed one's id")
	}
	// A meeting built from a thread is closed from the start and claims nothing.
	th := meeting("T1", "#reunion", "Fil")
	th.Status, th.ThreadTS = chorus.MeetingClosed, "1700000000.000100"
	_, err = s.StartMeeting(ctx, th)
	wantErr(t, err, nil)
	if got, err := s.OpenMeeting(ctx, "T1", "#reunion"); err != nil || got.ID != next.ID {
		t.Fatalf("open meeting after a thread's minutes = %+v, %v", got, err)
	}
}

// TestMeetingConcurrentStarts: of ten people starting a meeting in one channel at once, exactly
// one opens it.
func TestMeetingConcurrentStarts(t *testing.T) {
	ctx := context.Background()
	s := newEnv(t, false).Store // no in-process lock: the unique insert alone must decide
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := meeting("T1", "#reunion", fmt.Sprintf("Réunion %d", i))
			m.StartedBy = fmt.Sprintf("user%d", i)
			_, err := s.StartMeeting(ctx, m)
			switch {
			case err == nil:
				mu.Lock()
				won++
				mu.Unlock()
			case !errors.Is(err, chorus.ErrConflict):
				t.Errorf("start %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d meetings opened in one channel, want 1", won)
	}
	ms, err := s.Meetings(ctx, "T1", chorus.MeetingFilter{Status: chorus.MeetingOpen})
	if err != nil || len(ms) != 1 {
		t.Fatalf("open meetings = %v, %v", ms, err)
	}
}

// TestLinesConcurrentAdditions: 20 people adding lines at once lose none of them.
func TestLinesConcurrentAdditions(t *testing.T) {
	ctx := context.Background()
	s := newEnv(t, false).Store
	m, err := s.StartMeeting(ctx, meeting("T1", "#reunion", "Point"))
	wantErr(t, err, nil)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := line(m, fmt.Sprintf("1800000000.%06d", i), fmt.Sprintf("user%d", i), chorus.LineNote, fmt.Sprintf("note %d", i))
			if _, err := s.AddLine(ctx, l); err != nil {
				t.Errorf("add line %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	ls, err := s.Lines(ctx, "T1", m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 20 {
		t.Fatalf("%d lines stored, want 20", len(ls))
	}
	authors := map[string]bool{}
	for _, l := range ls {
		authors[l.Author] = true
	}
	if len(authors) != 20 {
		t.Fatalf("authors = %v", authors)
	}
}

func TestLineEditsAreVersions(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	s := e.Store
	m, err := s.StartMeeting(ctx, meeting("T1", "#reunion", "Point"))
	wantErr(t, err, nil)
	first, err := s.AddLine(ctx, line(m, "1800000000.000001", "sami", chorus.LineNote, "premier"))
	wantErr(t, err, nil)
	e.Clock.Advance(time.Second)
	second, err := s.AddLine(ctx, line(m, "1800000000.000002", "emma", chorus.LineAction, "second"))
	wantErr(t, err, nil)
	// The same message again (a Slack retry, a second reaction) is a conflict, not a new line.
	_, err = s.AddLine(ctx, line(m, "1800000000.000001", "rui", chorus.LineDecision, "doublon"))
	wantErr(t, err, chorus.ErrConflict)

	edit := first
	edit.Text, edit.Kind, edit.Author, edit.UpdatedBy = "premier, corrigé", chorus.LineDecision, "intrus", "sami"
	edited, err := s.UpdateLine(ctx, edit)
	wantErr(t, err, nil)
	if edited.Version != 2 || edited.Author != "sami" || edited.Order != first.Order || edited.Kind != chorus.LineDecision {
		t.Fatalf("edited line = %+v", edited)
	}
	// An edit based on the old version loses.
	stale := first
	stale.Deleted = true
	_, err = s.UpdateLine(ctx, stale)
	wantErr(t, err, chorus.ErrConflict)
	edited.Deleted = true
	_, err = s.UpdateLine(ctx, edited)
	wantErr(t, err, nil)

	ls, err := s.Lines(ctx, "T1", m.ID)
	wantErr(t, err, nil)
	if len(ls) != 2 || ls[0].TS != first.TS || ls[1].TS != second.TS || !ls[0].Deleted || ls[0].Version != 3 {
		t.Fatalf("lines = %+v", ls)
	}
	h, err := s.LineHistory(ctx, "T1", m.ID, first.TS)
	wantErr(t, err, nil)
	if len(h) != 3 || h[0].Text != "premier" || h[1].Text != "premier, corrigé" {
		t.Fatalf("history = %+v", h)
	}
	got, err := s.Line(ctx, "T1", m.ID, second.TS)
	if err != nil || got != second {
		t.Fatalf("line = %+v, %v; want %+v", got, err, second)
	}
	_, err = s.Line(ctx, "T1", m.ID, "nope")
	wantErr(t, err, chorus.ErrNotFound)
}

func TestSearchMeetingsFoldsAccentsAndCase(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	a := meeting("T1", "#a", "Réunion créa été")
	a.Campaign = "ete-literie"
	a, err := s.StartMeeting(ctx, a)
	wantErr(t, err, nil)
	_, err = s.AddLine(ctx, line(a, "1.1", "sami", chorus.LineDecision, "On garde la Livraison offerte"))
	wantErr(t, err, nil)
	gone := line(a, "1.2", "sami", chorus.LineNote, "parapluie secret")
	gone.Deleted = true
	_, err = s.AddLine(ctx, gone)
	wantErr(t, err, nil)
	b, err := s.StartMeeting(ctx, meeting("T1", "#b", "Weekly sync"))
	wantErr(t, err, nil)
	_, err = s.AddLine(ctx, line(b, "2.1", "emma", chorus.LineNote, "DÉCISION reportée (a+b)?"))
	wantErr(t, err, nil)
	_, err = s.StartMeeting(ctx, meeting("T2", "#a", "Réunion d'un autre espace"))
	wantErr(t, err, nil)

	tests := []struct {
		query string
		want  []string
	}{
		{"reunion", []string{a.ID}},
		{"RÉUNION ETE", []string{a.ID}},
		{"livraison OFFERTE", []string{a.ID}},
		{"decision", []string{b.ID}},
		{"(a+b)?", []string{b.ID}}, // regular expression characters are literal
		{"parapluie", nil},         // deleted lines are not found
		{"reunion weekly", nil},    // every word must match the same meeting
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			ms, err := s.SearchMeetings(ctx, "T1", tt.query)
			wantErr(t, err, nil)
			var ids []string
			for _, m := range ms {
				ids = append(ids, m.ID)
			}
			if !slices.Equal(ids, tt.want) {
				t.Fatalf("search %q = %v, want %v", tt.query, ids, tt.want)
			}
		})
	}
	ms, err := s.Meetings(ctx, "T1", chorus.MeetingFilter{Campaign: "ete-literie"})
	if err != nil || len(ms) != 1 || ms[0].ID != a.ID {
		t.Fatalf("meetings of the campaign = %+v, %v", ms, err)
	}
}

// TestMinutesSurviveRestart: meetings, lines and the channel's open meeting are all stored.
func TestMinutesSurviveRestart(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	m, err := e.Store.StartMeeting(ctx, meeting("T1", "#reunion", "Point"))
	wantErr(t, err, nil)
	_, err = e.Store.AddLine(ctx, line(m, "1.1", "sami", chorus.LineNote, "note"))
	wantErr(t, err, nil)
	e.reopen(t)
	if got, err := e.Store.OpenMeeting(ctx, "T1", "#reunion"); err != nil || got.ID != m.ID {
		t.Fatalf("open meeting after restart = %+v, %v", got, err)
	}
	if ls, err := e.Store.Lines(ctx, "T1", m.ID); err != nil || len(ls) != 1 {
		t.Fatalf("lines after restart = %+v, %v", ls, err)
	}
	_, err = e.Store.StartMeeting(ctx, meeting("T1", "#reunion", "Doublon"))
	wantErr(t, err, chorus.ErrConflict)
}
