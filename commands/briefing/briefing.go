// Package briefing is the front line's « fiche promo » and « who answers what » (issue 16).
//
// When a campaign's copy is approved, the lead gets the campaign's briefing drafted from it:
// offer, dates, conditions, codes, the glossary's approved and forbidden wording, what each
// channel says (its approved copy), and a FAQ the lead edits. The lead sends it to the
// workspace's front-line channels (stores, customer service, sales: /chorus settings
// frontline); each member acknowledges it with one click (« Lu et compris »), the lead sees who
// did per channel (/campaign briefing status), and those who did not are reminded on their local
// time before go-live (Nudges, sent by the scheduler exactly once). A change of the campaign's
// message sends an updated edition saying what changed, and asks everyone again.
//
// A question asked in a briefing's thread is routed by its topic's keywords to the workspace's
// experts (/chorus experts), who are mentioned; unanswered after the workspace's delay, it goes
// to the campaign's leads; once answered, a lead adds it to the FAQ with one click.
package briefing

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// Store is what briefings need from persistence: the briefing (versioned), its acknowledgements
// and the threads of its editions.
type Store interface {
	Briefing(ctx context.Context, ws, campaign string) (chorus.Briefing, error)
	SaveBriefing(ctx context.Context, b chorus.Briefing) (chorus.Briefing, error)
	SentBriefings(ctx context.Context, liveAfter time.Time) ([]chorus.Briefing, error)
	AddAck(ctx context.Context, a chorus.Ack) error
	Acks(ctx context.Context, ws, campaign string, edition int) ([]chorus.Ack, error)
	AddBriefingThread(ctx context.Context, ws, channel, ts, campaign string, edition int) error
	BriefingThread(ctx context.Context, ws, channel, ts string) (campaign string, edition int, err error)
}

// Questions is what expert routing needs from persistence: the questions, their answers and the
// workspace's experts.
type Questions interface {
	AddQuestion(ctx context.Context, q chorus.Question) error
	AnswerQuestion(ctx context.Context, ws, id, by, text string, at time.Time) error
	Question(ctx context.Context, ws, id string) (chorus.Question, error)
	ThreadQuestions(ctx context.Context, ws, channel, thread string) ([]chorus.Question, error)
	QuestionsSince(ctx context.Context, since time.Time) ([]chorus.Question, error)
	Experts(ctx context.Context, ws string) (chorus.Experts, error)
	SaveExperts(ctx context.Context, e chorus.Experts) (chorus.Experts, error)
}

// Sources is what a briefing is drafted from, besides the campaign the turn loads: the
// glossary, the approved copy, and the campaign when no request is being answered (a nudge).
type Sources interface {
	Campaign(ctx context.Context, ws, slug string) (chorus.Campaign, error)
	Terms(ctx context.Context, ws string) ([]chorus.GlossaryTerm, error)
	Submissions(ctx context.Context, ws string, f chorus.SubmissionFilter) ([]chorus.Submission, error)
}

// Conversations is the transport's side of a briefing (Slack: chat.postMessage,
// conversations.members, users.info). Optional: without it (the console) a briefing is answered
// as posts, nobody is known to be in a channel, and no thread can be followed.
type Conversations interface {
	// Post sends a message and returns its timestamp, the parent of its thread.
	Post(ctx context.Context, channel, thread, text string, blocks []reply.Block) (string, error)
	// Members lists the people in a channel, bots excluded.
	Members(ctx context.Context, channel string) ([]string, error)
	// TimeZone returns a person's IANA time zone, "" when unknown.
	TimeZone(ctx context.Context, user string) (string, error)
}

// Feature answers the briefing and experts commands, the « Lu et compris » and FAQ buttons, the
// questions in briefings' threads, and plans the nudges. It is safe for concurrent use.
type Feature struct {
	store Store
	qs    Questions
	src   Sources
	conv  Conversations
	turns feature.Turns
	log   *slog.Logger
}

// New returns the feature. conv may be nil (see Conversations); turns makes the turn of a
// conversation event or of a nudge's reader.
func New(st Store, qs Questions, src Sources, conv Conversations, turns feature.Turns, logger *slog.Logger) *Feature {
	return &Feature{store: st, qs: qs, src: src, conv: conv, turns: turns, log: logger}
}

type call struct {
	*feature.Turn
	*Feature
}

func (f *Feature) call(t *feature.Turn) *call { return &call{Turn: t, Feature: f} }

// withLang is a copy of the call speaking lang, for a message others read.
func (c *call) withLang(lang chorus.Lang) *call {
	return &call{Turn: c.Turn.WithLang(lang), Feature: c.Feature}
}

// IsBriefing reports whether "/campaign" args name the briefing sub-command.
func IsBriefing(args []string) bool { return feature.Verb(args, 0) == "briefing" }

// IsExperts reports whether "/chorus" args name the experts sub-command.
func IsExperts(args []string) bool { return feature.Verb(args, 0) == "experts" }

// Answers reports whether the feature answers the button or modal id.
func Answers(id string) bool {
	switch id {
	case reply.ActBriefingAck, reply.ActBriefingSend, reply.ActBriefingFAQ, reply.ActBriefingStatus:
		return true
	}
	return false
}

// Command answers "/campaign briefing …" with args after "briefing".
func (f *Feature) Command(ctx context.Context, t *feature.Turn, args []string) (reply.Reply, error) {
	c := f.call(t)
	switch v := feature.Verb(args, 0); {
	case v == "" || v == "help":
		return c.Help("briefing"), nil
	case v == "send" && len(args) == 2:
		return c.sendCommand(ctx, args[1])
	case v == "status" && len(args) == 2:
		return c.status(ctx, args[1])
	case v == "faq" && len(args) >= 2:
		return c.faqCommand(ctx, args[1], args[2:])
	case v == "show" && len(args) == 2:
		return c.preview(ctx, args[1])
	case len(args) == 1 && !strings.HasPrefix(v, "?") && v != "":
		return reply.Reply{}, c.Usage("briefing")
	case len(args) == 1:
		return c.preview(ctx, args[0])
	}
	return reply.Reply{}, c.Usage("briefing")
}

// ExpertsCommand answers "/chorus experts …" with args after "experts".
func (f *Feature) ExpertsCommand(ctx context.Context, t *feature.Turn, args []string) (reply.Reply, error) {
	return f.call(t).expertsCommand(ctx, args)
}

// Action answers the feature's buttons.
func (f *Feature) Action(ctx context.Context, t *feature.Turn, a reply.Action) (reply.Reply, error) {
	c := f.call(t)
	switch a.ActionID {
	case reply.ActBriefingAck:
		return c.ack(ctx, a.Value)
	case reply.ActBriefingSend:
		r, err := c.sendCommand(ctx, a.Value)
		r.ReplaceOriginal = err == nil // the draft gives way to where it went: no second click
		return r, err
	case reply.ActBriefingFAQ:
		return c.addToFAQ(ctx, a.Value)
	case reply.ActBriefingStatus:
		return c.status(ctx, a.Value)
	}
	return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "action.unknown", a.ActionID)
}

// Submit answers the feature's modals: it opens none.
func (f *Feature) Submit(_ context.Context, _ *feature.Turn, sub reply.Submission) (reply.Reply, error) {
	return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "modal.unknown", sub.CallbackID)
}

// load returns a campaign's briefing, or a new draft when it has none.
func (c *call) load(ctx context.Context, slug string) (chorus.Briefing, error) {
	b, err := c.store.Briefing(ctx, c.Req.Workspace, slug)
	if errors.Is(err, chorus.ErrNotFound) {
		return chorus.Briefing{WorkspaceID: c.Req.Workspace, Campaign: slug}, nil
	}
	if err != nil {
		return b, fmt.Errorf("load briefing of %s: %w", slug, err)
	}
	return b, nil
}

// edit applies change to the latest version of a campaign's briefing and saves it, re-applying
// the change when someone saved meanwhile (DESIGN rule 2).
func (c *call) edit(ctx context.Context, slug, action string, change func(*chorus.Briefing) error) (chorus.Briefing, error) {
	for attempt := 0; ; attempt++ {
		b, err := c.load(ctx, slug)
		if err != nil {
			return b, err
		}
		before := b.Version
		b.FAQ = append([]chorus.FAQEntry(nil), b.FAQ...)
		if err := change(&b); err != nil {
			return b, err
		}
		if err := b.Validate(); err != nil {
			return b, err
		}
		b.UpdatedBy = c.Req.User
		saved, err := c.store.SaveBriefing(ctx, b)
		if errors.Is(err, chorus.ErrConflict) && attempt < feature.MaxEditRetries {
			continue
		}
		if err != nil {
			return b, fmt.Errorf("save briefing of %s: %w", slug, err)
		}
		return saved, c.Audit(ctx, action, "campaign:"+slug, before, saved.Version, "")
	}
}

// mayManage allows the campaign's leads and the workspace's leads and admins.
func (c *call) mayManage(camp chorus.Campaign, action string) error {
	if camp.IsLead(c.Req.User) || c.IsWorkspaceLead() {
		return nil
	}
	return c.LeadOnlyTo(action)(camp)
}

// ackValue is the « Lu et compris » button's value: the campaign and the edition it confirms.
func ackValue(slug string, edition int) string { return slug + "/" + strconv.Itoa(edition) }

func parseAckValue(v string) (string, int, error) {
	slug, n, ok := strings.Cut(v, "/")
	edition, err := strconv.Atoi(n)
	if !ok || err != nil || !chorus.ValidSlug(slug) {
		return "", 0, chorus.Errorf(chorus.ErrInvalid, "action.unknown", v)
	}
	return slug, edition, nil
}
