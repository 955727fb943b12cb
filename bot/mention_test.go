package bot

import (
	"strings"
	"testing"
)

// TestAppMentionAnswered: @Chorus in a message is answered in its thread, in the author's
// language, with what Chorus can do; the bot's own mentions are not.
func TestAppMentionAnswered(t *testing.T) {
	tests := []struct {
		name, user, want string
		posts            int
	}{
		{"French user", "W111", "Je suis Chorus", 1},
		{"English user", "U2147483697", "I'm Chorus", 1},
		{"the bot itself", "UBOT", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			body := eventBody(t, "Ev0MENTION", func(ev map[string]any) {
				ev["type"], ev["user"], ev["text"] = "app_mention", tt.user, "<@UBOT> on fait quoi ?"
				delete(ev, "subtype")
			})
			if rec := r.post(t, jsonType, body); rec.Code != 200 {
				t.Fatalf("status %d", rec.Code)
			}
			r.wait(t)
			posts := r.slack.callsTo("chat.postMessage")
			if len(posts) != tt.posts {
				t.Fatalf("%d posts, want %d", len(posts), tt.posts)
			}
			if tt.posts == 0 {
				return
			}
			p := posts[0].Form
			if !strings.Contains(p.Get("text"), tt.want) || p.Get("thread_ts") == "" {
				t.Errorf("answer %q in thread %q", p.Get("text"), p.Get("thread_ts"))
			}
		})
	}
}
