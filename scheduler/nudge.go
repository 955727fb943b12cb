package scheduler

import (
	"context"
	"time"

	"github.com/chorus-hq/chorus"
)

// EventNudge is the metadata event type of a nudge's message.
const EventNudge = "chorus_nudge"

// Nudge is a one-off message a feature plans outside tasks and digests: a briefing's reminder
// to someone who has not acknowledged it, a question's escalation to the lead. The feature
// decides what is due; the scheduler sends each nudge exactly once, with the same claims and
// records as reminders.
type Nudge struct {
	// ID is deterministic: every replica, at every tick, names the same nudge the same way.
	ID          string
	At          time.Time
	WorkspaceID string
	// Compose writes the message (Channel, Thread, Text and Blocks; EventType and ID are the
	// scheduler's). It is called only for a nudge this process dispatches, so listing the due
	// nudges at every tick stays cheap.
	Compose func(ctx context.Context) (Message, error)
}

// Nudger lists the nudges due by now. It is asked at every tick, so it reads little; a nudge
// already sent is filtered out by the scheduler (by its record), so the Nudger may list it
// again until it stops being due.
type Nudger interface {
	Nudges(ctx context.Context, now time.Time) ([]Nudge, error)
}

// dueNudges asks the Nudger what is due and returns the jobs of the nudges not dispatched yet
// by this process; later ticks leave them to the claim and its retries.
func (s *Scheduler) dueNudges(ctx context.Context, now time.Time) []job {
	if s.opts.Nudger == nil {
		return nil
	}
	due, err := s.opts.Nudger.Nudges(ctx, now)
	if err != nil {
		if ctx.Err() == nil {
			s.log.WarnContext(ctx, "scheduler: list nudges", "err", err)
		}
		return nil
	}
	s.mu.Lock()
	seen := make(map[string]bool, len(due))
	var fresh []Nudge
	for _, n := range due {
		id := "nudge/" + n.ID
		seen[id] = true
		if n.At.After(now) || now.Sub(n.At) > s.opts.Grace || s.nudged[id] {
			continue
		}
		s.nudged[id] = true
		fresh = append(fresh, n)
	}
	for id := range s.nudged {
		if !seen[id] { // no longer due: done, answered or past; forget it
			delete(s.nudged, id)
		}
	}
	s.mu.Unlock()
	var jobs []job
	for _, n := range fresh {
		id := "nudge/" + n.ID
		m, err := n.Compose(ctx)
		if err != nil {
			s.log.WarnContext(ctx, "scheduler: write nudge", "nudge", id, "err", err)
			s.mu.Lock()
			delete(s.nudged, id) // the next tick tries again
			s.mu.Unlock()
			continue
		}
		m.EventType, m.ID = EventNudge, id
		jobs = append(jobs, job{kind: chorus.NudgeOccurrence, id: id, at: n.At, channel: m.Channel, nudge: &m, nudgeWS: n.WorkspaceID, attempt: 1})
	}
	return jobs
}

// deliverNudge sends a claimed nudge, or skips it when it is too late, and records it.
func (s *Scheduler) deliverNudge(ctx context.Context, j job, attempt int, rec chorus.Occurrence) {
	rec.WorkspaceID, rec.Channel = j.nudgeWS, j.nudge.Channel
	if s.now().Sub(j.at) > s.opts.Grace {
		rec.Skipped = true
		s.count.skipped.Add(1)
		s.record(ctx, rec)
		return
	}
	ts, err := s.sendOnce(ctx, *j.nudge, attempt, j)
	if err != nil {
		s.count.failed.Add(1)
		s.log.WarnContext(ctx, "scheduler: send nudge", "occurrence", j.id, "err", err)
		return // the claim stays: after the lease another attempt looks and retries
	}
	rec.TS = ts
	s.record(ctx, rec)
}
