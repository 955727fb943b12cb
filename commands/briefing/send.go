package briefing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// preview shows the briefing as it would be sent now, with the button that sends it.
func (c *call) preview(ctx context.Context, slug string) (reply.Reply, error) {
	camp, err := c.LoadCampaign(ctx, slug)
	if err != nil {
		return reply.Reply{}, err
	}
	return c.draft(ctx, camp)
}

// draft is the preview of camp's briefing for its lead: the next edition as the front line will
// read it, where it will go, and the send button.
func (c *call) draft(ctx context.Context, camp chorus.Campaign) (reply.Reply, error) {
	b, err := c.load(ctx, camp.Slug)
	if err != nil {
		return reply.Reply{}, err
	}
	k, err := c.content(ctx, camp)
	if err != nil {
		return reply.Reply{}, err
	}
	_, blocks := c.render(k, b, 0, nil)
	where := c.T("briefing.no_frontline")
	if len(c.WS.Frontline) > 0 {
		var chans []string
		for _, f := range c.WS.Frontline {
			chans = append(chans, feature.ChannelRef(f.Channel)+" ("+f.Kind+")")
		}
		where = c.T("briefing.draft.where", strings.Join(chans, ", "))
	}
	intro := c.T("briefing.draft.intro", camp.Name)
	if b.Sent() {
		intro = c.T("briefing.draft.sent", camp.Name, b.Edition, c.When(b.SentAt))
	}
	out := append([]reply.Block{{Kind: reply.Section, Text: "📋 " + intro}}, blocks...)
	out = append(out, reply.Block{Kind: reply.Context, Text: where + " " + c.T("briefing.draft.faq_hint", camp.Slug)})
	if len(c.WS.Frontline) > 0 {
		out = append(out, reply.Block{Kind: reply.Actions, Buttons: []reply.Button{{Text: c.T("briefing.button.send"), ActionID: reply.ActBriefingSend, Value: camp.Slug, Style: "primary"}}})
	}
	return reply.Reply{Text: intro, Blocks: out}, nil
}

// Approved drafts the briefing of a campaign whose copy a lead just approved, for that lead to
// review and send, while it was never sent. The review calls it (review.Approvals).
func (f *Feature) Approved(ctx context.Context, t *feature.Turn, camp chorus.Campaign) ([]reply.Post, error) {
	c := f.call(t)
	b, err := c.load(ctx, camp.Slug)
	if err != nil || b.Sent() {
		return nil, err
	}
	r, err := c.draft(ctx, camp)
	if err != nil {
		return nil, err
	}
	return []reply.Post{{Channel: t.Req.User, Text: r.Text, Blocks: r.Blocks}}, nil
}

// sendCommand sends a campaign's briefing to the front line, by command or button.
func (c *call) sendCommand(ctx context.Context, slug string) (reply.Reply, error) {
	camp, err := c.LoadCampaign(ctx, slug)
	if err != nil {
		return reply.Reply{}, err
	}
	if err := c.mayManage(camp, "briefing_send"); err != nil {
		return reply.Reply{}, err
	}
	b, err := c.load(ctx, slug)
	if err != nil {
		return reply.Reply{}, err
	}
	var changes []string
	if b.Sent() {
		if changes = c.withLang(c.WS.Lang).changes(b, camp); len(changes) == 0 {
			return reply.Reply{}, chorus.Errorf(chorus.ErrConflict, "briefing.unchanged", camp.Name, b.Edition)
		}
	}
	saved, posts, err := c.send(ctx, camp, changes)
	if err != nil {
		return reply.Reply{}, err
	}
	text := "📣 " + c.T("briefing.sent", camp.Name, c.channels(saved), saved.Edition)
	return reply.Reply{Text: text, Blocks: []reply.Block{{Kind: reply.Section, Text: text, Accessory: c.statusButton(camp.Slug)}}, Posts: posts}, nil
}

// statusButton opens who has read a campaign's briefing.
func (c *call) statusButton(slug string) *reply.Button {
	return &reply.Button{Text: c.T("briefing.button.status"), ActionID: reply.ActBriefingStatus, Value: slug}
}

// channels names where the briefing's last edition went.
func (c *call) channels(b chorus.Briefing) string {
	var out []string
	for _, d := range b.Deliveries {
		out = append(out, feature.ChannelRef(d.Channel))
	}
	return strings.Join(out, ", ")
}

// send posts the next edition of camp's briefing to the workspace's front-line channels, in the
// workspace's language, records who was there to acknowledge it and where its threads are,
// and saves it. Without Conversations, the editions are returned as posts.
func (c *call) send(ctx context.Context, camp chorus.Campaign, changes []string) (chorus.Briefing, []reply.Post, error) {
	if len(c.WS.Frontline) == 0 {
		return chorus.Briefing{}, nil, chorus.Errorf(chorus.ErrInvalid, "briefing.no_frontline")
	}
	if strings.TrimSpace(camp.Message) == "" {
		return chorus.Briefing{}, nil, chorus.Errorf(chorus.ErrInvalid, "briefing.no_message", camp.Name, camp.Slug)
	}
	b, err := c.load(ctx, camp.Slug)
	if err != nil {
		return b, nil, err
	}
	k, err := c.content(ctx, camp)
	if err != nil {
		return b, nil, err
	}
	edition := b.Edition + 1
	text, blocks := c.withLang(c.WS.Lang).render(k, b, edition, changes)
	var posts []reply.Post
	var deliveries []chorus.Delivery
	for _, f := range c.WS.Frontline {
		d := chorus.Delivery{Channel: f.Channel, Kind: f.Kind}
		if c.conv == nil {
			posts = append(posts, reply.Post{Channel: f.Channel, Text: text, Blocks: blocks})
			deliveries = append(deliveries, d)
			continue
		}
		if d.Members, err = c.members(ctx, f.Channel); err != nil {
			return b, nil, err
		}
		if d.TS, err = c.conv.Post(ctx, f.Channel, "", text, blocks); err != nil {
			return b, nil, fmt.Errorf("post briefing to %s: %w", f.Channel, err)
		}
		if err := c.store.AddBriefingThread(ctx, c.Req.Workspace, f.Channel, d.TS, camp.Slug, edition); err != nil {
			return b, nil, err
		}
		deliveries = append(deliveries, d)
	}
	saved, err := c.edit(ctx, camp.Slug, "briefing.send", func(next *chorus.Briefing) error {
		if next.Edition != b.Edition {
			return chorus.Errorf(chorus.ErrConflict, "briefing.sent_meanwhile", camp.Name)
		}
		next.Edition, next.CampaignVersion, next.Deliveries = edition, camp.Version, deliveries
		next.Message, next.Points, next.Start, next.End = camp.Message, slices.Clone(camp.Enforced().MustInclude), camp.Start, camp.End
		next.SentBy, next.SentAt = c.Req.User, c.Now()
		if !camp.Start.IsZero() {
			next.GoLive = camp.Start.In(chorus.LoadLocation(camp.TimeZone))
		}
		return nil
	})
	return saved, posts, err
}

// members lists who is in channel, with their time zones.
func (c *call) members(ctx context.Context, channel string) ([]chorus.Member, error) {
	users, err := c.conv.Members(ctx, channel)
	if err != nil {
		return nil, fmt.Errorf("members of %s: %w", channel, err)
	}
	out := make([]chorus.Member, 0, len(users))
	for _, u := range users {
		tz, err := c.conv.TimeZone(ctx, u)
		if err != nil {
			c.Log.WarnContext(ctx, "briefing: time zone unknown", "user", u, "err", err)
		}
		out = append(out, chorus.Member{User: u, TimeZone: tz})
	}
	return out, nil
}

// MessageChanged sends an updated briefing when a campaign whose briefing went out changed
// what it said: its message, points or dates. Acknowledgements are per edition, so everyone is
// asked again. The campaign feature calls it after a lead's change (campaign.MessageWatcher).
func (f *Feature) MessageChanged(ctx context.Context, t *feature.Turn, camp chorus.Campaign) ([]reply.Block, []reply.Post, error) {
	c := f.call(t)
	b, err := c.load(ctx, camp.Slug)
	if err != nil || !b.Sent() {
		return nil, nil, err
	}
	changes := c.withLang(c.WS.Lang).changes(b, camp)
	if len(changes) == 0 {
		return nil, nil, nil
	}
	saved, posts, err := c.send(ctx, camp, changes)
	if ps := chorus.ProblemsOf(err); len(ps) > 0 {
		// The lead's change is saved already: say why the front line was not told, and how to.
		text := "⚠️ " + c.T("briefing.not_updated", c.Problem(ps[0]), camp.Slug)
		return []reply.Block{{Kind: reply.Section, Text: text}}, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	text := "📣 " + c.T("briefing.updated", saved.Edition, c.channels(saved))
	return []reply.Block{{Kind: reply.Section, Text: text, Accessory: c.statusButton(camp.Slug)}}, posts, nil
}

// ack records a « Lu et compris » on the edition the button belongs to.
func (c *call) ack(ctx context.Context, value string) (reply.Reply, error) {
	slug, edition, err := parseAckValue(value)
	if err != nil {
		return reply.Reply{}, err
	}
	camp, err := c.LoadCampaign(ctx, slug)
	if err != nil {
		return reply.Reply{}, err
	}
	b, err := c.load(ctx, slug)
	if err != nil {
		return reply.Reply{}, err
	}
	if !b.Sent() || edition > b.Edition {
		return reply.Reply{}, chorus.Errorf(chorus.ErrNotFound, "action.unknown", value)
	}
	if edition != b.Edition {
		return reply.Reply{}, chorus.Errorf(chorus.ErrConflict, "briefing.ack.outdated", camp.Name, b.Edition)
	}
	err = c.store.AddAck(ctx, chorus.Ack{WorkspaceID: c.Req.Workspace, Campaign: slug, Edition: edition, User: c.Req.User, At: c.Now()})
	if errors.Is(err, chorus.ErrConflict) {
		return feature.Notice("👍 " + c.T("briefing.ack.already", camp.Name)), nil
	}
	if err != nil {
		return reply.Reply{}, fmt.Errorf("record acknowledgement: %w", err)
	}
	return feature.Notice("✅ " + c.T("briefing.ack.done", camp.Name)), nil
}

// status shows a campaign's lead who acknowledged the last edition and who has not, per channel.
func (c *call) status(ctx context.Context, slug string) (reply.Reply, error) {
	camp, err := c.LoadCampaign(ctx, slug)
	if err != nil {
		return reply.Reply{}, err
	}
	if err := c.mayManage(camp, "briefing_status"); err != nil {
		return reply.Reply{}, err
	}
	b, err := c.load(ctx, slug)
	if err != nil {
		return reply.Reply{}, err
	}
	if !b.Sent() {
		return reply.Reply{}, chorus.Errorf(chorus.ErrNotFound, "briefing.not_sent", camp.Name, camp.Slug)
	}
	acks, err := c.store.Acks(ctx, c.Req.Workspace, slug, b.Edition)
	if err != nil {
		return reply.Reply{}, fmt.Errorf("acknowledgements: %w", err)
	}
	done := map[string]bool{}
	for _, a := range acks {
		done[a.User] = true
	}
	title := c.T("briefing.status.title", camp.Name, b.Edition, c.When(b.SentAt))
	blocks := []reply.Block{{Kind: reply.Header, Text: feature.Ellipsis(title, 150)}}
	lines := []string{title}
	for _, d := range b.Deliveries {
		if len(d.Members) == 0 { // the transport could not tell who is there (the console)
			text := "*" + feature.ChannelRef(d.Channel) + "* (" + d.Kind + ")"
			blocks = append(blocks, reply.Block{Kind: reply.Section, Text: text})
			lines = append(lines, text)
			continue
		}
		var yes, no []string
		for _, m := range d.Members {
			if done[m.User] {
				yes = append(yes, m.User)
			} else {
				no = append(no, m.User)
			}
		}
		text := c.T("briefing.status.channel", feature.ChannelRef(d.Channel), d.Kind, len(yes), len(d.Members)) +
			"\n✅ " + c.Mentions(yes) + "\n⏳ " + c.Mentions(no)
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: text})
		lines = append(lines, text)
	}
	if !slices.ContainsFunc(b.Deliveries, func(d chorus.Delivery) bool { return len(d.Members) > 0 }) {
		var all []string
		for _, a := range acks {
			all = append(all, a.User)
		}
		text := c.T("briefing.status.acked", c.Mentions(all))
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: text})
		lines = append(lines, text)
	}
	return reply.Reply{Text: strings.Join(lines, "\n"), Blocks: blocks}, nil
}

// faqCommand lists, adds or removes the entries of a campaign's FAQ:
// faq SLUG, faq SLUG add "question" "answer", faq SLUG remove N.
func (c *call) faqCommand(ctx context.Context, slug string, args []string) (reply.Reply, error) {
	camp, err := c.LoadCampaign(ctx, slug)
	if err != nil {
		return reply.Reply{}, err
	}
	if len(args) == 0 {
		return c.draft(ctx, camp)
	}
	if err := c.mayManage(camp, "briefing_faq"); err != nil {
		return reply.Reply{}, err
	}
	var change func(*chorus.Briefing) error
	switch feature.Verb(args, 0) {
	case "add":
		if len(args) != 3 {
			return reply.Reply{}, c.Usage("briefing")
		}
		q, a := strings.TrimSpace(feature.Unquote(args[1])), strings.TrimSpace(feature.Unquote(args[2]))
		change = func(b *chorus.Briefing) error {
			b.FAQ = append(b.FAQ, chorus.FAQEntry{Question: q, Answer: a})
			return nil
		}
	case "remove":
		if len(args) != 2 {
			return reply.Reply{}, c.Usage("briefing")
		}
		n, err := strconv.Atoi(args[1])
		if err != nil {
			return reply.Reply{}, chorus.Invalid("faq", "briefing.faq.number", args[1])
		}
		change = func(b *chorus.Briefing) error {
			if n < 1 || n > len(b.FAQ) {
				return chorus.Invalid("faq", "briefing.faq.no_entry", n, len(b.FAQ))
			}
			b.FAQ = slices.Delete(b.FAQ, n-1, n)
			return nil
		}
	default:
		return reply.Reply{}, c.Usage("briefing")
	}
	saved, err := c.edit(ctx, slug, "briefing.faq", change)
	if err != nil {
		return reply.Reply{}, err
	}
	return feature.Notice("✅ " + c.T("briefing.faq.saved", camp.Name, len(saved.FAQ))), nil
}
