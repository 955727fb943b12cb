package campaign

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// pageSize is how many items a list shows before a "next page" button, well inside Slack's 50
// blocks per message.
const pageSize = 10

func (c *call) campaign(ctx context.Context, args []string) (reply.Reply, error) {
	switch v := feature.Verb(args, 0); v {
	case "", "help":
		return c.Help("campaign"), nil
	case "create":
		return c.campaignCreate(ctx, args[1:])
	case "list":
		f, page, err := c.readListFilter(args[1:])
		if err != nil {
			return reply.Reply{}, err
		}
		return c.campaignList(ctx, f, page)
	case "archive", "unarchive":
		if len(args) < 2 {
			return reply.Reply{}, c.Usage("campaign." + v)
		}
		return c.campaignArchive(ctx, args[1], v == "archive")
	case "chain":
		if len(args) < 3 {
			return reply.Reply{}, c.Usage("campaign.chain")
		}
		return c.campaignChain(ctx, args[1], feature.After(c.Req.Text, 2))
	case "show":
		if len(args) < 2 {
			return reply.Reply{}, c.Usage("campaign.show")
		}
		return c.campaignShow(ctx, args[1])
	case "edit":
		if len(args) < 2 {
			return reply.Reply{}, c.Usage("campaign.edit")
		}
		return c.campaignEditModal(ctx, args[1])
	case "message":
		text := feature.Unquote(feature.After(c.Req.Text, 2))
		if len(args) < 3 || text == "" {
			return reply.Reply{}, c.Usage("campaign.message")
		}
		return c.campaignMessage(ctx, args[1], text)
	case "points":
		if len(args) < 3 {
			return reply.Reply{}, c.Usage("campaign.points")
		}
		return c.campaignPoints(ctx, args[1], feature.SplitList(feature.After(c.Req.Text, 2), ";\n"))
	case "channel":
		return c.campaignChannel(ctx, args[1:])
	case "lead":
		return c.campaignLead(ctx, args[1:])
	case "activate":
		if len(args) < 2 {
			return reply.Reply{}, c.Usage("campaign." + v)
		}
		return c.campaignStatus(ctx, args[1], chorus.StatusActive)
	case "close":
		if len(args) < 2 {
			return reply.Reply{}, c.Usage("campaign." + v)
		}
		if len(args) > 2 && isConfirm(args[2]) {
			return c.campaignStatus(ctx, args[1], chorus.StatusClosed)
		}
		return c.confirmClose(ctx, args[1])
	case "reopen":
		if len(args) < 2 {
			return reply.Reply{}, c.Usage("campaign." + v)
		}
		return c.campaignReopen(ctx, args[1])
	case "task":
		return c.task(ctx, args[1:])
	case "history":
		if len(args) < 2 {
			return reply.Reply{}, c.Usage("campaign.history")
		}
		return c.campaignHistory(ctx, args[1])
	case "audit":
		if len(args) < 2 {
			return reply.Reply{}, c.Usage("campaign.audit")
		}
		page := ""
		if len(args) > 2 {
			page = args[2]
		}
		return c.campaignAudit(ctx, args[1], page)
	default:
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "command.sub_unknown", strings.TrimPrefix(v, "?"), "/campaign help")
	}
}

func (c *call) campaignShow(ctx context.Context, slug string) (reply.Reply, error) {
	camp, err := c.LoadCampaign(ctx, slug)
	if err != nil {
		return reply.Reply{}, err
	}
	tasks, err := c.store.Tasks(ctx, c.Req.Workspace, chorus.TaskFilter{Campaign: slug, Statuses: []chorus.TaskStatus{chorus.TaskOpen}})
	if err != nil {
		return reply.Reply{}, fmt.Errorf("tasks of %q: %w", slug, err)
	}
	r := c.campaignCard(camp, tasks)
	subs, err := c.store.Submissions(ctx, c.Req.Workspace, chorus.SubmissionFilter{Campaign: camp.Slug})
	if err != nil {
		return reply.Reply{}, fmt.Errorf("copy of %q: %w", slug, err)
	}
	var more []reply.Block
	if b, ok := c.approvalState(camp, subs); ok {
		more = append(more, b)
	}
	touchpoints, err := c.parts.CardBlocks(ctx, c.Turn, camp)
	if err != nil {
		return reply.Reply{}, err
	}
	// before the version line, which closes the card
	last := r.Blocks[len(r.Blocks)-1]
	r.Blocks = append(append(r.Blocks[:len(r.Blocks)-1], append(more, touchpoints...)...), last)
	// the campaign's audit trail, one click away
	r.Blocks = append(r.Blocks, reply.Block{Kind: reply.Actions, Buttons: []reply.Button{
		{Text: c.T("audit.button"), ActionID: reply.ActAuditPage, Value: camp.Slug},
		{Text: c.T("campaign.from.button"), ActionID: reply.ActCampaignDuplicate, Value: camp.Slug}}})
	return r, nil
}

// approvalState says, channel by channel, where the campaign's copy stands: how many texts
// await a decision, are flagged, sent back, approved or out of date. It reports false for a
// campaign without channels.
func (c *call) approvalState(camp chorus.Campaign, subs []chorus.Submission) (reply.Block, bool) {
	if len(camp.Channels) == 0 {
		return reply.Block{}, false
	}
	lines := []string{"*" + c.T("campaign.card.approvals") + "*"}
	for _, ch := range camp.Channels {
		count := map[chorus.SubmissionStatus]int{}
		for _, sub := range subs {
			if sub.ChannelKind == ch.Kind {
				count[sub.Status]++
			}
		}
		var parts []string
		for _, st := range chorus.ApprovalOrder {
			if n := count[st]; n > 0 {
				parts = append(parts, c.T("campaign.card.approval."+string(st), n))
			}
		}
		if len(parts) == 0 {
			parts = append(parts, "_"+c.T("campaign.card.approval.none")+"_")
		}
		lines = append(lines, "• *"+ch.Kind+"* — "+strings.Join(parts, " · "))
	}
	// at most MaxChannels short lines: well inside a section's 3,000 characters
	return reply.Block{Kind: reply.Section, Text: strings.Join(lines, "\n")}, true
}

// leadOrAdmin allows the campaign's leads, the workspace's leads and its admins.
func (c *call) leadOrAdmin(camp chorus.Campaign) error {
	if camp.IsLead(c.Req.User) || c.IsWorkspaceLead() {
		return nil
	}
	return chorus.Errorf(chorus.ErrForbidden, "forbidden.set_leads", camp.Name)
}

func (c *call) campaignMessage(ctx context.Context, slug, text string) (reply.Reply, error) {
	saved, facts, posts, err := c.editChecked(ctx, slug, "campaign.message", func(camp *chorus.Campaign) { camp.Message = text })
	if err != nil {
		return reply.Reply{}, err
	}
	r := c.savedCard(saved, "campaign.message.set", facts)
	r.Posts = posts
	return r, nil
}

func (c *call) campaignPoints(ctx context.Context, slug string, points []string) (reply.Reply, error) {
	saved, facts, posts, err := c.editChecked(ctx, slug, "campaign.points", func(camp *chorus.Campaign) { camp.MustInclude = points })
	if err != nil {
		return reply.Reply{}, err
	}
	r := feature.Notice("✅ " + c.T("campaign.points.set", saved.Name, len(points), saved.Version))
	r.Blocks, r.Posts = append(r.Blocks, facts...), posts
	return r, nil
}

// resolveStale answers a lead's choice about the points that contradict the message, on the
// card of the campaign version value names ("slug@version"): accept replaces each point with its
// proposal, keep leaves the points as they are. A card the campaign has outgrown is refused.
func (c *call) resolveStale(ctx context.Context, value string, accept bool) (reply.Reply, error) {
	slug, version, _ := strings.Cut(value, "@")
	action := "campaign.points.keep"
	if accept {
		action = "campaign.points.accept"
	}
	var changed []string
	saved, facts, posts, err := c.editCheckedE(ctx, slug, action, func(camp *chorus.Campaign) error {
		if strconv.Itoa(camp.Version) != version {
			return chorus.Errorf(chorus.ErrConflict, "campaign.points.stale_card", camp.Name, camp.Slug)
		}
		if len(camp.StalePoints) == 0 {
			return chorus.Errorf(chorus.ErrInvalid, "campaign.points.none_stale", camp.Name)
		}
		changed = nil
		if !accept {
			camp.StalePoints = nil
			return nil
		}
		var left []chorus.StalePoint
		for _, sp := range camp.StalePoints {
			i := slices.Index(camp.MustInclude, sp.Point)
			if sp.Proposed == "" || i < 0 {
				left = append(left, sp)
				continue
			}
			camp.MustInclude[i] = sp.Proposed
			changed = append(changed, sp.Proposed)
		}
		camp.StalePoints = left
		return nil
	})
	if err != nil {
		return reply.Reply{}, err
	}
	text := c.T("campaign.points.kept", saved.Name, saved.Version)
	if accept {
		text = c.T("campaign.points.accepted", saved.Name, len(changed), saved.Version)
	}
	r := c.campaignCard(saved, nil)
	r.Text = text
	r.Blocks = append(append([]reply.Block{{Kind: reply.Section, Text: "✅ " + text}}, facts...), r.Blocks...)
	r.Posts, r.ReplaceOriginal = posts, true
	return r, nil
}

// editChecked is a lead's edit of what copy is checked against (the message, the points): the
// watcher then checks the copy again and says what to show and post.
func (c *call) editChecked(ctx context.Context, slug, action string, change func(*chorus.Campaign)) (chorus.Campaign, []reply.Block, []reply.Post, error) {
	return c.editCheckedE(ctx, slug, action, func(camp *chorus.Campaign) error {
		change(camp)
		return nil
	})
}

// editCheckedE is editChecked with a change that may refuse. Only the leads may: the refusal
// names the action (the message, or the points).
func (c *call) editCheckedE(ctx context.Context, slug, action string, change func(*chorus.Campaign) error) (chorus.Campaign, []reply.Block, []reply.Post, error) {
	what := strings.TrimPrefix(action, "campaign.")
	if strings.HasPrefix(what, "points") {
		what = "points"
	}
	_, saved, err := c.EditCampaign(ctx, slug, action, c.LeadOnlyTo(what), change)
	if err != nil {
		return saved, nil, nil, err
	}
	facts, posts, err := c.watcher.MessageChanged(ctx, c.Turn, saved)
	return saved, facts, posts, err
}

// savedCard is the card of a campaign just saved, under a confirmation (key, with its name and
// version) and the facts the review read from it.
func (c *call) savedCard(saved chorus.Campaign, key string, facts []reply.Block) reply.Reply {
	r := c.campaignCard(saved, nil)
	r.Text = c.T(key, saved.Name, saved.Version)
	r.Blocks = append(append([]reply.Block{{Kind: reply.Section, Text: "✅ " + r.Text}}, facts...), r.Blocks...)
	return r
}

// campaignChannel handles "channel add <slug> <kind> [#channel] [@owner]" and
// "channel remove <slug> <kind>".
func (c *call) campaignChannel(ctx context.Context, args []string) (reply.Reply, error) {
	v := feature.Verb(args, 0)
	switch {
	case v == "add" && len(args) >= 3:
		ch := chorus.Channel{Kind: chorus.Fold(args[2])}
		// every argument is used once: a word that is neither the channel nor the owner, or a
		// second one of either, is an error that names it, never dropped in silence
		for _, a := range args[3:] {
			id, isChannel := feature.ChannelArg(a)
			user, isUser := feature.UserArg(a)
			mention := strings.HasPrefix(a, "@") || user != a
			switch {
			case isChannel && ch.SlackChannel == "":
				ch.SlackChannel = id
			case isUser && mention && ch.Owner == "":
				ch.Owner = user
			case isChannel || isUser && mention:
				return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "channel.arg.extra", a)
			case strings.HasPrefix(a, "@"):
				return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "channel.arg.user_unknown", a)
			default:
				return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "channel.arg.unknown", a)
			}
		}
		if ch.Owner == "" {
			ch.Owner = c.Req.User
		}
		_, saved, err := c.EditCampaign(ctx, args[1], "campaign.channel.add", c.LeadOnlyTo("channel_add"), func(camp *chorus.Campaign) error {
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
			return reply.Reply{}, err
		}
		text := c.T("campaign.channel.added", ch.Kind, saved.Name, feature.Mention(ch.Owner))
		return reply.Reply{Text: text, Blocks: []reply.Block{{Kind: reply.Section, Text: "✅ " + text}}, Visibility: reply.InChannel}, nil
	case v == "remove" && len(args) >= 3:
		kind := chorus.Fold(args[2])
		_, saved, err := c.EditCampaign(ctx, args[1], "campaign.channel.remove", c.LeadOnlyTo("channel_remove"), func(camp *chorus.Campaign) error {
			i := slices.IndexFunc(camp.Channels, func(ch chorus.Channel) bool { return ch.Kind == kind })
			if i < 0 {
				return chorus.Errorf(chorus.ErrNotFound, "campaign.channel.unknown", kind, camp.Name)
			}
			camp.Channels = slices.Delete(camp.Channels, i, i+1)
			return nil
		})
		if err != nil {
			return reply.Reply{}, err
		}
		return feature.Notice("✅ " + c.T("campaign.channel.removed", kind, saved.Name)), nil
	}
	return reply.Reply{}, c.Usage("campaign.channel")
}

// campaignLead handles "lead add|remove <slug> @user".
func (c *call) campaignLead(ctx context.Context, args []string) (reply.Reply, error) {
	v := feature.Verb(args, 0)
	if (v != "add" && v != "remove") || len(args) < 3 {
		return reply.Reply{}, c.Usage("campaign.lead")
	}
	user, okU := feature.UserArg(args[2])
	if !okU {
		return reply.Reply{}, chorus.Invalid("leads", "user.invalid", args[2])
	}
	_, saved, err := c.EditCampaign(ctx, args[1], "campaign.lead."+v, c.leadOrAdmin, func(camp *chorus.Campaign) error {
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
		return reply.Reply{}, err
	}
	return feature.Notice("✅ " + c.T("campaign.leads.now", saved.Name, c.Mentions(saved.Leads))), nil
}

func (c *call) campaignHistory(ctx context.Context, slug string) (reply.Reply, error) {
	if _, err := c.LoadCampaign(ctx, slug); err != nil {
		return reply.Reply{}, err
	}
	versions, err := c.store.CampaignHistory(ctx, c.Req.Workspace, slug)
	if err != nil {
		return reply.Reply{}, fmt.Errorf("history of %q: %w", slug, err)
	}
	blocks := []reply.Block{{Kind: reply.Header, Text: c.T("history.title", slug)}}
	lines := []string{c.T("history.title", slug)}
	// Newest first, and at most the last 40 versions: a history card must fit one message.
	for i := len(versions) - 1; i >= 0 && len(versions)-i <= 40; i-- {
		v := versions[i]
		what := c.T("history.created")
		if i > 0 {
			what = c.describeChange(versions[i-1], v)
		}
		line := c.T("history.line", v.Version, c.When(v.UpdatedAt), feature.Mention(v.UpdatedBy), what)
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: line})
		lines = append(lines, line)
	}
	more, err := c.parts.HistoryBlocks(ctx, c.Turn, versions[len(versions)-1])
	if err != nil {
		return reply.Reply{}, err
	}
	for _, b := range more {
		blocks = append(blocks, b)
		if b.Text != "" {
			lines = append(lines, b.Text)
		}
	}
	return reply.Reply{Text: strings.Join(lines, "\n"), Blocks: blocks}, nil
}

// describeChange says which fields differ between two versions.
func (c *call) describeChange(a, b chorus.Campaign) string {
	var parts []string
	if a.Name != b.Name {
		parts = append(parts, c.T("field.name"))
	}
	if a.Message != b.Message {
		parts = append(parts, c.T("field.message")+" : « "+feature.Ellipsis(b.Message, 120)+" »")
	}
	if !slices.Equal(a.MustInclude, b.MustInclude) {
		parts = append(parts, c.T("field.must_include"))
	}
	if !slices.Equal(a.Channels, b.Channels) {
		parts = append(parts, c.T("field.channels"))
	}
	if !slices.Equal(a.Leads, b.Leads) {
		parts = append(parts, c.T("field.leads"))
	}
	if a.Start != b.Start || a.End != b.End {
		parts = append(parts, c.T("field.dates"))
	}
	if a.Status != b.Status {
		parts = append(parts, c.T("field.status")+" → "+c.T("status."+string(b.Status)))
	}
	// wordings a lead accepted as « pas une dérive »: what the detector will no longer flag
	for _, acc := range b.Accepted[min(len(a.Accepted), len(b.Accepted)):] {
		words := acc.Quote
		if acc.Kind == "missing" {
			words = acc.Point
		}
		parts = append(parts, c.T("history.accepted", c.T("kind."+acc.Kind), feature.Ellipsis(words, 120)))
	}
	if len(parts) == 0 {
		return c.T("history.nochange")
	}
	return strings.Join(parts, ", ")
}
