package briefing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// OnMessage follows the threads of sent briefings: a question there is routed to the experts of
// its topics (mentioned in the thread), an expert's or a lead's reply answers the oldest open
// question and offers it to the leads for the FAQ. Failures are logged: an event has nobody to
// answer an error to.
func (f *Feature) OnMessage(ctx context.Context, ev reply.MessageEvent) []reply.Post {
	if ev.ThreadTS == "" || ev.ThreadTS == ev.TS || ev.Deleted || ev.Edited || ev.User == "" || strings.TrimSpace(ev.Text) == "" {
		return nil
	}
	slug, _, err := f.store.BriefingThread(ctx, ev.Workspace, ev.Channel, ev.ThreadTS)
	if errors.Is(err, chorus.ErrNotFound) {
		return nil
	}
	posts, err := f.onThreadMessage(ctx, ev, slug, err)
	if err != nil {
		f.log.ErrorContext(ctx, "briefing: thread message", "channel", ev.Channel, "ts", ev.TS, "err", err)
	}
	return posts
}

func (f *Feature) onThreadMessage(ctx context.Context, ev reply.MessageEvent, slug string, err error) ([]reply.Post, error) {
	if err != nil {
		return nil, err
	}
	t, err := f.turns.EventTurn(ctx, ev.Workspace, ev.User, ev.Channel)
	if err != nil {
		return nil, err
	}
	c := f.call(t)
	camp, err := c.LoadCampaign(ctx, slug)
	if err != nil {
		return nil, err
	}
	e, err := f.experts(ctx, ev.Workspace)
	if err != nil {
		return nil, err
	}
	if camp.IsLead(ev.User) || c.WS.IsLead(ev.User) || slices.ContainsFunc(e.Topics, func(t chorus.Topic) bool { return slices.Contains(t.Experts, ev.User) }) {
		return c.answer(ctx, ev, camp)
	}
	return c.question(ctx, ev, camp, e)
}

// question records a message of the front line in a briefing's thread and mentions the experts
// of its topics there, or the campaign's leads when no topic has any. A message that neither
// asks (no question mark) nor names a topic is left alone.
func (c *call) question(ctx context.Context, ev reply.MessageEvent, camp chorus.Campaign, e chorus.Experts) ([]reply.Post, error) {
	topics := e.Route(ev.Text)
	if len(topics) == 0 && !strings.Contains(ev.Text, "?") {
		return nil, nil
	}
	q := chorus.Question{WorkspaceID: ev.Workspace, ID: chorus.QuestionID(ev.Channel, ev.TS), Campaign: camp.Slug, Channel: ev.Channel,
		Thread: ev.ThreadTS, TS: ev.TS, Asker: ev.User, Text: ev.Text, At: c.Now()}
	for _, t := range topics {
		q.Topics = append(q.Topics, t.Name)
		for _, u := range t.Experts {
			if !slices.Contains(q.Experts, u) && u != ev.User {
				q.Experts = append(q.Experts, u)
			}
		}
	}
	who := q.Experts
	if len(who) == 0 {
		who = camp.Leads
	}
	err := c.qs.AddQuestion(ctx, q)
	if errors.Is(err, chorus.ErrConflict) {
		return nil, nil // the same event seen twice
	}
	if err != nil {
		return nil, err
	}
	wc := c.withLang(c.WS.Lang) // the channel reads the workspace's language
	topic := wc.T("experts.no_topic")
	if len(q.Topics) > 0 {
		topic = strings.Join(q.Topics, ", ")
	}
	text := c.Mentions(who) + " " + wc.T("experts.routed", topic, feature.Mention(ev.User), formatDelay(e.EscalateAfter()))
	return []reply.Post{{Channel: ev.Channel, Thread: ev.ThreadTS, Text: text, Blocks: []reply.Block{{Kind: reply.Section, Text: text}}}}, nil
}

// answer records an expert's or a lead's reply as the answer to the oldest open question of the
// thread someone else asked, and offers it to the campaign's leads for the FAQ.
func (c *call) answer(ctx context.Context, ev reply.MessageEvent, camp chorus.Campaign) ([]reply.Post, error) {
	qs, err := c.qs.ThreadQuestions(ctx, ev.Workspace, ev.Channel, ev.ThreadTS)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(qs, func(q chorus.Question) bool { return !q.Answered() && q.Asker != ev.User })
	if i < 0 {
		return nil, nil
	}
	q := qs[i]
	err = c.qs.AnswerQuestion(ctx, ev.Workspace, q.ID, ev.User, ev.Text, c.Now())
	if errors.Is(err, chorus.ErrConflict) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if err := c.Audit(ctx, "briefing.answer", "question:"+q.ID, 0, 0, ""); err != nil {
		return nil, err
	}
	var posts []reply.Post
	for _, lead := range camp.Leads {
		lt, err := c.turns.EventTurn(ctx, ev.Workspace, lead, "")
		if err != nil {
			return posts, err
		}
		text := lt.T("experts.answered", feature.Mention(ev.User), feature.Mention(q.Asker), feature.ChannelRef(q.Channel), camp.Name) +
			"\n> " + feature.Ellipsis(q.Text, 500) + "\n" + feature.Ellipsis(ev.Text, 500)
		posts = append(posts, reply.Post{Channel: lead, Text: text, Blocks: []reply.Block{
			{Kind: reply.Section, Text: text},
			{Kind: reply.Actions, Buttons: []reply.Button{{Text: lt.T("experts.button.faq"), ActionID: reply.ActBriefingFAQ, Value: q.ID, Style: "primary"}}},
		}})
	}
	return posts, nil
}

// addToFAQ adds an answered question to its briefing's FAQ: a lead's one click.
func (c *call) addToFAQ(ctx context.Context, id string) (reply.Reply, error) {
	q, err := c.qs.Question(ctx, c.Req.Workspace, id)
	if errors.Is(err, chorus.ErrNotFound) {
		return reply.Reply{}, chorus.Errorf(chorus.ErrNotFound, "experts.question.unknown")
	}
	if err != nil {
		return reply.Reply{}, fmt.Errorf("load question: %w", err)
	}
	camp, err := c.LoadCampaign(ctx, q.Campaign)
	if err != nil {
		return reply.Reply{}, err
	}
	if err := c.mayManage(camp, "briefing_faq"); err != nil {
		return reply.Reply{}, err
	}
	if !q.Answered() {
		return reply.Reply{}, chorus.Errorf(chorus.ErrConflict, "experts.question.open")
	}
	entry := chorus.FAQEntry{Question: feature.Ellipsis(q.Text, chorus.MaxFAQLen), Answer: feature.Ellipsis(q.Answer, chorus.MaxFAQLen)}
	saved, err := c.edit(ctx, camp.Slug, "briefing.faq", func(b *chorus.Briefing) error {
		if slices.Contains(b.FAQ, entry) {
			return chorus.Errorf(chorus.ErrConflict, "experts.faq.already", camp.Name)
		}
		b.FAQ = append(b.FAQ, entry)
		return nil
	})
	if err != nil {
		return reply.Reply{}, err
	}
	r := feature.Notice("✅ " + c.T("briefing.faq.saved", camp.Name, len(saved.FAQ)))
	r.ReplaceOriginal = true
	return r, nil
}
