package scheduler

import (
	"context"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands"
	"github.com/chorus-hq/chorus/reply"
)

// tr returns the text of a commands catalog key; the scheduler's texts are its sched.* keys.
func tr(lang chorus.Lang, key string, args ...any) string {
	return commands.Catalog().T(lang, key, args...)
}

// reminderMessage is the direct message to the task's owner: what is due when, in their
// language and the campaign's time zone, with the buttons that act on it.
func (s *Scheduler) reminderMessage(ctx context.Context, j job, late bool) Message {
	t := j.task
	lang := s.lang(ctx, t.WorkspaceID, t.Owner)
	s.mu.Lock()
	loc := s.location(t)
	campName := t.Campaign
	if c, ok := s.camps[t.WorkspaceID+"/"+t.Campaign]; ok {
		campName = c.Name
	}
	s.mu.Unlock()
	return Message{
		Channel:   t.Owner,
		EventType: EventReminder,
		ID:        j.id,
		Text:      ReminderText(t, j.at, loc, lang, late),
		Blocks:    ReminderBlocks(t, j.at, loc, lang, late, campName),
	}
}

// channelMessage is the copy of a reminder in the task's team channel: the same text and
// buttons, mentioning the owner, in the campaign's language since the whole team reads it.
// Any of them may click; commands decides who may act on the task.
func (s *Scheduler) channelMessage(ctx context.Context, j job, late bool) Message {
	t := j.task
	s.mu.Lock()
	loc := s.location(t)
	c, ok := s.camps[t.WorkspaceID+"/"+t.Campaign]
	s.mu.Unlock()
	campName, lang := t.Campaign, chorus.Lang("")
	if ok {
		campName, lang = c.Name, c.Lang
	}
	if lang == "" {
		lang = s.opts.Lang
		if w, err := s.st.Workspace(ctx, t.WorkspaceID); err == nil && w.Lang != "" {
			lang = w.Lang
		}
	}
	who := "<@" + t.Owner + "> "
	blocks := ReminderBlocks(t, j.at, loc, lang, late, campName)
	blocks[0].Text = who + blocks[0].Text
	return Message{
		Channel:   j.channel,
		EventType: EventReminder,
		ID:        j.id,
		Text:      who + ReminderText(t, j.at, loc, lang, late),
		Blocks:    blocks,
	}
}

// ReminderText is the notification text of a reminder sent at at.
func ReminderText(t chorus.Task, at time.Time, loc *time.Location, lang chorus.Lang, late bool) string {
	due := chorus.FormatWhen(t.Due.In(loc), lang)
	text := tr(lang, "sched.reminder.due", t.Title, due)
	if !at.Before(t.Due) {
		text = tr(lang, "sched.reminder.overdue", t.Title, due)
	}
	if late {
		text += " " + tr(lang, "sched.reminder.late", chorus.FormatWhen(at.In(loc), lang))
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
		{Kind: reply.Context, Text: tr(lang, "sched.reminder.context", campaignName, t.ID) + kind},
		{Kind: reply.Actions, Buttons: []reply.Button{
			{Text: tr(lang, "button.done"), ActionID: reply.ActTaskDone, Value: t.ID, Style: "primary"},
			{Text: tr(lang, "sched.button.snooze_day"), ActionID: reply.ActReminderSnooze, Value: reply.SnoozeDay + " " + t.ID},
			{Text: tr(lang, "sched.button.snooze_monday"), ActionID: reply.ActReminderSnooze, Value: reply.SnoozeMonday + " " + t.ID},
			{Text: tr(lang, "sched.button.reassign"), ActionID: reply.ActReminderReassign, Value: t.ID},
		}},
	}
}
