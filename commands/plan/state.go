package plan

import (
	"context"
	"fmt"

	"github.com/chorus-hq/chorus"
)

// state is the plan as the store holds it, by campaign slug. It is read with one query per kind
// of document for the whole workspace (or one campaign), not one per campaign: the embedded
// server scans a collection for every query, so twenty campaigns would cost sixty scans.
type state struct {
	tasks map[string][]chorus.Task
	tps   map[string][]chorus.Touchpoint
	subs  map[string][]chorus.Submission
}

// load reads the tasks, touchpoints and (withCopy) submissions of campaign slug, or of every
// campaign when slug is "".
func (c *call) load(ctx context.Context, slug string, withCopy bool) (state, error) {
	s := state{tasks: map[string][]chorus.Task{}, tps: map[string][]chorus.Touchpoint{}, subs: map[string][]chorus.Submission{}}
	tasks, err := c.store.Tasks(ctx, c.Req.Workspace, chorus.TaskFilter{Campaign: slug})
	if err != nil {
		return s, fmt.Errorf("tasks: %w", err)
	}
	for _, t := range tasks {
		s.tasks[t.Campaign] = append(s.tasks[t.Campaign], t)
	}
	tps, err := c.store.Touchpoints(ctx, c.Req.Workspace, chorus.Date{}, chorus.Date{})
	if err != nil {
		return s, fmt.Errorf("touchpoints: %w", err)
	}
	for _, tp := range tps {
		s.tps[tp.Campaign] = append(s.tps[tp.Campaign], tp)
	}
	if !withCopy {
		return s, nil
	}
	subs, err := c.store.Submissions(ctx, c.Req.Workspace, chorus.SubmissionFilter{Campaign: slug})
	if err != nil {
		return s, fmt.Errorf("copy: %w", err)
	}
	for _, sub := range subs {
		s.subs[sub.Campaign] = append(s.subs[sub.Campaign], sub)
	}
	return s, nil
}
