package plan

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// allFlag asks for the workspace's whole plan: /campaign export --all (the same as no slug).
var allFlags = []string{"--all", "--tout", "--toutes"}

// export answers /campaign export [SLUG|--all]: the campaign's plan, or every campaign not
// archived, as an .xlsx shared with the user. Everyone reads the plan, so everyone may export.
func (c *call) export(ctx context.Context, args []string) (reply.Reply, error) {
	if len(args) > 1 {
		return reply.Reply{}, c.Usage("campaign.export")
	}
	var camps []chorus.Campaign
	scope, only := "all", ""
	if len(args) == 1 && !slices.Contains(allFlags, strings.ToLower(args[0])) {
		camp, err := c.LoadCampaign(ctx, args[0])
		if err != nil {
			return reply.Reply{}, err
		}
		camps, scope, only = []chorus.Campaign{camp}, camp.Slug, camp.Slug
	} else {
		all, err := c.store.Campaigns(ctx, c.Req.Workspace)
		if err != nil {
			return reply.Reply{}, fmt.Errorf("campaigns: %w", err)
		}
		camps = slices.DeleteFunc(all, func(camp chorus.Campaign) bool { return camp.Archived })
	}
	st, err := c.load(ctx, only, true)
	if err != nil {
		return reply.Reply{}, err
	}
	rows := c.planRows(camps, st)
	if err != nil {
		return reply.Reply{}, err
	}
	data, err := writeXLSX(rows)
	if err != nil {
		return reply.Reply{}, err
	}
	if c.files == nil {
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "plan.files.none")
	}
	name := fmt.Sprintf("chorus-plan-%s-%s.xlsx", scope, chorus.DateOf(c.Now().In(c.WS.Location())))
	title := c.T("plan.export.title", len(camps))
	where, err := c.files.Share(ctx, c.Req, name, title, data)
	if errors.Is(err, reply.ErrUnavailable) {
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "plan.files.none")
	}
	if err != nil {
		return reply.Reply{}, fmt.Errorf("share %s: %w", name, err)
	}
	text := c.T("plan.export.shared", name, len(camps), len(rows)-1)
	if where != "" {
		text = c.T("plan.export.written", where, len(camps), len(rows)-1)
	}
	return feature.Notice("📤 " + text), nil
}

// planRows is the plan of camps as the spreadsheet's rows, the header first: for each campaign
// its row, its channels' and its tasks' (every status, soonest first).
func (c *call) planRows(camps []chorus.Campaign, st state) [][]string {
	header := make([]string, numCols)
	for i, k := range colKeys {
		header[i] = c.T("plan.col." + k)
	}
	rows := [][]string{header}
	for _, camp := range camps {
		tasks, subs := st.tasks[camp.Slug], st.subs[camp.Slug]
		r := make([]string, numCols)
		r[colCampaign], r[colRow], r[colName] = camp.Slug, c.T("plan.row."+rowCampaign), camp.Name
		r[colOwner], r[colStart], r[colEnd] = strings.Join(camp.Leads, ", "), camp.Start.String(), camp.End.String()
		r[colStatus], r[colApproval] = c.T("status."+string(camp.Status)), c.approval(subs, "")
		rows = append(rows, r)
		for _, ch := range camp.Channels {
			r := make([]string, numCols)
			r[colCampaign], r[colRow], r[colChannel] = camp.Slug, c.T("plan.row."+rowChannel), ch.Kind
			r[colOwner], r[colSlack], r[colApproval] = ch.Owner, ch.SlackChannel, c.approval(subs, ch.Kind)
			rows = append(rows, r)
		}
		for _, tp := range st.tps[camp.Slug] {
			r := make([]string, numCols)
			r[colCampaign], r[colRow], r[colID], r[colChannel] = camp.Slug, c.T("plan.row."+rowTouch), tp.ID, tp.Channel
			r[colOwner], r[colStart], r[colEnd] = tp.Owner, tp.Start.String(), tp.Last().String()
			r[colSegment], r[colStage] = tp.Segment, c.T("stage."+string(tp.Stage))
			rows = append(rows, r)
		}
		for _, t := range tasks {
			r := make([]string, numCols)
			r[colCampaign], r[colRow], r[colID], r[colName] = camp.Slug, c.T("plan.row."+rowTask), t.ID, t.Title
			r[colChannel], r[colOwner], r[colStatus] = t.ChannelKind, t.Owner, c.T("plan.task."+string(t.Status))
			r[colDue] = t.Due.In(camp.Location()).Format(dueLayout)
			if t.Relative {
				r[colOffset] = c.Offset(t.Offset)
			}
			rows = append(rows, r)
		}
	}
	return rows
}

// approval counts the copy of channel kind ("": every channel) by status: « 1 en attente,
// 2 validé(s) ».
func (c *call) approval(subs []chorus.Submission, kind string) string {
	count := map[chorus.SubmissionStatus]int{}
	for _, s := range subs {
		if kind == "" || s.ChannelKind == kind {
			count[s.Status]++
		}
	}
	var parts []string
	for _, st := range chorus.ApprovalOrder {
		if n := count[st]; n > 0 {
			parts = append(parts, c.T("plan.approval."+string(st), n))
		}
	}
	if len(parts) == 0 {
		return c.T("plan.approval.none")
	}
	return strings.Join(parts, ", ")
}
