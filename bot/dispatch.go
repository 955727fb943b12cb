package bot

import (
	"context"
	"embed"
	"errors"
	"log/slog"
	"maps"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

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
	Exclusive bool
	// DeliveryWorkers bounds the deliveries of inbox items' replies (response_url calls, posts,
	// modals) made apart from the workers, which meanwhile compute the next replies; 64. When all
	// are busy a worker delivers its reply itself. Negative: workers always deliver.
	DeliveryWorkers int
	ModalBudget     time.Duration // a Modal is opened only if ready this soon after the request; 2 s
	SubmitBudget    time.Duration // how long a view_submission ack waits for the Handler; 2.5 s
	// AnswerBudget is the longest the acknowledgement of a slash command that only reads
	// (Reader) waits for its answer, to carry it; 500 ms, so that a command not answered by then
	// still has InboxTimeout to be stored within Slack's 3 s. The wait is ten times the reads'
	// recent answer time, at least 100 ms, within this bound. A read misses it only on a machine so
	// busy that the fallback (an inbox write, then the same read by a worker) costs more than
	// waiting. Negative: reads take the inbox's way.
	AnswerBudget time.Duration
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
	// deliveries bounds the deliveries running apart from the workers; nil: none
	deliveries chan struct{}

	mu        sync.Mutex
	queue     []job
	running   int           // worker goroutines alive
	avgJob    time.Duration // moving average of a job's run time
	stopping  bool          // Wait gave up: drop what is still queued
	modalTTL  time.Duration
	submitTTL time.Duration
	readTTL   time.Duration
	reads     lateReads
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
		jobTTL: opts.JobTimeout, modalTTL: opts.ModalBudget, submitTTL: opts.SubmitBudget, readTTL: opts.AnswerBudget,
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
	switch {
	case opts.DeliveryWorkers == 0:
		d.deliveries = make(chan struct{}, 64)
	case opts.DeliveryWorkers > 0:
		d.deliveries = make(chan struct{}, opts.DeliveryWorkers)
	}
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
	if d.readTTL == 0 {
		d.readTTL = 500 * time.Millisecond
	}
	if d.submitTTL <= 0 {
		d.submitTTL = 2500 * time.Millisecond
	}
	return d, nil
}

// Metrics returns the counters the Dispatcher updates.
func (d *Dispatcher) Metrics() *Metrics { return d.metrics }

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
	if a, ok := d.answerInAck(ctx, src, name, text, in); ok {
		return a
	}
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
