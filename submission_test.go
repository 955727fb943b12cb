package chorus_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/chorus-hq/chorus"
)

func validSubmission() chorus.Submission {
	return chorus.Submission{
		WorkspaceID: "T1", ID: "abc234", Campaign: "ete-literie", ChannelKind: "social",
		Text: "-30 % sur toute la literie DouceNuit", Author: "sami", SlackChannel: "#social", SlackTS: "1800000001.000000",
		CampaignVersion: 3, Status: chorus.SubmissionPending,
	}
}

func codesOf(err error) []string {
	var out []string
	for _, p := range chorus.ProblemsOf(err) {
		out = append(out, p.Code)
	}
	return out
}

func TestSubmissionValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*chorus.Submission)
		codes  []string
	}{
		{"valid", func(*chorus.Submission) {}, nil},
		{"typed in a command", func(s *chorus.Submission) { s.SlackChannel, s.SlackTS = "", "" }, nil},
		{"flagged with findings", func(s *chorus.Submission) {
			s.Status, s.Verdict = chorus.SubmissionFlagged, chorus.Verdict{Drift: true, Kinds: []string{"fact"}, Findings: 2}
		}, nil},
		{"excepted findings", func(s *chorus.Submission) {
			s.Verdict = chorus.Verdict{Kinds: []string{"glossary"}, Findings: 1, Excepted: true}
		}, nil},
		{"bad campaign", func(s *chorus.Submission) { s.Campaign = "Été" }, []string{"campaign.slug.syntax"}},
		{"bad kind", func(s *chorus.Submission) { s.ChannelKind = "Social Media" }, []string{"channel.kind.syntax"}},
		{"empty text", func(s *chorus.Submission) { s.Text = " \n" }, []string{"text.empty"}},
		{"long text", func(s *chorus.Submission) { s.Text = strings.Repeat("a", chorus.MaxCopyLen+1) }, []string{"text.long"}},
		{"bad author", func(s *chorus.Submission) { s.Author = "Sami Z" }, []string{"user.invalid"}},
		{"ts without channel", func(s *chorus.Submission) { s.SlackChannel = "" }, []string{"drift.submission.slack_partial"}},
		{"bad channel", func(s *chorus.Submission) { s.SlackChannel = "social" }, []string{"channel.id.invalid"}},
		{"no version", func(s *chorus.Submission) { s.CampaignVersion = 0 }, []string{"drift.submission.no_version"}},
		{"bad status", func(s *chorus.Submission) { s.Status = "done" }, []string{"drift.submission.status"}},
		{"drift without findings", func(s *chorus.Submission) { s.Verdict.Drift = true }, []string{"drift.submission.verdict"}},
		{"findings without drift", func(s *chorus.Submission) { s.Verdict.Findings = 1 }, []string{"drift.submission.verdict"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSubmission()
			tt.change(&s)
			if got := codesOf(s.Validate()); !slices.Equal(got, tt.codes) {
				t.Errorf("problems %v, want %v", got, tt.codes)
			}
		})
	}
}

func TestDecisionValidate(t *testing.T) {
	tests := []struct {
		name  string
		d     chorus.Decision
		codes []string
	}{
		{"approve without comment", chorus.Decision{Submission: "abc", Kind: chorus.DecisionApprove, Author: "lea"}, nil},
		{"changes with comment", chorus.Decision{Submission: "abc", Kind: chorus.DecisionRequestChanges, Author: "lea", Comment: "-30 %, pas -20 %"}, nil},
		{"changes without comment", chorus.Decision{Submission: "abc", Kind: chorus.DecisionRequestChanges, Author: "lea"}, []string{"text.empty"}},
		{"exception without comment", chorus.Decision{Submission: "abc", Kind: chorus.DecisionApproveException, Author: "lea", Comment: " "}, []string{"text.empty"}},
		{"unknown kind", chorus.Decision{Submission: "abc", Kind: "veto", Author: "lea"}, []string{"drift.decision.kind"}},
		{"no submission", chorus.Decision{Kind: chorus.DecisionApprove, Author: "lea"}, []string{"drift.decision.no_submission"}},
		{"long comment", chorus.Decision{Submission: "abc", Kind: chorus.DecisionApprove, Author: "lea", Comment: strings.Repeat("x", chorus.MaxCommentLen+1)}, []string{"text.long"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := codesOf(tt.d.Validate()); !slices.Equal(got, tt.codes) {
				t.Errorf("problems %v, want %v", got, tt.codes)
			}
		})
	}
}

func TestDecisionStatus(t *testing.T) {
	for k, want := range map[chorus.DecisionKind]chorus.SubmissionStatus{
		chorus.DecisionApprove:          chorus.SubmissionApproved,
		chorus.DecisionRequestChanges:   chorus.SubmissionChangesRequested,
		chorus.DecisionApproveException: chorus.SubmissionApprovedWithException,
		"veto":                          "",
	} {
		if got := k.Status(); got != want {
			t.Errorf("%s.Status() = %q, want %q", k, got, want)
		}
	}
	if !chorus.SubmissionApprovedWithException.Approved() || chorus.SubmissionFlagged.Approved() {
		t.Error("Approved() is wrong")
	}
	if !chorus.SubmissionFlagged.Awaiting() || chorus.SubmissionOutOfDate.Awaiting() {
		t.Error("Awaiting() is wrong")
	}
}

func TestHashes(t *testing.T) {
	a := chorus.Campaign{Message: "Du 1er au 15 juillet, -30 % sur la literie", MustInclude: []string{"-30 %"}}
	b := a
	b.Message = "Du 1er au 15 juillet, -30\u00a0% sur la Literie" // typography only
	c := a
	c.MustInclude = []string{"-30 %", "en magasin"}
	if chorus.MessageHash(a) != chorus.MessageHash(b) {
		t.Error("a typography change alters the message hash")
	}
	if chorus.MessageHash(a) == chorus.MessageHash(c) {
		t.Error("a new must-include point leaves the message hash unchanged")
	}
	if chorus.TextHash("Douce Nuit -30 %") != chorus.TextHash(" douce nuit  -30\u00a0% ") {
		t.Error("text hash depends on case or spacing")
	}
	if chorus.TextHash("-30 %") == chorus.TextHash("-20 %") {
		t.Error("different texts hash the same")
	}
	id := chorus.MessageSubmissionID("C1", "1800000001.000000")
	if id != chorus.MessageSubmissionID("C1", "1800000001.000000") || id == chorus.MessageSubmissionID("C2", "1800000001.000000") {
		t.Errorf("message submission ids are not one per message: %s", id)
	}
	if len(id) != 10 || !strings.HasPrefix(id, "m") {
		t.Errorf("id %q: want m + 9 hex characters", id)
	}
}
