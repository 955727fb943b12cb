package store

import (
	"context"
	"slices"
	"time"

	"github.com/chorus-hq/chorus"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// campaignDoc is a stored campaign version (in campaign_versions) or head (in campaigns).
type campaignDoc struct {
	ID          string        `bson:"_id"`
	Workspace   string        `bson:"workspace"`
	Slug        string        `bson:"slug"`
	Name        string        `bson:"name"`
	Message     string        `bson:"message"`
	MustInclude []string      `bson:"must_include,omitempty"`
	Channels    []channelDoc  `bson:"channels,omitempty"`
	Leads       []string      `bson:"leads,omitempty"`
	Start       string        `bson:"start,omitempty"`
	End         string        `bson:"end,omitempty"`
	TimeZone    string        `bson:"time_zone"`
	Lang        string        `bson:"lang"`
	Status      string        `bson:"status"`
	Accepted    []acceptedDoc `bson:"accepted,omitempty"`
	StalePoints []staleDoc    `bson:"stale_points,omitempty"`
	Archived    bool          `bson:"archived,omitempty"`
	Chain       []stepDoc     `bson:"chain,omitempty"`
	Version     int           `bson:"version"`
	CreatedBy   string        `bson:"created_by"`
	CreatedAt   time.Time     `bson:"created_at,omitempty"`
	UpdatedBy   string        `bson:"updated_by"`
	UpdatedAt   time.Time     `bson:"updated_at,omitempty"`
}

type acceptedDoc struct {
	Kind  string    `bson:"kind"`
	Quote string    `bson:"quote,omitempty"`
	Point string    `bson:"point,omitempty"`
	By    string    `bson:"by"`
	At    time.Time `bson:"at"`
}

type stepDoc struct {
	Name      string   `bson:"name"`
	Approvers []string `bson:"approvers"`
}

type staleDoc struct {
	Point    string `bson:"point"`
	Was      string `bson:"was,omitempty"`
	Now      string `bson:"now,omitempty"`
	Proposed string `bson:"proposed,omitempty"`
}

type channelDoc struct {
	Kind         string `bson:"kind"`
	SlackChannel string `bson:"slack_channel"`
	Owner        string `bson:"owner"`
}

func toCampaignDoc(c chorus.Campaign) campaignDoc {
	d := campaignDoc{
		Workspace: c.WorkspaceID, Slug: c.Slug, Name: c.Name, Message: c.Message,
		MustInclude: nilIfEmpty(c.MustInclude), Leads: nilIfEmpty(c.Leads),
		Start: dateString(c.Start), End: dateString(c.End),
		TimeZone: c.TimeZone, Lang: string(c.Lang), Status: string(c.Status), Archived: c.Archived,
		Version: c.Version, CreatedBy: c.CreatedBy, CreatedAt: storedTime(c.CreatedAt),
		UpdatedBy: c.UpdatedBy, UpdatedAt: storedTime(c.UpdatedAt),
	}
	for _, ch := range c.Channels {
		d.Channels = append(d.Channels, channelDoc(ch))
	}
	for _, a := range c.Accepted {
		d.Accepted = append(d.Accepted, acceptedDoc{Kind: a.Kind, Quote: a.Quote, Point: a.Point, By: a.By, At: storedTime(a.At)})
	}
	for _, sp := range c.StalePoints {
		d.StalePoints = append(d.StalePoints, staleDoc(sp))
	}
	for _, st := range c.Chain {
		d.Chain = append(d.Chain, stepDoc{Name: st.Name, Approvers: st.Approvers})
	}
	return d
}

func (d *campaignDoc) campaign() (chorus.Campaign, error) {
	start, err := parseDate("start of campaign", d.Slug, d.Start)
	if err != nil {
		return chorus.Campaign{}, err
	}
	end, err := parseDate("end of campaign", d.Slug, d.End)
	if err != nil {
		return chorus.Campaign{}, err
	}
	c := chorus.Campaign{
		WorkspaceID: d.Workspace, Slug: d.Slug, Name: d.Name, Message: d.Message,
		MustInclude: nilIfEmpty(d.MustInclude), Leads: nilIfEmpty(d.Leads),
		Start: start, End: end, TimeZone: d.TimeZone, Lang: chorus.Lang(d.Lang), Status: chorus.Status(d.Status), Archived: d.Archived,
		Version: d.Version, CreatedBy: d.CreatedBy, CreatedAt: storedTime(d.CreatedAt),
		UpdatedBy: d.UpdatedBy, UpdatedAt: storedTime(d.UpdatedAt),
	}
	if len(d.Channels) > 0 {
		c.Channels = make([]chorus.Channel, len(d.Channels))
		for i, ch := range d.Channels {
			c.Channels[i] = chorus.Channel(ch)
		}
	}
	for _, a := range d.Accepted {
		c.Accepted = append(c.Accepted, chorus.Accepted{Kind: a.Kind, Quote: a.Quote, Point: a.Point, By: a.By, At: storedTime(a.At)})
	}
	for _, sp := range d.StalePoints {
		c.StalePoints = append(c.StalePoints, chorus.StalePoint(sp))
	}
	for _, st := range d.Chain {
		c.Chain = append(c.Chain, chorus.ApprovalStep{Name: st.Name, Approvers: st.Approvers})
	}
	return c, nil
}

func campaigns(ds []campaignDoc) ([]chorus.Campaign, error) {
	cs := make([]chorus.Campaign, 0, len(ds))
	for i := range ds {
		c, err := ds[i].campaign()
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, nil
}

// CreateCampaign stores c as version 1 of a new campaign, with CreatedAt and UpdatedAt set from
// the clock and UpdatedBy defaulting to CreatedBy. It returns ErrConflict when the slug is taken
// in the workspace.
func (s *Store) CreateCampaign(ctx context.Context, c chorus.Campaign) (chorus.Campaign, error) {
	if err := checkIdentity("campaign", c.WorkspaceID, c.Slug); err != nil {
		return chorus.Campaign{}, err
	}
	now := s.clock()
	c.Version, c.CreatedAt, c.UpdatedAt = 1, now, now
	if c.UpdatedBy == "" {
		c.UpdatedBy = c.CreatedBy
	}
	d := toCampaignDoc(c)
	if err := s.campaigns.create(ctx, &d); err != nil {
		return chorus.Campaign{}, err
	}
	return d.campaign()
}

// Campaign returns the latest version of the campaign, or ErrNotFound.
func (s *Store) Campaign(ctx context.Context, workspace, slug string) (chorus.Campaign, error) {
	d, err := s.campaigns.get(ctx, workspace, slug)
	if err != nil {
		return chorus.Campaign{}, err
	}
	return d.campaign()
}

// Campaigns returns the latest version of every campaign of the workspace, sorted by slug.
func (s *Store) Campaigns(ctx context.Context, workspace string) ([]chorus.Campaign, error) {
	ds, err := s.campaigns.list(ctx, headQuery[campaignDoc]{
		filter: bson.D{{Key: "workspace", Value: workspace}}, sort: bson.D{{Key: "slug", Value: 1}},
		ws: workspace, less: bySlug,
	})
	if err != nil {
		return nil, err
	}
	return campaigns(ds)
}

// CampaignsPage returns skip then at most limit (every one when 0) of the campaigns f selects, by
// slug as Campaigns returns them, and how many f selects in all. The read model keeps each
// selection in that order (campaignGroups): a page costs the page, not the workspace. Without
// it, the workspace's campaigns are read, by the index on (workspace, slug), and selected here.
func (s *Store) CampaignsPage(ctx context.Context, workspace string, f chorus.CampaignFilter, skip, limit int) ([]chorus.Campaign, int, error) {
	q := headQuery[campaignDoc]{filter: bson.D{{Key: "workspace", Value: workspace}}, sort: bson.D{{Key: "slug", Value: 1}},
		ws: workspace, less: bySlug, order: orderCampaignsBySlug, coarse: true}
	switch {
	case f.Lead != "":
		q.group = "lead\x00" + f.Lead
	case f.Member != "":
		q.group = "member\x00" + f.Member
	case f.Archived:
		q.group = "archived"
	default:
		q.group = "current"
	}
	q.match = func(d *campaignDoc) bool { return slices.Contains(campaignGroups(d), q.group) }
	ds, total, err := s.campaigns.page(ctx, q, skip, limit)
	if err != nil {
		return nil, 0, err
	}
	cs, err := campaigns(ds)
	return cs, total, err
}

// orderCampaignsBySlug is the ordered index of campaigns: the groups of campaignGroups, by slug.
const orderCampaignsBySlug = "by slug"

var bySlug = asc(func(d *campaignDoc) string { return d.Slug })

// campaignGroups are the selections of CampaignsPage that hold the campaign.
func campaignGroups(d *campaignDoc) []string {
	gs := []string{"current"}
	if d.Archived {
		gs[0] = "archived"
	}
	if d.Status == string(chorus.StatusClosed) {
		return gs
	}
	for _, l := range d.Leads {
		if g := "lead\x00" + l; !slices.Contains(gs, g) {
			gs = append(gs, g, "member\x00"+l)
		}
	}
	for _, ch := range d.Channels {
		if g := "member\x00" + ch.Owner; !slices.Contains(gs, g) {
			gs = append(gs, g)
		}
	}
	return gs
}

// UpdateCampaign stores c as version c.Version+1, c.Version being the version the edit is based
// on. CreatedBy and CreatedAt are kept from that version; UpdatedAt comes from the clock. It
// returns ErrConflict when someone stored that version first and ErrNotFound when the campaign
// does not exist.
func (s *Store) UpdateCampaign(ctx context.Context, c chorus.Campaign) (chorus.Campaign, error) {
	if err := checkIdentity("campaign", c.WorkspaceID, c.Slug); err != nil {
		return chorus.Campaign{}, err
	}
	base := c.Version
	c.Version, c.UpdatedAt = base+1, s.clock()
	d := toCampaignDoc(c)
	err := s.campaigns.update(ctx, &d, base, func(d, prev *campaignDoc) {
		d.CreatedBy, d.CreatedAt = prev.CreatedBy, prev.CreatedAt
	})
	if err != nil {
		return chorus.Campaign{}, err
	}
	return d.campaign()
}

// CampaignHistory returns every version of the campaign, oldest first, or ErrNotFound.
func (s *Store) CampaignHistory(ctx context.Context, workspace, slug string) ([]chorus.Campaign, error) {
	ds, err := s.campaigns.history(ctx, workspace, slug)
	if err != nil {
		return nil, err
	}
	return campaigns(ds)
}
