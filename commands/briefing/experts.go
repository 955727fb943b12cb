package briefing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// experts returns a workspace's experts, or the default topics with nobody when it saved none.
func (f *Feature) experts(ctx context.Context, ws string) (chorus.Experts, error) {
	e, err := f.qs.Experts(ctx, ws)
	if errors.Is(err, chorus.ErrNotFound) {
		return chorus.Experts{WorkspaceID: ws, Topics: chorus.DefaultTopics()}, nil
	}
	if err != nil {
		return e, fmt.Errorf("experts of %s: %w", ws, err)
	}
	return e, nil
}

// expertsCommand answers "/chorus experts": the list, and for the workspace's leads and admins
// add|remove TOPIC @person, keywords TOPIC add|remove WORD[, WORD…], delay 2h.
func (c *call) expertsCommand(ctx context.Context, args []string) (reply.Reply, error) {
	if len(args) == 0 {
		return c.expertsCard(ctx, "")
	}
	if !c.IsWorkspaceLead() {
		return reply.Reply{}, chorus.Errorf(chorus.ErrForbidden, "experts.forbidden")
	}
	var change func(*chorus.Experts) error
	switch v := feature.Verb(args, 0); v {
	case "add", "remove":
		if len(args) != 3 {
			return reply.Reply{}, c.Usage("experts")
		}
		topic := chorus.Fold(args[1])
		user, ok := feature.UserArg(args[2])
		if !ok {
			return reply.Reply{}, chorus.Invalid("experts", "user.invalid", args[2])
		}
		change = func(e *chorus.Experts) error {
			i := topicIndex(e, topic, v == "add")
			if i < 0 {
				return chorus.Invalid("topic", "experts.topic.unknown", topic, topicNames(*e))
			}
			t := &e.Topics[i]
			if v == "add" && !slices.Contains(t.Experts, user) {
				t.Experts = append(t.Experts, user)
			}
			if v == "remove" {
				t.Experts = slices.DeleteFunc(t.Experts, func(u string) bool { return u == user })
			}
			return nil
		}
	case "keywords":
		op := feature.Verb(args, 2)
		if len(args) < 4 || (op != "add" && op != "remove") {
			return reply.Reply{}, c.Usage("experts")
		}
		topic := chorus.Fold(args[1])
		words := feature.SplitList(strings.Join(args[3:], " "), ",;")
		change = func(e *chorus.Experts) error {
			i := topicIndex(e, topic, op == "add")
			if i < 0 {
				return chorus.Invalid("topic", "experts.topic.unknown", topic, topicNames(*e))
			}
			t := &e.Topics[i]
			for _, w := range words {
				w = strings.ToLower(w)
				same := func(k string) bool { return chorus.Fold(k) == chorus.Fold(w) }
				has := slices.ContainsFunc(t.Keywords, same)
				if op == "add" && !has {
					t.Keywords = append(t.Keywords, w)
				}
				if op == "remove" {
					if !has {
						return chorus.Invalid("keywords", "experts.keyword.unknown", w, topic)
					}
					t.Keywords = slices.DeleteFunc(t.Keywords, same)
				}
			}
			return nil
		}
	case "delay":
		if len(args) != 2 {
			return reply.Reply{}, c.Usage("experts")
		}
		d, ok := parseDelay(args[1])
		if !ok {
			return reply.Reply{}, chorus.Invalid("escalate", "experts.delay.invalid", args[1])
		}
		change = func(e *chorus.Experts) error {
			e.Escalate = d
			return nil
		}
	default:
		return reply.Reply{}, c.Usage("experts")
	}
	for attempt := 0; ; attempt++ {
		e, err := c.experts(ctx, c.Req.Workspace)
		if err != nil {
			return reply.Reply{}, err
		}
		before := e.Version
		e.Topics = cloneTopics(e.Topics)
		if err := change(&e); err != nil {
			return reply.Reply{}, err
		}
		if err := e.Validate(); err != nil {
			return reply.Reply{}, err
		}
		e.UpdatedBy = c.Req.User
		saved, err := c.qs.SaveExperts(ctx, e)
		if errors.Is(err, chorus.ErrConflict) && attempt < feature.MaxEditRetries {
			continue
		}
		if err != nil {
			return reply.Reply{}, fmt.Errorf("save experts: %w", err)
		}
		if err := c.Audit(ctx, "experts."+feature.Verb(args, 0), "experts:"+c.Req.Workspace, before, saved.Version, strings.Join(args, " ")); err != nil {
			return reply.Reply{}, err
		}
		return c.expertsCard(ctx, "✅ "+c.T("experts.saved"))
	}
}

// expertsCard lists the topics, their experts and keywords, and the escalation delay.
func (c *call) expertsCard(ctx context.Context, notice string) (reply.Reply, error) {
	e, err := c.experts(ctx, c.Req.Workspace)
	if err != nil {
		return reply.Reply{}, err
	}
	var lines []string
	for _, t := range e.Topics {
		lines = append(lines, c.T("experts.topic_line", t.Name, c.Mentions(t.Experts), strings.Join(t.Keywords, ", ")))
	}
	text := strings.Join(lines, "\n") + "\n" + c.T("experts.delay", formatDelay(e.EscalateAfter()))
	blocks := []reply.Block{{Kind: reply.Header, Text: c.T("experts.title")}, {Kind: reply.Section, Text: cut(text, maxSection)}}
	if notice != "" {
		blocks = append([]reply.Block{{Kind: reply.Section, Text: notice}}, blocks...)
		text = notice + "\n" + text
	}
	return reply.Reply{Text: text, Blocks: blocks}, nil
}

// topicIndex returns the index of topic in e, adding it when create is set and it is new.
func topicIndex(e *chorus.Experts, topic string, create bool) int {
	for i, t := range e.Topics {
		if t.Name == topic {
			return i
		}
	}
	if !create {
		return -1
	}
	e.Topics = append(e.Topics, chorus.Topic{Name: topic})
	return len(e.Topics) - 1
}

func topicNames(e chorus.Experts) string {
	var out []string
	for _, t := range e.Topics {
		out = append(out, t.Name)
	}
	return strings.Join(out, ", ")
}

func cloneTopics(ts []chorus.Topic) []chorus.Topic {
	out := make([]chorus.Topic, len(ts))
	for i, t := range ts {
		out[i] = chorus.Topic{Name: t.Name, Experts: slices.Clone(t.Experts), Keywords: slices.Clone(t.Keywords)}
	}
	return out
}

// parseDelay reads an escalation delay, one minute to a week: « 2h », « 30min », « 1j », "90m".
func parseDelay(s string) (time.Duration, bool) {
	d, ok := chorus.ParseSpan(s)
	return d, ok && d >= time.Minute && d <= 7*24*time.Hour
}

// formatDelay writes a delay the way parseDelay reads it, in hours or minutes: the same in
// French and English.
func formatDelay(d time.Duration) string {
	if d%time.Hour == 0 {
		return strconv.Itoa(int(d/time.Hour)) + "h"
	}
	return strconv.Itoa(int(d/time.Minute)) + "min"
}
