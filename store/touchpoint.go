package store

import (
	"context"
	"fmt"
	"time"

	"github.com/chorus-hq/chorus"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Touchpoints are versioned like tasks: an add is version 1, a move or an edit the next version,
// a removal a last version marked removed, so `/campaign history` can tell what happened.
const (
	collTouchpoints        = "touchpoints"
	collTouchpointVersions = "touchpoint_versions"
)

func touchpointIndexes() []indexSpec {
	return []indexSpec{
		{collTouchpointVersions, []mongo.IndexModel{
			uniqueIndex("workspace", "id", "version"),
			plainIndex("workspace", "campaign", "updated_at", "id", "version"),
		}},
		{collTouchpoints, []mongo.IndexModel{
			plainIndex("workspace", "campaign", "removed", "start", "id"),
			// Touchpoints: sorted by start then id, last is filtered in the index after them.
			plainIndex("workspace", "removed", "start", "id", "last"),
		}},
	}
}

// touchpointDoc is a stored touchpoint version (in touchpoint_versions) or head (in touchpoints).
// Days are ISO strings, which sort and compare as the days do; last is the last day live (the end
// of a range, or the start of a single day), what window queries compare.
type touchpointDoc struct {
	ID           string    `bson:"_id"`
	Workspace    string    `bson:"workspace"`
	TouchpointID string    `bson:"id"`
	Campaign     string    `bson:"campaign"`
	Channel      string    `bson:"channel"`
	Start        string    `bson:"start"`
	End          string    `bson:"end,omitempty"`
	Last         string    `bson:"last"`
	Segment      string    `bson:"segment"`
	Stage        string    `bson:"stage"`
	Owner        string    `bson:"owner"`
	Removed      bool      `bson:"removed"`
	Version      int       `bson:"version"`
	CreatedBy    string    `bson:"created_by"`
	CreatedAt    time.Time `bson:"created_at,omitempty"`
	UpdatedBy    string    `bson:"updated_by"`
	UpdatedAt    time.Time `bson:"updated_at,omitempty"`
}

func toTouchpointDoc(t chorus.Touchpoint) touchpointDoc {
	return touchpointDoc{
		Workspace: t.WorkspaceID, TouchpointID: t.ID, Campaign: t.Campaign, Channel: t.Channel,
		Start: dateString(t.Start), End: dateString(t.End), Last: dateString(t.Last()),
		Segment: t.Segment, Stage: string(t.Stage), Owner: t.Owner, Removed: t.Removed,
		Version: t.Version, CreatedBy: t.CreatedBy, CreatedAt: storedTime(t.CreatedAt),
		UpdatedBy: t.UpdatedBy, UpdatedAt: storedTime(t.UpdatedAt),
	}
}

func (d *touchpointDoc) touchpoint() (chorus.Touchpoint, error) {
	start, err := parseDate("start of touchpoint", d.TouchpointID, d.Start)
	if err != nil {
		return chorus.Touchpoint{}, err
	}
	end, err := parseDate("end of touchpoint", d.TouchpointID, d.End)
	if err != nil {
		return chorus.Touchpoint{}, err
	}
	return chorus.Touchpoint{
		WorkspaceID: d.Workspace, ID: d.TouchpointID, Campaign: d.Campaign, Channel: d.Channel,
		Start: start, End: end, Segment: d.Segment, Stage: chorus.Stage(d.Stage), Owner: d.Owner,
		Removed: d.Removed, Version: d.Version, CreatedBy: d.CreatedBy, CreatedAt: storedTime(d.CreatedAt),
		UpdatedBy: d.UpdatedBy, UpdatedAt: storedTime(d.UpdatedAt),
	}, nil
}

func touchpoints(ds []touchpointDoc) ([]chorus.Touchpoint, error) {
	ts := make([]chorus.Touchpoint, 0, len(ds))
	for i := range ds {
		t, err := ds[i].touchpoint()
		if err != nil {
			return nil, err
		}
		ts = append(ts, t)
	}
	return ts, nil
}

// AddTouchpoint stores t as version 1 of a new touchpoint, with CreatedAt and UpdatedAt from the
// clock and UpdatedBy defaulting to CreatedBy. When t.ID is empty it assigns a random
// six-character id, unique in the workspace; a given id that is taken returns ErrConflict.
// It does not validate t (chorus.Touchpoint.Validate, with the workspace's kinds and segments).
func (s *Store) AddTouchpoint(ctx context.Context, t chorus.Touchpoint) (chorus.Touchpoint, error) {
	now := s.clock()
	t.Version, t.CreatedAt, t.UpdatedAt, t.Removed = 1, now, now, false
	if t.UpdatedBy == "" {
		t.UpdatedBy = t.CreatedBy
	}
	var d touchpointDoc
	err := s.withShortID("touchpoint", t.WorkspaceID, t.ID, func(id string) error {
		t.ID = id
		if err := checkIdentity("touchpoint", t.WorkspaceID, t.ID, t.Campaign); err != nil {
			return err
		}
		d = toTouchpointDoc(t)
		return s.touchpoints.create(ctx, &d)
	})
	if err != nil {
		return chorus.Touchpoint{}, err
	}
	return d.touchpoint()
}

// Touchpoint returns the latest version of the touchpoint, or ErrNotFound, also when it was
// removed (TouchpointHistory still has it).
func (s *Store) Touchpoint(ctx context.Context, workspace, id string) (chorus.Touchpoint, error) {
	d, err := s.touchpoints.get(ctx, workspace, id)
	if err != nil {
		return chorus.Touchpoint{}, err
	}
	t, err := d.touchpoint()
	if err == nil && t.Removed {
		return chorus.Touchpoint{}, fmt.Errorf("touchpoint %q was removed: %w", id, chorus.ErrNotFound)
	}
	return t, err
}

// UpdateTouchpoint stores t as version t.Version+1, t.Version being the version the edit is based
// on: a move (new Start and End) or any other edit. CreatedBy and CreatedAt are kept from that
// version; UpdatedAt comes from the clock. It returns ErrConflict when someone stored that
// version first and ErrNotFound when the touchpoint does not exist.
func (s *Store) UpdateTouchpoint(ctx context.Context, t chorus.Touchpoint) (chorus.Touchpoint, error) {
	if err := checkIdentity("touchpoint", t.WorkspaceID, t.ID, t.Campaign); err != nil {
		return chorus.Touchpoint{}, err
	}
	base := t.Version
	t.Version, t.UpdatedAt = base+1, s.clock()
	d := toTouchpointDoc(t)
	err := s.touchpoints.update(ctx, &d, base, func(d, prev *touchpointDoc) {
		d.CreatedBy, d.CreatedAt = prev.CreatedBy, prev.CreatedAt
	})
	if err != nil {
		return chorus.Touchpoint{}, err
	}
	return d.touchpoint()
}

// RemoveTouchpoint takes t off the calendar: it stores t, marked removed, as version
// t.Version+1, with UpdatedBy as who removed it. Lists and Touchpoint no longer show it;
// TouchpointHistory does. Errors are UpdateTouchpoint's.
func (s *Store) RemoveTouchpoint(ctx context.Context, t chorus.Touchpoint) (chorus.Touchpoint, error) {
	t.Removed = true
	return s.UpdateTouchpoint(ctx, t)
}

// touchpointOrder lists touchpoints by first day then id, on the server (touchpointOrder) and in
// the read model (touchpointLess).
var (
	touchpointOrder = bson.D{{Key: "start", Value: 1}, {Key: "id", Value: 1}}
	touchpointLess  = byKeys(asc(func(d *touchpointDoc) string { return d.Start }), asc(func(d *touchpointDoc) string { return d.TouchpointID }))
)

// CampaignTouchpoints returns the touchpoints of the campaign that are not removed, by first day
// then id.
func (s *Store) CampaignTouchpoints(ctx context.Context, workspace, campaign string) ([]chorus.Touchpoint, error) {
	ds, err := s.touchpoints.list(ctx, headQuery[touchpointDoc]{
		filter: bson.D{{Key: "workspace", Value: workspace}, {Key: "campaign", Value: campaign}, {Key: "removed", Value: false}},
		sort:   touchpointOrder, ws: workspace, index: "campaign", values: []string{campaign},
		match: func(d *touchpointDoc) bool { return d.Campaign == campaign && !d.Removed },
		less:  touchpointLess,
	})
	if err != nil {
		return nil, err
	}
	return touchpoints(ds)
}

// Touchpoints returns the workspace's touchpoints that are not removed and are live on at least
// one day of [from, to], by first day then id. A zero from or to leaves that side open.
func (s *Store) Touchpoints(ctx context.Context, workspace string, from, to chorus.Date) ([]chorus.Touchpoint, error) {
	q := bson.D{{Key: "workspace", Value: workspace}, {Key: "removed", Value: false}}
	if !to.IsZero() {
		q = append(q, bson.E{Key: "start", Value: bson.D{{Key: "$lte", Value: to.String()}}})
	}
	if !from.IsZero() {
		q = append(q, bson.E{Key: "last", Value: bson.D{{Key: "$gte", Value: from.String()}}})
	}
	ds, err := s.touchpoints.list(ctx, headQuery[touchpointDoc]{filter: q, sort: touchpointOrder, ws: workspace, less: touchpointLess,
		match: func(d *touchpointDoc) bool {
			return !d.Removed && (to.IsZero() || d.Start <= to.String()) && (from.IsZero() || d.Last >= from.String())
		},
	})
	if err != nil {
		return nil, err
	}
	return touchpoints(ds)
}

// TouchpointHistory returns every version of the touchpoint, removal included, oldest first, or
// ErrNotFound.
func (s *Store) TouchpointHistory(ctx context.Context, workspace, id string) ([]chorus.Touchpoint, error) {
	ds, err := s.touchpoints.history(ctx, workspace, id)
	if err != nil {
		return nil, err
	}
	return touchpoints(ds)
}

// CampaignTouchpointHistory returns every version of every touchpoint of the campaign, removed
// ones included, oldest first (then by id and version): what `/campaign history` tells.
func (s *Store) CampaignTouchpointHistory(ctx context.Context, workspace, campaign string) ([]chorus.Touchpoint, error) {
	cur, err := s.touchpoints.versions.Find(ctx, bson.D{{Key: "workspace", Value: workspace}, {Key: "campaign", Value: campaign}},
		options.Find().SetSort(bson.D{{Key: "updated_at", Value: 1}, {Key: "id", Value: 1}, {Key: "version", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("store: read touchpoint history of campaign %q: %w", campaign, err)
	}
	var ds []touchpointDoc
	if err := cur.All(ctx, &ds); err != nil {
		return nil, fmt.Errorf("store: read touchpoint history of campaign %q: %w", campaign, err)
	}
	return touchpoints(ds)
}
