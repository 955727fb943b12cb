package commands

import (
	"context"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/scheduler"
)

// Watch returns st with every successful write of a task, campaign, snooze, digest schedule or
// reminder policy reported to l, so the scheduler's index follows this process's own writes at
// once, whichever feature made them. Other replicas' writes reach it by its Resync.
func Watch(st Store, l scheduler.Listener) Store { return watched{Store: st, l: l} }

type watched struct {
	Store
	l scheduler.Listener
}

func (w watched) CreateTask(ctx context.Context, t chorus.Task) (chorus.Task, error) {
	saved, err := w.Store.CreateTask(ctx, t)
	if err == nil {
		w.l.TaskChanged(saved)
	}
	return saved, err
}

func (w watched) UpdateTask(ctx context.Context, t chorus.Task) (chorus.Task, error) {
	saved, err := w.Store.UpdateTask(ctx, t)
	if err == nil {
		w.l.TaskChanged(saved)
	}
	return saved, err
}

func (w watched) CreateCampaign(ctx context.Context, c chorus.Campaign) (chorus.Campaign, error) {
	saved, err := w.Store.CreateCampaign(ctx, c)
	if err == nil {
		w.l.CampaignChanged(saved)
	}
	return saved, err
}

func (w watched) UpdateCampaign(ctx context.Context, c chorus.Campaign) (chorus.Campaign, error) {
	saved, err := w.Store.UpdateCampaign(ctx, c)
	if err == nil {
		w.l.CampaignChanged(saved)
	}
	return saved, err
}

func (w watched) AddSnooze(ctx context.Context, z chorus.Snooze) (chorus.Snooze, error) {
	saved, err := w.Store.AddSnooze(ctx, z)
	if err == nil {
		w.l.Snoozed(saved)
	}
	return saved, err
}

func (w watched) SaveDigestSchedule(ctx context.Context, d chorus.DigestSchedule) (chorus.DigestSchedule, error) {
	saved, err := w.Store.SaveDigestSchedule(ctx, d)
	if err == nil {
		w.l.DigestChanged(saved)
	}
	return saved, err
}

func (w watched) SaveReminderPolicy(ctx context.Context, p chorus.ReminderPolicy) (chorus.ReminderPolicy, error) {
	saved, err := w.Store.SaveReminderPolicy(ctx, p)
	if err == nil {
		w.l.PolicyChanged(saved)
	}
	return saved, err
}
