package reminders

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/i18n"
	"github.com/chorus-hq/chorus/reply"
)

// reminderTask loads an open task that the acting user may act on from a reminder: its owner,
// the campaign's leads and the owner of its channel.
func (c *call) reminderTask(ctx context.Context, id string) (chorus.Task, chorus.Campaign, error) {
	id = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(id), "#"))
	t, err := c.store.Task(ctx, c.Req.Workspace, id)
	if errors.Is(err, chorus.ErrNotFound) {
		return t, chorus.Campaign{}, chorus.Errorf(chorus.ErrNotFound, "task.unknown", id)
	}
	if err != nil {
		return t, chorus.Campaign{}, fmt.Errorf("load task %q: %w", id, err)
	}
	camp, err := c.LoadCampaign(ctx, t.Campaign)
	if err != nil {
		return t, camp, err
	}
	if t.Status != chorus.TaskOpen {
		return t, camp, chorus.Errorf(chorus.ErrInvalid, "sched.task.not_open", t.Title)
	}
	if t.Owner != c.Req.User {
		if err := c.CanManageTasks(camp, t.ChannelKind); err != nil {
			return t, camp, err
		}
	}
	return t, camp, nil
}

// reminderSnooze answers "Remind me tomorrow" and "Remind me Monday": the task's reminders wait
// until then, in the campaign's time zone, out of quiet hours and weekends.
func (c *call) reminderSnooze(ctx context.Context, value string) (reply.Reply, error) {
	how, id, _ := strings.Cut(value, " ")
	t, camp, err := c.reminderTask(ctx, id)
	if err != nil {
		return reply.Reply{}, err
	}
	loc := camp.Location()
	now := c.Now().In(loc)
	var until time.Time
	switch how {
	case reply.SnoozeDay:
		until = now.AddDate(0, 0, 1) // the same wall-clock time tomorrow, daylight saving or not
	case reply.SnoozeMonday:
		until = chorus.NextMonday(now, loc)
	default:
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "action.unknown", reply.ActReminderSnooze+" "+how)
	}
	until = c.reminderPolicy(ctx, camp).Wake(until)
	_, err = c.store.AddSnooze(ctx, chorus.Snooze{WorkspaceID: c.Req.Workspace, TaskID: t.ID, Due: t.Due, Until: until, By: c.Req.User})
	if err != nil {
		return reply.Reply{}, fmt.Errorf("snooze task %q: %w", t.ID, err)
	}
	if err := c.Audit(ctx, "task.snooze", "task:"+t.ID, t.Version, t.Version, until.UTC().Format("2006-01-02T15:04Z")); err != nil {
		return reply.Reply{}, err
	}
	text := c.T("sched.snoozed", t.Title, i18n.FormatWhen(until.In(loc), c.Lang))
	return reply.Reply{Text: text, Blocks: []reply.Block{{Kind: reply.Section, Text: "😴 " + text}}, ReplaceOriginal: true}, nil
}

// reminderPolicy is the policy that applies to a campaign's tasks: the campaign's own, the
// workspace's, or the configured default. A policy marked Inherit defines nothing.
func (c *call) reminderPolicy(ctx context.Context, camp chorus.Campaign) chorus.ReminderPolicy {
	for _, key := range []string{camp.Slug, ""} {
		if p, err := c.store.ReminderPolicy(ctx, c.Req.Workspace, key); err == nil && !p.Inherit {
			return p
		}
	}
	return c.policy
}

// reassignModal asks who should own the task instead.
func (c *call) reassignModal(ctx context.Context, id string) (reply.Reply, error) {
	t, _, err := c.reminderTask(ctx, id)
	if err != nil {
		return reply.Reply{}, err
	}
	return reply.Reply{Modal: &reply.Modal{
		CallbackID: reply.ModalReminderReassign, Title: c.T("sched.reassign.title"), Submit: c.T("sched.reassign.submit"),
		Close: c.T("button.cancel"), PrivateMetadata: t.ID, Intro: t.Title,
		Inputs: []reply.Input{{ID: "owner", Label: c.T("sched.reassign.owner"), Kind: reply.UserInput}},
	}}, nil
}

// submitReassign gives the task to its new owner and tells them in a direct message; their
// reminders follow the task.
func (c *call) submitReassign(ctx context.Context, sub reply.Submission) (reply.Reply, error) {
	owner, ok := feature.UserArg(strings.TrimSpace(sub.Values["owner"]))
	if !ok {
		return reply.Reply{}, chorus.Invalid("owner", "user.invalid", sub.Values["owner"])
	}
	for attempt := 0; ; attempt++ {
		t, camp, err := c.reminderTask(ctx, sub.PrivateMetadata)
		if err != nil {
			return reply.Reply{}, err
		}
		if t.Owner == owner {
			return reply.Reply{}, chorus.Invalid("owner", "sched.reassign.same", feature.Mention(owner))
		}
		before := t.Version
		t.Owner, t.UpdatedBy = owner, c.Req.User
		saved, err := c.store.UpdateTask(ctx, t)
		if errors.Is(err, chorus.ErrConflict) && attempt < feature.MaxEditRetries {
			continue
		}
		if err != nil {
			return reply.Reply{}, fmt.Errorf("reassign task %q: %w", t.ID, err)
		}
		if err := c.Audit(ctx, "task.reassign", "task:"+t.ID, before, saved.Version, owner); err != nil {
			return reply.Reply{}, err
		}
		text := c.T("sched.reassigned", saved.Title, feature.Mention(owner))
		lang := c.WS.Lang
		if l, err := c.store.UserLang(ctx, c.Req.Workspace, owner); err == nil {
			lang = l
		}
		dm := catalog.T(lang, "sched.reassigned.dm", feature.Mention(c.Req.User), saved.Title, camp.Name,
			i18n.FormatWhen(saved.Due.In(camp.Location()), lang), saved.ID)
		return reply.Reply{
			Text: text, Blocks: []reply.Block{{Kind: reply.Section, Text: "✅ " + text}}, Visibility: reply.Ephemeral, ReplaceOriginal: true,
			Posts: []reply.Post{{Channel: owner, Text: dm, Blocks: []reply.Block{{Kind: reply.Section, Text: "📌 " + dm,
				Accessory: &reply.Button{Text: catalog.T(lang, "sched.button.done"), ActionID: reply.ActTaskDone, Value: saved.ID, Style: "primary"}}}}},
		}, nil
	}
}
