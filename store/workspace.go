package store

import (
	"context"
	"time"

	"github.com/chorus-hq/chorus"
)

// workspaceDoc is a stored workspace settings version (in workspace_versions) or head (in
// workspaces).
type workspaceDoc struct {
	ID          string     `bson:"_id"`
	Workspace   string     `bson:"workspace"`
	TimeZone    string     `bson:"time_zone"`
	Lang        string     `bson:"lang"`
	Leads       []string   `bson:"leads,omitempty"`
	CustomKinds []string   `bson:"custom_kinds,omitempty"`
	Frontline   []frontDoc `bson:"frontline,omitempty"`
	Segments    []string   `bson:"segments,omitempty"`
	RadarLimit  int        `bson:"radar_limit,omitempty"`
	RadarWindow int        `bson:"radar_window,omitempty"`
	Version     int        `bson:"version"`
	UpdatedBy   string     `bson:"updated_by"`
	UpdatedAt   time.Time  `bson:"updated_at,omitempty"`
}

func toWorkspaceDoc(w chorus.Workspace) workspaceDoc {
	return workspaceDoc{
		Workspace: w.ID, TimeZone: w.TimeZone, Lang: string(w.Lang),
		Leads: nilIfEmpty(w.Leads), CustomKinds: nilIfEmpty(w.CustomKinds), Frontline: toFrontDocs(w.Frontline),
		Segments: nilIfEmpty(w.Segments), RadarLimit: w.Radar.Limit, RadarWindow: w.Radar.Window,
		Version: w.Version, UpdatedBy: w.UpdatedBy, UpdatedAt: storedTime(w.UpdatedAt),
	}
}

// frontDoc is a front-line channel of a workspace.
type frontDoc struct {
	Channel string `bson:"channel"`
	Kind    string `bson:"kind"`
}

func toFrontDocs(fs []chorus.FrontlineChannel) []frontDoc {
	var out []frontDoc
	for _, f := range fs {
		out = append(out, frontDoc(f))
	}
	return out
}

func frontlineOf(ds []frontDoc) []chorus.FrontlineChannel {
	var out []chorus.FrontlineChannel
	for _, d := range ds {
		out = append(out, chorus.FrontlineChannel(d))
	}
	return out
}

func (d *workspaceDoc) workspace() chorus.Workspace {
	return chorus.Workspace{
		ID: d.Workspace, TimeZone: d.TimeZone, Lang: chorus.Lang(d.Lang),
		Leads: nilIfEmpty(d.Leads), CustomKinds: nilIfEmpty(d.CustomKinds), Frontline: frontlineOf(d.Frontline),
		Segments: nilIfEmpty(d.Segments), Radar: chorus.RadarSettings{Limit: d.RadarLimit, Window: d.RadarWindow},
		Version: d.Version, UpdatedBy: d.UpdatedBy, UpdatedAt: storedTime(d.UpdatedAt),
	}
}

// Workspace returns the latest saved settings of the workspace, or ErrNotFound when they were
// never saved (callers then use chorus.DefaultWorkspace).
func (s *Store) Workspace(ctx context.Context, id string) (chorus.Workspace, error) {
	d, err := s.workspaces.get(ctx, id, "")
	if err != nil {
		return chorus.Workspace{}, err
	}
	return d.workspace(), nil
}

// SaveWorkspace stores w as version w.Version+1, w.Version being the version the edit is based
// on (0 for the first save), with UpdatedAt from the clock. It returns ErrConflict when that
// version exists already.
func (s *Store) SaveWorkspace(ctx context.Context, w chorus.Workspace) (chorus.Workspace, error) {
	if err := checkIdentity("workspace", w.ID); err != nil {
		return chorus.Workspace{}, err
	}
	base := w.Version
	w.Version, w.UpdatedAt = base+1, s.clock()
	d := toWorkspaceDoc(w)
	var err error
	if base == 0 {
		err = s.workspaces.create(ctx, &d)
	} else {
		err = s.workspaces.update(ctx, &d, base, func(*workspaceDoc, *workspaceDoc) {})
	}
	if err != nil {
		return chorus.Workspace{}, err
	}
	return d.workspace(), nil
}
