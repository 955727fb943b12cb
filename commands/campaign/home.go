package campaign

import (
	"context"
	"slices"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// Home is the campaign feature's part of the user's App Home: their open tasks with a Done
// button, the campaigns they lead or own a channel of and, for leads, those still missing a
// global message. It also returns those campaigns, for the other features' parts.
func (f *Feature) Home(ctx context.Context, t *feature.Turn) ([]reply.Block, []chorus.Campaign, error) {
	return f.call(t).home(ctx)
}

func (c *call) home(ctx context.Context) ([]reply.Block, []chorus.Campaign, error) {
	blocks := []reply.Block{{Kind: reply.Header, Text: c.T("home.title")}}
	tasks, err := c.store.Tasks(ctx, c.Req.Workspace, chorus.TaskFilter{Owner: c.Req.User, Statuses: []chorus.TaskStatus{chorus.TaskOpen}})
	if err != nil {
		return nil, nil, err
	}
	blocks = append(blocks, reply.Block{Kind: reply.Section, Text: "*" + c.T("home.tasks", len(tasks)) + "*"})
	if len(tasks) == 0 {
		blocks = append(blocks, reply.Block{Kind: reply.Context, Text: c.T("task.list.empty")})
	}
	for i, t := range tasks {
		if i == 30 { // keeps the view inside Slack's 100 blocks
			blocks = append(blocks, reply.Block{Kind: reply.Context, Text: c.T("home.more", len(tasks)-30)})
			break
		}
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: c.TaskLine(t),
			Accessory: &reply.Button{Text: c.T("button.done"), ActionID: reply.ActTaskDone, Value: t.ID, Style: "primary"}})
	}
	camps, err := c.store.Campaigns(ctx, c.Req.Workspace)
	if err != nil {
		return nil, nil, err
	}
	mine := slices.DeleteFunc(camps, func(camp chorus.Campaign) bool {
		if camp.Status == chorus.StatusClosed {
			return true
		}
		return !camp.IsLead(c.Req.User) && !slices.ContainsFunc(camp.Channels, func(ch chorus.Channel) bool { return ch.Owner == c.Req.User })
	})
	blocks = append(blocks, reply.Block{Kind: reply.Divider}, reply.Block{Kind: reply.Section, Text: "*" + c.T("home.campaigns", len(mine)) + "*"})
	for i, camp := range mine {
		if i == 30 {
			blocks = append(blocks, reply.Block{Kind: reply.Context, Text: c.T("home.more", len(mine)-30)})
			break
		}
		line := feature.StatusEmoji(camp.Status) + " *" + feature.Isolate(camp.Name) + "* (`" + camp.Slug + "`)"
		if camp.IsLead(c.Req.User) {
			line += " · " + c.T("home.you_lead")
			if camp.Message == "" {
				line += " · ⚠️ " + c.T("campaign.card.no_message", camp.Slug)
			}
		}
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: line, Accessory: &reply.Button{Text: c.T("button.show"), ActionID: reply.ActCampaignShow, Value: camp.Slug}})
	}
	return blocks, mine, nil
}
