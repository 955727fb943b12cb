package calendar

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/i18n"
	"github.com/chorus-hq/chorus/radar"
	"github.com/chorus-hq/chorus/reply"
)

// digestHorizon is how many days ahead the lead's digest looks for collisions: four weeks, the
// span a Monday digest can still act on.
const digestHorizon = 28

// maxWarnings bounds the warnings one message shows.
const maxWarnings = 8

// scene is the calendar of a span of days as the radar and the timeline see it: the
// touchpoints (with those of the radar's window on each side), their campaigns, the warnings.
type scene struct {
	from, to    chorus.Date
	today       chorus.Date
	touchpoints []chorus.Touchpoint
	campaigns   map[string]chorus.Campaign
	warnings    []radar.Warning
}

// today is the current day in the workspace's time zone.
func (c *call) today() chorus.Date { return chorus.DateOf(c.Now().In(c.WS.Location())) }

// scene reads the workspace's calendar of [from, to] and runs the radar over it. Touchpoints of
// archived campaigns are out of it.
func (c *call) scene(ctx context.Context, from, to chorus.Date) (scene, error) {
	set := c.WS.Radar.OrDefault()
	sc := scene{from: from, to: to, today: c.today(), campaigns: map[string]chorus.Campaign{}}
	camps, err := c.store.Campaigns(ctx, c.Req.Workspace)
	if err != nil {
		return sc, fmt.Errorf("campaigns: %w", err)
	}
	for _, camp := range camps {
		if !camp.Archived {
			sc.campaigns[camp.Slug] = camp
		}
	}
	all, err := c.store.Touchpoints(ctx, c.Req.Workspace, from.AddDays(1-set.Window), to.AddDays(set.Window-1))
	if err != nil {
		return sc, fmt.Errorf("touchpoints: %w", err)
	}
	all = slices.DeleteFunc(all, func(tp chorus.Touchpoint) bool { _, ok := sc.campaigns[tp.Campaign]; return !ok })
	// approved copy is asked for campaign by campaign, of the touchpoints shown only: the
	// workspace's approved copy of a year or more is most of its submissions
	approved, asked := map[string]bool{}, map[string]bool{}
	for _, tp := range all {
		if asked[tp.Campaign] {
			continue
		}
		asked[tp.Campaign] = true
		subs, err := c.store.Submissions(ctx, c.Req.Workspace, chorus.SubmissionFilter{Campaign: tp.Campaign,
			Statuses: []chorus.SubmissionStatus{chorus.SubmissionApproved, chorus.SubmissionApprovedWithException}})
		if err != nil {
			return sc, fmt.Errorf("approved copy: %w", err)
		}
		for _, s := range subs {
			approved[s.Campaign+"/"+s.ChannelKind] = true
		}
	}
	ws := radar.Check(radar.Input{Touchpoints: all, Campaigns: camps, Settings: set, Today: sc.today,
		Approved: func(camp, channel string) bool { return approved[camp+"/"+channel] }})
	for _, w := range ws {
		if !w.To.Before(from) && !to.Before(w.From) {
			sc.warnings = append(sc.warnings, w)
		}
	}
	for _, tp := range all {
		if tp.Overlaps(from, to) {
			sc.touchpoints = append(sc.touchpoints, tp)
		}
	}
	return sc, nil
}

// warningsAbout are the radar's warnings that involve the touchpoint, as blocks with a button
// to the calendar; nil when there is none.
func (c *call) warningsAbout(ctx context.Context, tp chorus.Touchpoint) ([]reply.Block, error) {
	set := c.WS.Radar.OrDefault()
	sc, err := c.scene(ctx, tp.Start.AddDays(1-set.Window), tp.Last().AddDays(set.Window-1))
	if err != nil {
		return nil, err
	}
	ws := slices.DeleteFunc(sc.warnings, func(w radar.Warning) bool { return !w.Involves(tp.ID) })
	return c.warningBlocks(ws, sc.campaigns), nil
}

// warningBlocks writes warnings, each with a button that opens the calendar of its month.
func (c *call) warningBlocks(ws []radar.Warning, camps map[string]chorus.Campaign) []reply.Block {
	var blocks []reply.Block
	for i, w := range ws {
		if i == maxWarnings {
			blocks = append(blocks, reply.Block{Kind: reply.Context, Text: c.T("home.more", len(ws)-maxWarnings)})
			break
		}
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: "⚠️ " + c.warningText(w, camps),
			Accessory: &reply.Button{Text: c.T("button.calendar.open"), ActionID: reply.ActCalendarOpen, Value: monthOf(w.From).String()}})
	}
	return blocks
}

// warningText says one warning: which rule, which campaigns, which days.
func (c *call) warningText(w radar.Warning, camps map[string]chorus.Campaign) string {
	names := make([]string, len(w.Campaigns))
	for i, slug := range w.Campaigns {
		name := slug
		if camp, ok := camps[slug]; ok {
			name = camp.Name
		}
		names[i] = c.T("radar.campaign", feature.Isolate(name), slug)
	}
	list := strings.Join(names, ", ")
	if n := len(names); n > 1 {
		list = strings.Join(names[:n-1], ", ") + c.T("radar.and") + names[n-1]
	}
	days := c.span(w.From, w.To)
	ids := "`" + strings.Join(w.Touchpoints, "`, `") + "`"
	switch w.Kind {
	case radar.Pressure:
		set := c.WS.Radar.OrDefault()
		return c.T("radar.pressure", feature.Isolate(w.Segment), w.Count, days, set.Limit, set.Window, list, ids)
	case radar.Overlap:
		return c.T("radar.overlap", list, feature.Isolate(w.Segment), w.Channel, days, ids)
	case radar.Unapproved:
		return c.T("radar.unapproved", list, ids, w.Channel, days)
	case radar.AfterEnd:
		end := ""
		if camp, ok := camps[w.Campaigns[0]]; ok {
			end = i18n.FormatDate(camp.End, c.Lang)
		}
		return c.T("radar.after_end", list, end, ids, w.Channel, days)
	}
	return string(w.Kind)
}

// span writes a day, or a span of days.
func (c *call) span(from, to chorus.Date) string {
	if from == to {
		return c.T("radar.day", i18n.FormatDate(from, c.Lang))
	}
	return c.T("radar.days", i18n.FormatDate(from, c.Lang), i18n.FormatDate(to, c.Lang))
}

// monthOf is the first day of d's month.
func monthOf(d chorus.Date) chorus.Date { return chorus.Date{Year: d.Year, Month: d.Month, Day: 1} }

// DigestSections is the calendar's part of the leads' digest: on a Monday, the picture of the
// next four weeks; every day, the radar's collisions of those weeks. Other digests get nothing.
func (f *Feature) DigestSections(ctx context.Context, t *feature.Turn, lead bool) ([]reply.Block, error) {
	if !lead {
		return nil, nil
	}
	c := f.call(t)
	today := c.today()
	p := period{from: today, to: today.AddDays(digestHorizon - 1)}
	sc, err := c.scene(ctx, p.from, p.to)
	if err != nil {
		return nil, err
	}
	var blocks []reply.Block
	if today.In(time.UTC).Weekday() == time.Monday {
		deadlines, err := c.deadlines(ctx, p, sc)
		if err != nil {
			return nil, err
		}
		if len(rows(p, sc, deadlines)) > 0 {
			pic, err := c.picture(p, sc, deadlines)
			if err != nil {
				return nil, err
			}
			blocks = append(blocks, reply.Block{Kind: reply.Section, Text: "📅 *" + c.T("calendar.digest.title") + "*"}, pic)
		}
	}
	if len(sc.warnings) > 0 {
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: "📡 *" + c.T("radar.digest.title", len(sc.warnings)) + "*"})
		blocks = append(blocks, c.warningBlocks(sc.warnings, sc.campaigns)...)
	}
	return blocks, nil
}

// radarSettings answers "/chorus radar [<limit> <days>]": everyone reads the threshold, the
// omnichannel leads and admins set it ("default" goes back to the defaults).
func (c *call) radarSettings(ctx context.Context, args []string) (reply.Reply, error) {
	if len(args) > 0 {
		var set chorus.RadarSettings
		switch {
		case len(args) == 1 && (chorus.Fold(args[0]) == "default" || chorus.Fold(args[0]) == "defaut"):
		case len(args) == 2:
			n, errN := strconv.Atoi(args[0])
			d, errD := strconv.Atoi(strings.TrimSuffix(strings.TrimSuffix(chorus.Fold(args[1]), "j"), "d"))
			if errN != nil || errD != nil || n < 1 || d < 1 {
				return reply.Reply{}, c.Usage("radar")
			}
			set = chorus.RadarSettings{Limit: n, Window: d}
		default:
			return reply.Reply{}, c.Usage("radar")
		}
		if !c.IsWorkspaceLead() {
			return reply.Reply{}, chorus.Errorf(chorus.ErrForbidden, "forbidden.radar")
		}
		_, err := c.editWorkspace(ctx, "settings.radar", strings.Join(args, " "), func(w *chorus.Workspace) error {
			w.Radar = set
			return nil
		})
		if err != nil {
			return reply.Reply{}, err
		}
	}
	set := c.WS.Radar.OrDefault()
	text := c.T("radar.settings", set.Limit, set.Window)
	if len(args) > 0 {
		text = "✅ " + text
	}
	return reply.Reply{Text: text, Blocks: []reply.Block{{Kind: reply.Section, Text: "📡 " + text}, {Kind: reply.Context, Text: c.T("radar.settings.hint")}}}, nil
}
