package campaign

import (
	"context"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// Home is the campaign feature's part of the user's App Home: their most urgent open tasks
// with a Done button, and the campaigns they lead or own a channel of, saying for leads those
// still missing a global message. The Home is a dashboard, not a listing: each list shows its
// first homeShown, read as such from the store with its exact count, and the rest is named with
// the command that lists it all, so that opening it costs the same after ten years as after one.
func (f *Feature) Home(ctx context.Context, t *feature.Turn) ([]reply.Block, error) {
	return f.call(t).home(ctx)
}

// homeShown is how many items each list of the App Home shows: the tasks due soonest, the
// campaigns by slug.
const homeShown = 10

func (c *call) home(ctx context.Context) ([]reply.Block, error) {
	blocks := []reply.Block{{Kind: reply.Header, Text: c.T("home.title")}}
	tasks, total, err := c.pages.TasksPage(ctx, c.Req.Workspace, chorus.TaskFilter{Owner: c.Req.User, Statuses: []chorus.TaskStatus{chorus.TaskOpen}}, homeShown)
	if err != nil {
		return nil, err
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
		blocks = append(blocks, reply.Block{Kind: reply.Context, Text: c.T("home.tasks.more", total-len(tasks))})
	}
	mine, total, err := c.pages.CampaignsPage(ctx, c.Req.Workspace, chorus.CampaignFilter{Member: c.Req.User}, 0, homeShown)
	if err != nil {
		return nil, err
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
		blocks = append(blocks, reply.Block{Kind: reply.Context, Text: c.T("home.campaigns.more", total-len(mine))})
	}
	return blocks, nil
}
