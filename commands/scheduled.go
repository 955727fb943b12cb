package commands

import (
	"context"
	"time"

	"github.com/chorus-hq/chorus/commands/reminders"
	"github.com/chorus-hq/chorus/scheduler"
)

// Reminder writes a task's reminder (the reminders feature). It implements scheduler.Composer.
func (s *Service) Reminder(r scheduler.ReminderScope) scheduler.Content {
	p := reminders.Reminder(r.Task, r.At, r.Location, r.Lang, r.Late, r.CampaignName, r.ToChannel)
	return scheduler.Content{Text: p.Text, Blocks: p.Blocks}
}

// Digest writes a channel's digest (the reminders feature, with the review feature's sections).
// It implements scheduler.Composer.
func (s *Service) Digest(ctx context.Context, d scheduler.DigestScope) (scheduler.Digest, error) {
	dg, err := s.reminders.Digest(ctx, d.Schedule, d.Slot, d.Folded)
	if err != nil {
		return scheduler.Digest{}, err
	}
	out := scheduler.Digest{Empty: dg.Empty, Reason: dg.Reason}
	for _, p := range dg.Parts {
		out.Parts = append(out.Parts, scheduler.Content{Text: p.Text, Blocks: p.Blocks})
	}
	return out, nil
}

// Nudges lists the briefings' reminders and the questions' escalations due by now (the
// briefing feature). It implements scheduler.Nudger.
func (s *Service) Nudges(ctx context.Context, now time.Time) ([]scheduler.Nudge, error) {
	ns, err := s.briefing.Nudges(ctx, now)
	out := make([]scheduler.Nudge, 0, len(ns))
	for _, n := range ns {
		out = append(out, scheduler.Nudge{ID: n.ID, At: n.At, WorkspaceID: n.Workspace,
			Compose: func(ctx context.Context) (scheduler.Message, error) {
				text, blocks, err := n.Compose(ctx)
				return scheduler.Message{Channel: n.Channel, Text: text, Blocks: blocks}, err
			}})
	}
	return out, err
}
