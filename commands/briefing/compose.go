package briefing

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/drift"
	"github.com/chorus-hq/chorus/reply"
)

// maxSection keeps each part of a briefing inside one Slack section (3,000 characters).
const maxSection = 2900

// maxTerms bounds the glossary terms a briefing lists when none is about the campaign.
const maxTerms = 6

// content is what a briefing says besides its campaign's own fields: what each channel says
// and the glossary's wording.
type content struct {
	camp   chorus.Campaign
	copies map[string]string // channel kind → its latest approved copy
	terms  []chorus.GlossaryTerm
}

// content gathers a campaign's approved copy and the glossary terms about it.
func (c *call) content(ctx context.Context, camp chorus.Campaign) (content, error) {
	k := content{camp: camp, copies: map[string]string{}}
	subs, err := c.src.Submissions(ctx, c.Req.Workspace, chorus.SubmissionFilter{Campaign: camp.Slug,
		Statuses: []chorus.SubmissionStatus{chorus.SubmissionApproved, chorus.SubmissionApprovedWithException}})
	if err != nil {
		return k, fmt.Errorf("approved copy of %s: %w", camp.Slug, err)
	}
	latest := map[string]chorus.Submission{}
	for _, s := range subs {
		if l, ok := latest[s.ChannelKind]; !ok || s.UpdatedAt.After(l.UpdatedAt) {
			latest[s.ChannelKind] = s
		}
	}
	for kind, s := range latest {
		k.copies[kind] = s.Text
	}
	terms, err := c.src.Terms(ctx, c.Req.Workspace)
	if err != nil {
		return k, fmt.Errorf("glossary: %w", err)
	}
	said := chorus.Fold(camp.Message + " " + strings.Join(camp.MustInclude, " ") + " " + strings.Join(mapValues(k.copies), " "))
	var about, others []chorus.GlossaryTerm
	for _, t := range terms {
		if t.Retired {
			continue
		}
		words := append([]string{t.Term}, t.Forbidden...)
		if slices.ContainsFunc(words, func(w string) bool { return w != "" && strings.Contains(said, chorus.Fold(w)) }) {
			about = append(about, t)
		} else if len(t.Forbidden) > 0 {
			others = append(others, t)
		}
	}
	if len(about) == 0 && len(others) > maxTerms {
		others = others[:maxTerms]
	}
	if len(about) == 0 {
		about = others
	}
	k.terms = about
	return k, nil
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// codes returns the promotion codes the campaign's message and points state, as the drift
// detector reads them (« code LITERIE30 », "coupon SUMMER").
func codes(camp chorus.Campaign) []string {
	var out []string
	for _, f := range drift.Compile(camp, nil, 0).Facts() {
		if f.Kind == drift.FactCode && f.Text != "" && !slices.Contains(out, f.Text) {
			out = append(out, f.Text)
		}
	}
	return out
}

// render writes edition of a briefing: its parts in the call's language, changes first for an
// update, and the « Lu et compris » button.
func (c *call) render(k content, b chorus.Briefing, edition int, changes []string) (string, []reply.Block) {
	camp := k.camp.Enforced() // a point the message contradicts is no condition to tell customers
	title := c.T("briefing.title", camp.Name)
	if edition > 1 {
		title = c.T("briefing.title.update", camp.Name, edition)
	}
	blocks := []reply.Block{{Kind: reply.Header, Text: feature.Ellipsis(title, 150)}}
	section := func(text string) {
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: cut(text, maxSection)})
	}
	if len(changes) > 0 {
		section("*" + c.T("briefing.part.changes") + "*\n• " + strings.Join(changes, "\n• ") + "\n" + c.T("briefing.ack_again"))
	}
	section(fmt.Sprintf("*%s*\n%s\n*%s* %s", c.T("briefing.part.offer"), camp.Message, c.T("briefing.part.dates"), c.DateRange(camp)))
	if len(camp.MustInclude) > 0 {
		section("*" + c.T("briefing.part.conditions") + "*\n• " + strings.Join(camp.MustInclude, "\n• "))
	}
	if cs := codes(camp); len(cs) > 0 {
		section("*" + c.T("briefing.part.codes") + "* `" + strings.Join(cs, "`, `") + "`")
	}
	if len(k.terms) > 0 {
		var ok, no []string
		for _, t := range k.terms {
			ok = append(ok, "« "+t.Term+" »")
			for _, f := range t.Forbidden {
				no = append(no, c.T("briefing.forbidden_line", f, t.Term))
			}
		}
		text := "*" + c.T("briefing.part.approved") + "* " + strings.Join(ok, ", ")
		if len(no) > 0 {
			text += "\n*" + c.T("briefing.part.forbidden") + "*\n• " + strings.Join(no, "\n• ")
		}
		section(text)
	}
	if len(camp.Channels) > 0 {
		var lines []string
		seen := map[string]bool{}
		for _, ch := range camp.Channels {
			if seen[ch.Kind] {
				continue
			}
			seen[ch.Kind] = true
			says := c.T("briefing.channel.none")
			if text, ok := k.copies[ch.Kind]; ok {
				says = "« " + feature.Ellipsis(text, 280) + " »"
			}
			lines = append(lines, "*"+ch.Kind+"* — "+says)
		}
		section("*" + c.T("briefing.part.channels") + "*\n" + strings.Join(lines, "\n"))
	}
	if len(b.FAQ) > 0 {
		var lines []string
		for i, e := range b.FAQ {
			lines = append(lines, fmt.Sprintf("%d. *%s*\n%s", i+1, e.Question, e.Answer))
		}
		section("*" + c.T("briefing.part.faq") + "*\n" + strings.Join(lines, "\n"))
	}
	if edition > 0 {
		blocks = append(blocks,
			reply.Block{Kind: reply.Context, Text: c.T("briefing.questions_hint")},
			reply.Block{Kind: reply.Actions, Buttons: []reply.Button{{Text: c.T("briefing.button.ack"), ActionID: reply.ActBriefingAck, Value: ackValue(camp.Slug, edition), Style: "primary"}}})
	}
	return c.T("briefing.fallback", camp.Name), blocks
}

// changes says what the campaign changed since the briefing's last edition: its message, its
// points (those it enforces), its dates.
func (c *call) changes(b chorus.Briefing, camp chorus.Campaign) []string {
	camp = camp.Enforced()
	var out []string
	if strings.TrimSpace(b.Message) != strings.TrimSpace(camp.Message) {
		out = append(out, c.T("briefing.change.message", feature.Ellipsis(b.Message, 400), feature.Ellipsis(camp.Message, 400)))
	}
	for _, p := range b.Points {
		if !slices.Contains(camp.MustInclude, p) {
			out = append(out, c.T("briefing.change.point_removed", p))
		}
	}
	for _, p := range camp.MustInclude {
		if !slices.Contains(b.Points, p) {
			out = append(out, c.T("briefing.change.point_added", p))
		}
	}
	if b.Start != camp.Start || b.End != camp.End {
		was := camp
		was.Start, was.End = b.Start, b.End
		out = append(out, c.T("briefing.change.dates", c.DateRange(was), c.DateRange(camp)))
	}
	return out
}

// cut shortens s to at most n runes, ending with "…" when it cut, keeping its line breaks
// (feature.Ellipsis makes one line of it).
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
