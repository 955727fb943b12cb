package bot

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/chorus-hq/chorus/reply"
)

// Wait blocks until every admitted job has finished, or ctx ends; then the jobs still queued are
// dropped (counted in chorus_slack_jobs_dropped_total and logged once) and the running ones end
// with their own deadline. Call it on shutdown, after the transports have stopped taking requests.
func (d *Dispatcher) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	d.mu.Lock()
	d.stopping = true
	dropped := len(d.queue)
	d.mu.Unlock()
	d.log.WarnContext(ctx, "stopping with admitted jobs not run", "queued", dropped)
	return fmt.Errorf("bot: waiting for jobs: %w", ctx.Err())
}

// job is admitted work waiting for a worker.
type job struct {
	ctx      context.Context // detached from the request, so that the ack does not cancel it
	run      func(context.Context)
	onDrop   func(context.Context) // when the job cannot run in time; may be nil
	deadline time.Time             // the job must start before this, unless durable
	durable  bool                  // in the inbox: run late rather than dropped
}

// hasRoom reports whether one more job can be admitted: the queue is under MaxQueued, and the
// workers, at the run time measured so far, can start it within Window.
func (d *Dispatcher) hasRoom() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.roomLocked()
}

func (d *Dispatcher) roomLocked() bool {
	if d.stopping || len(d.queue) >= d.maxQueued {
		return false
	}
	avg := max(d.avgJob, time.Millisecond)
	return time.Duration(len(d.queue)+1)*avg/time.Duration(d.workers) <= d.window
}

// admit queues run for a worker unless the Dispatcher is full (see hasRoom), and reports whether
// it did; force admits anyway, for the rest of work already admitted. The job runs with a
// context detached from the request but bounded by JobTimeout once it starts. onDrop, if set,
// runs when the job could not start within Window.
func (d *Dispatcher) admit(parent context.Context, received time.Time, force, durable bool, run, onDrop func(context.Context)) bool {
	j := job{ctx: context.WithoutCancel(parent), run: run, onDrop: onDrop, deadline: received.Add(d.window), durable: durable}
	d.mu.Lock()
	if !force && !d.roomLocked() {
		d.mu.Unlock()
		return false
	}
	d.queue = append(d.queue, j)
	d.wg.Add(1)
	d.metrics.jobsInFlight(1)
	d.metrics.admit()
	if d.running < d.workers {
		d.running++
		go d.work()
	}
	d.mu.Unlock()
	return true
}

// work runs queued jobs until the queue is empty.
func (d *Dispatcher) work() {
	for {
		d.mu.Lock()
		if len(d.queue) == 0 {
			d.running--
			d.mu.Unlock()
			return
		}
		j := d.queue[0]
		d.queue[0] = job{}
		d.queue = d.queue[1:]
		if len(d.queue) == 0 {
			d.queue = nil // let the backing array go after a burst
		}
		stopping := d.stopping
		d.mu.Unlock()
		d.runJob(j, stopping)
	}
}

func (d *Dispatcher) runJob(j job, stopping bool) {
	defer d.wg.Done()
	defer d.metrics.jobsInFlight(-1)
	if stopping || (!j.durable && !d.now().Before(j.deadline)) {
		d.metrics.jobDropped()
		if stopping {
			return
		}
		d.busyLog.note(j.ctx, "expired")
		if j.onDrop != nil {
			ctx, cancel := context.WithTimeout(j.ctx, 10*time.Second)
			defer cancel()
			j.onDrop(ctx)
		}
		return
	}
	ctx, cancel := context.WithTimeout(j.ctx, d.jobTTL)
	defer cancel()
	start := d.now()
	defer func() {
		if r := recover(); r != nil {
			d.log.ErrorContext(ctx, "slack job panicked", "panic", r, "stack", string(debug.Stack()))
		}
		took := d.now().Sub(start)
		d.mu.Lock()
		if d.avgJob == 0 {
			d.avgJob = took
		} else {
			d.avgJob += (took - d.avgJob) / 8
		}
		d.mu.Unlock()
	}()
	j.run(ctx)
}

// busyText is the « busy » answer in the user's language when known, else the default one.
func (d *Dispatcher) busyText(user string) string {
	lang, ok := d.c.CachedLang(user)
	if !ok || lang == "" {
		lang = d.lang
	}
	return d.texts.T(lang, "bot.busy")
}

// refuseBusy counts and logs (once per interval) a request refused because Chorus is busy.
func (d *Dispatcher) refuseBusy(ctx context.Context, kind string) {
	d.metrics.refuse("busy")
	d.busyLog.note(ctx, "busy", "kind", kind)
}

// busyNotice tells the user of a refused interaction that Chorus is busy, through its
// response_url, when one of a few notice slots is free; else the user sees nothing more.
func (d *Dispatcher) busyNotice(ctx context.Context, src source) {
	if src.responseURL == "" {
		return
	}
	select {
	case d.notices <- struct{}{}:
	default:
		return
	}
	text := d.busyText(src.user)
	go func() {
		defer func() { <-d.notices }()
		nctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := d.c.RespondURL(nctx, src.responseURL, reply.Reply{Text: text, Visibility: reply.Ephemeral}); err != nil {
			d.log.DebugContext(nctx, "cannot send a busy notice", "err", err)
		}
	}()
}
