package calendar

import (
	"fmt"
	"slices"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/reply"
	"github.com/chorus-hq/chorus/timeline"
)

// picture draws the calendar of p as a PNG block: campaigns as rows, touchpoints as bars
// coloured by channel, deadlines, today, collisions outlined; words in the reader's language,
// days in the workspace's zone.
func (c *call) picture(p period, sc scene, deadlines []chorus.Task) (reply.Block, error) {
	collides := map[string]bool{}
	for _, w := range sc.warnings {
		for _, id := range w.Touchpoints {
			collides[id] = true
		}
	}
	chart := timeline.Chart{
		Title: c.T("calendar.title", c.span(p.from, p.to)),
		From:  p.from, To: p.to, Today: sc.today,
		Words: timeline.Words{
			Month:     c.monthName,
			Today:     c.T("calendar.legend.today"),
			Deadline:  c.T("calendar.legend.deadline"),
			Collision: c.T("calendar.legend.collision"),
			Empty:     c.T("calendar.empty"),
			More:      func(n int) string { return c.T("calendar.legend.more", n) },
		},
	}
	loc := c.WS.Location()
	bars := 0
	for _, camp := range rows(p, sc, deadlines) {
		row := timeline.Row{Label: camp.Name, Note: camp.Slug}
		for _, tp := range sc.touchpoints {
			if tp.Campaign == camp.Slug {
				row.Bars = append(row.Bars, timeline.Bar{Channel: tp.Channel, From: tp.Start, To: tp.Last(), Collision: collides[tp.ID]})
			}
		}
		for _, t := range deadlines {
			if t.Campaign == camp.Slug {
				row.Marks = append(row.Marks, timeline.Mark{Day: chorus.DateOf(t.Due.In(loc))})
			}
		}
		bars += len(row.Bars)
		chart.Rows = append(chart.Rows, row)
	}
	png, err := c.drawn.encode(c.pictures, chart, c.Lang)
	if err != nil {
		return reply.Block{}, fmt.Errorf("draw the calendar: %w", err)
	}
	name := fmt.Sprintf("%s-%s-%s.png", c.T("calendar.file"), p.from, p.to)
	return reply.Block{Kind: reply.Picture, Image: &reply.Image{
		Name: name, Title: chart.Title, PNG: png,
		Alt: c.T("calendar.alt", chart.Title, len(chart.Rows), bars, len(sc.warnings)),
	}}, nil
}

// withPicture puts the picture after the reply's header.
func withPicture(r reply.Reply, pic reply.Block) reply.Reply {
	r.Blocks = slices.Insert(slices.Clone(r.Blocks), 1, pic)
	return r
}
