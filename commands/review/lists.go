package review

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

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
	k := checked{camp: camp, ref: c.refs.Compile(camp.Enforced(), terms, 0)}
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

// homeShown is how much copy awaiting the user's decision the App Home shows: the latest
// changed; the rest is counted and named with /campaign submissions mine.
const homeShown = 10

// awaitingShown is how much of it /campaign submissions mine lists.
const awaitingShown = 30

// homeApprovals lists, for the App Home, the copy awaiting a decision of the user in the
// campaigns they lead: the store's index of copy awaiting a decision gives the first few and
// the count, so the list costs what it shows, not what those campaigns or the workspace hold.
// A user who leads no campaign sees no such section.
func (c *call) homeApprovals(ctx context.Context) ([]reply.Block, error) {
	subs, total, err := c.awaiting.AwaitingDecision(ctx, c.Req.Workspace, c.Req.User, homeShown)
	if err != nil {
		return nil, fmt.Errorf("list submissions awaiting approval: %w", err)
	}
	if total == 0 {
		leads, err := c.leadsACampaign(ctx)
		if err != nil || !leads {
			return nil, err
		}
	}
	blocks := []reply.Block{{Kind: reply.Divider}, {Kind: reply.Section, Text: "*" + c.T("drift.home.title", total) + "*"}}
	if total == 0 {
		return append(blocks, reply.Block{Kind: reply.Context, Text: c.T("drift.home.none")}), nil
	}
	lines, err := c.awaitingLines(ctx, subs)
	if err != nil {
		return nil, err
	}
	blocks = append(blocks, lines...)
	if total > len(subs) {
		blocks = append(blocks, reply.Block{Kind: reply.Context, Text: c.T("drift.home.more", total-len(subs))})
	}
	return blocks, nil
}

// leadsACampaign reports whether the user leads a campaign that is not closed.
func (c *call) leadsACampaign(ctx context.Context) (bool, error) {
	_, n, err := c.awaiting.CampaignsPage(ctx, c.Req.Workspace, chorus.CampaignFilter{Lead: c.Req.User}, 0, 1)
	if err != nil {
		return false, fmt.Errorf("list campaigns led: %w", err)
	}
	return n > 0, nil
}

// awaitingList answers "/campaign submissions mine": the copy awaiting the user's decision in
// every campaign they lead, the latest changed first.
func (c *call) awaitingList(ctx context.Context) (reply.Reply, error) {
	subs, total, err := c.awaiting.AwaitingDecision(ctx, c.Req.Workspace, c.Req.User, awaitingShown)
	if err != nil {
		return reply.Reply{}, fmt.Errorf("list submissions awaiting approval: %w", err)
	}
	if total == 0 {
		return feature.Notice(c.T("drift.home.none")), nil
	}
	title := c.T("drift.home.title", total)
	blocks, err := c.awaitingLines(ctx, subs)
	if err != nil {
		return reply.Reply{}, err
	}
	lines := []string{title}
	for _, b := range blocks {
		lines = append(lines, b.Text)
	}
	blocks = append([]reply.Block{{Kind: reply.Header, Text: title}}, blocks...)
	if total > len(subs) {
		blocks = append(blocks, reply.Block{Kind: reply.Context, Text: c.T("drift.list.mine_more", total-len(subs))})
	}
	return reply.Reply{Text: strings.Join(lines, "\n"), Blocks: blocks}, nil
}

// awaitingLines are the lines of copy awaiting a decision, each with its campaign's name and a
// button to its approval card.
func (c *call) awaitingLines(ctx context.Context, subs []chorus.Submission) ([]reply.Block, error) {
	names := map[string]string{}
	var blocks []reply.Block
	for _, sub := range subs {
		name, ok := names[sub.Campaign]
		if !ok {
			camp, err := c.LoadCampaign(ctx, sub.Campaign)
			if err != nil {
				return nil, err
			}
			name, names[sub.Campaign] = camp.Name, camp.Name
		}
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: c.submissionLine(sub) + " · " + name,
			Accessory: &reply.Button{Text: c.T("drift.button.review"), ActionID: reply.ActDriftShow, Value: sub.ID}})
	}
	return blocks, nil
}

func (c *call) messageChanged(ctx context.Context, saved chorus.Campaign) ([]reply.Block, []reply.Post, error) {
	ref, err := c.reference(ctx, saved)
	if err != nil {
		return nil, nil, err
	}
	facts := reply.Block{Kind: reply.Context, Text: "🔎 " + ref.Summary(c.Lang) + " · " + c.T("drift.facts.fix")}
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
