package reply

import (
	"regexp"
	"strings"
)

// References in texts. Features name people, channels, messages and links with these
// functions and never in a transport's markup; the transports render them (bot as Slack's
// <@U123>, <#C123> and <url|label>, the console as @name and #channel) and turn what a user
// typed or Slack sent into them (bot turns <@U123|sami> into User("U123")).

// User refers to a user by id in a text.
func User(id string) string { return "@{" + id + "}" }

// Channel refers to a channel by id in a text. A channel the console names as typed ("#social")
// stays as it is.
func Channel(id string) string {
	if strings.HasPrefix(id, "#") {
		return id
	}
	return "#{" + id + "}"
}

// Link is a link to url shown as label.
func Link(url, label string) string { return "[" + label + "](" + url + ")" }

// MessageRef refers to the message ts of channel, as a user pastes a message's link. It is one
// word, so a command's arguments keep it whole.
func MessageRef(channel, ts string) string { return "{message:" + channel + "/" + ts + "}" }

var (
	userRE    = regexp.MustCompile(`^@\{([^{}\s]+)\}$`)
	channelRE = regexp.MustCompile(`^#\{([^{}\s]+)\}$`)
	messageRE = regexp.MustCompile(`^\{message:([^/{}\s]+)/([^{}\s]+)\}$`)
	refsRE    = regexp.MustCompile(`@\{([^{}\s]+)\}|#\{([^{}\s]+)\}|\[([^\[\]\n]*)\]\((https?://[^\s()]+)\)`)
)

// ParseUser reads a whole word written by User, reporting false for anything else.
func ParseUser(s string) (string, bool) {
	if m := userRE.FindStringSubmatch(s); m != nil {
		return m[1], true
	}
	return "", false
}

// ParseChannel reads a whole word written by Channel for a channel id, reporting false for
// anything else.
func ParseChannel(s string) (string, bool) {
	if m := channelRE.FindStringSubmatch(s); m != nil {
		return m[1], true
	}
	return "", false
}

// ParseMessageRef reads a whole word written by MessageRef.
func ParseMessageRef(s string) (channel, ts string, ok bool) {
	if m := messageRE.FindStringSubmatch(s); m != nil {
		return m[1], m[2], true
	}
	return "", "", false
}

// Renderer says how a transport shows each kind of reference.
type Renderer struct {
	User    func(id string) string
	Channel func(id string) string
	Link    func(url, label string) string
}

// Render rewrites the references in text as r shows them.
func (r Renderer) Render(text string) string {
	if !strings.ContainsAny(text, "{[") {
		return text
	}
	return refsRE.ReplaceAllStringFunc(text, func(m string) string {
		sub := refsRE.FindStringSubmatch(m)
		switch {
		case sub[1] != "":
			return r.User(sub[1])
		case sub[2] != "":
			return r.Channel(sub[2])
		default:
			return r.Link(sub[4], sub[3])
		}
	})
}
