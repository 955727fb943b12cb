// Package review is the approval flow of copy: a team submits copy (/campaign submit, the "Check
// against campaign" message shortcut, or a channel's automatic check), Chorus answers with the
// drift verdict (package drift, and optionally an LLM judge), the campaign's leads approve, ask
// for changes or grant an exception, an edited Slack message is checked again, and a new global
// message puts every earlier check out of date. A review is a chorus.Submission; the App Home and
// the digests list those awaiting a decision.
package review

import (
	"context"
	"log/slog"
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/drift"
	"github.com/chorus-hq/chorus/reply"
)

// Judge is an LLM's second opinion on drift verdicts (drift/llm, adapted in cmd/chorus). It is
// optional: without it Chorus relies on the offline detector alone.
type Judge interface {
	// Borderline reports whether a verdict deserves a second opinion without anyone asking.
	Borderline(v drift.Verdict) bool
	// Judge returns validated findings the detector missed and a rewrite that passes it. On
	// error the caller keeps the offline verdict.
	Judge(ctx context.Context, q JudgeQuery) (JudgeOpinion, error)
}

// JudgeQuery is one copy to judge.
type JudgeQuery struct {
	Campaign  chorus.Campaign
	Glossary  []chorus.GlossaryTerm
	Reference *drift.Reference
	Text      string
	Lang      chorus.Lang // the reader's language, for reasons
	Offline   drift.Verdict
}

// JudgeOpinion is what the judge adds to the offline verdict.
type JudgeOpinion struct {
	Findings []JudgeFinding
	Rewrite  string // passes the offline detector; "" when none
}

// JudgeFinding is a finding of the judge, explained in the reader's language.
type JudgeFinding struct {
	Kind        drift.Kind
	Quote       string
	GlobalQuote string
	Reason      string
	Suggestion  string
}

// minCopyWords is how many words a message needs before an automatic check takes it for copy:
// shorter messages are chat ("ok pour moi", "on en parle demain").
const minCopyWords = 8

// driftVerbs are the sub-commands of /campaign this file answers, in French and English.
var driftVerbs = map[string]string{
	"submit": "submit", "soumettre": "submit", "check": "submit", "verifier": "submit",
	"autocheck": "autocheck", "auto-check": "autocheck", "autocontrole": "autocheck", "verification-auto": "autocheck",
	"submissions": "submissions", "soumissions": "submissions", "approvals": "submissions", "validations": "submissions",
}

// driftCommand answers the /campaign sub-commands of the approval flow; ok is false for any
// other sub-command.
func (c *call) driftCommand(ctx context.Context, args []string) (r reply.Reply, ok bool, err error) {
	if len(args) == 0 {
		return reply.Reply{}, false, nil
	}
	v, ok := driftVerbs[chorus.Fold(args[0])]
	if !ok {
		return reply.Reply{}, false, nil
	}
	switch v {
	case "submit":
		if len(args) < 2 {
			return reply.Reply{}, true, chorus.Errorf(chorus.ErrInvalid, "usage", c.T("drift.usage.submit"))
		}
		kind := ""
		if len(args) > 2 {
			kind = chorus.Fold(args[2])
		}
		r, err = c.submitCommand(ctx, args[1], kind, feature.Unquote(feature.After(c.Req.Text, 3)))
	case "autocheck":
		if len(args) < 4 {
			return reply.Reply{}, true, chorus.Errorf(chorus.ErrInvalid, "usage", c.T("drift.usage.autocheck"))
		}
		r, err = c.autoCheckCommand(ctx, args[1], chorus.Fold(args[2]), chorus.Fold(args[3]))
	case "submissions":
		if len(args) < 2 {
			return reply.Reply{}, true, chorus.Errorf(chorus.ErrInvalid, "usage", c.T("drift.usage.submissions"))
		}
		if feature.Verb(args, 1) == "mine" {
			r, err = c.awaitingList(ctx)
			break
		}
		r, err = c.submissionList(ctx, args[1])
	}
	return r, true, err
}

// Store is what the review needs from persistence: submissions and their decisions, and the
// campaigns, glossary and languages a verdict is written with.
type Store interface {
	Campaigns(ctx context.Context, workspace string) ([]chorus.Campaign, error)
	Terms(ctx context.Context, workspace string) ([]chorus.GlossaryTerm, error)
	// GlossaryVersion names the glossary as Terms returns it now ("" when unknown), so that a
	// check finds its compiled campaign again without reading the terms.
	GlossaryVersion(ctx context.Context, workspace string) string
	UserLang(ctx context.Context, workspace, user string) (chorus.Lang, error)
	CreateSubmission(ctx context.Context, s chorus.Submission) (chorus.Submission, error)
	Submission(ctx context.Context, workspace, id string) (chorus.Submission, error)
	SubmissionByMessage(ctx context.Context, workspace, channel, ts string) (chorus.Submission, error)
	UpdateSubmission(ctx context.Context, s chorus.Submission) (chorus.Submission, error)
	Submissions(ctx context.Context, workspace string, f chorus.SubmissionFilter) ([]chorus.Submission, error)
	AddDecision(ctx context.Context, d chorus.Decision) error
	AddException(ctx context.Context, e chorus.Exception) error
	Exception(ctx context.Context, workspace, campaign, textHash, messageHash string) (chorus.Exception, error)
}

// AutoChecks stores which channels have their copy checked as it is posted.
type AutoChecks interface {
	SetAutoCheck(ctx context.Context, a chorus.AutoCheck) (chorus.AutoCheck, error)
	AutoCheck(ctx context.Context, workspace, channel string) (chorus.AutoCheck, error)
	ClearAutoCheck(ctx context.Context, workspace, channel string) error
}

// Awaiting finds the copy awaiting a lead's decision, for the App Home and /campaign
// submissions mine, without reading what the campaigns they lead hold.
type Awaiting interface {
	// AwaitingDecision returns the first limit of the submissions pending or flagged in the
	// campaigns lead leads that are not closed, the latest change first, and how many there are.
	AwaitingDecision(ctx context.Context, workspace, lead string, limit int) ([]chorus.Submission, int, error)
	// CampaignsPage returns a page of the campaigns f selects and how many it selects.
	CampaignsPage(ctx context.Context, workspace string, f chorus.CampaignFilter, skip, limit int) ([]chorus.Campaign, int, error)
}

// Feature answers the review's commands, buttons, modals and channel messages.
type Feature struct {
	store  Store
	checks AutoChecks
	// awaiting finds the copy awaiting the user's decision
	awaiting Awaiting
	log      *slog.Logger
	judge    Judge
	turns    feature.Turns
	after    Approvals
	refs     *drift.Cache // the campaigns compiled with the glossary, as copy is checked against them
}

// Approvals hears that a lead approved a campaign's copy at the last step, and answers what to
// post (the briefing feature drafts the front line's briefing for that lead).
type Approvals interface {
	Approved(ctx context.Context, t *feature.Turn, camp chorus.Campaign) ([]reply.Post, error)
}

// New returns the review over st, checks and awaiting. judge, optional, is the LLM second
// opinion; turns makes the turn of a channel message; after, optional, hears about approvals.
func New(st Store, checks AutoChecks, awaiting Awaiting, logger *slog.Logger, judge Judge, turns feature.Turns, after Approvals) *Feature {
	return &Feature{store: st, checks: checks, awaiting: awaiting, log: logger, judge: judge, turns: turns, after: after, refs: drift.NewCache(compiledCampaigns)}
}

// compiledCampaigns is how many compiled campaigns the review keeps: the ones copy is being
// checked against in a working day, each with the current glossary.
const compiledCampaigns = 64

type call struct {
	*feature.Turn
	*Feature
}

func (f *Feature) call(t *feature.Turn) *call { return &call{Turn: t, Feature: f} }

// withLang is a copy of the call that speaks lang.
func (c *call) withLang(lang chorus.Lang) *call {
	return &call{Turn: c.Turn.WithLang(lang), Feature: c.Feature}
}

// Reads reports whether args is a sub-command of the approval flow (owns) and whether it only
// reads the store (the list of submissions).
func Reads(args []string) (owns, reads bool) {
	if len(args) == 0 {
		return false, false
	}
	v, owns := driftVerbs[chorus.Fold(args[0])]
	return owns, v == "submissions"
}

// Command answers the /campaign sub-commands of the approval flow (submit, autocheck,
// submissions); ok is false for any other sub-command.
func (f *Feature) Command(ctx context.Context, t *feature.Turn, args []string) (r reply.Reply, ok bool, err error) {
	return f.call(t).driftCommand(ctx, args)
}

// Answers reports whether the feature answers the button, shortcut or modal id.
func Answers(id string) bool {
	switch id {
	case reply.ActCheckCopy, reply.ActDriftApprove, reply.ActDriftChanges, reply.ActDriftException, reply.ActDriftNotDrift, reply.ActDriftShow,
		reply.ActDriftJudge, reply.ModalDriftSubmit, reply.ModalDriftPick:
		return true
	}
	return false
}

// Action answers the review's buttons and the "Check against campaign" shortcut.
func (f *Feature) Action(ctx context.Context, t *feature.Turn, a reply.Action) (reply.Reply, error) {
	c := f.call(t)
	switch a.ActionID {
	case reply.ActCheckCopy:
		return c.checkCopyShortcut(ctx, a)
	case reply.ActDriftApprove:
		return c.decide(ctx, a.Value, chorus.DecisionApprove, "")
	case reply.ActDriftChanges:
		return c.commentModal(ctx, reply.ModalDriftChanges, a.Value)
	case reply.ActDriftException:
		return c.commentModal(ctx, reply.ModalDriftException, a.Value)
	case reply.ActDriftNotDrift:
		return c.notDrift(ctx, a.Value)
	case reply.ActDriftShow:
		return c.showSubmission(ctx, a.Value)
	case reply.ActDriftJudge:
		return c.judgeSubmission(ctx, a.Value)
	}
	return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "action.unknown", a.ActionID)
}

// Submit answers the review's modals: copy submitted, a campaign picked, a decision's comment.
func (f *Feature) Submit(ctx context.Context, t *feature.Turn, sub reply.Submission) (reply.Reply, error) {
	c := f.call(t)
	switch sub.CallbackID {
	case reply.ModalDriftSubmit:
		return c.submitSubmitModal(ctx, sub)
	case reply.ModalDriftPick:
		return c.submitPickModal(ctx, sub)
	case reply.ModalDriftChanges:
		return c.decide(ctx, sub.PrivateMetadata, chorus.DecisionRequestChanges, sub.Values["comment"])
	case reply.ModalDriftException:
		return c.decide(ctx, sub.PrivateMetadata, chorus.DecisionApproveException, sub.Values["comment"])
	}
	return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "modal.unknown", sub.CallbackID)
}

// HomeApprovals lists, for the App Home, the copy awaiting a decision of the user in the
// campaigns they lead: the latest few and how many more, naming the command that lists them.
func (f *Feature) HomeApprovals(ctx context.Context, t *feature.Turn) ([]reply.Block, error) {
	return f.call(t).homeApprovals(ctx)
}

// MessageChanged runs after a lead changed what copy is checked against (the global message or
// the must-include points): it shows back the facts the detector read, for the lead to fix an
// extraction mistake before any team is judged by it, and puts every submission checked
// against an older message out of date, telling each author. It answers what to add to the
// lead's reply and what to post.
func (f *Feature) MessageChanged(ctx context.Context, t *feature.Turn, saved chorus.Campaign) ([]reply.Block, []reply.Post, error) {
	return f.call(t).messageChanged(ctx, saved)
}

// OnMessage reads channel messages: an edited message that was submitted is checked
// again, and copy posted in a channel that opted in to automatic checks is checked at once.
func (f *Feature) OnMessage(ctx context.Context, ev reply.MessageEvent) []reply.Post {
	if ev.Deleted || strings.TrimSpace(ev.Text) == "" || ev.User == "" {
		return nil
	}
	t, err := f.turns.EventTurn(ctx, ev.Workspace, ev.User, ev.Channel)
	if err != nil {
		f.log.Error("drift: begin", "workspace", ev.Workspace, "err", err)
		return nil
	}
	c := f.call(t)
	posts, err := c.onCopyMessage(ctx, ev)
	if err != nil {
		if ps := chorus.ProblemsOf(err); len(ps) > 0 {
			// The author's copy cannot be checked as it is (too long, campaign without message):
			// tell the author, and only them, rather than stay silent or tell the channel.
			r := c.Fail(err)
			return []reply.Post{{Channel: ev.Channel, Thread: ev.TS, Text: r.Text, Blocks: r.Blocks, EphemeralTo: ev.User}}
		}
		f.log.Error("drift: check message", "workspace", ev.Workspace, "channel", ev.Channel, "ts", ev.TS, "err", err)
		return nil
	}
	return posts
}
