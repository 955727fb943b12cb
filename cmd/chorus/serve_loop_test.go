package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chorus-hq/chorus/internal/slackfake"
)

// TestServeCloseTheLoop plays part of issue 14 through chorus serve against the fake Slack, as
// Slack does: a new message proposes the must-include point it contradicts, the lead accepts it
// with its button, and the lead's click on the approval of her own copy is refused.
func TestServeCloseTheLoop(t *testing.T) {
	srv := startServer(t, nil)
	fake := srv.fake
	respondedTo := func(t *testing.T, id string) string {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			for _, c := range fake.Calls("respond") {
				if c.Path == "/respond/"+id {
					return string(c.Body)
				}
			}
			_, _ = fake.WaitFor("respond", len(fake.Calls("respond"))+1, 200*time.Millisecond)
		}
		t.Fatalf("no answer on response_url %s; calls: %+v", id, fake.Calls(""))
		return ""
	}
	slash := func(t *testing.T, user, text, respond string) string {
		t.Helper()
		resp := srv.post(t, http.DefaultClient, "application/x-www-form-urlencoded", srv.slashForm(user, text, respond), time.Now(), "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("slash command %q: status %d", text, resp.StatusCode)
		}
		return respondedTo(t, respond)
	}
	click := func(t *testing.T, user, action, value, respond string) string {
		t.Helper()
		p, _ := json.Marshal(map[string]any{
			"type": "block_actions", "user": map[string]any{"id": user, "team_id": "T0CHORUS"}, "api_app_id": "A1",
			"team": map[string]any{"id": "T0CHORUS"}, "channel": map[string]any{"id": "C0GENERAL"},
			"container":  map[string]any{"type": "message", "message_ts": "1800000000.000100", "channel_id": "C0GENERAL"},
			"trigger_id": "13345224609.738474920.8088930838d88f008e0", "response_url": fake.ResponseURL(respond),
			"actions": []any{map[string]any{"action_id": action, "block_id": "b", "value": value, "type": "button", "action_ts": "1800000000.000200"}},
		})
		body := url.Values{"payload": {string(p)}}.Encode()
		if resp := srv.post(t, http.DefaultClient, "application/x-www-form-urlencoded", body, time.Now(), ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("click %s: status %d", action, resp.StatusCode)
		}
		return respondedTo(t, respond)
	}

	mustContain(t, slash(t, "U0LEA", `create ete-literie "Soldes d'été literie" 2031-07-01 2031-07-15`, "create"), "créée")
	slash(t, "U0LEA", "message ete-literie Du 1er au 15 juillet 2031, -30 % sur toute la literie, en magasin et en ligne.", "m1")
	slash(t, "U0LEA", "points ete-literie -30 % sur toute la literie ; en magasin et en ligne", "p1")
	slash(t, "U0LEA", "channel add ete-literie social <#C0SOCIAL|social> <@U0SAM>", "ch")
	body := slash(t, "U0LEA", "message ete-literie Du 1er au 15 juillet 2031, -40 % sur toute la literie, en magasin et en ligne.", "m2")
	mustContain(t, body, "Proposition : « -40 % sur toute la literie »", "campaign.points.accept")
	value := regexp.MustCompile(`ete-literie@\d+`).FindString(body)
	if value == "" {
		t.Fatalf("no card value in %s", body)
	}
	mustContain(t, click(t, "U0SAM", "campaign.points.accept", value, "accept-sam"), "only the leads", `"response_type":"ephemeral"`)
	mustContain(t, click(t, "U0LEA", "campaign.points.accept", value, "accept"), "1 point(s) remplacé(s)", "-40 % sur toute la literie")

	// Léa, the only lead, submits her own copy: her click on its approval is refused.
	before := len(fake.Calls("chat.postMessage"))
	mustContain(t, slash(t, "U0LEA", "submit ete-literie social ☀️ -40 % sur toute la literie du 1er au 15 juillet 2031, en magasin et en ligne.", "own"), "Aligné")
	var card slackfake.Call
	if _, err := fake.WaitFor("chat.postMessage", before+1, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	for _, c := range fake.Calls("chat.postMessage")[before:] {
		if strings.Contains(c.Form["blocks"], "drift.changes") {
			card = c
		}
	}
	sub := regexp.MustCompile(`"value":"([a-z0-9]+@\d+)"`).FindStringSubmatch(card.Form["blocks"])
	if sub == nil {
		t.Fatalf("no approval card posted: %+v", fake.Calls("chat.postMessage")[before:])
	}
	mustContain(t, card.Form["blocks"], "quatre yeux")
	if card.Form["channel"] != "DU0LEA" && card.Form["channel"] != "U0LEA" {
		t.Errorf("the card went to %q", card.Form["channel"])
	}
	mustContain(t, click(t, "U0LEA", "drift.approve", sub[1], "approve-own"), "quatre yeux", "Rien n")
}
