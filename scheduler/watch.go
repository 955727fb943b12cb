package scheduler

import (
	"sync"

	"github.com/chorus-hq/chorus"
)

// Listener hears about the writes that change what the scheduler sends. *Scheduler and *Feed
// are ones.
type Listener interface {
	TaskChanged(t chorus.Task)
	CampaignChanged(c chorus.Campaign)
	Snoozed(z chorus.Snooze)
	DigestChanged(d chorus.DigestSchedule)
	PolicyChanged(p chorus.ReminderPolicy)
}

// Feed carries the change notifications of this process's writes (commands.Watch reports them
// to it) to the scheduler built with it in Options.Feed, so the scheduler's index follows them at
// once. A Feed is made first, since the store that reports to it is given to the features before
// the scheduler exists; notifications before the scheduler is built are dropped, as the scheduler
// reads everything when it loads. The zero Feed is ready to use.
type Feed struct {
	mu sync.Mutex
	l  Listener
}

func (f *Feed) attach(l Listener) {
	f.mu.Lock()
	f.l = l
	f.mu.Unlock()
}

func (f *Feed) listener() Listener {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.l
}

// TaskChanged implements Listener.
func (f *Feed) TaskChanged(t chorus.Task) {
	if l := f.listener(); l != nil {
		l.TaskChanged(t)
	}
}

// CampaignChanged implements Listener.
func (f *Feed) CampaignChanged(c chorus.Campaign) {
	if l := f.listener(); l != nil {
		l.CampaignChanged(c)
	}
}

// Snoozed implements Listener.
func (f *Feed) Snoozed(z chorus.Snooze) {
	if l := f.listener(); l != nil {
		l.Snoozed(z)
	}
}

// DigestChanged implements Listener.
func (f *Feed) DigestChanged(d chorus.DigestSchedule) {
	if l := f.listener(); l != nil {
		l.DigestChanged(d)
	}
}

// PolicyChanged implements Listener.
func (f *Feed) PolicyChanged(p chorus.ReminderPolicy) {
	if l := f.listener(); l != nil {
		l.PolicyChanged(p)
	}
}
