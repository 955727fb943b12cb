package bot

import (
	"testing"

	"github.com/chorus-hq/chorus/reply"
)

func TestMarkup(t *testing.T) {
	for _, tt := range []struct {
		name string
		fn   func(string) string
		in   string
		want string
	}{
		{"mentions out", toSlack, "Owner " + reply.User("U1") + " in " + reply.Channel("C2"), "Owner <@U1> in <#C2>"},
		{"link out", toSlack, reply.Link("https://x.slack.com/archives/C1/p1", "link"), "<https://x.slack.com/archives/C1/p1|link>"},
		{"mentions in", fromSlack, "action: <@U0EMM|emma> brief in <#C0SOC|social>", "action: " + reply.User("U0EMM") + " brief in " + reply.Channel("C0SOC")},
		{"plain text in", fromSlack, "-30 % <https://shop.test|la boutique>", "-30 % <https://shop.test|la boutique>"},
		{"message link in a command", commandFromSlack, "thread <https://chorus.slack.com/archives/C0ROOM/p1700000002000100>",
			"thread " + reply.MessageRef("C0ROOM", "1700000002.000100")},
		{"reply link names its thread", commandFromSlack, "thread <https://chorus.slack.com/archives/C0ROOM/p1700000002000100?thread_ts=1700000000.000100&cid=C0ROOM>",
			"thread " + reply.MessageRef("C0ROOM", "1700000000.000100")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.fn(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
