// Package minutes is the meeting minutes feature: /minutes start|note|decision|action|end|list|
// show|search|export|thread, lines captured from prefixed messages and reactions, minutes built
// from a thread (the "save_minutes" message shortcut), action items turned into tasks, and
// decisions applied to a campaign's global message.
package minutes

// Choices worth knowing:
//   - Action items become tasks when the meeting is closed, and only for a meeting linked to a
//     campaign, since every task belongs to one. A meeting without a campaign keeps its action
//     items, with owners and dates, in the minutes only; the end reply says so.
//   - An action item missing its owner or date gets a question with a button in the thread; once
//     completed after the meeting closed, it becomes a task at once.
//   - Slack edits and deletions update the lines of the channel's open meeting. Posted minutes
//     are a record: later edits of the messages do not change them.
//   - Lines are captured from prefixed messages anywhere in the meeting's channel (its thread
//     included) while the meeting is open, so nobody has to find the right thread first.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// Summarizer writes a short summary of a meeting in lang. Optional.
type Summarizer interface {
	Summarize(ctx context.Context, lang chorus.Lang, transcript string) (string, error)
}

// DefaultSummaryTimeout bounds how long closing a meeting waits for its summary.
const DefaultSummaryTimeout = 15 * time.Second

// MessageSource reads conversations back from the transport (Slack's conversations.replies,
// conversations.history and chat.getPermalink). Optional: without it, or when it answers
// reply.ErrUnavailable, the service reads what it saw itself through Message and Reaction.
type MessageSource interface {
	// Thread returns the thread whose parent is ts, parent first.
	Thread(ctx context.Context, workspace, channel, ts string) ([]reply.SourceMessage, error)
	// Message returns one message, in a thread or not.
	Message(ctx context.Context, workspace, channel, ts string) (reply.SourceMessage, error)
	// Permalink returns a link to the message.
	Permalink(ctx context.Context, workspace, channel, ts string) (string, error)
}

// FileUploader shares a text file in a channel (Slack's files upload). Optional: without it, or
// when it answers reply.ErrUnavailable, exports are answered as text.
type FileUploader interface {
	Upload(ctx context.Context, channel, thread, filename, title, content string) error
}

// Limits that keep minutes inside one Slack message.
const (
	maxSectionText   = 2900 // Slack allows 3,000 characters per section
	maxButtonLines   = 10   // lines shown with their own button
	maxListMeetings  = 20
	maxSearchShown   = 10
	maxThreadPreview = 2900 // a modal's multiline input holds 3,000 characters
	memoryMessages   = 5000 // messages the service remembers for transports without history
)

// Store is what the minutes need from persistence: their meetings, and the campaigns and tasks
// their action items become.
type Store interface {
	Meetings
	Tasks
}

// Tasks is what the minutes need of campaigns and tasks.
type Tasks interface {
	Campaign(ctx context.Context, workspace, slug string) (chorus.Campaign, error)
	CreateTask(ctx context.Context, t chorus.Task) (chorus.Task, error)
	// Task reads a task an action item became, for the export to show whether it is done.
	Task(ctx context.Context, workspace, id string) (chorus.Task, error)
}

// Meetings stores meetings and their lines.
type Meetings interface {
	StartMeeting(ctx context.Context, m chorus.Meeting) (chorus.Meeting, error)
	OpenMeeting(ctx context.Context, workspace, channel string) (chorus.Meeting, error)
	Meeting(ctx context.Context, workspace, id string) (chorus.Meeting, error)
	UpdateMeeting(ctx context.Context, m chorus.Meeting) (chorus.Meeting, error)
	// MeetingsPage is the first limit meetings f selects, newest first, and how many in all.
	MeetingsPage(ctx context.Context, workspace string, f chorus.MeetingFilter, limit int) ([]chorus.Meeting, int, error)
	SearchMeetings(ctx context.Context, workspace, query string) ([]chorus.Meeting, error)
	AddLine(ctx context.Context, l chorus.Line) (chorus.Line, error)
	Line(ctx context.Context, workspace, meeting, ts string) (chorus.Line, error)
	UpdateLine(ctx context.Context, l chorus.Line) (chorus.Line, error)
	Lines(ctx context.Context, workspace, meeting string) ([]chorus.Line, error)
}

// MessageWatcher hears that a campaign's global message changed (a lead applied a decision),
// so the copy checked against it is checked again; it answers what to add to the reply and what
// to post. The review feature is one.
type MessageWatcher interface {
	MessageChanged(ctx context.Context, t *feature.Turn, camp chorus.Campaign) ([]reply.Block, []reply.Post, error)
}

// Options are the minutes' optional helpers.
type Options struct {
	Summarizer     Summarizer    // writes the summary of closed minutes; nil: no summary
	SummaryTimeout time.Duration // budget of one summary; DefaultSummaryTimeout
	Messages       MessageSource // reads threads and messages back; nil: what the feature saw
	Files          FileUploader  // shares exports as files; nil: exports are answered as text
}

// Feature answers the minutes' commands, buttons, modals and conversation events. It is safe for
// concurrent use.
type Feature struct {
	store   Store
	log     *slog.Logger
	opts    Options
	turns   feature.Turns
	watcher MessageWatcher
	mem     *memory
}

// New returns the minutes feature over st. turns makes the turn of a conversation event;
// watcher hears about a global message changed by a decision.
func New(st Store, logger *slog.Logger, opts Options, turns feature.Turns, watcher MessageWatcher) *Feature {
	return &Feature{store: st, log: logger, opts: opts, turns: turns, watcher: watcher, mem: newMemory()}
}

type call struct {
	*feature.Turn
	*Feature
}

func (f *Feature) call(t *feature.Turn) *call { return &call{Turn: t, Feature: f} }

// withLang is a copy of the call that speaks lang.
func (c *call) withLang(lang chorus.Lang) *call {
	return &call{Turn: c.Turn.WithLang(lang), Feature: c.Feature}
}

// Reads reports whether the /minutes sub-command args only reads the store: list, show,
// search, the help, and an unknown word (answered with the help's pointer). Export and thread
// are left out: they read Slack or share a file.
func Reads(args []string) bool {
	if len(args) == 0 {
		return true
	}
	switch v := minutesVerbs[chorus.Fold(args[0])]; v {
	case "", "help", "list", "show", "search":
		return true
	}
	return false
}

// Command answers "/minutes" with args.
func (f *Feature) Command(ctx context.Context, t *feature.Turn, args []string) (reply.Reply, error) {
	return f.call(t).minutes(ctx, args)
}

// Answers reports whether the feature answers the button, shortcut or modal id.
func Answers(id string) bool {
	switch id {
	case reply.ActMinutesComplete, reply.ActMinutesApply, reply.ActMinutesShow, reply.ActMinutesExport, reply.ActSaveMinutes,
		reply.ModalMinutesThread: // ModalMinutesComplete is ActMinutesComplete
		return true
	}
	return false
}

// Action answers the minutes' buttons and the "save_minutes" shortcut.
func (f *Feature) Action(ctx context.Context, t *feature.Turn, a reply.Action) (reply.Reply, error) {
	return f.call(t).minutesAction(ctx, a)
}

// Submit answers the minutes' modals: an action item completed, a thread saved as minutes.
func (f *Feature) Submit(ctx context.Context, t *feature.Turn, sub reply.Submission) (reply.Reply, error) {
	c := f.call(t)
	if sub.CallbackID == reply.ModalMinutesThread {
		return c.submitThread(ctx, sub)
	}
	return c.submitComplete(ctx, sub)
}

// memory is the feature's own memory for the minutes: the messages it saw, for
// transports that cannot read conversations back (the console), and a sequence that orders the
// ids of typed lines.
type memory struct {
	seq atomic.Uint64
	mu  sync.Mutex
	msg map[string]reply.SourceMessage // by workspace/channel/ts
	ord []string                       // keys, oldest first, to forget the oldest
}

func newMemory() *memory { return &memory{msg: map[string]reply.SourceMessage{}} }

func memKey(ws, channel, ts string) string { return ws + "\x00" + channel + "\x00" + ts }

func (st *memory) remember(ev reply.MessageEvent) {
	st.mu.Lock()
	defer st.mu.Unlock()
	k := memKey(ev.Workspace, ev.Channel, ev.TS)
	old, seen := st.msg[k]
	switch {
	case ev.Deleted:
		delete(st.msg, k)
		return
	case seen:
		old.Text = ev.Text
		st.msg[k] = old
		return
	}
	st.msg[k] = reply.SourceMessage{User: ev.User, TS: ev.TS, ThreadTS: ev.ThreadTS, Text: ev.Text}
	st.ord = append(st.ord, k)
	if len(st.ord) > memoryMessages {
		delete(st.msg, st.ord[0])
		st.ord = st.ord[1:]
	}
}

func (st *memory) react(ws, channel, ts, emoji string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	k := memKey(ws, channel, ts)
	if m, ok := st.msg[k]; ok && !slices.Contains(m.Reactions, emoji) {
		m.Reactions = append(m.Reactions, emoji)
		st.msg[k] = m
	}
}

func (st *memory) message(ws, channel, ts string) (reply.SourceMessage, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	m, ok := st.msg[memKey(ws, channel, ts)]
	return m, ok
}

func (st *memory) thread(ws, channel, root string) []reply.SourceMessage {
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []reply.SourceMessage
	for _, k := range st.ord {
		m, ok := st.msg[k]
		if !ok || !strings.HasPrefix(k, memKey(ws, channel, "")) {
			continue
		}
		if m.TS == root || m.ThreadTS == root {
			out = append(out, m)
		}
	}
	return out
}

// sourceMessage reads one message: from the transport, else from memory.
func (c *call) sourceMessage(ctx context.Context, channel, ts string) (reply.SourceMessage, error) {
	if src := c.opts.Messages; src != nil {
		m, err := src.Message(ctx, c.Req.Workspace, channel, ts)
		if !errors.Is(err, reply.ErrUnavailable) {
			return m, err
		}
	}
	if m, ok := c.mem.message(c.Req.Workspace, channel, ts); ok {
		return m, nil
	}
	return reply.SourceMessage{}, chorus.Errorf(chorus.ErrNotFound, "minutes.message.unknown", ts)
}

// sourceThread reads the thread of ts (a parent or a reply): from the transport, else memory.
func (c *call) sourceThread(ctx context.Context, channel, ts string) ([]reply.SourceMessage, error) {
	if src := c.opts.Messages; src != nil {
		ms, err := src.Thread(ctx, c.Req.Workspace, channel, ts)
		if !errors.Is(err, reply.ErrUnavailable) {
			if err == nil && len(ms) == 0 {
				err = chorus.Errorf(chorus.ErrNotFound, "minutes.thread.empty", ts)
			}
			return ms, err
		}
	}
	root := ts
	if m, ok := c.mem.message(c.Req.Workspace, channel, ts); ok && m.ThreadTS != "" {
		root = m.ThreadTS
	}
	ms := c.mem.thread(c.Req.Workspace, channel, root)
	if len(ms) == 0 {
		return nil, chorus.Errorf(chorus.ErrNotFound, "minutes.thread.empty", ts)
	}
	return ms, nil
}

// permalink links to a message; a failure only leaves the line without its link.
func (c *call) permalink(ctx context.Context, channel, ts string) string {
	if c.opts.Messages == nil || isTypedTS(ts) {
		return ""
	}
	link, err := c.opts.Messages.Permalink(ctx, c.Req.Workspace, channel, ts)
	if err != nil {
		if !errors.Is(err, reply.ErrUnavailable) {
			c.Log.Warn("minutes: no permalink", "channel", channel, "ts", ts, "err", err)
		}
		return ""
	}
	return link
}

// typedTS returns the id of a line typed with /minutes: no Slack message stands behind it.
func (c *call) typedTS() string {
	return fmt.Sprintf("c%d.%d", c.Now().UnixMilli(), c.mem.seq.Add(1))
}

func isTypedTS(ts string) bool { return strings.HasPrefix(ts, "c") }

// minutesVerbs maps what people type, in French or English, to a /minutes sub-command.
var minutesVerbs = map[string]string{
	"start": "start", "new": "start", "begin": "start", "open": "start", "nouvelle": "start", "nouveau": "start",
	"debut": "start", "demarrer": "start", "commencer": "start", "ouvrir": "start",
	"note": "note", "decision": "decision", "decider": "decision", "action": "action", "todo": "action", "tache": "action",
	"end": "end", "stop": "end", "close": "end", "finish": "end", "fin": "end", "terminer": "end", "clore": "end",
	"cloturer": "end", "fermer": "end",
	"list": "list", "liste": "list", "ls": "list",
	"show": "show", "voir": "show", "afficher": "show",
	"search": "search", "find": "search", "chercher": "search", "rechercher": "search", "recherche": "search",
	"export": "export", "exporter": "export",
	"thread": "thread", "fil": "thread",
	"help": "help", "aide": "help", "?": "help",
}

func (c *call) minutes(ctx context.Context, args []string) (reply.Reply, error) {
	v := ""
	if len(args) > 0 {
		v = minutesVerbs[chorus.Fold(args[0])]
		if v == "" {
			return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "command.sub_unknown", args[0], "/minutes help")
		}
	}
	switch v {
	case "", "help":
		text := c.T("minutes.help")
		return reply.Reply{Text: text, Blocks: []reply.Block{{Kind: reply.Header, Text: c.T("help.title", "/minutes")}, {Kind: reply.Section, Text: text}}}, nil
	case "start":
		return c.minutesStart(ctx, args[1:])
	case "note", "decision", "action":
		return c.minutesAdd(ctx, chorus.LineKind(v), feature.After(c.Req.Text, 1))
	case "end":
		return c.minutesEnd(ctx)
	case "list":
		return c.minutesList(ctx, args[1:])
	case "show", "export":
		if len(args) < 2 {
			return reply.Reply{}, c.minutesUsage(v)
		}
		if v == "export" {
			return c.minutesExport(ctx, args[1])
		}
		return c.minutesShow(ctx, args[1])
	case "search":
		q := feature.After(c.Req.Text, 1)
		if strings.TrimSpace(q) == "" {
			return reply.Reply{}, c.minutesUsage("search")
		}
		return c.minutesSearch(ctx, q)
	case "thread":
		if len(args) < 2 {
			return reply.Reply{}, c.minutesUsage("thread")
		}
		channel, ts, ok := parseMessageRef(args[1], c.Req.Channel)
		if !ok {
			return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "minutes.thread.ref", args[1])
		}
		return c.threadPreview(ctx, channel, ts)
	}
	return reply.Reply{}, c.minutesUsage("start")
}

func (c *call) minutesUsage(sub string) error {
	return chorus.Errorf(chorus.ErrInvalid, "usage", c.T("minutes.usage."+sub))
}

// inChannel refuses a meeting command typed where there is no channel (the App Home).
func (c *call) inChannel() error {
	if c.Req.Channel == "" || !chorus.ValidChannelID(c.Req.Channel) {
		return chorus.Errorf(chorus.ErrInvalid, "minutes.no_channel")
	}
	return nil
}

// minutesStart reads "<title…> [campaign]": a last word naming a campaign links it.
func (c *call) minutesStart(ctx context.Context, args []string) (reply.Reply, error) {
	if err := c.inChannel(); err != nil {
		return reply.Reply{}, err
	}
	m := chorus.Meeting{WorkspaceID: c.Req.Workspace, Channel: c.Req.Channel, Status: chorus.MeetingOpen,
		Lang: c.Lang, StartedBy: c.Req.User, UpdatedBy: c.Req.User, StartedAt: c.Now()}
	if n := len(args); n > 1 && chorus.ValidSlug(args[n-1]) {
		camp, err := c.store.Campaign(ctx, c.Req.Workspace, args[n-1])
		switch {
		case err == nil:
			if err := c.mayLinkCampaign(camp); err != nil {
				return reply.Reply{}, err
			}
			m.Campaign, args = camp.Slug, args[:n-1]
		case !errors.Is(err, chorus.ErrNotFound):
			return reply.Reply{}, fmt.Errorf("load campaign %q: %w", args[n-1], err)
		}
	}
	m.Title = strings.TrimSpace(strings.Join(args, " "))
	if m.Title == "" {
		return reply.Reply{}, c.minutesUsage("start")
	}
	if err := m.Validate(); err != nil {
		return reply.Reply{}, err
	}
	saved, err := c.store.StartMeeting(ctx, m)
	if errors.Is(err, chorus.ErrConflict) {
		if open, oerr := c.store.OpenMeeting(ctx, c.Req.Workspace, c.Req.Channel); oerr == nil {
			return reply.Reply{}, chorus.Errorf(chorus.ErrConflict, "minutes.already_open", open.Title, open.ID, feature.Mention(open.StartedBy))
		}
		return reply.Reply{}, chorus.Errorf(chorus.ErrConflict, "minutes.already_open", "…", "…", "…")
	}
	if err != nil {
		return reply.Reply{}, fmt.Errorf("start meeting: %w", err)
	}
	if err := c.Audit(ctx, "minutes.start", "meeting:"+saved.ID, 0, saved.Version, saved.Title); err != nil {
		return reply.Reply{}, err
	}
	text := c.T("minutes.started", saved.Title, feature.Mention(saved.StartedBy), saved.ID)
	if saved.Campaign != "" {
		text += "\n" + c.T("minutes.started.campaign", saved.Campaign)
	}
	return reply.Reply{Text: text, Visibility: reply.InChannel, Blocks: []reply.Block{
		{Kind: reply.Section, Text: "📝 " + text},
		{Kind: reply.Context, Text: c.T("minutes.started.how")},
	}}, nil
}

// mayLinkCampaign allows those who work on the campaign (its leads and channel owners) and the
// workspace's leads to hold a meeting whose action items become the campaign's tasks.
func (c *call) mayLinkCampaign(camp chorus.Campaign) error {
	if camp.IsLead(c.Req.User) || c.IsWorkspaceLead() {
		return nil
	}
	for _, ch := range camp.Channels {
		if ch.Owner == c.Req.User {
			return nil
		}
	}
	return chorus.Errorf(chorus.ErrForbidden, "minutes.forbidden.campaign", camp.Name)
}

// openMeeting returns the open meeting of the request's channel, or a localized error.
func (c *call) openMeeting(ctx context.Context) (chorus.Meeting, error) {
	if err := c.inChannel(); err != nil {
		return chorus.Meeting{}, err
	}
	m, err := c.store.OpenMeeting(ctx, c.Req.Workspace, c.Req.Channel)
	if errors.Is(err, chorus.ErrNotFound) {
		return m, chorus.Errorf(chorus.ErrNotFound, "minutes.none_open")
	}
	return m, err
}

// meetingLocation is where the meeting's dates are read and shown: its campaign's time zone, or
// the workspace's.
func (c *call) meetingLocation(ctx context.Context, m chorus.Meeting) *time.Location {
	if m.Campaign != "" {
		if camp, err := c.store.Campaign(ctx, m.WorkspaceID, m.Campaign); err == nil {
			return camp.Location()
		}
	}
	return c.WS.Location()
}

// minutesAdd adds a line typed with /minutes note|decision|action.
func (c *call) minutesAdd(ctx context.Context, kind chorus.LineKind, text string) (reply.Reply, error) {
	m, err := c.openMeeting(ctx)
	if err != nil {
		return reply.Reply{}, err
	}
	if strings.TrimSpace(text) == "" {
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "minutes."+string(kind)+".no_text")
	}
	l, _, err := c.captureLine(ctx, m, kind, text, c.Req.User, c.typedTS())
	if err != nil {
		return reply.Reply{}, err
	}
	text = c.T("minutes.added."+string(l.Kind), feature.Ellipsis(l.Text, 200), m.Title)
	r := feature.Notice("✅ " + text)
	if q := c.missingQuestion(l); q != nil {
		r.Blocks = append(r.Blocks, *q)
	}
	return r, nil
}

// captureLine turns a message (or a typed line) into a line of m and stores it. A message that
// is a line already changes that line's kind, as when a second reaction reclassifies it. It
// reports whether anything changed.
func (c *call) captureLine(ctx context.Context, m chorus.Meeting, kind chorus.LineKind, text, author, ts string) (chorus.Line, bool, error) {
	l := chorus.Line{WorkspaceID: m.WorkspaceID, MeetingID: m.ID, Channel: m.Channel, TS: ts, Kind: kind,
		Author: author, UpdatedBy: c.Req.User}
	if err := c.fillLine(ctx, m, &l, text, nil); err != nil {
		return l, false, err
	}
	if err := l.Validate(); err != nil {
		return l, false, err
	}
	l.Permalink = c.permalink(ctx, m.Channel, ts)
	saved, err := c.store.AddLine(ctx, l)
	if errors.Is(err, chorus.ErrConflict) {
		saved, err = c.editLine(ctx, m.WorkspaceID, m.ID, ts, func(cur *chorus.Line) error {
			if cur.Kind == kind && !cur.Deleted {
				return errUnchanged
			}
			cur.Deleted = false
			cur.Kind = kind
			return c.fillLine(ctx, m, cur, text, cur)
		})
		if errors.Is(err, errUnchanged) {
			return saved, false, nil
		}
		return saved, err == nil, err
	}
	if err != nil {
		return l, false, fmt.Errorf("add line to meeting %s: %w", m.ID, err)
	}
	return saved, true, nil
}

// errUnchanged stops an edit that would change nothing.
var errUnchanged = errors.New("unchanged")

// fillLine sets the line's text and what its kind reads from it: the owner and due date of an
// action item, the new global message of a decision "message: …". prev, when set, is the line
// being edited: an owner or date completed earlier stays when the new text names none.
func (c *call) fillLine(ctx context.Context, m chorus.Meeting, l *chorus.Line, text string, prev *chorus.Line) error {
	text = strings.TrimSpace(text)
	if k, body, ok := chorus.ParsePrefix(text); ok && k == l.Kind {
		text = body
	}
	l.Text, l.ChangesMessage, l.Owner, l.Due = text, false, "", time.Time{}
	switch l.Kind {
	case chorus.LineDecision:
		if msg, ok := chorus.ParseMessageChange(text); ok && m.Campaign != "" {
			l.Text, l.ChangesMessage = msg, true
		}
	case chorus.LineAction:
		a, err := chorus.ParseAction(text, c.meetingLocation(ctx, m), c.Now())
		if err != nil {
			return feature.WithField(err, "text")
		}
		l.Text, l.Owner, l.Due = a.Title, a.Owner, a.Due
		if prev != nil && prev.Kind == chorus.LineAction {
			if l.Owner == "" {
				l.Owner = prev.Owner
			}
			if l.Due.IsZero() {
				l.Due = prev.Due
			}
		}
	}
	return nil
}

// editLine applies change to the latest version of a line, again on the newer version when
// another edit won the race, and stores it.
func (c *call) editLine(ctx context.Context, ws, meeting, ts string, change func(*chorus.Line) error) (chorus.Line, error) {
	for attempt := 0; ; attempt++ {
		cur, err := c.store.Line(ctx, ws, meeting, ts)
		if err != nil {
			return cur, err
		}
		next := cur
		if err := change(&next); err != nil {
			return cur, err
		}
		next.UpdatedBy = c.Req.User
		if err := next.Validate(); err != nil {
			return cur, err
		}
		saved, err := c.store.UpdateLine(ctx, next)
		if errors.Is(err, chorus.ErrConflict) && attempt < feature.MaxEditRetries {
			continue
		}
		if err != nil {
			return cur, fmt.Errorf("edit line %s of meeting %s: %w", ts, meeting, err)
		}
		return saved, nil
	}
}

// missingQuestion asks for an action item's missing owner or date, with a button that opens
// the form; nil when nothing is missing.
func (c *call) missingQuestion(l chorus.Line) *reply.Block {
	missing := l.Missing()
	if len(missing) == 0 || l.Deleted {
		return nil
	}
	what := make([]string, len(missing))
	for i, f := range missing {
		what[i] = c.T("minutes.missing." + f)
	}
	return &reply.Block{Kind: reply.Section, Text: "❓ " + c.T("minutes.missing", feature.Ellipsis(l.Text, 150), strings.Join(what, c.T("minutes.and"))),
		Accessory: &reply.Button{Text: c.T("minutes.button.complete"), ActionID: reply.ActMinutesComplete, Value: l.Key(), Style: "primary"}}
}
