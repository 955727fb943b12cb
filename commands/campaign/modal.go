package campaign

import (
	"context"
	"errors"
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// campaignModal is the form that creates (callback ModalCampaignCreate) or edits
// (ModalCampaignEdit, with the campaign's slug and version as private metadata) a campaign.
func (c *call) campaignModal(callback string, camp chorus.Campaign) *reply.Modal {
	m := &reply.Modal{CallbackID: callback, Title: c.T("modal.campaign.create"), Submit: c.T("button.create"), Close: c.T("button.cancel")}
	inputs := []reply.Input{}
	if callback == reply.ModalCampaignEdit {
		m.Title, m.Submit = c.T("modal.campaign.edit"), c.T("button.save")
		m.PrivateMetadata = camp.Slug
	} else {
		inputs = append(inputs, reply.Input{ID: "slug", Label: c.T("field.slug"), Kind: reply.TextInput, Placeholder: "ete-literie", MaxLength: chorus.MaxSlugLen})
	}
	inputs = append(inputs,
		reply.Input{ID: "name", Label: c.T("field.name"), Kind: reply.TextInput, Initial: camp.Name, MaxLength: chorus.MaxNameLen},
		reply.Input{ID: "message", Label: c.T("field.message"), Kind: reply.MultilineInput, Initial: camp.Message, Optional: true, MaxLength: chorus.MaxMessageLen},
		reply.Input{ID: "must_include", Label: c.T("field.must_include"), Kind: reply.MultilineInput, Initial: strings.Join(camp.MustInclude, "\n"), Placeholder: c.T("modal.points.placeholder"), Optional: true},
		reply.Input{ID: "start", Label: c.T("field.start"), Kind: reply.DateInput, Initial: camp.Start.String(), Optional: true},
		reply.Input{ID: "end", Label: c.T("field.end"), Kind: reply.DateInput, Initial: camp.End.String(), Optional: true},
	)
	m.Inputs = inputs
	return m
}

func (c *call) campaignEditModal(ctx context.Context, slug string) (reply.Reply, error) {
	camp, err := c.LoadCampaign(ctx, slug)
	if err != nil {
		return reply.Reply{}, err
	}
	if err := c.LeadOnly(camp); err != nil {
		return reply.Reply{}, err
	}
	return reply.Reply{Modal: c.campaignModal(reply.ModalCampaignEdit, camp)}, nil
}

// fillCampaign copies a submitted form into camp, collecting every field's problem.
func (c *call) fillCampaign(camp *chorus.Campaign, v map[string]string) chorus.Problems {
	var ps chorus.Problems
	camp.Name = strings.TrimSpace(v["name"])
	camp.Message = strings.TrimSpace(v["message"])
	camp.MustInclude = feature.SplitList(v["must_include"], "\n")
	for _, f := range []struct {
		id  string
		dst *chorus.Date
	}{{"start", &camp.Start}, {"end", &camp.End}} {
		*f.dst = chorus.Date{}
		if s := strings.TrimSpace(v[f.id]); s != "" {
			d, ok := chorus.ParseDay(s)
			if !ok {
				ps = append(ps, chorus.Invalid(f.id, "date.invalid", s))
			}
			*f.dst = d
		}
	}
	return ps
}

func (c *call) submitCampaignCreate(ctx context.Context, sub reply.Submission) (reply.Reply, error) {
	if !c.IsWorkspaceLead() {
		return reply.Reply{}, chorus.Errorf(chorus.ErrForbidden, "forbidden.create_campaign")
	}
	camp := c.newCampaign(strings.TrimSpace(sub.Values["slug"]))
	ps := c.fillCampaign(&camp, sub.Values)
	if err := camp.Validate(c.WS.CustomKinds); err != nil {
		ps = append(ps, chorus.ProblemsOf(err)...)
	}
	if err := c.notPast("end", camp.End); err != nil {
		ps = append(ps, chorus.ProblemsOf(err)...)
	}
	if len(ps) > 0 {
		return reply.Reply{}, ps
	}
	if sub.PrivateMetadata != "" { // the form of « Dupliquer »: the template's slug
		return c.createFrom(ctx, camp, sub.PrivateMetadata)
	}
	return c.createCampaign(ctx, camp)
}

// submitCampaignEdit saves the form over the version it was opened on. Unlike a command, a form
// replaces every field, so if someone else saved meanwhile the user is told instead of silently
// overwriting their change.
func (c *call) submitCampaignEdit(ctx context.Context, sub reply.Submission) (reply.Reply, error) {
	camp, err := c.LoadCampaign(ctx, sub.PrivateMetadata)
	if err != nil {
		return reply.Reply{}, err
	}
	if err := c.LeadOnly(camp); err != nil {
		return reply.Reply{}, err
	}
	before, oldHash, oldStart := camp.Version, chorus.MessageHash(camp), camp.Start
	ps := c.fillCampaign(&camp, sub.Values)
	if err := camp.Validate(c.WS.CustomKinds); err != nil {
		ps = append(ps, chorus.ProblemsOf(err)...)
	}
	if len(ps) > 0 {
		return reply.Reply{}, ps
	}
	camp.UpdatedBy = c.Req.User
	saved, err := c.store.UpdateCampaign(ctx, camp)
	if errors.Is(err, chorus.ErrConflict) {
		return reply.Reply{}, chorus.Errorf(chorus.ErrConflict, "campaign.edit.conflict", camp.Name)
	}
	if err != nil {
		return reply.Reply{}, err
	}
	if err := c.Audit(ctx, "campaign.edit", "campaign:"+saved.Slug, before, saved.Version, ""); err != nil {
		return reply.Reply{}, err
	}
	var facts []reply.Block
	var posts []reply.Post
	if chorus.MessageHash(saved) != oldHash {
		// The form changed what copy is checked against, as /campaign message would have.
		if facts, posts, err = c.watcher.MessageChanged(ctx, c.Turn, saved); err != nil {
			return reply.Reply{}, err
		}
	}
	moved, told, err := c.startMoved(ctx, oldStart, saved)
	if err != nil {
		return reply.Reply{}, err
	}
	r := c.savedCard(saved, "campaign.saved", append(facts, moved...))
	r.Posts = append(posts, told...)
	return r, nil
}

// taskModal is the form that adds a task to a campaign.
func (c *call) taskModal(ctx context.Context, slug string) (reply.Reply, error) {
	camp, err := c.LoadCampaign(ctx, slug)
	if err != nil {
		return reply.Reply{}, err
	}
	opts := []reply.Option{{Text: c.T("task.kind.none"), Value: "-"}}
	for _, ch := range camp.Channels {
		opts = append(opts, reply.Option{Text: ch.Kind, Value: ch.Kind})
	}
	return reply.Reply{Modal: &reply.Modal{
		CallbackID: reply.ModalTaskAdd, Title: c.T("modal.task.add"), Submit: c.T("button.create"), Close: c.T("button.cancel"),
		PrivateMetadata: camp.Slug, Intro: camp.Name,
		Inputs: []reply.Input{
			{ID: "title", Label: c.T("field.title"), Kind: reply.TextInput, MaxLength: chorus.MaxTitleLen},
			{ID: "channel", Label: c.T("field.channel"), Kind: reply.SelectInput, Options: opts, Initial: "-"},
			{ID: "owner", Label: c.T("field.owner"), Kind: reply.UserInput, Initial: c.Req.User},
			{ID: "due", Label: c.T("field.due"), Kind: reply.TextInput, Placeholder: c.T("modal.due.placeholder")},
		},
	}}, nil
}

func (c *call) submitTaskAdd(ctx context.Context, sub reply.Submission) (reply.Reply, error) {
	kind := sub.Values["channel"]
	if kind == "" {
		kind = "-"
	}
	return c.taskAdd(ctx, sub.PrivateMetadata, kind, strings.TrimSpace(sub.Values["title"]), sub.Values["owner"], sub.Values["due"])
}
