package bot

import (
	"context"
	"sync"
	"time"

	"github.com/chorus-hq/chorus/reply"
	"github.com/slack-go/slack"
)

// Reader is a Handler that can tell a slash command that only reads (commands.Service
// implements it): no store write, nothing sent but the answer. The dispatcher then answers such
// a command in its acknowledgement, with no inbox item and no response_url call.
type Reader interface {
	Reads(req reply.Request) bool
}

// readResult is a read-only command's answer, ok false when it cannot travel in an ack.
type readResult struct {
	rep reply.Reply
	ok  bool
}

// answerInAck runs a read-only slash command while its acknowledgement waits, for up to
// AnswerBudget, and returns the ack that carries its answer. It returns false, and the command
// takes the inbox's way (stored, acknowledged, answered on its response_url), when the command
// may write, when the answer is not a plain message (a modal, posts, a picture to upload) or
// not ready in time (a read that met a slow store or an unknown user's users.info): a late
// answer is dropped, never sent, since the inbox's run answers instead. Nothing is lost: an
// answered read has nothing left to do, and Slack shows the answer as it would a response_url's.
func (d *Dispatcher) answerInAck(ctx context.Context, src source, name, text string, in intake) (ack, bool) {
	r, ok := d.h.(Reader)
	if !ok || d.readTTL <= 0 || in.replay != nil || !d.reads.try(d.now()) {
		return ack{}, false
	}
	if !r.Reads(reply.Request{Workspace: src.team, User: src.user, Channel: src.channel, Command: name, Text: text}) {
		return ack{}, false
	}
	done := make(chan readResult, 1) // a late answer lands here and is dropped
	started := d.now()
	go func() {
		req := d.request(ctx, src)
		req.Command, req.Text = name, text
		rep, ok := d.call(ctx, "command "+name, func() reply.Reply { return d.h.Command(ctx, req) })
		done <- readResult{rep, ok && plainAnswer(rep)}
	}()
	t := time.NewTimer(d.reads.budget(d.readTTL))
	defer t.Stop()
	select {
	case res := <-done:
		d.reads.answered(d.now().Sub(started))
		d.reads.done(d.now(), false)
		if !res.ok {
			return ack{}, false
		}
		d.metrics.answeredInAck.Inc()
		return ack{status: 200, body: newAckMessage(responseMessage(res.rep, res.rep.Blocks))}, true
	case <-t.C:
		d.reads.done(d.now(), true)
		d.metrics.readsLate.Inc()
		return ack{}, false
	}
}

// ackMessage is a response message as an acknowledgement's body carries it: the fields of
// slack.WebhookMessage an answer uses, with the blocks as a plain list. encoding/json then
// writes each block once; through slack.Blocks' MarshalJSON every block is marshalled, then
// checked and compacted again into the message, half of the cost of the ack of a read.
type ackMessage struct {
	Text            string        `json:"text,omitempty"`
	ResponseType    string        `json:"response_type,omitempty"`
	ReplaceOriginal bool          `json:"replace_original,omitempty"`
	Blocks          []slack.Block `json:"blocks,omitempty"`
}

func newAckMessage(m *slack.WebhookMessage) ackMessage {
	a := ackMessage{Text: m.Text, ResponseType: m.ResponseType, ReplaceOriginal: m.ReplaceOriginal}
	if m.Blocks != nil {
		a.Blocks = m.Blocks.BlockSet
	}
	return a
}

// plainAnswer reports whether rep is a message an acknowledgement can carry: something to
// say, and no modal, post or picture to upload.
func plainAnswer(rep reply.Reply) bool {
	if rep.Modal != nil || len(rep.Posts) > 0 || rep.FieldErrors != nil {
		return false
	}
	for _, b := range rep.Blocks {
		if b.Kind == reply.Picture && b.Image != nil {
			return false
		}
	}
	return !blank(rep.Text) || len(rep.Blocks) > 0
}

// lateReads decides whether a read is tried in its ack. When most reads miss the budget (the
// store stalls, a users.info call hangs), trying each one would only add the budget to every
// ack: reads then go straight to the inbox for a pause, after which one read at a time is tried
// until one is on time (not the hundreds in flight at once, which would all wait the budget
// again). A few late reads among many (a busy moment) change nothing.
//
// It also sets the budget: ten times the reads' moving average answer time, within
// [minReadBudget, AnswerBudget]. A quiet process answers a read in a few milliseconds and waits
// 100 ms at most, so that when the store stalls the reads already in flight are late after
// 100 ms, not 500; a process so busy that its reads take tens of milliseconds waits longer
// rather than take the inbox's costlier way.
type lateReads struct {
	mu      sync.Mutex
	avg     time.Duration // moving average answer time of the reads on time
	late    float64       // moving share of late reads, 0 to 1
	until   time.Time     // no tries before
	probing bool          // after a pause: a try is out, the others wait for its outcome
}

const (
	lateShare = 0.5         // the share of late reads beyond which tries pause
	latePause = time.Second // how long they pause
)

// minReadBudget is the least a read's ack waits for its answer.
const minReadBudget = 100 * time.Millisecond

// budget is how long the next read may take, at most limit.
func (l *lateReads) budget(limit time.Duration) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return min(max(minReadBudget, 10*l.avg), limit)
}

// answered records the answer time of a read on time.
func (l *lateReads) answered(took time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.avg = (9*l.avg + took) / 10
}

func (l *lateReads) try(now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case now.Before(l.until):
		return false
	case l.late <= lateShare:
		return true
	case l.probing:
		return false
	}
	l.probing = true
	return true
}

func (l *lateReads) done(now time.Time, late bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	x := 0.0
	if late {
		x = 1
	}
	l.late = 0.9*l.late + 0.1*x
	l.probing = false
	switch {
	case late && l.late > lateShare:
		l.until = now.Add(latePause)
	case !late && l.until != (time.Time{}):
		l.late, l.until = 0, time.Time{} // a probe on time: the cause has passed
	}
}
