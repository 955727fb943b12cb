package chorus

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on meeting minutes. A line fits one Slack section with room for its owner and date.
const (
	MaxLineLen        = 1000
	MaxSummaryLen     = 1500
	MaxMeetingTitle   = MaxTitleLen
	maxDueWords       = 5 // longest date phrase read at the end of an action item, "vendredi 15/07 à 17h"
	meetingIDAlphabet = "abcdefghijklmnopqrstuvwxyz234567"
)

// MeetingStatus is the state of a meeting's minutes.
type MeetingStatus string

// The meeting statuses. A channel has at most one open meeting at a time.
const (
	MeetingOpen   MeetingStatus = "open"
	MeetingClosed MeetingStatus = "closed"
)

// LineKind is what a line of minutes records.
type LineKind string

// The line kinds.
const (
	LineNote     LineKind = "note"
	LineDecision LineKind = "decision"
	LineAction   LineKind = "action"
)

// LineKinds lists the kinds in the order minutes show them.
var LineKinds = []LineKind{LineNote, LineDecision, LineAction}

// Meeting is the minutes of one meeting: held live in a channel (/minutes start … end) or built
// afterwards from an existing thread. Its lines are separate values (Line), so that many people
// adding lines at once never overwrite each other.
type Meeting struct {
	WorkspaceID string
	ID          string // short id people type, such as "q3x7mz"
	Channel     string // where the meeting was held
	ThreadTS    string // the thread the minutes were built from; "" for live minutes
	Title       string
	Campaign    string // campaign slug, "" when the meeting is about no campaign
	Status      MeetingStatus
	Lang        Lang // language of the posted minutes and of the summary
	Summary     string
	StartedBy   string
	StartedAt   time.Time
	EndedAt     time.Time // zero while open

	Version   int
	UpdatedBy string
	UpdatedAt time.Time
}

// Validate reports every problem with the meeting.
func (m Meeting) Validate() error {
	var ps Problems
	checkText(&ps, "title", m.Title, MaxMeetingTitle, true)
	if !ValidChannelID(m.Channel) {
		ps.add("channel", "channel.id.invalid", m.Channel)
	}
	if m.Campaign != "" && !ValidSlug(m.Campaign) {
		ps.add("campaign", "campaign.slug.syntax", m.Campaign)
	}
	switch m.Status {
	case MeetingOpen, MeetingClosed:
	default:
		ps.add("status", "minutes.status.invalid", string(m.Status))
	}
	if _, ok := ParseLang(string(m.Lang)); !ok {
		ps.add("lang", "lang.invalid", string(m.Lang))
	}
	if !ValidUserID(m.StartedBy) {
		ps.add("started_by", "user.invalid", m.StartedBy)
	}
	checkText(&ps, "summary", m.Summary, MaxSummaryLen, false)
	return ps.Err()
}

// ValidMeetingID reports whether s looks like a meeting id.
func ValidMeetingID(s string) bool {
	if len(s) < 4 || len(s) > 12 {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune(meetingIDAlphabet, r) {
			return false
		}
	}
	return true
}

// Line is one note, decision or action item of a meeting. It is identified within its meeting by
// TS: the timestamp of the Slack message it was taken from, so that the message's edits and
// deletion find it again, or a generated one for a line typed with /minutes.
type Line struct {
	WorkspaceID string
	MeetingID   string
	TS          string
	Channel     string // the meeting's channel, where the message is
	Kind        LineKind
	Text        string
	Author      string // who said it
	Permalink   string // link to the Slack message, "" for a typed line or in the console
	Owner       string // action items: who does it
	Due         time.Time
	// ChangesMessage marks a decision whose text is a new global message for the meeting's
	// campaign; a lead applies it, which stores AppliedVersion.
	ChangesMessage bool
	AppliedVersion int
	TaskID         string // the task an action item became
	Deleted        bool   // the message was deleted in Slack: the line no longer counts
	Order          string // set by the store: lines list in the order they were captured

	Version   int
	CreatedAt time.Time
	UpdatedBy string
	UpdatedAt time.Time
}

// Key returns the line's identity within its workspace.
func (l Line) Key() string { return LineKey(l.MeetingID, l.TS) }

// LineKey returns the key of the line taken from message ts in meeting.
func LineKey(meeting, ts string) string { return meeting + ":" + ts }

// SplitLineKey is the inverse of LineKey.
func SplitLineKey(key string) (meeting, ts string, ok bool) {
	meeting, ts, ok = strings.Cut(key, ":")
	return meeting, ts, ok && meeting != "" && ts != ""
}

// Missing reports what an action item still lacks to become a task: "owner", "due", both or
// none. Other kinds lack nothing.
func (l Line) Missing() []string {
	if l.Kind != LineAction {
		return nil
	}
	var out []string
	if l.Owner == "" {
		out = append(out, "owner")
	}
	if l.Due.IsZero() {
		out = append(out, "due")
	}
	return out
}

// Validate reports every problem with the line. A deleted line keeps whatever text it had.
func (l Line) Validate() error {
	var ps Problems
	switch l.Kind {
	case LineNote, LineDecision, LineAction:
	default:
		ps.add("kind", "minutes.kind.invalid", string(l.Kind))
	}
	checkText(&ps, "text", l.Text, MaxLineLen, !l.Deleted)
	if !ValidUserID(l.Author) {
		ps.add("author", "user.invalid", l.Author)
	}
	if l.Owner != "" && !ValidUserID(l.Owner) {
		ps.add("owner", "user.invalid", l.Owner)
	}
	if l.TS == "" || strings.ContainsAny(l.TS, ": /") {
		ps.add("ts", "minutes.ts.invalid", l.TS)
	}
	if l.ChangesMessage {
		if l.Kind != LineDecision {
			ps.add("kind", "minutes.message_change.not_decision")
		}
		checkText(&ps, "text", l.Text, MaxMessageLen, !l.Deleted)
	}
	return ps.Err()
}

// MeetingFilter selects meetings. Empty fields select everything.
type MeetingFilter struct {
	Campaign string
	Channel  string
	Status   MeetingStatus
}

var prefixRE = regexp.MustCompile(`^\s*[*_]*([\p{L} ]{2,12}?)[*_]*\s*:\s*(.*)$`)

// prefixKinds maps folded line prefixes, in French and English, to the kind they mark.
var prefixKinds = map[string]LineKind{
	"note": LineNote, "notes": LineNote, "nb": LineNote,
	"decision": LineDecision, "decisions": LineDecision, "decide": LineDecision,
	"action": LineAction, "actions": LineAction, "todo": LineAction, "to do": LineAction,
	"a faire": LineAction, "tache": LineAction, "task": LineAction,
}

// ParsePrefix reads a line typed with a kind prefix: "note: …", "décision : …", "Decision: …",
// "action: …", "todo: …", "à faire : …". It returns the kind and the text after the prefix, and
// false when text has no such prefix or nothing after it.
func ParsePrefix(text string) (LineKind, string, bool) {
	first, _, _ := strings.Cut(text, "\n")
	m := prefixRE.FindStringSubmatch(first)
	if m == nil {
		return "", "", false
	}
	kind, ok := prefixKinds[Fold(m[1])]
	if !ok {
		return "", "", false
	}
	body := strings.TrimSpace(m[2] + strings.TrimPrefix(text, first))
	if body == "" {
		return kind, "", false
	}
	return kind, body, true
}

// ReactionKind returns the kind of line an emoji reaction marks: :memo: a note,
// :white_check_mark: a decision, :point_right: an action item. Skin tones are ignored.
func ReactionKind(emoji string) (LineKind, bool) {
	name, _, _ := strings.Cut(strings.Trim(emoji, ":"), "::")
	switch name {
	case "memo", "pencil", "spiral_note_pad":
		return LineNote, true
	case "white_check_mark", "heavy_check_mark", "ballot_box_with_check":
		return LineDecision, true
	case "point_right":
		return LineAction, true
	}
	return "", false
}

var messageMarkRE = regexp.MustCompile(`^\s*(?:nouveau message(?: global)?|new (?:global )?message|message(?: global)?|global message)\s*:\s*`)

// ParseMessageChange reads a decision that replaces the campaign's global message, written
// "message: <new message>" (or "nouveau message : …", "new global message: …"). It returns the
// new message and false when the decision is an ordinary one.
func ParseMessageChange(text string) (string, bool) {
	folded := Fold(text)
	loc := messageMarkRE.FindStringIndex(folded)
	if loc == nil {
		return text, false
	}
	// The mark is ASCII once folded; find where it ends in the original text by its colon.
	i := strings.IndexRune(text, ':')
	if i < 0 {
		return text, false
	}
	msg := strings.TrimSpace(text[i+1:])
	if msg == "" {
		return text, false
	}
	return msg, true
}

// ActionItem is what an action item's text says: its title, who does it and by when.
type ActionItem struct {
	Title string
	Owner string    // user id, "" when nobody is named
	Due   time.Time // zero when no date is given
}

var (
	// mentionRE reads a mention as the transports hand it over (reply.User writes it).
	mentionRE = regexp.MustCompile(`@\{([A-Za-z0-9._-]+)\}`)
	atNameRE  = regexp.MustCompile(`(^|\s)@([a-z][a-z0-9._-]{0,30})\b`)
	// dueMarks introduce a due date at the end of an action item; they are dropped with it.
	dueMarks = map[string]bool{"pour": true, "avant": true, "d'ici": true, "le": true, "by": true, "before": true,
		"for": true, "on": true, "due": true, "echeance": true, "echeance:": true, "due:": true, "-": true, "—": true}
)

// ParseAction reads an action item such as "@{U123} envoie le brief vendredi 17h" or
// "@sami newsletter by next tuesday": the first person mentioned owns it, and the longest phrase
// at the end that reads as a date (ParseWhen, in loc, relative to now) is its due date. Both are
// optional; the rest is the title. A date in the past is refused with ParseWhen's "when.past".
func ParseAction(text string, loc *time.Location, now time.Time) (ActionItem, error) {
	var a ActionItem
	rest := text
	if m := mentionRE.FindStringSubmatchIndex(rest); m != nil && ValidUserID(rest[m[2]:m[3]]) {
		a.Owner = rest[m[2]:m[3]]
		rest = rest[:m[0]] + " " + rest[m[1]:]
	} else if m := atNameRE.FindStringSubmatchIndex(rest); m != nil && ValidUserID(rest[m[4]:m[5]]) {
		a.Owner = rest[m[4]:m[5]]
		rest = rest[:m[2]] + " " + rest[m[1]:]
	}
	words := strings.Fields(rest)
	var past error
	for n := min(maxDueWords, len(words)); n >= 1; n-- {
		phrase := strings.Join(words[len(words)-n:], " ")
		due, err := ParseWhen(phrase, loc, now)
		if err == nil {
			a.Due = due
			words = words[:len(words)-n]
			break
		}
		if e, ok := err.(*Error); ok && e.Code == "when.past" && past == nil {
			past = err
		}
	}
	if a.Due.IsZero() && past != nil {
		return ActionItem{}, past
	}
	if !a.Due.IsZero() {
		for len(words) > 0 && dueMarks[Fold(words[len(words)-1])] {
			words = words[:len(words)-1]
		}
	}
	a.Title = strings.TrimSpace(strings.Trim(strings.Join(words, " "), " ,;:-—"))
	if a.Title == "" {
		return ActionItem{}, Invalid("text", "minutes.action.no_text")
	}
	if utf8.RuneCountInString(a.Title) > MaxTitleLen {
		r := []rune(a.Title)
		a.Title = string(r[:MaxTitleLen-1]) + "…"
	}
	return a, nil
}
