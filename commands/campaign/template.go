package campaign

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// fromFlag introduces the campaign a new one is copied from: /campaign create NEW --from OLD.
const fromFlag = "--from"

// maxCopiedLines is how many copied tasks the reply lists, one short line each, well inside a
// section's 3,000 characters; /campaign task list shows them all.
const maxCopiedLines = 15

// templateArg takes "--from OLD" out of a create command's arguments and text, so the rest
// reads as any create does; from is "" when there is none.
func (c *call) templateArg(args []string) (from string, rest []string, err error) {
	i := slices.IndexFunc(args, func(a string) bool { return a == fromFlag || a == "—from" })
	if i < 0 {
		return "", args, nil
	}
	if i+1 >= len(args) || i == 0 {
		return "", args, c.Usage("campaign.create")
	}
	from = args[i+1]
	if j := strings.Index(c.Req.Text, args[i]); j >= 0 {
		after := strings.TrimLeft(c.Req.Text[j+len(args[i]):], " \t")
		c.Req.Text = strings.TrimSpace(c.Req.Text[:j] + " " + strings.TrimPrefix(after, from))
	}
	return from, append(slices.Clone(args[:i]), args[i+2:]...), nil
}

// duplicateModal is the create form of a campaign copied from slug: its name proposed, the
// template's slug carried as private metadata.
func (c *call) duplicateModal(ctx context.Context, slug string) (reply.Reply, error) {
	if !c.IsWorkspaceLead() {
		return reply.Reply{}, chorus.Errorf(chorus.ErrForbidden, "forbidden.create_campaign")
	}
	old, err := c.LoadCampaign(ctx, slug)
	if err != nil {
		return reply.Reply{}, err
	}
	m := c.campaignModal(reply.ModalCampaignCreate, chorus.Campaign{Name: old.Name})
	m.PrivateMetadata = old.Slug
	m.Intro = c.T("campaign.from.intro", old.Name)
	return reply.Reply{Modal: m}, nil
}

// createFrom creates camp as a copy of the campaign from: its channels with their owners, its
// must-include points and its open tasks, each dated relative to the campaign's start (the
// task due 30 days before the old start is due 30 days before the new one, at the same time of
// day). A template without a start date gives its tasks no such date: they are not copied, and
// the reply says so.
func (c *call) createFrom(ctx context.Context, camp chorus.Campaign, from string) (reply.Reply, error) {
	old, err := c.LoadCampaign(ctx, from)
	if err != nil {
		return reply.Reply{}, err
	}
	if camp.Name == "" {
		camp.Name = old.Name
	}
	camp.Channels = slices.Clone(old.Channels)
	camp.MustInclude = slices.Clone(old.MustInclude)
	tasks, err := c.store.Tasks(ctx, c.Req.Workspace, chorus.TaskFilter{Campaign: old.Slug, Statuses: []chorus.TaskStatus{chorus.TaskOpen, chorus.TaskDone}})
	if err != nil {
		return reply.Reply{}, fmt.Errorf("tasks of %q: %w", old.Slug, err)
	}
	if len(tasks) > 0 && !old.Start.IsZero() && camp.Start.IsZero() {
		return reply.Reply{}, chorus.Invalid("start", "campaign.from.start_needed", old.Name, len(tasks))
	}
	if len(tasks) > 0 && old.Start.IsZero() {
		tasks = nil
	}
	// every task is read and checked before anything is written: a copy is whole or not made
	copies := make([]chorus.Task, 0, len(tasks))
	for _, t := range tasks {
		offset := t.Offset
		if !t.Relative {
			offset = chorus.OffsetFrom(old.Start, t.Due, old.Location())
		}
		nt := chorus.Task{WorkspaceID: c.Req.Workspace, Campaign: camp.Slug, ChannelKind: t.ChannelKind, Title: t.Title,
			Owner: t.Owner, Status: chorus.TaskOpen, Relative: true, Offset: offset,
			Due:       chorus.RelativeDue(camp.Start, offset, t.Due, camp.Location()),
			CreatedBy: c.Req.User, UpdatedBy: c.Req.User}
		if err := nt.Validate(); err != nil {
			return reply.Reply{}, err
		}
		copies = append(copies, nt)
	}
	parts, copyParts, err := c.parts.CopyParts(ctx, c.Turn, old, camp)
	if err != nil {
		return reply.Reply{}, err
	}
	r, err := c.createCampaign(ctx, camp)
	if err != nil {
		return r, err
	}
	if err := copyParts(ctx); err != nil {
		return reply.Reply{}, err
	}
	note := c.T("campaign.from.copied", old.Name, len(camp.Channels), len(camp.MustInclude), parts)
	if old.Start.IsZero() {
		if n, err := c.store.Tasks(ctx, c.Req.Workspace, chorus.TaskFilter{Campaign: old.Slug, Statuses: []chorus.TaskStatus{chorus.TaskOpen}}); err == nil && len(n) > 0 {
			note += " " + c.T("campaign.from.no_start", old.Name, len(n))
		}
	}
	var lines []string
	for i, nt := range copies {
		saved, err := c.store.CreateTask(ctx, nt)
		if err != nil {
			return reply.Reply{}, fmt.Errorf("copy task %q to %q: %w", tasks[i].ID, camp.Slug, err)
		}
		if err := c.Audit(ctx, "task.create", "task:"+saved.ID, 0, saved.Version, saved.Title); err != nil {
			return reply.Reply{}, err
		}
		if len(lines) < maxCopiedLines {
			lines = append(lines, c.T("campaign.from.task", c.Offset(saved.Offset), saved.Title, feature.Mention(saved.Owner), c.When(saved.Due), saved.ID))
		}
	}
	if len(copies) > len(lines) {
		lines = append(lines, c.T("campaign.card.more_tasks", len(copies)-len(lines), camp.Slug))
	}
	if len(copies) > 0 {
		note += " " + c.T("campaign.from.tasks", len(copies))
	}
	r.Text += "\n" + note
	blocks := []reply.Block{r.Blocks[0], {Kind: reply.Section, Text: "📋 " + note}}
	if len(lines) > 0 {
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: strings.Join(lines, "\n")})
	}
	r.Blocks = append(blocks, r.Blocks[1:]...)
	return r, nil
}

// startMoved moves the relative deadlines of a campaign whose start date changed from was, and
// says what moved: a line for the lead's reply and one direct message per owner.
func (c *call) startMoved(ctx context.Context, was chorus.Date, saved chorus.Campaign) ([]reply.Block, []reply.Post, error) {
	if saved.Start == was || saved.Start.IsZero() {
		return nil, nil, nil
	}
	moved, err := c.MoveDeadlines(ctx, c.store, saved)
	if err != nil || len(moved) == 0 {
		return nil, nil, err
	}
	posts, err := c.TellOwners(ctx, c.store, saved, moved)
	if err != nil {
		return nil, nil, err
	}
	text := "📅 " + c.T("campaign.from.moved", len(moved), len(posts))
	return []reply.Block{{Kind: reply.Context, Text: text}}, posts, nil
}

// offsetRE is a deadline typed relative to the campaign's start: « J-10 », "D-10", « J+2 », « J ».
var offsetRE = regexp.MustCompile(`^[JjDd]\s*([+\-\x{2212}]\s*\d+)?$`)

// offsetDue reads a deadline typed relative to camp's start (« J-10 »): the instant, at the
// time of day of was (9:00 when zero), and the offset. ok is false for any other text, which
// is a date to read as such.
func offsetDue(text string, camp chorus.Campaign, was time.Time) (due time.Time, offset int, ok bool, err error) {
	text = strings.TrimSpace(text)
	if !offsetRE.MatchString(text) {
		return time.Time{}, 0, false, nil
	}
	if camp.Start.IsZero() {
		return time.Time{}, 0, true, chorus.Invalid("due", "task.offset.no_start", text, camp.Name)
	}
	offset, err = chorus.ParseOffset(text)
	if err != nil {
		return time.Time{}, 0, true, feature.WithField(err, "due")
	}
	return chorus.RelativeDue(camp.Start, offset, was, camp.Location()), offset, true, nil
}
