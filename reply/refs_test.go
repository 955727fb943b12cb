package reply_test

import (
	"testing"

	"github.com/chorus-hq/chorus/reply"
)

func TestRefs(t *testing.T) {
	slack := reply.Renderer{
		User:    func(id string) string { return "<@" + id + ">" },
		Channel: func(id string) string { return "<#" + id + ">" },
		Link:    func(url, label string) string { return "<" + url + "|" + label + ">" },
	}
	for _, tt := range []struct {
		in, want string
	}{
		{"plain text", "plain text"},
		{reply.User("U1") + " owns " + reply.Channel("C2"), "<@U1> owns <#C2>"},
		{"see " + reply.Link("https://x.test/a", "the link"), "see <https://x.test/a|the link>"},
		{reply.Channel("#social") + " stays", "#social stays"},
		{"a {brace} and [text](not a url)", "a {brace} and [text](not a url)"},
	} {
		if got := slack.Render(tt.in); got != tt.want {
			t.Errorf("Render(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if id, ok := reply.ParseUser(reply.User("U1")); !ok || id != "U1" {
		t.Errorf("ParseUser = %q, %v", id, ok)
	}
	if _, ok := reply.ParseUser("@sami"); ok {
		t.Error("ParseUser took a typed name")
	}
	if id, ok := reply.ParseChannel(reply.Channel("C2")); !ok || id != "C2" {
		t.Errorf("ParseChannel = %q, %v", id, ok)
	}
	if ch, ts, ok := reply.ParseMessageRef(reply.MessageRef("C2", "1700000000.123456")); !ok || ch != "C2" || ts != "1700000000.123456" {
		t.Errorf("ParseMessageRef = %q, %q, %v", ch, ts, ok)
	}
}
