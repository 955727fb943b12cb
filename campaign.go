package chorus

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on what a user types. They keep every field inside one Slack section (3,000 characters)
// and headers (150 characters), so no card ever has to cut a user's words.
const (
	MaxSlugLen       = 40
	MaxNameLen       = 150
	MaxMessageLen    = 2000
	MaxPointLen      = 300
	MaxPoints        = 10
	MaxChannels      = 20
	MaxLeads         = 10
	MaxKindLen       = 30
	MaxTitleLen      = 200
	MaxTermLen       = 100
	MaxDefinitionLen = 1000
	MaxNoteLen       = 500
	MaxVariants      = 20
	MaxAccepted      = 200
	MaxChainSteps    = 5
)

// slugRE is the syntax of campaign slugs and channel kinds: lower-case ASCII words joined by
// hyphens, as people already write them in file names ("ete-literie", "black-friday-2027").
var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// userRE matches Slack user ids (U…/W…) and the console's readable names ("alice").
var userRE = regexp.MustCompile(`^([UW][A-Z0-9]{2,20}|[a-z][a-z0-9._-]{0,30})$`)

// channelRE matches Slack conversation ids (C…/G…) and the console's "#name" channels.
var channelRE = regexp.MustCompile(`^([CG][A-Z0-9]{2,20}|#[a-z0-9][a-z0-9._-]{0,79})$`)

// ValidSlug reports whether s is a valid campaign slug.
func ValidSlug(s string) bool { return len(s) <= MaxSlugLen && slugRE.MatchString(s) }

// ValidUserID reports whether s looks like a user id.
func ValidUserID(s string) bool { return userRE.MatchString(s) }

// ValidChannelID reports whether s looks like a channel id.
func ValidChannelID(s string) bool { return channelRE.MatchString(s) }

// Status is the life-cycle state of a campaign.
type Status string

// The campaign statuses.
const (
	StatusDraft  Status = "draft"
	StatusActive Status = "active"
	StatusClosed Status = "closed"
)

// BuiltinKinds are the channel kinds every workspace has.
var BuiltinKinds = []string{"social", "email", "retail", "pr", "events", "web"}

// Channel is one team channel taking part in a campaign.
type Channel struct {
	Kind         string // "social", "email", … or a custom kind of the workspace
	SlackChannel string // where that team talks, such as "C0123"
	Owner        string // user id of the team's owner for this campaign
}

// CampaignFilter selects a workspace's campaigns for a list that shows a page of them and says
// how many there are. The zero filter selects those not archived; Archived, the archived ones.
// Member selects instead the campaigns not closed that Member leads or owns a channel of (the
// App Home's), archived or not; Lead, the campaigns not closed that Lead leads.
type CampaignFilter struct {
	Archived bool
	Member   string
	Lead     string
}

// Campaign is an omnichannel campaign: one global message that every channel adapts.
type Campaign struct {
	WorkspaceID string
	Slug        string // unique per workspace
	Name        string
	Message     string   // the global key message
	MustInclude []string // points every channel's copy must state
	Channels    []Channel
	Leads       []string // who may change the message and approve
	Start, End  Date
	TimeZone    string
	Lang        Lang // language the global message is written in
	Status      Status
	// Accepted is wording a lead judged « pas une dérive »: the detector does not flag it again
	// for this campaign, for the same kind of finding only.
	Accepted []Accepted
	// StalePoints are must-include points that still state a value the global message changed
	// (« -30 % » when the message now says « -40 % »), until a lead accepts the proposed points,
	// edits them or keeps them.
	StalePoints []StalePoint
	// Chain is the approval chain copy goes through before its leads: each step in order, such
	// as legal. Empty: the leads alone approve.
	Chain []ApprovalStep
	// Archived is a closed campaign put away: kept and readable, read-only, out of digests and
	// of lists unless asked for.
	Archived bool

	Version   int // 1 for the first version, then 2, 3, ...
	CreatedBy string
	CreatedAt time.Time
	UpdatedBy string // author of this version
	UpdatedAt time.Time
}

// Accepted is one wording a lead accepted after the detector flagged it.
type Accepted struct {
	Kind  string // the kind of the finding accepted: "fact", "missing", "off_message", "glossary"
	Quote string // the copy's words the finding quoted ("" for a missing point)
	Point string // the must-include point of a missing finding
	By    string
	At    time.Time
}

// ApprovalStep is one step of a campaign's approval chain: who approves copy there.
type ApprovalStep struct {
	Name      string   // such as "legal", "juridique"
	Approvers []string // user ids
}

// Step returns the name and approvers of step i of the copy's approval: the chain's steps, then
// the leads (final reports the leads' step, the last one).
func (c Campaign) Step(i int) (name string, approvers []string, final bool) {
	if i >= 0 && i < len(c.Chain) {
		return c.Chain[i].Name, c.Chain[i].Approvers, false
	}
	return "", c.Leads, true
}

// StalePoint is a must-include point that states a value the global message no longer states,
// because the message changed it: the point « -30 % sur toute la literie » once the message says
// -40 %.
type StalePoint struct {
	Point    string // the point as it stands
	Was      string // the point's words of the old value (« -30 % »)
	Now      string // the message's words of the new value (« -40 % »)
	Proposed string // the point rewritten with the new value, "" when none can be proposed
}

// Enforced is the campaign as copy is checked against it: without the must-include points that
// contradict its message, which no copy should be asked to state until a lead resolves them.
func (c Campaign) Enforced() Campaign {
	if len(c.StalePoints) == 0 {
		return c
	}
	out := c
	out.MustInclude = slices.DeleteFunc(slices.Clone(c.MustInclude), func(p string) bool {
		return slices.ContainsFunc(c.StalePoints, func(s StalePoint) bool { return s.Point == p })
	})
	return out
}

// PruneStale forgets the stale points that are no longer must-include points (a lead edited
// them).
func (c *Campaign) PruneStale() {
	c.StalePoints = slices.DeleteFunc(c.StalePoints, func(s StalePoint) bool { return !slices.Contains(c.MustInclude, s.Point) })
	if len(c.StalePoints) == 0 {
		c.StalePoints = nil
	}
}

// Accepts reports whether the campaign already accepts a finding of kind on quote (and point).
func (c Campaign) Accepts(kind, quote, point string) bool {
	k := AcceptedKey(kind, quote, point)
	return slices.ContainsFunc(c.Accepted, func(a Accepted) bool { return a.Key() == k })
}

// Key identifies what an acceptance covers: the kind, and the words and point folded, so the
// same wording typed with other accents or spaces is the same acceptance.
func (a Accepted) Key() string { return AcceptedKey(a.Kind, a.Quote, a.Point) }

// AcceptedKey is the Key of an acceptance of kind on quote (and point).
func AcceptedKey(kind, quote, point string) string {
	return kind + "\x00" + Fold(quote) + "\x00" + Fold(point)
}

// IsLead reports whether user is a lead of this campaign.
func (c Campaign) IsLead(user string) bool { return slices.Contains(c.Leads, user) }

// Channel returns the campaign's channel of the given kind.
func (c Campaign) Channel(kind string) (Channel, bool) {
	for _, ch := range c.Channels {
		if ch.Kind == kind {
			return ch, true
		}
	}
	return Channel{}, false
}

// IsOwner reports whether user owns the channel of the given kind.
func (c Campaign) IsOwner(user, kind string) bool {
	ch, ok := c.Channel(kind)
	return ok && ch.Owner == user
}

// Location returns the campaign's time zone.
func (c Campaign) Location() *time.Location { return LoadLocation(c.TimeZone) }

// Validate reports every problem with the campaign. customKinds are the workspace's own channel
// kinds, allowed beside BuiltinKinds.
func (c Campaign) Validate(customKinds []string) error {
	var ps Problems
	switch {
	case c.Slug == "":
		ps.add("slug", "campaign.slug.empty")
	case utf8.RuneCountInString(c.Slug) > MaxSlugLen:
		ps.add("slug", "campaign.slug.long", MaxSlugLen)
	case !slugRE.MatchString(c.Slug):
		ps.add("slug", "campaign.slug.syntax", c.Slug)
	}
	checkText(&ps, "name", c.Name, MaxNameLen, true)
	checkText(&ps, "message", c.Message, MaxMessageLen, false)
	if len(c.MustInclude) > MaxPoints {
		ps.add("must_include", "campaign.points.many", MaxPoints)
	}
	for _, p := range c.MustInclude {
		checkText(&ps, "must_include", p, MaxPointLen, true)
	}
	if len(c.Accepted) > MaxAccepted {
		ps.add("accepted", "campaign.accepted.many", MaxAccepted)
	}
	for _, a := range c.Accepted {
		checkText(&ps, "accepted", a.Quote, MaxMessageLen, false)
		checkText(&ps, "accepted", a.Point, MaxPointLen, false)
	}
	if len(c.StalePoints) > MaxPoints {
		ps.add("must_include", "campaign.points.many", MaxPoints)
	}
	for _, sp := range c.StalePoints {
		checkText(&ps, "must_include", sp.Point, MaxPointLen, true)
		checkText(&ps, "must_include", sp.Proposed, MaxPointLen, false)
	}
	if len(c.Chain) > MaxChainSteps {
		ps.add("chain", "campaign.chain.many", MaxChainSteps)
	}
	for _, st := range c.Chain {
		checkText(&ps, "chain", st.Name, MaxKindLen, true)
		if len(st.Approvers) == 0 || len(st.Approvers) > MaxLeads {
			ps.add("chain", "campaign.chain.approvers", st.Name, MaxLeads)
		}
		for _, u := range st.Approvers {
			if !ValidUserID(u) {
				ps.add("chain", "user.invalid", u)
			}
		}
	}
	if len(c.Channels) > MaxChannels {
		ps.add("channels", "campaign.channels.many", MaxChannels)
	}
	seen := map[string]bool{}
	for _, ch := range c.Channels {
		if !ValidKind(ch.Kind, customKinds) {
			ps.add("channels", "channel.kind.unknown", ch.Kind, strings.Join(append(slices.Clone(BuiltinKinds), customKinds...), ", "))
		}
		if seen[ch.Kind] {
			ps.add("channels", "channel.kind.duplicate", ch.Kind)
		}
		seen[ch.Kind] = true
		if ch.SlackChannel != "" && !ValidChannelID(ch.SlackChannel) {
			ps.add("channels", "channel.id.invalid", ch.SlackChannel)
		}
		if ch.Owner != "" && !ValidUserID(ch.Owner) {
			ps.add("channels", "user.invalid", ch.Owner)
		}
	}
	if len(c.Leads) > MaxLeads {
		ps.add("leads", "campaign.leads.many", MaxLeads)
	}
	for _, u := range c.Leads {
		if !ValidUserID(u) {
			ps.add("leads", "user.invalid", u)
		}
	}
	if !c.Start.IsZero() && !c.End.IsZero() && c.End.Before(c.Start) {
		ps.add("end", "campaign.end.before_start", c.End.String(), c.Start.String())
	}
	if _, err := time.LoadLocation(c.TimeZone); err != nil || c.TimeZone == "" {
		ps.add("time_zone", "timezone.invalid", c.TimeZone)
	}
	if _, ok := ParseLang(string(c.Lang)); !ok {
		ps.add("lang", "lang.invalid", string(c.Lang))
	}
	switch c.Status {
	case StatusDraft, StatusActive, StatusClosed:
	default:
		ps.add("status", "campaign.status.invalid", string(c.Status))
	}
	if c.Archived && c.Status != StatusClosed {
		ps.add("status", "campaign.archive.not_closed", c.Slug)
	}
	return ps.Err()
}

// ValidKind reports whether kind is a built-in channel kind or one of customKinds.
func ValidKind(kind string, customKinds []string) bool {
	return slices.Contains(BuiltinKinds, kind) || slices.Contains(customKinds, kind)
}

// checkText adds a problem when s is empty (and required), too long, or holds control characters
// other than newlines and tabs.
func checkText(ps *Problems, field, s string, max int, required bool) {
	if strings.TrimSpace(s) == "" {
		if required {
			ps.add(field, "text.empty")
		}
		return
	}
	if !utf8.ValidString(s) {
		ps.add(field, "text.encoding")
		return
	}
	if n := utf8.RuneCountInString(s); n > max {
		ps.add(field, "text.long", n, max)
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' {
			ps.add(field, "text.control")
			return
		}
	}
}
