package campaign

import (
	"context"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// Home is the campaign feature's part of the user's App Home: their open tasks with a Done
// button, the campaigns they lead or own a channel of and, for leads, those still missing a
// global message. It also returns the campaigns they lead (not closed), for the other features'
// parts. Each list shows its first 30 and how many more there are, read as such from the store.
func (f *Feature) Home(ctx context.Context, t *feature.Turn) ([]reply.Block, []chorus.Campaign, error) {
	return f.call(t).home(ctx)
}

func (c *call) home(ctx context.Context) ([]reply.Block, []chorus.Campaign, error) {
	const shown = 30 // keeps the view inside Slack's 100 blocks
	blocks := []reply.Block{{Kind: reply.Header, Text: c.T("home.title")}}
	tasks, total, err := c.pages.TasksPage(ctx, c.Req.Workspace, chorus.TaskFilter{Owner: c.Req.User, Statuses: []chorus.TaskStatus{chorus.TaskOpen}}, shown)
	if err != nil {
		return nil, nil, err
	}
	blocks = append(blocks, reply.Block{Kind: reply.Section, Text: "*" + c.T("home.tasks", total) + "*"})
	if total == 0 {
		blocks = append(blocks, reply.Block{Kind: reply.Context, Text: c.T("task.list.empty")})
	}
	for _, t := range tasks {
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: c.TaskLine(t),
			Accessory: &reply.Button{Text: c.T("button.done"), ActionID: reply.ActTaskDone, Value: t.ID, Style: "primary"}})
	}
	if total > len(tasks) {
		blocks = append(blocks, reply.Block{Kind: reply.Context, Text: c.T("home.more", total-len(tasks))})
	}
	mine, total, err := c.pages.CampaignsPage(ctx, c.Req.Workspace, chorus.CampaignFilter{Member: c.Req.User}, 0, shown)
	if err != nil {
		return nil, nil, err
	}
	blocks = append(blocks, reply.Block{Kind: reply.Divider}, reply.Block{Kind: reply.Section, Text: "*" + c.T("home.campaigns", total) + "*"})
	for _, camp := range mine {
		line := feature.StatusEmoji(camp.Status) + " *" + feature.Isolate(camp.Name) + "* (`" + camp.Slug + "`)"
		if camp.IsLead(c.Req.User) {
			line += " · " + c.T("home.you_lead")
			if camp.Message == "" {
				line += " · ⚠️ " + c.T("campaign.card.no_message", camp.Slug)
			}
		}
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: line, Accessory: &reply.Button{Text: c.T("button.show"), ActionID: reply.ActCampaignShow, Value: camp.Slug}})
	}
	if total > len(mine) {
		blocks = append(blocks, reply.Block{Kind: reply.Context, Text: c.T("home.more", total-len(mine))})
	}
	led, _, err := c.pages.CampaignsPage(ctx, c.Req.Workspace, chorus.CampaignFilter{Lead: c.Req.User}, 0, 0)
	if err != nil {
		return nil, nil, err
	}
	return blocks, led, nil
}
