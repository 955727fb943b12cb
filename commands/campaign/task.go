package campaign

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

func (c *call) task(ctx context.Context, args []string) (reply.Reply, error) {
	switch feature.Verb(args, 0) {
	case "add":
		if len(args) == 2 {
			return c.taskModal(ctx, args[1])
		}
		if len(args) < 5 {
			return reply.Reply{}, c.Usage("task.add")
		}
		return c.taskAdd(ctx, args[1], args[2], args[3], args[4], strings.Join(args[5:], " "))
	case "done":
		if len(args) < 2 {
			return reply.Reply{}, c.Usage("task.done")
		}
		return c.taskDone(ctx, args[1])
	case "edit":
		return c.taskEdit(ctx, args)
	case "cancel":
		return c.taskCancel(ctx, args)
	case "reopen":
		return c.taskReopen(ctx, args)
	case "list", "":
		arg := ""
		if len(args) > 1 {
			arg = args[1]
		}
		page := ""
		if len(args) > 2 {
			page = args[2]
		}
		return c.taskList(ctx, arg, page)
	default:
		return reply.Reply{}, c.Usage("task")
	}
}

// taskAdd reads "<slug> <kind|-> <title> @owner <due…>".
func (c *call) taskAdd(ctx context.Context, slug, kind, title, owner, due string) (reply.Reply, error) {
	camp, err := c.LoadCampaign(ctx, slug)
	if err != nil {
		return reply.Reply{}, err
	}
	if camp.Status == chorus.StatusClosed {
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "task.campaign_closed", camp.Name, camp.Slug)
	}
	var ps chorus.Problems
	implied := "" // what the due date's words left out, said back to the user
	t := chorus.Task{WorkspaceID: c.Req.Workspace, Campaign: slug, Title: title, Status: chorus.TaskOpen,
		CreatedBy: c.Req.User, UpdatedBy: c.Req.User}
	if kind != "-" && kind != "*" {
		t.ChannelKind = chorus.Fold(kind)
		if _, ok := camp.Channel(t.ChannelKind); !ok {
			ps = append(ps, chorus.Invalid("channel", "task.kind.not_in_campaign", t.ChannelKind, camp.Name))
		}
	}
	if strings.TrimSpace(title) == "" {
		ps = append(ps, chorus.Invalid("title", "text.empty"))
	}
	if u, ok := feature.UserArg(owner); ok {
		t.Owner = u
	} else {
		ps = append(ps, chorus.Invalid("owner", "user.invalid", owner))
	}
	if at, off, ok, err := offsetDue(due, camp, time.Time{}); ok {
		// « J-10 »: dated from the start, and moving with it
		if err != nil {
			ps = append(ps, chorus.ProblemsOf(err)...)
		}
		t.Due, t.Relative, t.Offset = at, true, off
	} else if strings.TrimSpace(due) == "" {
		ps = append(ps, chorus.Invalid("due", "task.due.empty"))
	} else if m, err := chorus.ParseMoment(due, camp.Location(), c.Now()); err != nil {
		ps = append(ps, chorus.ProblemsOf(feature.WithField(err, "due"))...)
	} else {
		t.Due, implied = m.Time, m.Implied
	}
	if err := c.CanManageTasks(camp, t.ChannelKind); err != nil {
		return reply.Reply{}, err
	}
	if len(ps) > 0 {
		return reply.Reply{}, ps
	}
	r, err := c.createTask(ctx, camp, t)
	if err == nil && implied != "" {
		// « fin juin » is read as a day and an hour: say which, so a wrong guess is seen now
		note := c.T(implied, strings.TrimSpace(due), c.When(t.Due))
		r.Text += "\n" + note
		r.Blocks = append(r.Blocks, reply.Block{Kind: reply.Context, Text: "🕒 " + note})
	}
	return r, err
}

func (c *call) createTask(ctx context.Context, camp chorus.Campaign, t chorus.Task) (reply.Reply, error) {
	t.Due = t.Due.UTC()
	if err := t.Validate(); err != nil {
		return reply.Reply{}, err
	}
	saved, err := c.store.CreateTask(ctx, t)
	if err != nil {
		return reply.Reply{}, fmt.Errorf("create task on %q: %w", camp.Slug, err)
	}
	if err := c.Audit(ctx, "task.create", "task:"+saved.ID, 0, saved.Version, saved.Title); err != nil {
		return reply.Reply{}, err
	}
	text := c.T("task.created", saved.Title, camp.Name, feature.Mention(saved.Owner), c.When(saved.Due), saved.ID)
	return reply.Reply{
		Text:       text,
		Visibility: reply.InChannel,
		Blocks: []reply.Block{{Kind: reply.Section, Text: "✅ " + text,
			Accessory: &reply.Button{Text: c.T("button.done"), ActionID: reply.ActTaskDone, Value: saved.ID, Style: "primary"}}},
	}, nil
}

// taskDone marks a task done. The task's owner, its channel's owner and the campaign's leads may.
func (c *call) taskDone(ctx context.Context, id string) (reply.Reply, error) {
	id = strings.ToLower(strings.TrimPrefix(id, "#"))
	for attempt := 0; ; attempt++ {
		t, err := c.store.Task(ctx, c.Req.Workspace, id)
		if errors.Is(err, chorus.ErrNotFound) {
			return reply.Reply{}, chorus.Errorf(chorus.ErrNotFound, "task.unknown", id)
		}
		if err != nil {
			return reply.Reply{}, fmt.Errorf("load task %q: %w", id, err)
		}
		if t.Status == chorus.TaskDone {
			return feature.Notice(c.T("task.already_done", t.Title)), nil
		}
		if t.Status == chorus.TaskCancelled {
			return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "task.cancelled", t.Title)
		}
		if t.Owner != c.Req.User {
			camp, err := c.LoadCampaign(ctx, t.Campaign)
			if err != nil {
				return reply.Reply{}, err
			}
			if err := c.CanManageTasks(camp, t.ChannelKind); err != nil {
				return reply.Reply{}, err
			}
		}
		before := t.Version
		t.Status = chorus.TaskDone
		t.UpdatedBy = c.Req.User
		saved, err := c.store.UpdateTask(ctx, t)
		if errors.Is(err, chorus.ErrConflict) && attempt < feature.MaxEditRetries {
			continue // someone edited it meanwhile: look again, it may be done already
		}
		if err != nil {
			return reply.Reply{}, fmt.Errorf("complete task %q: %w", id, err)
		}
		if err := c.Audit(ctx, "task.done", "task:"+id, before, saved.Version, ""); err != nil {
			return reply.Reply{}, err
		}
		text := c.T("task.done", saved.Title, feature.Mention(c.Req.User))
		return reply.Reply{Text: text, Blocks: []reply.Block{{Kind: reply.Section, Text: "✅ " + text}}, Visibility: reply.InChannel, ReplaceOriginal: true}, nil
	}
}

// taskList lists open tasks: of a campaign ("ete-literie"), the caller's ("mine"), or all.
func (c *call) taskList(ctx context.Context, arg, page string) (reply.Reply, error) {
	f := chorus.TaskFilter{Statuses: []chorus.TaskStatus{chorus.TaskOpen}}
	title := c.T("task.list.all")
	switch {
	case arg == "":
	case feature.Verb([]string{arg}, 0) == "mine":
		f.Owner, title = c.Req.User, c.T("task.list.mine")
	default:
		camp, err := c.LoadCampaign(ctx, arg)
		if err != nil {
			return reply.Reply{}, err
		}
		f.Campaign, title = camp.Slug, c.T("task.list.campaign", camp.Name)
	}
	tasks, err := c.store.Tasks(ctx, c.Req.Workspace, f)
	if err != nil {
		return reply.Reply{}, fmt.Errorf("list tasks: %w", err)
	}
	if len(tasks) == 0 {
		return feature.Notice(title + "\n" + c.T("task.list.empty")), nil
	}
	p, items, more := paginate(tasks, page)
	blocks := []reply.Block{{Kind: reply.Header, Text: title}}
	lines := []string{title}
	for _, t := range items {
		line := c.TaskLine(t)
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: line,
			Accessory: &reply.Button{Text: c.T("button.done"), ActionID: reply.ActTaskDone, Value: t.ID, Style: "primary"}})
		lines = append(lines, line)
	}
	// The page button carries the list's scope, so "next" lists the same tasks.
	scope := arg
	if scope == "" {
		scope = "-"
	}
	for _, b := range c.pager(reply.ActTaskPage, p, more) {
		for i := range b.Buttons {
			b.Buttons[i].Value = scope + " " + b.Buttons[i].Value
		}
		blocks = append(blocks, b)
	}
	return reply.Reply{Text: strings.Join(lines, "\n"), Blocks: blocks, ReplaceOriginal: page != ""}, nil
}

// taskListPage answers a task list's page button, whose value is "<scope> <page>".
func (c *call) taskListPage(ctx context.Context, value string) (reply.Reply, error) {
	scope, page, _ := strings.Cut(value, " ")
	if scope == "-" {
		scope = ""
	}
	if page == "" {
		page = "1"
	}
	return c.taskList(ctx, scope, page)
}
