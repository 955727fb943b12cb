// Package plan is the feature of the plan as a spreadsheet: /campaign export [SLUG|--all]
// writes campaigns, their channels, touchpoints, tasks, owners, deadlines and approval state as
// an .xlsx, headers in the reader's language; /campaign import reads the same layout back from
// an .xlsx or a .csv (shared in Slack, or a path in the console), shows what it would create or
// change, and applies it only when its importer confirms, whole or not at all.
//
// It is transport-agnostic: files come and go through Files, which the transport provides
// (Slack's file upload and url_private downloads; the console's file system).
package plan

import (
	"context"
	"log/slog"
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// Store is what the plan needs from persistence: campaigns, tasks and touchpoints to export and
// to change,
// the copy whose approval state the export shows, the imports waiting for confirmation, and
// the owners' languages to tell them what moved.
type Store interface {
	Campaigns(ctx context.Context, workspace string) ([]chorus.Campaign, error)
	CreateCampaign(ctx context.Context, c chorus.Campaign) (chorus.Campaign, error)
	Tasks(ctx context.Context, workspace string, f chorus.TaskFilter) ([]chorus.Task, error)
	CreateTask(ctx context.Context, t chorus.Task) (chorus.Task, error)
	UpdateTask(ctx context.Context, t chorus.Task) (chorus.Task, error)
	Submissions(ctx context.Context, workspace string, f chorus.SubmissionFilter) ([]chorus.Submission, error)
	SavePlanImport(ctx context.Context, p chorus.PlanImport) error
	PlanImport(ctx context.Context, workspace, id string) (chorus.PlanImport, error)
	UserLang(ctx context.Context, workspace, user string) (chorus.Lang, error)
	// Touchpoints with no dates are every touchpoint of the workspace.
	Touchpoints(ctx context.Context, workspace string, from, to chorus.Date) ([]chorus.Touchpoint, error)
	AddTouchpoint(ctx context.Context, t chorus.Touchpoint) (chorus.Touchpoint, error)
	UpdateTouchpoint(ctx context.Context, t chorus.Touchpoint) (chorus.Touchpoint, error)
}

// Files moves files between people and the plan. Slack uploads and downloads them; the console
// writes and reads the file system.
type Files interface {
	// Share gives req's user the file: shared in the conversation the request came from, or
	// written to a file. where is the file's path when it was written, "" when it was shared.
	Share(ctx context.Context, req reply.Request, name, title string, data []byte) (where string, err error)
	// Fetch reads a file the user named: a path in the console, a file they shared in Slack
	// (its url_private). A reference the transport cannot read is reply.ErrUnavailable.
	Fetch(ctx context.Context, ref string) ([]byte, error)
}

// Feature answers /campaign export and /campaign import, the preview's buttons, and the
// spreadsheets shared with Chorus.
type Feature struct {
	store Store
	files Files
	log   *slog.Logger
	turns feature.Turns
}

// New returns the feature over st, moving files through files (nil: none can be shared or
// read, and the commands say so); turns makes the turn of a shared file's message.
func New(st Store, files Files, logger *slog.Logger, turns feature.Turns) *Feature {
	return &Feature{store: st, files: files, log: logger, turns: turns}
}

type call struct {
	*feature.Turn
	*Feature
}

func (f *Feature) call(t *feature.Turn) *call { return &call{Turn: t, Feature: f} }

// IsPlan reports whether /campaign args are the plan's: export or import, in either language.
func IsPlan(args []string) bool {
	v := feature.Verb(args, 0)
	return v == "export" || v == "import"
}

// Command answers /campaign export|import with args (the sub-command first).
func (f *Feature) Command(ctx context.Context, t *feature.Turn, args []string) (reply.Reply, error) {
	c := f.call(t)
	if feature.Verb(args, 0) == "export" {
		return c.export(ctx, args[1:])
	}
	switch {
	case len(args) == 1:
		return feature.Notice(c.T("plan.import.how")), nil
	case feature.Verb(args, 1) == "confirm" && len(args) == 3:
		return c.apply(ctx, args[2])
	case feature.Verb(args, 1) == "cancel" && len(args) == 3:
		return c.cancel(args[2]), nil
	}
	ref := strings.TrimSpace(feature.Unquote(feature.After(c.Req.Text, 1)))
	return c.importRef(ctx, ref)
}

// Answers reports whether the feature answers the button id.
func Answers(id string) bool {
	return id == reply.ActPlanImportApply || id == reply.ActPlanImportCancel
}

// Action answers the preview's Apply and Cancel buttons.
func (f *Feature) Action(ctx context.Context, t *feature.Turn, a reply.Action) (reply.Reply, error) {
	c := f.call(t)
	switch a.ActionID {
	case reply.ActPlanImportApply:
		r, err := c.apply(ctx, a.Value)
		r.ReplaceOriginal = err == nil
		return r, err
	case reply.ActPlanImportCancel:
		return c.cancel(a.Value), nil
	}
	return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "action.unknown", a.ActionID)
}

// Submit answers no modal: the plan opens none.
func (f *Feature) Submit(_ context.Context, _ *feature.Turn, sub reply.Submission) (reply.Reply, error) {
	return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "modal.unknown", sub.CallbackID)
}

// cancel drops a preview: nothing was applied, and the stored import is only ever read by its
// confirmation.
func (c *call) cancel(id string) reply.Reply {
	r := feature.Notice(c.T("plan.import.cancelled"))
	r.ReplaceOriginal = true
	return r
}
