// Package reminders is the feature of deadlines: the reminder policies (/chorus reminders,
// /campaign reminders), the digest schedules of team channels (/chorus digest), the reminders'
// buttons (snooze, reassign) and what the scheduler sends about tasks, a reminder or a digest
// (compose.go). The scheduler decides when; this package says what.
package reminders

import (
	"context"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// Store is what reminders and digests need from persistence.
type Store interface {
	Campaign(ctx context.Context, workspace, slug string) (chorus.Campaign, error)
	Campaigns(ctx context.Context, workspace string) ([]chorus.Campaign, error)
	Task(ctx context.Context, workspace, id string) (chorus.Task, error)
	Tasks(ctx context.Context, workspace string, f chorus.TaskFilter) ([]chorus.Task, error)
	UpdateTask(ctx context.Context, t chorus.Task) (chorus.Task, error)
	UserLang(ctx context.Context, workspace, user string) (chorus.Lang, error)
	AddSnooze(ctx context.Context, z chorus.Snooze) (chorus.Snooze, error)
	ReminderPolicy(ctx context.Context, workspace, campaign string) (chorus.ReminderPolicy, error)
	SaveReminderPolicy(ctx context.Context, p chorus.ReminderPolicy) (chorus.ReminderPolicy, error)
	DigestSchedule(ctx context.Context, workspace, channel string) (chorus.DigestSchedule, error)
	SaveDigestSchedule(ctx context.Context, d chorus.DigestSchedule) (chorus.DigestSchedule, error)
	// LastDigest returns the record of a channel's latest digest planned before before.
	LastDigest(ctx context.Context, workspace, channel string, before time.Time) (chorus.Occurrence, bool, error)
}

// Sections adds another feature's sections to a digest, such as the copy awaiting approval:
// camps are the active campaigns the digest covers, lang its language.
type Sections interface {
	DigestSections(ctx context.Context, workspace, channel string, lead bool, camps []chorus.Campaign, lang chorus.Lang) ([]reply.Block, error)
}

// Feature answers the reminder and digest commands and buttons.
type Feature struct {
	store    Store
	policy   chorus.ReminderPolicy
	sections Sections
}

// New returns the feature over st. policy is the reminder policy of workspaces that saved none;
// sections, optional, adds other features' sections to digests.
func New(st Store, policy chorus.ReminderPolicy, sections Sections) *Feature {
	return &Feature{store: st, policy: policy, sections: sections}
}

type call struct {
	*feature.Turn
	*Feature
}

func (f *Feature) call(t *feature.Turn) *call { return &call{Turn: t, Feature: f} }

// IsReminders reports whether args start with the reminders sub-command, in either language.
func IsReminders(args []string) bool { return isReminders(args) }

// IsDigest reports whether args start with the digest sub-command, in either language.
func IsDigest(args []string) bool { return isDigest(args) }

// Command answers "/chorus reminders …", args following the sub-command.
func (f *Feature) Command(ctx context.Context, t *feature.Turn, args []string) (reply.Reply, error) {
	return f.call(t).remindersCommand(ctx, args)
}

// CampaignCommand answers "/campaign reminders …", args following the sub-command.
func (f *Feature) CampaignCommand(ctx context.Context, t *feature.Turn, args []string) (reply.Reply, error) {
	return f.call(t).campaignReminders(ctx, args)
}

// DigestCommand answers "/chorus digest …", args following the sub-command.
func (f *Feature) DigestCommand(ctx context.Context, t *feature.Turn, args []string) (reply.Reply, error) {
	return f.call(t).digestCommand(ctx, args)
}

// Answers reports whether the feature answers the button or modal id.
func Answers(id string) bool {
	return id == reply.ActReminderSnooze || id == reply.ActReminderReassign || id == reply.ModalReminderReassign
}

// Action answers a reminder's snooze and reassign buttons.
func (f *Feature) Action(ctx context.Context, t *feature.Turn, a reply.Action) (reply.Reply, error) {
	c := f.call(t)
	if a.ActionID == reply.ActReminderSnooze {
		return c.reminderSnooze(ctx, a.Value)
	}
	return c.reassignModal(ctx, a.Value)
}

// Submit answers the reassign modal.
func (f *Feature) Submit(ctx context.Context, t *feature.Turn, sub reply.Submission) (reply.Reply, error) {
	return f.call(t).submitReassign(ctx, sub)
}
