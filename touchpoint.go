package chorus

import (
	"slices"
	"strings"
	"time"
)

// Limits on touchpoints and audience segments. A campaign rarely has more than a few dozen
// touchpoints; the caps keep a campaign card and the calendar picture readable.
const (
	MaxTouchpoints    = 100 // per campaign
	MaxSegments       = 30  // per workspace
	MaxSegmentLen     = 60
	MaxTouchpointDays = 366 // the longest range one touchpoint covers
)

// Stage is a step of the customer journey a touchpoint serves.
type Stage string

// The journey stages, in the order a customer goes through them. Their values are the French
// words without accents, as leads say them.
const (
	StageDiscovery     Stage = "decouverte"
	StageConsideration Stage = "consideration"
	StagePurchase      Stage = "achat"
	StageLoyalty       Stage = "fidelisation"
)

// Stages lists the journey stages in order.
var Stages = []Stage{StageDiscovery, StageConsideration, StagePurchase, StageLoyalty}

// stageWords are the words people type for each stage, folded (no accents), French and English.
var stageWords = map[string]Stage{
	"decouverte": StageDiscovery, "discovery": StageDiscovery, "awareness": StageDiscovery,
	"consideration": StageConsideration,
	"achat":         StagePurchase, "purchase": StagePurchase, "conversion": StagePurchase,
	"fidelisation": StageLoyalty, "loyalty": StageLoyalty, "retention": StageLoyalty,
}

// ParseStage returns the stage s names, in French or English, with or without accents
// (« découverte », "discovery", « Fidélisation », "loyalty"). It reports false for anything else.
func ParseStage(s string) (Stage, bool) {
	st, ok := stageWords[Fold(strings.TrimSpace(s))]
	return st, ok
}

// Valid reports whether st is one of Stages.
func (st Stage) Valid() bool { return slices.Contains(Stages, st) }

// Touchpoint is one moment a campaign reaches an audience segment on a channel: a newsletter
// going out on the 3rd, a window display from the 1st to the 15th. Touchpoints feed the
// communication calendar, its iCalendar feed and the collision radar.
type Touchpoint struct {
	WorkspaceID string
	ID          string // short id people type, such as "p4k2xa"
	Campaign    string // campaign slug
	Channel     string // a channel kind: built-in or one of the workspace's custom kinds
	Start       Date   // first day it is live
	End         Date   // last day it is live; equal to Start (or zero) for a single day
	Segment     string // one of the workspace's audience segments
	Stage       Stage
	Owner       string // user id of who makes it happen
	// Removed marks a touchpoint taken off the calendar: its versions stay for history, lists
	// no longer show it.
	Removed bool

	Version   int
	CreatedBy string
	CreatedAt time.Time
	UpdatedBy string
	UpdatedAt time.Time
}

// Last returns the last day the touchpoint is live: End, or Start for a single day.
func (t Touchpoint) Last() Date {
	if t.End.IsZero() {
		return t.Start
	}
	return t.End
}

// SingleDay reports whether the touchpoint is live on one day only.
func (t Touchpoint) SingleDay() bool { return t.Last() == t.Start }

// Days returns how many days the touchpoint is live, counting both ends.
func (t Touchpoint) Days() int { return DaysBetween(t.Start, t.Last()) + 1 }

// Overlaps reports whether the touchpoint is live on at least one day of [from, to].
func (t Touchpoint) Overlaps(from, to Date) bool {
	return !t.Last().Before(from) && !to.Before(t.Start)
}

// On reports whether the touchpoint is live on day d.
func (t Touchpoint) On(d Date) bool { return t.Overlaps(d, d) }

// Moved returns the touchpoint moved to [start, end], an end of zero meaning a single day.
func (t Touchpoint) Moved(start, end Date) Touchpoint {
	t.Start, t.End = start, end
	if end == start {
		t.End = Date{}
	}
	return t
}

// Validate reports every problem with the touchpoint. customKinds are the workspace's own channel
// kinds, segments its audience segments (Workspace.Segments): the segment must be one of them.
func (t Touchpoint) Validate(customKinds, segments []string) error {
	var ps Problems
	if !ValidSlug(t.Campaign) {
		ps.add("campaign", "campaign.slug.syntax", t.Campaign)
	}
	switch {
	case t.Channel == "":
		ps.add("channel", "touchpoint.channel.empty")
	case !ValidKind(t.Channel, customKinds):
		ps.add("channel", "channel.kind.unknown", t.Channel, strings.Join(append(slices.Clone(BuiltinKinds), customKinds...), ", "))
	}
	switch {
	case t.Start.IsZero():
		ps.add("start", "touchpoint.start.empty")
	case !t.Start.Valid():
		ps.add("start", "touchpoint.date.invalid", t.Start.String())
	case !t.End.IsZero() && !t.End.Valid():
		ps.add("end", "touchpoint.date.invalid", t.End.String())
	case t.Last().Before(t.Start):
		ps.add("end", "touchpoint.end.before_start", t.End.String(), t.Start.String())
	case t.Days() > MaxTouchpointDays:
		ps.add("end", "touchpoint.range.long", MaxTouchpointDays)
	}
	switch {
	case strings.TrimSpace(t.Segment) == "":
		ps.add("segment", "touchpoint.segment.empty")
	case !HasSegment(segments, t.Segment):
		ps.add("segment", "touchpoint.segment.unknown", t.Segment, strings.Join(segments, ", "))
	}
	if !t.Stage.Valid() {
		ps.add("stage", "touchpoint.stage.invalid", string(t.Stage))
	}
	switch {
	case t.Owner == "":
		ps.add("owner", "touchpoint.owner.empty")
	case !ValidUserID(t.Owner):
		ps.add("owner", "user.invalid", t.Owner)
	}
	return ps.Err()
}

// HasSegment reports whether segments holds s, compared folded (« Clients fidélité » and
// « clients fidelite » are one segment).
func HasSegment(segments []string, s string) bool {
	_, ok := FindSegment(segments, s)
	return ok
}

// FindSegment returns the segment of segments that s names folded, as the workspace spells it.
func FindSegment(segments []string, s string) (string, bool) {
	f := Fold(s)
	for _, seg := range segments {
		if Fold(seg) == f {
			return seg, true
		}
	}
	return "", false
}

// ValidateSegment reports the problems with a new audience segment name, given the workspace's
// segments: empty, too long, control characters or a comma, a duplicate, or one too many.
func ValidateSegment(segments []string, s string) error {
	var ps Problems
	checkSegment(&ps, segments, s)
	if len(segments) >= MaxSegments {
		ps.add("segment", "segment.many", MaxSegments)
	}
	return ps.Err()
}

// checkSegment adds the problems of segment s beside the existing ones, but their number.
func checkSegment(ps *Problems, existing []string, s string) {
	checkText(ps, "segment", s, MaxSegmentLen, true)
	if strings.ContainsAny(s, ",") {
		ps.add("segment", "segment.syntax", s)
	}
	if HasSegment(existing, s) {
		ps.add("segment", "segment.duplicate", s)
	}
}
