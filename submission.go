package chorus

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
)

// SubmissionStatus is where a submitted copy stands in the lead's approval flow.
type SubmissionStatus string

// The submission statuses. Pending and Flagged wait for a lead; the others are decisions, except
// OutOfDate, which the campaign's global message changing puts any earlier check or approval in.
const (
	SubmissionPending               SubmissionStatus = "pending"                 // aligned, awaiting a lead
	SubmissionFlagged               SubmissionStatus = "flagged"                 // drift found, awaiting a fix or a lead
	SubmissionChangesRequested      SubmissionStatus = "changes_requested"       // a lead asked for changes
	SubmissionApproved              SubmissionStatus = "approved"                // a lead approved it
	SubmissionApprovedWithException SubmissionStatus = "approved_with_exception" // approved despite findings
	SubmissionOutOfDate             SubmissionStatus = "out_of_date"             // checked against an older message
)

// SubmissionStatuses lists every status, in the order a copy usually goes through them.
var SubmissionStatuses = []SubmissionStatus{SubmissionPending, SubmissionFlagged, SubmissionChangesRequested,
	SubmissionApproved, SubmissionApprovedWithException, SubmissionOutOfDate}

// Awaiting reports whether the status waits for a lead's decision.
func (s SubmissionStatus) Awaiting() bool { return s == SubmissionPending || s == SubmissionFlagged }

// Approved reports whether the status is an approval, with or without exception.
func (s SubmissionStatus) Approved() bool {
	return s == SubmissionApproved || s == SubmissionApprovedWithException
}

// Limits of a submission, beside MaxMessageLen for the copy itself (a Slack message a team
// writes is as long as a global message at most in practice; longer copy is refused, not cut).
const (
	MaxCopyLen    = 4000 // Slack cuts a message's text at 4,000 characters in its notifications
	MaxCommentLen = 1000
	MaxFindings   = 50
)

// Verdict is the stored summary of one drift check: whether the copy drifts, the kinds of its
// findings, how many, and whether an LLM judge added any. The findings themselves are recomputed
// from the text when shown, in the reader's language.
type Verdict struct {
	Drift    bool
	Kinds    []string // "fact", "missing", "off_message", "glossary"
	Findings int
	Judged   bool // an LLM judge gave its opinion on this check
	Excepted bool // the text matched a recorded exception, so its findings were waived
	ToCheck  int  // findings of low confidence, for a lead to check (« à vérifier »)
}

// Submission is one channel copy submitted for approval against a campaign: typed with
// "/campaign submit", picked with the "Check against campaign" shortcut, or caught by a channel's
// automatic check. Each re-check or decision is a new version.
type Submission struct {
	WorkspaceID  string
	ID           string // short id, deterministic for a Slack message (see MessageSubmissionID)
	Campaign     string // campaign slug
	ChannelKind  string // "social", "email", …
	Text         string
	Author       string // who wrote the copy; told about decisions and out-of-date approvals
	SlackChannel string // where the copy was posted, "" when typed in a command
	SlackTS      string // the Slack message's timestamp, "" when typed in a command

	CampaignVersion int    // version of the campaign the copy was checked against
	MessageHash     string // MessageHash of that version's message and points
	Verdict         Verdict
	Status          SubmissionStatus
	// Step is the step of the campaign's approval chain the copy awaits (Campaign.Step): 0 at
	// first, one more at each step that approves it, back to 0 when it is checked again or
	// sent back.
	Step int

	Version   int
	CreatedAt time.Time
	UpdatedBy string
	UpdatedAt time.Time
}

// FromMessage reports whether the copy is a Slack message (so editing it re-checks it).
func (s Submission) FromMessage() bool { return s.SlackTS != "" }

// Validate reports every problem with the submission.
func (s Submission) Validate() error {
	var ps Problems
	if !ValidSlug(s.Campaign) {
		ps.add("campaign", "campaign.slug.syntax", s.Campaign)
	}
	if !slugRE.MatchString(s.ChannelKind) || len(s.ChannelKind) > MaxKindLen {
		ps.add("kind", "channel.kind.syntax", s.ChannelKind)
	}
	checkText(&ps, "text", s.Text, MaxCopyLen, true)
	if !ValidUserID(s.Author) {
		ps.add("author", "user.invalid", s.Author)
	}
	if (s.SlackChannel == "") != (s.SlackTS == "") {
		ps.add("slack", "drift.submission.slack_partial")
	}
	if s.SlackChannel != "" && !ValidChannelID(s.SlackChannel) {
		ps.add("slack", "channel.id.invalid", s.SlackChannel)
	}
	if s.CampaignVersion < 1 {
		ps.add("campaign_version", "drift.submission.no_version")
	}
	if s.Step < 0 || s.Step > MaxChainSteps {
		ps.add("step", "drift.submission.step", s.Step)
	}
	if !slices.Contains(SubmissionStatuses, s.Status) {
		ps.add("status", "drift.submission.status", string(s.Status))
	}
	if s.Verdict.Findings < 0 || s.Verdict.Findings > MaxFindings || s.Verdict.Drift != (s.Verdict.Findings > 0) && !s.Verdict.Excepted {
		ps.add("verdict", "drift.submission.verdict")
	}
	return ps.Err()
}

// MessageSubmissionID returns the submission id of the Slack message ts in channel. It is
// derived from the message, so submitting the same message twice (the shortcut after the
// automatic check, or two people at once) finds the same submission instead of a second one.
func MessageSubmissionID(channel, ts string) string {
	sum := sha256.Sum256([]byte(channel + "\x00" + ts))
	return "m" + hex.EncodeToString(sum[:])[:9]
}

// MessageHash identifies what a copy is checked against: a campaign's global message and its
// must-include points, folded so that a typography fix does not outdate every approval.
func MessageHash(c Campaign) string {
	h := sha256.New()
	h.Write([]byte(Fold(c.Message)))
	for _, p := range c.MustInclude {
		h.Write([]byte{0})
		h.Write([]byte(Fold(p)))
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// TextHash identifies a copy's text for exceptions: the same words, folded, hash the same.
func TextHash(text string) string {
	sum := sha256.Sum256([]byte(Fold(strings.TrimSpace(text))))
	return hex.EncodeToString(sum[:])[:16]
}

// DecisionKind is what a lead decided about a submission.
type DecisionKind string

// The decisions a lead can take.
const (
	DecisionApprove          DecisionKind = "approve"
	DecisionRequestChanges   DecisionKind = "request_changes"
	DecisionApproveException DecisionKind = "approve_with_exception"
)

// Status returns the submission status a decision leads to.
func (k DecisionKind) Status() SubmissionStatus {
	switch k {
	case DecisionApprove:
		return SubmissionApproved
	case DecisionRequestChanges:
		return SubmissionChangesRequested
	case DecisionApproveException:
		return SubmissionApprovedWithException
	}
	return ""
}

// Decision is a lead's decision on one version of a submission. Decisions are their own
// documents, never an array on the submission, so two leads deciding at once both keep theirs.
type Decision struct {
	WorkspaceID string
	Submission  string // submission id
	Version     int    // the submission version the decision produced
	Kind        DecisionKind
	Author      string
	Comment     string
	At          time.Time
}

// Validate reports every problem with the decision. Asking for changes and granting an
// exception need a comment: the author must know what to change, and an exception why it holds.
func (d Decision) Validate() error {
	var ps Problems
	if d.Submission == "" {
		ps.add("submission", "drift.decision.no_submission")
	}
	if d.Kind.Status() == "" {
		ps.add("kind", "drift.decision.kind", string(d.Kind))
	}
	if !ValidUserID(d.Author) {
		ps.add("author", "user.invalid", d.Author)
	}
	checkText(&ps, "comment", d.Comment, MaxCommentLen, d.Kind == DecisionRequestChanges || d.Kind == DecisionApproveException)
	return ps.Err()
}

// Exception is a deviation a lead approved: the same text, checked against the same global
// message, is not flagged again.
type Exception struct {
	WorkspaceID string
	Campaign    string
	TextHash    string // TextHash of the copy
	MessageHash string // MessageHash of the campaign when the exception was granted
	Submission  string // the submission it was granted on
	Author      string // the lead who granted it
	Comment     string
	At          time.Time
}

// SubmissionFilter selects submissions. Empty fields select everything.
type SubmissionFilter struct {
	Campaign string
	Author   string
	Statuses []SubmissionStatus
}

// AutoCheck is a team channel's opt-in to automatic drift checks: copy posted there is checked
// against the campaign's message for the channel kind, without anyone asking.
type AutoCheck struct {
	WorkspaceID string
	Channel     string // the Slack channel (the campaign channel's SlackChannel)
	Campaign    string
	ChannelKind string
	By          string // the lead who turned it on
	At          time.Time
}

// ApprovalOrder lists the submission statuses in the order a lead reads where copy stands:
// what waits for a decision first. The campaign card and the plan's export count copy by it.
var ApprovalOrder = []SubmissionStatus{SubmissionPending, SubmissionFlagged, SubmissionChangesRequested,
	SubmissionApproved, SubmissionApprovedWithException, SubmissionOutOfDate}
