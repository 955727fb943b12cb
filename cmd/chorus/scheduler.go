package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/bot"
	"github.com/chorus-hq/chorus/configs"
	"github.com/chorus-hq/chorus/i18n"
	"github.com/chorus-hq/chorus/reply"
	"github.com/chorus-hq/chorus/scheduler"
)

// reminderPolicy is the reminder policy of workspaces that saved none, from the configuration.
func reminderPolicy(cfg configs.Config) chorus.ReminderPolicy {
	p := chorus.DefaultReminderPolicy("")
	p.QuietStart, p.QuietEnd = cfg.Scheduler.QuietHours.Start, cfg.Scheduler.QuietHours.End
	p.SkipWeekends = cfg.Scheduler.SkipWeekends
	return p
}

// newScheduler wires a scheduler to the app's store, the given sender and the features that
// write its messages (commands), and connects the store's change notifications to it.
func (a *app) newScheduler(ctx context.Context, sender scheduler.Sender, now func() time.Time, replica string) (*scheduler.Scheduler, error) {
	sc := a.cfg.Scheduler
	s, err := scheduler.New(scheduler.Options{
		Store: a.store, Sender: sender, Logger: a.log, Now: now, Replica: replica,
		Tick: sc.Tick, Grace: sc.ReminderGrace, Policy: reminderPolicy(a.cfg),
		TimeZone: a.cfg.TimeZone, Lang: a.cfg.Lang,
		SkipWeekends: sc.SkipWeekends, PostEmptyDigest: sc.PostEmptyDigest,
		Composer: a.commands, Feed: a.feed, Nudger: a.commands,
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// startScheduler runs a scheduler in the background until the returned stop is called, which
// waits for the messages in flight.
func (a *app) startScheduler(ctx context.Context, sender scheduler.Sender, now func() time.Time) (stop func(), err error) {
	s, err := a.newScheduler(ctx, sender, now, replicaID())
	if err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		// the scheduler reads its open tasks from the read model, once loaded
		select {
		case <-a.store.ReadModelReady():
		case <-ctx.Done():
		}
		done <- s.Run(ctx)
	}()
	return func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			a.log.Warn("scheduler stopped", "err", err)
		}
	}, nil
}

// slackSender sends the scheduler's messages through the bot's Web API client, which spaces
// posts to one channel (a second after the previous one completed), honours Retry-After, and
// reads a direct message's history, or a thread's replies, when a reminder must be found again.
type slackSender struct {
	client *bot.Client
}

// Send implements scheduler.Sender.
func (s slackSender) Send(ctx context.Context, m scheduler.Message) (string, error) {
	return s.client.PostMessage(ctx, m.Channel, m.Thread, m.Text, m.Blocks, &bot.Metadata{EventType: m.EventType, ID: m.ID})
}

// Find implements scheduler.Sender.
func (s slackSender) Find(ctx context.Context, channel, thread, eventType, id string, since time.Time) (string, bool, error) {
	if thread != "" {
		return s.client.FindReplyByMetadata(ctx, channel, thread, eventType, id)
	}
	return s.client.FindByMetadata(ctx, channel, eventType, id, since)
}

// consoleSender shows the scheduler's messages in a console session. With buffer set (the
// demo), messages wait for Flush, which prints them in a stable order with their time.
type consoleSender struct {
	deliver func(reply.Post)
	buffer  bool
	loc     *time.Location
	lang    chorus.Lang
	now     func() time.Time

	mu      sync.Mutex
	seq     int
	sent    map[string]string    // channel|thread|event|id -> ts, for Find within this process
	at      map[string]time.Time // ts -> when it was sent, to name a thread by its first message
	pending []pendingPost
}

type pendingPost struct {
	at time.Time
	m  scheduler.Message
}

func newConsoleSender(deliver func(reply.Post), now func() time.Time) *consoleSender {
	return &consoleSender{deliver: deliver, now: now, sent: map[string]string{}, at: map[string]time.Time{}}
}

// Send implements scheduler.Sender.
func (s *consoleSender) Send(_ context.Context, m scheduler.Message) (string, error) {
	s.mu.Lock()
	s.seq++
	ts := fmt.Sprintf("%d.%06d", 1_900_000_000+s.seq, 0)
	s.sent[m.Channel+"|"+m.Thread+"|"+m.EventType+"|"+m.ID] = ts
	s.at[ts] = s.now()
	if s.buffer {
		s.pending = append(s.pending, pendingPost{at: s.now(), m: m})
		s.mu.Unlock()
		return ts, nil
	}
	p := s.post(m)
	s.mu.Unlock()
	s.deliver(p)
	return ts, nil
}

// post is m as the console shows it. The console prints no threads, so a reply names its
// thread by the time of the message that opened it. The caller holds s.mu.
func (s *consoleSender) post(m scheduler.Message) reply.Post {
	p := reply.Post{Channel: m.Channel, Thread: m.Thread, Text: m.Text, Blocks: m.Blocks}
	if m.Thread != "" {
		when := m.Thread
		if at, ok := s.at[m.Thread]; ok {
			when = i18n.FormatWhen(at.In(s.location()), s.lang)
		}
		p.Channel += " (fil / thread : " + when + ")"
	}
	return p
}

func (s *consoleSender) location() *time.Location {
	if s.loc == nil {
		return time.Local
	}
	return s.loc
}

// Find implements scheduler.Sender for what this process sent.
func (s *consoleSender) Find(_ context.Context, channel, thread, eventType, id string, _ time.Time) (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ts, ok := s.sent[channel+"|"+thread+"|"+eventType+"|"+id]
	return ts, ok, nil
}

// Flush prints the buffered messages, by time then destination, each under its time.
func (s *consoleSender) Flush(print func(string)) {
	s.mu.Lock()
	ps := s.pending
	s.pending = nil
	s.mu.Unlock()
	slices.SortStableFunc(ps, func(a, b pendingPost) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return strings.Compare(a.m.Channel+a.m.ID, b.m.Channel+b.m.ID)
	})
	for _, p := range ps {
		print("🕒 " + i18n.FormatWhen(p.at.In(s.loc), s.lang))
		s.mu.Lock()
		post := s.post(p.m)
		s.mu.Unlock()
		s.deliver(post)
	}
}

// simClock is the demo's simulated clock, moved by "/clock".
type simClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *simClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *simClock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// clockDirective handles the demo's "/clock +3d", "/clock +8h30m" (also "/horloge"): the
// simulated clock moves forward, stopping at every due occurrence so reminders and digests come
// out at their time.
func clockDirective(clk *simClock, sched func() *scheduler.Scheduler, out *consoleSender) func(context.Context, string, string, func(string)) bool {
	return func(ctx context.Context, word, rest string, print func(string)) bool {
		if word != "/clock" && word != "/horloge" {
			return false
		}
		d, err := parseAdvance(rest)
		if err != nil {
			print("⚠️ /clock +1d | +3h | +30m: " + err.Error())
			return true
		}
		s := sched()
		target := clk.Now().Add(d)
		for {
			next, ok := s.NextDue()
			if !ok || next.After(target) {
				break
			}
			if next.After(clk.Now()) {
				clk.set(next)
			}
			s.CatchUp(ctx)
			s.Wait()
			out.Flush(print)
		}
		clk.set(target)
		s.CatchUp(ctx)
		s.Wait()
		out.Flush(print)
		print("(🕒 " + i18n.FormatWhen(target.In(out.loc), out.lang) + ")")
		return true
	}
}

// parseAdvance reads "+3d", "+8h", "+1d12h", "+30m".
func parseAdvance(s string) (time.Duration, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "+")
	var days int
	if i := strings.IndexAny(s, "dj"); i >= 0 {
		if _, err := fmt.Sscanf(s[:i], "%d", &days); err != nil {
			return 0, fmt.Errorf("%q: %w", s, err)
		}
		s = s[i+1:]
	}
	var d time.Duration
	if s != "" {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, err
		}
	}
	d += time.Duration(days) * 24 * time.Hour
	if d <= 0 {
		return 0, errors.New("the clock only moves forward")
	}
	return d, nil
}
