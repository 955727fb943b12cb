package commands

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/i18n"
	"github.com/chorus-hq/chorus/reply"
)

// campaignCard shows a campaign: its message, must-include points, channels and owners, next
// deadlines and status. tasks are its open tasks, soonest first (nil to leave them out).
func (c *call) campaignCard(camp chorus.Campaign, tasks []chorus.Task) reply.Reply {
	blocks := []reply.Block{{Kind: reply.Header, Text: statusEmoji(camp.Status) + " " + camp.Name}}
	msg := camp.Message
	if strings.TrimSpace(msg) == "" {
		msg = "_" + c.t("campaign.card.no_message", camp.Slug) + "_"
	}
	blocks = append(blocks, reply.Block{Kind: reply.Section, Text: "*" + c.t("field.message") + "*\n" + msg})
	if len(camp.MustInclude) > 0 {
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: "*" + c.t("field.must_include") + "*\n• " + strings.Join(camp.MustInclude, "\n• ")})
	}
	fields := []string{
		"*" + c.t("field.status") + "*\n" + c.t("status."+string(camp.Status)),
		"*" + c.t("field.leads") + "*\n" + c.mentions(camp.Leads),
	}
	if !camp.Start.IsZero() {
		fields = append(fields, "*"+c.t("field.dates")+"*\n"+c.dateRange(camp))
	}
	fields = append(fields, "*"+c.t("field.time_zone")+"*\n"+camp.TimeZone)
	blocks = append(blocks, reply.Block{Kind: reply.Section, Fields: fields})
	if len(camp.Channels) > 0 {
		lines := make([]string, 0, len(camp.Channels))
		for _, ch := range camp.Channels {
			line := "• *" + ch.Kind + "*"
			if ch.SlackChannel != "" {
				line += " " + channelRef(ch.SlackChannel)
			}
			line += " — " + c.t("campaign.card.owner", mention(ch.Owner))
			lines = append(lines, line)
		}
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: "*" + c.t("field.channels") + "*\n" + strings.Join(lines, "\n")})
	} else {
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: "*" + c.t("field.channels") + "*\n_" + c.t("campaign.card.no_channels", camp.Slug) + "_"})
	}
	if tasks != nil {
		text := "*" + c.t("campaign.card.deadlines") + "*\n"
		if len(tasks) == 0 {
			text += "_" + c.t("task.list.empty") + "_"
		}
		for i, t := range tasks {
			if i == 5 {
				text += "\n" + c.t("campaign.card.more_tasks", len(tasks)-5, camp.Slug)
				break
			}
			text += c.taskLine(t) + "\n"
		}
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: strings.TrimRight(text, "\n")})
	}
	blocks = append(blocks, reply.Block{Kind: reply.Context, Text: c.t("campaign.card.version", camp.Slug, camp.Version, mention(camp.UpdatedBy), c.when(camp.UpdatedAt))})
	text := camp.Name + " (" + camp.Slug + ")"
	if camp.Message != "" {
		text += " — " + ellipsis(camp.Message, 200)
	}
	return reply.Reply{Text: text, Blocks: blocks}
}

// taskLine is one task in a list: status, title, owner, due date, id.
func (c *call) taskLine(t chorus.Task) string {
	icon := "◻️"
	switch {
	case t.Status == chorus.TaskDone:
		icon = "✅"
	case t.Status == chorus.TaskCancelled:
		icon = "✖️"
	case t.Due.Before(c.now()):
		icon = "⏰"
	}
	kind := ""
	if t.ChannelKind != "" {
		kind = " [" + t.ChannelKind + "]"
	}
	return fmt.Sprintf("%s `%s` *%s*%s — %s — %s", icon, t.ID, t.Title, kind, mention(t.Owner), c.when(t.Due))
}

// when writes an instant in the workspace's time zone and the caller's language.
func (c *call) when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return i18n.FormatWhen(t.In(c.ws.Location()), c.lang)
}

// dateRange writes a campaign's dates: "1 juillet 2027 → 15 juillet 2027".
func (c *call) dateRange(camp chorus.Campaign) string {
	s := i18n.FormatDate(camp.Start, c.lang)
	if !camp.End.IsZero() {
		s += " → " + i18n.FormatDate(camp.End, c.lang)
	}
	return s
}

// mention writes a user so Slack shows their name; the console prints it as @id.
func mention(user string) string {
	if user == "" {
		return "—"
	}
	return "<@" + user + ">"
}

// mentions writes a list of users, or a dash when there is none.
func (c *call) mentions(users []string) string {
	if len(users) == 0 {
		return "—"
	}
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = mention(u)
	}
	return strings.Join(out, ", ")
}

// channelRef writes a channel so Slack links it; console channels (#name) stay as typed.
func channelRef(id string) string {
	if strings.HasPrefix(id, "#") {
		return id
	}
	return "<#" + id + ">"
}

func statusEmoji(s chorus.Status) string {
	switch s {
	case chorus.StatusActive:
		return "🟢"
	case chorus.StatusClosed:
		return "⚫"
	}
	return "📝"
}

// ellipsis cuts s to at most n runes, ending with "…" when it cut.
func ellipsis(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// help lists a command's sub-commands with their syntax.
func (c *call) help(cmd string) reply.Reply {
	text := c.t("help." + cmd)
	return reply.Reply{Text: text, Blocks: []reply.Block{{Kind: reply.Header, Text: c.t("help.title", "/"+cmd)}, {Kind: reply.Section, Text: text}}}
}
