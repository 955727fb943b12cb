package campaign

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// auditPageSize is how many entries a page of the audit trail shows: one section each, well
// inside Slack's 50 blocks and 3,000 characters per section.
const auditPageSize = 20

// auditLineMax bounds one entry's line, so a page stays inside Slack's limits.
const auditLineMax = 600

// campaignAudit lists who changed what in a campaign, its tasks and its copy, newest first: when,
// who, which action, from which version to which, what changed and why (a decision's reason).
// pageArg is the page, 1-based.
func (c *call) campaignAudit(ctx context.Context, slug, pageArg string) (reply.Reply, error) {
	camp, err := c.LoadCampaign(ctx, slug)
	if err != nil {
		return reply.Reply{}, err
	}
	versions, err := c.store.CampaignHistory(ctx, c.Req.Workspace, camp.Slug)
	if err != nil {
		return reply.Reply{}, fmt.Errorf("history of %q: %w", slug, err)
	}
	byVersion := map[int]chorus.Campaign{}
	for _, v := range versions {
		byVersion[v.Version] = v
	}
	entries, err := c.store.Audit(ctx, c.Req.Workspace, "campaign:"+camp.Slug)
	if err != nil {
		return reply.Reply{}, fmt.Errorf("audit of %q: %w", slug, err)
	}
	what := map[string]string{} // target -> how a line names it
	tasks, err := c.store.Tasks(ctx, c.Req.Workspace, chorus.TaskFilter{Campaign: camp.Slug})
	if err != nil {
		return reply.Reply{}, fmt.Errorf("tasks of %q: %w", slug, err)
	}
	for _, t := range tasks {
		what["task:"+t.ID] = c.T("audit.target.task", t.ID, feature.Ellipsis(t.Title, 80))
	}
	subs, err := c.store.Submissions(ctx, c.Req.Workspace, chorus.SubmissionFilter{Campaign: camp.Slug})
	if err != nil {
		return reply.Reply{}, fmt.Errorf("copy of %q: %w", slug, err)
	}
	for _, s := range subs {
		what["submission:"+s.ID] = c.T("audit.target.submission", s.ID, s.ChannelKind, feature.Mention(s.Author))
	}
	others, err := c.parts.AuditTargets(ctx, c.Turn, camp)
	if err != nil {
		return reply.Reply{}, err
	}
	maps.Copy(what, others)
	for target := range what {
		more, err := c.store.Audit(ctx, c.Req.Workspace, target)
		if err != nil {
			return reply.Reply{}, fmt.Errorf("audit of %s: %w", target, err)
		}
		entries = append(entries, more...)
	}
	if len(entries) == 0 {
		return feature.Notice(c.T("audit.empty", camp.Name)), nil
	}
	// newest first; entries of one instant keep the order they were written in
	slices.SortStableFunc(entries, func(a, b chorus.AuditEntry) int {
		if d := b.At.Compare(a.At); d != 0 {
			return d
		}
		return strings.Compare(b.ID, a.ID)
	})
	page, items, more := paginateBy(entries, pageArg, auditPageSize)
	title := c.T("audit.title", camp.Name, len(entries))
	blocks := []reply.Block{{Kind: reply.Header, Text: feature.Ellipsis(title, 150)}}
	lines := []string{title}
	for _, e := range items {
		line := feature.Ellipsis(c.auditLine(e, what, byVersion), auditLineMax)
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: line})
		lines = append(lines, line)
	}
	for _, b := range c.pagerBy(reply.ActAuditPage, page, more, camp.Slug+" ") {
		blocks = append(blocks, b)
	}
	return reply.Reply{Text: strings.Join(lines, "\n"), Blocks: blocks, ReplaceOriginal: pageArg != ""}, nil
}

// auditPage answers the audit trail's page buttons, whose value is "<slug> <page>", and the
// campaign card's button, whose value is the slug.
func (c *call) auditPage(ctx context.Context, value string) (reply.Reply, error) {
	slug, page, _ := strings.Cut(value, " ") // no page: the card's button, a new message
	return c.campaignAudit(ctx, slug, page)
}

// auditLine is one entry: « 12 juin 2027 à 10:00 · @lea · message global · v3 → v4 · … ».
func (c *call) auditLine(e chorus.AuditEntry, what map[string]string, versions map[int]chorus.Campaign) string {
	action := e.Action
	if key := "audit.action." + e.Action; c.Catalog.Has(key) {
		action = c.T(key)
	}
	parts := []string{c.When(e.At), feature.Mention(e.Actor), "*" + action + "*"}
	if name := what[e.Target]; name != "" {
		parts = append(parts, name)
	}
	switch {
	case e.Before == 0:
		parts = append(parts, "v"+strconv.Itoa(e.After))
	case e.Before != e.After:
		parts = append(parts, "v"+strconv.Itoa(e.Before)+" → v"+strconv.Itoa(e.After))
	}
	if strings.HasPrefix(e.Target, "campaign:") && e.Before > 0 {
		a, okA := versions[e.Before]
		b, okB := versions[e.After]
		if okA && okB {
			parts = append(parts, c.describeChange(a, b))
		}
	}
	d := strings.TrimSpace(e.Detail)
	switch {
	case d == "" || strings.HasSuffix(e.Action, ".create"):
		// a creation's detail is the name the line already shows
	case decisionAction(e.Action):
		parts = append(parts, c.T("audit.reason", feature.Ellipsis(d, 300))) // as the lead wrote it
	case !strings.HasPrefix(e.Action, "submission."):
		// a check's details are the checker's notes, not a person's words
		parts = append(parts, c.T("audit.detail", feature.Ellipsis(d, 300)))
	}
	return strings.Join(parts, " · ")
}

// decisionAction reports an audit action that records a lead's decision on copy.
func decisionAction(action string) bool {
	switch strings.TrimPrefix(action, "submission.") {
	case string(chorus.DecisionApprove), string(chorus.DecisionRequestChanges), string(chorus.DecisionApproveException):
		return strings.HasPrefix(action, "submission.")
	}
	return false
}
