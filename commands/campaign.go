package commands

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/chorus-hq/chorus"
)

// pageSize is how many items a list shows before a "next page" button, well inside Slack's 50
// blocks per message.
const pageSize = 10

// maxEditRetries bounds how often an edit that lost a race is re-applied to the newer version.
// Every lost race means another edit landed, so this is how many concurrent editors of one thing
// are served without an error.
const maxEditRetries = 32

func (c *call) campaign(ctx context.Context, args []string) (Reply, error) {
	if r, ok, err := c.driftCommand(ctx, args); ok {
		return r, err
	}
	if isReminders(args) {
		return c.campaignReminders(ctx, args[1:])
	}
	switch v := verb(args, 0); v {
	case "", "help":
		return c.help("campaign"), nil
	case "create":
		return c.campaignCreate(ctx, args[1:])
	case "list":
		page := ""
		if len(args) > 1 {
			page = args[1]
		}
		return c.campaignList(ctx, page)
	case "show":
		if len(args) < 2 {
			return Reply{}, c.usage("campaign.show")
		}
		return c.campaignShow(ctx, args[1])
	case "edit":
		if len(args) < 2 {
			return Reply{}, c.usage("campaign.edit")
		}
		return c.campaignEditModal(ctx, args[1])
	case "message":
		text := unquote(after(c.req.Text, 2))
		if len(args) < 3 || text == "" {
			return Reply{}, c.usage("campaign.message")
		}
		return c.campaignMessage(ctx, args[1], text)
	case "points":
		if len(args) < 3 {
			return Reply{}, c.usage("campaign.points")
		}
		return c.campaignPoints(ctx, args[1], splitList(after(c.req.Text, 2), ";\n"))
	case "channel":
		return c.campaignChannel(ctx, args[1:])
	case "lead":
		return c.campaignLead(ctx, args[1:])
	case "activate", "close":
		if len(args) < 2 {
			return Reply{}, c.usage("campaign." + v)
		}
		st := chorus.StatusActive
		if v == "close" {
			st = chorus.StatusClosed
		}
		return c.campaignStatus(ctx, args[1], st)
	case "task":
		return c.task(ctx, args[1:])
	case "history":
		if len(args) < 2 {
			return Reply{}, c.usage("campaign.history")
		}
		return c.campaignHistory(ctx, args[1])
	default:
		return Reply{}, chorus.Errorf(chorus.ErrInvalid, "command.sub_unknown", strings.TrimPrefix(v, "?"), "/campaign help")
	}
}

// usage is the error for a sub-command typed with missing arguments: it shows its syntax.
func (c *call) usage(key string) error {
	return chorus.Errorf(chorus.ErrInvalid, "usage", c.t("usage."+key))
}

// loadCampaign returns the campaign slug, or a localized "unknown campaign" error.
func (c *call) loadCampaign(ctx context.Context, slug string) (chorus.Campaign, error) {
	if !chorus.ValidSlug(slug) {
		return chorus.Campaign{}, chorus.Invalid("slug", "campaign.slug.syntax", slug)
	}
	camp, err := c.store.Campaign(ctx, c.req.Workspace, slug)
	if errors.Is(err, chorus.ErrNotFound) {
		return camp, chorus.Errorf(chorus.ErrNotFound, "campaign.unknown", slug)
	}
	return camp, err
}

// campaignCreate reads "<slug> <name…> [start] [end]". Given no arguments it opens the modal.
func (c *call) campaignCreate(ctx context.Context, args []string) (Reply, error) {
	if !c.isWorkspaceLead() {
		return Reply{}, chorus.Errorf(chorus.ErrForbidden, "forbidden.create_campaign")
	}
	if len(args) == 0 {
		return Reply{Modal: c.campaignModal(ModalCampaignCreate, chorus.Campaign{})}, nil
	}
	camp := c.newCampaign(args[0])
	var dates []chorus.Date
	for len(args) > 1 {
		d, ok := parseDay(args[len(args)-1])
		if !ok {
			break
		}
		dates = append([]chorus.Date{d}, dates...)
		args = args[:len(args)-1]
	}
	camp.Name = strings.Join(args[1:], " ")
	if len(dates) > 2 {
		return Reply{}, c.usage("campaign.create")
	}
	if len(dates) > 0 {
		camp.Start = dates[0]
	}
	if len(dates) > 1 {
		camp.End = dates[1]
	}
	return c.createCampaign(ctx, camp)
}

// newCampaign is a draft campaign with the workspace's defaults, led by its creator.
func (c *call) newCampaign(slug string) chorus.Campaign {
	return chorus.Campaign{
		WorkspaceID: c.req.Workspace, Slug: slug, TimeZone: c.ws.TimeZone, Lang: c.ws.Lang,
		Status: chorus.StatusDraft, Leads: []string{c.req.User}, CreatedBy: c.req.User, UpdatedBy: c.req.User,
	}
}

func (c *call) createCampaign(ctx context.Context, camp chorus.Campaign) (Reply, error) {
	if err := camp.Validate(c.ws.CustomKinds); err != nil {
		return Reply{}, err
	}
	if err := c.notPast("end", camp.End); err != nil {
		return Reply{}, err
	}
	saved, err := c.store.CreateCampaign(ctx, camp)
	if errors.Is(err, chorus.ErrConflict) {
		return Reply{}, chorus.Invalid("slug", "campaign.slug.taken", camp.Slug)
	}
	if err != nil {
		return Reply{}, fmt.Errorf("create campaign %q: %w", camp.Slug, err)
	}
	if err := c.audit(ctx, "campaign.create", "campaign:"+saved.Slug, 0, saved.Version, saved.Name); err != nil {
		return Reply{}, err
	}
	r := c.campaignCard(saved, nil)
	r.Text = c.t("campaign.created", saved.Name, saved.Slug)
	r.Blocks = append([]Block{{Kind: Section, Text: "✅ " + r.Text}}, r.Blocks...)
	r.Visibility = InChannel
	return r, nil
}

// notPast refuses an end date already behind us in the workspace's time zone.
func (c *call) notPast(field string, d chorus.Date) error {
	if d.IsZero() {
		return nil
	}
	today := chorus.DateOf(c.now().In(c.ws.Location()))
	if d.Before(today) {
		return chorus.Invalid(field, "date.past", d.String())
	}
	return nil
}

// parseDay reads a calendar day typed as 2027-07-01 or 01/07/2027.
func parseDay(s string) (chorus.Date, bool) {
	if d, err := chorus.ParseDate(s); err == nil {
		return d, true
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '.' })
	if len(parts) != 3 || len(parts[2]) != 4 {
		return chorus.Date{}, false
	}
	d, err := chorus.ParseDate(parts[2] + "-" + pad2(parts[1]) + "-" + pad2(parts[0]))
	return d, err == nil
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

func (c *call) campaignList(ctx context.Context, pageArg string) (Reply, error) {
	all, err := c.store.Campaigns(ctx, c.req.Workspace)
	if err != nil {
		return Reply{}, fmt.Errorf("list campaigns: %w", err)
	}
	if len(all) == 0 {
		return notice(c.t("campaign.list.empty")), nil
	}
	page, items, more := paginate(all, pageArg)
	blocks := []Block{{Kind: Header, Text: c.t("campaign.list.title", len(all))}}
	lines := []string{c.t("campaign.list.title", len(all))}
	for _, camp := range items {
		line := fmt.Sprintf("%s *%s* (`%s`) · %s", statusEmoji(camp.Status), camp.Name, camp.Slug, c.t("status."+string(camp.Status)))
		if !camp.Start.IsZero() {
			line += " · " + c.dateRange(camp)
		}
		blocks = append(blocks, Block{Kind: Section, Text: line,
			Accessory: &Button{Text: c.t("button.show"), ActionID: ActCampaignShow, Value: camp.Slug}})
		lines = append(lines, line)
	}
	blocks = append(blocks, c.pager(ActCampaignPage, page, more)...)
	return Reply{Text: strings.Join(lines, "\n"), Blocks: blocks, ReplaceOriginal: pageArg != ""}, nil
}

// paginate returns page pageArg (1-based, default 1) of items, and whether more follow.
func paginate[T any](items []T, pageArg string) (int, []T, bool) {
	page, err := strconv.Atoi(pageArg)
	if err != nil || page < 1 {
		page = 1
	}
	start := (page - 1) * pageSize
	if start >= len(items) {
		start = max(0, (len(items)-1)/pageSize*pageSize)
		page = start/pageSize + 1
	}
	end := min(start+pageSize, len(items))
	return page, items[start:end], end < len(items)
}

// pager returns the previous/next buttons of a paginated list.
func (c *call) pager(action string, page int, more bool) []Block {
	var bs []Button
	if page > 1 {
		bs = append(bs, Button{Text: c.t("button.prev"), ActionID: action, Value: strconv.Itoa(page - 1)})
	}
	if more {
		bs = append(bs, Button{Text: c.t("button.next"), ActionID: action, Value: strconv.Itoa(page + 1)})
	}
	if len(bs) == 0 {
		return nil
	}
	return []Block{{Kind: Context, Text: c.t("page", page)}, {Kind: Actions, Buttons: bs}}
}

func (c *call) campaignShow(ctx context.Context, slug string) (Reply, error) {
	camp, err := c.loadCampaign(ctx, slug)
	if err != nil {
		return Reply{}, err
	}
	tasks, err := c.store.Tasks(ctx, c.req.Workspace, chorus.TaskFilter{Campaign: slug, Statuses: []chorus.TaskStatus{chorus.TaskOpen}})
	if err != nil {
		return Reply{}, fmt.Errorf("tasks of %q: %w", slug, err)
	}
	return c.campaignCard(camp, tasks), nil
}

// editCampaign applies change to the latest version of slug and stores it as a new version. The
// change is a delta (add a channel, set the message), so when another edit wins the race the
// delta is re-applied to the newer version instead of failing the user.
func (c *call) editCampaign(ctx context.Context, slug, action string, auth func(chorus.Campaign) error, change func(*chorus.Campaign) error) (chorus.Campaign, chorus.Campaign, error) {
	for attempt := 0; ; attempt++ {
		before, err := c.loadCampaign(ctx, slug)
		if err != nil {
			return before, before, err
		}
		if err := auth(before); err != nil {
			return before, before, err
		}
		next := before
		next.MustInclude = slices.Clone(before.MustInclude)
		next.Channels = slices.Clone(before.Channels)
		next.Leads = slices.Clone(before.Leads)
		if err := change(&next); err != nil {
			return before, before, err
		}
		if err := next.Validate(c.ws.CustomKinds); err != nil {
			return before, before, err
		}
		next.UpdatedBy = c.req.User
		saved, err := c.store.UpdateCampaign(ctx, next)
		if errors.Is(err, chorus.ErrConflict) && attempt < maxEditRetries {
			continue
		}
		if err != nil {
			return before, before, fmt.Errorf("update campaign %q: %w", slug, err)
		}
		if err := c.audit(ctx, action, "campaign:"+slug, before.Version, saved.Version, ""); err != nil {
			return before, saved, err
		}
		return before, saved, nil
	}
}

// leadOnly allows only the campaign's own leads: they answer for its message.
func (c *call) leadOnly(camp chorus.Campaign) error {
	if !camp.IsLead(c.req.User) {
		return chorus.Errorf(chorus.ErrForbidden, "forbidden.not_lead", camp.Name, c.mentions(camp.Leads))
	}
	return nil
}

// leadOnlyTo is leadOnly whose refusal names the action refused (a "lead_action." key).
func (c *call) leadOnlyTo(action string) func(chorus.Campaign) error {
	return func(camp chorus.Campaign) error {
		if !camp.IsLead(c.req.User) {
			return chorus.Errorf(chorus.ErrForbidden, "forbidden.lead_only", camp.Name, c.mentions(camp.Leads), c.t("lead_action."+action))
		}
		return nil
	}
}

// leadOrAdmin allows the campaign's leads, the workspace's leads and its admins.
func (c *call) leadOrAdmin(camp chorus.Campaign) error {
	if camp.IsLead(c.req.User) || c.isWorkspaceLead() {
		return nil
	}
	return chorus.Errorf(chorus.ErrForbidden, "forbidden.set_leads", camp.Name)
}

func (c *call) campaignMessage(ctx context.Context, slug, text string) (Reply, error) {
	_, saved, err := c.editCampaign(ctx, slug, "campaign.message", c.leadOnlyTo("message"), func(camp *chorus.Campaign) error {
		camp.Message = text
		return nil
	})
	if err != nil {
		return Reply{}, err
	}
	facts, posts, err := c.messageChanged(ctx, saved)
	if err != nil {
		return Reply{}, err
	}
	r := c.campaignCard(saved, nil)
	r.Text = c.t("campaign.message.set", saved.Name, saved.Version)
	r.Blocks = append(append([]Block{{Kind: Section, Text: "✅ " + r.Text}}, facts...), r.Blocks...)
	r.Posts = posts
	return r, nil
}

func (c *call) campaignPoints(ctx context.Context, slug string, points []string) (Reply, error) {
	_, saved, err := c.editCampaign(ctx, slug, "campaign.points", c.leadOnlyTo("points"), func(camp *chorus.Campaign) error {
		camp.MustInclude = points
		return nil
	})
	if err != nil {
		return Reply{}, err
	}
	facts, posts, err := c.messageChanged(ctx, saved)
	if err != nil {
		return Reply{}, err
	}
	r := notice("✅ " + c.t("campaign.points.set", saved.Name, len(points), saved.Version))
	r.Blocks, r.Posts = append(r.Blocks, facts...), posts
	return r, nil
}

// campaignChannel handles "channel add <slug> <kind> [#channel] [@owner]" and
// "channel remove <slug> <kind>".
func (c *call) campaignChannel(ctx context.Context, args []string) (Reply, error) {
	v := verb(args, 0)
	switch {
	case v == "add" && len(args) >= 3:
		ch := chorus.Channel{Kind: chorus.Fold(args[2])}
		for _, a := range args[3:] {
			if id, ok := channelArg(a); ok {
				ch.SlackChannel = id
			} else if id, ok := userArg(a); ok {
				ch.Owner = id
			} else {
				return Reply{}, chorus.Errorf(chorus.ErrInvalid, "channel.arg.unknown", a)
			}
		}
		if ch.Owner == "" {
			ch.Owner = c.req.User
		}
		_, saved, err := c.editCampaign(ctx, args[1], "campaign.channel.add", c.leadOnlyTo("channel_add"), func(camp *chorus.Campaign) error {
			for i, old := range camp.Channels {
				if old.Kind == ch.Kind {
					camp.Channels[i] = ch // re-adding a kind updates its channel and owner
					return nil
				}
			}
			camp.Channels = append(camp.Channels, ch)
			return nil
		})
		if err != nil {
			return Reply{}, err
		}
		text := c.t("campaign.channel.added", ch.Kind, saved.Name, mention(ch.Owner))
		return Reply{Text: text, Blocks: []Block{{Kind: Section, Text: "✅ " + text}}, Visibility: InChannel}, nil
	case v == "remove" && len(args) >= 3:
		kind := chorus.Fold(args[2])
		_, saved, err := c.editCampaign(ctx, args[1], "campaign.channel.remove", c.leadOnlyTo("channel_remove"), func(camp *chorus.Campaign) error {
			i := slices.IndexFunc(camp.Channels, func(ch chorus.Channel) bool { return ch.Kind == kind })
			if i < 0 {
				return chorus.Errorf(chorus.ErrNotFound, "campaign.channel.unknown", kind, camp.Name)
			}
			camp.Channels = slices.Delete(camp.Channels, i, i+1)
			return nil
		})
		if err != nil {
			return Reply{}, err
		}
		return notice("✅ " + c.t("campaign.channel.removed", kind, saved.Name)), nil
	}
	return Reply{}, c.usage("campaign.channel")
}

// campaignLead handles "lead add|remove <slug> @user".
func (c *call) campaignLead(ctx context.Context, args []string) (Reply, error) {
	v := verb(args, 0)
	if (v != "add" && v != "remove") || len(args) < 3 {
		return Reply{}, c.usage("campaign.lead")
	}
	user, okU := userArg(args[2])
	if !okU {
		return Reply{}, chorus.Invalid("leads", "user.invalid", args[2])
	}
	_, saved, err := c.editCampaign(ctx, args[1], "campaign.lead."+v, c.leadOrAdmin, func(camp *chorus.Campaign) error {
		has := camp.IsLead(user)
		switch {
		case v == "add" && !has:
			camp.Leads = append(camp.Leads, user)
		case v == "remove" && has:
			if len(camp.Leads) == 1 {
				return chorus.Errorf(chorus.ErrInvalid, "campaign.lead.last")
			}
			camp.Leads = slices.DeleteFunc(camp.Leads, func(u string) bool { return u == user })
		}
		return nil
	})
	if err != nil {
		return Reply{}, err
	}
	return notice("✅ " + c.t("campaign.leads.now", saved.Name, c.mentions(saved.Leads))), nil
}

func (c *call) campaignStatus(ctx context.Context, slug string, st chorus.Status) (Reply, error) {
	_, saved, err := c.editCampaign(ctx, slug, "campaign.status", c.leadOnlyTo("status_"+string(st)), func(camp *chorus.Campaign) error {
		if camp.Status == st {
			return chorus.Errorf(chorus.ErrInvalid, "campaign.status.same", c.t("status."+string(st)))
		}
		if camp.Status == chorus.StatusClosed {
			return chorus.Errorf(chorus.ErrInvalid, "campaign.status.closed")
		}
		if st == chorus.StatusActive && strings.TrimSpace(camp.Message) == "" {
			return chorus.Errorf(chorus.ErrInvalid, "campaign.activate.no_message", camp.Slug)
		}
		camp.Status = st
		return nil
	})
	if err != nil {
		return Reply{}, err
	}
	text := c.t("campaign.status.set", saved.Name, c.t("status."+string(st)))
	return Reply{Text: text, Blocks: []Block{{Kind: Section, Text: statusEmoji(st) + " " + text}}, Visibility: InChannel}, nil
}

func (c *call) campaignHistory(ctx context.Context, slug string) (Reply, error) {
	if _, err := c.loadCampaign(ctx, slug); err != nil {
		return Reply{}, err
	}
	versions, err := c.store.CampaignHistory(ctx, c.req.Workspace, slug)
	if err != nil {
		return Reply{}, fmt.Errorf("history of %q: %w", slug, err)
	}
	blocks := []Block{{Kind: Header, Text: c.t("history.title", slug)}}
	lines := []string{c.t("history.title", slug)}
	// Newest first, and at most the last 40 versions: a history card must fit one message.
	for i := len(versions) - 1; i >= 0 && len(versions)-i <= 40; i-- {
		v := versions[i]
		what := c.t("history.created")
		if i > 0 {
			what = c.describeChange(versions[i-1], v)
		}
		line := c.t("history.line", v.Version, c.when(v.UpdatedAt), mention(v.UpdatedBy), what)
		blocks = append(blocks, Block{Kind: Section, Text: line})
		lines = append(lines, line)
	}
	return Reply{Text: strings.Join(lines, "\n"), Blocks: blocks}, nil
}

// describeChange says which fields differ between two versions.
func (c *call) describeChange(a, b chorus.Campaign) string {
	var parts []string
	if a.Name != b.Name {
		parts = append(parts, c.t("field.name"))
	}
	if a.Message != b.Message {
		parts = append(parts, c.t("field.message")+" : « "+ellipsis(b.Message, 120)+" »")
	}
	if !slices.Equal(a.MustInclude, b.MustInclude) {
		parts = append(parts, c.t("field.must_include"))
	}
	if !slices.Equal(a.Channels, b.Channels) {
		parts = append(parts, c.t("field.channels"))
	}
	if !slices.Equal(a.Leads, b.Leads) {
		parts = append(parts, c.t("field.leads"))
	}
	if a.Start != b.Start || a.End != b.End {
		parts = append(parts, c.t("field.dates"))
	}
	if a.Status != b.Status {
		parts = append(parts, c.t("field.status")+" → "+c.t("status."+string(b.Status)))
	}
	if len(parts) == 0 {
		return c.t("history.nochange")
	}
	return strings.Join(parts, ", ")
}
