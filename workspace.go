package chorus

import (
	"slices"
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

	Version   int // 0 until first stored, then 1, 2, ...
	UpdatedBy string
	UpdatedAt time.Time
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
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	loc, err := time.LoadLocation(DefaultTimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}
