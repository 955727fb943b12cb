package calendar

import (
	"context"
	"fmt"
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// maxCardTouchpoints is how many touchpoints a campaign card lists; `/campaign touchpoint list`
// shows them all.
const maxCardTouchpoints = 15

// maxHistoryLines bounds the touchpoints' part of `/campaign history`, which must fit one message.
const maxHistoryLines = 20

// CardBlocks is the touchpoints' part of a campaign's card: each touchpoint on one line, by day.
func (f *Feature) CardBlocks(ctx context.Context, t *feature.Turn, camp chorus.Campaign) ([]reply.Block, error) {
	return f.call(t).cardBlocks(ctx, camp)
}

func (c *call) cardBlocks(ctx context.Context, camp chorus.Campaign) ([]reply.Block, error) {
	tps, err := c.store.CampaignTouchpoints(ctx, c.Req.Workspace, camp.Slug)
	if err != nil {
		return nil, fmt.Errorf("touchpoints of %q: %w", camp.Slug, err)
	}
	text := "*" + c.T("touchpoint.card.title", len(tps)) + "*\n"
	if len(tps) == 0 {
		text += "_" + c.T("touchpoint.card.empty", camp.Slug) + "_"
	}
	for i, tp := range tps {
		if i == maxCardTouchpoints {
			text += c.T("touchpoint.card.more", len(tps)-maxCardTouchpoints, camp.Slug)
			break
		}
		text += c.line(tp) + "\n"
	}
	return []reply.Block{{Kind: reply.Section, Text: strings.TrimRight(text, "\n")}}, nil
}

// HistoryBlocks is the touchpoints' part of `/campaign history`: each add, move and removal,
// newest first.
func (f *Feature) HistoryBlocks(ctx context.Context, t *feature.Turn, camp chorus.Campaign) ([]reply.Block, error) {
	c := f.call(t)
	all, err := c.store.CampaignTouchpointHistory(ctx, c.Req.Workspace, camp.Slug)
	if err != nil {
		return nil, fmt.Errorf("touchpoint history of %q: %w", camp.Slug, err)
	}
	if len(all) == 0 {
		return nil, nil
	}
	prev := map[string]chorus.Touchpoint{} // id -> the version before, in time order
	lines := make([]string, 0, len(all))
	for _, v := range all {
		what := "touchpoint.history.added"
		old, seen := prev[v.ID]
		switch {
		case v.Removed:
			what = "touchpoint.history.removed"
		case seen && (old.Start != v.Start || old.Last() != v.Last()):
			what = "touchpoint.history.moved"
		case seen:
			what = "touchpoint.history.edited"
		}
		line := c.T(what, c.When(v.UpdatedAt), feature.Mention(v.UpdatedBy), c.line(v))
		if what == "touchpoint.history.moved" {
			line += " " + c.T("touchpoint.history.was", c.days(old))
		}
		lines = append(lines, line)
		prev[v.ID] = v
	}
	var b strings.Builder
	b.WriteString("*" + c.T("touchpoint.history.title") + "*")
	for i := len(lines) - 1; i >= 0 && len(lines)-i <= maxHistoryLines; i-- {
		b.WriteString("\n" + lines[i])
	}
	return []reply.Block{{Kind: reply.Divider}, {Kind: reply.Section, Text: b.String()}}, nil
}

// AuditTargets names, for the campaign's audit trail, the audit targets of its touchpoints
// (removed ones included): "touchpoint:<id>" → « point de contact p4k2xa (email) ».
func (f *Feature) AuditTargets(ctx context.Context, t *feature.Turn, camp chorus.Campaign) (map[string]string, error) {
	c := f.call(t)
	all, err := c.store.CampaignTouchpointHistory(ctx, c.Req.Workspace, camp.Slug)
	if err != nil {
		return nil, fmt.Errorf("touchpoint history of %q: %w", camp.Slug, err)
	}
	out := map[string]string{}
	for _, v := range all {
		out["touchpoint:"+v.ID] = c.T("audit.target.touchpoint", v.ID, v.Channel)
	}
	return out, nil
}
