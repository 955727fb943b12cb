package reminders

// What the scheduler sends about tasks: a task's reminder with the buttons reminder.go answers,
// and a channel's digest. The scheduler decides when (scheduler.Composer, which the router
// implements with these).

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/i18n"
	"github.com/chorus-hq/chorus/reply"
)

// Slack's Block Kit limits a digest stays within, and how far it looks ahead.
const (
	// MaxBlocks is Slack's limit of blocks per message.
	MaxBlocks = 50
	// MaxDigestParts is how many messages one digest may take before the rest is left to the
	// App Home tab: past that, a channel reads a wall of text nobody scrolls.
	MaxDigestParts = 3
	// maxSectionChars keeps each section under Slack's 3,000 characters.
	maxSectionChars = 2900
	// digestHorizon is how far ahead "due soon" looks.
	digestHorizon = 7 * 24 * time.Hour
)

// Part is one message of a reminder or a digest.
type Part struct {
	Text   string
	Blocks []reply.Block
}

// Reminder writes the reminder of task t planned at at, in lang and the campaign's time zone
// loc, with its buttons; the copy in the team channel (toChannel) names the owner.
func Reminder(t chorus.Task, at time.Time, loc *time.Location, lang chorus.Lang, late bool, campaignName string, toChannel bool) Part {
	text := ReminderText(t, at, loc, lang, late)
	blocks := ReminderBlocks(t, at, loc, lang, late, campaignName)
	if toChannel {
		who := feature.Mention(t.Owner) + " "
		text, blocks[0].Text = who+text, who+blocks[0].Text
	}
	return Part{Text: text, Blocks: blocks}
}

// ReminderText is the notification text of a reminder sent at at.
func ReminderText(t chorus.Task, at time.Time, loc *time.Location, lang chorus.Lang, late bool) string {
	due := i18n.FormatWhen(t.Due.In(loc), lang)
	text := catalog.T(lang, "sched.reminder.due", t.Title, due)
	if !at.Before(t.Due) {
		text = catalog.T(lang, "sched.reminder.overdue", t.Title, due)
	}
	if late {
		text += " " + catalog.T(lang, "sched.reminder.late", i18n.FormatWhen(at.In(loc), lang))
	}
	return text
}

// ReminderBlocks is a reminder with its buttons: Done, snooze a day, snooze until Monday,
// reassign.
func ReminderBlocks(t chorus.Task, at time.Time, loc *time.Location, lang chorus.Lang, late bool, campaignName string) []reply.Block {
	kind := ""
	if t.ChannelKind != "" {
		kind = " · " + t.ChannelKind
	}
	return []reply.Block{
		{Kind: reply.Section, Text: ReminderText(t, at, loc, lang, late)},
		{Kind: reply.Context, Text: catalog.T(lang, "sched.reminder.context", campaignName, t.ID) + kind},
		{Kind: reply.Actions, Buttons: []reply.Button{
			{Text: catalog.T(lang, "sched.button.done"), ActionID: reply.ActTaskDone, Value: t.ID, Style: "primary"},
			{Text: catalog.T(lang, "sched.button.snooze_day"), ActionID: reply.ActReminderSnooze, Value: reply.SnoozeDay + " " + t.ID},
			{Text: catalog.T(lang, "sched.button.snooze_monday"), ActionID: reply.ActReminderSnooze, Value: reply.SnoozeMonday + " " + t.ID},
			{Text: catalog.T(lang, "sched.button.reassign"), ActionID: reply.ActReminderReassign, Value: t.ID},
		}},
	}
}

// Missed is a reminder that came too late to send and is shown in a digest instead.
type Missed struct {
	Task chorus.Task
	At   time.Time // when it was planned
}

// DigestInput is everything one digest says.
type DigestInput struct {
	Schedule  chorus.DigestSchedule
	Slot      time.Time
	Campaigns []chorus.Campaign // active campaigns the digest covers
	DueSoon   []chorus.Task     // open tasks due within 7 days of Slot, soonest first
	Overdue   []chorus.Task     // open tasks due before Slot, oldest first
	Missed    []Missed
	Extras    []reply.Block // further sections from other features (approvals, drift flags)
}

// Empty reports whether the digest has nothing to say.
func (in DigestInput) Empty() bool {
	return len(in.Campaigns) == 0 && len(in.DueSoon) == 0 && len(in.Overdue) == 0 && len(in.Missed) == 0 && len(in.Extras) == 0
}

// BuildDigest renders a digest in the schedule's language and time zone, as messages of at most
// MaxBlocks blocks each with sections under 3,000 characters. Past MaxDigestParts messages the
// remaining lines are counted and the reader is sent to the App Home tab.
func BuildDigest(in DigestInput) []Part {
	d := in.Schedule
	lang, loc := d.Lang, chorus.LoadLocation(d.TimeZone)
	title := catalog.T(lang, "sched.digest.title", d.Channel)
	if d.Lead {
		title = catalog.T(lang, "sched.digest.title_lead")
	}
	head := []reply.Block{
		{Kind: reply.Header, Text: title},
		{Kind: reply.Context, Text: catalog.T(lang, "sched.digest.when", i18n.FormatWhen(in.Slot.In(loc), lang))},
	}
	type group struct {
		title string
		lines []string
	}
	var groups []group
	if len(in.Campaigns) > 0 {
		g := group{title: catalog.T(lang, "sched.digest.campaigns", len(in.Campaigns))}
		for _, c := range in.Campaigns {
			line := "🟢 *" + c.Name + "* (`" + c.Slug + "`)"
			if !c.Start.IsZero() {
				line += " · " + i18n.FormatDate(c.Start, lang)
				if !c.End.IsZero() {
					line += " → " + i18n.FormatDate(c.End, lang)
				}
			}
			g.lines = append(g.lines, line)
		}
		groups = append(groups, g)
	}
	taskLine := func(icon string, t chorus.Task) string {
		kind := ""
		if t.ChannelKind != "" {
			kind = " [" + t.ChannelKind + "]"
		}
		camp := ""
		if d.Lead {
			camp = " · " + t.Campaign
		}
		return fmt.Sprintf("%s `%s` *%s*%s — %s — %s%s", icon, t.ID, t.Title, kind, reply.User(t.Owner), i18n.FormatWhen(t.Due.In(loc), lang), camp)
	}
	if len(in.Overdue) > 0 {
		g := group{title: catalog.T(lang, "sched.digest.overdue", len(in.Overdue))}
		for _, t := range in.Overdue {
			g.lines = append(g.lines, taskLine("⏰", t))
		}
		groups = append(groups, g)
	}
	if len(in.DueSoon) > 0 {
		g := group{title: catalog.T(lang, "sched.digest.due_soon", len(in.DueSoon))}
		for _, t := range in.DueSoon {
			g.lines = append(g.lines, taskLine("◻️", t))
		}
		groups = append(groups, g)
	}
	if len(in.Missed) > 0 {
		g := group{title: catalog.T(lang, "sched.digest.missed", len(in.Missed))}
		for _, m := range in.Missed {
			g.lines = append(g.lines, catalog.T(lang, "sched.digest.missed_line", taskLine("🔕", m.Task), i18n.FormatWhen(m.At.In(loc), lang)))
		}
		groups = append(groups, g)
	}
	// Pack each group's lines into sections under the character limit.
	type chunk struct {
		block reply.Block
		lines int
	}
	var chunks []chunk
	for _, g := range groups {
		var b strings.Builder
		n := 0
		b.WriteString("*" + g.title + "*")
		for _, l := range g.lines {
			l = clip(l, maxSectionChars-200)
			if utf8.RuneCountInString(b.String())+1+utf8.RuneCountInString(l) > maxSectionChars {
				chunks = append(chunks, chunk{reply.Block{Kind: reply.Section, Text: b.String()}, n})
				b.Reset()
				n = 0
			}
			if b.Len() > 0 {
				b.WriteString("\n")
			}
			b.WriteString(l)
			n++
		}
		chunks = append(chunks, chunk{reply.Block{Kind: reply.Section, Text: b.String()}, n})
	}
	for _, x := range in.Extras {
		chunks = append(chunks, chunk{x, 1})
	}
	// Fill messages; the first carries the title, each later one says which part it is.
	var parts [][]reply.Block
	cur := slices.Clone(head)
	left := 0
	for i, c := range chunks {
		if len(cur) == MaxBlocks {
			if len(parts)+1 == MaxDigestParts {
				for _, rest := range chunks[i:] {
					left += rest.lines
				}
				// Make room for the pointer to the Home tab.
				cur = cur[:len(cur)-1]
				left += chunks[i-1].lines
				break
			}
			parts = append(parts, cur)
			cur = []reply.Block{{Kind: reply.Context, Text: title}}
		}
		cur = append(cur, c.block)
	}
	if left > 0 {
		cur = append(cur, reply.Block{Kind: reply.Context, Text: catalog.T(lang, "sched.digest.more_home", left)})
	}
	parts = append(parts, cur)
	out := make([]Part, len(parts))
	for i, bs := range parts {
		text := catalog.T(lang, "sched.digest.fallback", title, len(in.Campaigns), len(in.DueSoon), len(in.Overdue))
		if len(parts) > 1 {
			label := catalog.T(lang, "sched.digest.part", i+1, len(parts))
			text += " " + label
			if i > 0 {
				bs[0].Text = title + " " + label
			}
		}
		out[i] = Part{Text: text, Blocks: bs}
	}
	return out
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// Why a digest had nothing to say: the codes of DigestOut.Reason, kept in the digest's record
// and said again by "/chorus digest".
const (
	// EmptyNoCampaign: no campaign uses the channel (for a leads' digest, the workspace has none).
	EmptyNoCampaign = "no_campaign"
	// EmptyInactive: the campaigns using the channel are drafts or closed.
	EmptyInactive = "inactive"
)

// DigestOut is a written digest: its messages and, when it had nothing to say, why. An empty
// digest is a short "nothing to report" (EmptyNote), which the scheduler posts or leaves unsaid.
type DigestOut struct {
	Parts  []Part
	Empty  bool
	Reason string // EmptyNoCampaign or EmptyInactive when Empty
}

// EmptyNote is the "nothing to report" of a digest at slot with nothing to say for reason, in
// the schedule's language and time zone, with what the next empty slots will do.
func EmptyNote(d chorus.DigestSchedule, slot time.Time, reason string) Part {
	lang, loc := d.Lang, chorus.LoadLocation(d.TimeZone)
	title := catalog.T(lang, "sched.digest.title", d.Channel)
	if d.Lead {
		title = catalog.T(lang, "sched.digest.title_lead")
	}
	text := catalog.T(lang, "sched.digest.empty.note", title, i18n.FormatWhen(slot.In(loc), lang), EmptyWhy(d, reason, lang))
	blocks := []reply.Block{{Kind: reply.Section, Text: text}}
	switch d.EmptyMode() {
	case chorus.EmptyDigestFirst:
		blocks = append(blocks, reply.Block{Kind: reply.Context, Text: catalog.T(lang, "sched.digest.empty.hint_first")})
	case chorus.EmptyDigestAlways:
		blocks = append(blocks, reply.Block{Kind: reply.Context, Text: catalog.T(lang, "sched.digest.empty.hint_always")})
	}
	return Part{Text: text, Blocks: blocks}
}

// EmptyWhy says in lang why a digest of d had nothing to say, from its reason code.
func EmptyWhy(d chorus.DigestSchedule, reason string, lang chorus.Lang) string {
	switch {
	case reason != EmptyNoCampaign && reason != EmptyInactive:
		return catalog.T(lang, "sched.digest.why.nothing")
	case d.Lead:
		return catalog.T(lang, "sched.digest.why."+reason+"_lead")
	}
	return catalog.T(lang, "sched.digest.why."+reason, reply.Channel(d.Channel))
}

// Digest writes the digest of a team channel, or a leads' digest, at a slot: the active
// campaigns it covers, their overdue and soon due tasks, the reminders folded into it (those of
// folded whose task is still open), and the other features' sections. A digest with nothing to
// say is its EmptyNote, with the reason.
func (f *Feature) Digest(ctx context.Context, d chorus.DigestSchedule, slot time.Time, folded []chorus.Occurrence) (DigestOut, error) {
	ws := d.WorkspaceID
	camps, err := f.store.Campaigns(ctx, ws)
	if err != nil {
		return DigestOut{}, fmt.Errorf("digest campaigns: %w", err)
	}
	in := DigestInput{Schedule: d, Slot: slot}
	open := map[string]chorus.Task{}
	used := false // some campaign, of any status, uses the channel (leads: exists)
	for _, c := range camps {
		kinds := map[string]bool{"": true}
		for _, ch := range c.Channels {
			if d.Lead || ch.SlackChannel == d.Channel {
				kinds[ch.Kind] = true
			}
		}
		if !d.Lead && len(kinds) == 1 {
			continue // the campaign does not use this channel
		}
		used = true
		if c.Status != chorus.StatusActive {
			continue
		}
		in.Campaigns = append(in.Campaigns, c)
		ts, err := f.store.Tasks(ctx, ws, chorus.TaskFilter{Campaign: c.Slug, Statuses: []chorus.TaskStatus{chorus.TaskOpen}})
		if err != nil {
			return DigestOut{}, fmt.Errorf("digest tasks of %s: %w", c.Slug, err)
		}
		for _, t := range ts {
			if !d.Lead && !kinds[t.ChannelKind] {
				continue
			}
			open[t.ID] = t
			switch {
			case t.Due.Before(slot):
				in.Overdue = append(in.Overdue, t)
			case t.Due.Before(slot.Add(digestHorizon)):
				in.DueSoon = append(in.DueSoon, t)
			}
		}
	}
	byDue := func(a, b chorus.Task) int {
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	}
	slices.SortFunc(in.Overdue, byDue)
	slices.SortFunc(in.DueSoon, byDue)
	for _, o := range folded {
		if t, ok := open[o.TaskID]; ok {
			in.Missed = append(in.Missed, Missed{Task: t, At: o.ScheduledAt})
		}
	}
	if f.sections != nil {
		extra, err := f.sections.DigestSections(ctx, ws, d.Channel, d.Lead, in.Campaigns, d.Lang)
		if err != nil {
			return DigestOut{}, fmt.Errorf("digest sections: %w", err)
		}
		in.Extras = extra
	}
	if !in.Empty() {
		return DigestOut{Parts: BuildDigest(in)}, nil
	}
	reason := EmptyNoCampaign
	if used {
		reason = EmptyInactive
	}
	return DigestOut{Parts: []Part{EmptyNote(d, slot, reason)}, Empty: true, Reason: reason}, nil
}
