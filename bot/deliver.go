package bot

import (
	"context"
	"errors"
	"runtime/debug"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/reply"
)

// deliver sends a reply: it opens its modal, or answers where the request came from, then sends
// its further posts. A post to a channel the bot cannot reach is reported to the requester.
// Within an inbox item's run it is deferred to the item's delivery (see later).
func (d *Dispatcher) deliver(ctx context.Context, src source, lang chorus.Lang, rep reply.Reply) {
	if d.later(ctx, func(ctx context.Context) { d.deliverNow(ctx, src, lang, rep) }) {
		return
	}
	d.deliverNow(ctx, src, lang, rep)
}

func (d *Dispatcher) deliverNow(ctx context.Context, src source, lang chorus.Lang, rep reply.Reply) {
	switch {
	case rep.Modal != nil:
		d.openModal(ctx, src, lang, *rep.Modal)
	case !blank(rep.Text) || len(rep.Blocks) > 0:
		if err := d.respond(ctx, src, rep); err != nil {
			d.log.ErrorContext(ctx, "cannot deliver reply", "user", src.user, "channel", src.channel, "err", err)
		}
	}
	for _, p := range rep.Posts {
		if err := d.sendOnce(ctx, func() error {
			_, err := d.c.PostMessage(ctx, p.Channel, p.Thread, p.Text, p.Blocks, nil)
			return err
		}); err != nil {
			d.log.WarnContext(ctx, "cannot post", "channel", p.Channel, "err", err)
			key := "bot.post_failed"
			if errors.Is(err, ErrChannelUnreachable) {
				key = "bot.post_unreachable"
			}
			d.notify(ctx, src, lang, key, p.Channel)
		}
	}
}

func (d *Dispatcher) openModal(ctx context.Context, src source, lang chorus.Lang, m reply.Modal) {
	if src.triggerID == "" || d.now().Sub(src.received) > d.modalTTL {
		d.log.WarnContext(ctx, "modal ready too late for its trigger", "callback_id", m.CallbackID, "after", d.now().Sub(src.received))
		d.notify(ctx, src, lang, "bot.modal_late")
		return
	}
	view, err := renderModal(m, src.channel)
	if err == nil {
		err = d.c.openView(ctx, src.triggerID, view)
	}
	if err != nil {
		d.log.ErrorContext(ctx, "cannot open modal", "callback_id", m.CallbackID, "err", err)
		d.notify(ctx, src, lang, "bot.modal_failed")
	}
}

// respond answers the requester: through the response_url when there is one, else in the
// channel (ephemerally unless the reply is InChannel), else in a direct message.
func (d *Dispatcher) respond(ctx context.Context, src source, rep reply.Reply) error {
	return d.sendOnce(ctx, func() error { return d.respondNow(ctx, src, rep) })
}

func (d *Dispatcher) respondNow(ctx context.Context, src source, rep reply.Reply) error {
	if src.responseURL != "" && !src.received.IsZero() && d.now().Sub(src.received) >= responseURLLife {
		// Handled late (re-run after a crash): the response_url is dead, tell the user directly.
		d.log.InfoContext(ctx, "response_url expired, answering in a direct message", "user", src.user, "received", src.received)
		src.responseURL, src.channel = "", ""
	}
	if src.responseURL != "" {
		err := d.c.RespondURL(ctx, src.responseURL, rep)
		if err == nil || src.channel == "" {
			return err
		}
		d.log.WarnContext(ctx, "response_url failed, posting instead", "err", err)
	}
	if src.channel != "" {
		var err error
		if rep.Visibility == reply.InChannel {
			_, err = d.c.PostMessage(ctx, src.channel, "", rep.Text, rep.Blocks, nil)
		} else {
			err = d.c.PostEphemeral(ctx, src.channel, src.user, rep.Text, rep.Blocks)
		}
		if err == nil || !errors.Is(err, ErrChannelUnreachable) {
			return err
		}
	}
	_, err := d.c.PostMessage(ctx, src.user, "", rep.Text, rep.Blocks, nil)
	return err
}

// sendOnce runs send unless an earlier run of the same inbox item recorded it as done. The
// record of a send is written lazily: before the item's next send, and not at all when the item
// is then marked done (a done item never runs again). A crash between a send and its record (or
// the item's done mark) sends that message again on the re-run: twice rather than never.
func (d *Dispatcher) sendOnce(ctx context.Context, send func() error) error {
	rs, _ := ctx.Value(runKey{}).(*runState)
	if d.once == nil || rs == nil {
		return send()
	}
	rs.flush(ctx, d)
	done, record, err := d.once(ctx, rs.fresh)
	if err != nil {
		d.log.WarnContext(ctx, "cannot read whether a message was sent; sending it", "err", err)
		return send()
	}
	if done {
		d.log.InfoContext(ctx, "not sending again what an earlier run of this request sent")
		return nil
	}
	if err := send(); err != nil {
		return err
	}
	rs.pending = record
	return nil
}

// runKey carries a *runState in the context of an inbox item's run.
type runKey struct{}

// runState is what sendOnce knows of one run of an inbox item, and the sends its handler asked
// for, deferred to its delivery.
type runState struct {
	fresh    bool                            // the item's first run
	pending  func(ctx context.Context) error // the record of the last send, not yet written
	deferred bool                            // sends are collected in sends, not made
	sends    []func(context.Context)
}

// later defers send to the delivery of the inbox item whose run ctx is, and reports whether it
// did: a worker computes the reply (the handler's store reads and writes), and the delivery,
// which mostly waits for Slack, runs on the delivery pool, so that a slow response_url does not
// hold a worker. The sends of one item keep their order, and so the numbering of their records
// (store.Once) is the same on a re-run.
func (d *Dispatcher) later(ctx context.Context, send func(context.Context)) bool {
	rs, _ := ctx.Value(runKey{}).(*runState)
	if rs == nil || !rs.deferred {
		return false
	}
	rs.sends = append(rs.sends, send)
	return true
}

// delivered makes the sends of an inbox item's run, then marks the item done: on the delivery
// pool when one of its DeliveryWorkers slots is free, else at once in the calling worker (so a
// saturated pool slows the workers down instead of queueing without bound). Either way the item
// is marked done only after its sends, as before (finishLater).
func (d *Dispatcher) delivered(ctx context.Context, rs *runState, id string) {
	sends := rs.sends
	rs.deferred, rs.sends = false, nil
	deliver := func(ctx context.Context) {
		defer func() {
			if r := recover(); r != nil {
				d.log.ErrorContext(ctx, "slack delivery panicked", "id", id, "panic", r, "stack", string(debug.Stack()))
			}
		}()
		for _, send := range sends {
			send(ctx)
		}
		d.finishLater(ctx, id)
	}
	if len(sends) == 0 {
		d.finishLater(ctx, id)
		return
	}
	select {
	case d.deliveries <- struct{}{}:
	default:
		deliver(ctx)
		return
	}
	// The worker's context ends when its job returns; the delivery keeps the job's deadline.
	dctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	if dl, ok := ctx.Deadline(); ok {
		dctx, cancel = context.WithDeadline(context.WithoutCancel(ctx), dl)
	}
	d.wg.Add(1)
	d.metrics.jobsInFlight(1)
	go func() {
		defer d.wg.Done()
		defer d.metrics.jobsInFlight(-1)
		defer func() { <-d.deliveries }()
		defer cancel()
		deliver(dctx)
	}()
}

// finishLater marks the item id done without waiting for the mark's group commit: neither a
// worker nor a delivery slot is held for it (waiting, they would answer at the pace of the
// commits). Wait still waits for the mark, so a stopping process writes it before it hands its
// items back.
func (d *Dispatcher) finishLater(ctx context.Context, id string) {
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		d.finish(ctx, id)
	}()
}

func (rs *runState) flush(ctx context.Context, d *Dispatcher) {
	if rs.pending == nil {
		return
	}
	if err := rs.pending(ctx); err != nil {
		d.log.WarnContext(ctx, "cannot record a sent message", "err", err)
	}
	rs.pending = nil
}

// post sends what a message or reaction handler answered. Nobody asked, so a failure is only
// logged.
func (d *Dispatcher) post(ctx context.Context, posts []reply.Post) {
	if len(posts) == 0 || d.later(ctx, func(ctx context.Context) { d.post(ctx, posts) }) {
		return
	}
	for _, p := range posts {
		if err := d.sendOnce(ctx, func() error {
			if p.EphemeralTo != "" {
				return d.c.PostEphemeral(ctx, p.Channel, p.EphemeralTo, p.Text, p.Blocks)
			}
			_, err := d.c.PostMessage(ctx, p.Channel, p.Thread, p.Text, p.Blocks, nil)
			return err
		}); err != nil {
			d.log.WarnContext(ctx, "cannot post an answer to an event", "channel", p.Channel, "err", err)
		}
	}
}

// notify tells the requester something went wrong, in their language.
func (d *Dispatcher) notify(ctx context.Context, src source, lang chorus.Lang, key string, args ...any) {
	if d.later(ctx, func(ctx context.Context) { d.notify(ctx, src, lang, key, args...) }) {
		return
	}
	if lang == "" && src.user != "" {
		lang, _, _ = d.c.UserInfo(ctx, src.user)
	}
	rep := reply.Reply{Text: d.texts.T(lang, key, args...), Visibility: reply.Ephemeral}
	if err := d.respond(ctx, src, rep); err != nil {
		d.log.ErrorContext(ctx, "cannot notify user", "user", src.user, "key", key, "err", err)
	}
}

func (d *Dispatcher) publishHome(ctx context.Context, req reply.Request) {
	var view reply.View
	func() {
		defer func() {
			if r := recover(); r != nil {
				d.log.ErrorContext(ctx, "home handler panicked", "panic", r, "stack", string(debug.Stack()))
			}
		}()
		view = d.h.Home(ctx, req)
	}()
	publish := func(ctx context.Context) {
		if err := d.sendOnce(ctx, func() error { return d.c.PublishHome(ctx, req.User, view) }); err != nil {
			d.log.ErrorContext(ctx, "cannot publish home", "user", req.User, "err", err)
		}
	}
	if !d.later(ctx, publish) {
		publish(ctx)
	}
}
