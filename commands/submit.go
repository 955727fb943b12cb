package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/drift"
)

// This file is the drift approval flow: a team submits copy (a command, the "Check against
// campaign" shortcut, or a channel's automatic check), Chorus answers with the drift verdict,
// the campaign's leads approve, ask for changes or grant an exception, an edited Slack message
// is checked again, and a new global message puts every earlier check out of date.

// Judge is an LLM's second opinion on drift verdicts (drift/llm, adapted in cmd/chorus). It is
// optional: without it Chorus relies on the offline detector alone.
type Judge interface {
	// Borderline reports whether a verdict deserves a second opinion without anyone asking.
	Borderline(v drift.Verdict) bool
	// Judge returns validated findings the detector missed and a rewrite that passes it. On
	// error the caller keeps the offline verdict.
	Judge(ctx context.Context, q JudgeQuery) (JudgeOpinion, error)
}

// JudgeQuery is one copy to judge.
type JudgeQuery struct {
	Campaign  chorus.Campaign
	Glossary  []chorus.GlossaryTerm
	Reference *drift.Reference
	Text      string
	Lang      chorus.Lang // the reader's language, for reasons
	Offline   drift.Verdict
}

// JudgeOpinion is what the judge adds to the offline verdict.
type JudgeOpinion struct {
	Findings []JudgeFinding
	Rewrite  string // passes the offline detector; "" when none
}

// JudgeFinding is a finding of the judge, explained in the reader's language.
type JudgeFinding struct {
	Kind        drift.Kind
	Quote       string
	GlobalQuote string
	Reason      string
	Suggestion  string
}

// The buttons, shortcut and modals of the approval flow.
const (
	ActCheckCopy      = "check_copy" // the message shortcut's callback id (configs/manifest.yaml)
	ActDriftApprove   = "drift.approve"
	ActDriftChanges   = "drift.changes"
	ActDriftException = "drift.exception"
	ActDriftShow      = "drift.show"
	ActDriftJudge     = "drift.judge"

	ModalDriftSubmit    = "drift.submit"
	ModalDriftPick      = "drift.pick"
	ModalDriftChanges   = "drift.changes"
	ModalDriftException = "drift.exception"
)

// minCopyWords is how many words a message needs before an automatic check takes it for copy:
// shorter messages are chat ("ok pour moi", "on en parle demain").
const minCopyWords = 8

// driftVerbs are the sub-commands of /campaign this file answers, in French and English.
var driftVerbs = map[string]string{
	"submit": "submit", "soumettre": "submit", "check": "submit", "verifier": "submit",
	"autocheck": "autocheck", "auto-check": "autocheck", "autocontrole": "autocheck", "verification-auto": "autocheck",
	"submissions": "submissions", "soumissions": "submissions", "approvals": "submissions", "validations": "submissions",
}

// driftCommand answers the /campaign sub-commands of the approval flow; ok is false for any
// other sub-command.
func (c *call) driftCommand(ctx context.Context, args []string) (r Reply, ok bool, err error) {
	if len(args) == 0 {
		return Reply{}, false, nil
	}
	v, ok := driftVerbs[chorus.Fold(args[0])]
	if !ok {
		return Reply{}, false, nil
	}
	switch v {
	case "submit":
		if len(args) < 2 {
			return Reply{}, true, chorus.Errorf(chorus.ErrInvalid, "usage", c.t("drift.usage.submit"))
		}
		kind := ""
		if len(args) > 2 {
			kind = chorus.Fold(args[2])
		}
		r, err = c.submitCommand(ctx, args[1], kind, unquote(after(c.req.Text, 3)))
	case "autocheck":
		if len(args) < 4 {
			return Reply{}, true, chorus.Errorf(chorus.ErrInvalid, "usage", c.t("drift.usage.autocheck"))
		}
		r, err = c.autoCheckCommand(ctx, args[1], chorus.Fold(args[2]), chorus.Fold(args[3]))
	case "submissions":
		if len(args) < 2 {
			return Reply{}, true, chorus.Errorf(chorus.ErrInvalid, "usage", c.t("drift.usage.submissions"))
		}
		r, err = c.submissionList(ctx, args[1])
	}
	return r, true, err
}

// checked is one drift check of a copy: the offline verdict, what the judge added, and any
// exception that waives the findings.
type checked struct {
	camp      chorus.Campaign
	ref       *drift.Reference
	offline   drift.Verdict
	extra     []JudgeFinding
	rewrite   string
	judged    bool
	exception *chorus.Exception
}

func (k checked) drift() bool {
	return k.exception == nil && (k.offline.Drift || len(k.extra) > 0)
}

// verdict is the stored summary of the check.
func (k checked) verdict() chorus.Verdict {
	v := chorus.Verdict{Findings: len(k.offline.Findings) + len(k.extra), Judged: k.judged, Excepted: k.exception != nil && (k.offline.Drift || len(k.extra) > 0)}
	for _, f := range k.offline.Findings {
		if !slices.Contains(v.Kinds, string(f.Kind)) {
			v.Kinds = append(v.Kinds, string(f.Kind))
		}
	}
	for _, f := range k.extra {
		if !slices.Contains(v.Kinds, string(f.Kind)) {
			v.Kinds = append(v.Kinds, string(f.Kind))
		}
	}
	v.Findings = min(v.Findings, chorus.MaxFindings)
	v.Drift = k.drift()
	return v
}

func (k checked) status() chorus.SubmissionStatus {
	if k.drift() {
		return chorus.SubmissionFlagged
	}
	return chorus.SubmissionPending
}

// glossary returns the workspace's glossary for a check.
func (c *call) glossaryTerms(ctx context.Context) ([]chorus.GlossaryTerm, error) {
	terms, err := c.store.Terms(ctx, c.req.Workspace)
	if err != nil {
		return nil, fmt.Errorf("load glossary: %w", err)
	}
	return terms, nil
}

// check runs the offline detector on text, asks the judge when the verdict is borderline, and
// looks for an exception a lead granted to this very text against this very message.
func (c *call) check(ctx context.Context, camp chorus.Campaign, text string) (checked, error) {
	terms, err := c.glossaryTerms(ctx)
	if err != nil {
		return checked{}, err
	}
	k := checked{camp: camp, ref: drift.Compile(camp, terms, 0)}
	k.offline = k.ref.Check(text, "")
	if j := c.opts.Judge; j != nil && j.Borderline(k.offline) {
		op, err := j.Judge(ctx, JudgeQuery{Campaign: camp, Glossary: terms, Reference: k.ref, Text: text, Lang: c.lang, Offline: k.offline})
		if err != nil {
			c.log.Warn("drift judge unavailable; offline verdict kept", "campaign", camp.Slug, "err", err)
		} else {
			k.extra, k.rewrite, k.judged = op.Findings, op.Rewrite, true
		}
	}
	if k.offline.Drift || len(k.extra) > 0 {
		e, err := c.store.Exception(ctx, c.req.Workspace, camp.Slug, chorus.TextHash(text), chorus.MessageHash(camp))
		switch {
		case err == nil:
			k.exception = &e
		case !errors.Is(err, chorus.ErrNotFound):
			return checked{}, fmt.Errorf("look up exception: %w", err)
		}
	}
	return k, nil
}

// copyTarget is where a copy goes: which campaign and channel kind, and, for a Slack message,
// where it was posted and by whom.
type copyTarget struct {
	camp    chorus.Campaign
	kind    string
	author  string
	channel string // Slack channel of the message, "" for typed copy
	ts      string
}

// submit checks text and stores the submission: a new one, or a new version when the Slack
// message was submitted before (the shortcut after an automatic check, or an edit). It returns
// the submission, the check, and whether the text changed from the stored one.
func (c *call) submit(ctx context.Context, t copyTarget, text string) (chorus.Submission, checked, error) {
	camp := t.camp
	if strings.TrimSpace(camp.Message) == "" {
		return chorus.Submission{}, checked{}, chorus.Errorf(chorus.ErrInvalid, "drift.no_message", camp.Name, camp.Slug)
	}
	if _, ok := camp.Channel(t.kind); !ok {
		kinds := make([]string, len(camp.Channels))
		for i, ch := range camp.Channels {
			kinds[i] = ch.Kind
		}
		return chorus.Submission{}, checked{}, chorus.Invalid("kind", "drift.kind.unknown", t.kind, camp.Name, strings.Join(kinds, ", "))
	}
	k, err := c.check(ctx, camp, text)
	if err != nil {
		return chorus.Submission{}, checked{}, err
	}
	sub := chorus.Submission{
		WorkspaceID: c.req.Workspace, Campaign: camp.Slug, ChannelKind: t.kind, Text: strings.TrimSpace(text), Author: t.author,
		SlackChannel: t.channel, SlackTS: t.ts, CampaignVersion: camp.Version, MessageHash: chorus.MessageHash(camp),
		Verdict: k.verdict(), Status: k.status(), UpdatedBy: c.req.User,
	}
	if err := sub.Validate(); err != nil {
		return chorus.Submission{}, checked{}, err
	}
	saved, err := c.store.CreateSubmission(ctx, sub)
	if errors.Is(err, chorus.ErrConflict) && sub.FromMessage() {
		prev, err := c.store.SubmissionByMessage(ctx, c.req.Workspace, t.channel, t.ts)
		if err != nil {
			return chorus.Submission{}, checked{}, fmt.Errorf("load submitted message: %w", err)
		}
		saved, err = c.storeRecheck(ctx, prev, sub)
		return saved, k, err
	}
	if err != nil {
		return chorus.Submission{}, checked{}, fmt.Errorf("store submission: %w", err)
	}
	if err := c.audit(ctx, "submission.create", "submission:"+saved.ID, 0, saved.Version, camp.Slug+"/"+saved.ChannelKind+" "+string(saved.Status)); err != nil {
		return chorus.Submission{}, checked{}, err
	}
	return saved, k, nil
}

// storeRecheck stores the result of a new check as the next version of prev, re-applying it
// when a decision or another check landed meanwhile.
func (c *call) storeRecheck(ctx context.Context, prev, next chorus.Submission) (chorus.Submission, error) {
	for attempt := 0; ; attempt++ {
		upd := prev
		upd.Text, upd.ChannelKind, upd.Campaign = next.Text, next.ChannelKind, next.Campaign
		upd.CampaignVersion, upd.MessageHash, upd.Verdict, upd.Status = next.CampaignVersion, next.MessageHash, next.Verdict, next.Status
		upd.UpdatedBy = c.req.User
		saved, err := c.store.UpdateSubmission(ctx, upd)
		if errors.Is(err, chorus.ErrConflict) && attempt < maxEditRetries {
			if prev, err = c.store.Submission(ctx, c.req.Workspace, prev.ID); err != nil {
				return chorus.Submission{}, fmt.Errorf("reload submission: %w", err)
			}
			continue
		}
		if err != nil {
			return chorus.Submission{}, fmt.Errorf("store re-check: %w", err)
		}
		if err := c.audit(ctx, "submission.recheck", "submission:"+saved.ID, prev.Version, saved.Version, string(prev.Status)+" → "+string(saved.Status)); err != nil {
			return chorus.Submission{}, err
		}
		return saved, nil
	}
}

// submitCommand answers "/campaign submit <slug> [kind] [text]": the verdict in the channel and
// an approval card to each lead. Without a kind or a text it opens the submission form.
func (c *call) submitCommand(ctx context.Context, slug, kind, text string) (Reply, error) {
	camp, err := c.loadCampaign(ctx, slug)
	if err != nil {
		return Reply{}, err
	}
	if kind == "" || strings.TrimSpace(text) == "" {
		return Reply{Modal: c.submitModal(camp, kind)}, nil
	}
	sub, k, err := c.submit(ctx, copyTarget{camp: camp, kind: kind, author: c.req.User}, text)
	if err != nil {
		return Reply{}, err
	}
	r := c.verdictReply(sub, k, true)
	r.Visibility = InChannel
	leads, err := c.leadCards(ctx, camp, sub, k)
	if err != nil {
		return Reply{}, err
	}
	r.Posts = append(r.Posts, leads...)
	return r, nil
}

// submitModal is the form for copy typed without its kind or text.
func (c *call) submitModal(camp chorus.Campaign, kind string) *Modal {
	opts := make([]Option, 0, len(camp.Channels))
	for _, ch := range camp.Channels {
		opts = append(opts, Option{Text: ch.Kind, Value: ch.Kind})
	}
	if kind == "" && len(opts) > 0 {
		kind = opts[0].Value
	}
	return &Modal{
		CallbackID: ModalDriftSubmit, Title: c.t("drift.modal.submit"), Submit: c.t("drift.button.check"), Close: c.t("button.cancel"),
		PrivateMetadata: camp.Slug, Intro: camp.Name,
		Inputs: []Input{
			{ID: "kind", Label: c.t("drift.field.kind"), Kind: SelectInput, Options: opts, Initial: kind},
			{ID: "text", Label: c.t("drift.field.text"), Kind: MultilineInput, MaxLength: chorus.MaxCopyLen, Placeholder: c.t("drift.modal.text.placeholder")},
		},
	}
}

func (c *call) submitSubmitModal(ctx context.Context, sub Submission) (Reply, error) {
	return c.submitCommand(ctx, sub.PrivateMetadata, chorus.Fold(sub.Values["kind"]), strings.TrimSpace(sub.Values["text"]))
}

// pickMeta is what the campaign-picking form carries of the message the shortcut was used on.
type pickMeta struct {
	Channel string `json:"c"`
	TS      string `json:"t"`
	User    string `json:"u"`
	Text    string `json:"x"`
}

// checkCopyShortcut answers the "Check against campaign" message shortcut: the message is
// checked against the campaign its channel belongs to (asking which one when several are).
func (c *call) checkCopyShortcut(ctx context.Context, a Action) (Reply, error) {
	m := a.Message
	if m == nil || strings.TrimSpace(m.Text) == "" || m.Channel == "" || m.TS == "" {
		return Reply{}, chorus.Errorf(chorus.ErrInvalid, "drift.shortcut.no_text")
	}
	targets, err := c.channelTargets(ctx, m.Channel)
	if err != nil {
		return Reply{}, err
	}
	switch len(targets) {
	case 0:
		return Reply{}, chorus.Errorf(chorus.ErrNotFound, "drift.shortcut.no_campaign", channelRef(m.Channel))
	case 1:
		return c.checkMessage(ctx, targets[0], *m)
	}
	meta, err := json.Marshal(pickMeta{Channel: m.Channel, TS: m.TS, User: m.User, Text: m.Text})
	if err != nil {
		return Reply{}, fmt.Errorf("encode shortcut message: %w", err)
	}
	opts := make([]Option, len(targets))
	for i, t := range targets {
		opts[i] = Option{Text: t.camp.Name + " · " + t.kind, Value: t.camp.Slug + "/" + t.kind}
	}
	return Reply{Modal: &Modal{
		CallbackID: ModalDriftPick, Title: c.t("drift.modal.pick"), Submit: c.t("drift.button.check"), Close: c.t("button.cancel"),
		PrivateMetadata: string(meta), Intro: "> " + ellipsis(m.Text, 200),
		Inputs: []Input{{ID: "target", Label: c.t("drift.field.campaign"), Kind: SelectInput, Options: opts, Initial: opts[0].Value}},
	}}, nil
}

func (c *call) submitPickModal(ctx context.Context, sub Submission) (Reply, error) {
	var meta pickMeta
	if err := json.Unmarshal([]byte(sub.PrivateMetadata), &meta); err != nil {
		return Reply{}, fmt.Errorf("decode shortcut message: %w", err)
	}
	slug, kind, _ := strings.Cut(sub.Values["target"], "/")
	camp, err := c.loadCampaign(ctx, slug)
	if err != nil {
		return Reply{}, err
	}
	return c.checkMessage(ctx, copyTarget{camp: camp, kind: kind}, MessageEvent{
		Workspace: c.req.Workspace, Channel: meta.Channel, TS: meta.TS, User: meta.User, Text: meta.Text,
	})
}

// channelTargets returns the live campaigns that channel is a team channel of, with its kind;
// a channel's automatic-check opt-in, when there is one, decides alone.
func (c *call) channelTargets(ctx context.Context, channel string) ([]copyTarget, error) {
	if a, err := c.store.AutoCheck(ctx, c.req.Workspace, channel); err == nil {
		if camp, err := c.loadCampaign(ctx, a.Campaign); err == nil && camp.Status != chorus.StatusClosed {
			return []copyTarget{{camp: camp, kind: a.ChannelKind}}, nil
		}
	} else if !errors.Is(err, chorus.ErrNotFound) {
		return nil, fmt.Errorf("read auto-check: %w", err)
	}
	camps, err := c.store.Campaigns(ctx, c.req.Workspace)
	if err != nil {
		return nil, fmt.Errorf("list campaigns: %w", err)
	}
	var out []copyTarget
	for _, camp := range camps {
		if camp.Status == chorus.StatusClosed {
			continue
		}
		for _, ch := range camp.Channels {
			if ch.SlackChannel == channel {
				out = append(out, copyTarget{camp: camp, kind: ch.Kind})
			}
		}
	}
	return out, nil
}

// checkMessage checks a Slack message: the verdict goes to the message's thread, a card to each
// lead, and a short confirmation to whoever asked.
func (c *call) checkMessage(ctx context.Context, t copyTarget, m MessageEvent) (Reply, error) {
	t.channel, t.ts, t.author = m.Channel, m.TS, m.User
	if t.author == "" {
		t.author = c.req.User
	}
	posts, err := c.checkPosts(ctx, t, m.Text)
	if err != nil {
		return Reply{}, err
	}
	r := notice("🔎 " + c.t("drift.checked", t.camp.Name, channelRef(m.Channel)))
	r.Posts = posts
	return r, nil
}

// checkPosts submits a Slack message and returns the posts that answer it: the verdict in its
// thread and the leads' approval cards.
func (c *call) checkPosts(ctx context.Context, t copyTarget, text string) ([]Post, error) {
	sub, k, err := c.submit(ctx, t, text)
	if err != nil {
		return nil, err
	}
	v := c.verdictReply(sub, k, false)
	posts := []Post{{Channel: sub.SlackChannel, Thread: sub.SlackTS, Text: v.Text, Blocks: v.Blocks}}
	leads, err := c.leadCards(ctx, t.camp, sub, k)
	if err != nil {
		return nil, err
	}
	return append(posts, leads...), nil
}

// driftListener reads channel messages: an edited message that was submitted is checked
// again, and copy posted in a channel that opted in to automatic checks is checked at once.
func (s *Service) driftListener(ctx context.Context, ev MessageEvent) []Post {
	if ev.Deleted || strings.TrimSpace(ev.Text) == "" || ev.User == "" {
		return nil
	}
	c, err := s.begin(ctx, Request{Workspace: ev.Workspace, User: ev.User, Channel: ev.Channel})
	if err != nil {
		s.log.Error("drift: begin", "workspace", ev.Workspace, "err", err)
		return nil
	}
	posts, err := c.onCopyMessage(ctx, ev)
	if err != nil {
		if ps := chorus.ProblemsOf(err); len(ps) > 0 {
			// The author's copy cannot be checked as it is (too long, campaign without message):
			// say so in the thread rather than stay silent.
			r := c.fail(err)
			return []Post{{Channel: ev.Channel, Thread: ev.TS, Text: r.Text, Blocks: r.Blocks}}
		}
		s.log.Error("drift: check message", "workspace", ev.Workspace, "channel", ev.Channel, "ts", ev.TS, "err", err)
		return nil
	}
	return posts
}

func (c *call) onCopyMessage(ctx context.Context, ev MessageEvent) ([]Post, error) {
	if ev.Edited {
		sub, err := c.store.SubmissionByMessage(ctx, c.req.Workspace, ev.Channel, ev.TS)
		switch {
		case err == nil:
			if chorus.Fold(sub.Text) == chorus.Fold(ev.Text) {
				return nil, nil
			}
			camp, err := c.loadCampaign(ctx, sub.Campaign)
			if err != nil {
				return nil, err
			}
			return c.checkPosts(ctx, copyTarget{camp: camp, kind: sub.ChannelKind, author: sub.Author, channel: ev.Channel, ts: ev.TS}, ev.Text)
		case !errors.Is(err, chorus.ErrNotFound):
			return nil, fmt.Errorf("look up submitted message: %w", err)
		}
	}
	if ev.ThreadTS != "" && ev.ThreadTS != ev.TS {
		return nil, nil // replies in a thread discuss copy; they are not copy
	}
	a, err := c.store.AutoCheck(ctx, c.req.Workspace, ev.Channel)
	if errors.Is(err, chorus.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read auto-check: %w", err)
	}
	if !looksLikeCopy(ev.Text) {
		return nil, nil
	}
	camp, err := c.loadCampaign(ctx, a.Campaign)
	if errors.Is(err, chorus.ErrNotFound) || err == nil && (camp.Status == chorus.StatusClosed || strings.TrimSpace(camp.Message) == "") {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return c.checkPosts(ctx, copyTarget{camp: camp, kind: a.ChannelKind, author: ev.User, channel: ev.Channel, ts: ev.TS}, ev.Text)
}

// looksLikeCopy tells copy from conversation in a team channel: copy is a statement of some
// length; questions, short replies and commands are talk about it.
func looksLikeCopy(text string) bool {
	t := strings.TrimSpace(text)
	if strings.HasPrefix(t, "/") || strings.HasSuffix(t, "?") {
		return false
	}
	return len(strings.Fields(t)) >= minCopyWords
}

// autoCheckCommand answers "/campaign autocheck <slug> <kind> on|off".
func (c *call) autoCheckCommand(ctx context.Context, slug, kind, state string) (Reply, error) {
	camp, err := c.loadCampaign(ctx, slug)
	if err != nil {
		return Reply{}, err
	}
	if err := c.leadOnlyTo("autocheck")(camp); err != nil {
		return Reply{}, err
	}
	ch, ok := camp.Channel(kind)
	if !ok {
		return Reply{}, chorus.Invalid("kind", "drift.kind.unknown", kind, camp.Name, c.kindList(camp))
	}
	if ch.SlackChannel == "" {
		return Reply{}, chorus.Errorf(chorus.ErrInvalid, "drift.autocheck.no_channel", kind, camp.Slug)
	}
	switch state {
	case "on", "oui", "yes", "activer", "active":
		if _, err := c.store.SetAutoCheck(ctx, chorus.AutoCheck{WorkspaceID: c.req.Workspace, Channel: ch.SlackChannel, Campaign: camp.Slug, ChannelKind: kind, By: c.req.User}); err != nil {
			return Reply{}, fmt.Errorf("set auto-check: %w", err)
		}
		if err := c.audit(ctx, "campaign.autocheck.on", "campaign:"+camp.Slug, camp.Version, camp.Version, kind+" "+ch.SlackChannel); err != nil {
			return Reply{}, err
		}
		return notice("✅ " + c.t("drift.autocheck.on", channelRef(ch.SlackChannel), camp.Name, kind)), nil
	case "off", "non", "no", "desactiver", "inactive":
		err := c.store.ClearAutoCheck(ctx, c.req.Workspace, ch.SlackChannel)
		if err != nil && !errors.Is(err, chorus.ErrNotFound) {
			return Reply{}, fmt.Errorf("clear auto-check: %w", err)
		}
		if err := c.audit(ctx, "campaign.autocheck.off", "campaign:"+camp.Slug, camp.Version, camp.Version, kind+" "+ch.SlackChannel); err != nil {
			return Reply{}, err
		}
		return notice("✅ " + c.t("drift.autocheck.off", channelRef(ch.SlackChannel))), nil
	}
	return Reply{}, chorus.Errorf(chorus.ErrInvalid, "usage", c.t("drift.usage.autocheck"))
}

func (c *call) kindList(camp chorus.Campaign) string {
	kinds := make([]string, len(camp.Channels))
	for i, ch := range camp.Channels {
		kinds[i] = ch.Kind
	}
	if len(kinds) == 0 {
		return "—"
	}
	return strings.Join(kinds, ", ")
}

// verdictReply writes a check's verdict in the caller's language. withCopy quotes the copy,
// for a verdict that is not posted under the message itself.
func (c *call) verdictReply(sub chorus.Submission, k checked, withCopy bool) Reply {
	var blocks []Block
	if withCopy {
		blocks = append(blocks, Block{Kind: Section, Text: c.t("drift.copy.heading", mention(sub.Author), k.camp.Name, sub.ChannelKind) + "\n" + quote(sub.Text)})
	}
	head, lines := c.verdictLines(k)
	blocks = append(blocks, Block{Kind: Section, Text: head})
	if len(lines) > 0 {
		blocks = append(blocks, Block{Kind: Section, Text: strings.Join(lines, "\n")})
	}
	if k.rewrite != "" {
		blocks = append(blocks, Block{Kind: Section, Text: "🤖 *" + c.t("drift.rewrite") + "*\n" + quote(k.rewrite)})
	}
	blocks = append(blocks, Block{Kind: Context, Text: c.t("drift.verdict.context", sub.ID, k.camp.Slug, sub.CampaignVersion, c.t("drift.status."+string(sub.Status)))})
	if c.opts.Judge != nil && !k.judged && k.exception == nil {
		blocks = append(blocks, Block{Kind: Actions, Buttons: []Button{{Text: c.t("drift.button.judge"), ActionID: ActDriftJudge, Value: cardValue(sub)}}})
	}
	return Reply{Text: head, Blocks: blocks}
}

// verdictLines returns the verdict's first line and one line per finding, each with its reason
// and suggestion. Blocks stay under Slack's 3,000 characters per section.
func (c *call) verdictLines(k checked) (string, []string) {
	switch {
	case k.exception != nil:
		return "✅ " + c.t("drift.verdict.excepted", mention(k.exception.Author), k.exception.Comment), nil
	case !k.drift():
		return "✅ " + c.t("drift.verdict.aligned", k.camp.Name), nil
	}
	var lines []string
	size := 0
	add := func(line string) {
		if size+utf8.RuneCountInString(line) < 2800 {
			lines = append(lines, line)
			size += utf8.RuneCountInString(line) + 1
		}
	}
	for _, f := range k.offline.Findings {
		line := "• *" + c.t("drift.kind."+string(f.Kind)) + "* — " + f.Reason(c.lang)
		if f.Suggestion != "" {
			line += "\n   💡 " + f.Suggestion
		}
		add(line)
	}
	for _, f := range k.extra {
		line := "• 🤖 *" + c.t("drift.kind."+string(f.Kind)) + "* — " + f.Reason
		if f.Suggestion != "" {
			line += "\n   💡 " + f.Suggestion
		}
		add(line)
	}
	return "⚠️ " + c.t("drift.verdict.drift", len(k.offline.Findings)+len(k.extra), k.camp.Name), lines
}

// quote writes text as a Slack block quote.
func quote(text string) string {
	return "> " + strings.ReplaceAll(ellipsis2(text, 1500), "\n", "\n> ")
}

// ellipsis2 cuts s to n runes keeping its line breaks (ellipsis flattens them).
func ellipsis2(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// cardValue is what the approval buttons carry: the submission and the version the card shows,
// so a click on a card the copy has since outgrown is refused.
func cardValue(sub chorus.Submission) string { return sub.ID + "@" + strconv.Itoa(sub.Version) }

func parseCardValue(v string) (string, int, error) {
	id, n, ok := strings.Cut(v, "@")
	version, err := strconv.Atoi(n)
	if !ok || err != nil || id == "" {
		return "", 0, chorus.Errorf(chorus.ErrInvalid, "drift.card.bad")
	}
	return id, version, nil
}

// leadCards returns an approval card for each lead of the campaign, in each lead's language,
// sent to them directly.
func (c *call) leadCards(ctx context.Context, camp chorus.Campaign, sub chorus.Submission, k checked) ([]Post, error) {
	posts := make([]Post, 0, len(camp.Leads))
	for _, lead := range camp.Leads {
		lc, err := c.as(ctx, lead)
		if err != nil {
			return nil, err
		}
		r := lc.approvalCard(sub, k)
		posts = append(posts, Post{Channel: lead, Text: r.Text, Blocks: r.Blocks})
	}
	return posts, nil
}

// as returns a copy of the call that speaks user's language, for a message sent to them.
func (c *call) as(ctx context.Context, user string) (*call, error) {
	lc := *c
	lc.lang = c.ws.Lang
	l, err := c.store.UserLang(ctx, c.req.Workspace, user)
	switch {
	case err == nil:
		lc.lang = l
	case !errors.Is(err, chorus.ErrNotFound):
		return nil, fmt.Errorf("language of %s: %w", user, err)
	}
	return &lc, nil
}

// approvalCard is what a lead reads to decide: the copy, the verdict and the decision buttons.
// Flagged copy can only be approved with an exception.
func (c *call) approvalCard(sub chorus.Submission, k checked) Reply {
	title := c.t("drift.card.title", k.camp.Name, sub.ChannelKind)
	blocks := []Block{{Kind: Header, Text: "📝 " + title}, {Kind: Section, Text: quote(sub.Text)}}
	head, lines := c.verdictLines(k)
	blocks = append(blocks, Block{Kind: Section, Text: strings.Join(append([]string{head}, lines...), "\n")})
	if k.rewrite != "" {
		blocks = append(blocks, Block{Kind: Section, Text: "🤖 *" + c.t("drift.rewrite") + "*\n" + quote(k.rewrite)})
	}
	where := ""
	if sub.FromMessage() {
		where = " · " + channelRef(sub.SlackChannel)
	}
	blocks = append(blocks, Block{Kind: Context, Text: c.t("drift.card.context", mention(sub.Author), sub.ID, sub.CampaignVersion) + where})
	v := cardValue(sub)
	var buttons []Button
	if sub.Status.Awaiting() {
		if k.drift() {
			buttons = []Button{
				{Text: c.t("drift.button.changes"), ActionID: ActDriftChanges, Value: v, Style: "danger"},
				{Text: c.t("drift.button.exception"), ActionID: ActDriftException, Value: v},
			}
		} else {
			buttons = []Button{
				{Text: c.t("drift.button.approve"), ActionID: ActDriftApprove, Value: v, Style: "primary"},
				{Text: c.t("drift.button.changes"), ActionID: ActDriftChanges, Value: v},
			}
		}
		blocks = append(blocks, Block{Kind: Actions, Buttons: buttons})
	} else {
		blocks = append(blocks, Block{Kind: Context, Text: c.t("drift.status." + string(sub.Status))})
	}
	return Reply{Text: title + " — " + ellipsis(sub.Text, 150), Blocks: blocks}
}

// loadDecidable loads the submission a card's button names and checks that the acting user may
// decide on it now: a lead of its campaign, on the version the card shows, checked against the
// campaign's current message.
func (c *call) loadDecidable(ctx context.Context, value string) (chorus.Submission, chorus.Campaign, error) {
	id, version, err := parseCardValue(value)
	if err != nil {
		return chorus.Submission{}, chorus.Campaign{}, err
	}
	sub, err := c.store.Submission(ctx, c.req.Workspace, id)
	if errors.Is(err, chorus.ErrNotFound) {
		return sub, chorus.Campaign{}, chorus.Errorf(chorus.ErrNotFound, "drift.submission.unknown", id)
	}
	if err != nil {
		return sub, chorus.Campaign{}, fmt.Errorf("load submission: %w", err)
	}
	camp, err := c.loadCampaign(ctx, sub.Campaign)
	if err != nil {
		return sub, camp, err
	}
	if !camp.IsLead(c.req.User) {
		return sub, camp, chorus.Errorf(chorus.ErrForbidden, "drift.forbidden.decide", camp.Name, c.mentions(camp.Leads))
	}
	switch {
	case sub.Status == chorus.SubmissionOutOfDate || sub.MessageHash != chorus.MessageHash(camp):
		return sub, camp, chorus.Errorf(chorus.ErrConflict, "drift.decide.out_of_date", camp.Name)
	case sub.Version != version:
		return sub, camp, chorus.Errorf(chorus.ErrConflict, "drift.card.stale", c.t("drift.status."+string(sub.Status)))
	case !sub.Status.Awaiting():
		return sub, camp, chorus.Errorf(chorus.ErrConflict, "drift.decide.done", c.t("drift.status."+string(sub.Status)))
	}
	return sub, camp, nil
}

// commentModal asks a lead why they request changes or grant an exception.
func (c *call) commentModal(ctx context.Context, callback, value string) (Reply, error) {
	sub, camp, err := c.loadDecidable(ctx, value)
	if err != nil {
		return Reply{}, err
	}
	title, label := "drift.modal.changes", "drift.field.changes"
	if callback == ModalDriftException {
		title, label = "drift.modal.exception", "drift.field.exception"
	}
	return Reply{Modal: &Modal{
		CallbackID: callback, Title: c.t(title), Submit: c.t("button.save"), Close: c.t("button.cancel"),
		PrivateMetadata: value, Intro: camp.Name + " · " + sub.ChannelKind + "\n" + quote(ellipsis(sub.Text, 300)),
		Inputs: []Input{{ID: "comment", Label: c.t(label), Kind: MultilineInput, MaxLength: chorus.MaxCommentLen}},
	}}, nil
}

// decide records a lead's decision as the submission's next version, audits it, and tells the
// copy's author: in the message's thread for a Slack message, else directly.
func (c *call) decide(ctx context.Context, value string, kind chorus.DecisionKind, comment string) (Reply, error) {
	sub, camp, err := c.loadDecidable(ctx, value)
	if err != nil {
		return Reply{}, err
	}
	comment = strings.TrimSpace(comment)
	d := chorus.Decision{WorkspaceID: c.req.Workspace, Submission: sub.ID, Kind: kind, Author: c.req.User, Comment: comment, At: c.now()}
	if err := d.Validate(); err != nil {
		return Reply{}, err
	}
	if kind == chorus.DecisionApprove && sub.Verdict.Drift {
		return Reply{}, chorus.Errorf(chorus.ErrInvalid, "drift.decide.flagged")
	}
	before := sub.Version
	next := sub
	next.Status, next.UpdatedBy = kind.Status(), c.req.User
	saved, err := c.store.UpdateSubmission(ctx, next)
	if errors.Is(err, chorus.ErrConflict) {
		return Reply{}, chorus.Errorf(chorus.ErrConflict, "drift.card.stale", c.t("drift.status.changed"))
	}
	if err != nil {
		return Reply{}, fmt.Errorf("store decision: %w", err)
	}
	d.Version = saved.Version
	if err := c.store.AddDecision(ctx, d); err != nil {
		return Reply{}, fmt.Errorf("record decision: %w", err)
	}
	if kind == chorus.DecisionApproveException {
		err := c.store.AddException(ctx, chorus.Exception{WorkspaceID: c.req.Workspace, Campaign: camp.Slug, TextHash: chorus.TextHash(sub.Text),
			MessageHash: sub.MessageHash, Submission: sub.ID, Author: c.req.User, Comment: comment})
		if err != nil {
			return Reply{}, fmt.Errorf("record exception: %w", err)
		}
	}
	if err := c.audit(ctx, "submission."+string(kind), "submission:"+sub.ID, before, saved.Version, comment); err != nil {
		return Reply{}, err
	}
	ac, err := c.as(ctx, sub.Author)
	if err != nil {
		return Reply{}, err
	}
	tell := ac.t("drift.told."+string(kind), mention(c.req.User), camp.Name, sub.ChannelKind)
	if comment != "" {
		tell += "\n> " + strings.ReplaceAll(comment, "\n", "\n> ")
	}
	if kind == chorus.DecisionRequestChanges && sub.FromMessage() {
		tell += "\n" + ac.t("drift.told.edit_hint")
	}
	post := Post{Channel: sub.Author, Text: tell}
	if sub.FromMessage() {
		post = Post{Channel: sub.SlackChannel, Thread: sub.SlackTS, Text: mention(sub.Author) + " " + tell}
	}
	post.Blocks = []Block{{Kind: Section, Text: post.Text}}
	done := c.t("drift.decided."+string(kind), mention(sub.Author), camp.Name, sub.ChannelKind)
	return Reply{Text: done, Blocks: []Block{{Kind: Section, Text: decisionEmoji(kind) + " " + done}}, ReplaceOriginal: true, Posts: []Post{post}}, nil
}

func decisionEmoji(k chorus.DecisionKind) string {
	switch k {
	case chorus.DecisionApprove:
		return "✅"
	case chorus.DecisionApproveException:
		return "☑️"
	}
	return "✏️"
}

// showSubmission shows a submission's approval card again, from the App Home.
func (c *call) showSubmission(ctx context.Context, id string) (Reply, error) {
	sub, err := c.store.Submission(ctx, c.req.Workspace, id)
	if errors.Is(err, chorus.ErrNotFound) {
		return Reply{}, chorus.Errorf(chorus.ErrNotFound, "drift.submission.unknown", id)
	}
	if err != nil {
		return Reply{}, fmt.Errorf("load submission: %w", err)
	}
	camp, err := c.loadCampaign(ctx, sub.Campaign)
	if err != nil {
		return Reply{}, err
	}
	k, err := c.check(ctx, camp, sub.Text)
	if err != nil {
		return Reply{}, err
	}
	if sub.MessageHash != chorus.MessageHash(camp) {
		sub.Status = chorus.SubmissionOutOfDate // the card must not offer a decision on it
	}
	return c.approvalCard(sub, k), nil
}

// judgeSubmission asks the judge about a submission on request and shows its opinion to the
// asker. The stored verdict is unchanged: the offline detector remains the record.
func (c *call) judgeSubmission(ctx context.Context, value string) (Reply, error) {
	j := c.opts.Judge
	if j == nil {
		return Reply{}, chorus.Errorf(chorus.ErrInvalid, "drift.judge.off")
	}
	id, _, err := parseCardValue(value)
	if err != nil {
		return Reply{}, err
	}
	sub, err := c.store.Submission(ctx, c.req.Workspace, id)
	if err != nil {
		return Reply{}, fmt.Errorf("load submission: %w", err)
	}
	camp, err := c.loadCampaign(ctx, sub.Campaign)
	if err != nil {
		return Reply{}, err
	}
	terms, err := c.glossaryTerms(ctx)
	if err != nil {
		return Reply{}, err
	}
	k := checked{camp: camp, ref: drift.Compile(camp, terms, 0)}
	k.offline = k.ref.Check(sub.Text, "")
	op, err := j.Judge(ctx, JudgeQuery{Campaign: camp, Glossary: terms, Reference: k.ref, Text: sub.Text, Lang: c.lang, Offline: k.offline})
	if err != nil {
		c.log.Warn("drift judge unavailable on request", "submission", id, "err", err)
		return notice("⚠️ " + c.t("drift.judge.unavailable")), nil
	}
	k.extra, k.rewrite, k.judged = op.Findings, op.Rewrite, true
	head, lines := c.verdictLines(k)
	blocks := []Block{{Kind: Section, Text: "🤖 " + c.t("drift.judge.title") + "\n" + head}}
	if len(lines) > 0 {
		blocks = append(blocks, Block{Kind: Section, Text: strings.Join(lines, "\n")})
	}
	if k.rewrite != "" {
		blocks = append(blocks, Block{Kind: Section, Text: "*" + c.t("drift.rewrite") + "*\n" + quote(k.rewrite)})
	}
	return Reply{Text: head, Blocks: blocks}, nil
}

// submissionList answers "/campaign submissions <slug>": each copy and where it stands.
func (c *call) submissionList(ctx context.Context, slug string) (Reply, error) {
	camp, err := c.loadCampaign(ctx, slug)
	if err != nil {
		return Reply{}, err
	}
	subs, err := c.store.Submissions(ctx, c.req.Workspace, chorus.SubmissionFilter{Campaign: camp.Slug})
	if err != nil {
		return Reply{}, fmt.Errorf("list submissions: %w", err)
	}
	if len(subs) == 0 {
		return notice(c.t("drift.list.empty", camp.Name)), nil
	}
	blocks := []Block{{Kind: Header, Text: c.t("drift.list.title", camp.Name, len(subs))}}
	lines := []string{c.t("drift.list.title", camp.Name, len(subs))}
	for i, sub := range subs {
		if i == 30 {
			blocks = append(blocks, Block{Kind: Context, Text: c.t("home.more", len(subs)-30)})
			break
		}
		line := c.submissionLine(sub)
		blocks = append(blocks, Block{Kind: Section, Text: line, Accessory: &Button{Text: c.t("button.show"), ActionID: ActDriftShow, Value: sub.ID}})
		lines = append(lines, line)
	}
	return Reply{Text: strings.Join(lines, "\n"), Blocks: blocks}, nil
}

func (c *call) submissionLine(sub chorus.Submission) string {
	return fmt.Sprintf("%s `%s` *%s* · %s — %s — « %s »", statusIcon(sub.Status), sub.ID, sub.ChannelKind, mention(sub.Author),
		c.t("drift.status."+string(sub.Status)), ellipsis(sub.Text, 80))
}

func statusIcon(s chorus.SubmissionStatus) string {
	switch s {
	case chorus.SubmissionPending:
		return "🕒"
	case chorus.SubmissionFlagged:
		return "⚠️"
	case chorus.SubmissionChangesRequested:
		return "✏️"
	case chorus.SubmissionApproved:
		return "✅"
	case chorus.SubmissionApprovedWithException:
		return "☑️"
	}
	return "⌛"
}

// homeApprovals lists, for the App Home, the copy awaiting a decision of the user among camps.
func (c *call) homeApprovals(ctx context.Context, camps []chorus.Campaign) ([]Block, error) {
	led := map[string]chorus.Campaign{}
	for _, camp := range camps {
		if camp.IsLead(c.req.User) {
			led[camp.Slug] = camp
		}
	}
	if len(led) == 0 {
		return nil, nil
	}
	subs, err := c.store.Submissions(ctx, c.req.Workspace, chorus.SubmissionFilter{Statuses: []chorus.SubmissionStatus{chorus.SubmissionPending, chorus.SubmissionFlagged}})
	if err != nil {
		return nil, fmt.Errorf("list submissions awaiting approval: %w", err)
	}
	subs = slices.DeleteFunc(subs, func(s chorus.Submission) bool { _, ok := led[s.Campaign]; return !ok })
	blocks := []Block{{Kind: Divider}, {Kind: Section, Text: "*" + c.t("drift.home.title", len(subs)) + "*"}}
	if len(subs) == 0 {
		blocks = append(blocks, Block{Kind: Context, Text: c.t("drift.home.none")})
	}
	for i, sub := range subs {
		if i == 20 {
			blocks = append(blocks, Block{Kind: Context, Text: c.t("home.more", len(subs)-20)})
			break
		}
		line := c.submissionLine(sub) + " · " + led[sub.Campaign].Name
		blocks = append(blocks, Block{Kind: Section, Text: line, Accessory: &Button{Text: c.t("drift.button.review"), ActionID: ActDriftShow, Value: sub.ID}})
	}
	return blocks, nil
}

// messageChanged runs after a lead changed what copy is checked against (the global message or
// the must-include points): it shows back the facts the detector read, for the lead to fix an
// extraction mistake before any team is judged by it, and puts every submission checked
// against an older message out of date, telling each author.
func (c *call) messageChanged(ctx context.Context, saved chorus.Campaign) ([]Block, []Post, error) {
	terms, err := c.glossaryTerms(ctx)
	if err != nil {
		return nil, nil, err
	}
	facts := Block{Kind: Context, Text: "🔎 " + drift.Compile(saved, terms, 0).Summary(c.lang) + " · " + c.t("drift.facts.fix")}
	subs, err := c.store.Submissions(ctx, c.req.Workspace, chorus.SubmissionFilter{Campaign: saved.Slug})
	if err != nil {
		return nil, nil, fmt.Errorf("list submissions: %w", err)
	}
	hash := chorus.MessageHash(saved)
	var posts []Post
	for _, sub := range subs {
		if sub.Status == chorus.SubmissionOutOfDate || sub.MessageHash == hash {
			continue
		}
		was := sub.Status
		next := sub
		next.Status, next.UpdatedBy = chorus.SubmissionOutOfDate, c.req.User
		out, err := c.store.UpdateSubmission(ctx, next)
		if errors.Is(err, chorus.ErrConflict) {
			// A decision or re-check landed meanwhile; the re-check stamped the new message or
			// the next message change will catch it. A decision on it is refused as out of date.
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("put submission %s out of date: %w", sub.ID, err)
		}
		if err := c.audit(ctx, "submission.out_of_date", "submission:"+sub.ID, sub.Version, out.Version, fmt.Sprintf("campaign v%d", saved.Version)); err != nil {
			return nil, nil, err
		}
		ac, err := c.as(ctx, sub.Author)
		if err != nil {
			return nil, nil, err
		}
		key := "drift.outdated.pending"
		if was.Approved() {
			key = "drift.outdated.approved"
		}
		text := ac.t(key, saved.Name, sub.ChannelKind, mention(c.req.User), saved.Version) + "\n" + quote(ellipsis(sub.Text, 200))
		hint := ac.t("drift.outdated.hint_typed", saved.Slug, sub.ChannelKind)
		if sub.FromMessage() {
			hint = ac.t("drift.outdated.hint_message")
		}
		text += "\n" + hint
		posts = append(posts, Post{Channel: sub.Author, Text: text, Blocks: []Block{{Kind: Section, Text: "⌛ " + text}}})
	}
	return []Block{facts}, posts, nil
}

// digestExtrasMax bounds the copy a digest lists per section; App Home has the rest.
const digestExtrasMax = 10

// DigestExtras is what a digest adds about copy under review, in lang: copy awaiting a lead's
// decision and copy whose drift is still open (flagged, or changes requested), among camps. A
// team channel's digest (lead false) keeps the copy of the kinds that channel carries; a lead
// digest keeps everything. The scheduler calls it for each digest it builds.
func (s *Service) DigestExtras(ctx context.Context, workspace, channel string, lead bool, camps []chorus.Campaign, lang chorus.Lang) ([]Block, error) {
	c := &call{Service: s, req: Request{Workspace: workspace}, lang: lang}
	inScope := map[string]string{} // campaign slug -> name
	kinds := map[string]bool{}     // campaign/kind this channel carries
	for _, camp := range camps {
		for _, ch := range camp.Channels {
			if lead || ch.SlackChannel == channel {
				inScope[camp.Slug] = camp.Name
				kinds[camp.Slug+"/"+ch.Kind] = true
			}
		}
	}
	if len(inScope) == 0 {
		return nil, nil
	}
	subs, err := s.store.Submissions(ctx, workspace, chorus.SubmissionFilter{Statuses: []chorus.SubmissionStatus{
		chorus.SubmissionPending, chorus.SubmissionFlagged, chorus.SubmissionChangesRequested}})
	if err != nil {
		return nil, fmt.Errorf("list submissions for a digest: %w", err)
	}
	var pending, open []chorus.Submission
	for _, sub := range subs {
		if _, ok := inScope[sub.Campaign]; !ok || !lead && !kinds[sub.Campaign+"/"+sub.ChannelKind] {
			continue
		}
		if sub.Status == chorus.SubmissionPending {
			pending = append(pending, sub)
		} else {
			open = append(open, sub)
		}
	}
	var blocks []Block
	section := func(title string, list []chorus.Submission) {
		if len(list) == 0 {
			return
		}
		lines := []string{"*" + title + "*"}
		for i, sub := range list {
			if i == digestExtrasMax {
				lines = append(lines, c.t("home.more", len(list)-digestExtrasMax))
				break
			}
			lines = append(lines, "• "+c.submissionLine(sub)+" · "+inScope[sub.Campaign])
		}
		blocks = append(blocks, Block{Kind: Section, Text: strings.Join(lines, "\n")})
	}
	section(c.t("drift.digest.pending", len(pending)), pending)
	section(c.t("drift.digest.open", len(open)), open)
	return blocks, nil
}
