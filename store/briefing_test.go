package store_test

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
)

func TestBriefingRoundTripAndEditions(t *testing.T) {
	ctx := context.Background()
	s := newEnv(t, true).Store
	_, err := s.Briefing(ctx, "T1", "ete")
	wantErr(t, err, chorus.ErrNotFound)
	in := chorus.Briefing{WorkspaceID: "T1", Campaign: "ete", FAQ: []chorus.FAQEntry{{Question: "Cumulable ?", Answer: "Non."}},
		Edition: 1, CampaignVersion: 3, Message: "-30 %", Points: []string{"code LITERIE30"},
		Start: chorus.Date{Year: 2027, Month: 7, Day: 1}, End: chorus.Date{Year: 2027, Month: 7, Day: 15}, GoLive: start.Add(240 * time.Hour).UTC().Truncate(time.Millisecond),
		Deliveries: []chorus.Delivery{{Channel: "C1", Kind: "magasins", TS: "1.2", Members: []chorus.Member{{User: "U1", TimeZone: "Europe/Paris"}, {User: "U2"}}}},
		SentBy:     "lea", SentAt: start.UTC().Truncate(time.Millisecond), UpdatedBy: "lea"}
	got, err := s.SaveBriefing(ctx, in)
	wantErr(t, err, nil)
	want := in
	want.Version, want.UpdatedAt = 1, start.UTC().Truncate(time.Millisecond)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("SaveBriefing =\n%+v\nwant\n%+v", got, want)
	}
	if r, err := s.Briefing(ctx, "T1", "ete"); err != nil || !reflect.DeepEqual(r, want) {
		t.Fatalf("Briefing = %+v, %v", r, err)
	}
	// Two edits of version 1: one lands, the other conflicts.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() {
			b := got
			b.Edition = 2
			_, errs[i] = s.SaveBriefing(ctx, b)
		})
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("two edits of one version: %v, %v", errs[0], errs[1])
	}
	// A draft (edition 0) is not a sent briefing.
	_, err = s.SaveBriefing(ctx, chorus.Briefing{WorkspaceID: "T2", Campaign: "draft"})
	wantErr(t, err, nil)
	sent, err := s.SentBriefings(ctx, start)
	if err != nil || len(sent) != 1 || sent[0].Campaign != "ete" || sent[0].Edition != 2 {
		t.Fatalf("SentBriefings = %+v, %v", sent, err)
	}
	if live, err := s.SentBriefings(ctx, start.Add(240*time.Hour)); err != nil || len(live) != 0 {
		t.Fatalf("SentBriefings once live = %+v, %v", live, err)
	}
}

func TestAcksOncePerEdition(t *testing.T) {
	ctx := context.Background()
	s := newEnv(t, true).Store
	for _, c := range []struct {
		edition int
		user    string
		want    error
	}{{1, "U1", nil}, {1, "U2", nil}, {1, "U1", chorus.ErrConflict}, {2, "U1", nil}} {
		wantErr(t, s.AddAck(ctx, chorus.Ack{WorkspaceID: "T1", Campaign: "ete", Edition: c.edition, User: c.user}), c.want)
	}
	for edition, want := range map[int]int{1: 2, 2: 1, 3: 0} {
		if acks, err := s.Acks(ctx, "T1", "ete", edition); err != nil || len(acks) != want {
			t.Errorf("edition %d: %d acks (%v), want %d", edition, len(acks), err, want)
		}
	}
}

func TestQuestionsFirstAnswerWins(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	s := e.Store
	wantErr(t, s.AddBriefingThread(ctx, "T1", "C1", "1.1", "ete", 1), nil)
	wantErr(t, s.AddBriefingThread(ctx, "T1", "C1", "1.1", "ete", 1), nil) // twice is harmless
	if slug, ed, err := s.BriefingThread(ctx, "T1", "C1", "1.1"); err != nil || slug != "ete" || ed != 1 {
		t.Fatalf("BriefingThread = %q %d %v", slug, ed, err)
	}
	_, _, err := s.BriefingThread(ctx, "T1", "C1", "9.9")
	wantErr(t, err, chorus.ErrNotFound)

	q := chorus.Question{WorkspaceID: "T1", ID: chorus.QuestionID("C1", "2.1"), Campaign: "ete", Channel: "C1", Thread: "1.1", TS: "2.1",
		Asker: "U1", Text: "Délais de livraison ?", Topics: []string{"logistique"}, Experts: []string{"U9"}, At: start}
	wantErr(t, s.AddQuestion(ctx, q), nil)
	wantErr(t, s.AddQuestion(ctx, q), chorus.ErrConflict)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, by := range []string{"U9", "U8"} {
		wg.Go(func() { errs[i] = s.AnswerQuestion(ctx, "T1", q.ID, by, "72 h", start.Add(time.Hour)) })
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("two answers: %v, %v", errs[0], errs[1])
	}
	got, err := s.Question(ctx, "T1", q.ID)
	if err != nil || !got.Answered() || got.Answer != "72 h" || got.Text != q.Text || !reflect.DeepEqual(got.Topics, q.Topics) {
		t.Fatalf("Question = %+v, %v", got, err)
	}
	for name, read := range map[string]func() ([]chorus.Question, error){
		"thread": func() ([]chorus.Question, error) { return s.ThreadQuestions(ctx, "T1", "C1", "1.1") },
		"since":  func() ([]chorus.Question, error) { return s.QuestionsSince(ctx, start.Add(-time.Minute)) },
	} {
		if qs, err := read(); err != nil || len(qs) != 1 || !qs[0].Answered() {
			t.Errorf("%s = %+v, %v", name, qs, err)
		}
	}
	if qs, err := s.QuestionsSince(ctx, start.Add(time.Minute)); err != nil || len(qs) != 0 {
		t.Errorf("questions since later = %+v, %v", qs, err)
	}
}

func TestExpertsVersions(t *testing.T) {
	ctx := context.Background()
	s := newEnv(t, true).Store
	_, err := s.Experts(ctx, "T1")
	wantErr(t, err, chorus.ErrNotFound)
	in := chorus.Experts{WorkspaceID: "T1", Topics: []chorus.Topic{{Name: "logistique", Experts: []string{"U9"}, Keywords: []string{"livraison"}}}, Escalate: 3 * time.Hour, UpdatedBy: "lea"}
	saved, err := s.SaveExperts(ctx, in)
	if err != nil || saved.Version != 1 || saved.Escalate != 3*time.Hour || !reflect.DeepEqual(saved.Topics, in.Topics) {
		t.Fatalf("SaveExperts = %+v, %v", saved, err)
	}
	_, err = s.SaveExperts(ctx, in) // based on version 0 again
	wantErr(t, err, chorus.ErrConflict)
	got, err := s.Experts(ctx, "T1")
	if err != nil || !reflect.DeepEqual(got, saved) {
		t.Fatalf("Experts = %+v, %v", got, err)
	}
}

func TestWorkspaceFrontline(t *testing.T) {
	ctx := context.Background()
	s := newEnv(t, true).Store
	w := chorus.DefaultWorkspace("T1")
	w.Frontline = []chorus.FrontlineChannel{{Channel: "C1", Kind: "magasins"}, {Channel: "C2", Kind: "service-client"}}
	if _, err := s.SaveWorkspace(ctx, w); err != nil {
		t.Fatal(err)
	}
	got, err := s.Workspace(ctx, "T1")
	if err != nil || !reflect.DeepEqual(got.Frontline, w.Frontline) {
		t.Fatalf("Frontline = %+v, %v", got.Frontline, err)
	}
}
