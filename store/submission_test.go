package store_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
)

func newSubmission(ts string) chorus.Submission {
	s := chorus.Submission{
		WorkspaceID: "T1", Campaign: "ete", ChannelKind: "social", Text: "Jusqu'à -20 % sur la literie Douce Nuit",
		Author: "sami", CampaignVersion: 2, MessageHash: "h1", Status: chorus.SubmissionFlagged,
		Verdict: chorus.Verdict{Drift: true, Kinds: []string{"fact", "glossary"}, Findings: 2},
	}
	if ts != "" {
		s.SlackChannel, s.SlackTS = "#social", ts
	}
	return s
}

func TestSubmissionRoundTrip(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	s := e.Store
	in := newSubmission("1800000001.000000")
	got, err := s.CreateSubmission(ctx, in)
	wantErr(t, err, nil)
	want := in
	want.ID, want.Version, want.UpdatedBy = chorus.MessageSubmissionID("#social", "1800000001.000000"), 1, "sami"
	want.CreatedAt = start.UTC().Truncate(time.Millisecond)
	want.UpdatedAt = want.CreatedAt
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("CreateSubmission =\n%+v\nwant\n%+v", got, want)
	}
	for name, read := range map[string]func() (chorus.Submission, error){
		"by id": func() (chorus.Submission, error) { return s.Submission(ctx, "T1", got.ID) },
		"by message": func() (chorus.Submission, error) {
			return s.SubmissionByMessage(ctx, "T1", "#social", "1800000001.000000")
		},
	} {
		r, err := read()
		if err != nil || !reflect.DeepEqual(r, want) {
			t.Errorf("read %s = %+v, %v", name, r, err)
		}
	}
	_, err = s.SubmissionByMessage(ctx, "T1", "#social", "1800000002.000000")
	wantErr(t, err, chorus.ErrNotFound)

	t.Run("the same message twice conflicts", func(t *testing.T) {
		_, err := s.CreateSubmission(ctx, in)
		wantErr(t, err, chorus.ErrConflict)
	})
	t.Run("typed copy gets a random id", func(t *testing.T) {
		a, err := s.CreateSubmission(ctx, newSubmission(""))
		wantErr(t, err, nil)
		b, err := s.CreateSubmission(ctx, newSubmission(""))
		wantErr(t, err, nil)
		if len(a.ID) != 6 || a.ID == b.ID {
			t.Fatalf("ids %q and %q: want two different 6-character ids", a.ID, b.ID)
		}
	})
	t.Run("update keeps identity and versions", func(t *testing.T) {
		e.Clock.Advance(time.Minute)
		next := got
		next.Text, next.Status, next.Verdict = "-30 % sur toute la literie DouceNuit", chorus.SubmissionPending, chorus.Verdict{}
		next.Author, next.SlackTS = "mallory", "1" // identity cannot be changed by an update
		next.UpdatedBy = "sami"
		saved, err := s.UpdateSubmission(ctx, next)
		wantErr(t, err, nil)
		if saved.Version != 2 || saved.Author != "sami" || saved.SlackTS != "1800000001.000000" || !saved.CreatedAt.Equal(got.CreatedAt) {
			t.Fatalf("update = %+v", saved)
		}
		_, err = s.UpdateSubmission(ctx, next) // based on version 1 again
		wantErr(t, err, chorus.ErrConflict)
		h, err := s.SubmissionHistory(ctx, "T1", got.ID)
		wantErr(t, err, nil)
		if len(h) != 2 || h[0].Status != chorus.SubmissionFlagged || h[1].Status != chorus.SubmissionPending {
			t.Fatalf("history = %+v", h)
		}
	})
}

func TestSubmissionsQuery(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	s := e.Store
	mk := func(campaign, author string, st chorus.SubmissionStatus) chorus.Submission {
		in := newSubmission("")
		in.Campaign, in.Author, in.Status = campaign, author, st
		if st != chorus.SubmissionFlagged {
			in.Verdict = chorus.Verdict{}
		}
		e.Clock.Advance(time.Second)
		got, err := s.CreateSubmission(ctx, in)
		wantErr(t, err, nil)
		return got
	}
	a := mk("ete", "sami", chorus.SubmissionFlagged)
	b := mk("ete", "emma", chorus.SubmissionPending)
	c := mk("noel", "sami", chorus.SubmissionApproved)
	other := newSubmission("")
	other.WorkspaceID = "T2"
	if _, err := s.CreateSubmission(ctx, other); err != nil {
		t.Fatal(err)
	}
	ids := func(ss []chorus.Submission) []string {
		var out []string
		for _, x := range ss {
			out = append(out, x.ID)
		}
		return out
	}
	tests := []struct {
		name string
		f    chorus.SubmissionFilter
		want []string
	}{
		{"all, newest first", chorus.SubmissionFilter{}, []string{c.ID, b.ID, a.ID}},
		{"by campaign", chorus.SubmissionFilter{Campaign: "ete"}, []string{b.ID, a.ID}},
		{"by author", chorus.SubmissionFilter{Author: "sami"}, []string{c.ID, a.ID}},
		{"awaiting a lead", chorus.SubmissionFilter{Statuses: []chorus.SubmissionStatus{chorus.SubmissionPending, chorus.SubmissionFlagged}}, []string{b.ID, a.ID}},
		{"campaign and status", chorus.SubmissionFilter{Campaign: "noel", Statuses: []chorus.SubmissionStatus{chorus.SubmissionPending}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Submissions(ctx, "T1", tt.f)
			wantErr(t, err, nil)
			if !slices.Equal(ids(got), tt.want) {
				t.Errorf("Submissions = %v, want %v", ids(got), tt.want)
			}
		})
	}
}

func TestDecisions(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	s := e.Store
	d := chorus.Decision{WorkspaceID: "T1", Submission: "abc234", Version: 2, Kind: chorus.DecisionRequestChanges, Author: "lea", Comment: "-30 %, pas -20 %"}
	wantErr(t, s.AddDecision(ctx, d), nil)
	e.Clock.Advance(time.Minute)
	wantErr(t, s.AddDecision(ctx, chorus.Decision{WorkspaceID: "T1", Submission: "abc234", Version: 4, Kind: chorus.DecisionApprove, Author: "lea"}), nil)

	t.Run("one decision per version, even from two leads at once", func(t *testing.T) {
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = s.AddDecision(ctx, chorus.Decision{WorkspaceID: "T1", Submission: "abc234", Version: 6, Kind: chorus.DecisionApprove, Author: "lea"})
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, chorus.ErrConflict):
				t.Fatalf("AddDecision: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d decisions stored for one version, want 1", won)
		}
	})
	got, err := s.Decisions(ctx, "T1", "abc234")
	wantErr(t, err, nil)
	if len(got) != 3 || got[0].Kind != chorus.DecisionRequestChanges || got[0].Comment != d.Comment || got[1].Version != 4 || !got[0].At.Equal(start.UTC().Truncate(time.Millisecond)) {
		t.Fatalf("Decisions = %+v", got)
	}
}

func TestExceptions(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	text := chorus.TextHash("Livraison offerte dès 400 €")
	e := chorus.Exception{WorkspaceID: "T1", Campaign: "ete", TextHash: text, MessageHash: "h1", Submission: "abc234", Author: "lea", Comment: "offre locale du magasin de Lyon"}
	_, err := s.Exception(ctx, "T1", "ete", text, "h1")
	wantErr(t, err, chorus.ErrNotFound)
	wantErr(t, s.AddException(ctx, e), nil)
	wantErr(t, s.AddException(ctx, e), nil) // granting again is harmless
	got, err := s.Exception(ctx, "T1", "ete", chorus.TextHash("livraison offerte dès 400\u00a0€ "), "h1")
	wantErr(t, err, nil)
	if got.Author != "lea" || got.Submission != "abc234" || got.Comment != e.Comment {
		t.Fatalf("Exception = %+v", got)
	}
	_, err = s.Exception(ctx, "T1", "ete", text, "h2") // the message changed since
	wantErr(t, err, chorus.ErrNotFound)
}

func TestAutoCheck(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	_, err := s.AutoCheck(ctx, "T1", "#social")
	wantErr(t, err, chorus.ErrNotFound)
	_, err = s.SetAutoCheck(ctx, chorus.AutoCheck{WorkspaceID: "T1", Channel: "#social", Campaign: "ete", ChannelKind: "social", By: "lea"})
	wantErr(t, err, nil)
	_, err = s.SetAutoCheck(ctx, chorus.AutoCheck{WorkspaceID: "T1", Channel: "#social", Campaign: "noel", ChannelKind: "social", By: "lea"})
	wantErr(t, err, nil)
	got, err := s.AutoCheck(ctx, "T1", "#social")
	wantErr(t, err, nil)
	if got.Campaign != "noel" || got.By != "lea" || got.At.IsZero() {
		t.Fatalf("AutoCheck = %+v, want the latest opt-in", got)
	}
	wantErr(t, s.ClearAutoCheck(ctx, "T1", "#social"), nil)
	wantErr(t, s.ClearAutoCheck(ctx, "T1", "#social"), chorus.ErrNotFound)
	_, err = s.AutoCheck(ctx, "T1", "#social")
	wantErr(t, err, chorus.ErrNotFound)
}
