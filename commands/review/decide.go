package review

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/drift"
	"github.com/chorus-hq/chorus/reply"
)

// as returns a copy of the call that speaks user's language, for a message sent to them.
func (c *call) as(ctx context.Context, user string) (*call, error) {
	lc := c.withLang(c.WS.Lang)
	l, err := c.store.UserLang(ctx, c.Req.Workspace, user)
	switch {
	case err == nil:
		lc.Lang = l
	case !errors.Is(err, chorus.ErrNotFound):
		return nil, fmt.Errorf("language of %s: %w", user, err)
	}
	return lc, nil
}

// loadDecidable loads the submission a card's button names and checks that the acting user may
// decide on it now: a lead of its campaign, on the version the card shows, checked against the
// campaign's current message.
func (c *call) loadDecidable(ctx context.Context, value string, approving bool) (chorus.Submission, chorus.Campaign, error) {
	id, version, err := parseCardValue(value)
	if err != nil {
		return chorus.Submission{}, chorus.Campaign{}, err
	}
	sub, err := c.store.Submission(ctx, c.Req.Workspace, id)
	if errors.Is(err, chorus.ErrNotFound) {
		return sub, chorus.Campaign{}, chorus.Errorf(chorus.ErrNotFound, "drift.submission.unknown", id)
	}
	if err != nil {
		return sub, chorus.Campaign{}, fmt.Errorf("load submission: %w", err)
	}
	camp, err := c.LoadCampaign(ctx, sub.Campaign)
	if err != nil {
		return sub, camp, err
	}
	if err := c.mayDecide(camp, sub, approving); err != nil {
		return sub, camp, err
	}
	switch {
	case sub.Status == chorus.SubmissionOutOfDate || sub.MessageHash != chorus.MessageHash(camp):
		return sub, camp, chorus.Errorf(chorus.ErrConflict, "drift.decide.out_of_date", camp.Name)
	case sub.Version != version:
		return sub, camp, chorus.Errorf(chorus.ErrConflict, "drift.card.stale", c.T("drift.status."+string(sub.Status)))
	case !sub.Status.Awaiting():
		return sub, camp, chorus.Errorf(chorus.ErrConflict, "drift.decide.done", c.T("drift.status."+string(sub.Status)))
	}
	return sub, camp, nil
}

// soleLead reports whether the author of sub is the only lead of camp: then nobody among the
// campaign's leads can approve it, and the workspace's leads and admins may.
func soleLead(camp chorus.Campaign, sub chorus.Submission) bool {
	return len(camp.Leads) == 1 && camp.Leads[0] == sub.Author
}

// without returns users without user.
func without(users []string, user string) []string {
	return slices.DeleteFunc(slices.Clone(users), func(u string) bool { return u == user })
}

// approvers returns who may approve sub at the step it awaits: that step's approvers (the
// campaign's leads at the last step). When the author is the only one of them, others stand in:
// the campaign's leads at a chain step, the workspace's leads and admins at the leads' step
// (wsLeads reports the acting user is one).
func approvers(camp chorus.Campaign, sub chorus.Submission, user string, wsLead bool) (allowed bool, others []string) {
	_, list, final := camp.Step(sub.Step)
	others = without(list, sub.Author)
	allowed = slices.Contains(list, user)
	if len(others) == 0 && !final {
		others = without(camp.Leads, sub.Author)
		allowed = allowed || camp.IsLead(user)
	}
	if final && soleLead(camp, sub) && wsLead {
		allowed = true
	}
	return allowed, others
}

// mayDecide checks that the acting user may decide on sub. Requesting changes: the campaign's
// leads and the approvers of the step the copy awaits. Approving (with or without an exception,
// or « pas une dérive ») takes that step's approvers (see approvers) and four eyes: never the
// copy's author.
func (c *call) mayDecide(camp chorus.Campaign, sub chorus.Submission, approving bool) error {
	u := c.Req.User
	allowed, others := approvers(camp, sub, u, c.IsWorkspaceLead())
	name, list, final := camp.Step(sub.Step)
	if !approving {
		if camp.IsLead(u) || slices.Contains(list, u) {
			return nil
		}
		return chorus.Errorf(chorus.ErrForbidden, "drift.forbidden.decide", camp.Name, c.Mentions(camp.Leads))
	}
	if u == sub.Author && (allowed || camp.IsLead(u) || c.IsWorkspaceLead()) {
		if len(others) == 0 {
			return chorus.Errorf(chorus.ErrForbidden, "drift.forbidden.own_copy_sole", camp.Name)
		}
		return chorus.Errorf(chorus.ErrForbidden, "drift.forbidden.own_copy", camp.Name, c.Mentions(others))
	}
	if allowed {
		return nil
	}
	if !final {
		return chorus.Errorf(chorus.ErrForbidden, "drift.forbidden.step", name, c.Mentions(list), camp.Name)
	}
	return chorus.Errorf(chorus.ErrForbidden, "drift.forbidden.decide", camp.Name, c.Mentions(camp.Leads))
}

// commentModal asks a lead why they request changes or grant an exception.
func (c *call) commentModal(ctx context.Context, callback, value string) (reply.Reply, error) {
	sub, camp, err := c.loadDecidable(ctx, value, callback == reply.ModalDriftException)
	if err != nil {
		return reply.Reply{}, err
	}
	title, label := "drift.modal.changes", "drift.field.changes"
	if callback == reply.ModalDriftException {
		title, label = "drift.modal.exception", "drift.field.exception"
	}
	return reply.Reply{Modal: &reply.Modal{
		CallbackID: callback, Title: c.T(title), Submit: c.T("button.save"), Close: c.T("button.cancel"),
		PrivateMetadata: value, Intro: camp.Name + " · " + sub.ChannelKind + "\n" + quote(feature.Ellipsis(sub.Text, 300)),
		Inputs: []reply.Input{{ID: "comment", Label: c.T(label), Kind: reply.MultilineInput, MaxLength: chorus.MaxCommentLen}},
	}}, nil
}

// decide records a lead's decision as the submission's next version, audits it, and tells the
// copy's author: in the message's thread for a Slack message, else directly.
func (c *call) decide(ctx context.Context, value string, kind chorus.DecisionKind, comment string) (reply.Reply, error) {
	sub, camp, err := c.loadDecidable(ctx, value, kind != chorus.DecisionRequestChanges)
	if err != nil {
		return reply.Reply{}, err
	}
	return c.record(ctx, sub, camp, kind, comment, nil)
}

// notDrift is a lead's « pas une dérive » on flagged copy: the campaign records the flagged
// wordings as accepted (a new version, audited, shown in /campaign history), so the same words
// are not flagged again for the same kind of finding; the copy, checked again, is approved.
// A finding of another kind, or from the judge, still stands: the copy is then left flagged.
func (c *call) notDrift(ctx context.Context, value string) (reply.Reply, error) {
	sub, camp, err := c.loadDecidable(ctx, value, true)
	if err != nil {
		return reply.Reply{}, err
	}
	if name, _, final := camp.Step(sub.Step); !final {
		// what the detector accepts is the campaign's: its leads decide it, at their step
		return reply.Reply{}, chorus.Errorf(chorus.ErrForbidden, "drift.not_drift.chain", name, camp.Name)
	}
	k, err := c.check(ctx, camp, sub.Text)
	if err != nil {
		return reply.Reply{}, err
	}
	if len(k.offline.Findings) == 0 {
		return reply.Reply{}, chorus.Errorf(chorus.ErrConflict, "drift.not_drift.nothing", camp.Name)
	}
	_, saved, err := c.EditCampaign(ctx, camp.Slug, "campaign.accept", func(cur chorus.Campaign) error {
		return c.mayDecide(cur, sub, true)
	}, func(next *chorus.Campaign) error {
		next.Accepted = slices.Clone(next.Accepted)
		for _, f := range k.offline.Findings {
			a := chorus.Accepted{Kind: string(f.Kind), Quote: drift.AcceptedQuote(f, sub.Text), By: c.Req.User, At: c.Now()}
			if f.Kind == drift.KindMissing {
				a.Point = f.GlobalQuote
			}
			if !next.Accepts(a.Kind, a.Quote, a.Point) {
				next.Accepted = append(next.Accepted, a)
			}
		}
		return nil
	})
	if err != nil {
		return reply.Reply{}, err
	}
	again, err := c.check(ctx, saved, sub.Text)
	if err != nil {
		return reply.Reply{}, err
	}
	if again.drift() {
		return reply.Reply{}, chorus.Errorf(chorus.ErrConflict, "drift.not_drift.still", camp.Name)
	}
	v := again.verdict()
	return c.record(ctx, sub, saved, chorus.DecisionApprove, c.T("drift.not_drift.comment"), &v)
}

// record stores a decision on sub: its next version with the decision's status (and verdict,
// when the copy was checked again), the decision, an exception when one is granted, the audit
// entry, and the word to the copy's author.
func (c *call) record(ctx context.Context, sub chorus.Submission, camp chorus.Campaign, kind chorus.DecisionKind, comment string, verdict *chorus.Verdict) (reply.Reply, error) {
	comment = strings.TrimSpace(comment)
	d := chorus.Decision{WorkspaceID: c.Req.Workspace, Submission: sub.ID, Kind: kind, Author: c.Req.User, Comment: comment, At: c.Now()}
	if err := d.Validate(); err != nil {
		return reply.Reply{}, err
	}
	if kind == chorus.DecisionApprove && sub.Verdict.Drift && verdict == nil {
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "drift.decide.flagged")
	}
	before := sub.Version
	next := sub
	next.Status, next.UpdatedBy = kind.Status(), c.Req.User
	stepName, _, final := camp.Step(sub.Step)
	advance := kind != chorus.DecisionRequestChanges && !final
	switch {
	case advance:
		// a chain step approves: the copy moves on to the next step, still awaiting
		next.Status, next.Step = sub.Status, sub.Step+1
	case kind == chorus.DecisionRequestChanges:
		next.Step = 0 // sent back to the author: the chain starts again
	}
	if verdict != nil {
		next.Verdict, next.CampaignVersion = *verdict, camp.Version
	}
	saved, err := c.store.UpdateSubmission(ctx, next)
	if errors.Is(err, chorus.ErrConflict) {
		return reply.Reply{}, chorus.Errorf(chorus.ErrConflict, "drift.card.stale", c.T("drift.status.changed"))
	}
	if err != nil {
		return reply.Reply{}, fmt.Errorf("store decision: %w", err)
	}
	d.Version = saved.Version
	if err := c.store.AddDecision(ctx, d); err != nil {
		return reply.Reply{}, fmt.Errorf("record decision: %w", err)
	}
	if kind == chorus.DecisionApproveException && !advance {
		err := c.store.AddException(ctx, chorus.Exception{WorkspaceID: c.Req.Workspace, Campaign: camp.Slug, TextHash: chorus.TextHash(sub.Text),
			MessageHash: sub.MessageHash, Submission: sub.ID, Author: c.Req.User, Comment: comment})
		if err != nil {
			return reply.Reply{}, fmt.Errorf("record exception: %w", err)
		}
	}
	detail := comment
	if len(camp.Chain) > 0 {
		name := stepName
		if final {
			name = c.T("drift.step.leads")
		}
		detail = strings.TrimSpace(c.T("drift.step.audit", name) + " " + comment)
	}
	if err := c.Audit(ctx, "submission."+string(kind), "submission:"+sub.ID, before, saved.Version, detail); err != nil {
		return reply.Reply{}, err
	}
	if advance {
		return c.stepApproved(ctx, camp, saved, stepName, kind, comment)
	}
	ac, err := c.as(ctx, sub.Author)
	if err != nil {
		return reply.Reply{}, err
	}
	tell := ac.T("drift.told."+string(kind), feature.Mention(c.Req.User), camp.Name, sub.ChannelKind)
	if comment != "" {
		tell += "\n> " + strings.ReplaceAll(comment, "\n", "\n> ")
	}
	if kind == chorus.DecisionRequestChanges && sub.FromMessage() {
		tell += "\n" + ac.T("drift.told.edit_hint")
	}
	post := reply.Post{Channel: sub.Author, Text: tell}
	if sub.FromMessage() {
		post = reply.Post{Channel: sub.SlackChannel, Thread: sub.SlackTS, Text: feature.Mention(sub.Author) + " " + tell}
	}
	post.Blocks = []reply.Block{{Kind: reply.Section, Text: post.Text}}
	posts := []reply.Post{post}
	if kind != chorus.DecisionRequestChanges && c.after != nil {
		more, err := c.after.Approved(ctx, c.Turn, camp)
		if err != nil {
			return reply.Reply{}, err
		}
		posts = append(posts, more...)
	}
	done := c.T("drift.decided."+string(kind), feature.Mention(sub.Author), camp.Name, sub.ChannelKind)
	return reply.Reply{Text: done, Blocks: []reply.Block{{Kind: reply.Section, Text: decisionEmoji(kind) + " " + done}}, ReplaceOriginal: true, Posts: posts}, nil
}

// stepApproved tells the author that a step of the chain approved her copy and sends the cards
// of the next step.
func (c *call) stepApproved(ctx context.Context, camp chorus.Campaign, sub chorus.Submission, step string, kind chorus.DecisionKind, comment string) (reply.Reply, error) {
	k, err := c.check(ctx, camp, sub.Text)
	if err != nil {
		return reply.Reply{}, err
	}
	cards, err := c.leadCards(ctx, camp, sub, k)
	if err != nil {
		return reply.Reply{}, err
	}
	nextName, nextWho, final := camp.Step(sub.Step)
	if final {
		nextName = c.T("drift.step.leads")
	}
	ac, err := c.as(ctx, sub.Author)
	if err != nil {
		return reply.Reply{}, err
	}
	tell := ac.T("drift.told.step", feature.Mention(c.Req.User), step, camp.Name, sub.ChannelKind, nextName)
	if comment != "" {
		tell += "\n> " + strings.ReplaceAll(comment, "\n", "\n> ")
	}
	post := reply.Post{Channel: sub.Author, Text: tell}
	if sub.FromMessage() {
		post = reply.Post{Channel: sub.SlackChannel, Thread: sub.SlackTS, Text: feature.Mention(sub.Author) + " " + tell}
	}
	post.Blocks = []reply.Block{{Kind: reply.Section, Text: post.Text}}
	done := c.T("drift.decided.step", feature.Mention(sub.Author), step, nextName, c.Mentions(nextWho))
	return reply.Reply{Text: done, Blocks: []reply.Block{{Kind: reply.Section, Text: decisionEmoji(kind) + " " + done}}, ReplaceOriginal: true,
		Posts: append([]reply.Post{post}, cards...)}, nil
}

// digestSectionMax bounds the copy a digest lists per section; App Home has the rest.
const digestSectionMax = 10
