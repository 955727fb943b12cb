// Package feature is what every feature of commands shares: the Turn (one request being
// answered, with the acting user's language and workspace), the authorization rules on
// campaigns, the audit trail, and the small helpers that read arguments and write replies.
//
// It holds no feature: the features (commands/campaign, commands/review, commands/minutes,
// commands/reminders, commands/settings, commands/briefing) import it and the router (commands)
// builds a Turn for each request. A feature may import this package, reply, i18n, drift and the domain, never
// another feature nor a transport (internal/imports checks it).
package feature

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/i18n"
	"github.com/chorus-hq/chorus/reply"
)

// ActionUnarchive is the audit action of the one edit an archived campaign takes: bringing it
// back (an archived campaign is read-only).
const ActionUnarchive = "campaign.unarchive"

// MaxEditRetries bounds how often an edit is re-applied to a newer version after a conflict
// (DESIGN rule 2: of two edits of version n exactly one lands).
const MaxEditRetries = 32

// Store is what the Turn needs from persistence: a campaign, its edits and the audit trail.
type Store interface {
	Campaign(ctx context.Context, workspace, slug string) (chorus.Campaign, error)
	UpdateCampaign(ctx context.Context, c chorus.Campaign) (chorus.Campaign, error)
	AddAudit(ctx context.Context, e chorus.AuditEntry) error
}

// Turn is one request being answered: who asks, in which language and workspace. The router
// makes one per request; features read it and change Lang when the user changes theirs.
type Turn struct {
	Req  reply.Request
	Lang chorus.Lang
	WS   chorus.Workspace
	// LangIsDefault is set when Lang is only the workspace default, so a change of the default
	// applies to the reply that changed it.
	LangIsDefault bool

	Log     *slog.Logger
	Catalog *i18n.Catalog // every feature's messages
	Store   Store
	Clock   func() time.Time
}

// Now is the current time of the service's clock.
func (c *Turn) Now() time.Time { return c.Clock() }

// T returns the text of key in the caller's language.
func (c *Turn) T(key string, args ...any) string { return c.Catalog.T(c.Lang, key, args...) }

// Audit records a change. A failed audit write fails the request: a change nobody can trace is
// not acceptable to the leads who rely on the trail.
func (c *Turn) Audit(ctx context.Context, action, target string, before, after int, detail string) error {
	return c.Store.AddAudit(ctx, chorus.AuditEntry{
		WorkspaceID: c.Req.Workspace, At: c.Now().UTC(), Actor: c.Req.User,
		Action: action, Target: target, Before: before, After: after, Detail: detail,
	})
}

// IsWorkspaceLead reports whether the acting user leads the workspace or administers it.
func (c *Turn) IsWorkspaceLead() bool { return c.Req.IsAdmin || c.WS.IsLead(c.Req.User) }

// LoadCampaign returns the campaign slug, or a localized "unknown campaign" error.
func (c *Turn) LoadCampaign(ctx context.Context, slug string) (chorus.Campaign, error) {
	if !chorus.ValidSlug(slug) {
		return chorus.Campaign{}, chorus.Invalid("slug", "campaign.slug.syntax", slug)
	}
	camp, err := c.Store.Campaign(ctx, c.Req.Workspace, slug)
	if errors.Is(err, chorus.ErrNotFound) {
		return camp, chorus.Errorf(chorus.ErrNotFound, "campaign.unknown", slug)
	}
	return camp, err
}

// LeadOnlyTo allows the campaign's leads only, and its refusal names the action refused: the
// catalog's "lead_action.<action>" (« seuls les responsables … peuvent la clore »).
func (c *Turn) LeadOnlyTo(action string) func(chorus.Campaign) error {
	return func(camp chorus.Campaign) error {
		if !camp.IsLead(c.Req.User) {
			return chorus.Errorf(chorus.ErrForbidden, "forbidden.lead_only", camp.Name, c.Mentions(camp.Leads), c.T("lead_action."+action))
		}
		return nil
	}
}

// LeadOnly allows the campaign's leads only.
func (c *Turn) LeadOnly(camp chorus.Campaign) error {
	if !camp.IsLead(c.Req.User) {
		return chorus.Errorf(chorus.ErrForbidden, "forbidden.not_lead", camp.Name, c.Mentions(camp.Leads))
	}
	return nil
}

// CanManageTasks allows the campaign's leads and, for a channel's tasks, its owner.
func (c *Turn) CanManageTasks(camp chorus.Campaign, kind string) error {
	if camp.IsLead(c.Req.User) || (kind != "" && camp.IsOwner(c.Req.User, kind)) {
		return nil
	}
	return chorus.Errorf(chorus.ErrForbidden, "forbidden.tasks", camp.Name)
}

// EditCampaign applies change to the latest version of a campaign the user may edit (auth) and
// saves it as the next version, re-applying the change when someone saved meanwhile; it audits
// the edit as action and returns the versions before and after.
func (c *Turn) EditCampaign(ctx context.Context, slug, action string, auth func(chorus.Campaign) error, change func(*chorus.Campaign) error) (chorus.Campaign, chorus.Campaign, error) {
	for attempt := 0; ; attempt++ {
		before, err := c.LoadCampaign(ctx, slug)
		if err != nil {
			return before, before, err
		}
		if err := auth(before); err != nil {
			return before, before, err
		}
		if before.Archived && action != ActionUnarchive {
			return before, before, chorus.Errorf(chorus.ErrInvalid, "campaign.archived", before.Name, before.Slug)
		}
		next := before
		next.MustInclude = slices.Clone(before.MustInclude)
		next.Channels = slices.Clone(before.Channels)
		next.Leads = slices.Clone(before.Leads)
		next.StalePoints = slices.Clone(before.StalePoints)
		next.Chain = slices.Clone(before.Chain)
		if err := change(&next); err != nil {
			return before, before, err
		}
		// a changed message may leave points stating its old values; edited points are no
		// longer stale
		next.StalePoints = StalePoints(before, next)
		next.PruneStale()
		if err := next.Validate(c.WS.CustomKinds); err != nil {
			return before, before, err
		}
		next.UpdatedBy = c.Req.User
		saved, err := c.Store.UpdateCampaign(ctx, next)
		if errors.Is(err, chorus.ErrConflict) && attempt < MaxEditRetries {
			continue
		}
		if err != nil {
			return before, before, fmt.Errorf("update campaign %q: %w", slug, err)
		}
		if err := c.Audit(ctx, action, "campaign:"+saved.Slug, before.Version, saved.Version, ""); err != nil {
			return before, saved, err
		}
		return before, saved, nil
	}
}

// Usage is the error that shows a sub-command's syntax.
func (c *Turn) Usage(key string) error {
	return chorus.Errorf(chorus.ErrInvalid, "usage", c.T("usage."+key))
}

// Help lists a command's sub-commands with their syntax.
func (c *Turn) Help(cmd string) reply.Reply {
	text := c.T("help." + cmd)
	return reply.Reply{Text: text, Blocks: []reply.Block{{Kind: reply.Header, Text: c.T("help.title", "/"+cmd)}, {Kind: reply.Section, Text: text}}}
}

// When writes an instant in the workspace's time zone and the caller's language.
func (c *Turn) When(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return i18n.FormatWhen(t.In(c.WS.Location()), c.Lang)
}

// DateRange writes a campaign's dates: "1 juillet 2027 → 15 juillet 2027".
func (c *Turn) DateRange(camp chorus.Campaign) string {
	s := i18n.FormatDate(camp.Start, c.Lang)
	if !camp.End.IsZero() {
		s += " → " + i18n.FormatDate(camp.End, c.Lang)
	}
	return s
}

// Mentions writes a list of users, or a dash when there is none.
func (c *Turn) Mentions(users []string) string {
	if len(users) == 0 {
		return "—"
	}
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = Mention(u)
	}
	return strings.Join(out, ", ")
}

// TaskLine is one task in a list: status, title, owner, due date, id.
func (c *Turn) TaskLine(t chorus.Task) string {
	icon := "◻️"
	switch {
	case t.Status == chorus.TaskDone:
		icon = "✅"
	case t.Status == chorus.TaskCancelled:
		icon = "✖️"
	case t.Due.Before(c.Now()):
		icon = "⏰"
	}
	kind := ""
	if t.ChannelKind != "" {
		kind = " [" + t.ChannelKind + "]"
	}
	return fmt.Sprintf("%s `%s` *%s*%s — %s — %s", icon, t.ID, t.Title, kind, Mention(t.Owner), c.When(t.Due))
}

// Notice is a short ephemeral confirmation.
func Notice(text string) reply.Reply {
	return reply.Reply{Text: text, Blocks: []reply.Block{{Kind: reply.Section, Text: text}}}
}

// Mention names a user in a reply (reply.User), or writes a dash when there is none.
func Mention(user string) string {
	if user == "" {
		return "—"
	}
	return reply.User(user)
}

// ChannelRef names a channel in a reply (reply.Channel).
func ChannelRef(id string) string { return reply.Channel(id) }

// Isolate wraps a user's words in Unicode directional isolates (FSI … PDI) when they hold
// right-to-left letters, so a name in Arabic or Hebrew keeps its order and leaves the rest of
// the line, the status and the identifier after it, in theirs.
func Isolate(s string) string {
	for _, r := range s {
		if unicode.In(r, unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana, unicode.Nko) {
			return "\u2068" + s + "\u2069"
		}
	}
	return s
}

// StatusEmoji is the mark of a campaign's status.
func StatusEmoji(s chorus.Status) string {
	switch s {
	case chorus.StatusActive:
		return "🟢"
	case chorus.StatusClosed:
		return "⚫"
	}
	return "📝"
}

// Ellipsis cuts s to at most n runes, ending with "…" when it cut.
func Ellipsis(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// Defaults are the settings of a workspace nobody has configured yet.
type Defaults struct {
	TimeZone string
	Lang     chorus.Lang
	Leads    []string
}

// WorkspaceReader reads a workspace's stored settings.
type WorkspaceReader interface {
	Workspace(ctx context.Context, id string) (chorus.Workspace, error)
}

// Workspace returns the stored settings of id, or the defaults when none are stored.
func (d Defaults) Workspace(ctx context.Context, st WorkspaceReader, id string) (chorus.Workspace, error) {
	w, err := st.Workspace(ctx, id)
	if errors.Is(err, chorus.ErrNotFound) {
		w = chorus.DefaultWorkspace(id)
		w.TimeZone = d.TimeZone
		w.Lang = d.Lang
		w.Leads = append([]string(nil), d.Leads...)
		return w, nil
	}
	return w, err
}

// Fail turns an error into an ephemeral reply. Domain errors say what is wrong in the user's
// language; anything else is an internal failure, logged with its detail and shown as a short
// apology, so no store or driver message reaches a user.
func (c *Turn) Fail(err error) reply.Reply {
	if ps := chorus.ProblemsOf(err); len(ps) > 0 {
		lines := make([]string, 0, len(ps))
		for _, p := range ps {
			lines = append(lines, c.Problem(p))
		}
		text := "⚠️ " + strings.Join(lines, "\n⚠️ ")
		return reply.Reply{Text: text, Blocks: []reply.Block{{Kind: reply.Section, Text: text}}}
	}
	var key string
	switch {
	case errors.Is(err, chorus.ErrConflict):
		key = "error.conflict"
	case errors.Is(err, chorus.ErrNotFound):
		key = "error.not_found"
	case errors.Is(err, chorus.ErrForbidden):
		key = "error.forbidden"
	case errors.Is(err, chorus.ErrInvalid):
		key = "error.invalid"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		key = "error.timeout"
	default:
		key = "error.internal"
	}
	c.Log.Error("request failed", "workspace", c.Req.Workspace, "user", c.Req.User, "command", c.Req.Command, "text", c.Req.Text, "err", err)
	text := "⚠️ " + c.T(key)
	return reply.Reply{Text: text, Blocks: []reply.Block{{Kind: reply.Section, Text: text}}}
}

// Problem says one domain error in the user's language, naming the field when there is one.
func (c *Turn) Problem(p *chorus.Error) string {
	msg := c.T(p.Code, p.Args...)
	if p.Field != "" && c.Catalog.Has("field."+p.Field) {
		sep := ": "
		if c.Lang == chorus.French {
			sep = " : " // French typography: a space before the colon
		}
		return c.T("field."+p.Field) + sep + msg
	}
	return msg
}

// WithLang is a copy of the turn that speaks lang, for a message sent to someone else.
func (c *Turn) WithLang(lang chorus.Lang) *Turn {
	t := *c
	t.Lang = lang
	return &t
}

// Turns makes the turn that answers a conversation event: in the language of the person whose
// message or reaction it is, or the workspace's when the event names nobody (a deletion). The
// router implements it; features that listen to conversations consume it.
type Turns interface {
	EventTurn(ctx context.Context, workspace, user, channel string) (*Turn, error)
}

// WithField names field in a domain error that names none, so a form shows it under that input.
func WithField(err error, field string) error {
	var e *chorus.Error
	if errors.As(err, &e) && e.Field == "" {
		cp := *e
		cp.Field = field
		return &cp
	}
	return err
}
