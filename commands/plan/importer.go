package plan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// Limits of what a preview and a refusal list, inside one Slack message (50 blocks, 3,000
// characters a section); the counts say how many more there are.
const (
	maxPreviewLines = 30
	maxProblemLines = 30
	maxSectionRunes = 2800
)

// fit keeps the first lines that hold in one section, at most n of them, and says how many
// more there are with more.
func fit(lines []string, n int, more func(int) string) []string {
	size := 0
	for i, l := range lines {
		size += utf8.RuneCountInString(l) + 1
		if i == n || size > maxSectionRunes-100 {
			return append(lines[:i:i], more(len(lines)-i))
		}
	}
	return lines
}

// importRef answers /campaign import REF: the file at ref, read through Files.
func (c *call) importRef(ctx context.Context, ref string) (reply.Reply, error) {
	if c.files == nil {
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "plan.files.none")
	}
	if strings.Contains(ref, "://") {
		// a link typed in a command is no file shared with Chorus: reading it with the app's
		// rights would let anyone read any file the app can see
		return feature.Notice(c.T("plan.import.how")), nil
	}
	data, err := c.files.Fetch(ctx, ref)
	switch {
	case errors.Is(err, reply.ErrUnavailable):
		return feature.Notice(c.T("plan.import.how")), nil
	case errors.Is(err, fs.ErrNotExist):
		return reply.Reply{}, chorus.Errorf(chorus.ErrNotFound, "plan.file.missing", ref)
	case errors.Is(err, chorus.ErrInvalid):
		return reply.Reply{}, err
	case err != nil:
		return reply.Reply{}, fmt.Errorf("read %s: %w", ref, err)
	}
	return c.preview(ctx, path.Base(ref), data)
}

// preview reads a shared spreadsheet, checks it whole, keeps it for the confirmation and says
// what applying it would create and change; a file with bad rows is refused, each row with its
// number and reason, and kept nowhere.
func (c *call) preview(ctx context.Context, name string, data []byte) (reply.Reply, error) {
	rows, err := readSheet(name, data)
	if err != nil {
		return reply.Reply{}, err
	}
	sum := sha256.Sum256(append([]byte(c.Req.Workspace+"\x00"+c.Req.User+"\x00"+name+"\x00"), data...))
	imp := chorus.PlanImport{WorkspaceID: c.Req.Workspace, ID: hex.EncodeToString(sum[:6]), By: c.Req.User, At: c.Now().UTC(), File: name, Rows: rows}
	return c.previewImport(ctx, imp, "")
}

// previewImport checks imp and says what applying it would do, under note when there is one.
func (c *call) previewImport(ctx context.Context, imp chorus.PlanImport, note string) (reply.Reply, error) {
	name := imp.File
	b, ps, err := c.plan(ctx, imp)
	if err != nil {
		return reply.Reply{}, err
	}
	if len(ps) > 0 {
		return c.refusal(name, ps), nil
	}
	if b.empty() {
		return feature.Notice("✅ " + c.T("plan.import.nothing", name)), nil
	}
	if err := c.store.SavePlanImport(ctx, imp); err != nil {
		return reply.Reply{}, fmt.Errorf("save import %s: %w", imp.ID, err)
	}
	token := imp.ID + "." + b.fingerprint()
	title := c.T("plan.import.preview", name, b.creates(), b.edits())
	lines := make([]string, 0, len(b.changes))
	for _, ch := range b.changes {
		lines = append(lines, c.T("plan.import.line", ch.line, ch.text))
	}
	lines = fit(lines, maxPreviewLines, func(n int) string { return c.T("plan.import.more", n) })
	hint := c.T("plan.import.confirm_hint", token)
	text := title + "\n" + strings.Join(lines, "\n") + "\n" + hint
	head := "📥 *" + title + "*"
	if note != "" {
		text, head = note+"\n"+text, "⚠️ "+note+"\n"+head
	}
	return reply.Reply{Text: text, Blocks: []reply.Block{
		{Kind: reply.Section, Text: head},
		{Kind: reply.Section, Text: strings.Join(lines, "\n")},
		{Kind: reply.Context, Text: hint},
		{Kind: reply.Actions, Buttons: []reply.Button{
			{Text: c.T("plan.import.apply"), ActionID: reply.ActPlanImportApply, Value: token, Style: "primary"},
			{Text: c.T("plan.import.cancel"), ActionID: reply.ActPlanImportCancel, Value: token},
		}},
	}}, nil
}

// refusal lists the bad rows of a file: nothing was kept, nothing changed.
func (c *call) refusal(name string, ps problems) reply.Reply {
	lines := make([]string, 0, len(ps))
	for _, p := range ps {
		lines = append(lines, "• "+c.T("plan.import.bad_row", p.line, c.Problem(p.err)))
	}
	lines = fit(lines, maxProblemLines, func(n int) string { return c.T("plan.import.more_problems", n) })
	text := "⚠️ " + c.T("plan.import.refused", name, len(ps)) + "\n" + strings.Join(lines, "\n")
	return reply.Reply{Text: text, Blocks: []reply.Block{{Kind: reply.Section, Text: text}}}
}

// apply answers a confirmation (token "<import id>.<fingerprint>"): the import is read and
// checked again against the plan as it stands, and applied only if that is still what the
// preview showed. A second confirmation, or one after the plan already says what the file
// says, changes nothing.
func (c *call) apply(ctx context.Context, token string) (reply.Reply, error) {
	id, fp, _ := strings.Cut(token, ".")
	imp, err := c.store.PlanImport(ctx, c.Req.Workspace, id)
	if errors.Is(err, chorus.ErrNotFound) || err == nil && imp.By != c.Req.User {
		return reply.Reply{}, chorus.Errorf(chorus.ErrNotFound, "plan.import.unknown", id)
	}
	if err != nil {
		return reply.Reply{}, fmt.Errorf("import %s: %w", id, err)
	}
	b, ps, err := c.plan(ctx, imp)
	if err != nil {
		return reply.Reply{}, err
	}
	if len(ps) > 0 {
		return c.refusal(imp.File, ps), nil
	}
	if b.empty() {
		return feature.Notice("✅ " + c.T("plan.import.nothing", imp.File)), nil
	}
	if b.fingerprint() != fp {
		// the plan moved since the preview: show what the file would do now, to confirm again
		return c.previewImport(ctx, imp, c.T("plan.import.stale", imp.File))
	}
	posts, err := c.write(ctx, imp, b)
	if err != nil {
		return reply.Reply{}, err
	}
	text := "✅ " + c.T("plan.import.applied", imp.File, b.creates(), b.edits())
	r := feature.Notice(text)
	r.Posts = posts
	return r, nil
}

// write saves a checked batch: new campaigns, then the campaigns' new versions, then the
// tasks, then the relative deadlines that follow a moved start. Each write is a version based
// on the one the batch was checked against; everything was checked before the first write.
func (c *call) write(ctx context.Context, imp chorus.PlanImport, b batch) ([]reply.Post, error) {
	for _, camp := range b.newCamps {
		saved, err := c.store.CreateCampaign(ctx, camp)
		if errors.Is(err, chorus.ErrConflict) {
			return nil, chorus.Errorf(chorus.ErrConflict, "plan.import.stale", imp.File)
		}
		if err != nil {
			return nil, fmt.Errorf("create campaign %q: %w", camp.Slug, err)
		}
		if err := c.Audit(ctx, "campaign.create", "campaign:"+saved.Slug, 0, saved.Version, imp.File); err != nil {
			return nil, err
		}
	}
	for _, next := range b.campEdits {
		_, _, err := c.EditCampaign(ctx, next.Slug, "plan.import", c.LeadOnlyTo("import"), func(camp *chorus.Campaign) error {
			camp.Name, camp.Start, camp.End, camp.Channels = next.Name, next.Start, next.End, next.Channels
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for _, t := range b.newTasks {
		saved, err := c.store.CreateTask(ctx, t)
		if errors.Is(err, chorus.ErrConflict) {
			continue // a run of the same confirmation created it already
		}
		if err != nil {
			return nil, fmt.Errorf("create task %q: %w", t.ID, err)
		}
		if err := c.Audit(ctx, "task.create", "task:"+saved.ID, 0, saved.Version, saved.Title); err != nil {
			return nil, err
		}
	}
	for _, tp := range b.newTps {
		saved, err := c.store.AddTouchpoint(ctx, tp)
		if errors.Is(err, chorus.ErrConflict) {
			continue // a run of the same confirmation added it already
		}
		if err != nil {
			return nil, fmt.Errorf("add touchpoint %q: %w", tp.ID, err)
		}
		if err := c.Audit(ctx, "touchpoint.add", "touchpoint:"+saved.ID, 0, saved.Version, imp.File); err != nil {
			return nil, err
		}
	}
	for _, tp := range b.tpEdits {
		saved, err := c.store.UpdateTouchpoint(ctx, tp)
		if errors.Is(err, chorus.ErrConflict) {
			return nil, chorus.Errorf(chorus.ErrConflict, "plan.import.stale", imp.File)
		}
		if err != nil {
			return nil, fmt.Errorf("update touchpoint %q: %w", tp.ID, err)
		}
		if err := c.Audit(ctx, "plan.import", "touchpoint:"+saved.ID, tp.Version, saved.Version, imp.File); err != nil {
			return nil, err
		}
	}
	moved := map[string][]feature.Moved{} // by campaign: what each owner is told
	for _, t := range b.taskEdits {
		saved, err := c.store.UpdateTask(ctx, t)
		if errors.Is(err, chorus.ErrConflict) {
			return nil, chorus.Errorf(chorus.ErrConflict, "plan.import.stale", imp.File)
		}
		if err != nil {
			return nil, fmt.Errorf("update task %q: %w", t.ID, err)
		}
		if err := c.Audit(ctx, "plan.import", "task:"+saved.ID, t.Version, saved.Version, imp.File); err != nil {
			return nil, err
		}
		if base := b.bases[t.ID]; !base.Due.Equal(saved.Due) && saved.Status == chorus.TaskOpen {
			moved[t.Campaign] = append(moved[t.Campaign], feature.Moved{Task: saved, Was: base})
		}
	}
	for _, camp := range b.moves {
		m, err := c.MoveDeadlines(ctx, c.store, camp)
		if err != nil {
			return nil, err
		}
		moved[camp.Slug] = append(moved[camp.Slug], m...)
	}
	var posts []reply.Post
	for _, camp := range b.touched {
		told, err := c.TellOwners(ctx, c.store, camp, moved[camp.Slug])
		if err != nil {
			return nil, err
		}
		posts = append(posts, told...)
	}
	return posts, nil
}
