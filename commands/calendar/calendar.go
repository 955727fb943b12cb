// Package calendar is the communication calendar: a campaign's touchpoints (a channel, a day or a
// range of days, an audience segment, a journey stage, an owner) with `/campaign touchpoint
// add|move|remove|list` and their forms, the workspace's audience segments (`/chorus segment`),
// the collision radar's warnings (package radar; `/chorus radar` sets its threshold) in the
// cards that add or move a touchpoint and in the lead's digest, the calendar of a month, a
// quarter or a campaign (`/campaign calendar`), and the touchpoints' part of the campaign card,
// history and audit trail (Parts).
//
// Like every feature it is transport-agnostic: it returns reply values, and consumes the small
// Store it declares.
package calendar

import (
	"context"
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
	"github.com/chorus-hq/chorus/timeline"
)

// Store is what the calendar needs from persistence: touchpoints, and the workspace's settings
// for its segments.
type Store interface {
	feature.WorkspaceReader
	SaveWorkspace(ctx context.Context, w chorus.Workspace) (chorus.Workspace, error)
	AddTouchpoint(ctx context.Context, t chorus.Touchpoint) (chorus.Touchpoint, error)
	Touchpoint(ctx context.Context, workspace, id string) (chorus.Touchpoint, error)
	UpdateTouchpoint(ctx context.Context, t chorus.Touchpoint) (chorus.Touchpoint, error)
	RemoveTouchpoint(ctx context.Context, t chorus.Touchpoint) (chorus.Touchpoint, error)
	CampaignTouchpoints(ctx context.Context, workspace, campaign string) ([]chorus.Touchpoint, error)
	Touchpoints(ctx context.Context, workspace string, from, to chorus.Date) ([]chorus.Touchpoint, error)
	CampaignTouchpointHistory(ctx context.Context, workspace, campaign string) ([]chorus.Touchpoint, error)
	// Campaigns, Submissions and Tasks are what the radar and the calendar show besides
	// touchpoints: campaigns' names and ends, approved copy, deadlines.
	Campaigns(ctx context.Context, workspace string) ([]chorus.Campaign, error)
	Submissions(ctx context.Context, workspace string, f chorus.SubmissionFilter) ([]chorus.Submission, error)
	Tasks(ctx context.Context, workspace string, f chorus.TaskFilter) ([]chorus.Task, error)
}

// Feature answers the calendar's commands, buttons and forms.
type Feature struct {
	store    Store
	feeds    Feeds
	defaults feature.Defaults
	feedBase string
	pictures *timeline.Renderer
	drawn    *drawn // the PNGs of the charts drawn lately
	versions Versions
	homes    *homes // the App Home's part made lately
}

// New returns the calendar over st, feeds and versions; defaults are the settings of a workspace
// that saved none, feedBase the address people reach the server at ("https://chorus.example.com"),
// which the subscription links start with ("" gives them as paths).
func New(st Store, feeds Feeds, versions Versions, defaults feature.Defaults, feedBase string) *Feature {
	return &Feature{store: st, feeds: feeds, versions: versions, defaults: defaults, feedBase: feedBase,
		pictures: timeline.MustRenderer(), drawn: newDrawn(keptPictures), homes: newHomes(keptHomes)}
}

type call struct {
	*feature.Turn
	*Feature
}

func (f *Feature) call(t *feature.Turn) *call { return &call{Turn: t, Feature: f} }

// IsCampaignCommand reports whether "/campaign args…" is the calendar's: `touchpoint …` or
// `calendar …`.
func IsCampaignCommand(args []string) bool {
	v := feature.Verb(args, 0)
	return v == "touchpoint" || v == "calendar"
}

// IsChorusCommand reports whether "/chorus args…" is the calendar's: `segment …`, `radar …`
// or `calendar link|revoke`.
func IsChorusCommand(args []string) bool {
	v := feature.Verb(args, 0)
	return v == "segment" || v == "radar" || v == "calendar"
}

// CampaignCommand answers "/campaign touchpoint|calendar …" (args start with that word).
func (f *Feature) CampaignCommand(ctx context.Context, t *feature.Turn, args []string) (reply.Reply, error) {
	c := f.call(t)
	if feature.Verb(args, 0) == "calendar" {
		if len(args) > 2 {
			return reply.Reply{}, c.Usage("calendar")
		}
		return c.calendar(ctx, strings.Join(args[1:], ""))
	}
	return c.touchpoint(ctx, args[1:])
}

// ChorusCommand answers "/chorus segment|radar|calendar …" (args start with that word).
func (f *Feature) ChorusCommand(ctx context.Context, t *feature.Turn, args []string) (reply.Reply, error) {
	c := f.call(t)
	switch feature.Verb(args, 0) {
	case "radar":
		return c.radarSettings(ctx, args[1:])
	case "calendar":
		return c.feedLink(ctx, args[1:])
	}
	return c.segment(ctx, args[1:])
}

// Answers reports whether the feature answers the button or modal id.
func Answers(id string) bool {
	switch id {
	case reply.ActTouchpointMove, reply.ActTouchpointRemove, reply.ActCalendarOpen, reply.ModalTouchpointAdd, reply.ModalTouchpointMove:
		return true
	}
	return false
}

// Action answers a touchpoint's Move and Remove buttons and the calendar's buttons.
func (f *Feature) Action(ctx context.Context, t *feature.Turn, a reply.Action) (reply.Reply, error) {
	c := f.call(t)
	switch a.ActionID {
	case reply.ActCalendarOpen:
		return c.calendar(ctx, a.Value)
	case reply.ActTouchpointMove:
		return c.moveModal(ctx, a.Value)
	case reply.ActTouchpointRemove:
		r, err := c.remove(ctx, a.Value)
		r.ReplaceOriginal = err == nil
		return r, err
	}
	return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "action.unknown", a.ActionID)
}

// Submit answers the touchpoint forms.
func (f *Feature) Submit(ctx context.Context, t *feature.Turn, sub reply.Submission) (reply.Reply, error) {
	c := f.call(t)
	switch sub.CallbackID {
	case reply.ModalTouchpointAdd:
		return c.submitAdd(ctx, sub)
	case reply.ModalTouchpointMove:
		return c.submitMove(ctx, sub)
	}
	return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "modal.unknown", sub.CallbackID)
}
