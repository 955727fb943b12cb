package commands

// Meeting minutes: /minutes start|note|decision|action|end|list|show|search|export|thread, lines
// captured from prefixed messages and reactions, minutes built from a thread (the "save_minutes"
// message shortcut), action items turned into tasks, and decisions applied to a campaign's global
// message.
//
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
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/i18n"
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

// minutesState is the service's own memory for the minutes: the messages it saw, for
// transports that cannot read conversations back (the console), and a sequence that orders the
// ids of typed lines.
type minutesState struct {
	seq atomic.Uint64
	mu  sync.Mutex
	msg map[string]reply.SourceMessage // by workspace/channel/ts
	ord []string                       // keys, oldest first, to forget the oldest
}

func newMinutesState() *minutesState { return &minutesState{msg: map[string]reply.SourceMessage{}} }

func memKey(ws, channel, ts string) string { return ws + "\x00" + channel + "\x00" + ts }

func (st *minutesState) remember(ev reply.MessageEvent) {
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

func (st *minutesState) react(ws, channel, ts, emoji string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	k := memKey(ws, channel, ts)
	if m, ok := st.msg[k]; ok && !slices.Contains(m.Reactions, emoji) {
		m.Reactions = append(m.Reactions, emoji)
		st.msg[k] = m
	}
}

func (st *minutesState) message(ws, channel, ts string) (reply.SourceMessage, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	m, ok := st.msg[memKey(ws, channel, ts)]
	return m, ok
}

func (st *minutesState) thread(ws, channel, root string) []reply.SourceMessage {
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
	if m, ok := c.minutesMem.message(c.Req.Workspace, channel, ts); ok {
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
	if m, ok := c.minutesMem.message(c.Req.Workspace, channel, ts); ok && m.ThreadTS != "" {
		root = m.ThreadTS
	}
	ms := c.minutesMem.thread(c.Req.Workspace, channel, root)
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
	return fmt.Sprintf("c%d.%d", c.Now().UnixMilli(), c.minutesMem.seq.Add(1))
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

// minutesEnd closes the channel's meeting and posts its minutes.
func (c *call) minutesEnd(ctx context.Context) (reply.Reply, error) {
	m, err := c.openMeeting(ctx)
	if err != nil {
		return reply.Reply{}, err
	}
	if m.StartedBy != c.Req.User && !c.IsWorkspaceLead() {
		lead := false
		if m.Campaign != "" {
			if camp, err := c.store.Campaign(ctx, m.WorkspaceID, m.Campaign); err == nil {
				lead = camp.IsLead(c.Req.User)
			}
		}
		if !lead {
			return reply.Reply{}, chorus.Errorf(chorus.ErrForbidden, "minutes.forbidden.end", m.Title, feature.Mention(m.StartedBy))
		}
	}
	before := m.Version
	m.Status, m.EndedAt, m.UpdatedBy = chorus.MeetingClosed, c.Now(), c.Req.User
	closed, err := c.store.UpdateMeeting(ctx, m)
	if errors.Is(err, chorus.ErrConflict) {
		return reply.Reply{}, chorus.Errorf(chorus.ErrConflict, "minutes.already_closed", m.Title)
	}
	if err != nil {
		return reply.Reply{}, fmt.Errorf("close meeting %s: %w", m.ID, err)
	}
	if err := c.Audit(ctx, "minutes.end", "meeting:"+closed.ID, before, closed.Version, ""); err != nil {
		return reply.Reply{}, err
	}
	return c.publishMinutes(ctx, closed, "")
}

// publishMinutes finishes a closed meeting: its action items become tasks, the summarizer (if
// any) writes a summary, and the minutes are posted in the channel (in thread, when set) and
// sent to the campaign's leads. The meeting is stored closed before any of this, so a failure
// here loses nothing: the minutes can be shown again with /minutes show.
func (c *call) publishMinutes(ctx context.Context, m chorus.Meeting, thread string) (reply.Reply, error) {
	lines, err := c.store.Lines(ctx, m.WorkspaceID, m.ID)
	if err != nil {
		return reply.Reply{}, fmt.Errorf("lines of meeting %s: %w", m.ID, err)
	}
	var camp *chorus.Campaign
	if m.Campaign != "" {
		cp, err := c.store.Campaign(ctx, m.WorkspaceID, m.Campaign)
		if err != nil {
			return reply.Reply{}, fmt.Errorf("campaign of meeting %s: %w", m.ID, err)
		}
		camp = &cp
	}
	created := 0
	untracked := 0
	for i, l := range lines {
		if l.Kind != chorus.LineAction || l.Deleted || l.TaskID != "" || len(l.Missing()) > 0 {
			continue
		}
		if camp == nil {
			untracked++
			continue
		}
		saved, err := c.taskFromLine(ctx, *camp, l)
		if err != nil {
			return reply.Reply{}, err
		}
		lines[i] = saved
		created++
	}
	m = c.summarize(ctx, m, lines)

	out := c.withLang(m.Lang) // the minutes are posted in the meeting's language
	card := out.minutesCard(ctx, m, lines, camp)
	head := out.T("minutes.ended", m.Title, created)
	if thread != "" {
		head = out.T("minutes.thread.posted", m.Title, created)
	}
	if untracked > 0 {
		head += "\n" + out.T("minutes.no_campaign_tasks", untracked)
	}
	blocks := append([]reply.Block{{Kind: reply.Section, Text: "✅ " + head}}, card.Blocks...)
	r := reply.Reply{Text: head + "\n" + card.Text, Blocks: blocks, Visibility: reply.InChannel}
	if thread != "" {
		// Minutes of a thread go back into the thread; the person who saved them gets a notice.
		r = feature.Notice("✅ " + c.T("minutes.thread.saved", m.Title, m.ID, created))
		r.Posts = append(r.Posts, reply.Post{Channel: m.Channel, Thread: thread, Text: head + "\n" + card.Text, Blocks: blocks})
	}
	if camp != nil {
		for _, lead := range camp.Leads {
			r.Posts = append(r.Posts, reply.Post{Channel: lead, Text: out.T("minutes.for_lead", camp.Name) + "\n" + card.Text,
				Blocks: append([]reply.Block{{Kind: reply.Section, Text: "📨 " + out.T("minutes.for_lead", camp.Name)}}, card.Blocks...)})
		}
	}
	return r, nil
}

// taskFromLine creates the task of a complete action item and records its id on the line.
func (c *call) taskFromLine(ctx context.Context, camp chorus.Campaign, l chorus.Line) (chorus.Line, error) {
	t := chorus.Task{WorkspaceID: l.WorkspaceID, Campaign: camp.Slug, Title: feature.Ellipsis(l.Text, chorus.MaxTitleLen),
		Owner: l.Owner, Due: l.Due.UTC(), Status: chorus.TaskOpen, CreatedBy: c.Req.User, UpdatedBy: c.Req.User}
	if err := t.Validate(); err != nil {
		return l, err
	}
	saved, err := c.store.CreateTask(ctx, t)
	if err != nil {
		return l, fmt.Errorf("task of action %s: %w", l.Key(), err)
	}
	if err := c.Audit(ctx, "task.create", "task:"+saved.ID, 0, saved.Version, "minutes:"+l.MeetingID); err != nil {
		return l, err
	}
	return c.editLine(ctx, l.WorkspaceID, l.MeetingID, l.TS, func(cur *chorus.Line) error {
		cur.TaskID = saved.ID
		return nil
	})
}

// summarize asks the summarizer for a summary within its time budget and stores it. Any failure
// leaves the meeting as it was: minutes are complete without a summary.
func (c *call) summarize(ctx context.Context, m chorus.Meeting, lines []chorus.Line) chorus.Meeting {
	if c.opts.Summarizer == nil {
		return m
	}
	transcript := c.transcript(m, lines)
	if transcript == "" {
		return m
	}
	timeout := c.opts.SummaryTimeout
	if timeout <= 0 {
		timeout = DefaultSummaryTimeout
	}
	sctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type answer struct {
		text string
		err  error
	}
	done := make(chan answer, 1)
	go func() {
		s, err := c.opts.Summarizer.Summarize(sctx, m.Lang, transcript)
		done <- answer{s, err}
	}()
	var a answer
	select {
	case a = <-done:
	case <-sctx.Done():
		// A summarizer that ignores its context must not hold the minutes back.
		a.err = sctx.Err()
	}
	summary := strings.TrimSpace(a.text)
	if a.err == nil && summary == "" {
		a.err = errors.New("empty summary")
	}
	if a.err != nil {
		c.Log.Warn("minutes: no summary", "meeting", m.ID, "err", a.err)
		return m
	}
	if r := []rune(summary); len(r) > chorus.MaxSummaryLen {
		summary = string(r[:chorus.MaxSummaryLen-1]) + "…"
	}
	for attempt := 0; attempt < 3; attempt++ {
		next := m
		next.Summary, next.UpdatedBy = summary, c.Req.User
		if err := next.Validate(); err != nil {
			c.Log.Warn("minutes: summary refused", "meeting", m.ID, "err", err)
			return m
		}
		saved, err := c.store.UpdateMeeting(ctx, next)
		if err == nil {
			return saved
		}
		if !errors.Is(err, chorus.ErrConflict) {
			c.Log.Warn("minutes: summary not stored", "meeting", m.ID, "err", err)
			return m
		}
		if m, err = c.store.Meeting(ctx, m.WorkspaceID, m.ID); err != nil {
			return next
		}
	}
	return m
}

// transcript is the meeting as the summarizer reads it: one line per note, decision and action.
func (c *call) transcript(m chorus.Meeting, lines []chorus.Line) string {
	var b strings.Builder
	for _, l := range lines {
		if l.Deleted {
			continue
		}
		fmt.Fprintf(&b, "[%s] %s: %s", l.Kind, l.Author, l.Text)
		if l.Owner != "" {
			fmt.Fprintf(&b, " (owner %s)", l.Owner)
		}
		if !l.Due.IsZero() {
			fmt.Fprintf(&b, " (due %s)", l.Due.UTC().Format("2006-01-02"))
		}
		b.WriteByte('\n')
	}
	if b.Len() == 0 {
		return ""
	}
	return "Meeting: " + m.Title + "\n" + b.String()
}

// minutesCard shows a meeting's minutes: title, date, attendees, summary, notes, decisions and
// action items, with the buttons that apply a decision or complete an action item.
func (c *call) minutesCard(ctx context.Context, m chorus.Meeting, lines []chorus.Line, camp *chorus.Campaign) reply.Reply {
	loc := c.WS.Location()
	if camp != nil {
		loc = camp.Location()
	} else if m.Campaign != "" {
		loc = c.meetingLocation(ctx, m)
	}
	blocks := []reply.Block{{Kind: reply.Header, Text: "📝 " + feature.Ellipsis(m.Title, 140)}}
	meta := []string{i18n.FormatWhen(m.StartedAt.In(loc), c.Lang), feature.ChannelRef(m.Channel)}
	if m.Campaign != "" {
		meta = append(meta, c.T("minutes.card.campaign", m.Campaign))
	}
	meta = append(meta, "`"+m.ID+"`")
	if m.Status == chorus.MeetingOpen {
		meta = append(meta, c.T("minutes.card.open"))
	}
	blocks = append(blocks, reply.Block{Kind: reply.Context, Text: strings.Join(meta, " · ")})
	blocks = append(blocks, reply.Block{Kind: reply.Section, Text: "*" + c.T("minutes.card.attendees") + "* " + c.Mentions(attendees(m, lines))})
	text := []string{m.Title, c.T("minutes.card.attendees") + " " + c.Mentions(attendees(m, lines))}
	if m.Summary != "" {
		s := "*" + c.T("minutes.card.summary") + "*\n" + m.Summary
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: s})
		text = append(text, s)
	}
	var extra []reply.Block
	for _, kind := range chorus.LineKinds {
		var items []string
		for _, l := range lines {
			if l.Deleted || l.Kind != kind {
				continue
			}
			items = append(items, "• "+c.lineText(l, loc))
			if len(extra) >= maxButtonLines {
				continue
			}
			switch {
			case l.ChangesMessage && l.AppliedVersion == 0:
				extra = append(extra, reply.Block{Kind: reply.Section, Text: c.T("minutes.card.apply", feature.Ellipsis(l.Text, 200)),
					Accessory: &reply.Button{Text: c.T("minutes.button.apply"), ActionID: reply.ActMinutesApply, Value: l.Key()}})
			case len(l.Missing()) > 0:
				if q := c.missingQuestion(l); q != nil {
					extra = append(extra, *q)
				}
			}
		}
		title := "*" + c.T("minutes.card."+string(kind)) + "*"
		body := "_" + c.T("minutes.card.none") + "_"
		if len(items) > 0 {
			body = joinCapped(items, maxSectionText-len(title), c.T("minutes.card.more", m.ID))
		}
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: title + "\n" + body})
		text = append(text, title+"\n"+body)
	}
	blocks = append(blocks, extra...)
	blocks = append(blocks, reply.Block{Kind: reply.Context, Text: c.T("minutes.card.footer", m.ID)})
	return reply.Reply{Text: strings.Join(text, "\n"), Blocks: blocks}
}

// lineText is one line of the minutes: its text, owner and due date, author and link.
func (c *call) lineText(l chorus.Line, loc *time.Location) string {
	s := l.Text
	if l.ChangesMessage {
		s = c.T("minutes.card.message_change", s)
		if l.AppliedVersion > 0 {
			s += " " + c.T("minutes.card.applied", l.AppliedVersion)
		}
	}
	if l.Kind == chorus.LineAction {
		owner := "⚠️ " + c.T("minutes.missing.owner")
		if l.Owner != "" {
			owner = feature.Mention(l.Owner)
		}
		due := "⚠️ " + c.T("minutes.missing.due")
		if !l.Due.IsZero() {
			due = i18n.FormatWhen(l.Due.In(loc), c.Lang)
		}
		s += " — " + owner + " — " + due
		if l.TaskID != "" {
			s += " — " + c.T("minutes.card.task", l.TaskID)
		}
	}
	s += " _(" + feature.Mention(l.Author)
	if l.Permalink != "" {
		s += ", <" + l.Permalink + "|" + c.T("minutes.card.link") + ">"
	}
	return s + ")_"
}

// attendees are the people who contributed: the one who started the meeting, then every author
// of a line, in order of appearance.
func attendees(m chorus.Meeting, lines []chorus.Line) []string {
	out := []string{m.StartedBy}
	for _, l := range lines {
		if !l.Deleted && l.Author != "" && !slices.Contains(out, l.Author) {
			out = append(out, l.Author)
		}
	}
	return out
}

// joinCapped joins items with newlines, stopping before max characters with a "more" line.
func joinCapped(items []string, max int, more string) string {
	var b strings.Builder
	for i, it := range items {
		if b.Len()+len(it)+len(more)+8 > max {
			fmt.Fprintf(&b, "… (+%d) %s", len(items)-i, more)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(it)
	}
	return b.String()
}

// loadMeeting returns meeting id, or a localized "unknown meeting" error.
func (c *call) loadMeeting(ctx context.Context, id string) (chorus.Meeting, error) {
	id = strings.ToLower(strings.TrimPrefix(id, "#"))
	if !chorus.ValidMeetingID(id) {
		return chorus.Meeting{}, chorus.Errorf(chorus.ErrNotFound, "minutes.unknown", id)
	}
	m, err := c.store.Meeting(ctx, c.Req.Workspace, id)
	if errors.Is(err, chorus.ErrNotFound) {
		return m, chorus.Errorf(chorus.ErrNotFound, "minutes.unknown", id)
	}
	return m, err
}

func (c *call) minutesShow(ctx context.Context, id string) (reply.Reply, error) {
	m, err := c.loadMeeting(ctx, id)
	if err != nil {
		return reply.Reply{}, err
	}
	lines, err := c.store.Lines(ctx, m.WorkspaceID, m.ID)
	if err != nil {
		return reply.Reply{}, fmt.Errorf("lines of meeting %s: %w", m.ID, err)
	}
	r := c.minutesCard(ctx, m, lines, nil)
	r.Blocks = append(r.Blocks, reply.Block{Kind: reply.Actions, Buttons: []reply.Button{{Text: c.T("minutes.button.export"), ActionID: reply.ActMinutesExport, Value: m.ID}}})
	return r, nil
}

// minutesList lists meetings, newest first: all of them, or a campaign's.
func (c *call) minutesList(ctx context.Context, args []string) (reply.Reply, error) {
	f := chorus.MeetingFilter{}
	title := c.T("minutes.list.title")
	if len(args) > 0 {
		camp, err := c.LoadCampaign(ctx, args[0])
		if err != nil {
			return reply.Reply{}, err
		}
		f.Campaign, title = camp.Slug, c.T("minutes.list.campaign", camp.Name)
	}
	ms, err := c.store.Meetings(ctx, c.Req.Workspace, f)
	if err != nil {
		return reply.Reply{}, fmt.Errorf("list meetings: %w", err)
	}
	if len(ms) == 0 {
		return feature.Notice(title + "\n" + c.T("minutes.list.empty")), nil
	}
	return c.meetingList(title, ms, nil), nil
}

// meetingList shows meetings with a Show button each; snippets adds lines under a meeting.
func (c *call) meetingList(title string, ms []chorus.Meeting, snippets map[string][]string) reply.Reply {
	blocks := []reply.Block{{Kind: reply.Header, Text: title}}
	lines := []string{title}
	for i, m := range ms {
		if i == maxListMeetings {
			more := c.T("minutes.list.more", len(ms)-maxListMeetings)
			blocks = append(blocks, reply.Block{Kind: reply.Context, Text: more})
			lines = append(lines, more)
			break
		}
		s := fmt.Sprintf("`%s` *%s* · %s", m.ID, m.Title, i18n.FormatDate(chorus.DateOf(m.StartedAt.In(c.WS.Location())), c.Lang))
		if m.Campaign != "" {
			s += " · " + c.T("minutes.card.campaign", m.Campaign)
		}
		if m.Status == chorus.MeetingOpen {
			s += " · " + c.T("minutes.card.open")
		}
		for _, sn := range snippets[m.ID] {
			s += "\n> " + sn
		}
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: s, Accessory: &reply.Button{Text: c.T("button.show"), ActionID: reply.ActMinutesShow, Value: m.ID}})
		lines = append(lines, s)
	}
	return reply.Reply{Text: strings.Join(lines, "\n"), Blocks: blocks}
}

func (c *call) minutesSearch(ctx context.Context, query string) (reply.Reply, error) {
	ms, err := c.store.SearchMeetings(ctx, c.Req.Workspace, query)
	if err != nil {
		return reply.Reply{}, fmt.Errorf("search meetings: %w", err)
	}
	title := c.T("minutes.search.title", query)
	if len(ms) == 0 {
		return feature.Notice(title + "\n" + c.T("minutes.search.none")), nil
	}
	if len(ms) > maxSearchShown {
		ms = ms[:maxSearchShown]
	}
	words := strings.Fields(chorus.Fold(query))
	snippets := map[string][]string{}
	for _, m := range ms {
		lines, err := c.store.Lines(ctx, m.WorkspaceID, m.ID)
		if err != nil {
			return reply.Reply{}, fmt.Errorf("lines of meeting %s: %w", m.ID, err)
		}
		for _, l := range lines {
			folded := chorus.Fold(l.Text)
			if l.Deleted || !slices.ContainsFunc(words, func(w string) bool { return strings.Contains(folded, w) }) {
				continue
			}
			if len(snippets[m.ID]) < 2 {
				snippets[m.ID] = append(snippets[m.ID], c.T("minutes.kind."+string(l.Kind))+" · "+feature.Ellipsis(l.Text, 120))
			}
		}
	}
	return c.meetingList(title, ms, snippets), nil
}

// minutesExport writes the minutes as Markdown: shared as a file where the transport can, else
// answered as text (the console prints it).
func (c *call) minutesExport(ctx context.Context, id string) (reply.Reply, error) {
	m, err := c.loadMeeting(ctx, id)
	if err != nil {
		return reply.Reply{}, err
	}
	lines, err := c.store.Lines(ctx, m.WorkspaceID, m.ID)
	if err != nil {
		return reply.Reply{}, fmt.Errorf("lines of meeting %s: %w", m.ID, err)
	}
	md := c.markdown(ctx, m, lines)
	name := "minutes-" + m.ID + ".md"
	if up := c.opts.Files; up != nil && c.Req.Channel != "" {
		err := up.Upload(ctx, c.Req.Channel, "", name, m.Title, md)
		if err == nil {
			return feature.Notice("📎 " + c.T("minutes.exported", m.Title, name)), nil
		}
		if !errors.Is(err, reply.ErrUnavailable) {
			c.Log.Warn("minutes: export upload failed, answering as text", "meeting", m.ID, "err", err)
		}
	}
	blocks := []reply.Block{{Kind: reply.Context, Text: c.T("minutes.export.text", name)}}
	for _, chunk := range chunks(md, maxSectionText-8) {
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: "```\n" + chunk + "\n```"})
		if len(blocks) >= 45 {
			break
		}
	}
	return reply.Reply{Text: md, Blocks: blocks}, nil
}

// chunks cuts s into pieces of at most n bytes, at line ends where it can.
func chunks(s string, n int) []string {
	var out []string
	for len(s) > n {
		i := strings.LastIndexByte(s[:n], '\n')
		if i <= 0 {
			i = n
			for i > 0 && !utf8Start(s[i]) {
				i--
			}
		}
		out = append(out, s[:i])
		s = strings.TrimPrefix(s[i:], "\n")
	}
	return append(out, s)
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// markdown writes the minutes as a Markdown document in the reader's language.
func (c *call) markdown(ctx context.Context, m chorus.Meeting, lines []chorus.Line) string {
	loc := c.meetingLocation(ctx, m)
	var b strings.Builder
	plainUser := func(u string) string { return "@" + u }
	fmt.Fprintf(&b, "# %s\n\n", m.Title)
	fmt.Fprintf(&b, "- %s: %s\n", c.T("minutes.md.date"), i18n.FormatWhen(m.StartedAt.In(loc), c.Lang))
	fmt.Fprintf(&b, "- %s: %s\n", c.T("minutes.md.channel"), m.Channel)
	if m.Campaign != "" {
		fmt.Fprintf(&b, "- %s: %s\n", c.T("field.campaign"), m.Campaign)
	}
	var who []string
	for _, u := range attendees(m, lines) {
		who = append(who, plainUser(u))
	}
	fmt.Fprintf(&b, "- %s: %s\n", c.T("minutes.md.attendees"), strings.Join(who, ", "))
	fmt.Fprintf(&b, "- %s: %s\n", c.T("minutes.md.id"), m.ID)
	if m.Summary != "" {
		fmt.Fprintf(&b, "\n## %s\n\n%s\n", c.T("minutes.card.summary"), m.Summary)
	}
	for _, kind := range chorus.LineKinds {
		fmt.Fprintf(&b, "\n## %s\n\n", c.T("minutes.card."+string(kind)))
		n := 0
		for _, l := range lines {
			if l.Deleted || l.Kind != kind {
				continue
			}
			n++
			text := strings.ReplaceAll(l.Text, "\n", " ")
			switch {
			case kind == chorus.LineAction:
				owner, due := c.T("minutes.missing.owner"), c.T("minutes.missing.due")
				if l.Owner != "" {
					owner = plainUser(l.Owner)
				}
				if !l.Due.IsZero() {
					due = i18n.FormatWhen(l.Due.In(loc), c.Lang)
				}
				fmt.Fprintf(&b, "- [ ] %s — %s — %s", text, owner, due)
				if l.TaskID != "" {
					fmt.Fprintf(&b, " — %s", c.T("minutes.card.task", l.TaskID))
				}
			case l.ChangesMessage:
				fmt.Fprintf(&b, "- %s", c.T("minutes.card.message_change", text))
				if l.AppliedVersion > 0 {
					fmt.Fprintf(&b, " %s", c.T("minutes.card.applied", l.AppliedVersion))
				}
			default:
				fmt.Fprintf(&b, "- %s", text)
			}
			fmt.Fprintf(&b, " (%s", plainUser(l.Author))
			if l.Permalink != "" {
				fmt.Fprintf(&b, ", [%s](%s)", c.T("minutes.card.link"), l.Permalink)
			}
			b.WriteString(")\n")
		}
		if n == 0 {
			fmt.Fprintf(&b, "_%s_\n", c.T("minutes.card.none"))
		}
	}
	return strings.ReplaceAll(b.String(), "`", "'")
}

// minutesAction answers the minutes' buttons and the "save_minutes" shortcut.
func (c *call) minutesAction(ctx context.Context, a reply.Action) (reply.Reply, error) {
	switch a.ActionID {
	case reply.ActMinutesShow:
		return c.minutesShow(ctx, a.Value)
	case reply.ActMinutesExport:
		return c.minutesExport(ctx, a.Value)
	case reply.ActMinutesComplete:
		return c.completeModal(ctx, a.Value)
	case reply.ActMinutesApply:
		return c.applyDecision(ctx, a.Value)
	case reply.ActSaveMinutes:
		channel, ts := c.Req.Channel, a.Value
		if a.Message != nil {
			if a.Message.Channel != "" {
				channel = a.Message.Channel
			}
			if a.Message.ThreadTS != "" {
				ts = a.Message.ThreadTS
			} else if a.Message.TS != "" {
				ts = a.Message.TS
			}
		}
		if channel == "" || ts == "" {
			return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "minutes.thread.ref", ts)
		}
		return c.threadPreview(ctx, channel, ts)
	}
	return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "action.unknown", a.ActionID)
}

// loadLine returns the line a button names by its key, with its meeting.
func (c *call) loadLine(ctx context.Context, key string) (chorus.Meeting, chorus.Line, error) {
	id, ts, ok := chorus.SplitLineKey(key)
	if !ok {
		return chorus.Meeting{}, chorus.Line{}, chorus.Errorf(chorus.ErrNotFound, "minutes.line.unknown")
	}
	m, err := c.loadMeeting(ctx, id)
	if err != nil {
		return m, chorus.Line{}, err
	}
	l, err := c.store.Line(ctx, m.WorkspaceID, m.ID, ts)
	if errors.Is(err, chorus.ErrNotFound) || (err == nil && l.Deleted) {
		return m, l, chorus.Errorf(chorus.ErrNotFound, "minutes.line.unknown")
	}
	return m, l, err
}

// completeModal is the form that sets an action item's owner and due date.
func (c *call) completeModal(ctx context.Context, key string) (reply.Reply, error) {
	m, l, err := c.loadLine(ctx, key)
	if err != nil {
		return reply.Reply{}, err
	}
	if l.Kind != chorus.LineAction {
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "minutes.line.not_action")
	}
	due := ""
	if !l.Due.IsZero() {
		due = l.Due.In(c.meetingLocation(ctx, m)).Format("02/01/2006 15h04")
	}
	return reply.Reply{Modal: &reply.Modal{
		CallbackID: reply.ModalMinutesComplete, Title: c.T("minutes.modal.complete"), Submit: c.T("button.save"), Close: c.T("button.cancel"),
		PrivateMetadata: l.Key(), Intro: c.T("minutes.modal.complete.intro", feature.Ellipsis(l.Text, 200), m.Title),
		Inputs: []reply.Input{
			{ID: "owner", Label: c.T("field.owner"), Kind: reply.UserInput, Initial: l.Owner},
			{ID: "due", Label: c.T("field.due"), Kind: reply.TextInput, Initial: due, Placeholder: c.T("modal.due.placeholder")},
		},
	}}, nil
}

func (c *call) submitComplete(ctx context.Context, sub reply.Submission) (reply.Reply, error) {
	m, l, err := c.loadLine(ctx, sub.PrivateMetadata)
	if err != nil {
		return reply.Reply{}, err
	}
	var ps chorus.Problems
	owner, ok := feature.UserArg(strings.TrimSpace(sub.Values["owner"]))
	if !ok || owner == "" {
		ps = append(ps, chorus.Invalid("owner", "task.owner.empty"))
	}
	loc := c.meetingLocation(ctx, m)
	var due time.Time
	if s := strings.TrimSpace(sub.Values["due"]); s == "" {
		ps = append(ps, chorus.Invalid("due", "task.due.empty"))
	} else if due, err = chorus.ParseWhen(s, loc, c.Now()); err != nil {
		ps = append(ps, chorus.ProblemsOf(feature.WithField(err, "due"))...)
	}
	if len(ps) > 0 {
		return reply.Reply{}, ps
	}
	saved, err := c.editLine(ctx, m.WorkspaceID, m.ID, l.TS, func(cur *chorus.Line) error {
		if cur.Deleted || cur.Kind != chorus.LineAction {
			return chorus.Errorf(chorus.ErrNotFound, "minutes.line.unknown")
		}
		cur.Owner, cur.Due = owner, due
		return nil
	})
	if err != nil {
		return reply.Reply{}, err
	}
	text := c.T("minutes.completed", feature.Ellipsis(saved.Text, 150), feature.Mention(owner), i18n.FormatWhen(due.In(loc), c.Lang))
	// After the meeting, a completed action item of a campaign's meeting becomes its task now.
	if m.Status == chorus.MeetingClosed && m.Campaign != "" && saved.TaskID == "" {
		camp, err := c.LoadCampaign(ctx, m.Campaign)
		if err != nil {
			return reply.Reply{}, err
		}
		if saved, err = c.taskFromLine(ctx, camp, saved); err != nil {
			return reply.Reply{}, err
		}
		text += " " + c.T("minutes.card.task", saved.TaskID)
	}
	return reply.Reply{Text: text, Blocks: []reply.Block{{Kind: reply.Section, Text: "✅ " + text}}, Visibility: reply.InChannel}, nil
}

// applyDecision makes a decision "message: …" the new global message of the meeting's campaign.
// Only the campaign's leads may; the campaign gets a new version, as with /campaign message.
func (c *call) applyDecision(ctx context.Context, key string) (reply.Reply, error) {
	m, l, err := c.loadLine(ctx, key)
	if err != nil {
		return reply.Reply{}, err
	}
	if !l.ChangesMessage || m.Campaign == "" {
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "minutes.apply.not_message")
	}
	if l.AppliedVersion > 0 {
		return feature.Notice(c.T("minutes.apply.already", l.AppliedVersion)), nil
	}
	_, saved, err := c.EditCampaign(ctx, m.Campaign, "campaign.message", c.LeadOnly, func(camp *chorus.Campaign) error {
		camp.Message = l.Text
		return nil
	})
	if err != nil {
		return reply.Reply{}, err
	}
	if _, err := c.editLine(ctx, m.WorkspaceID, m.ID, l.TS, func(cur *chorus.Line) error {
		cur.AppliedVersion = saved.Version
		return nil
	}); err != nil {
		return reply.Reply{}, err
	}
	// As after /campaign message: show the facts read from the new message, and put copy
	// approved against the old one out of date, telling its authors.
	facts, posts, err := c.messageChanged(ctx, saved)
	if err != nil {
		return reply.Reply{}, err
	}
	text := c.T("minutes.applied", saved.Name, saved.Version, m.Title)
	blocks := append([]reply.Block{{Kind: reply.Section, Text: "✅ " + text}}, facts...)
	return reply.Reply{Text: text, Blocks: blocks, Visibility: reply.InChannel, Posts: posts}, nil
}

// permalinkRE reads a Slack message link: .../archives/C123/p1700000000123456[?thread_ts=…].
var permalinkRE = regexp.MustCompile(`/archives/([CG][A-Z0-9]+)/p(\d{10})(\d{6})`)

var tsRE = regexp.MustCompile(`^\d{10}\.\d{6}$`)

// parseMessageRef reads a message given as a Slack link or as a timestamp in channel.
func parseMessageRef(s, channel string) (string, string, bool) {
	s = strings.Trim(s, "<>")
	if m := permalinkRE.FindStringSubmatch(s); m != nil {
		ts := m[2] + "." + m[3]
		if u, err := url.Parse(s); err == nil {
			if th := u.Query().Get("thread_ts"); tsRE.MatchString(th) {
				ts = th
			}
		}
		return m[1], ts, true
	}
	if tsRE.MatchString(s) && channel != "" {
		return channel, s, true
	}
	return "", "", false
}

// threadLine is one item of a thread's minutes, as previewed and then saved.
type threadLine struct {
	kind chorus.LineKind
	text string
	src  *reply.SourceMessage
}

// classify gives a thread message its kind: its prefix, else its reaction, else a note.
func classify(m reply.SourceMessage) (chorus.LineKind, string) {
	if k, body, ok := chorus.ParsePrefix(m.Text); ok {
		return k, body
	}
	for _, r := range m.Reactions {
		if k, ok := chorus.ReactionKind(r); ok {
			return k, strings.TrimSpace(m.Text)
		}
	}
	return chorus.LineNote, strings.TrimSpace(m.Text)
}

// threadPreview reads a thread and opens the form that saves it as minutes, each message a line
// the user can reclassify, edit, add or remove.
func (c *call) threadPreview(ctx context.Context, channel, ts string) (reply.Reply, error) {
	msgs, err := c.sourceThread(ctx, channel, ts)
	if err != nil {
		return reply.Reply{}, err
	}
	root := msgs[0].TS
	if msgs[0].ThreadTS != "" {
		root = msgs[0].ThreadTS
	}
	var b strings.Builder
	n, cut := 0, 0
	for _, m := range msgs {
		if m.User == "" {
			continue // the bot's own posts and system messages
		}
		kind, text := classify(m)
		if text == "" {
			continue
		}
		item := c.T("minutes.kind."+string(kind)) + ": " + strings.Join(strings.Fields(text), " ") + "\n"
		if b.Len()+len(item) > maxThreadPreview {
			cut++
			continue
		}
		b.WriteString(item)
		n++
	}
	title := c.T("minutes.thread.default_title", i18n.FormatDate(chorus.DateOf(c.Now().In(c.WS.Location())), c.Lang))
	if len(msgs) > 0 && msgs[0].User != "" {
		if k, _, _ := chorus.ParsePrefix(msgs[0].Text); k == "" {
			first, _, _ := strings.Cut(strings.TrimSpace(msgs[0].Text), "\n")
			if first != "" {
				title = feature.Ellipsis(first, 80)
			}
		}
	}
	intro := c.T("minutes.thread.intro", n)
	if cut > 0 {
		intro += " " + c.T("minutes.thread.cut", cut)
	}
	return reply.Reply{Modal: &reply.Modal{
		CallbackID: reply.ModalMinutesThread, Title: c.T("minutes.modal.thread"), Submit: c.T("button.save"), Close: c.T("button.cancel"),
		PrivateMetadata: channel + " " + root, Intro: intro,
		Inputs: []reply.Input{
			{ID: "title", Label: c.T("field.title"), Kind: reply.TextInput, Initial: title, MaxLength: chorus.MaxMeetingTitle},
			{ID: "campaign", Label: c.T("field.campaign"), Kind: reply.TextInput, Optional: true, Placeholder: "ete-literie", MaxLength: chorus.MaxSlugLen},
			{ID: "lines", Label: c.T("minutes.modal.lines"), Kind: reply.MultilineInput, Initial: strings.TrimRight(b.String(), "\n"),
				Placeholder: c.T("minutes.modal.lines.placeholder"), MaxLength: 3000},
		},
	}}, nil
}

// submitThread saves the previewed thread as closed minutes. Lines left as read keep their
// message's author and link; edited and added lines are the submitter's.
func (c *call) submitThread(ctx context.Context, sub reply.Submission) (reply.Reply, error) {
	channel, root, _ := strings.Cut(sub.PrivateMetadata, " ")
	if !chorus.ValidChannelID(channel) || root == "" {
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "minutes.thread.ref", sub.PrivateMetadata)
	}
	m := chorus.Meeting{WorkspaceID: c.Req.Workspace, Channel: channel, ThreadTS: root, Status: chorus.MeetingClosed,
		Lang: c.Lang, StartedBy: c.Req.User, UpdatedBy: c.Req.User, Title: strings.TrimSpace(sub.Values["title"])}
	var ps chorus.Problems
	var camp chorus.Campaign
	if slug := strings.TrimSpace(sub.Values["campaign"]); slug != "" {
		var err error
		camp, err = c.LoadCampaign(ctx, slug)
		if err == nil {
			err = c.mayLinkCampaign(camp)
		}
		if err != nil {
			found := chorus.ProblemsOf(err)
			if len(found) == 0 {
				return reply.Reply{}, err
			}
			for _, p := range found {
				ps = append(ps, chorus.Invalid("campaign", p.Code, p.Args...)) // shown under the field
			}
		}
		m.Campaign = camp.Slug
	}
	msgs, err := c.sourceThread(ctx, channel, root)
	if err != nil && !errors.Is(err, chorus.ErrNotFound) {
		c.Log.Warn("minutes: thread not read again, lines are the submitter's", "channel", channel, "ts", root, "err", err)
	}
	bySource := map[string]*reply.SourceMessage{}
	for i := range msgs {
		if msgs[i].User == "" {
			continue
		}
		kind, text := classify(msgs[i])
		k := string(kind) + "\x00" + chorus.Fold(strings.Join(strings.Fields(text), " "))
		if _, dup := bySource[k]; !dup {
			bySource[k] = &msgs[i]
		}
	}
	var items []threadLine
	for i, raw := range strings.Split(sub.Values["lines"], "\n") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		kind, text, ok := chorus.ParsePrefix(raw)
		if !ok {
			if kind != "" {
				ps = append(ps, chorus.Invalid("lines", "minutes.thread.line_empty", i+1))
				continue
			}
			kind, text = chorus.LineNote, raw
		}
		it := threadLine{kind: kind, text: text, src: bySource[string(kind)+"\x00"+chorus.Fold(text)]}
		items = append(items, it)
	}
	if len(items) == 0 {
		ps = append(ps, chorus.Invalid("lines", "minutes.thread.no_lines"))
	}
	if err := m.Validate(); err != nil {
		ps = append(ps, chorus.ProblemsOf(err)...)
	}
	// Check every line before storing anything: a bad date refuses the whole form.
	lines := make([]chorus.Line, 0, len(items))
	for i, it := range items {
		l := chorus.Line{WorkspaceID: m.WorkspaceID, Channel: channel, Kind: it.kind, Author: c.Req.User, UpdatedBy: c.Req.User}
		if it.src != nil {
			l.TS, l.Author = it.src.TS, it.src.User
		} else {
			l.TS = c.typedTS()
		}
		if err := c.fillLine(ctx, m, &l, it.text, nil); err != nil {
			for _, p := range chorus.ProblemsOf(err) {
				ps = append(ps, chorus.Invalid("lines", "minutes.thread.line_problem", i+1, c.T(p.Code, p.Args...)))
			}
			continue
		}
		if err := l.Validate(); err != nil {
			for _, p := range chorus.ProblemsOf(err) {
				ps = append(ps, chorus.Invalid("lines", "minutes.thread.line_problem", i+1, c.T(p.Code, p.Args...)))
			}
			continue
		}
		if it.src != nil {
			l.Permalink = it.src.Permalink
		}
		lines = append(lines, l)
	}
	if len(ps) > 0 {
		return reply.Reply{}, ps
	}
	saved, err := c.store.StartMeeting(ctx, m)
	if err != nil {
		return reply.Reply{}, fmt.Errorf("save thread minutes: %w", err)
	}
	if err := c.Audit(ctx, "minutes.thread", "meeting:"+saved.ID, 0, saved.Version, saved.Title); err != nil {
		return reply.Reply{}, err
	}
	seen := map[string]bool{}
	for _, l := range lines {
		if seen[l.TS] {
			l.TS = c.typedTS() // the same message listed twice: keep both lines
		}
		seen[l.TS] = true
		l.MeetingID = saved.ID
		if l.Permalink == "" {
			l.Permalink = c.permalink(ctx, channel, l.TS)
		}
		if _, err := c.store.AddLine(ctx, l); err != nil {
			return reply.Reply{}, fmt.Errorf("add line to meeting %s: %w", saved.ID, err)
		}
	}
	return c.publishMinutes(ctx, saved, root)
}

// onMessage captures prefixed messages into the channel's open meeting and follows the edits
// and deletions of captured ones. Messages without a prefix cost no store access.
func (s *Service) onMessage(ctx context.Context, ev reply.MessageEvent) []reply.Post {
	s.minutesMem.remember(ev)
	if k, _, _ := chorus.ParsePrefix(ev.Text); k == "" && !ev.Edited && !ev.Deleted {
		return nil
	}
	c, err := s.eventCall(ctx, ev.Workspace, ev.User, ev.Channel)
	if err != nil {
		s.log.Warn("minutes: message not handled", "channel", ev.Channel, "err", err)
		return nil
	}
	m, err := c.store.OpenMeeting(ctx, ev.Workspace, ev.Channel)
	if err != nil {
		if !errors.Is(err, chorus.ErrNotFound) {
			s.log.Warn("minutes: open meeting not read", "channel", ev.Channel, "err", err)
		}
		return nil
	}
	thread := ev.ThreadTS
	if thread == "" {
		thread = ev.TS
	}
	answer := func(text string, blocks ...reply.Block) []reply.Post {
		if len(blocks) == 0 {
			blocks = []reply.Block{{Kind: reply.Section, Text: text}}
		}
		return []reply.Post{{Channel: ev.Channel, Thread: thread, Text: text, Blocks: blocks}}
	}
	failed := func(err error) []reply.Post {
		r := c.Fail(err)
		return answer(r.Text, r.Blocks...)
	}
	kind, body, prefixed := chorus.ParsePrefix(ev.Text)
	switch {
	case ev.Deleted:
		_, err := c.editLine(ctx, m.WorkspaceID, m.ID, ev.TS, func(cur *chorus.Line) error {
			if cur.Deleted {
				return errUnchanged
			}
			cur.Deleted = true
			return nil
		})
		if err != nil && !errors.Is(err, chorus.ErrNotFound) && !errors.Is(err, errUnchanged) {
			s.log.Warn("minutes: deletion not applied", "meeting", m.ID, "ts", ev.TS, "err", err)
		}
		return nil
	case ev.Edited:
		l, err := c.editLine(ctx, m.WorkspaceID, m.ID, ev.TS, func(cur *chorus.Line) error {
			prev := *cur
			text := ev.Text
			if prefixed {
				cur.Kind, text = kind, body
			}
			if err := c.fillLine(ctx, m, cur, text, &prev); err != nil {
				return err
			}
			if cur.Text == prev.Text && cur.Kind == prev.Kind && cur.Owner == prev.Owner && cur.Due.Equal(prev.Due) && cur.ChangesMessage == prev.ChangesMessage {
				return errUnchanged
			}
			return nil
		})
		switch {
		case err == nil:
			if q := c.missingQuestion(l); q != nil && l.Kind == chorus.LineAction {
				return answer(q.Text, *q)
			}
			return nil
		case errors.Is(err, errUnchanged):
			return nil
		case errors.Is(err, chorus.ErrNotFound) && prefixed:
			// A message edited to add a prefix becomes a line now.
		case errors.Is(err, chorus.ErrNotFound):
			return nil
		default:
			return failed(err)
		}
	}
	if !prefixed {
		return failed(chorus.Errorf(chorus.ErrInvalid, "minutes."+string(kind)+".no_text"))
	}
	l, changed, err := c.captureLine(ctx, m, kind, body, ev.User, ev.TS)
	if err != nil {
		return failed(err)
	}
	if q := c.missingQuestion(l); q != nil && changed {
		return answer(q.Text, *q)
	}
	return nil
}

// onReaction captures the message reacted to with :memo:, :white_check_mark: or :point_right:
// into the channel's open meeting.
func (s *Service) onReaction(ctx context.Context, ev reply.ReactionEvent) []reply.Post {
	s.minutesMem.react(ev.Workspace, ev.Channel, ev.TS, ev.Reaction)
	kind, ok := chorus.ReactionKind(ev.Reaction)
	if !ok {
		return nil
	}
	c, err := s.eventCall(ctx, ev.Workspace, ev.User, ev.Channel)
	if err != nil {
		s.log.Warn("minutes: reaction not handled", "channel", ev.Channel, "err", err)
		return nil
	}
	m, err := c.store.OpenMeeting(ctx, ev.Workspace, ev.Channel)
	if err != nil {
		if !errors.Is(err, chorus.ErrNotFound) {
			s.log.Warn("minutes: open meeting not read", "channel", ev.Channel, "err", err)
		}
		return nil
	}
	msg, err := c.sourceMessage(ctx, ev.Channel, ev.TS)
	if err != nil {
		s.log.Warn("minutes: reacted message not read", "channel", ev.Channel, "ts", ev.TS, "err", err)
		return nil
	}
	thread := msg.ThreadTS
	if thread == "" {
		thread = ev.TS
	}
	author := msg.User
	if author == "" {
		author = ev.ItemUser
	}
	text := msg.Text
	if _, body, ok := chorus.ParsePrefix(text); ok {
		text = body
	}
	l, changed, err := c.captureLine(ctx, m, kind, text, author, ev.TS)
	if err != nil {
		r := c.Fail(err)
		return []reply.Post{{Channel: ev.Channel, Thread: thread, Text: r.Text, Blocks: r.Blocks}}
	}
	if q := c.missingQuestion(l); q != nil && changed {
		return []reply.Post{{Channel: ev.Channel, Thread: thread, Text: q.Text, Blocks: []reply.Block{*q}}}
	}
	return nil
}

// eventCall is the call that answers a conversation event: in the language of the person whose
// message or reaction it is, or the workspace's when the event names nobody (a deletion).
func (s *Service) eventCall(ctx context.Context, ws, user, channel string) (*call, error) {
	req := reply.Request{Workspace: ws, User: user, Channel: channel}
	if user != "" {
		return s.begin(ctx, req)
	}
	w, err := s.workspace(ctx, ws)
	if err != nil {
		return nil, err
	}
	return s.turn(req, w, w.Lang, true), nil
}
