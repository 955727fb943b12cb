package bot

import (
	"context"
	"strings"
	"time"

	"github.com/chorus-hq/chorus/reply"
	"github.com/slack-go/slack/slackevents"
)

// event handles an Events API callback: it filters, claims the event id (so a retry, or another
// replica's delivery, is dropped), and runs the work in the background.
func (d *Dispatcher) event(ctx context.Context, ev slackevents.EventsAPIEvent, in intake) ack {
	cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok {
		d.metrics.ignore()
		return ackOK
	}
	team := ev.TeamID
	key := cb.EventID
	var job func(context.Context)
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.MessageEvent:
		m, keep := d.messageEvent(team, e)
		if keep && d.msgs != nil {
			job = func(ctx context.Context) { d.post(ctx, d.msgs.Message(ctx, m)) }
		}
		if key == "" && e.Channel != "" && e.TimeStamp != "" {
			// Without an event id, one message delivered twice has the same channel and ts.
			key = "message/" + e.Channel + "/" + e.TimeStamp
		}
	case *slackevents.ReactionAddedEvent:
		if d.reacts != nil && e.User != d.self.UserID {
			r := reply.ReactionEvent{Workspace: team, Channel: e.Item.Channel, User: e.User, Reaction: e.Reaction, ItemUser: e.ItemUser, TS: e.Item.Timestamp}
			job = func(ctx context.Context) { d.post(ctx, d.reacts.Reaction(ctx, r)) }
		}
	case *slackevents.AppMentionEvent:
		// Someone wrote @Chorus: answer in the message's thread with what Chorus can do. The
		// same message also arrives as a message event, which drift checks and minutes see.
		if e.User != "" && e.User != d.self.UserID && (e.BotID == "" || d.allowBots) {
			src := source{team: team, user: e.User, channel: e.Channel}
			thread := e.ThreadTimeStamp
			if thread == "" {
				thread = e.TimeStamp
			}
			job = func(ctx context.Context) {
				req := d.request(ctx, src)
				d.post(ctx, []reply.Post{{Channel: e.Channel, Thread: thread, Text: d.texts.T(req.Lang, "bot.mention_help")}})
			}
		}
	case *slackevents.AppHomeOpenedEvent:
		if e.Tab == "" || e.Tab == "home" {
			src := source{team: team, user: e.User}
			job = func(ctx context.Context) { d.publishHome(ctx, d.request(ctx, src)) }
		}
	}
	if job == nil {
		if in.replay != nil {
			d.finish(ctx, in.replay.ID)
		}
		d.metrics.ignore()
		return ackOK
	}
	if key == "" {
		key = bodyKey("event", in.body)
	} else {
		key = "event/" + key
	}
	if d.inbox == nil || in.body == nil {
		return d.claimEvent(ctx, key, in, job)
	}
	switch d.accept(ctx, in, "event", key, job, nil) {
	case busy, failed:
		// Not stored: Slack delivers the event again later (1 min, then 5 min).
		d.refuseBusy(ctx, "event")
		return ack{status: 503, retryAfter: 60}
	case duplicate:
		d.metrics.duplicate()
		d.log.DebugContext(ctx, "duplicate event dropped", "key", key, "retry", in.retry)
	}
	return ackOK
}

// claimEvent is event without an inbox (Socket Mode without payload, tests): the event is
// claimed in the store, then run in memory.
func (d *Dispatcher) claimEvent(ctx context.Context, key string, in intake, job func(context.Context)) ack {
	if !d.hasRoom() {
		// Not claimed: Slack delivers the event again later (1 min, then 5 min).
		d.refuseBusy(ctx, "event")
		return ack{status: 503, retryAfter: 60}
	}
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	won, err := d.claim.Claim(cctx, "slack-event", strings.TrimPrefix(key, "event/"), d.replica)
	cancel()
	if err != nil {
		// Slack delivers the event again later; better than handling it twice or never.
		d.log.ErrorContext(ctx, "cannot claim event", "key", key, "err", err)
		return ack{status: 503}
	}
	if !won {
		d.metrics.duplicate()
		d.log.DebugContext(ctx, "duplicate event dropped", "key", key, "retry", in.retry)
		return ackOK
	}
	d.admit(ctx, d.now(), true, false, job, nil)
	return ackOK
}

// messageEvent decides whether a message event is worth passing on, and flattens it.
func (d *Dispatcher) messageEvent(team string, e *slackevents.MessageEvent) (reply.MessageEvent, bool) {
	m := reply.MessageEvent{Workspace: team, Channel: e.Channel, User: e.User, TS: e.TimeStamp, ThreadTS: e.ThreadTimeStamp, Text: e.Text}
	botID := e.BotID
	switch e.SubType {
	case "", "thread_broadcast", "file_share", "me_message", "bot_message":
	case "message_changed":
		if e.Message == nil {
			return m, false
		}
		// Slack also reports unfurls as changes; only a new text is an edit.
		if e.PreviousMessage != nil && e.PreviousMessage.Text == e.Message.Text {
			return m, false
		}
		m.User, m.TS, m.ThreadTS, m.Text, botID = e.Message.User, e.Message.Timestamp, e.Message.ThreadTimestamp, e.Message.Text, e.Message.BotID
		m.Edited = true
	case "message_deleted":
		m.Deleted, m.TS, m.Text = true, e.DeletedTimeStamp, ""
		if p := e.PreviousMessage; p != nil {
			m.User, m.ThreadTS, botID = p.User, p.ThreadTimestamp, p.BotID
		}
	default: // joins, topic changes and other housekeeping
		return m, false
	}
	if d.self.UserID != "" && m.User == d.self.UserID {
		return m, false
	}
	if botID != "" && (botID == d.self.BotID || !d.allowBots) {
		return m, false
	}
	m.Text = fromSlack(m.Text)
	m.File = sharedFile(e)
	return m, true
}
