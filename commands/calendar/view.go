package calendar

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/i18n"
	"github.com/chorus-hq/chorus/reply"
)

// maxPeriodDays bounds the span one calendar shows: half a year stays readable.
const maxPeriodDays = 184

// period is the span of days a calendar shows, and the campaign it was asked for, if any.
type period struct {
	from, to chorus.Date
	campaign string
}

// readPeriod reads what `/campaign calendar` was asked: nothing or « mois »/"month" (this
// month), « trimestre »/"quarter" (this quarter), a campaign's slug (its days), and what the
// calendar's buttons carry: a day (its month) or "<day>..<day>".
func (c *call) readPeriod(ctx context.Context, arg string) (period, error) {
	today := c.today()
	switch chorus.Fold(arg) {
	case "", "mois", "month":
		return monthPeriod(today), nil
	case "trimestre", "quarter":
		first := chorus.Date{Year: today.Year, Month: (today.Month-1)/3*3 + 1, Day: 1}
		return period{from: first, to: chorus.Date{Year: first.Year, Month: first.Month + 3, Day: 1}.AddDays(-1)}, nil
	}
	if a, b, ok := strings.Cut(arg, ".."); ok {
		from, errA := chorus.ParseDate(a)
		to, errB := chorus.ParseDate(b)
		if errA != nil || errB != nil || to.Before(from) || chorus.DaysBetween(from, to) >= maxPeriodDays {
			return period{}, c.Usage("calendar")
		}
		return period{from: from, to: to}, nil
	}
	if d, err := chorus.ParseDate(arg); err == nil {
		return monthPeriod(d), nil
	}
	camp, err := c.LoadCampaign(ctx, arg)
	if err != nil {
		if chorus.HasCode(err, "campaign.slug.syntax") {
			return period{}, c.Usage("calendar")
		}
		return period{}, err
	}
	p := period{from: camp.Start, to: camp.End, campaign: camp.Slug}
	tps, err := c.store.CampaignTouchpoints(ctx, c.Req.Workspace, camp.Slug)
	if err != nil {
		return period{}, fmt.Errorf("touchpoints of %q: %w", camp.Slug, err)
	}
	for _, tp := range tps {
		if p.from.IsZero() || tp.Start.Before(p.from) {
			p.from = tp.Start
		}
		if p.to.IsZero() || p.to.Before(tp.Last()) {
			p.to = tp.Last()
		}
	}
	switch {
	case p.from.IsZero() && p.to.IsZero():
		m := monthPeriod(today)
		p.from, p.to = m.from, m.to
	case p.from.IsZero():
		p.from = monthOf(p.to)
	case p.to.IsZero():
		p.to = monthPeriod(p.from).to
	}
	if chorus.DaysBetween(p.from, p.to) >= maxPeriodDays {
		p.to = p.from.AddDays(maxPeriodDays - 1)
	}
	return p, nil
}

// monthPeriod is the month of d.
func monthPeriod(d chorus.Date) period {
	first := monthOf(d)
	return period{from: first, to: chorus.Date{Year: first.Year, Month: first.Month + 1, Day: 1}.AddDays(-1)}
}

// calendar answers `/campaign calendar [mois|trimestre|SLUG]` and the calendar buttons.
func (c *call) calendar(ctx context.Context, arg string) (reply.Reply, error) {
	p, err := c.readPeriod(ctx, arg)
	if err != nil {
		return reply.Reply{}, err
	}
	sc, err := c.scene(ctx, p.from, p.to)
	if err != nil {
		return reply.Reply{}, err
	}
	deadlines, err := c.deadlines(ctx, p, sc)
	if err != nil {
		return reply.Reply{}, err
	}
	pic, err := c.picture(p, sc, deadlines)
	if err != nil {
		return reply.Reply{}, err
	}
	return withPicture(c.textCalendar(p, sc, deadlines), pic), nil
}

// deadlines are the open tasks of the shown campaigns due within the period.
func (c *call) deadlines(ctx context.Context, p period, sc scene) ([]chorus.Task, error) {
	loc := c.WS.Location()
	tasks, err := c.store.Tasks(ctx, c.Req.Workspace, chorus.TaskFilter{Statuses: []chorus.TaskStatus{chorus.TaskOpen},
		DueBefore: p.to.AddDays(1).In(loc)})
	if err != nil {
		return nil, fmt.Errorf("deadlines: %w", err)
	}
	return slices.DeleteFunc(tasks, func(t chorus.Task) bool {
		_, ok := sc.campaigns[t.Campaign]
		return !ok || chorus.DateOf(t.Due.In(loc)).Before(p.from)
	}), nil
}

// rows are the campaigns a calendar shows, in order: the one asked for first, then by first
// touchpoint; each with its touchpoints.
func rows(p period, sc scene, deadlines []chorus.Task) []chorus.Campaign {
	first := map[string]chorus.Date{}
	for _, tp := range sc.touchpoints {
		if d, ok := first[tp.Campaign]; !ok || tp.Start.Before(d) {
			first[tp.Campaign] = tp.Start
		}
	}
	for _, t := range deadlines {
		if _, ok := first[t.Campaign]; !ok {
			first[t.Campaign] = p.to
		}
	}
	if p.campaign != "" {
		first[p.campaign] = chorus.Date{}
	}
	var out []chorus.Campaign
	for slug := range first {
		if camp, ok := sc.campaigns[slug]; ok {
			out = append(out, camp)
		}
	}
	slices.SortFunc(out, func(a, b chorus.Campaign) int {
		if d := chorus.DaysBetween(first[b.Slug], first[a.Slug]); d != 0 {
			return d
		}
		return strings.Compare(a.Slug, b.Slug)
	})
	return out
}

// textCalendar is the calendar in words: each campaign with its touchpoints and deadlines, then
// the radar's warnings. It is the console's answer and the picture's fallback.
func (c *call) textCalendar(p period, sc scene, deadlines []chorus.Task) reply.Reply {
	title := c.T("calendar.title", c.span(p.from, p.to))
	blocks := []reply.Block{{Kind: reply.Header, Text: feature.Ellipsis(title, 150)}}
	lines := []string{title}
	camps := rows(p, sc, deadlines)
	if len(camps) == 0 {
		text := "_" + c.T("calendar.empty") + "_"
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: text})
		lines = append(lines, text)
	}
	for i, camp := range camps {
		if i == maxCardTouchpoints {
			more := c.T("home.more", len(camps)-i)
			blocks = append(blocks, reply.Block{Kind: reply.Context, Text: more})
			lines = append(lines, more)
			break
		}
		text := "*" + feature.Isolate(camp.Name) + "* (`" + camp.Slug + "`)"
		n := 0
		for _, tp := range sc.touchpoints {
			if tp.Campaign == camp.Slug && n < 10 {
				text += "\n• " + c.line(tp)
				n++
			}
		}
		for _, t := range deadlines {
			if t.Campaign == camp.Slug && n < 12 {
				text += "\n◆ " + c.T("calendar.deadline", feature.Ellipsis(t.Title, 80), c.When(t.Due))
				n++
			}
		}
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: text})
		lines = append(lines, text)
	}
	if ws := c.warningBlocks(sc.warnings, sc.campaigns); len(ws) > 0 {
		head := "📡 *" + c.T("radar.digest.title", len(sc.warnings)) + "*"
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: head})
		blocks = append(blocks, ws...)
		lines = append(lines, head)
		for _, b := range ws {
			lines = append(lines, b.Text)
		}
	}
	blocks = append(blocks, c.periodButtons(p))
	return reply.Reply{Text: strings.Join(lines, "\n"), Blocks: blocks}
}

// periodButtons move the calendar a month back or on.
func (c *call) periodButtons(p period) reply.Block {
	prev := monthOf(p.from).AddDays(-1)
	next := monthPeriod(p.to).to.AddDays(1)
	return reply.Block{Kind: reply.Actions, Buttons: []reply.Button{
		{Text: "◀ " + c.monthName(prev), ActionID: reply.ActCalendarOpen, Value: monthOf(prev).String()},
		{Text: c.monthName(next) + " ▶", ActionID: reply.ActCalendarOpen, Value: next.String()},
	}}
}

// monthName writes d's month and year: « juillet 2027 », "July 2027".
func (c *call) monthName(d chorus.Date) string {
	s := i18n.FormatDate(d, c.Lang)
	if _, rest, ok := strings.Cut(s, " "); ok {
		return rest
	}
	return s
}

// homeBlocks is HomeBlocks made anew: this month's picture, with a button to the calendar, when
// the month has touchpoints or deadlines.
func (c *call) homeBlocks(ctx context.Context) ([]reply.Block, error) {
	p := monthPeriod(c.today())
	sc, err := c.scene(ctx, p.from, p.to)
	if err != nil {
		return nil, err
	}
	deadlines, err := c.deadlines(ctx, p, sc)
	if err != nil {
		return nil, err
	}
	if len(rows(p, sc, deadlines)) == 0 {
		return nil, nil
	}
	pic, err := c.picture(p, sc, deadlines)
	if err != nil {
		return nil, err
	}
	return []reply.Block{
		{Kind: reply.Divider},
		{Kind: reply.Section, Text: "📅 *" + c.T("calendar.home.title", c.monthName(p.from)) + "*",
			Accessory: &reply.Button{Text: c.T("button.calendar.open"), ActionID: reply.ActCalendarOpen, Value: p.from.String()}},
		pic,
	}, nil
}
