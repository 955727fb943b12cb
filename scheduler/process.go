package scheduler

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/chorus-hq/chorus"
)

// process handles one dispatched occurrence: checks it is still wanted, claims it, sends it
// and records it.
func (s *Scheduler) process(ctx context.Context, j job) {
	if ctx.Err() != nil {
		return
	}
	switch j.kind {
	case chorus.ReminderOccurrence:
		if !s.reminderStillDue(ctx, &j) {
			return
		}
	case chorus.DigestOccurrence:
		if !s.digestStillDue(&j) {
			return
		}
	}
	s.claimAndDeliver(ctx, j)
}

// reminderStillDue reads the task fresh: the index may be behind a change made by another
// replica. A task done, deleted, moved, reassigned since or snoozed past the reminder cancels it.
func (s *Scheduler) reminderStillDue(ctx context.Context, j *job) bool {
	t, err := s.st.Task(ctx, j.task.WorkspaceID, j.task.ID)
	if errors.Is(err, chorus.ErrNotFound) {
		s.count.cancelled.Add(1)
		return false
	}
	if err != nil {
		s.log.WarnContext(ctx, "scheduler: read task", "task", j.task.ID, "err", err)
		s.retryAt(s.now().Add(s.opts.Tick), *j)
		return false
	}
	if t.Version != j.task.Version {
		s.TaskChanged(t)
	}
	s.mu.Lock()
	plan := s.plan(t)
	s.mu.Unlock()
	for _, r := range plan {
		if r.Key == j.key && r.At.Equal(j.at) && t.Due.Equal(j.task.Due) {
			j.task = t // the latest title and owner
			if j.copy {
				// The task may have moved to another team, or its channel lost its Slack
				// channel, since the reminder was dispatched.
				s.mu.Lock()
				ch := s.teamChannel(t)
				s.mu.Unlock()
				if ch == "" {
					break
				}
				j.channel = ch
			}
			return true
		}
	}
	s.count.cancelled.Add(1)
	return false
}

// digestStillDue checks the schedule was not changed or switched off since the slot was
// dispatched.
func (s *Scheduler) digestStillDue(j *job) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.digests[j.digest.WorkspaceID+"/"+j.digest.Channel]
	if !ok || e.digest.Off || e.digest.Spec != j.digest.Spec || e.digest.TimeZone != j.digest.TimeZone {
		s.count.cancelled.Add(1)
		return false
	}
	j.digest = e.digest
	return true
}

// claimAndDeliver claims attempt j.attempt of the occurrence and delivers it when the claim is
// won. A claim lost to a live owner is looked at again when its lease ends; one whose owner
// died (lease over, no record) is taken over with the next attempt.
func (s *Scheduler) claimAndDeliver(ctx context.Context, j job) {
	for attempt := j.attempt; attempt <= maxAttempts; attempt++ {
		id := j.id + "/" + strconv.Itoa(attempt)
		won, err := s.st.Claim(ctx, claimOccurrence, id, s.opts.Replica)
		if err != nil {
			s.log.WarnContext(ctx, "scheduler: claim", "occurrence", id, "err", err)
			j.attempt = attempt
			s.retryAt(s.now().Add(s.opts.Tick), j)
			return
		}
		if won {
			s.deliver(ctx, j, attempt)
			return
		}
		if attempt == 1 && !j.retried {
			s.count.lost.Add(1)
		}
		if _, done, err := s.st.Occurrence(ctx, j.id); err != nil || done {
			if err != nil {
				s.log.WarnContext(ctx, "scheduler: read occurrence", "occurrence", j.id, "err", err)
				j.attempt = attempt
				s.retryAt(s.now().Add(s.opts.Tick), j)
			}
			return
		}
		_, at, ok, err := s.st.ClaimInfo(ctx, claimOccurrence, id)
		if err != nil {
			s.log.WarnContext(ctx, "scheduler: read claim", "occurrence", id, "err", err)
			j.attempt = attempt
			s.retryAt(s.now().Add(s.opts.Tick), j)
			return
		}
		if ok && s.now().Sub(at) < s.opts.Lease {
			j.attempt = attempt
			s.retryAt(at.Add(s.opts.Lease), j)
			return
		}
		s.log.InfoContext(ctx, "scheduler: taking over an occurrence whose owner did not record it", "occurrence", j.id, "attempt", attempt+1)
	}
	s.count.failed.Add(1)
	s.log.ErrorContext(ctx, "scheduler: occurrence abandoned", "occurrence", j.id, "attempts", maxAttempts)
}

// deliver sends a claimed occurrence, or folds or skips it when it is too late.
func (s *Scheduler) deliver(ctx context.Context, j job, attempt int) {
	late := s.now().Sub(j.at) > s.opts.Grace
	rec := chorus.Occurrence{ID: j.id, Kind: j.kind, ScheduledAt: j.at, By: s.opts.Replica}
	switch j.kind {
	case chorus.NudgeOccurrence:
		s.deliverNudge(ctx, j, attempt, rec)
		return
	case chorus.ReminderOccurrence:
		if j.copy {
			s.deliverCopy(ctx, j, attempt, late, rec)
			return
		}
		rec.WorkspaceID, rec.TaskID, rec.Channel = j.task.WorkspaceID, j.task.ID, j.task.Owner
		if late && s.folds(j.task) {
			rec.Folded = true
			s.count.folded.Add(1)
			s.record(ctx, rec)
			return
		}
		msg := s.reminderMessage(ctx, j, late)
		ts, err := s.sendOnce(ctx, msg, attempt, j)
		if err != nil {
			s.count.failed.Add(1)
			s.log.WarnContext(ctx, "scheduler: send reminder", "occurrence", j.id, "err", err)
			return // the claim stays: after the lease another attempt looks and retries
		}
		rec.TS = ts
	case chorus.DigestOccurrence:
		rec.WorkspaceID, rec.Channel = j.digest.WorkspaceID, j.digest.Channel
		if late {
			// The next digest says everything this one would have.
			rec.Skipped = true
			s.count.skipped.Add(1)
			s.record(ctx, rec)
			return
		}
		dg, err := s.digest(ctx, j.digest, j.at)
		if err != nil {
			s.count.failed.Add(1)
			s.log.WarnContext(ctx, "scheduler: build digest", "occurrence", j.id, "err", err)
			return
		}
		if dg.Empty {
			rec.Empty, rec.EmptyReason = true, dg.Reason
			post, err := s.postEmpty(ctx, j.digest, j.at)
			if err != nil {
				s.count.failed.Add(1)
				s.log.WarnContext(ctx, "scheduler: read the last digest", "occurrence", j.id, "err", err)
				return // the claim stays: after the lease another attempt looks again
			}
			if !post {
				rec.Skipped = true
				s.count.skipped.Add(1)
				s.record(ctx, rec)
				return
			}
		}
		for i, p := range dg.Parts {
			id := j.id
			if i > 0 {
				id += "#" + strconv.Itoa(i+1)
			}
			ts, err := s.sendOnce(ctx, Message{Channel: j.digest.Channel, Text: p.Text, Blocks: p.Blocks, EventType: EventDigest, ID: id}, attempt, j)
			if err != nil {
				s.count.failed.Add(1)
				s.log.WarnContext(ctx, "scheduler: send digest", "occurrence", id, "err", err)
				return
			}
			if i == 0 {
				rec.TS = ts
			}
		}
	}
	s.record(ctx, rec)
}

// postEmpty reports whether the empty digest of d at slot posts its "nothing to report": always
// or never as the schedule says, else (chorus.EmptyDigestFirst) unless the channel's previous
// digest, planned since the schedule was last saved, was empty already. The previous record is
// insert-only, so every attempt at this slot decides the same.
func (s *Scheduler) postEmpty(ctx context.Context, d chorus.DigestSchedule, slot time.Time) (bool, error) {
	switch {
	case s.opts.PostEmptyDigest || d.EmptyMode() == chorus.EmptyDigestAlways:
		return true, nil
	case d.EmptyMode() == chorus.EmptyDigestNever:
		return false, nil
	}
	prev, ok, err := s.st.LastDigest(ctx, d.WorkspaceID, d.Channel, slot)
	if err != nil {
		return false, err
	}
	return !(ok && prev.Empty && !prev.ScheduledAt.Before(d.UpdatedAt)), nil
}

// deliverCopy posts the team channel's copy of a claimed reminder: the task's first one opens
// its thread there, later ones reply in it. A late copy whose direct message is folded into
// the next digest is skipped: the digest shows the reminder once.
func (s *Scheduler) deliverCopy(ctx context.Context, j job, attempt int, late bool, rec chorus.Occurrence) {
	t := j.task
	rec.WorkspaceID, rec.TaskID, rec.Channel = t.WorkspaceID, t.ID, j.channel
	if late && s.folds(t) {
		rec.Skipped = true
		s.count.skipped.Add(1)
		s.record(ctx, rec)
		return
	}
	thread, _, err := s.st.TaskThread(ctx, t.WorkspaceID, t.ID, j.channel)
	if err != nil {
		s.count.failed.Add(1)
		s.log.WarnContext(ctx, "scheduler: read task thread", "occurrence", j.id, "err", err)
		return // the claim stays: after the lease another attempt retries
	}
	msg := s.channelMessage(ctx, j, late)
	msg.Thread = thread
	ts, err := s.sendOnce(ctx, msg, attempt, j)
	if err != nil {
		s.count.failed.Add(1)
		s.log.WarnContext(ctx, "scheduler: send reminder to channel", "occurrence", j.id, "err", err)
		return
	}
	if thread == "" {
		// This message opened the task's thread, unless another replica posted the task's
		// other reminder at the same moment and recorded its own first: later ones reply there.
		won, err := s.st.StartTaskThread(ctx, t.WorkspaceID, t.ID, j.channel, ts)
		if err != nil {
			// Not recorded: after the lease a takeover finds the message and starts the thread.
			s.count.failed.Add(1)
			s.log.WarnContext(ctx, "scheduler: start task thread", "occurrence", j.id, "err", err)
			return
		}
		if won != ts {
			s.log.InfoContext(ctx, "scheduler: another replica started the task's thread", "occurrence", j.id, "thread", won)
		}
	}
	rec.TS = ts
	s.record(ctx, rec)
}

// sendOnce sends m, unless this is a takeover and the message is in the channel already: the
// previous owner sent it and died before recording. A reply is looked for in its thread, then
// among the channel's messages: the previous owner may have posted it before the thread was
// recorded.
func (s *Scheduler) sendOnce(ctx context.Context, m Message, attempt int, j job) (string, error) {
	if attempt > 1 {
		since := j.at.Add(-s.opts.Tick)
		threads := []string{""}
		if m.Thread != "" {
			threads = []string{m.Thread, ""}
		}
		for _, thread := range threads {
			ts, ok, err := s.send.Find(ctx, m.Channel, thread, m.EventType, m.ID, since)
			if err != nil {
				return "", err // better late (after the next lease) than twice
			}
			if ok {
				s.count.recovered.Add(1)
				return ts, nil
			}
		}
	}
	ts, err := s.send.Send(ctx, m)
	if err == nil {
		s.count.sent.Add(1)
	}
	return ts, err
}

func (s *Scheduler) record(ctx context.Context, rec chorus.Occurrence) {
	err := s.st.RecordOccurrence(ctx, rec)
	switch {
	case errors.Is(err, chorus.ErrConflict):
		s.log.WarnContext(ctx, "scheduler: occurrence recorded twice", "occurrence", rec.ID)
	case err != nil:
		// Sent but not recorded: after the lease, a takeover finds the message by its metadata.
		s.count.failed.Add(1)
		s.log.WarnContext(ctx, "scheduler: record occurrence", "occurrence", rec.ID, "err", err)
	}
}

// folds reports whether a digest that is on covers t's channel, so a late reminder can be
// shown there instead of sent.
func (s *Scheduler) folds(t chorus.Task) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	channels := s.taskChannels(t)
	for _, e := range s.digests {
		d := e.digest
		if d.Off || d.WorkspaceID != t.WorkspaceID {
			continue
		}
		if d.Lead || channels[d.Channel] {
			return true
		}
	}
	return false
}

// teamChannel returns the Slack channel of t's team, where copies of its reminders go: its
// channel kind's in its campaign. A campaign-wide task, or a team without a Slack channel, has
// none: its reminders are direct messages only. The caller holds s.mu.
func (s *Scheduler) teamChannel(t chorus.Task) string {
	if t.ChannelKind == "" {
		return ""
	}
	c, ok := s.camps[t.WorkspaceID+"/"+t.Campaign]
	if !ok {
		return ""
	}
	for _, ch := range c.Channels {
		if ch.Kind == t.ChannelKind {
			return ch.SlackChannel
		}
	}
	return ""
}

// taskChannels returns the team channels a task belongs to: its channel kind's, or every
// channel of its campaign for a campaign-wide task. The caller holds s.mu.
func (s *Scheduler) taskChannels(t chorus.Task) map[string]bool {
	out := map[string]bool{}
	c, ok := s.camps[t.WorkspaceID+"/"+t.Campaign]
	if !ok {
		return out
	}
	for _, ch := range c.Channels {
		if ch.SlackChannel != "" && (t.ChannelKind == "" || ch.Kind == t.ChannelKind) {
			out[ch.SlackChannel] = true
		}
	}
	return out
}

// lang returns the language user reads: the one they chose, else their workspace's.
func (s *Scheduler) lang(ctx context.Context, ws, user string) chorus.Lang {
	if l, err := s.st.UserLang(ctx, ws, user); err == nil {
		return l
	}
	if w, err := s.st.Workspace(ctx, ws); err == nil && w.Lang != "" {
		return w.Lang
	}
	return s.opts.Lang
}
