package review

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
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
	return "> " + strings.ReplaceAll(truncateKeepingLines(text, 1500), "\n", "\n> ")
}

// truncateKeepingLines cuts s to n runes keeping its line breaks (ellipsis flattens them).
func truncateKeepingLines(s string, n int) string {
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

func decisionEmoji(k chorus.DecisionKind) string {
	switch k {
	case chorus.DecisionApprove:
		return "✅"
	case chorus.DecisionApproveException:
		return "☑️"
	}
	return "✏️"
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
