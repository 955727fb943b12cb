// Package commands is the router between the transports and the features: it turns what a user
// asks (a slash command, a button click, a modal submission, a console line, a conversation
// event) into a feature.Turn in the user's language, hands it to the feature that answers it
// (commands/campaign, review, minutes, reminders, settings, briefing, calendar, plan) and returns
// the feature's reply, or the error said in the user's language.
//
// It knows nothing of Slack's wire format: transports (bot, the console) decode their input into
// a reply.Request and render the reply.Reply. The features authorize, validate and audit through
// the Turn, so every transport enforces the same rules. Service also writes what the scheduler
// sends (scheduler.Composer, through the reminders feature; scheduler.Nudger, through the
// briefing feature).
package commands

import (
	"context"
	"embed"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/briefing"
	"github.com/chorus-hq/chorus/commands/calendar"
	"github.com/chorus-hq/chorus/commands/campaign"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/commands/minutes"
	"github.com/chorus-hq/chorus/commands/plan"
	"github.com/chorus-hq/chorus/commands/reminders"
	"github.com/chorus-hq/chorus/commands/review"
	"github.com/chorus-hq/chorus/commands/settings"
	"github.com/chorus-hq/chorus/i18n"
	"github.com/chorus-hq/chorus/reply"
)

//go:embed locales/*.json
var localeFS embed.FS

// catalog holds the router's and the shared messages (errors, fields, buttons, help) and every
// feature's, merged: an error code of any feature is said by the router.
var catalog = i18n.Merge(i18n.MustLoad(localeFS, "locales"), campaign.Catalog(), settings.Catalog(), reminders.Catalog(), minutes.Catalog(),
	review.Catalog(), briefing.Catalog(), plan.Catalog(), calendar.Catalog())

// Catalog returns the messages of this package, for transports that render its replies.
func Catalog() *i18n.Catalog { return catalog }

// Store is what the router and every feature need from persistence, the union of the
// features' own small stores: each feature is given st and sees only its part. store.Store
// implements it.
type Store interface {
	feature.Store
	feature.WorkspaceReader
	settings.Store
	campaign.Store
	campaign.Pages
	campaign.Glossary
	review.Store
	review.AutoChecks
	review.Awaiting
	reminders.Store
	minutes.Store
	briefing.Store
	briefing.Questions
	briefing.Sources
	plan.Store
	calendar.Store
	calendar.Feeds
	calendar.Versions
}

// Options are the defaults of a workspace nobody has configured yet.
type Options struct {
	TimeZone string      // default Europe/Paris
	Lang     chorus.Lang // default French
	Leads    []string    // initial omnichannel leads

	// Minutes are the meeting minutes' optional helpers: summaries, reading conversations back,
	// sharing files.
	Minutes minutes.Options

	// PlanFiles shares the exported plan and reads the spreadsheets to import (Slack's files,
	// the console's file system); nil: neither is possible.
	PlanFiles plan.Files

	// Judge is the LLM second opinion on drift verdicts (the review); nil: offline detector only.
	Judge Judge

	// ReminderPolicy is the reminder policy of workspaces that saved none (reminder.go);
	// default chorus.DefaultReminderPolicy.
	ReminderPolicy chorus.ReminderPolicy

	// Conversations posts briefings and lists the members of front-line channels (the bot's
	// Slack client); nil: briefings are answered as posts, nobody is reminded.
	Conversations briefing.Conversations
	// FeedURL is the address people reach this server at, such as "https://chorus.example.com":
	// the calendar's subscription links start with it ("" gives them as paths).
	FeedURL string
}

// Judge is the review's LLM second opinion (review.Judge); cmd/chorus adapts drift/llm to it.
type Judge = review.Judge

// JudgeQuery is one copy to judge (review.JudgeQuery).
type JudgeQuery = review.JudgeQuery

// JudgeOpinion is what the judge adds to the offline verdict (review.JudgeOpinion).
type JudgeOpinion = review.JudgeOpinion

// JudgeFinding is a finding of the judge (review.JudgeFinding).
type JudgeFinding = review.JudgeFinding

// messageWatchers tell every feature that follows a campaign's message of its change (the
// review re-checks copy, the briefing sends an update), joining what they answer.
type messageWatchers []interface {
	MessageChanged(ctx context.Context, t *feature.Turn, camp chorus.Campaign) ([]reply.Block, []reply.Post, error)
}

// MessageChanged implements campaign.MessageWatcher and minutes.MessageWatcher.
func (ws messageWatchers) MessageChanged(ctx context.Context, t *feature.Turn, camp chorus.Campaign) ([]reply.Block, []reply.Post, error) {
	var blocks []reply.Block
	var posts []reply.Post
	for _, w := range ws {
		b, p, err := w.MessageChanged(ctx, t, camp)
		if err != nil {
			return blocks, posts, err
		}
		blocks, posts = append(blocks, b...), append(posts, p...)
	}
	return blocks, posts, nil
}

// digestSections gives the review's sections and the calendar's radar to the reminders'
// digests, in the digest's language.
type digestSections struct{ *Service }

// DigestSections implements reminders.Sections.
func (s digestSections) DigestSections(ctx context.Context, workspace, channel string, lead bool, camps []chorus.Campaign, lang chorus.Lang) ([]reply.Block, error) {
	ws, err := s.workspace(ctx, workspace)
	if err != nil {
		return nil, err
	}
	t := s.turn(reply.Request{Workspace: workspace}, ws, lang, false).Turn
	blocks, err := s.review.DigestSections(ctx, t, channel, lead, camps)
	if err != nil {
		return nil, err
	}
	radar, err := s.calendar.DigestSections(ctx, t, lead)
	if err != nil {
		return nil, err
	}
	return append(blocks, radar...), nil
}

// Service answers requests. It is safe for concurrent use.
type Service struct {
	store Store
	log   *slog.Logger
	now   func() time.Time
	opts  Options

	minutes   *minutes.Feature
	defaults  feature.Defaults
	settings  *settings.Feature
	reminders *reminders.Feature
	review    *review.Feature
	campaigns *campaign.Feature
	briefing  *briefing.Feature
	plan      *plan.Feature
	calendar  *calendar.Feature
}

// New returns a Service over st. now is the clock every date is computed from.
func New(st Store, logger *slog.Logger, now func() time.Time, opts Options) *Service {
	if opts.TimeZone == "" {
		opts.TimeZone = chorus.DefaultTimeZone
	}
	if opts.Lang == "" {
		opts.Lang = chorus.French
	}
	if opts.ReminderPolicy.Offsets == nil && !opts.ReminderPolicy.Morning && !opts.ReminderPolicy.Overdue {
		opts.ReminderPolicy = chorus.DefaultReminderPolicy("")
	}
	defaults := feature.Defaults{TimeZone: opts.TimeZone, Lang: opts.Lang, Leads: opts.Leads}
	s := &Service{store: st, log: logger, now: now, opts: opts,
		defaults: defaults, settings: settings.New(st, defaults)}
	s.briefing = briefing.New(st, st, st, opts.Conversations, s, logger)
	s.review = review.New(st, st, st, logger, opts.Judge, s, s.briefing)
	watchers := messageWatchers{s.review, s.briefing}
	s.calendar = calendar.New(st, st, st, defaults, opts.FeedURL)
	s.campaigns = campaign.New(st, st, st, watchers, s.calendar)
	s.reminders = reminders.New(st, opts.ReminderPolicy, digestSections{s})
	s.minutes = minutes.New(st, logger, opts.Minutes, s, watchers)
	s.plan = plan.New(st, opts.PlanFiles, logger, s)
	return s
}

// call is one request being answered: the request, the acting user's language and workspace.
type call struct {
	*Service
	*feature.Turn
}

// turn is a request of req in lang, for a workspace ws.
func (s *Service) turn(req reply.Request, ws chorus.Workspace, lang chorus.Lang, isDefault bool) *call {
	return &call{Service: s, Turn: &feature.Turn{Req: req, WS: ws, Lang: lang, LangIsDefault: isDefault,
		Log: s.log, Catalog: catalog, Store: s.store, Clock: s.now}}
}

// withLang is a copy of the call that speaks lang, for a message sent to someone else.
func (c *call) withLang(lang chorus.Lang) *call {
	return &call{Service: c.Service, Turn: c.Turn.WithLang(lang)}
}

// begin loads the workspace and decides the reply language: a language the user chose with
// "/chorus lang" wins, then the transport's (the Slack locale), then the workspace default.
func (s *Service) begin(ctx context.Context, req reply.Request) (*call, error) {
	ws, err := s.workspace(ctx, req.Workspace)
	if err != nil {
		return s.turn(req, chorus.Workspace{}, s.opts.Lang, false), err
	}
	c := s.turn(req, ws, ws.Lang, true)
	if req.Lang != "" {
		c.Lang, c.LangIsDefault = req.Lang, false
	}
	if l, err := s.store.UserLang(ctx, req.Workspace, req.User); err == nil {
		c.Lang, c.LangIsDefault = l, false
	} else if !errors.Is(err, chorus.ErrNotFound) {
		return c, err
	}
	return c, nil
}

// workspace returns the stored settings of id, or the configured defaults when none are stored.
func (s *Service) workspace(ctx context.Context, id string) (chorus.Workspace, error) {
	return s.defaults.Workspace(ctx, s.store, id)
}

// Command answers a slash command.
func (s *Service) Command(ctx context.Context, req reply.Request) reply.Reply {
	req.Text = chorus.CleanText(req.Text) // invisible and bidi characters are no part of a name
	return s.answer(ctx, req, func(c *call) (reply.Reply, error) {
		args, err := tokenize(req.Text)
		if err != nil {
			return reply.Reply{}, err
		}
		switch strings.TrimPrefix(req.Command, "/") {
		case "campaign", "campagne":
			return c.campaign(ctx, args)
		case "glossary", "glossaire":
			return c.campaigns.GlossaryCommand(ctx, c.Turn, args)
		case "chorus":
			return c.chorus(ctx, args)
		case "minutes", "compte-rendu":
			return c.minutes.Command(ctx, c.Turn, args)
		}
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "command.unknown", req.Command)
	})
}

// Action answers a button click or a message shortcut, by the feature that owns its action id.
func (s *Service) Action(ctx context.Context, req reply.Request, a reply.Action) reply.Reply {
	return s.answer(ctx, req, func(c *call) (reply.Reply, error) {
		if f := s.owner(a.ActionID); f != nil {
			return f.Action(ctx, c.Turn, a)
		}
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "action.unknown", a.ActionID)
	})
}

// Submit answers a modal submission, by the feature that owns its callback id. Invalid fields
// come back as FieldErrors, keeping the modal open with each problem under its field.
func (s *Service) Submit(ctx context.Context, req reply.Request, sub reply.Submission) reply.Reply {
	return s.answer(ctx, req, func(c *call) (reply.Reply, error) {
		f := s.owner(sub.CallbackID)
		if f == nil {
			return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "modal.unknown", sub.CallbackID)
		}
		values := make(map[string]string, len(sub.Values))
		for k, v := range sub.Values {
			values[k] = chorus.CleanText(v)
		}
		sub.Values = values
		r, err := f.Submit(ctx, c.Turn, sub)
		if fe := c.fieldErrors(err); fe != nil {
			return reply.Reply{FieldErrors: fe, Text: c.T("error.fix_fields")}, nil
		}
		return r, err
	})
}

// answer runs fn in the turn of req and turns its error into a reply.
func (s *Service) answer(ctx context.Context, req reply.Request, fn func(c *call) (reply.Reply, error)) reply.Reply {
	c, err := s.begin(ctx, req)
	if err == nil {
		var r reply.Reply
		if r, err = fn(c); err == nil {
			return r
		}
	}
	return c.Fail(err)
}

// handler is a feature that answers buttons, shortcuts and modals.
type handler interface {
	Action(ctx context.Context, t *feature.Turn, a reply.Action) (reply.Reply, error)
	Submit(ctx context.Context, t *feature.Turn, sub reply.Submission) (reply.Reply, error)
}

// owner returns the feature that answers a button, shortcut or modal id, or nil.
func (s *Service) owner(id string) handler {
	switch {
	case campaign.Answers(id):
		return s.campaigns
	case reminders.Answers(id):
		return s.reminders
	case minutes.Answers(id):
		return s.minutes
	case review.Answers(id):
		return s.review
	case briefing.Answers(id):
		return s.briefing
	case plan.Answers(id):
		return s.plan
	case calendar.Answers(id):
		return s.calendar
	}
	return nil
}

// fieldErrors maps validation problems to modal inputs, or returns nil when err is not a
// validation error.
func (c *call) fieldErrors(err error) map[string]string {
	if err == nil || !errors.Is(err, chorus.ErrInvalid) {
		return nil
	}
	out := map[string]string{}
	for _, p := range chorus.ProblemsOf(err) {
		f := p.Field
		if f == "" {
			f = "name"
		}
		if prev, ok := out[f]; ok {
			out[f] = prev + " " + c.T(p.Code, p.Args...)
		} else {
			out[f] = c.T(p.Code, p.Args...)
		}
	}
	return out
}

// campaign answers "/campaign": the review's sub-commands (submit, autocheck, submissions),
// the reminders', and the rest for the campaign feature.
func (c *call) campaign(ctx context.Context, args []string) (reply.Reply, error) {
	if r, ok, err := c.review.Command(ctx, c.Turn, args); ok {
		return r, err
	}
	if reminders.IsReminders(args) {
		return c.reminders.CampaignCommand(ctx, c.Turn, args[1:])
	}
	if briefing.IsBriefing(args) {
		return c.briefing.Command(ctx, c.Turn, args[1:])
	}
	if plan.IsPlan(args) {
		return c.plan.Command(ctx, c.Turn, args)
	}
	if calendar.IsCampaignCommand(args) {
		return c.calendar.CampaignCommand(ctx, c.Turn, args)
	}
	return c.campaigns.Command(ctx, c.Turn, args)
}

// chorus answers "/chorus": the digest and reminder settings of the reminders feature, the
// rest for the settings feature.
func (c *call) chorus(ctx context.Context, args []string) (reply.Reply, error) {
	switch {
	case reminders.IsDigest(args):
		return c.reminders.DigestCommand(ctx, c.Turn, args[1:])
	case reminders.IsReminders(args):
		return c.reminders.Command(ctx, c.Turn, args[1:])
	case briefing.IsExperts(args):
		return c.briefing.ExpertsCommand(ctx, c.Turn, args[1:])
	case calendar.IsChorusCommand(args):
		return c.calendar.ChorusCommand(ctx, c.Turn, args)
	}
	return c.settings.Command(ctx, c.Turn, args)
}
