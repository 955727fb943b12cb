package briefing

import (
	"context"
	"fmt"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// Nudge is a message the scheduler sends once, at At or soon after: a briefing's reminder to a
// person who has not acknowledged it, a question's escalation to a lead.
type Nudge struct {
	ID        string // deterministic: the same nudge on every replica and at every tick
	At        time.Time
	Workspace string
	Channel   string // a user id: a direct message
	// Compose writes the message in its reader's language; the scheduler calls it only for the
	// nudges it sends, so that listing them at every tick reads little.
	Compose func(ctx context.Context) (text string, blocks []reply.Block, err error)
}

// RemindAt is the local hour at which a person who has not acknowledged a briefing is
// reminded, on the eve of go-live.
const RemindAt = 10

// questionWindow is how far back questions are looked at for escalation.
const questionWindow = 7 * 24 * time.Hour

// Nudges lists what is due by now: reminders of the latest edition of every briefing whose
// campaign has not gone live (read from the briefings whose GoLive is ahead), to each member of its channels who has not acknowledged it, at
// RemindAt on the eve of go-live in their own time zone (an hour after the sending when that is
// past); and the escalation to the campaign's leads of every question left unanswered for the
// workspace's delay. The scheduler sends each once.
func (f *Feature) Nudges(ctx context.Context, now time.Time) ([]Nudge, error) {
	bs, err := f.store.SentBriefings(ctx, now)
	if err != nil {
		return nil, fmt.Errorf("sent briefings: %w", err)
	}
	camps := campaigns{src: f.src, m: map[string]chorus.Campaign{}}
	var out []Nudge
	for _, b := range bs {
		ns, err := f.reminders(ctx, b, now, camps)
		if err != nil {
			// one briefing that cannot be read holds back no other's reminders
			f.log.WarnContext(ctx, "briefing: reminders", "workspace", b.WorkspaceID, "campaign", b.Campaign, "err", err)
			continue
		}
		out = append(out, ns...)
	}
	ns, err := f.escalations(ctx, now, camps)
	return append(out, ns...), err
}

// campaigns reads each campaign once per listing.
type campaigns struct {
	src Sources
	m   map[string]chorus.Campaign
}

func (cs campaigns) get(ctx context.Context, ws, slug string) (chorus.Campaign, error) {
	if c, ok := cs.m[ws+"/"+slug]; ok {
		return c, nil
	}
	c, err := cs.src.Campaign(ctx, ws, slug)
	if err != nil {
		return c, fmt.Errorf("campaign %s: %w", slug, err)
	}
	cs.m[ws+"/"+slug] = c
	return c, nil
}

// reminders are b's reminders due by now.
func (f *Feature) reminders(ctx context.Context, b chorus.Briefing, now time.Time, camps campaigns) ([]Nudge, error) {
	camp, err := camps.get(ctx, b.WorkspaceID, b.Campaign)
	if err != nil {
		return nil, err
	}
	if camp.Start.IsZero() || camp.Archived || camp.Status == chorus.StatusClosed {
		return nil, nil
	}
	loc := chorus.LoadLocation(camp.TimeZone)
	goLive := camp.Start.In(loc)
	if !now.Before(goLive) {
		return nil, nil
	}
	acks, err := f.store.Acks(ctx, b.WorkspaceID, b.Campaign, b.Edition)
	if err != nil {
		return nil, fmt.Errorf("acknowledgements of %s: %w", b.Campaign, err)
	}
	done := map[string]bool{}
	for _, a := range acks {
		done[a.User] = true
	}
	var out []Nudge
	for _, d := range b.Deliveries {
		for _, m := range d.Members {
			if done[m.User] {
				continue
			}
			done[m.User] = true // one reminder per person, naming the first channel
			at := remindAt(camp.Start, m.TimeZone, loc, b.SentAt)
			if at.After(now) || !at.Before(goLive) {
				continue
			}
			user, channel, edition := m.User, d.Channel, b.Edition
			out = append(out, Nudge{
				ID: fmt.Sprintf("briefing/%s/%s/%d/%s", b.WorkspaceID, b.Campaign, edition, user), At: at, Workspace: b.WorkspaceID, Channel: user,
				Compose: func(ctx context.Context) (string, []reply.Block, error) {
					t, err := f.turns.EventTurn(ctx, camp.WorkspaceID, user, "")
					if err != nil {
						return "", nil, err
					}
					text := "⏰ " + t.T("briefing.reminder", camp.Name, t.DateRange(camp), feature.ChannelRef(channel))
					return text, []reply.Block{
						{Kind: reply.Section, Text: text},
						{Kind: reply.Actions, Buttons: []reply.Button{{Text: t.T("briefing.button.ack"), ActionID: reply.ActBriefingAck, Value: ackValue(camp.Slug, edition), Style: "primary"}}},
					}, nil
				}})
		}
	}
	return out, nil
}

// remindAt is RemindAt on the eve of start in the person's zone (the campaign's when theirs is
// unknown), or an hour after the sending when the briefing went out later than that.
func remindAt(start chorus.Date, zone string, campLoc *time.Location, sent time.Time) time.Time {
	loc := campLoc
	if zone != "" {
		loc = chorus.LoadLocation(zone)
	}
	at := time.Date(start.Year, start.Month, start.Day-1, RemindAt, 0, 0, 0, loc)
	if !at.After(sent) {
		at = sent.Add(time.Hour)
	}
	return at
}

// escalations are the questions left unanswered past their workspace's delay, for each lead of
// their campaign.
func (f *Feature) escalations(ctx context.Context, now time.Time, camps campaigns) ([]Nudge, error) {
	qs, err := f.qs.QuestionsSince(ctx, now.Add(-questionWindow))
	if err != nil {
		return nil, fmt.Errorf("questions: %w", err)
	}
	delays := map[string]time.Duration{}
	var out []Nudge
	for _, q := range qs {
		if q.Answered() {
			continue
		}
		delay, ok := delays[q.WorkspaceID]
		if !ok {
			e, err := f.experts(ctx, q.WorkspaceID)
			if err != nil {
				return out, err
			}
			delay = e.EscalateAfter()
			delays[q.WorkspaceID] = delay
		}
		at := q.At.Add(delay)
		if at.After(now) {
			continue
		}
		camp, err := camps.get(ctx, q.WorkspaceID, q.Campaign)
		if err != nil {
			f.log.WarnContext(ctx, "briefing: escalation", "workspace", q.WorkspaceID, "question", q.ID, "err", err)
			continue
		}
		for _, lead := range camp.Leads {
			out = append(out, Nudge{ID: fmt.Sprintf("question/%s/%s/%s", q.WorkspaceID, q.ID, lead), At: at, Workspace: q.WorkspaceID, Channel: lead,
				Compose: func(ctx context.Context) (string, []reply.Block, error) {
					t, err := f.turns.EventTurn(ctx, q.WorkspaceID, lead, "")
					if err != nil {
						return "", nil, err
					}
					text := "⏫ " + t.T("experts.escalated", formatDelay(delay), feature.ChannelRef(q.Channel), camp.Name, feature.Mention(q.Asker), t.Mentions(q.Experts)) +
						"\n> " + feature.Ellipsis(q.Text, 500)
					return text, []reply.Block{{Kind: reply.Section, Text: text}}, nil
				}})
		}
	}
	return out, nil
}
