package scheduler

import (
	"context"

	"github.com/chorus-hq/chorus"
)

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
	c := s.opts.Composer.Reminder(ReminderScope{Task: t, At: j.at, Late: late, Lang: lang, Location: loc, CampaignName: campName})
	return Message{Channel: t.Owner, EventType: EventReminder, ID: j.id, Text: c.Text, Blocks: c.Blocks}
}

// channelMessage is the copy of a reminder in the task's team channel: the same text and
// buttons, naming the owner, in the campaign's language since the whole team reads it.
// Any of them may click; the features decide who may act on the task.
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
	m := s.opts.Composer.Reminder(ReminderScope{Task: t, At: j.at, Late: late, Lang: lang, Location: loc, CampaignName: campName, ToChannel: true})
	return Message{Channel: j.channel, EventType: EventReminder, ID: j.id, Text: m.Text, Blocks: m.Blocks}
}
