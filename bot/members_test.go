package bot

import (
	"context"
	"net/http"
	"slices"
	"testing"
)

// TestClientChannelMembers reads every page of conversations.members, leaves the bots out and
// reads each person's time zone from users.info, once per person within the cache's life.
func TestClientChannelMembers(t *testing.T) {
	f := newFakeSlack(t)
	c := newTestClient(t, f, newFakeClock(t0), nil)
	f.mu.Lock()
	f.users["U1"] = map[string]any{"id": "U1", "tz": "Europe/Paris"}
	f.users["U2"] = map[string]any{"id": "U2", "tz": "America/Montreal"}
	f.users["B1"] = map[string]any{"id": "B1", "is_bot": true}
	f.mu.Unlock()
	f.next("conversations.members", func(w http.ResponseWriter) {
		writeJSON(w, map[string]any{"ok": true, "members": []string{"U1", "B1"}, "response_metadata": map[string]any{"next_cursor": "page2"}})
	})
	f.next("conversations.members", func(w http.ResponseWriter) {
		writeJSON(w, map[string]any{"ok": true, "members": []string{"U2"}, "response_metadata": map[string]any{"next_cursor": ""}})
	})
	ctx := context.Background()
	got, err := c.ChannelMembers(ctx, "C1")
	if err != nil || !slices.Equal(got, []string{"U1", "U2"}) {
		t.Fatalf("ChannelMembers = %v, %v", got, err)
	}
	calls := f.callsTo("conversations.members")
	if len(calls) != 2 || calls[0].Form.Get("channel") != "C1" || calls[1].Form.Get("cursor") != "page2" {
		t.Fatalf("conversations.members calls = %+v", calls)
	}
	for user, want := range map[string]string{"U1": "Europe/Paris", "U2": "America/Montreal", "B1": ""} {
		if tz, err := c.UserTimeZone(ctx, user); err != nil || tz != want {
			t.Errorf("UserTimeZone(%s) = %q, %v; want %q", user, tz, err, want)
		}
	}
	if n := len(f.callsTo("users.info")); n != 3 {
		t.Errorf("users.info called %d times for 3 people, want 3 (cached)", n)
	}
}
