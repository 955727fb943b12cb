package chorus

import (
	"slices"
	"sync"
	"time"
)

// DefaultTimeZone is the time zone of a workspace, channel or campaign that sets none.
const DefaultTimeZone = "Europe/Paris"

// Workspace is the settings of one Slack workspace (or of the console).
type Workspace struct {
	ID          string   // Slack team id, such as "T0001"
	TimeZone    string   // IANA zone used for every date a human types or reads
	Lang        Lang     // default language of replies
	Leads       []string // user ids of the omnichannel leads
	CustomKinds []string // channel kinds this workspace adds to the built-in ones
	// Frontline are the channels of people facing customers, where briefings are sent.
	Frontline []FrontlineChannel
	// Segments are the audience segments the leads maintain (« clients fidélité », « prospects »,
	// « B2B »): every touchpoint reaches one of them.
	Segments []string
	// Radar is how much the collision radar lets one segment receive; zero fields take the
	// defaults (RadarSettings.OrDefault).
	Radar RadarSettings

	Version   int // 0 until first stored, then 1, 2, ...
	UpdatedBy string
	UpdatedAt time.Time
}

// The collision radar's defaults: more than three touchpoints reaching one segment within seven
// days is pressure marketers commonly cap (one message every two days at most).
const (
	DefaultRadarLimit  = 3
	DefaultRadarWindow = 7
	MaxRadarLimit      = 50
	MaxRadarWindow     = 90
)

// RadarSettings is the collision radar's threshold: a segment reached by more than Limit
// touchpoints within any Window consecutive days is over-solicited.
type RadarSettings struct {
	Limit  int // touchpoints allowed in the window; 0 means DefaultRadarLimit
	Window int // days; 0 means DefaultRadarWindow
}

// OrDefault returns r with its zero fields set to the defaults.
func (r RadarSettings) OrDefault() RadarSettings {
	if r.Limit == 0 {
		r.Limit = DefaultRadarLimit
	}
	if r.Window == 0 {
		r.Window = DefaultRadarWindow
	}
	return r
}

// DefaultWorkspace returns the settings of a workspace nobody has configured yet.
func DefaultWorkspace(id string) Workspace {
	return Workspace{ID: id, TimeZone: DefaultTimeZone, Lang: French}
}

// IsLead reports whether user is an omnichannel lead of the workspace.
func (w Workspace) IsLead(user string) bool { return slices.Contains(w.Leads, user) }

// Location returns the workspace's time zone, or Europe/Paris if it is unset or unknown.
func (w Workspace) Location() *time.Location { return LoadLocation(w.TimeZone) }

// Validate reports every problem with the settings.
func (w Workspace) Validate() error {
	var ps Problems
	if w.ID == "" {
		ps.add("id", "workspace.id.empty")
	}
	if _, err := time.LoadLocation(w.TimeZone); err != nil || w.TimeZone == "" {
		ps.add("time_zone", "timezone.invalid", w.TimeZone)
	}
	if _, ok := ParseLang(string(w.Lang)); !ok {
		ps.add("lang", "lang.invalid", string(w.Lang))
	}
	for _, u := range w.Leads {
		if !ValidUserID(u) {
			ps.add("leads", "user.invalid", u)
		}
	}
	for _, k := range w.CustomKinds {
		if !slugRE.MatchString(k) || len(k) > MaxKindLen {
			ps.add("custom_kinds", "channel.kind.syntax", k)
		}
	}
	if len(w.Frontline) > MaxFrontline {
		ps.add("frontline", "frontline.too_many", MaxFrontline)
	}
	for _, f := range w.Frontline {
		if !ValidChannelID(f.Channel) {
			ps.add("frontline", "channel.id.invalid", f.Channel)
		}
		if !slugRE.MatchString(f.Kind) || len(f.Kind) > MaxKindLen {
			ps.add("frontline", "frontline.kind.syntax", f.Kind)
		}
	}
	if len(w.Segments) > MaxSegments {
		ps.add("segments", "segment.many", MaxSegments)
	}
	for i, seg := range w.Segments {
		checkSegment(&ps, w.Segments[:i], seg)
	}
	if w.Radar.Limit < 0 || w.Radar.Limit > MaxRadarLimit {
		ps.add("radar", "radar.limit.range", w.Radar.Limit, MaxRadarLimit)
	}
	if w.Radar.Window < 0 || w.Radar.Window > MaxRadarWindow {
		ps.add("radar", "radar.window.range", w.Radar.Window, MaxRadarWindow)
	}
	return ps.Err()
}

// FrontlineChannel returns the front-line channel channel, reporting false when it is not one.
func (w Workspace) FrontlineChannel(channel string) (FrontlineChannel, bool) {
	for _, f := range w.Frontline {
		if f.Channel == channel {
			return f, true
		}
	}
	return FrontlineChannel{}, false
}

// LoadLocation returns the named IANA zone, or Europe/Paris when name is empty or unknown.
// Callers validate names where a human types them; this is for reading stored values.
func LoadLocation(name string) *time.Location {
	if name != "" {
		if loc, ok := locations.Load(name); ok {
			return loc.(*time.Location)
		}
		if loc, err := time.LoadLocation(name); err == nil {
			locations.Store(name, loc)
			return loc
		}
	}
	if name == DefaultTimeZone {
		return time.UTC
	}
	return LoadLocation(DefaultTimeZone)
}

// locations memoizes time.LoadLocation, which reads and parses the zone's file at every call
// (every command asks for its workspace's zone: 3.4 KiB and a file read each). A zone's rules
// do not change while the process runs, so the memo holds no state anyone can observe; it only
// grows with the names that loaded, which are the IANA zones in use.
var locations sync.Map // name → *time.Location
