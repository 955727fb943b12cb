package campaign

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// taskField maps what people type after "task edit <id>", in French or English, to a field.
var taskField = map[string]string{
	"title": "title", "titre": "title", "intitule": "title",
	"owner": "owner", "responsable": "owner", "proprietaire": "owner", "assignee": "owner",
	"due": "due", "echeance": "due", "date": "due", "deadline": "due",
}

// taskEdit reads "<id> title|owner|due <value…>": the raw text after the field keeps the title
// as typed.
func (c *call) taskEdit(ctx context.Context, args []string) (reply.Reply, error) {
	if len(args) < 4 {
		return reply.Reply{}, c.Usage("task.edit")
	}
	field, ok := taskField[chorus.Fold(args[2])]
	if !ok {
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "task.edit.field", args[2])
	}
	value := feature.Unquote(feature.After(c.Req.Text, 4)) // "task edit <id> <field> <value…>"
	if value == "" {
		return reply.Reply{}, c.Usage("task.edit")
	}
	var was, now string
	implied := ""
	saved, err := c.changeTask(ctx, args[1], "task.edit", "edit", func(t *chorus.Task, camp chorus.Campaign) error {
		if t.Status != chorus.TaskOpen {
			return chorus.Errorf(chorus.ErrInvalid, "task.edit.not_open", t.Title, c.T("task.status."+string(t.Status)), t.ID)
		}
		switch field {
		case "title":
			was, now = t.Title, value
			t.Title = value
		case "owner":
			u, ok := feature.UserArg(value)
			if !ok {
				return chorus.Invalid("owner", "user.invalid", value)
			}
			was, now = feature.Mention(t.Owner), feature.Mention(u)
			t.Owner = u
		case "due":
			if due, off, ok, err := offsetDue(value, camp, t.Due); ok {
				if err != nil {
					return err
				}
				was, now = c.When(t.Due), c.When(due)
				t.Due, t.Relative, t.Offset = due.UTC(), true, off
				break
			}
			m, err := chorus.ParseMoment(value, camp.Location(), c.Now())
			if err != nil {
				return feature.WithField(err, "due")
			}
			was, now, implied = c.When(t.Due), c.When(m.Time), m.Implied
			t.Due = m.Time.UTC()
			t.Relative = false // a date the lead chose stays where it is when the campaign moves
		}
		if was == now {
			return chorus.Errorf(chorus.ErrInvalid, "task.edit.same", c.T("field."+field), now)
		}
		return nil
	}, func() string { return field + ": " + was + " → " + now })
	if err != nil {
		return reply.Reply{}, err
	}
	text := c.T("task.edited", saved.Title, c.T("field."+field), was, now, feature.Mention(c.Req.User))
	r := reply.Reply{Text: text, Blocks: []reply.Block{{Kind: reply.Section, Text: "✏️ " + text}}, Visibility: reply.InChannel}
	if implied != "" {
		note := c.T(implied, value, c.When(saved.Due))
		r.Text += "\n" + note
		r.Blocks = append(r.Blocks, reply.Block{Kind: reply.Context, Text: "🕒 " + note})
	}
	if field == "owner" && saved.Owner != c.Req.User {
		r.Posts = append(r.Posts, reply.Post{Channel: saved.Owner, Text: text, Blocks: []reply.Block{{Kind: reply.Section, Text: "✏️ " + text}}})
	}
	return r, nil
}

// taskCancel reads "<id> <reason…>": a cancelled task stays listed as such and stops reminding.
func (c *call) taskCancel(ctx context.Context, args []string) (reply.Reply, error) {
	reason := strings.TrimSpace(feature.Unquote(feature.After(c.Req.Text, 3))) // "task cancel <id> <reason…>"
	if len(args) < 3 || reason == "" {
		return reply.Reply{}, c.Usage("task.cancel")
	}
	if n := len([]rune(reason)); n > chorus.MaxNoteLen {
		return reply.Reply{}, chorus.Invalid("reason", "text.long", n, chorus.MaxNoteLen)
	}
	saved, err := c.changeTask(ctx, args[1], "task.cancel", "cancel", func(t *chorus.Task, _ chorus.Campaign) error {
		switch t.Status {
		case chorus.TaskCancelled:
			return chorus.Errorf(chorus.ErrInvalid, "task.cancelled", t.Title)
		case chorus.TaskDone:
			return chorus.Errorf(chorus.ErrInvalid, "task.cancel.done", t.Title)
		}
		t.Status = chorus.TaskCancelled
		return nil
	}, func() string { return reason })
	if err != nil {
		return reply.Reply{}, err
	}
	text := c.T("task.cancelled.by", saved.Title, feature.Mention(c.Req.User), reason)
	return reply.Reply{Text: text, Blocks: []reply.Block{{Kind: reply.Section, Text: "✖️ " + text}}, Visibility: reply.InChannel}, nil
}

// taskReopen opens a done or cancelled task again; it reminds again from its due date.
func (c *call) taskReopen(ctx context.Context, args []string) (reply.Reply, error) {
	if len(args) < 2 {
		return reply.Reply{}, c.Usage("task.reopen")
	}
	saved, err := c.changeTask(ctx, args[1], "task.reopen", "reopen", func(t *chorus.Task, camp chorus.Campaign) error {
		if t.Status == chorus.TaskOpen {
			return chorus.Errorf(chorus.ErrInvalid, "task.reopen.open", t.Title)
		}
		if camp.Status == chorus.StatusClosed {
			return chorus.Errorf(chorus.ErrInvalid, "task.campaign_closed", camp.Name, camp.Slug)
		}
		t.Status = chorus.TaskOpen
		return nil
	}, func() string { return "" })
	if err != nil {
		return reply.Reply{}, err
	}
	text := c.T("task.reopened", saved.Title, feature.Mention(c.Req.User), c.When(saved.Due))
	return reply.Reply{Text: text, Blocks: []reply.Block{{Kind: reply.Section, Text: "↩️ " + text,
		Accessory: &reply.Button{Text: c.T("button.done"), ActionID: reply.ActTaskDone, Value: saved.ID, Style: "primary"}}}, Visibility: reply.InChannel}, nil
}

// changeTask applies change to the latest version of task id, if the acting user may change it
// (its owner, the campaign's leads, or its channel's owner; the refusal names what, as what),
// saves it as the next version, re-applying the change when someone saved meanwhile, and audits
// it as action with detail. The scheduler hears of the new version through the store
// (commands.Watch), so reminders follow a new due date and stop for a cancelled task.
func (c *call) changeTask(ctx context.Context, id, action, what string, change func(*chorus.Task, chorus.Campaign) error, detail func() string) (chorus.Task, error) {
	id = strings.ToLower(strings.TrimPrefix(id, "#"))
	for attempt := 0; ; attempt++ {
		t, err := c.store.Task(ctx, c.Req.Workspace, id)
		if errors.Is(err, chorus.ErrNotFound) {
			return t, chorus.Errorf(chorus.ErrNotFound, "task.unknown", id)
		}
		if err != nil {
			return t, fmt.Errorf("load task %q: %w", id, err)
		}
		camp, err := c.LoadCampaign(ctx, t.Campaign)
		if err != nil {
			return t, err
		}
		if camp.Archived {
			return t, chorus.Errorf(chorus.ErrInvalid, "campaign.archived", camp.Name, camp.Slug)
		}
		if t.Owner != c.Req.User && c.CanManageTasks(camp, t.ChannelKind) != nil {
			return t, chorus.Errorf(chorus.ErrForbidden, "task.forbidden", t.Title, feature.Mention(t.Owner), c.Mentions(camp.Leads), c.T("task_action."+what))
		}
		before := t.Version
		next := t
		if err := change(&next, camp); err != nil {
			return t, err
		}
		if err := next.Validate(); err != nil {
			return t, err
		}
		next.UpdatedBy = c.Req.User
		saved, err := c.store.UpdateTask(ctx, next)
		if errors.Is(err, chorus.ErrConflict) && attempt < feature.MaxEditRetries {
			continue
		}
		if err != nil {
			return t, fmt.Errorf("%s task %q: %w", what, id, err)
		}
		if err := c.Audit(ctx, action, "task:"+id, before, saved.Version, detail()); err != nil {
			return saved, err
		}
		return saved, nil
	}
}
