package bot

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/chorus-hq/chorus"
)

// responseURLLife is how long Slack accepts answers on a response_url.
const responseURLLife = 30 * time.Minute

// maxAttempts is how many times an inbox item is run before it is given up (a request that
// crashes the process every time must not do so forever).
const maxAttempts = 3

// InboxItem is one Slack request as the inbox keeps it: enough to run it again.
type InboxItem struct {
	ID          string // deterministic: Slack's event id, or a hash of the signed body
	Kind        string // "command", "interaction", "event"
	ContentType string // of Body: an HTTP content type, or "socket/<envelope type>"
	Body        []byte // as Slack sent it
	Retry       int    // X-Slack-Retry-Num of the delivery that wrote it
	Received    time.Time
	Owner       string // replica holding it
	Attempt     int    // 1 for the delivery that wrote it, then one per take
}

// Inbox is the durable inbox (store.Store through an adapter in main). A replica holds the
// items it wrote or took while its heartbeat (Renew) lives. Add returns an error wrapping
// chorus.ErrConflict when an item with the same ID exists. Take takes an unfinished item whose
// holder is dead (any holder, with force).
type Inbox interface {
	Add(ctx context.Context, item InboxItem) error
	Take(ctx context.Context, id, owner string, force bool) (InboxItem, bool, error)
	Unfinished(ctx context.Context, now time.Time, all bool, limit int) ([]InboxItem, error)
	Renew(ctx context.Context, owner string, until time.Time) error
	Release(ctx context.Context, owner string) error
	Finish(ctx context.Context, id string) error
	Sweep(ctx context.Context, olderThan time.Time) error
}

// intake is how a request arrived: when, and as what bytes, for the inbox.
type intake struct {
	received time.Time
	body     []byte // as Slack sent it; nil: not kept in the inbox
	ctype    string
	retry    int
	replay   *InboxItem // set when the request is run again from the inbox: nothing to ack
}

// outcome is what became of a request's work.
type outcome int

const (
	admitted  outcome = iota // queued (and stored, with an inbox)
	busy                     // refused: no room, nothing stored
	duplicate                // stored already: a retry or a replay, and not ours to run
	failed                   // the inbox write failed: nothing stored
)

// bodyKey is an inbox id for a request without an id of Slack's: the hash of its signed body,
// which a replay of the same request has too.
func bodyKey(kind string, body []byte) string {
	sum := sha256.Sum256(body)
	return kind + "/" + hex.EncodeToString(sum[:16])
}

// accept admits run: without an inbox, in memory; with one, after writing the request to it
// (the only store write before the ack). A request found in the inbox already is a duplicate,
// unless its first delivery never finished and its holder is dead: then this delivery takes it
// over and runs it.
func (d *Dispatcher) accept(ctx context.Context, in intake, kind, key string, run, onDrop func(context.Context)) outcome {
	if in.replay != nil {
		// The stored id, whatever this decoding would make of it.
		d.admit(ctx, in.received, true, true, d.finishing(in.replay.ID, in.replay.Attempt, run), nil)
		return admitted
	}
	if d.inbox == nil || in.body == nil {
		if d.admit(ctx, in.received, false, false, run, onDrop) {
			return admitted
		}
		return busy
	}
	if !d.hasRoom() {
		return busy
	}
	item := InboxItem{ID: key, Kind: kind, ContentType: in.ctype, Body: in.body, Retry: in.retry, Received: in.received,
		Owner: d.replica, Attempt: 1}
	// The ack must leave within Slack's 3 s whatever the store does.
	actx, cancel := context.WithTimeout(ctx, d.inboxTTL)
	err := d.inbox.Add(actx, item)
	cancel()
	switch {
	case err == nil:
		d.admit(ctx, in.received, true, true, d.finishing(key, 1, run), nil)
		return admitted
	case errors.Is(err, chorus.ErrConflict):
		tctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		_, took, terr := d.inbox.Take(tctx, key, d.replica, false)
		cancel()
		if terr != nil {
			d.log.WarnContext(ctx, "cannot take over an unfinished inbox item", "id", key, "err", terr)
		}
		if took {
			d.log.InfoContext(ctx, "retried request taken over: its first delivery never finished", "id", key, "retry", in.retry)
			d.admit(ctx, in.received, true, true, d.finishing(key, 2, run), nil)
			return admitted
		}
		return duplicate
	default:
		d.busyLog.note(ctx, "inbox_write", "err", err)
		// The user is told « busy »: should the write still land after its deadline, the done
		// mark keeps the item from ever running.
		go d.finish(context.WithoutCancel(ctx), key)
		return failed
	}
}

// finishing wraps run so that its store writes are idempotent for the item, and the item is
// marked done once its effects (store writes, audit, reply) are made.
func (d *Dispatcher) finishing(id string, attempt int, run func(context.Context)) func(context.Context) {
	return func(ctx context.Context) {
		if d.effects != nil {
			ctx = d.effects(ctx, id)
		}
		rs := &runState{fresh: attempt <= 1, deferred: d.deliveries != nil}
		ctx = context.WithValue(ctx, runKey{}, rs)
		run(ctx)
		d.delivered(ctx, rs, id)
	}
}

func (d *Dispatcher) finish(ctx context.Context, id string) {
	if d.inbox == nil {
		return
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := d.inbox.Finish(fctx, id); err != nil {
		// Run again once this replica is gone: its writes are idempotent, its reply may be sent twice.
		d.log.ErrorContext(fctx, "cannot mark an inbox item done", "id", id, "err", err)
	}
}

// StartInbox records this replica's heartbeat, so that the items it writes are known to be
// held. Call it before taking requests; RunInbox keeps it alive.
func (d *Dispatcher) StartInbox(ctx context.Context) error {
	if d.inbox == nil {
		return nil
	}
	return d.inbox.Renew(ctx, d.replica, d.now().Add(d.lease))
}

// RunInbox keeps the inbox: at start it runs again the unfinished items left by a dead process
// (all of them when Exclusive), then every third of InboxLease it renews this replica's
// heartbeat, takes the items of replicas whose heartbeat expired, and sweeps finished items an
// hour old. When Exclusive, no other process writes the inbox: once every item a predecessor
// left is taken, there is nothing more to look for, and the periodic scan of the inbox (which
// holds an hour of finished items) stops. It returns when ctx ends. Without an Inbox it returns
// at once.
func (d *Dispatcher) RunInbox(ctx context.Context) {
	if d.inbox == nil {
		return
	}
	if err := d.StartInbox(ctx); err != nil {
		d.log.WarnContext(ctx, "cannot renew the inbox heartbeat", "err", err)
	}
	_, complete, err := d.recoverInbox(ctx, d.exclusive)
	if err != nil {
		d.log.ErrorContext(ctx, "cannot recover the inbox", "err", err)
	}
	t := time.NewTicker(d.lease / 3)
	defer t.Stop()
	lastSweep := d.now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := d.now()
		if err := d.inbox.Renew(ctx, d.replica, now.Add(d.lease)); err != nil {
			d.log.WarnContext(ctx, "cannot renew the inbox heartbeat", "err", err)
		}
		if !d.exclusive || !complete {
			var err error
			if _, complete, err = d.recoverInbox(ctx, d.exclusive); err != nil {
				d.log.WarnContext(ctx, "cannot recover the inbox", "err", err)
			}
		}
		if now.Sub(lastSweep) >= 10*time.Minute {
			lastSweep = now
			if err := d.inbox.Sweep(ctx, now.Add(-time.Hour)); err != nil {
				d.log.WarnContext(ctx, "cannot sweep the inbox", "err", err)
			}
		}
	}
}

// ReleaseInbox ends this replica's heartbeat: what it admitted and did not run is taken at once
// by another replica, or by the next process. Call it after Wait on shutdown.
func (d *Dispatcher) ReleaseInbox(ctx context.Context) error {
	if d.inbox == nil {
		return nil
	}
	return d.inbox.Release(ctx, d.replica)
}

// RecoverInbox takes the unfinished items of replicas whose heartbeat expired (every unfinished
// item, when all is set) and runs them again, as far as the queue has room. It returns how many
// it took.
func (d *Dispatcher) RecoverInbox(ctx context.Context, all bool) (int, error) {
	taken, _, err := d.recoverInbox(ctx, all)
	return taken, err
}

// recoverInbox is RecoverInbox, also reporting whether it left no item of another replica
// untaken (the queue had room for all, and none was beyond the page it read).
func (d *Dispatcher) recoverInbox(ctx context.Context, all bool) (taken int, complete bool, err error) {
	const page = 1000
	items, err := d.inbox.Unfinished(ctx, d.now(), all, page)
	if err != nil {
		return 0, false, err
	}
	for _, it := range items {
		if it.Owner == d.replica {
			// ours, queued or running in this very process: even at start, when every item is
			// taken, a request that came in before the recovery ran must not run twice
			continue
		}
		if !d.hasRoom() {
			return taken, false, nil
		}
		got, ok, err := d.inbox.Take(ctx, it.ID, d.replica, all)
		if err != nil {
			return taken, false, err
		}
		if !ok {
			continue
		}
		taken++
		if got.Attempt > maxAttempts {
			d.log.ErrorContext(ctx, "inbox item given up after repeated failures", "id", got.ID, "attempts", got.Attempt-1)
			d.metrics.jobDropped()
			d.finish(ctx, got.ID)
			continue
		}
		d.log.InfoContext(ctx, "running an unfinished request again", "id", got.ID, "kind", got.Kind, "received", got.Received, "attempt", got.Attempt)
		d.replay(ctx, got)
	}
	return taken, len(items) < page, nil
}

// replay decodes an inbox item as its delivery was decoded and runs it.
func (d *Dispatcher) replay(ctx context.Context, it InboxItem) {
	in := intake{received: it.Received, body: it.Body, ctype: it.ContentType, retry: it.Retry, replay: &it}
	if _, a := d.decode(ctx, in); a.status >= 400 {
		d.log.ErrorContext(ctx, "inbox item not understood; dropped", "id", it.ID, "status", a.status)
		d.finish(ctx, it.ID)
	}
}

// decode parses an authenticated request body by its content type and dispatches it. It returns
// the request's kind, for metrics, and its ack.
func (d *Dispatcher) decode(ctx context.Context, in intake) (string, ack) {
	switch in.ctype {
	case "application/json", "socket/events_api":
		return d.eventsAPI(ctx, in)
	case "application/x-www-form-urlencoded":
		// slack-go's parsers read the form from a request.
		r, err := http.NewRequestWithContext(ctx, http.MethodPost, "/", bytes.NewReader(in.body))
		if err != nil {
			return "bad_request", ack{status: http.StatusBadRequest}
		}
		r.Header.Set("Content-Type", in.ctype)
		if err := r.ParseForm(); err != nil {
			return "bad_request", ack{status: http.StatusBadRequest}
		}
		switch {
		case r.PostForm.Has("payload"):
			cb, err := slack.InteractionCallbackParse(r)
			if err != nil {
				d.log.WarnContext(ctx, "bad interaction payload", "err", err)
				return "bad_request", ack{status: http.StatusBadRequest}
			}
			return string(cb.Type), d.interaction(ctx, cb, in)
		case r.PostForm.Has("command"):
			cmd, err := slack.SlashCommandParse(r)
			if err != nil {
				return "bad_request", ack{status: http.StatusBadRequest}
			}
			return "command", d.command(ctx, cmd, in)
		}
	case "socket/slash_commands":
		var cmd slack.SlashCommand
		if err := json.Unmarshal(in.body, &cmd); err != nil {
			return "bad_request", ack{status: http.StatusBadRequest}
		}
		return "command", d.command(ctx, cmd, in)
	case "socket/interactive":
		var cb slack.InteractionCallback
		if err := json.Unmarshal(in.body, &cb); err != nil {
			return "bad_request", ack{status: http.StatusBadRequest}
		}
		return string(cb.Type), d.interaction(ctx, cb, in)
	}
	return "bad_request", ack{status: http.StatusBadRequest}
}

// eventsAPI handles an Events API body: the url_verification challenge, notices, callbacks.
func (d *Dispatcher) eventsAPI(ctx context.Context, in intake) (string, ack) {
	var outer struct {
		Type      string `json:"type"`
		Challenge string `json:"challenge"`
	}
	if err := json.Unmarshal(in.body, &outer); err != nil {
		return "bad_request", ack{status: http.StatusBadRequest}
	}
	switch outer.Type {
	case slackevents.URLVerification:
		return "url_verification", ack{status: http.StatusOK, body: map[string]string{"challenge": outer.Challenge}}
	case slackevents.CallbackEvent:
	default: // app_rate_limited and future types: acknowledge, nothing to do
		d.log.WarnContext(ctx, "Events API notice", "type", outer.Type)
		return outer.Type, ackOK
	}
	// The signature already proved the sender; the legacy verification token adds nothing.
	ev, err := slackevents.ParseEvent(in.body, slackevents.OptionNoVerifyToken())
	if err != nil {
		// Most often an event type slack-go does not know: acknowledge so Slack stops retrying.
		d.log.DebugContext(ctx, "unparsed event", "err", err)
		d.metrics.ignore()
		if in.replay != nil {
			d.finish(ctx, in.replay.ID)
		}
		return "event", ackOK
	}
	return "event", d.event(ctx, ev, in)
}
