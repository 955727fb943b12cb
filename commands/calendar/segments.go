package calendar

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

// segment answers "/chorus segment [list] | add <name> | remove <name>": everyone reads the
// audience segments, the omnichannel leads and admins change them.
func (c *call) segment(ctx context.Context, args []string) (reply.Reply, error) {
	v := feature.Verb(args, 0)
	switch v {
	case "", "list":
		return c.segmentList(c.WS), nil
	case "help":
		return c.Help("segment"), nil
	case "add", "remove":
	default:
		return reply.Reply{}, c.Usage("segment")
	}
	name := feature.Unquote(feature.Rest(args[1:]))
	if name == "" {
		return reply.Reply{}, c.Usage("segment")
	}
	if !c.IsWorkspaceLead() {
		return reply.Reply{}, chorus.Errorf(chorus.ErrForbidden, "forbidden.segments")
	}
	var change func(w *chorus.Workspace) error
	if v == "add" {
		change = func(w *chorus.Workspace) error {
			if err := chorus.ValidateSegment(w.Segments, name); err != nil {
				return err
			}
			w.Segments = append(w.Segments, name)
			return nil
		}
	} else {
		seg, ok := chorus.FindSegment(c.WS.Segments, name)
		if !ok {
			return reply.Reply{}, chorus.Errorf(chorus.ErrNotFound, "segment.unknown", name, strings.Join(c.WS.Segments, ", "))
		}
		if err := c.segmentUnused(ctx, seg); err != nil {
			return reply.Reply{}, err
		}
		change = func(w *chorus.Workspace) error {
			w.Segments = slices.DeleteFunc(w.Segments, func(s string) bool { return s == seg })
			return nil
		}
	}
	saved, err := c.editWorkspace(ctx, "settings.segment."+v, name, change)
	if err != nil {
		return reply.Reply{}, err
	}
	r := c.segmentList(saved)
	r.Blocks = append([]reply.Block{{Kind: reply.Section, Text: "✅ " + c.T("segment.saved."+v, name)}}, r.Blocks...)
	r.Text = "✅ " + c.T("segment.saved."+v, name) + "\n" + r.Text
	return r, nil
}

// segmentUnused refuses to remove a segment that touchpoints still reach: they would lose it.
func (c *call) segmentUnused(ctx context.Context, seg string) error {
	tps, err := c.store.Touchpoints(ctx, c.Req.Workspace, chorus.Date{}, chorus.Date{})
	if err != nil {
		return fmt.Errorf("touchpoints: %w", err)
	}
	var used []string
	for _, tp := range tps {
		if chorus.Fold(tp.Segment) == chorus.Fold(seg) {
			used = append(used, "`"+tp.ID+"`")
		}
	}
	if len(used) > 0 {
		return chorus.Errorf(chorus.ErrInvalid, "segment.in_use", seg, len(used), strings.Join(used[:min(len(used), 10)], ", "))
	}
	return nil
}

// editWorkspace applies change to the latest settings and saves them, re-applied when someone
// saved meanwhile, and audits the change.
func (c *call) editWorkspace(ctx context.Context, action, detail string, change func(w *chorus.Workspace) error) (chorus.Workspace, error) {
	for attempt := 0; ; attempt++ {
		w, err := c.defaults.Workspace(ctx, c.store, c.Req.Workspace)
		if err != nil {
			return w, fmt.Errorf("load workspace: %w", err)
		}
		before := w.Version
		w.Segments = slices.Clone(w.Segments)
		if err := change(&w); err != nil {
			return w, err
		}
		if err := w.Validate(); err != nil {
			return w, err
		}
		w.UpdatedBy = c.Req.User
		saved, err := c.store.SaveWorkspace(ctx, w)
		if errors.Is(err, chorus.ErrConflict) && attempt < feature.MaxEditRetries {
			continue
		}
		if err != nil {
			return w, fmt.Errorf("save workspace: %w", err)
		}
		if err := c.Audit(ctx, action, "workspace:"+w.ID, before, saved.Version, detail); err != nil {
			return saved, err
		}
		c.WS = saved
		return saved, nil
	}
}

// segmentList shows the workspace's audience segments.
func (c *call) segmentList(w chorus.Workspace) reply.Reply {
	title := c.T("segment.title", len(w.Segments))
	text := "_" + c.T("segment.empty") + "_"
	if len(w.Segments) > 0 {
		lines := make([]string, len(w.Segments))
		for i, s := range w.Segments {
			lines[i] = "• " + feature.Isolate(s)
		}
		text = strings.Join(lines, "\n")
	}
	return reply.Reply{Text: title + "\n" + text, Blocks: []reply.Block{
		{Kind: reply.Header, Text: title},
		{Kind: reply.Section, Text: text},
		{Kind: reply.Context, Text: c.T("segment.hint")},
	}}
}
