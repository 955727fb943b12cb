package bot

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/i18n"
	"github.com/chorus-hq/chorus/reply"
)

//go:embed locales/*.json
var localeFS embed.FS

// Handler is what bot needs from the commands service.
type Handler interface {
	Command(ctx context.Context, req reply.Request) reply.Reply
	Action(ctx context.Context, req reply.Request, a reply.Action) reply.Reply
	Submit(ctx context.Context, req reply.Request, s reply.Submission) reply.Reply
	Home(ctx context.Context, req reply.Request) reply.View
}

// Claimer de-duplicates events across replicas: the first Claim of (kind, id) returns true and
// every later one false (store.Store implements it as an insert against a unique index).
type Claimer interface {
	Claim(ctx context.Context, kind, id, owner string) (bool, error)
}

// MessageHandler receives channel messages, for drift checks and minutes, and returns what to
// post in answer. Optional; commands.Service implements it.
type MessageHandler interface {
	Message(ctx context.Context, ev reply.MessageEvent) []reply.Post
}

// ReactionHandler receives reactions and returns what to post in answer. Optional;
// commands.Service implements it.
type ReactionHandler interface {
	Reaction(ctx context.Context, ev reply.ReactionEvent) []reply.Post
}

// Options configures a Dispatcher. Handler, Client and Claimer are required.
type Options struct {
	Handler       Handler
	Client        *Client
	Claimer       Claimer
	Messages      MessageHandler  // nil: message events are ignored
	Reactions     ReactionHandler // nil: reaction events are ignored
	Logger        *slog.Logger
	Clock         func() time.Time
	Metrics       *Metrics      // default: Client.Metrics(), so /metrics shows both
	ReplicaID     string        // owner recorded with each event claim
	Self          Identity      // the bot, from Client.AuthTest: its own messages are ignored
	AllowBots     bool          // pass other bots' messages to Messages
	CommandPrefix string        // "dev-" makes "/dev-campaign" arrive as "/campaign"
	Workers       int           // Handler calls running at once; 16
	JobTimeout    time.Duration // budget of one background job once it runs (Handler call and sends); 30 s
	// MaxQueued bounds the jobs admitted and not yet started; 10,000. Beyond it, or beyond what
	// the workers can start within Window at the job duration measured so far, a request is
	// answered « busy » in its acknowledgement and nothing is admitted. Queued jobs hold about
	// 2 KiB each, so the default bounds the queue's memory to about 20 MiB.
	MaxQueued int
	// Window is how long an admitted job may wait for a worker; 25 min, so that its answer still
	// finds its response_url (valid 30 minutes) alive.
	Window time.Duration
	// Lang is the language of a « busy » acknowledgement for a user whose language is not known
	// yet; French.
	Lang chorus.Lang
	// Inbox, when set, is where each request is written before its acknowledgement, and whence
	// unfinished ones are run again after a crash (RunInbox). nil: work lives in memory only.
	Inbox Inbox
	// Effects, when set, scopes the store writes of one inbox item's run so that a re-run of the
	// item makes the same writes instead of new ones (store.WithEffects).
	Effects func(ctx context.Context, key string) context.Context
	// Once, when set, says whether an earlier run of an inbox item (under Effects) recorded a
	// send as done, and records it (store.Once): a reply or post that an earlier run sent is not
	// sent again.
	// fresh says the run is the item's first, so nothing can be recorded yet.
	Once func(ctx context.Context, fresh bool) (done bool, record func(context.Context) error, err error)
	// InboxTimeout bounds the inbox write before an acknowledgement; 2 s, so that the ack
	// leaves within Slack's 3 s even when the store stalls. A request not stored in time is
	// answered « busy » (an event, 503) and never runs.
	InboxTimeout time.Duration
	// InboxLease is how long this replica holds its inbox items without renewing its heartbeat;
	// 60 s. RunInbox renews it every third of it.
	InboxLease time.Duration
	// Exclusive says no other process uses the inbox (the embedded store, locked): RunInbox then
	// takes every unfinished item at start, without waiting for its holder's heartbeat to expire.
	Exclusive    bool
	ModalBudget  time.Duration // a Modal is opened only if ready this soon after the request; 2 s
	SubmitBudget time.Duration // how long a view_submission ack waits for the Handler; 2.5 s
}

// Dispatcher turns decoded Slack requests into Handler calls and delivers the replies. HTTP and
// Socket Mode share one Dispatcher, so both transports behave the same.
type Dispatcher struct {
	h         Handler
	c         *Client
	claim     Claimer
	msgs      MessageHandler
	reacts    ReactionHandler
	log       *slog.Logger
	now       func() time.Time
	metrics   *Metrics
	replica   string
	self      Identity
	allowBots bool
	prefix    string
	jobTTL    time.Duration
	workers   int
	maxQueued int
	window    time.Duration
	lang      chorus.Lang
	busyLog   *sampledLog
	inbox     Inbox
	effects   func(context.Context, string) context.Context
	once      func(context.Context, bool) (bool, func(context.Context) error, error)
	lease     time.Duration
	inboxTTL  time.Duration
	exclusive bool
	notices   chan struct{} // bounds the busy notices sent outside the queue

	mu        sync.Mutex
	queue     []job
	running   int           // worker goroutines alive
	avgJob    time.Duration // moving average of a job's run time
	stopping  bool          // Wait gave up: drop what is still queued
	modalTTL  time.Duration
	submitTTL time.Duration
	texts     *i18n.Catalog
	wg        sync.WaitGroup
}

// NewDispatcher checks opts and returns a Dispatcher.
func NewDispatcher(opts Options) (*Dispatcher, error) {
	if opts.Handler == nil || opts.Client == nil || opts.Claimer == nil {
		return nil, errors.New("bot: NewDispatcher needs a Handler, a Client and a Claimer")
	}
	d := &Dispatcher{
		h: opts.Handler, c: opts.Client, claim: opts.Claimer, msgs: opts.Messages, reacts: opts.Reactions,
		log: opts.Logger, now: opts.Clock, metrics: opts.Metrics, replica: opts.ReplicaID, self: opts.Self,
		allowBots: opts.AllowBots, prefix: strings.TrimPrefix(opts.CommandPrefix, "/"),
		jobTTL: opts.JobTimeout, modalTTL: opts.ModalBudget, submitTTL: opts.SubmitBudget,
		texts: i18n.MustLoad(localeFS, "locales"),
	}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	if d.now == nil {
		d.now = time.Now
	}
	if d.metrics == nil {
		d.metrics = opts.Client.Metrics()
	}
	d.workers = opts.Workers
	if d.workers <= 0 {
		d.workers = 16
	}
	d.maxQueued = opts.MaxQueued
	if d.maxQueued <= 0 {
		d.maxQueued = 10000
	}
	d.window = opts.Window
	if d.window <= 0 {
		d.window = 25 * time.Minute
	}
	d.lang = opts.Lang
	if d.lang == "" {
		d.lang = chorus.French
	}
	d.busyLog = newSampledLog(d.log, d.now, time.Minute, "Slack work refused or dropped: Chorus is busy")
	d.notices = make(chan struct{}, 4)
	d.inbox, d.effects, d.once, d.lease, d.exclusive = opts.Inbox, opts.Effects, opts.Once, opts.InboxLease, opts.Exclusive
	if d.lease <= 0 {
		d.lease = time.Minute
	}
	d.inboxTTL = opts.InboxTimeout
	if d.inboxTTL <= 0 {
		d.inboxTTL = 2 * time.Second
	}
	if d.jobTTL <= 0 {
		d.jobTTL = 30 * time.Second
	}
	if d.modalTTL <= 0 {
		d.modalTTL = 2 * time.Second
	}
	if d.submitTTL <= 0 {
		d.submitTTL = 2500 * time.Millisecond
	}
	return d, nil
}

// Metrics returns the counters the Dispatcher updates.
func (d *Dispatcher) Metrics() *Metrics { return d.metrics }

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

// ack is a transport's answer to one Slack request.
type ack struct {
	status     int    // HTTP status: 200, or 503 to have Slack deliver the event again
	body       any    // JSON body (HTTP) or payload (Socket Mode); nil for an empty ack
	refused    string // why the request was refused before any work, for metrics; "" if not
	retryAfter int    // seconds, for a Retry-After header; 0: none
	why        error  // detail of a refusal, for the log
}

var ackOK = ack{status: 200}

// source is where a request came from, and so where its reply goes.
type source struct {
	team        string
	user        string
	channel     string
	responseURL string
	triggerID   string
	received    time.Time
	home        bool // the request came from the App Home tab
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

// answer is the job that runs one request: fn asked in the requester's turn, its reply
// delivered, a failure told to the requester.
func (d *Dispatcher) answer(src source, what string, fn func(context.Context, reply.Request) reply.Reply) func(context.Context) {
	return func(ctx context.Context) {
		req := d.request(ctx, src)
		rep, ok := d.call(ctx, what, func() reply.Reply { return fn(ctx, req) })
		if !ok {
			d.notify(ctx, src, req.Lang, "bot.failed")
			return
		}
		d.deliver(ctx, src, req.Lang, rep)
	}
}

// call runs a Handler method, turning a panic into ok=false so the user hears about it.
func (d *Dispatcher) call(ctx context.Context, what string, fn func() reply.Reply) (rep reply.Reply, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			d.log.ErrorContext(ctx, "handler panicked", "call", what, "panic", r, "stack", string(debug.Stack()))
			ok = false
		}
	}()
	return fn(), true
}

// request resolves the user's language and role (users.info, cached) into a reply.Request.
// A users.info failure is logged, not fatal: the request goes on with Lang "" and IsAdmin false.
func (d *Dispatcher) request(ctx context.Context, src source) reply.Request {
	req := reply.Request{Workspace: src.team, User: src.user, Channel: src.channel}
	if src.user == "" {
		return req
	}
	lang, admin, err := d.c.UserInfo(ctx, src.user)
	if err != nil {
		d.log.WarnContext(ctx, "users.info failed", "user", src.user, "err", err)
		return req
	}
	req.Lang, req.IsAdmin = lang, admin
	return req
}

func (d *Dispatcher) commandName(c string) string {
	if d.prefix != "" {
		if rest, ok := strings.CutPrefix(c, "/"+d.prefix); ok {
			return "/" + rest
		}
	}
	return c
}

// command acknowledges a slash command at once and answers it in the background.
func (d *Dispatcher) command(ctx context.Context, cmd slack.SlashCommand, in intake) ack {
	src := source{team: cmd.TeamID, user: cmd.UserID, channel: cmd.ChannelID, responseURL: cmd.ResponseURL, triggerID: cmd.TriggerID, received: in.received}
	name, text := d.commandName(cmd.Command), commandFromSlack(cmd.Text)
	out := d.accept(ctx, in, "command", bodyKey("command", in.body), d.answer(src, "command "+name, func(ctx context.Context, req reply.Request) reply.Reply {
		req.Command, req.Text = name, text
		return d.h.Command(ctx, req)
	}), func(ctx context.Context) { d.notify(ctx, src, "", "bot.busy") })
	if out == busy || out == failed {
		d.refuseBusy(ctx, "command")
		return ack{status: 200, body: map[string]string{"response_type": "ephemeral", "text": d.busyText(src.user)}}
	}
	return ackOK
}

// interaction handles block_actions, view_submission and shortcuts.
func (d *Dispatcher) interaction(ctx context.Context, cb slack.InteractionCallback, in intake) ack {
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		return d.blockActions(ctx, cb, in)
	case slack.InteractionTypeViewSubmission:
		return d.viewSubmission(ctx, cb, in)
	case slack.InteractionTypeShortcut, slack.InteractionTypeMessageAction:
		return d.shortcut(ctx, cb, in)
	default: // view_closed, block_suggestion, ...: nothing to do
		d.metrics.ignore()
		return ackOK
	}
}

func interactionSource(cb slack.InteractionCallback, received time.Time) source {
	channel := cb.Channel.ID
	if channel == "" {
		channel = cb.Container.ChannelID
	}
	team := cb.Team.ID
	if team == "" {
		team = cb.User.TeamID
	}
	return source{
		team: team, user: cb.User.ID, channel: channel, responseURL: cb.ResponseURL,
		triggerID: cb.TriggerID, received: received, home: cb.View.Type == slack.VTHomeTab,
	}
}

func (d *Dispatcher) blockActions(ctx context.Context, cb slack.InteractionCallback, in intake) ack {
	src := interactionSource(cb, in.received)
	var actions []reply.Action
	for _, a := range cb.ActionCallback.BlockActions {
		if a == nil {
			continue
		}
		actions = append(actions, reply.Action{ActionID: decodeActionID(a.ActionID), Value: actionValue(*a)})
	}
	if len(actions) == 0 {
		d.metrics.ignore()
		return ackOK
	}
	out := d.accept(ctx, in, "interaction", bodyKey("interaction", in.body), func(ctx context.Context) {
		req := d.request(ctx, src)
		for _, a := range actions {
			rep, ok := d.call(ctx, "action "+a.ActionID, func() reply.Reply { return d.h.Action(ctx, req, a) })
			if !ok {
				d.notify(ctx, src, req.Lang, "bot.failed")
				continue
			}
			d.deliver(ctx, src, req.Lang, rep)
		}
		if src.home {
			d.publishHome(ctx, req)
		}
	}, func(ctx context.Context) { d.notify(ctx, src, "", "bot.busy") })
	if out == busy || out == failed {
		d.refuseBusy(ctx, "block_actions")
		d.busyNotice(ctx, src)
	}
	return ackOK
}

// shortcut routes a global or message shortcut to Handler.Action: ActionID is the shortcut's
// callback_id, and Value the message timestamp for a message shortcut.
func (d *Dispatcher) shortcut(ctx context.Context, cb slack.InteractionCallback, in intake) ack {
	src := interactionSource(cb, in.received)
	a := reply.Action{ActionID: cb.CallbackID, Value: cb.MessageTs}
	if a.Value == "" {
		a.Value = cb.Message.Timestamp
	}
	a.Message = &reply.MessageEvent{
		Workspace: src.team, Channel: cb.Channel.ID, User: cb.Message.User, TS: a.Value,
		ThreadTS: cb.Message.ThreadTimestamp, Text: fromSlack(cb.Message.Text),
	}
	out := d.accept(ctx, in, "interaction", bodyKey("interaction", in.body), d.answer(src, "shortcut "+a.ActionID, func(ctx context.Context, req reply.Request) reply.Reply {
		return d.h.Action(ctx, req, a)
	}), func(ctx context.Context) { d.notify(ctx, src, "", "bot.busy") })
	if out == busy || out == failed {
		d.refuseBusy(ctx, "shortcut")
		d.busyNotice(ctx, src)
	}
	return ackOK
}

// handoff passes a reply from a background job to a waiting ack, or back to the job when the
// ack stopped waiting: exactly one of them delivers it.
type handoff struct {
	mu        sync.Mutex
	ch        chan reply.Reply
	abandoned bool
}

func (h *handoff) give(r reply.Reply) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.abandoned {
		return false
	}
	h.ch <- r
	return true
}

func (h *handoff) wait(timeout time.Duration) (reply.Reply, bool) {
	t := time.NewTimer(max(timeout, 0))
	defer t.Stop()
	select {
	case r := <-h.ch:
		return r, true
	case <-t.C:
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	select {
	case r := <-h.ch:
		return r, true
	default:
		h.abandoned = true
		return reply.Reply{}, false
	}
}

// viewSubmission waits up to SubmitBudget for the Handler, because field errors (and a
// replacement modal) can only travel in the acknowledgement.
func (d *Dispatcher) viewSubmission(ctx context.Context, cb slack.InteractionCallback, in intake) ack {
	sub, channel := decodeSubmission(cb.View)
	src := interactionSource(cb, in.received)
	src.channel, src.responseURL, src.home = channel, "", false
	for _, u := range cb.ResponseURLs {
		src.responseURL = u.ResponseURL // set only when the modal asked for a channel's response_url
		break
	}
	// A re-run from the inbox has no ack waiting: the job delivers its reply itself.
	h := &handoff{ch: make(chan reply.Reply, 1), abandoned: in.replay != nil}
	var langMu sync.Mutex
	var lang chorus.Lang
	out := d.accept(ctx, in, "interaction", bodyKey("interaction", in.body), func(ctx context.Context) {
		req := d.request(ctx, src)
		langMu.Lock()
		lang = req.Lang
		langMu.Unlock()
		rep, ok := d.call(ctx, "submit "+sub.CallbackID, func() reply.Reply { return d.h.Submit(ctx, req, sub) })
		if !ok {
			rep = reply.Reply{Text: d.texts.T(req.Lang, "bot.failed")}
		}
		if h.give(rep) {
			return
		}
		// The ack went out without us: the modal is closed, so errors become a message.
		if len(rep.FieldErrors) > 0 {
			rep.Text = d.texts.T(req.Lang, "bot.submit_late", strings.Join(fieldErrorList(rep.FieldErrors), "; "))
			rep.Blocks, rep.Visibility = nil, reply.Ephemeral
		}
		rep.Modal = nil
		d.deliver(ctx, src, req.Lang, rep)
	}, nil)
	switch {
	case out == duplicate || in.replay != nil:
		return ackOK
	case out == busy || out == failed:
		d.refuseBusy(ctx, "view_submission")
		// The form stays open with its input, and says why on its first field.
		if id := firstInputBlock(cb.View); id != "" {
			return ack{status: 200, body: slack.NewErrorsViewSubmissionResponse(map[string]string{id: truncate(d.busyText(src.user), maxInputLabel)})}
		}
		d.busyNotice(ctx, src)
		return ackOK
	}

	rep, ok := h.wait(d.submitTTL - d.now().Sub(in.received))
	if !ok {
		d.log.WarnContext(ctx, "view_submission answered after its ack budget", "callback_id", sub.CallbackID)
		return ackOK
	}
	if len(rep.FieldErrors) > 0 {
		errs := map[string]string{}
		for id, msg := range rep.FieldErrors {
			errs[truncateID(id, maxActionID)] = truncate(msg, maxInputLabel)
		}
		return ack{status: 200, body: slack.NewErrorsViewSubmissionResponse(errs)}
	}
	var body any
	if rep.Modal != nil {
		if view, err := renderModal(*rep.Modal, channel); err == nil {
			body = slack.NewUpdateViewSubmissionResponse(&view)
		} else {
			d.log.ErrorContext(ctx, "cannot render follow-up modal", "err", err)
		}
		rep.Modal = nil
	}
	if !blank(rep.Text) || len(rep.Blocks) > 0 || len(rep.Posts) > 0 {
		langMu.Lock()
		l := lang
		langMu.Unlock()
		d.admit(ctx, in.received, true, false, func(ctx context.Context) { d.deliver(ctx, src, l, rep) }, nil)
	}
	return ack{status: 200, body: body}
}

// firstInputBlock returns the block_id of a modal's first input block (or, when the payload
// carries no blocks, of the first field in its state), or "".
func firstInputBlock(v slack.View) string {
	for _, b := range v.Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok && in.BlockID != "" {
			return in.BlockID
		}
	}
	if v.State != nil && len(v.State.Values) > 0 {
		return slices.Sorted(maps.Keys(v.State.Values))[0]
	}
	return ""
}

func fieldErrorList(m map[string]string) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[k])
	}
	return out
}

// deliver sends a reply: it opens its modal, or answers where the request came from, then sends
// its further posts. A post to a channel the bot cannot reach is reported to the requester.
func (d *Dispatcher) deliver(ctx context.Context, src source, lang chorus.Lang, rep reply.Reply) {
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

// runState is what sendOnce knows of one run of an inbox item.
type runState struct {
	fresh   bool                            // the item's first run
	pending func(ctx context.Context) error // the record of the last send, not yet written
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
	if err := d.sendOnce(ctx, func() error { return d.c.PublishHome(ctx, req.User, view) }); err != nil {
		d.log.ErrorContext(ctx, "cannot publish home", "user", req.User, "err", err)
	}
}

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
	return m, true
}
