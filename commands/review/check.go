package review

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/drift"
	"github.com/chorus-hq/chorus/reply"
)

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
	v.ToCheck = min(len(k.offline.Review), chorus.MaxFindings)
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
	terms, err := c.store.Terms(ctx, c.Req.Workspace)
	if err != nil {
		return nil, fmt.Errorf("load glossary: %w", err)
	}
	return chorus.Enforced(terms), nil // a retired term is kept, not enforced
}

// reference is the campaign compiled with the workspace's glossary, found again while neither
// changed: the glossary is named by its version, and its terms are read only to compile.
func (c *call) reference(ctx context.Context, camp chorus.Campaign) (*drift.Reference, error) {
	return c.refs.CompileVersion(camp.Enforced(), c.store.GlossaryVersion(ctx, c.Req.Workspace),
		func() ([]chorus.GlossaryTerm, error) { return c.glossaryTerms(ctx) }, 0)
}

// check runs the offline detector on text, asks the judge when the verdict is borderline, and
// looks for an exception a lead granted to this very text against this very message.
func (c *call) check(ctx context.Context, camp chorus.Campaign, text string) (checked, error) {
	ref, err := c.reference(ctx, camp)
	if err != nil {
		return checked{}, err
	}
	k := checked{camp: camp, ref: ref}
	k.offline = k.ref.Check(text, "")
	if j := c.judge; j != nil && j.Borderline(k.offline) {
		terms, err := c.glossaryTerms(ctx)
		if err != nil {
			return checked{}, err
		}
		op, err := j.Judge(ctx, JudgeQuery{Campaign: camp, Glossary: terms, Reference: k.ref, Text: text, Lang: c.Lang, Offline: k.offline})
		if err != nil {
			c.Log.Warn("drift judge unavailable; offline verdict kept", "campaign", camp.Slug, "err", err)
		} else {
			k.extra, k.rewrite, k.judged = op.Findings, op.Rewrite, true
		}
	}
	if k.offline.Drift || len(k.extra) > 0 {
		e, err := c.store.Exception(ctx, c.Req.Workspace, camp.Slug, chorus.TextHash(text), chorus.MessageHash(camp))
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
		if len(kinds) == 0 {
			return chorus.Submission{}, checked{}, chorus.Errorf(chorus.ErrInvalid, "drift.no_channels", camp.Name, camp.Slug)
		}
		return chorus.Submission{}, checked{}, chorus.Invalid("kind", "drift.kind.unknown", t.kind, camp.Name, strings.Join(kinds, ", "))
	}
	k, err := c.check(ctx, camp, text)
	if err != nil {
		return chorus.Submission{}, checked{}, err
	}
	sub := chorus.Submission{
		WorkspaceID: c.Req.Workspace, Campaign: camp.Slug, ChannelKind: t.kind, Text: strings.TrimSpace(text), Author: t.author,
		SlackChannel: t.channel, SlackTS: t.ts, CampaignVersion: camp.Version, MessageHash: chorus.MessageHash(camp),
		Verdict: k.verdict(), Status: k.status(), UpdatedBy: c.Req.User,
	}
	if err := sub.Validate(); err != nil {
		return chorus.Submission{}, checked{}, err
	}
	saved, err := c.store.CreateSubmission(ctx, sub)
	if errors.Is(err, chorus.ErrConflict) && sub.FromMessage() {
		prev, err := c.store.SubmissionByMessage(ctx, c.Req.Workspace, t.channel, t.ts)
		if err != nil {
			return chorus.Submission{}, checked{}, fmt.Errorf("load submitted message: %w", err)
		}
		saved, err = c.storeRecheck(ctx, prev, sub)
		return saved, k, err
	}
	if err != nil {
		return chorus.Submission{}, checked{}, fmt.Errorf("store submission: %w", err)
	}
	if err := c.Audit(ctx, "submission.create", "submission:"+saved.ID, 0, saved.Version, camp.Slug+"/"+saved.ChannelKind+" "+string(saved.Status)); err != nil {
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
		upd.Step = 0 // checked again: the approval chain starts again
		upd.UpdatedBy = c.Req.User
		saved, err := c.store.UpdateSubmission(ctx, upd)
		if errors.Is(err, chorus.ErrConflict) && attempt < feature.MaxEditRetries {
			if prev, err = c.store.Submission(ctx, c.Req.Workspace, prev.ID); err != nil {
				return chorus.Submission{}, fmt.Errorf("reload submission: %w", err)
			}
			continue
		}
		if err != nil {
			return chorus.Submission{}, fmt.Errorf("store re-check: %w", err)
		}
		if err := c.Audit(ctx, "submission.recheck", "submission:"+saved.ID, prev.Version, saved.Version, string(prev.Status)+" → "+string(saved.Status)); err != nil {
			return chorus.Submission{}, err
		}
		return saved, nil
	}
}

// submitCommand answers "/campaign submit <slug> [kind] [text]": the verdict in the channel and
// an approval card to each lead. Without a kind or a text it opens the submission form.
func (c *call) submitCommand(ctx context.Context, slug, kind, text string) (reply.Reply, error) {
	camp, err := c.LoadCampaign(ctx, slug)
	if err != nil {
		return reply.Reply{}, err
	}
	if len(camp.Channels) == 0 {
		// no kind to pick: the form could never be filled in, say what to do instead
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "drift.no_channels", camp.Name, camp.Slug)
	}
	if kind == "" || strings.TrimSpace(text) == "" {
		return reply.Reply{Modal: c.submitModal(camp, kind)}, nil
	}
	sub, k, err := c.submit(ctx, copyTarget{camp: camp, kind: kind, author: c.Req.User}, text)
	if err != nil {
		return reply.Reply{}, err
	}
	r := c.verdictReply(sub, k, true)
	r.Visibility = reply.InChannel
	leads, err := c.leadCards(ctx, camp, sub, k)
	if err != nil {
		return reply.Reply{}, err
	}
	r.Posts = append(r.Posts, leads...)
	return r, nil
}

// submitModal is the form for copy typed without its kind or text.
func (c *call) submitModal(camp chorus.Campaign, kind string) *reply.Modal {
	opts := make([]reply.Option, 0, len(camp.Channels))
	for _, ch := range camp.Channels {
		opts = append(opts, reply.Option{Text: ch.Kind, Value: ch.Kind})
	}
	if kind == "" && len(opts) > 0 {
		kind = opts[0].Value
	}
	return &reply.Modal{
		CallbackID: reply.ModalDriftSubmit, Title: c.T("drift.modal.submit"), Submit: c.T("drift.button.check"), Close: c.T("button.cancel"),
		PrivateMetadata: camp.Slug, Intro: camp.Name,
		Inputs: []reply.Input{
			{ID: "kind", Label: c.T("drift.field.kind"), Kind: reply.SelectInput, Options: opts, Initial: kind},
			{ID: "text", Label: c.T("drift.field.text"), Kind: reply.MultilineInput, MaxLength: chorus.MaxCopyLen, Placeholder: c.T("drift.modal.text.placeholder")},
		},
	}
}

func (c *call) submitSubmitModal(ctx context.Context, sub reply.Submission) (reply.Reply, error) {
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
func (c *call) checkCopyShortcut(ctx context.Context, a reply.Action) (reply.Reply, error) {
	m := a.Message
	if m == nil || strings.TrimSpace(m.Text) == "" || m.Channel == "" || m.TS == "" {
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "drift.shortcut.no_text")
	}
	targets, err := c.channelTargets(ctx, m.Channel)
	if err != nil {
		return reply.Reply{}, err
	}
	switch len(targets) {
	case 0:
		return reply.Reply{}, chorus.Errorf(chorus.ErrNotFound, "drift.shortcut.no_campaign", feature.ChannelRef(m.Channel))
	case 1:
		return c.checkMessage(ctx, targets[0], *m)
	}
	meta, err := json.Marshal(pickMeta{Channel: m.Channel, TS: m.TS, User: m.User, Text: m.Text})
	if err != nil {
		return reply.Reply{}, fmt.Errorf("encode shortcut message: %w", err)
	}
	opts := make([]reply.Option, len(targets))
	for i, t := range targets {
		opts[i] = reply.Option{Text: t.camp.Name + " · " + t.kind, Value: t.camp.Slug + "/" + t.kind}
	}
	return reply.Reply{Modal: &reply.Modal{
		CallbackID: reply.ModalDriftPick, Title: c.T("drift.modal.pick"), Submit: c.T("drift.button.check"), Close: c.T("button.cancel"),
		PrivateMetadata: string(meta), Intro: "> " + feature.Ellipsis(m.Text, 200),
		Inputs: []reply.Input{{ID: "target", Label: c.T("drift.field.campaign"), Kind: reply.SelectInput, Options: opts, Initial: opts[0].Value}},
	}}, nil
}

func (c *call) submitPickModal(ctx context.Context, sub reply.Submission) (reply.Reply, error) {
	var meta pickMeta
	if err := json.Unmarshal([]byte(sub.PrivateMetadata), &meta); err != nil {
		return reply.Reply{}, fmt.Errorf("decode shortcut message: %w", err)
	}
	slug, kind, _ := strings.Cut(sub.Values["target"], "/")
	camp, err := c.LoadCampaign(ctx, slug)
	if err != nil {
		return reply.Reply{}, err
	}
	return c.checkMessage(ctx, copyTarget{camp: camp, kind: kind}, reply.MessageEvent{
		Workspace: c.Req.Workspace, Channel: meta.Channel, TS: meta.TS, User: meta.User, Text: meta.Text,
	})
}

// channelTargets returns the live campaigns that channel is a team channel of, with its kind;
// a channel's automatic-check opt-in, when there is one, decides alone.
func (c *call) channelTargets(ctx context.Context, channel string) ([]copyTarget, error) {
	if a, err := c.checks.AutoCheck(ctx, c.Req.Workspace, channel); err == nil {
		if camp, err := c.LoadCampaign(ctx, a.Campaign); err == nil && camp.Status != chorus.StatusClosed {
			return []copyTarget{{camp: camp, kind: a.ChannelKind}}, nil
		}
	} else if !errors.Is(err, chorus.ErrNotFound) {
		return nil, fmt.Errorf("read auto-check: %w", err)
	}
	camps, err := c.store.Campaigns(ctx, c.Req.Workspace)
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
func (c *call) checkMessage(ctx context.Context, t copyTarget, m reply.MessageEvent) (reply.Reply, error) {
	t.channel, t.ts, t.author = m.Channel, m.TS, m.User
	if t.author == "" {
		t.author = c.Req.User
	}
	posts, err := c.checkPosts(ctx, t, m.Text)
	if err != nil {
		return reply.Reply{}, err
	}
	r := feature.Notice("🔎 " + c.T("drift.checked", t.camp.Name, feature.ChannelRef(m.Channel)))
	r.Posts = posts
	return r, nil
}

// checkPosts submits a Slack message and returns the posts that answer it: the verdict in its
// thread and the leads' approval cards.
func (c *call) checkPosts(ctx context.Context, t copyTarget, text string) ([]reply.Post, error) {
	sub, k, err := c.submit(ctx, t, text)
	if err != nil {
		return nil, err
	}
	v := c.verdictReply(sub, k, false)
	posts := []reply.Post{{Channel: sub.SlackChannel, Thread: sub.SlackTS, Text: v.Text, Blocks: v.Blocks}}
	leads, err := c.leadCards(ctx, t.camp, sub, k)
	if err != nil {
		return nil, err
	}
	return append(posts, leads...), nil
}

func (c *call) onCopyMessage(ctx context.Context, ev reply.MessageEvent) ([]reply.Post, error) {
	if ev.Edited {
		sub, err := c.store.SubmissionByMessage(ctx, c.Req.Workspace, ev.Channel, ev.TS)
		switch {
		case err == nil:
			if chorus.Fold(sub.Text) == chorus.Fold(ev.Text) {
				return nil, nil
			}
			camp, err := c.LoadCampaign(ctx, sub.Campaign)
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
	a, err := c.checks.AutoCheck(ctx, c.Req.Workspace, ev.Channel)
	if errors.Is(err, chorus.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read auto-check: %w", err)
	}
	if !looksLikeCopy(ev.Text) {
		return nil, nil
	}
	camp, err := c.LoadCampaign(ctx, a.Campaign)
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
func (c *call) autoCheckCommand(ctx context.Context, slug, kind, state string) (reply.Reply, error) {
	camp, err := c.LoadCampaign(ctx, slug)
	if err != nil {
		return reply.Reply{}, err
	}
	if err := c.LeadOnlyTo("autocheck")(camp); err != nil {
		return reply.Reply{}, err
	}
	ch, ok := camp.Channel(kind)
	if !ok {
		return reply.Reply{}, chorus.Invalid("kind", "drift.kind.unknown", kind, camp.Name, c.kindList(camp))
	}
	if ch.SlackChannel == "" {
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "drift.autocheck.no_channel", kind, camp.Slug)
	}
	switch state {
	case "on", "oui", "yes", "activer", "active":
		// one campaign per channel: say which one the channel leaves, never replace it in silence
		prev, err := c.checks.AutoCheck(ctx, c.Req.Workspace, ch.SlackChannel)
		switch {
		case errors.Is(err, chorus.ErrNotFound):
		case err != nil:
			return reply.Reply{}, fmt.Errorf("read auto-check: %w", err)
		case prev.Campaign == camp.Slug && prev.ChannelKind == kind:
			return feature.Notice("✅ " + c.T("drift.autocheck.already", feature.ChannelRef(ch.SlackChannel), camp.Name, kind)), nil
		}
		if _, err := c.checks.SetAutoCheck(ctx, chorus.AutoCheck{WorkspaceID: c.Req.Workspace, Channel: ch.SlackChannel, Campaign: camp.Slug, ChannelKind: kind, By: c.Req.User}); err != nil {
			return reply.Reply{}, fmt.Errorf("set auto-check: %w", err)
		}
		if err := c.Audit(ctx, "campaign.autocheck.on", "campaign:"+camp.Slug, camp.Version, camp.Version, kind+" "+ch.SlackChannel); err != nil {
			return reply.Reply{}, err
		}
		text := "✅ " + c.T("drift.autocheck.on", feature.ChannelRef(ch.SlackChannel), camp.Name, kind)
		if err == nil && prev.Campaign != "" {
			text += "\n⚠️ " + c.T("drift.autocheck.replaced", feature.ChannelRef(ch.SlackChannel), prev.Campaign, prev.ChannelKind)
		}
		return feature.Notice(text), nil
	case "off", "non", "no", "desactiver", "inactive":
		err := c.checks.ClearAutoCheck(ctx, c.Req.Workspace, ch.SlackChannel)
		if err != nil && !errors.Is(err, chorus.ErrNotFound) {
			return reply.Reply{}, fmt.Errorf("clear auto-check: %w", err)
		}
		if err := c.Audit(ctx, "campaign.autocheck.off", "campaign:"+camp.Slug, camp.Version, camp.Version, kind+" "+ch.SlackChannel); err != nil {
			return reply.Reply{}, err
		}
		return feature.Notice("✅ " + c.T("drift.autocheck.off", feature.ChannelRef(ch.SlackChannel))), nil
	}
	return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "usage", c.T("drift.usage.autocheck"))
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
