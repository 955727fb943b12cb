// Package campaign is the feature of campaigns, their tasks and the shared glossary:
// /campaign create|list|show|edit|message|points|channel|lead|chain|activate|close|reopen|
// archive|unarchive|history|audit|task (add|done|edit|cancel|reopen|list),
// /glossary define|forbid|unforbid|except|note|retire|restore|lookup|list|history, their modals
// and list pages, the campaign card (with the must-include points that contradict its message
// and the buttons that resolve them), and the task's Done button of the App Home and the
// reminders.
package campaign

import (
	"context"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// Store is what campaigns and tasks need from persistence.
type Store interface {
	CreateCampaign(ctx context.Context, c chorus.Campaign) (chorus.Campaign, error)
	Campaigns(ctx context.Context, workspace string) ([]chorus.Campaign, error)
	UpdateCampaign(ctx context.Context, c chorus.Campaign) (chorus.Campaign, error)
	CampaignHistory(ctx context.Context, workspace, slug string) ([]chorus.Campaign, error)
	CreateTask(ctx context.Context, t chorus.Task) (chorus.Task, error)
	Task(ctx context.Context, workspace, id string) (chorus.Task, error)
	Tasks(ctx context.Context, workspace string, f chorus.TaskFilter) ([]chorus.Task, error)
	UpdateTask(ctx context.Context, t chorus.Task) (chorus.Task, error)
	// Audit and Submissions read the trail of a campaign, its tasks and its copy.
	Audit(ctx context.Context, workspace, target string) ([]chorus.AuditEntry, error)
	Submissions(ctx context.Context, workspace string, f chorus.SubmissionFilter) ([]chorus.Submission, error)
	// UserLang says in which language to tell an owner that their deadlines moved.
	UserLang(ctx context.Context, workspace, user string) (chorus.Lang, error)
}

// Pages are lists that show their first items and say how many there are (the campaign list,
// the App Home): each page costs what it shows, however many the workspace holds.
type Pages interface {
	// CampaignsPage is skip then at most limit of the campaigns f selects, by slug, and how
	// many in all.
	CampaignsPage(ctx context.Context, workspace string, f chorus.CampaignFilter, skip, limit int) ([]chorus.Campaign, int, error)
	// TasksPage is the first limit tasks f selects, by due time, and how many in all.
	TasksPage(ctx context.Context, workspace string, f chorus.TaskFilter, limit int) ([]chorus.Task, int, error)
}

// Glossary is what the glossary needs from persistence.
type Glossary interface {
	CreateTerm(ctx context.Context, g chorus.GlossaryTerm) (chorus.GlossaryTerm, error)
	Term(ctx context.Context, workspace, key string) (chorus.GlossaryTerm, error)
	Terms(ctx context.Context, workspace string) ([]chorus.GlossaryTerm, error)
	// TermsWithWords is the terms, by key, whose wording, definition or a forbidden variant
	// holds every word of query.
	TermsWithWords(ctx context.Context, workspace, query string) ([]chorus.GlossaryTerm, error)
	UpdateTerm(ctx context.Context, g chorus.GlossaryTerm) (chorus.GlossaryTerm, error)
	TermHistory(ctx context.Context, workspace, key string) ([]chorus.GlossaryTerm, error)
}

// MessageWatcher hears that a campaign's global message or must-include points changed, so the
// copy checked against them is checked again; it answers what to add to the lead's reply and
// what to post. The review feature is one.
type MessageWatcher interface {
	MessageChanged(ctx context.Context, t *feature.Turn, camp chorus.Campaign) ([]reply.Block, []reply.Post, error)
}

// Parts are what another feature adds to a campaign's card, its history and its audit trail:
// the calendar's touchpoints. The router wires them.
type Parts interface {
	// CardBlocks go on the card, before its version line.
	CardBlocks(ctx context.Context, t *feature.Turn, camp chorus.Campaign) ([]reply.Block, error)
	// HistoryBlocks follow the campaign's versions in /campaign history.
	HistoryBlocks(ctx context.Context, t *feature.Turn, camp chorus.Campaign) ([]reply.Block, error)
	// AuditTargets name further audit targets of the campaign ("touchpoint:p4k2xa" → how a
	// line of the trail names it), whose entries join the trail.
	AuditTargets(ctx context.Context, t *feature.Turn, camp chorus.Campaign) (map[string]string, error)
	// CopyParts checks the copy of the parts of campaign from into the new campaign to (a
	// template), dated from to's start as they were from from's: how many, and apply, which
	// stores them once to exists.
	CopyParts(ctx context.Context, t *feature.Turn, from, to chorus.Campaign) (int, func(context.Context) error, error)
}

// Feature answers the campaign, task and glossary commands, buttons and modals.
type Feature struct {
	store   Store
	pages   Pages
	terms   Glossary
	watcher MessageWatcher
	parts   Parts
}

// New returns the feature over st, pages and terms; watcher hears about changed global messages, parts
// add to the card, history and audit trail.
func New(st Store, pages Pages, terms Glossary, watcher MessageWatcher, parts Parts) *Feature {
	return &Feature{store: st, pages: pages, terms: terms, watcher: watcher, parts: parts}
}

type call struct {
	*feature.Turn
	*Feature
}

func (f *Feature) call(t *feature.Turn) *call { return &call{Turn: t, Feature: f} }

// Command answers "/campaign" with args.
func (f *Feature) Command(ctx context.Context, t *feature.Turn, args []string) (reply.Reply, error) {
	return f.call(t).campaign(ctx, args)
}

// GlossaryCommand answers "/glossary" with args.
func (f *Feature) GlossaryCommand(ctx context.Context, t *feature.Turn, args []string) (reply.Reply, error) {
	return f.call(t).glossary(ctx, args)
}

// Answers reports whether the feature answers the button or modal id.
func Answers(id string) bool {
	switch id {
	case reply.ActCampaignClose, reply.ActCampaignCloseCancel, reply.ActTaskDone, reply.ActCampaignPage, reply.ActTaskPage, reply.ActGlossaryPage, reply.ActCampaignShow,
		reply.ActPointsAccept, reply.ActPointsKeep, reply.ActAuditPage, reply.ActCampaignDuplicate, reply.ModalCampaignCreate, reply.ModalCampaignEdit, reply.ModalTaskAdd:
		return true
	}
	return false
}

// Action answers the task's Done button and the list pages.
func (f *Feature) Action(ctx context.Context, t *feature.Turn, a reply.Action) (reply.Reply, error) {
	c := f.call(t)
	switch a.ActionID {
	case reply.ActCampaignClose:
		return c.closeConfirmed(ctx, a.Value)
	case reply.ActCampaignCloseCancel:
		r := feature.Notice(c.T("campaign.close.cancelled", a.Value))
		r.ReplaceOriginal = true
		return r, nil
	case reply.ActTaskDone:
		return c.taskDone(ctx, a.Value)
	case reply.ActCampaignPage:
		return c.campaignPage(ctx, a.Value)
	case reply.ActTaskPage:
		return c.taskListPage(ctx, a.Value)
	case reply.ActGlossaryPage:
		return c.glossaryList(ctx, a.Value)
	case reply.ActCampaignShow:
		return c.campaignShow(ctx, a.Value)
	case reply.ActAuditPage:
		return c.auditPage(ctx, a.Value)
	case reply.ActPointsAccept:
		return c.resolveStale(ctx, a.Value, true)
	case reply.ActPointsKeep:
		return c.resolveStale(ctx, a.Value, false)
	case reply.ActCampaignDuplicate:
		return c.duplicateModal(ctx, a.Value)
	}
	return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "action.unknown", a.ActionID)
}

// Submit answers the campaign and task modals.
func (f *Feature) Submit(ctx context.Context, t *feature.Turn, sub reply.Submission) (reply.Reply, error) {
	c := f.call(t)
	switch sub.CallbackID {
	case reply.ModalCampaignCreate:
		return c.submitCampaignCreate(ctx, sub)
	case reply.ModalCampaignEdit:
		return c.submitCampaignEdit(ctx, sub)
	case reply.ModalTaskAdd:
		return c.submitTaskAdd(ctx, sub)
	}
	return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "modal.unknown", sub.CallbackID)
}
