// Package reply is the small vocabulary that the features, the scheduler and the transports
// share: what a user asked (Request, Action, Submission, conversation events) and what Chorus
// answers (Reply, Post, Block, Button, Modal), with the action ids and modal callback ids that
// route a click or a form back to its feature. It holds no feature logic and no Slack markup:
// the transports (bot, console) render and parse.
package reply

import (
	"errors"

	"github.com/chorus-hq/chorus"
)

// Request is who asks what, wherever they asked it: a Slack slash command, a button, a modal, or
// a console line. Transports fill it; features never see a Slack payload.
type Request struct {
	Workspace string      // Slack team id, or "console"
	User      string      // acting user id
	Channel   string      // conversation the request came from, "" when none
	Lang      chorus.Lang // the user's language as the transport knows it (Slack locale); "" if unknown
	IsAdmin   bool        // the user is a workspace admin or owner (Slack users.info)
	Command   string      // "/campaign", "/glossary", "/chorus" (without any configured prefix)
	Text      string      // the text after the command
}

// Visibility says who sees a reply.
type Visibility int

// The visibilities. The zero value is Ephemeral: a refused or failed command is shown only to the
// person who typed it.
const (
	Ephemeral Visibility = iota
	InChannel
)

// BlockKind is the kind of a Block.
type BlockKind string

// The block kinds, a subset of Slack Block Kit that the console can also print.
const (
	Header  BlockKind = "header"
	Section BlockKind = "section"
	Context BlockKind = "context"
	Divider BlockKind = "divider"
	Actions BlockKind = "actions"
	Picture BlockKind = "image" // Block.Image: Slack shows the picture, the console saves it
)

// Block is one transport-agnostic block of a reply. Text uses *bold* and _italic_ and names
// people, channels and links with the references of refs.go, which each transport renders.
type Block struct {
	Kind      BlockKind
	Text      string
	Fields    []string // section fields, at most 10
	Buttons   []Button // actions elements, at most 25
	Accessory *Button  // a button beside a section
	Image     *Image   `json:",omitempty"` // the picture of a Picture block (left out of JSON when none: golden files predate it)
}

// Image is a picture a reply shows, such as the calendar's timeline: its bytes travel with the
// reply, and each transport stores and shows it its own way.
type Image struct {
	Name  string // a file name, such as "calendrier-2027-07-01-2027-07-31.png"
	Title string
	Alt   string // what it shows, in words: for screen readers and where no picture is shown
	PNG   []byte
	// Ref is the transport's handle on the stored picture (Slack: its file id), set by the
	// transport; "" until then.
	Ref string
}

// Button is a clickable action. ActionID routes the click back to its feature; Value carries
// its argument (a task id, a page number).
type Button struct {
	Text     string
	ActionID string
	Value    string
	Style    string // "", "primary" or "danger"
}

// Reply is what a feature answers. Text is the notification fallback and the whole reply for
// transports that show no blocks.
type Reply struct {
	Text            string
	Blocks          []Block
	Visibility      Visibility
	ReplaceOriginal bool              // a button's reply replaces the message that held the button
	Modal           *Modal            // a modal to open (needs the request's trigger)
	FieldErrors     map[string]string // modal submission errors by input id; the modal stays open
	Posts           []Post            // further messages to send (to a lead, a team channel)
}

// Post is a message a feature asks the transport to send somewhere other than the reply.
type Post struct {
	Channel string // channel id, or a user id for a direct message
	Thread  string // thread timestamp to reply in, "" for none
	Text    string
	Blocks  []Block
	// EphemeralTo, when set, shows the post in Channel to that user only: what went wrong with
	// someone's message is theirs to read, not the channel's.
	EphemeralTo string
}

// InputKind is the kind of a modal input.
type InputKind string

// The input kinds.
const (
	TextInput      InputKind = "text"
	MultilineInput InputKind = "multiline"
	DateInput      InputKind = "date"
	UserInput      InputKind = "user"
	UsersInput     InputKind = "users"
	ChannelInput   InputKind = "channel"
	SelectInput    InputKind = "select"
)

// Modal is a form. CallbackID routes its submission back to its feature, with
// PrivateMetadata (such as the campaign slug being edited).
type Modal struct {
	CallbackID      string
	Title           string // at most 24 characters
	Submit          string
	Close           string
	PrivateMetadata string
	Intro           string // optional text above the inputs
	Inputs          []Input
}

// Input is one field of a modal.
type Input struct {
	ID          string // block and action id; FieldErrors use it
	Label       string
	Kind        InputKind
	Placeholder string
	Initial     string   // initial value (a date "2006-01-02", a user id, text)
	InitialList []string // initial values of a UsersInput
	Options     []Option // for SelectInput
	Optional    bool
	MaxLength   int
}

// Option is a choice of a SelectInput.
type Option struct {
	Text  string
	Value string
}

// Action is a button click, or a message shortcut (ActionID is then the shortcut's callback id,
// Value the message's timestamp and Message the message it was used on).
type Action struct {
	ActionID string
	Value    string
	Message  *MessageEvent
}

// Submission is a modal's submitted values by input id. Multi-valued inputs (users) are joined
// by commas.
type Submission struct {
	CallbackID      string
	PrivateMetadata string
	Values          map[string]string
}

// View is a whole surface, such as the App Home tab.
type View struct {
	Blocks []Block
}

// MessageEvent is a message posted, edited or deleted in a conversation Chorus is in, as any
// transport reports it. Features that listen to conversations (minutes, drift checks) read it.
type MessageEvent struct {
	Workspace string
	Channel   string
	User      string
	TS        string // the message's timestamp (for a deletion, the deleted message's)
	ThreadTS  string // the thread's parent timestamp, "" outside threads
	Text      string // the new text; "" for a deletion
	Edited    bool
	Deleted   bool
	// File is the first file shared with the message (Slack allows several; one spreadsheet
	// to import is what Chorus reads), zero when there is none. A single value keeps events
	// comparable.
	File File
}

// File is a file shared in a conversation, as the transport can fetch it again.
type File struct {
	ID   string
	Name string // such as "plan.xlsx"
	URL  string // where the transport reads it (Slack's url_private)
	Size int
}

// ReactionEvent is an emoji reaction added to a message.
type ReactionEvent struct {
	Workspace string
	Channel   string
	User      string // who reacted
	Reaction  string // emoji name without colons, such as "memo"
	ItemUser  string // author of the message reacted to
	TS        string // timestamp of the message reacted to
}

// ErrUnavailable reports a transport service that is not there, such as reading a Slack thread
// from the console. Features then fall back on what they can do alone.
var ErrUnavailable = errors.New("not available on this transport")

// SourceMessage is a message read back from a conversation.
type SourceMessage struct {
	User      string
	TS        string
	ThreadTS  string // the thread's parent, "" for a message outside threads
	Text      string
	Permalink string
	Reactions []string // emoji names on the message, without colons
}
