package calendar

import (
	"context"
	"slices"
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// addModal is the form that adds a touchpoint to a campaign (its slug as private metadata).
func (c *call) addModal(ctx context.Context, slug string) (reply.Reply, error) {
	camp, err := c.editable(ctx, slug)
	if err != nil {
		return reply.Reply{}, err
	}
	if len(c.WS.Segments) == 0 {
		return reply.Reply{}, chorus.Invalid("segment", "segment.none")
	}
	kinds := append(slices.Clone(chorus.BuiltinKinds), c.WS.CustomKinds...)
	channel := reply.Input{ID: "channel", Label: c.T("field.channel"), Kind: reply.SelectInput}
	for _, k := range kinds {
		channel.Options = append(channel.Options, reply.Option{Text: k, Value: k})
	}
	if len(camp.Channels) > 0 {
		channel.Initial = camp.Channels[0].Kind
	}
	segment := reply.Input{ID: "segment", Label: c.T("field.segment"), Kind: reply.SelectInput}
	for _, s := range c.WS.Segments {
		segment.Options = append(segment.Options, reply.Option{Text: feature.Ellipsis(s, 75), Value: s})
	}
	stage := reply.Input{ID: "stage", Label: c.T("field.stage"), Kind: reply.SelectInput}
	for _, st := range chorus.Stages {
		stage.Options = append(stage.Options, reply.Option{Text: c.T("stage." + string(st)), Value: string(st)})
	}
	start := camp.Start
	if today := chorus.DateOf(c.Now().In(camp.Location())); start.Before(today) {
		start = today
	}
	return reply.Reply{Modal: &reply.Modal{
		CallbackID: reply.ModalTouchpointAdd, PrivateMetadata: camp.Slug,
		Title: c.T("modal.touchpoint.add"), Submit: c.T("button.touchpoint.add"), Close: c.T("button.cancel"),
		Intro: c.T("modal.touchpoint.intro", camp.Name),
		Inputs: []reply.Input{
			channel,
			{ID: "start", Label: c.T("field.start"), Kind: reply.DateInput, Initial: start.String()},
			{ID: "end", Label: c.T("field.end"), Kind: reply.DateInput, Optional: true, Placeholder: c.T("modal.touchpoint.end_hint")},
			segment,
			stage,
			{ID: "owner", Label: c.T("field.owner"), Kind: reply.UserInput, Initial: c.Req.User},
		},
	}}, nil
}

// submitAdd answers the add form; problems stay in the form, under their fields.
func (c *call) submitAdd(ctx context.Context, sub reply.Submission) (reply.Reply, error) {
	camp, err := c.editable(ctx, sub.PrivateMetadata)
	if err != nil {
		return reply.Reply{}, err
	}
	v := sub.Values
	tp := chorus.Touchpoint{WorkspaceID: c.Req.Workspace, Campaign: camp.Slug,
		Channel: chorus.Fold(v["channel"]), Segment: strings.TrimSpace(v["segment"]), Owner: strings.TrimSpace(v["owner"]),
		CreatedBy: c.Req.User, UpdatedBy: c.Req.User}
	var ps chorus.Problems
	if st, ok := chorus.ParseStage(v["stage"]); ok {
		tp.Stage = st
	} else {
		ps = append(ps, chorus.Invalid("stage", "touchpoint.stage.invalid", v["stage"]))
	}
	start, end, dps := formDays(v)
	ps = append(ps, dps...)
	tp = tp.Moved(start, end)
	if err := c.check(camp, tp); err != nil {
		for _, p := range chorus.ProblemsOf(err) {
			if !slices.ContainsFunc(ps, func(q *chorus.Error) bool { return q.Field == p.Field }) {
				ps = append(ps, p)
			}
		}
	}
	if len(ps) > 0 {
		return reply.Reply{}, ps
	}
	return c.add(ctx, camp, tp)
}

// formDays reads a form's start and end dates (the date picker's "2006-01-02").
func formDays(v map[string]string) (chorus.Date, chorus.Date, chorus.Problems) {
	var ps chorus.Problems
	var days [2]chorus.Date
	for i, id := range []string{"start", "end"} {
		s := strings.TrimSpace(v[id])
		if s == "" {
			continue
		}
		d, ok := chorus.ParseDay(s)
		if !ok {
			ps = append(ps, chorus.Invalid(id, "date.invalid", s))
		}
		days[i] = d
	}
	return days[0], days[1], ps
}

// moveModal is the form that moves a touchpoint (its id as private metadata).
func (c *call) moveModal(ctx context.Context, id string) (reply.Reply, error) {
	tp, _, err := c.load(ctx, id)
	if err != nil {
		return reply.Reply{}, err
	}
	end := ""
	if !tp.SingleDay() {
		end = tp.Last().String()
	}
	return reply.Reply{Modal: &reply.Modal{
		CallbackID: reply.ModalTouchpointMove, PrivateMetadata: tp.ID,
		Title: c.T("modal.touchpoint.move"), Submit: c.T("button.touchpoint.move"), Close: c.T("button.cancel"),
		Intro: c.line(tp),
		Inputs: []reply.Input{
			{ID: "start", Label: c.T("field.start"), Kind: reply.DateInput, Initial: tp.Start.String()},
			{ID: "end", Label: c.T("field.end"), Kind: reply.DateInput, Initial: end, Optional: true, Placeholder: c.T("modal.touchpoint.end_hint")},
		},
	}}, nil
}

// submitMove answers the move form.
func (c *call) submitMove(ctx context.Context, sub reply.Submission) (reply.Reply, error) {
	start, end, ps := formDays(sub.Values)
	if start.IsZero() && len(ps) == 0 {
		ps = append(ps, chorus.Invalid("start", "touchpoint.start.empty"))
	}
	if len(ps) > 0 {
		return reply.Reply{}, ps
	}
	return c.move(ctx, sub.PrivateMetadata, start, end)
}
