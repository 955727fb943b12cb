package review

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/drift"
	"github.com/chorus-hq/chorus/reply"
)

// verdictReply writes a check's verdict in the caller's language. withCopy quotes the copy,
// for a verdict that is not posted under the message itself.
func (c *call) verdictReply(sub chorus.Submission, k checked, withCopy bool) reply.Reply {
	var blocks []reply.Block
	if withCopy {
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: c.T("drift.copy.heading", feature.Mention(sub.Author), k.camp.Name, sub.ChannelKind) + "\n" + quote(sub.Text)})
	}
	head, lines := c.verdictLines(k)
	blocks = append(blocks, reply.Block{Kind: reply.Section, Text: head})
	if len(lines) > 0 {
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: strings.Join(lines, "\n")})
	}
	if k.rewrite != "" {
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: "🤖 *" + c.T("drift.rewrite") + "*\n" + quote(k.rewrite)})
	}
	blocks = append(blocks, reply.Block{Kind: reply.Context, Text: c.T("drift.verdict.context", sub.ID, k.camp.Slug, sub.CampaignVersion, c.T("drift.status."+string(sub.Status)))})
	if c.judge != nil && !k.judged && k.exception == nil {
		blocks = append(blocks, reply.Block{Kind: reply.Actions, Buttons: []reply.Button{{Text: c.T("drift.button.judge"), ActionID: reply.ActDriftJudge, Value: cardValue(sub)}}})
	}
	return reply.Reply{Text: head, Blocks: blocks}
}

// verdictLines returns the verdict's first line and one line per finding, each with its reason
// and suggestion. Blocks stay under Slack's 3,000 characters per section.
func (c *call) verdictLines(k checked) (string, []string) {
	switch {
	case k.exception != nil:
		return "✅ " + c.T("drift.verdict.excepted", feature.Mention(k.exception.Author), k.exception.Comment), nil
	case !k.drift():
		return "✅ " + c.T("drift.verdict.aligned", k.camp.Name), nil
	}
	var lines []string
	size := 0
	add := func(line string) {
		if size+utf8.RuneCountInString(line) < 2800 {
			lines = append(lines, line)
			size += utf8.RuneCountInString(line) + 1
		}
	}
	for _, f := range k.offline.Findings {
		line := "• *" + c.T("drift.kind."+string(f.Kind)) + "* — " + f.Reason(c.Lang)
		if f.Suggestion != "" {
			line += "\n   💡 " + f.Suggestion
		}
		add(line)
	}
	for _, f := range k.extra {
		line := "• 🤖 *" + c.T("drift.kind."+string(f.Kind)) + "* — " + f.Reason
		if f.Suggestion != "" {
			line += "\n   💡 " + f.Suggestion
		}
		add(line)
	}
	return "⚠️ " + c.T("drift.verdict.drift", len(k.offline.Findings)+len(k.extra), k.camp.Name), lines
}

// reviewLines returns one line per finding of low confidence (« à vérifier »).
func (c *call) reviewLines(k checked) []string {
	if k.exception != nil {
		return nil
	}
	lines := make([]string, 0, len(k.offline.Review))
	for i, f := range k.offline.Review {
		if i == digestSectionMax {
			break
		}
		lines = append(lines, "• "+f.Reason(c.Lang))
	}
	return lines
}

// quote writes text as a Slack block quote.
func quote(text string) string {
	return "> " + strings.ReplaceAll(ellipsis2(text, 1500), "\n", "\n> ")
}

// ellipsis2 cuts s to n runes keeping its line breaks (ellipsis flattens them).
func ellipsis2(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// cardValue is what the approval buttons carry: the submission and the version the card shows,
// so a click on a card the copy has since outgrown is refused.
func cardValue(sub chorus.Submission) string { return sub.ID + "@" + strconv.Itoa(sub.Version) }

func parseCardValue(v string) (string, int, error) {
	id, n, ok := strings.Cut(v, "@")
	version, err := strconv.Atoi(n)
	if !ok || err != nil || id == "" {
		return "", 0, chorus.Errorf(chorus.ErrInvalid, "drift.card.bad")
	}
	return id, version, nil
}

// leadCards returns an approval card for each approver of the step the copy awaits (the
// campaign's leads, or a step of its approval chain), in each one's language, sent to them
// directly.
func (c *call) leadCards(ctx context.Context, camp chorus.Campaign, sub chorus.Submission, k checked) ([]reply.Post, error) {
	_, to, final := camp.Step(sub.Step)
	to = slices.Clone(to)
	if len(without(to, sub.Author)) == 0 {
		// four eyes: the author cannot approve her own copy; at a chain step the campaign's
		// leads stand in, at the leads' step the workspace's leads
		stand := camp.Leads
		if final {
			stand = c.WS.Leads
		}
		for _, u := range stand {
			if !slices.Contains(to, u) {
				to = append(to, u)
			}
		}
	}
	posts := make([]reply.Post, 0, len(to))
	for _, lead := range to {
		lc, err := c.as(ctx, lead)
		if err != nil {
			return nil, err
		}
		r := lc.approvalCard(sub, k, lead)
		posts = append(posts, reply.Post{Channel: lead, Text: r.Text, Blocks: r.Blocks})
	}
	return posts, nil
}

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

// approvalCard is what a lead reads to decide: the copy, the verdict and the decision buttons.
// Flagged copy can only be approved with an exception. viewer is who reads it: the copy's author
// gets no approval button (four eyes), only « request changes » and who approves instead.
func (c *call) approvalCard(sub chorus.Submission, k checked, viewer string) reply.Reply {
	title := c.T("drift.card.title", k.camp.Name, sub.ChannelKind)
	blocks := []reply.Block{{Kind: reply.Header, Text: "📝 " + title}, {Kind: reply.Section, Text: quote(sub.Text)}}
	head, lines := c.verdictLines(k)
	blocks = append(blocks, reply.Block{Kind: reply.Section, Text: strings.Join(append([]string{head}, lines...), "\n")})
	if review := c.reviewLines(k); len(review) > 0 {
		// the leads alone read the low-confidence findings: the channel sees only alerts
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: "🔎 *" + c.T("drift.review.heading") + "*\n" + strings.Join(review, "\n")})
	}
	if k.rewrite != "" {
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: "🤖 *" + c.T("drift.rewrite") + "*\n" + quote(k.rewrite)})
	}
	where := ""
	if sub.FromMessage() {
		where = " · " + feature.ChannelRef(sub.SlackChannel)
	}
	blocks = append(blocks, reply.Block{Kind: reply.Context, Text: c.T("drift.card.context", feature.Mention(sub.Author), sub.ID, sub.CampaignVersion) + where})
	if n := len(k.camp.Chain); n > 0 {
		name, who, final := k.camp.Step(sub.Step)
		if final {
			name = c.T("drift.step.leads")
		}
		blocks = append(blocks, reply.Block{Kind: reply.Context, Text: c.T("drift.step.context", sub.Step+1, n+1, name, c.Mentions(who))})
	}
	v := cardValue(sub)
	var buttons []reply.Button
	if sub.Status.Awaiting() {
		if k.drift() {
			buttons = []reply.Button{
				{Text: c.T("drift.button.changes"), ActionID: reply.ActDriftChanges, Value: v, Style: "danger"},
				{Text: c.T("drift.button.exception"), ActionID: reply.ActDriftException, Value: v},
				{Text: c.T("drift.button.not_drift"), ActionID: reply.ActDriftNotDrift, Value: v},
			}
		} else {
			buttons = []reply.Button{
				{Text: c.T("drift.button.approve"), ActionID: reply.ActDriftApprove, Value: v, Style: "primary"},
				{Text: c.T("drift.button.changes"), ActionID: reply.ActDriftChanges, Value: v},
			}
		}
		if _, _, final := k.camp.Step(sub.Step); !final {
			// « pas une dérive » is the leads' decision, at the last step
			buttons = slices.DeleteFunc(buttons, func(b reply.Button) bool { return b.ActionID == reply.ActDriftNotDrift })
		}
		if viewer == sub.Author {
			_, others := approvers(k.camp, sub, viewer, false)
			who := c.Mentions(others)
			if len(others) == 0 {
				who = c.T("drift.card.ws_leads")
			}
			blocks = append(blocks, reply.Block{Kind: reply.Context, Text: "👀 " + c.T("drift.card.own", who)})
			buttons = slices.DeleteFunc(buttons, func(b reply.Button) bool { return b.ActionID != reply.ActDriftChanges })
		}
		blocks = append(blocks, reply.Block{Kind: reply.Actions, Buttons: buttons})
	} else {
		blocks = append(blocks, reply.Block{Kind: reply.Context, Text: c.T("drift.status." + string(sub.Status))})
	}
	return reply.Reply{Text: title + " — " + feature.Ellipsis(sub.Text, 150), Blocks: blocks}
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
	done := c.T("drift.decided."+string(kind), feature.Mention(sub.Author), camp.Name, sub.ChannelKind)
	return reply.Reply{Text: done, Blocks: []reply.Block{{Kind: reply.Section, Text: decisionEmoji(kind) + " " + done}}, ReplaceOriginal: true, Posts: []reply.Post{post}}, nil
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

func decisionEmoji(k chorus.DecisionKind) string {
	switch k {
	case chorus.DecisionApprove:
		return "✅"
	case chorus.DecisionApproveException:
		return "☑️"
	}
	return "✏️"
}

// showSubmission shows a submission's approval card again, from the App Home.
func (c *call) showSubmission(ctx context.Context, id string) (reply.Reply, error) {
	sub, err := c.store.Submission(ctx, c.Req.Workspace, id)
	if errors.Is(err, chorus.ErrNotFound) {
		return reply.Reply{}, chorus.Errorf(chorus.ErrNotFound, "drift.submission.unknown", id)
	}
	if err != nil {
		return reply.Reply{}, fmt.Errorf("load submission: %w", err)
	}
	camp, err := c.LoadCampaign(ctx, sub.Campaign)
	if err != nil {
		return reply.Reply{}, err
	}
	k, err := c.check(ctx, camp, sub.Text)
	if err != nil {
		return reply.Reply{}, err
	}
	if sub.MessageHash != chorus.MessageHash(camp) {
		sub.Status = chorus.SubmissionOutOfDate // the card must not offer a decision on it
	}
	return c.approvalCard(sub, k, c.Req.User), nil
}

// judgeSubmission asks the judge about a submission on request and shows its opinion to the
// asker. The stored verdict is unchanged: the offline detector remains the record.
func (c *call) judgeSubmission(ctx context.Context, value string) (reply.Reply, error) {
	j := c.judge
	if j == nil {
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "drift.judge.off")
	}
	id, _, err := parseCardValue(value)
	if err != nil {
		return reply.Reply{}, err
	}
	sub, err := c.store.Submission(ctx, c.Req.Workspace, id)
	if err != nil {
		return reply.Reply{}, fmt.Errorf("load submission: %w", err)
	}
	camp, err := c.LoadCampaign(ctx, sub.Campaign)
	if err != nil {
		return reply.Reply{}, err
	}
	terms, err := c.glossaryTerms(ctx)
	if err != nil {
		return reply.Reply{}, err
	}
	k := checked{camp: camp, ref: drift.Compile(camp.Enforced(), terms, 0)}
	k.offline = k.ref.Check(sub.Text, "")
	op, err := j.Judge(ctx, JudgeQuery{Campaign: camp, Glossary: terms, Reference: k.ref, Text: sub.Text, Lang: c.Lang, Offline: k.offline})
	if err != nil {
		c.Log.Warn("drift judge unavailable on request", "submission", id, "err", err)
		return feature.Notice("⚠️ " + c.T("drift.judge.unavailable")), nil
	}
	k.extra, k.rewrite, k.judged = op.Findings, op.Rewrite, true
	head, lines := c.verdictLines(k)
	blocks := []reply.Block{{Kind: reply.Section, Text: "🤖 " + c.T("drift.judge.title") + "\n" + head}}
	if len(lines) > 0 {
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: strings.Join(lines, "\n")})
	}
	if k.rewrite != "" {
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: "*" + c.T("drift.rewrite") + "*\n" + quote(k.rewrite)})
	}
	return reply.Reply{Text: head, Blocks: blocks}, nil
}

// submissionList answers "/campaign submissions <slug>": each copy and where it stands.
func (c *call) submissionList(ctx context.Context, slug string) (reply.Reply, error) {
	camp, err := c.LoadCampaign(ctx, slug)
	if err != nil {
		return reply.Reply{}, err
	}
	subs, err := c.store.Submissions(ctx, c.Req.Workspace, chorus.SubmissionFilter{Campaign: camp.Slug})
	if err != nil {
		return reply.Reply{}, fmt.Errorf("list submissions: %w", err)
	}
	if len(subs) == 0 {
		return feature.Notice(c.T("drift.list.empty", camp.Name)), nil
	}
	blocks := []reply.Block{{Kind: reply.Header, Text: c.T("drift.list.title", camp.Name, len(subs))}}
	lines := []string{c.T("drift.list.title", camp.Name, len(subs))}
	for i, sub := range subs {
		if i == 30 {
			blocks = append(blocks, reply.Block{Kind: reply.Context, Text: c.T("home.more", len(subs)-30)})
			break
		}
		line := c.submissionLine(sub)
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: line, Accessory: &reply.Button{Text: c.T("button.show"), ActionID: reply.ActDriftShow, Value: sub.ID}})
		lines = append(lines, line)
	}
	return reply.Reply{Text: strings.Join(lines, "\n"), Blocks: blocks}, nil
}

func (c *call) submissionLine(sub chorus.Submission) string {
	return fmt.Sprintf("%s `%s` *%s* · %s — %s — « %s »", statusIcon(sub.Status), sub.ID, sub.ChannelKind, feature.Mention(sub.Author),
		c.T("drift.status."+string(sub.Status)), feature.Ellipsis(sub.Text, 80))
}

func statusIcon(s chorus.SubmissionStatus) string {
	switch s {
	case chorus.SubmissionPending:
		return "🕒"
	case chorus.SubmissionFlagged:
		return "⚠️"
	case chorus.SubmissionChangesRequested:
		return "✏️"
	case chorus.SubmissionApproved:
		return "✅"
	case chorus.SubmissionApprovedWithException:
		return "☑️"
	}
	return "⌛"
}

// homeApprovals lists, for the App Home, the copy awaiting a decision of the user among camps.
func (c *call) homeApprovals(ctx context.Context, camps []chorus.Campaign) ([]reply.Block, error) {
	led := map[string]chorus.Campaign{}
	for _, camp := range camps {
		if camp.IsLead(c.Req.User) {
			led[camp.Slug] = camp
		}
	}
	if len(led) == 0 {
		return nil, nil
	}
	subs, err := c.store.Submissions(ctx, c.Req.Workspace, chorus.SubmissionFilter{Statuses: []chorus.SubmissionStatus{chorus.SubmissionPending, chorus.SubmissionFlagged}})
	if err != nil {
		return nil, fmt.Errorf("list submissions awaiting approval: %w", err)
	}
	subs = slices.DeleteFunc(subs, func(s chorus.Submission) bool { _, ok := led[s.Campaign]; return !ok })
	blocks := []reply.Block{{Kind: reply.Divider}, {Kind: reply.Section, Text: "*" + c.T("drift.home.title", len(subs)) + "*"}}
	if len(subs) == 0 {
		blocks = append(blocks, reply.Block{Kind: reply.Context, Text: c.T("drift.home.none")})
	}
	for i, sub := range subs {
		if i == 20 {
			blocks = append(blocks, reply.Block{Kind: reply.Context, Text: c.T("home.more", len(subs)-20)})
			break
		}
		line := c.submissionLine(sub) + " · " + led[sub.Campaign].Name
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: line, Accessory: &reply.Button{Text: c.T("drift.button.review"), ActionID: reply.ActDriftShow, Value: sub.ID}})
	}
	return blocks, nil
}

func (c *call) messageChanged(ctx context.Context, saved chorus.Campaign) ([]reply.Block, []reply.Post, error) {
	terms, err := c.glossaryTerms(ctx)
	if err != nil {
		return nil, nil, err
	}
	facts := reply.Block{Kind: reply.Context, Text: "🔎 " + drift.Compile(saved.Enforced(), terms, 0).Summary(c.Lang) + " · " + c.T("drift.facts.fix")}
	subs, err := c.store.Submissions(ctx, c.Req.Workspace, chorus.SubmissionFilter{Campaign: saved.Slug})
	if err != nil {
		return nil, nil, fmt.Errorf("list submissions: %w", err)
	}
	hash := chorus.MessageHash(saved)
	var posts []reply.Post
	for _, sub := range subs {
		if sub.Status == chorus.SubmissionOutOfDate || sub.MessageHash == hash {
			continue
		}
		was := sub.Status
		next := sub
		next.Status, next.UpdatedBy = chorus.SubmissionOutOfDate, c.Req.User
		out, err := c.store.UpdateSubmission(ctx, next)
		if errors.Is(err, chorus.ErrConflict) {
			// A decision or re-check landed meanwhile; the re-check stamped the new message or
			// the next message change will catch it. A decision on it is refused as out of date.
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("put submission %s out of date: %w", sub.ID, err)
		}
		if err := c.Audit(ctx, "submission.out_of_date", "submission:"+sub.ID, sub.Version, out.Version, fmt.Sprintf("campaign v%d", saved.Version)); err != nil {
			return nil, nil, err
		}
		ac, err := c.as(ctx, sub.Author)
		if err != nil {
			return nil, nil, err
		}
		key := "drift.outdated.pending"
		if was.Approved() {
			key = "drift.outdated.approved"
		}
		text := ac.T(key, saved.Name, sub.ChannelKind, feature.Mention(c.Req.User), saved.Version) + "\n" + quote(feature.Ellipsis(sub.Text, 200))
		hint := ac.T("drift.outdated.hint_typed", saved.Slug, sub.ChannelKind)
		if sub.FromMessage() {
			hint = ac.T("drift.outdated.hint_message")
		}
		text += "\n" + hint
		posts = append(posts, reply.Post{Channel: sub.Author, Text: text, Blocks: []reply.Block{{Kind: reply.Section, Text: "⌛ " + text}}})
	}
	return []reply.Block{facts}, posts, nil
}

// digestSectionMax bounds the copy a digest lists per section; App Home has the rest.
const digestSectionMax = 10

// DigestSections is what a digest adds about copy under review: copy awaiting a lead's decision
// and copy whose drift is still open (flagged, or changes requested), among camps. A team
// channel's digest (lead false) keeps the copy of the kinds that channel carries; a lead digest
// keeps everything. t is a turn in the digest's language whose request names only the
// workspace.
func (f *Feature) DigestSections(ctx context.Context, t *feature.Turn, channel string, lead bool, camps []chorus.Campaign) ([]reply.Block, error) {
	c, workspace := f.call(t), t.Req.Workspace
	inScope := map[string]string{} // campaign slug -> name
	kinds := map[string]bool{}     // campaign/kind this channel carries
	for _, camp := range camps {
		for _, ch := range camp.Channels {
			if lead || ch.SlackChannel == channel {
				inScope[camp.Slug] = camp.Name
				kinds[camp.Slug+"/"+ch.Kind] = true
			}
		}
	}
	var blocks []reply.Block
	if lead {
		// points that contradict a campaign's message, until a lead resolves them
		var lines []string
		for _, camp := range camps {
			for _, sp := range camp.StalePoints {
				lines = append(lines, "• *"+camp.Name+"* (`"+camp.Slug+"`) — "+c.StaleLine(sp))
			}
		}
		if len(lines) > 0 {
			n := len(lines)
			if n > digestSectionMax {
				lines = append(lines[:digestSectionMax], c.T("home.more", n-digestSectionMax))
			}
			blocks = append(blocks, reply.Block{Kind: reply.Section, Text: "⚠️ *" + c.T("points.stale.digest", n) + "*\n" + strings.Join(lines, "\n")})
		}
	}
	if len(inScope) == 0 {
		return blocks, nil
	}
	subs, err := c.store.Submissions(ctx, workspace, chorus.SubmissionFilter{Statuses: []chorus.SubmissionStatus{
		chorus.SubmissionPending, chorus.SubmissionFlagged, chorus.SubmissionChangesRequested}})
	if err != nil {
		return nil, fmt.Errorf("list submissions for a digest: %w", err)
	}
	var pending, open, toCheck []chorus.Submission
	for _, sub := range subs {
		if _, ok := inScope[sub.Campaign]; !ok || !lead && !kinds[sub.Campaign+"/"+sub.ChannelKind] {
			continue
		}
		if lead && sub.Verdict.ToCheck > 0 && sub.Status.Awaiting() {
			toCheck = append(toCheck, sub)
		}
		if sub.Status == chorus.SubmissionPending {
			pending = append(pending, sub)
		} else {
			open = append(open, sub)
		}
	}
	section := func(title string, list []chorus.Submission) {
		if len(list) == 0 {
			return
		}
		lines := []string{"*" + title + "*"}
		for i, sub := range list {
			if i == digestSectionMax {
				lines = append(lines, c.T("home.more", len(list)-digestSectionMax))
				break
			}
			lines = append(lines, "• "+c.submissionLine(sub)+" · "+inScope[sub.Campaign])
		}
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: strings.Join(lines, "\n")})
	}
	section(c.T("drift.digest.pending", len(pending)), pending)
	section(c.T("drift.digest.open", len(open)), open)
	section(c.T("drift.digest.to_check", len(toCheck)), toCheck) // the leads' « à vérifier »
	return blocks, nil
}
