package campaign

import (
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// campaignCard shows a campaign: its message, must-include points, channels and owners, next
// deadlines and status. tasks are its open tasks, soonest first (nil to leave them out).
func (c *call) campaignCard(camp chorus.Campaign, tasks []chorus.Task) reply.Reply {
	blocks := []reply.Block{{Kind: reply.Header, Text: campaignEmoji(camp) + " " + camp.Name}}
	if camp.Archived {
		blocks = append(blocks, reply.Block{Kind: reply.Context, Text: c.T("campaign.card.archived", camp.Slug)})
	}
	msg := camp.Message
	if strings.TrimSpace(msg) == "" {
		msg = "_" + c.T("campaign.card.no_message", camp.Slug) + "_"
	}
	blocks = append(blocks, reply.Block{Kind: reply.Section, Text: "*" + c.T("field.message") + "*\n" + msg})
	if len(camp.MustInclude) > 0 {
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: "*" + c.T("field.must_include") + "*\n• " + strings.Join(camp.MustInclude, "\n• ")})
	}
	// points that contradict the message are said until a lead resolves them
	blocks = append(blocks, c.StaleBlocks(camp)...)
	fields := []string{
		"*" + c.T("field.status") + "*\n" + c.statusWord(camp),
		"*" + c.T("field.leads") + "*\n" + c.Mentions(camp.Leads),
	}
	if !camp.Start.IsZero() {
		fields = append(fields, "*"+c.T("field.dates")+"*\n"+c.DateRange(camp))
	}
	fields = append(fields, "*"+c.T("field.time_zone")+"*\n"+camp.TimeZone)
	if len(camp.Chain) > 0 {
		fields = append(fields, "*"+c.T("field.chain")+"*\n"+c.chainLine(camp))
	}
	blocks = append(blocks, reply.Block{Kind: reply.Section, Fields: fields})
	if len(camp.Channels) > 0 {
		lines := make([]string, 0, len(camp.Channels))
		for _, ch := range camp.Channels {
			line := "• *" + ch.Kind + "*"
			if ch.SlackChannel != "" {
				line += " " + feature.ChannelRef(ch.SlackChannel)
			}
			line += " — " + c.T("campaign.card.owner", feature.Mention(ch.Owner))
			lines = append(lines, line)
		}
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: "*" + c.T("field.channels") + "*\n" + strings.Join(lines, "\n")})
	} else {
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: "*" + c.T("field.channels") + "*\n_" + c.T("campaign.card.no_channels", camp.Slug) + "_"})
	}
	if tasks != nil {
		text := "*" + c.T("campaign.card.deadlines") + "*\n"
		if len(tasks) == 0 {
			text += "_" + c.T("task.list.empty") + "_"
		}
		for i, t := range tasks {
			if i == 5 {
				text += "\n" + c.T("campaign.card.more_tasks", len(tasks)-5, camp.Slug)
				break
			}
			text += c.TaskLine(t) + "\n"
		}
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: strings.TrimRight(text, "\n")})
	}
	blocks = append(blocks, reply.Block{Kind: reply.Context, Text: c.T("campaign.card.version", camp.Slug, camp.Version, feature.Mention(camp.UpdatedBy), c.When(camp.UpdatedAt))})
	text := camp.Name + " (" + camp.Slug + ")"
	if camp.Message != "" {
		text += " — " + feature.Ellipsis(camp.Message, 200)
	}
	return reply.Reply{Text: text, Blocks: blocks}
}
