package minutes

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/i18n"
	"github.com/chorus-hq/chorus/reply"
)

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
		s += ", " + reply.Link(l.Permalink, c.T("minutes.card.link"))
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

// meetingLines loads meeting id and its lines.
func (c *call) meetingLines(ctx context.Context, id string) (chorus.Meeting, []chorus.Line, error) {
	m, err := c.loadMeeting(ctx, id)
	if err != nil {
		return m, nil, err
	}
	lines, err := c.store.Lines(ctx, m.WorkspaceID, m.ID)
	if err != nil {
		return m, nil, fmt.Errorf("lines of meeting %s: %w", m.ID, err)
	}
	return m, lines, nil
}

func (c *call) minutesShow(ctx context.Context, id string) (reply.Reply, error) {
	m, lines, err := c.meetingLines(ctx, id)
	if err != nil {
		return reply.Reply{}, err
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
	ms, total, err := c.store.MeetingsPage(ctx, c.Req.Workspace, f, maxListMeetings)
	if err != nil {
		return reply.Reply{}, fmt.Errorf("list meetings: %w", err)
	}
	if len(ms) == 0 {
		return feature.Notice(title + "\n" + c.T("minutes.list.empty")), nil
	}
	return c.meetingList(title, ms, total, nil), nil
}

// meetingList shows the first maxListMeetings of ms with a Show button each, then how many more
// of the list's total it does not show; snippets adds lines under a meeting.
func (c *call) meetingList(title string, ms []chorus.Meeting, total int, snippets map[string][]string) reply.Reply {
	blocks := []reply.Block{{Kind: reply.Header, Text: title}}
	lines := []string{title}
	ms = ms[:min(len(ms), maxListMeetings)]
	for _, m := range ms {
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
	if total > len(ms) {
		more := c.T("minutes.list.more", total-len(ms))
		blocks = append(blocks, reply.Block{Kind: reply.Context, Text: more})
		lines = append(lines, more)
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
	return c.meetingList(title, ms, len(ms), snippets), nil
}

// minutesExport writes the minutes as Markdown: shared as a file where the transport can, else
// answered as text (the console prints it).
func (c *call) minutesExport(ctx context.Context, id string) (reply.Reply, error) {
	m, lines, err := c.meetingLines(ctx, id)
	if err != nil {
		return reply.Reply{}, err
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
				box := "[ ]"
				if l.TaskID != "" {
					// the task the action became says whether it is done
					if t, err := c.store.Task(ctx, m.WorkspaceID, l.TaskID); err == nil && t.Status == chorus.TaskDone {
						box = "[x]"
					} else if err != nil && !errors.Is(err, chorus.ErrNotFound) {
						c.Log.Warn("minutes export: task state unknown", "task", l.TaskID, "err", err)
					}
				}
				fmt.Fprintf(&b, "- %s %s — %s — %s", box, text, owner, due)
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
