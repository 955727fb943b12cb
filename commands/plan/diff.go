package plan

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
)

// batch is what an import creates and changes, checked whole against the plan as it stands:
// the campaigns to create, the campaign versions and task versions to save (each based on the
// version it was read from), and what the preview says of each.
type batch struct {
	newCamps  []chorus.Campaign
	campEdits []chorus.Campaign // next versions, Version still the base's
	newTasks  []chorus.Task
	taskEdits []chorus.Task // next versions, Version still the base's
	newTps    []chorus.Touchpoint
	tpEdits   []chorus.Touchpoint    // next versions, Version still the base's
	key       string                 // names the file's content, whoever imports it (derivedTaskID)
	moves     []chorus.Campaign      // campaigns whose start moves: their relative deadlines follow
	bases     map[string]chorus.Task // the version each task edit is based on, by id
	touched   []chorus.Campaign      // every campaign the batch changes, as it leaves them
	changes   []change
}

// change is one line of the preview.
type change struct {
	line int
	text string
}

// empty reports whether the import would change nothing.
func (b batch) empty() bool {
	return b.creates()+b.edits() == 0
}

// creates counts what the batch creates: campaigns, tasks, touchpoints.
func (b batch) creates() int { return len(b.newCamps) + len(b.newTasks) + len(b.newTps) }

// edits counts the versions the batch saves over existing campaigns, tasks and touchpoints.
func (b batch) edits() int {
	return len(b.campEdits) + len(b.taskEdits) + len(b.tpEdits)
}

// fingerprint names what the batch writes and the versions it writes over: a confirmation
// applies the batch its preview showed, or, when the plan moved meanwhile, nothing.
func (b batch) fingerprint() string {
	data, _ := json.Marshal([]any{b.newCamps, b.campEdits, b.newTasks, b.taskEdits, b.newTps, b.tpEdits})
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:5])
}

// taskIDAlphabet is the store's task id alphabet, so a derived id reads like any other.
var taskIDs = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// derivedTaskID is the id of the task (or touchpoint) a row without one creates: the same
// content's same row always creates the same one, so applying it twice, or two people
// importing the same file, creates it once.
func derivedTaskID(key string, line int) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s/%d", key, line)))
	return taskIDs.EncodeToString(sum[:])[:6]
}

// contentKey names a file's cells in a workspace, whoever imports it and whatever its name.
func contentKey(imp chorus.PlanImport) string {
	data, _ := json.Marshal(imp.Rows)
	sum := sha256.Sum256(append([]byte(imp.WorkspaceID+"\x00"), data...))
	return hex.EncodeToString(sum[:8])
}

// unnamed finds, for a row without a number, the campaign's task or touchpoint it describes
// (a task by its title, a touchpoint by its channel and first day) among those no other row
// names by number: re-importing a sheet whose new rows were applied already (they still have
// no number) changes what they created instead of creating it again.
type unnamed[T any] map[string][]T

// newUnnamed indexes items by key, leaving out those the rows of kind name by number.
func newUnnamed[T any](items []T, id, key func(T) string, rows []sheetRow, kind string) unnamed[T] {
	named := map[string]bool{}
	for _, r := range rows {
		if r.kind == kind && r.cells[colID] != "" {
			named[strings.ToLower(strings.TrimPrefix(r.cells[colID], "#"))] = true
		}
	}
	out := unnamed[T]{}
	for _, it := range items {
		if !named[id(it)] {
			out[key(it)] = append(out[key(it)], it)
		}
	}
	return out
}

// take returns the first item of key not taken yet, and takes it.
func (u unnamed[T]) take(key string) (T, bool) {
	var zero T
	if len(u[key]) == 0 {
		return zero, false
	}
	it := u[key][0]
	u[key] = u[key][1:]
	return it, true
}

// plan reads imp's rows and checks them whole against the workspace's plan: every problem of
// every row, or the batch that makes the plan say what the file says.
func (c *call) plan(ctx context.Context, imp chorus.PlanImport) (batch, problems, error) {
	rows, ps, ok := c.readRows(imp.Rows)
	if !ok {
		return batch{}, ps, nil
	}
	all, err := c.store.Campaigns(ctx, c.Req.Workspace)
	if err != nil {
		return batch{}, nil, fmt.Errorf("campaigns: %w", err)
	}
	camps := map[string]chorus.Campaign{}
	for _, camp := range all {
		camps[camp.Slug] = camp
	}
	var order []string
	bySlug := map[string][]sheetRow{}
	for _, r := range rows {
		slug := r.cells[colCampaign]
		if _, ok := bySlug[slug]; !ok {
			order = append(order, slug)
		}
		bySlug[slug] = append(bySlug[slug], r)
	}
	st, err := c.load(ctx, "", false)
	if err != nil {
		return batch{}, nil, err
	}
	b := batch{bases: map[string]chorus.Task{}, key: contentKey(imp)}
	seenTasks := map[string]int{}
	for _, slug := range order {
		if err := c.planCampaign(camps, st, slug, bySlug[slug], seenTasks, &b, &ps); err != nil {
			return batch{}, nil, err
		}
	}
	slices.SortStableFunc(ps, func(a, b rowProblem) int { return a.line - b.line })
	return b, ps, nil
}

// planCampaign adds to b what the rows of one campaign change, and to ps what is wrong with
// them.
func (c *call) planCampaign(camps map[string]chorus.Campaign, st state, slug string, rows []sheetRow,
	seenTasks map[string]int, b *batch, ps *problems) error {
	cur, exists := camps[slug]
	first := rows[0].line
	nps := len(*ps)
	next := cur
	if !exists {
		next = chorus.Campaign{WorkspaceID: c.Req.Workspace, Slug: slug, TimeZone: c.WS.TimeZone, Lang: c.WS.Lang,
			Status: chorus.StatusDraft, Leads: []string{c.Req.User}, CreatedBy: c.Req.User, UpdatedBy: c.Req.User}
	}
	next.Channels = slices.Clone(cur.Channels)
	campLine, channelSeen := 0, map[string]int{}
	var notes []string // the preview's words for what changes in the campaign itself
	var channelChanges []change
	for _, r := range rows {
		switch r.kind {
		case rowCampaign:
			if campLine != 0 {
				ps.add(r.line, "plan.campaign.twice", slug, campLine)
				continue
			}
			campLine = r.line
			if name := r.cells[colName]; r.has[colName] && (name != "" || !exists) {
				next.Name = name
			}
			for _, d := range []struct {
				col int
				dst *chorus.Date
			}{{colStart, &next.Start}, {colEnd, &next.End}} {
				if !r.has[d.col] {
					continue
				}
				day, err := readDay(r.cells[d.col])
				if err != nil {
					if err := ps.addErr(r.line, err); err != nil {
						return err
					}
					continue
				}
				*d.dst = day
			}
		case rowChannel:
			kind := chorus.Fold(r.cells[colChannel])
			if kind == "" {
				ps.add(r.line, "plan.channel.empty")
				continue
			}
			if l, ok := channelSeen[kind]; ok {
				ps.add(r.line, "plan.channel.twice", kind, l)
				continue
			}
			channelSeen[kind] = r.line
			ch := chorus.Channel{Kind: kind, Owner: c.Req.User}
			i := slices.IndexFunc(next.Channels, func(x chorus.Channel) bool { return x.Kind == kind })
			if i >= 0 {
				ch = next.Channels[i]
			}
			was := ch
			if v := r.cells[colOwner]; v != "" {
				u, ok := readOwner(v)
				if !ok {
					ps.add(r.line, "user.invalid", v)
					continue
				}
				ch.Owner = u
			}
			if r.has[colSlack] {
				ch.SlackChannel = ""
			}
			if v := r.cells[colSlack]; v != "" {
				id, ok := feature.ChannelArg(v)
				if !ok && !chorus.ValidChannelID(v) {
					ps.add(r.line, "channel.id.invalid", v)
					continue
				}
				ch.SlackChannel = id
			}
			switch {
			case i < 0:
				next.Channels = append(next.Channels, ch)
				channelChanges = append(channelChanges, change{r.line, c.T("plan.change.channel.create", kind, feature.Mention(ch.Owner))})
			case ch != was:
				next.Channels[i] = ch
				channelChanges = append(channelChanges, change{r.line, c.T("plan.change.channel.update", kind, c.diffs(
					diff("owner", feature.Mention(was.Owner), feature.Mention(ch.Owner)),
					diff("slack_channel", ref(was.SlackChannel), ref(ch.SlackChannel))))})
			}
		}
	}
	if !exists && campLine == 0 {
		ps.add(first, "plan.campaign.unknown", slug)
		return nil
	}
	line := max(campLine, first)
	if campLine == 0 {
		line = first
	}
	if exists && cur.Archived {
		ps.add(line, "campaign.archived", cur.Name, cur.Slug)
		return nil
	}
	if err := next.Validate(c.WS.CustomKinds); err != nil {
		if err := ps.addErr(line, err); err != nil {
			return err
		}
	}
	if exists {
		notes = append(notes, diff("name", cur.Name, next.Name), diff("start", cur.Start.String(), next.Start.String()), diff("end", cur.End.String(), next.End.String()))
	}
	campChanged := !exists || cur.Name != next.Name || cur.Start != next.Start || cur.End != next.End || !slices.Equal(cur.Channels, next.Channels)

	// the tasks, dated from the campaign as the file leaves it
	curTasks := st.tasks[slug]
	byID := map[string]chorus.Task{}
	for _, t := range curTasks {
		byID[t.ID] = t
	}
	byTitle := newUnnamed(curTasks, func(t chorus.Task) string { return t.ID }, func(t chorus.Task) string { return chorus.Fold(t.Title) }, rows, rowTask)
	var newTasks, taskEdits []chorus.Task
	var taskChanges []change
	inFile := map[string]bool{}
	for _, r := range rows {
		if r.kind != rowTask {
			continue
		}
		t, was, ok, err := c.planTask(b.key, next, byID, byTitle, r, seenTasks, ps)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		inFile[t.ID] = true
		switch {
		case was == nil:
			newTasks = append(newTasks, t)
			taskChanges = append(taskChanges, change{r.line, c.T("plan.change.task.create", t.Title, feature.Mention(t.Owner), c.When(t.Due))})
		case taskDiffers(*was, t):
			taskEdits = append(taskEdits, t)
			b.bases[t.ID] = *was
			taskChanges = append(taskChanges, change{r.line, c.T("plan.change.task.update", t.Title, t.ID, c.taskDiff(*was, t, next))})
		}
	}
	newTps, tpEdits, tpChanges, err := c.planTouchpoints(b.key, next, st.tps[slug], rows, ps)
	if err != nil {
		return err
	}
	if len(*ps) > nps {
		return nil
	}
	if campChanged || len(newTasks)+len(taskEdits)+len(newTps)+len(tpEdits) > 0 {
		// the same rules as the commands: a new campaign is the workspace leads', a campaign's
		// plan its leads'
		if !exists && !c.IsWorkspaceLead() {
			ps.add(line, "plan.forbidden.create", slug)
			return nil
		}
		if exists && !cur.IsLead(c.Req.User) {
			ps.add(line, "plan.forbidden.lead", cur.Name, c.Mentions(cur.Leads))
			return nil
		}
	}
	if campChanged || len(newTasks)+len(taskEdits)+len(newTps)+len(tpEdits) > 0 {
		b.touched = append(b.touched, next)
	}
	switch {
	case !exists:
		b.newCamps = append(b.newCamps, next)
		b.changes = append(b.changes, change{line, c.T("plan.change.campaign.create", next.Name, slug)})
	case campChanged:
		b.campEdits = append(b.campEdits, next)
		if d := c.diffs(notes...); d != "" {
			b.changes = append(b.changes, change{line, c.T("plan.change.campaign.update", next.Name, d)})
		}
	}
	for i := range channelChanges {
		channelChanges[i].text = c.T("plan.change.in", next.Name, channelChanges[i].text)
	}
	b.changes = append(b.changes, channelChanges...)
	b.changes = append(b.changes, taskChanges...)
	b.changes = append(b.changes, tpChanges...)
	b.newTps = append(b.newTps, newTps...)
	b.tpEdits = append(b.tpEdits, tpEdits...)
	b.newTasks = append(b.newTasks, newTasks...)
	b.taskEdits = append(b.taskEdits, taskEdits...)
	if exists && next.Start != cur.Start && !next.Start.IsZero() {
		// relative deadlines the file does not name follow the start too, as they do when a lead
		// moves it in the form
		n := 0
		for _, t := range curTasks {
			if !inFile[t.ID] && t.Status == chorus.TaskOpen && t.Rebase(next.Start, next.Location()) {
				n++
			}
		}
		if n > 0 {
			b.changes = append(b.changes, change{line, c.T("plan.change.moved", next.Name, n)})
		}
		b.moves = append(b.moves, next)
	}
	return nil
}

// planTask reads one task row of campaign camp as the file leaves it: the task to save and the
// version it changes (nil for a new task); ok is false when the row has problems, added to ps.
func (c *call) planTask(key string, camp chorus.Campaign, byID map[string]chorus.Task, byTitle unnamed[chorus.Task], r sheetRow,
	seen map[string]int, ps *problems) (chorus.Task, *chorus.Task, bool, error) {
	n := len(*ps)
	id := strings.ToLower(strings.TrimPrefix(r.cells[colID], "#"))
	derived := id == ""
	if derived {
		id = derivedTaskID(key, r.line)
		if t, ok := byTitle.take(chorus.Fold(r.cells[colName])); ok && r.cells[colName] != "" {
			id = t.ID
		}
	}
	if l, ok := seen[id]; ok && !derived {
		ps.add(r.line, "plan.task.twice", id, l)
		return chorus.Task{}, nil, false, nil
	}
	seen[id] = r.line
	base, exists := byID[id]
	if !exists && !derived {
		ps.add(r.line, "plan.task.unknown", id, camp.Slug)
		return chorus.Task{}, nil, false, nil
	}
	t := base
	if !exists {
		t = chorus.Task{WorkspaceID: c.Req.Workspace, ID: id, Campaign: camp.Slug, Status: chorus.TaskOpen, CreatedBy: c.Req.User}
	}
	t.UpdatedBy = c.Req.User
	// a column the file does not have leaves what it would say as it is
	if r.has[colName] {
		t.Title = r.cells[colName]
	}
	if r.has[colChannel] {
		t.ChannelKind = chorus.Fold(r.cells[colChannel])
	}
	if _, ok := camp.Channel(t.ChannelKind); t.ChannelKind != "" && !ok {
		ps.add(r.line, "plan.task.kind", t.ChannelKind, camp.Slug)
	}
	if r.has[colOwner] {
		t.Owner = ownerCell(r)
	}
	if v := r.cells[colStatus]; v != "" {
		st, ok := c.words("plan.task.", taskStatuses)[chorus.Fold(v)]
		if !ok {
			ps.add(r.line, "plan.task.status", v)
		}
		t.Status = chorus.TaskStatus(st)
	}
	loc := camp.Location()
	var due time.Time
	dueRead := len(*ps) // problems of the deadline's cells say it is missing already
	if v := r.cells[colDue]; v != "" {
		d, err := readDue(v, loc, c.Now())
		if err != nil {
			if err := ps.addErr(r.line, feature.WithField(err, "due")); err != nil {
				return t, nil, false, err
			}
		}
		due = d
	}
	switch {
	case r.has[colOffset]:
		t.Relative, t.Offset = false, 0
	case !r.has[colDue]:
		due = base.Due // neither column: the deadline stays
	case t.Relative && !due.IsZero() && !base.Due.Truncate(time.Minute).Equal(due):
		t.Relative, t.Offset = false, 0 // a date typed over a relative one: the planner chose it
	case t.Relative:
		due = base.Due
	}
	if v := r.cells[colOffset]; v != "" {
		off, err := chorus.ParseOffset(v)
		switch {
		case err != nil:
			if err := ps.addErr(r.line, err); err != nil {
				return t, nil, false, err
			}
		case camp.Start.IsZero():
			ps.add(r.line, "plan.task.no_start", v, camp.Slug)
		default:
			if due.IsZero() {
				due = base.Due
			}
			t.Relative, t.Offset = true, off
			due = chorus.RelativeDue(camp.Start, off, due, loc)
		}
	}
	if !due.IsZero() && exists && base.Due.Truncate(time.Minute).Equal(due) {
		due = base.Due // the file shows minutes
	}
	t.Due = due
	dueBad := len(*ps) > dueRead
	if err := t.Validate(); err != nil {
		for _, p := range chorus.ProblemsOf(err) {
			if !(dueBad && p.Code == "task.due.empty") {
				*ps = append(*ps, rowProblem{line: r.line, err: p})
			}
		}
		if len(chorus.ProblemsOf(err)) == 0 {
			return t, nil, false, err
		}
	}
	if len(*ps) > n {
		return t, nil, false, nil
	}
	if !exists {
		return t, nil, true, nil
	}
	return t, &base, true, nil
}

// taskDiffers reports whether the file changes the task.
func taskDiffers(a, b chorus.Task) bool {
	return a.Title != b.Title || a.Owner != b.Owner || a.ChannelKind != b.ChannelKind || !a.Due.Equal(b.Due) ||
		a.Status != b.Status || a.Relative != b.Relative || (a.Relative && a.Offset != b.Offset)
}

// taskDiff says what the file changes in a task.
func (c *call) taskDiff(a, b chorus.Task, camp chorus.Campaign) string {
	off := func(t chorus.Task) string {
		if !t.Relative {
			return ""
		}
		return c.Offset(t.Offset)
	}
	return c.diffs(diff("name", a.Title, b.Title), diff("owner", feature.Mention(a.Owner), feature.Mention(b.Owner)),
		diff("channel", a.ChannelKind, b.ChannelKind), diff("due", c.When(a.Due), c.When(b.Due)), diff("offset", off(a), off(b)),
		diff("status", c.T("plan.task."+string(a.Status)), c.T("plan.task."+string(b.Status))))
}

// diff is "column\x00was\x00now" when was and now differ, "" otherwise; diffs says them.
func diff(col, was, now string) string {
	if was == now {
		return ""
	}
	return col + "\x00" + was + "\x00" + now
}

// diffs says the changes of a row, column by column: « début : 2027-07-01 → 2027-07-08 ».
func (c *call) diffs(ds ...string) string {
	var out []string
	for _, d := range ds {
		if d == "" {
			continue
		}
		p := strings.SplitN(d, "\x00", 3)
		was, now := p[1], p[2]
		if was == "" {
			was = "—"
		}
		if now == "" {
			now = "—"
		}
		out = append(out, c.T("plan.change.field", c.T("plan.col."+p[0]), was, now))
	}
	return strings.Join(out, " ; ")
}

// ref names a Slack channel in a preview, or nothing.
func ref(id string) string {
	if id == "" {
		return ""
	}
	return feature.ChannelRef(id)
}
