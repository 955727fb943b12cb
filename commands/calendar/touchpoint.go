package calendar

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/i18n"
	"github.com/chorus-hq/chorus/reply"
)

// The audit actions of touchpoints; their target is "touchpoint:<id>".
const (
	actionAdd    = "touchpoint.add"
	actionMove   = "touchpoint.move"
	actionRemove = "touchpoint.remove"
)

// touchpoint answers "/campaign touchpoint add|move|remove|list|help …".
func (c *call) touchpoint(ctx context.Context, args []string) (reply.Reply, error) {
	switch feature.Verb(args, 0) {
	case "", "help":
		return c.Help("touchpoint"), nil
	case "add":
		switch {
		case len(args) < 2:
			return reply.Reply{}, c.Usage("touchpoint.add")
		case len(args) == 2:
			return c.addModal(ctx, args[1])
		}
		return c.addCommand(ctx, args[1], args[2:])
	case "move":
		if len(args) < 3 {
			return reply.Reply{}, c.Usage("touchpoint.move")
		}
		start, end, err := c.readDays(args[2:], c.WS.TimeZone)
		if err != nil {
			return reply.Reply{}, err
		}
		return c.move(ctx, args[1], start, end)
	case "remove":
		if len(args) != 2 {
			return reply.Reply{}, c.Usage("touchpoint.remove")
		}
		return c.remove(ctx, args[1])
	case "list":
		if len(args) != 2 {
			return reply.Reply{}, c.Usage("touchpoint.list")
		}
		return c.list(ctx, args[1])
	}
	return reply.Reply{}, c.Usage("touchpoint")
}

// editable loads a campaign whose touchpoints the user may change: its leads, on a campaign
// neither closed nor archived.
func (c *call) editable(ctx context.Context, slug string) (chorus.Campaign, error) {
	camp, err := c.LoadCampaign(ctx, slug)
	if err != nil {
		return camp, err
	}
	if err := c.LeadOnlyTo("touchpoint")(camp); err != nil {
		return camp, err
	}
	switch {
	case camp.Archived:
		return camp, chorus.Errorf(chorus.ErrInvalid, "campaign.archived", camp.Name, camp.Slug)
	case camp.Status == chorus.StatusClosed:
		return camp, chorus.Errorf(chorus.ErrInvalid, "touchpoint.campaign_closed", camp.Name, camp.Slug)
	}
	return camp, nil
}

// addCommand reads "<slug> <kind> <day>[..<day>] <segment…> <stage> [@owner]", its words in any
// order after the slug: each word is a channel kind, a day, a stage, a person or part of a
// segment's name, and a word that is none of them is an error naming it.
func (c *call) addCommand(ctx context.Context, slug string, words []string) (reply.Reply, error) {
	camp, err := c.editable(ctx, slug)
	if err != nil {
		return reply.Reply{}, err
	}
	tp := chorus.Touchpoint{WorkspaceID: c.Req.Workspace, Campaign: camp.Slug, Owner: c.Req.User,
		CreatedBy: c.Req.User, UpdatedBy: c.Req.User}
	var ps chorus.Problems
	var days []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		if n, seg := c.segmentAt(words[i:]); n > 0 {
			tp.Segment = seg
			i += n - 1
			continue
		}
		if st, ok := chorus.ParseStage(w); ok {
			tp.Stage = st
			continue
		}
		if kind := chorus.Fold(w); chorus.ValidKind(kind, c.WS.CustomKinds) {
			tp.Channel = kind
			continue
		}
		if strings.HasPrefix(w, "@") || isUserRef(w) {
			u, ok := feature.UserArg(w)
			if !ok {
				ps = append(ps, chorus.Invalid("owner", "user.invalid", w))
			}
			tp.Owner = u
			continue
		}
		days = append(days, w)
	}
	if len(days) == 0 {
		ps = append(ps, chorus.Invalid("start", "touchpoint.start.empty"))
	} else if start, end, err := c.readDays(days, camp.TimeZone); err != nil {
		ps = append(ps, chorus.ProblemsOf(err)...)
	} else {
		tp = tp.Moved(start, end)
	}
	if tp.Segment == "" && len(c.WS.Segments) == 0 {
		ps = append(ps, chorus.Invalid("segment", "segment.none"))
	}
	if len(ps) > 0 {
		return reply.Reply{}, ps
	}
	return c.add(ctx, camp, tp)
}

// isUserRef reports a user as the transport hands it over (reply.User).
func isUserRef(w string) bool {
	_, ok := reply.ParseUser(w)
	return ok
}

// segmentAt returns how many of words, from the first, name one of the workspace's segments
// (the longest match: « clients fidélité » typed without quotes is two words), and which.
func (c *call) segmentAt(words []string) (int, string) {
	for n := min(len(words), 6); n > 0; n-- {
		if seg, ok := chorus.FindSegment(c.WS.Segments, strings.Join(words[:n], " ")); ok {
			return n, seg
		}
	}
	return 0, ""
}

// readDays reads a day or a range of days: "15/06", "2027-06-15", « demain », « "15 juin" »,
// "15/06..21/06", "15/06 au 21/06", "15/06 → 21/06". Days are read in the campaign's zone.
func (c *call) readDays(words []string, zone string) (chorus.Date, chorus.Date, error) {
	var parts []string
	for _, w := range words {
		if a, b, ok := strings.Cut(w, ".."); ok {
			parts = append(parts, a, b)
			continue
		}
		switch chorus.Fold(w) {
		case "au", "to", "→", "-", "jusqu'au", "until":
			continue
		}
		parts = append(parts, w)
	}
	if len(parts) == 0 || len(parts) > 2 {
		return chorus.Date{}, chorus.Date{}, chorus.Invalid("start", "touchpoint.days.syntax", strings.Join(words, " "))
	}
	var days []chorus.Date
	for _, p := range parts {
		d, err := c.readDay(p, zone)
		if err != nil {
			return chorus.Date{}, chorus.Date{}, feature.WithField(err, "start")
		}
		days = append(days, d)
	}
	if len(days) == 1 {
		return days[0], chorus.Date{}, nil
	}
	return days[0], days[1], nil
}

// readDay reads one day: in full (« 15 juin 2027 », "2027-06-15") or relative to today in the
// zone ("15/06", « vendredi », « demain », « aujourd'hui »).
func (c *call) readDay(s, zone string) (chorus.Date, error) {
	loc := chorus.LoadLocation(zone)
	now := c.Now().In(loc)
	switch chorus.Fold(s) {
	case "aujourd'hui", "aujourdhui", "today":
		return chorus.DateOf(now), nil
	}
	d, err := chorus.ReadDay(s)
	if err == nil || chorus.HasCode(err, "when.no_such_day") {
		return d, err
	}
	m, err := chorus.ParseMoment(s, loc, now)
	if err != nil {
		return chorus.Date{}, err
	}
	return chorus.DateOf(m.Time.In(loc)), nil
}

// add validates and stores a new touchpoint, audits it and answers its card.
func (c *call) add(ctx context.Context, camp chorus.Campaign, tp chorus.Touchpoint) (reply.Reply, error) {
	if seg, ok := chorus.FindSegment(c.WS.Segments, tp.Segment); ok {
		tp.Segment = seg // as the workspace spells it
	}
	if err := c.check(camp, tp); err != nil {
		return reply.Reply{}, err
	}
	saved, err := c.store.AddTouchpoint(ctx, tp)
	if err != nil {
		return reply.Reply{}, fmt.Errorf("add touchpoint to %q: %w", camp.Slug, err)
	}
	if err := c.Audit(ctx, actionAdd, "touchpoint:"+saved.ID, 0, saved.Version, detail(saved)); err != nil {
		return reply.Reply{}, err
	}
	return c.card(ctx, camp, saved, c.T("touchpoint.added", camp.Name, saved.ID))
}

// check validates tp on camp: the domain's rules, and no day already past.
func (c *call) check(camp chorus.Campaign, tp chorus.Touchpoint) error {
	var ps chorus.Problems
	if err := tp.Validate(c.WS.CustomKinds, c.WS.Segments); err != nil {
		ps = append(ps, chorus.ProblemsOf(err)...)
	}
	today := chorus.DateOf(c.Now().In(camp.Location()))
	if !tp.Start.IsZero() && tp.Last().Before(today) {
		ps = append(ps, chorus.Invalid("start", "touchpoint.past", c.days(tp)))
	}
	return ps.Err()
}

// load returns the touchpoint id and its campaign, which the user may change.
func (c *call) load(ctx context.Context, id string) (chorus.Touchpoint, chorus.Campaign, error) {
	id = strings.ToLower(strings.TrimPrefix(id, "#"))
	tp, err := c.store.Touchpoint(ctx, c.Req.Workspace, id)
	if errors.Is(err, chorus.ErrNotFound) {
		return tp, chorus.Campaign{}, chorus.Errorf(chorus.ErrNotFound, "touchpoint.unknown", id)
	}
	if err != nil {
		return tp, chorus.Campaign{}, fmt.Errorf("load touchpoint %q: %w", id, err)
	}
	camp, err := c.editable(ctx, tp.Campaign)
	return tp, camp, err
}

// move sets a touchpoint's days, re-applied to the newest version if someone edited it meanwhile.
func (c *call) move(ctx context.Context, id string, start, end chorus.Date) (reply.Reply, error) {
	for attempt := 0; ; attempt++ {
		before, camp, err := c.load(ctx, id)
		if err != nil {
			return reply.Reply{}, err
		}
		next := before.Moved(start, end)
		if next.Start == before.Start && next.Last() == before.Last() {
			return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "touchpoint.move.same", before.ID, c.days(before))
		}
		if err := c.check(camp, next); err != nil {
			return reply.Reply{}, err
		}
		next.UpdatedBy = c.Req.User
		saved, err := c.store.UpdateTouchpoint(ctx, next)
		if errors.Is(err, chorus.ErrConflict) && attempt < feature.MaxEditRetries {
			continue
		}
		if err != nil {
			return reply.Reply{}, fmt.Errorf("move touchpoint %q: %w", id, err)
		}
		if err := c.Audit(ctx, actionMove, "touchpoint:"+saved.ID, before.Version, saved.Version, detail(saved)); err != nil {
			return reply.Reply{}, err
		}
		return c.card(ctx, camp, saved, c.T("touchpoint.moved", saved.ID, c.days(before), c.days(saved)))
	}
}

// remove takes a touchpoint off the calendar; its history keeps it.
func (c *call) remove(ctx context.Context, id string) (reply.Reply, error) {
	for attempt := 0; ; attempt++ {
		before, camp, err := c.load(ctx, id)
		if err != nil {
			return reply.Reply{}, err
		}
		before.UpdatedBy = c.Req.User
		saved, err := c.store.RemoveTouchpoint(ctx, before)
		if errors.Is(err, chorus.ErrConflict) && attempt < feature.MaxEditRetries {
			continue
		}
		if err != nil {
			return reply.Reply{}, fmt.Errorf("remove touchpoint %q: %w", id, err)
		}
		if err := c.Audit(ctx, actionRemove, "touchpoint:"+saved.ID, before.Version, saved.Version, detail(saved)); err != nil {
			return reply.Reply{}, err
		}
		return feature.Notice("🗑️ " + c.T("touchpoint.removed", c.line(saved), camp.Name)), nil
	}
}

// list answers all the touchpoints of a campaign, by day, in sections of maxCardTouchpoints
// lines (the card shows the first ones only).
func (c *call) list(ctx context.Context, slug string) (reply.Reply, error) {
	camp, err := c.LoadCampaign(ctx, slug)
	if err != nil {
		return reply.Reply{}, err
	}
	tps, err := c.store.CampaignTouchpoints(ctx, c.Req.Workspace, camp.Slug)
	if err != nil {
		return reply.Reply{}, fmt.Errorf("touchpoints of %q: %w", camp.Slug, err)
	}
	title := c.T("touchpoint.list.title", camp.Name)
	blocks := []reply.Block{{Kind: reply.Header, Text: feature.Ellipsis(title, 150)}}
	lines := []string{title}
	if len(tps) == 0 {
		empty := "_" + c.T("touchpoint.card.empty", camp.Slug) + "_"
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: empty})
		lines = append(lines, empty)
	}
	for chunk := range slices.Chunk(tps, maxCardTouchpoints) {
		var b strings.Builder
		for i, tp := range chunk {
			if i > 0 {
				b.WriteString("\n")
			}
			b.WriteString(c.line(tp))
		}
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: b.String()})
		lines = append(lines, b.String())
	}
	return reply.Reply{Text: strings.Join(lines, "\n"), Blocks: blocks}, nil
}

// card is the answer to an add or a move: what was done, the touchpoint, the radar's warnings
// about it, its buttons.
func (c *call) card(ctx context.Context, camp chorus.Campaign, tp chorus.Touchpoint, done string) (reply.Reply, error) {
	warnings, err := c.warningsAbout(ctx, tp)
	if err != nil {
		return reply.Reply{}, err
	}
	text := "✅ " + done + "\n" + c.line(tp)
	for _, w := range warnings {
		text += "\n" + w.Text
	}
	blocks := append([]reply.Block{{Kind: reply.Section, Text: "✅ " + done + "\n" + c.line(tp)}}, warnings...)
	blocks = append(blocks, []reply.Block{
		{Kind: reply.Actions, Buttons: []reply.Button{
			{Text: c.T("button.touchpoint.move"), ActionID: reply.ActTouchpointMove, Value: tp.ID},
			{Text: c.T("button.touchpoint.remove"), ActionID: reply.ActTouchpointRemove, Value: tp.ID, Style: "danger"},
			{Text: c.T("button.campaign.show"), ActionID: reply.ActCampaignShow, Value: camp.Slug},
		}},
	}...)
	return reply.Reply{Text: text, Blocks: blocks}, nil
}

// line is one touchpoint: « `p4k2xa` *email* · 3 juin → 9 juin 2027 · prospects · achat · @sami ».
func (c *call) line(tp chorus.Touchpoint) string {
	return fmt.Sprintf("`%s` *%s* · %s · %s · %s · %s", tp.ID, tp.Channel, c.days(tp), feature.Isolate(tp.Segment),
		c.T("stage."+string(tp.Stage)), feature.Mention(tp.Owner))
}

// days writes a touchpoint's day or range in the user's language.
func (c *call) days(tp chorus.Touchpoint) string {
	if tp.SingleDay() {
		return i18n.FormatDate(tp.Start, c.Lang)
	}
	return i18n.FormatDate(tp.Start, c.Lang) + " → " + i18n.FormatDate(tp.Last(), c.Lang)
}

// detail is an audit entry's words about a touchpoint, in no language: the trail shows them as
// stored.
func detail(tp chorus.Touchpoint) string {
	days := tp.Start.String()
	if !tp.SingleDay() {
		days += " → " + tp.Last().String()
	}
	return strings.Join([]string{tp.Channel, days, tp.Segment, string(tp.Stage)}, " · ")
}
