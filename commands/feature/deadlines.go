package feature

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/reply"
)

// Deadlines is what moving a campaign's relative deadlines needs from persistence.
type Deadlines interface {
	Tasks(ctx context.Context, workspace string, f chorus.TaskFilter) ([]chorus.Task, error)
	UpdateTask(ctx context.Context, t chorus.Task) (chorus.Task, error)
	UserLang(ctx context.Context, workspace, user string) (chorus.Lang, error)
}

// Moved is a task whose deadline followed its campaign's start.
type Moved struct {
	Task chorus.Task // as saved, with its new due date
	Was  chorus.Task // before
}

// MoveDeadlines dates every open relative task of camp from its start, as the campaign now
// stands; tasks with a date the lead chose stay where they are. Each move is a versioned,
// audited task edit; a task already at its date is left alone, so running it again changes
// nothing. TellOwners says what moved.
func (c *Turn) MoveDeadlines(ctx context.Context, st Deadlines, camp chorus.Campaign) ([]Moved, error) {
	if camp.Start.IsZero() {
		return nil, nil
	}
	tasks, err := st.Tasks(ctx, c.Req.Workspace, chorus.TaskFilter{Campaign: camp.Slug, Statuses: []chorus.TaskStatus{chorus.TaskOpen}})
	if err != nil {
		return nil, fmt.Errorf("tasks of %q: %w", camp.Slug, err)
	}
	var moved []Moved
	for _, t := range tasks {
		m, ok, err := c.moveDeadline(ctx, st, camp, t)
		if err != nil {
			return moved, err
		}
		if ok {
			moved = append(moved, m)
		}
	}
	return moved, nil
}

// moveDeadline saves t dated from camp's start, re-reading it when someone saved meanwhile.
func (c *Turn) moveDeadline(ctx context.Context, st Deadlines, camp chorus.Campaign, t chorus.Task) (Moved, bool, error) {
	for attempt := 0; ; attempt++ {
		next := t
		if !next.Rebase(camp.Start, camp.Location()) {
			return Moved{}, false, nil
		}
		next.UpdatedBy = c.Req.User
		saved, err := st.UpdateTask(ctx, next)
		if errors.Is(err, chorus.ErrConflict) && attempt < MaxEditRetries {
			fresh, err := st.Tasks(ctx, c.Req.Workspace, chorus.TaskFilter{Campaign: camp.Slug})
			if err != nil {
				return Moved{}, false, fmt.Errorf("tasks of %q: %w", camp.Slug, err)
			}
			for _, f := range fresh {
				if f.ID == t.ID {
					t = f
				}
			}
			if t.Status != chorus.TaskOpen {
				return Moved{}, false, nil
			}
			continue
		}
		if err != nil {
			return Moved{}, false, fmt.Errorf("move task %q: %w", t.ID, err)
		}
		if err := c.Audit(ctx, "task.move", "task:"+t.ID, t.Version, saved.Version, c.When(t.Due)+" → "+c.When(saved.Due)); err != nil {
			return Moved{}, false, err
		}
		return Moved{Task: saved, Was: t}, true, nil
	}
}

// TellOwners writes one direct message per owner of tasks of camp whose deadline moved,
// listing them, in the owner's language (the one they chose, else the workspace's).
func (c *Turn) TellOwners(ctx context.Context, st Deadlines, camp chorus.Campaign, moved []Moved) ([]reply.Post, error) {
	var owners []string
	byOwner := map[string][]Moved{}
	for _, m := range moved {
		if _, ok := byOwner[m.Task.Owner]; !ok {
			owners = append(owners, m.Task.Owner)
		}
		byOwner[m.Task.Owner] = append(byOwner[m.Task.Owner], m)
	}
	var posts []reply.Post
	for _, owner := range owners {
		lang, err := st.UserLang(ctx, c.Req.Workspace, owner)
		if errors.Is(err, chorus.ErrNotFound) {
			lang, err = c.WS.Lang, nil
		}
		if err != nil {
			return nil, fmt.Errorf("language of %s: %w", owner, err)
		}
		t := c.WithLang(lang)
		lines := []string{t.T("deadlines.moved.title", camp.Name, Mention(c.Req.User), t.DateRange(camp))}
		for _, m := range byOwner[owner] {
			lines = append(lines, t.T("deadlines.moved.line", m.Task.Title, m.Task.ID, t.When(m.Was.Due), t.When(m.Task.Due)))
		}
		text := strings.Join(lines, "\n")
		posts = append(posts, reply.Post{Channel: owner, Text: text, Blocks: []reply.Block{{Kind: reply.Section, Text: text}}})
	}
	return posts, nil
}

// Offset writes a deadline relative to a campaign's start in the caller's language: « J-30 »,
// "D-30".
func (c *Turn) Offset(days int) string {
	return chorus.FormatOffset(c.T("deadlines.offset.prefix"), days)
}
