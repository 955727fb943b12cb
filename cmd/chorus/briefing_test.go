package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/internal/slackfake"
	"github.com/chorus-hq/chorus/reply"
	"github.com/chorus-hq/chorus/scheduler"
)

// briefingRig is chorus serve against the fake Slack, driven by signed requests as Slack sends
// them; a scheduler of its own (same store, same wiring) ticks on a settable clock when the test
// says. The server keeps the real clock: its admission measures jobs with it.
type briefingRig struct {
	t     *testing.T
	srv   *testServer
	clock *clockT
	sched *scheduler.Scheduler
	seq   atomic.Int64
	start chorus.Date // the campaign's go-live, ten days from now
}

func newBriefingRig(t *testing.T) *briefingRig {
	t.Helper()
	clock := &clockT{t: time.Now()}
	users := map[string]slackfake.User{"U0LEA": {Locale: "fr-FR", Admin: true}, "U0SAM": {Locale: "fr-FR"}, "U0LOU": {Locale: "fr-FR"},
		"U0ANA": {TZ: "Europe/Paris"}, "U0BEN": {TZ: "Europe/Paris"}, "U0CLEO": {TZ: "Europe/Paris"},
		"U0DAN": {TZ: "Europe/Paris"}, "U0EVE": {Locale: "en-US", TZ: "America/Montreal"}, "U0BOT": {Bot: true}}
	members := map[string][]string{"C0STORES": {"U0ANA", "U0BEN", "U0CLEO", "U0BOT"}, "C0CARE": {"U0DAN", "U0EVE"}}
	srv := startServerWith(t, slackfake.Options{Users: users, Members: members}, nil, nil)
	r := &briefingRig{t: t, srv: srv, clock: clock, start: chorus.DateOf(time.Now().In(chorus.LoadLocation("Europe/Paris")).AddDate(0, 0, 10))}
	s, err := srv.app.newScheduler(context.Background(), slackSender{client: srv.app.slack}, clock.Now, "test-replica")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	r.sched = s
	return r
}

// send posts a signed body and waits until the fake Slack has seen n calls of method.
func (r *briefingRig) send(contentType, body string) {
	r.t.Helper()
	if resp := r.srv.post(r.t, http.DefaultClient, contentType, body, time.Now(), ""); resp.StatusCode != http.StatusOK {
		r.t.Fatalf("status %d for %s", resp.StatusCode, body)
	}
}

// slash runs a slash command as user and returns the answer sent to its response_url.
func (r *briefingRig) slash(user, command, text string) string {
	r.t.Helper()
	id := fmt.Sprintf("cmd%d", r.seq.Add(1))
	r.send("application/x-www-form-urlencoded", url.Values{"command": {command}, "text": {text}, "team_id": {"T0CHORUS"}, "user_id": {user},
		"channel_id": {"C0GENERAL"}, "response_url": {r.srv.fake.ResponseURL(id)}, "trigger_id": {"1.2.3"}}.Encode())
	return r.responded(id)
}

// click presses a button of a message in channel as user and returns the answer.
func (r *briefingRig) click(user, channel, action, value string) string {
	r.t.Helper()
	id := fmt.Sprintf("act%d", r.seq.Add(1))
	payload, _ := json.Marshal(map[string]any{
		"type": "block_actions", "user": map[string]any{"id": user, "team_id": "T0CHORUS"}, "team": map[string]any{"id": "T0CHORUS"},
		"api_app_id": "A1", "trigger_id": "1.2.3", "channel": map[string]any{"id": channel},
		"container":    map[string]any{"type": "message", "message_ts": "1800000000.000001", "channel_id": channel},
		"response_url": r.srv.fake.ResponseURL(id),
		"actions":      []map[string]any{{"action_id": action, "block_id": "b", "value": value, "type": "button", "action_ts": "1800000000.1"}},
	})
	r.send("application/x-www-form-urlencoded", url.Values{"payload": {string(payload)}}.Encode())
	return r.responded(id)
}

// message is a message event as Slack sends it: user wrote text in the thread of channel.
func (r *briefingRig) message(user, channel, thread, ts, text string) {
	r.t.Helper()
	ev, _ := json.Marshal(map[string]any{"token": "x", "team_id": "T0CHORUS", "api_app_id": "A1", "type": "event_callback",
		"event_id": fmt.Sprintf("Ev%d", r.seq.Add(1)), "event_time": time.Now().Unix(),
		"event": map[string]any{"type": "message", "channel": channel, "user": user, "text": text, "ts": ts, "thread_ts": thread, "channel_type": "channel", "event_ts": ts}})
	r.send("application/json", string(ev))
}

func (r *briefingRig) responded(id string) string {
	r.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, c := range r.srv.fake.Calls("respond") {
			if c.Path == "/respond/"+id {
				return unescapeJSON(string(c.Body))
			}
		}
		_, _ = r.srv.fake.WaitFor("respond", len(r.srv.fake.Calls("respond"))+1, 200*time.Millisecond)
	}
	r.t.Fatalf("no answer on %s; logs:\n%s", id, r.srv.logs.String())
	return ""
}

// posts waits until channel got n messages (chat.postMessage) and returns them all.
func (r *briefingRig) posts(channel string, n int) []slackfake.Call {
	r.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var out []slackfake.Call
		for _, c := range r.srv.fake.Calls("chat.postMessage") {
			if c.Form["channel"] == channel {
				out = append(out, c)
			}
		}
		if len(out) >= n || time.Now().After(deadline) {
			if len(out) < n {
				r.t.Fatalf("%s got %d messages, want %d", channel, len(out), n)
			}
			return out
		}
		_, _ = r.srv.fake.WaitFor("chat.postMessage", len(r.srv.fake.Calls("chat.postMessage"))+1, 200*time.Millisecond)
	}
}

// tsOf is the timestamp the fake Slack gave a message: its rank among the posts.
func (r *briefingRig) tsOf(c slackfake.Call) string {
	for i, p := range r.srv.fake.Calls("chat.postMessage") {
		if p.At.Equal(c.At) && p.Form["text"] == c.Form["text"] && p.Form["channel"] == c.Form["channel"] {
			n := i + 1
			return fmt.Sprintf("%d.%06d", 1_800_000_000+n/1_000_000, n%1_000_000)
		}
	}
	r.t.Fatalf("no such post %+v", c)
	return ""
}

// eve is the given hour on the eve of go-live, in zone.
func (r *briefingRig) eve(zone string, hour, min int) time.Time {
	return time.Date(r.start.Year, r.start.Month, r.start.Day-1, hour, min, 0, 0, chorus.LoadLocation(zone))
}

// tick runs the rig's scheduler at t and waits for what it sent.
func (r *briefingRig) tick(at time.Time) {
	r.clock.Set(at)
	r.sched.Tick(context.Background())
	r.sched.Wait()
}

// unescapeJSON undoes the escapes encoding/json writes for <, > and &, so that tests read Slack's
// markup as Slack shows it.
func unescapeJSON(s string) string {
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(s)
}

// buttonValue finds the value of the button action in a posted message's blocks.
func buttonValue(t testing.TB, c slackfake.Call, action string) string {
	t.Helper()
	var found string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["action_id"] == action {
				found, _ = x["value"].(string)
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	var blocks any
	if err := json.Unmarshal([]byte(c.Form["blocks"]), &blocks); err != nil {
		t.Fatalf("blocks of %+v: %v", c.Form, err)
	}
	walk(blocks)
	if found == "" {
		t.Fatalf("no %s button in %s", action, c.Form["blocks"])
	}
	return found
}

// TestBriefingEndToEnd plays issue 16's front line through chorus serve and Slack's wire format:
// approval → briefing sent to two front-line channels → 3 of 5 acknowledge → reminders go to the
// other 2 only, each on their own time and language, once → message changed → updated briefing,
// acknowledgements reset; a question on delivery times is routed to the logistics expert and
// escalated to the lead when unanswered.
func TestBriefingEndToEnd(t *testing.T) {
	r := newBriefingRig(t)
	for _, c := range [][3]string{
		{"U0LEA", "/campaign", `create ete-literie "Soldes d'été literie" ` + r.start.String() + " " + chorus.DateOf(r.start.In(time.UTC).AddDate(0, 0, 14)).String()},
		{"U0LEA", "/campaign", `message ete-literie -30 % sur toute la literie avec le code LITERIE30, en magasin et en ligne.`},
		{"U0LEA", "/campaign", `channel add ete-literie social <#C0SOCIAL|social> <@U0SAM>`},
		{"U0LEA", "/chorus", `settings frontline add <#C0STORES|magasins> magasins`},
		{"U0LEA", "/chorus", `settings frontline add <#C0CARE|service-client> service-client`},
		{"U0LEA", "/chorus", `experts add logistique <@U0LOU>`},
		{"U0EVE", "/chorus", `lang en`},
	} {
		if out := r.slash(c[0], c[1], c[2]); strings.Contains(out, "⚠️") {
			t.Fatalf("%s %s: %s", c[1], c[2], out)
		}
	}
	// sami's copy, approved by the lead: the lead gets the draft briefing with its send button.
	r.slash("U0SAM", "/campaign", "submit ete-literie social -30 % sur toute la literie avec le code LITERIE30, en magasin et en ligne !")
	card := r.posts("DU0LEA", 1)[0]
	mustContain(t, r.click("U0LEA", "DU0LEA", reply.ActDriftApprove, buttonValue(t, card, reply.ActDriftApprove)), "validé")
	draft := r.posts("DU0LEA", 2)[1]
	mustContain(t, unescapeJSON(draft.Form["blocks"]), "Brouillon de la fiche promo", "LITERIE30", "Elle partira dans <#C0STORES>")
	mustContain(t, r.click("U0LEA", "DU0LEA", reply.ActBriefingSend, buttonValue(t, draft, reply.ActBriefingSend)), "📣", "<#C0STORES>, <#C0CARE>")
	stores, care := r.posts("C0STORES", 1)[0], r.posts("C0CARE", 1)[0]
	mustContain(t, stores.Form["blocks"], "Fiche promo — Soldes d'été literie", "Lu et compris")
	if n := len(r.srv.fake.Calls("conversations.members")); n != 2 {
		t.Errorf("conversations.members called %d times, want once per channel", n)
	}
	ack := buttonValue(t, stores, reply.ActBriefingAck)
	for _, u := range []string{"U0ANA", "U0BEN"} {
		mustContain(t, r.click(u, "C0STORES", reply.ActBriefingAck, ack), "confirmée", `"response_type":"ephemeral"`)
	}
	mustContain(t, r.click("U0DAN", "C0CARE", reply.ActBriefingAck, buttonValue(t, care, reply.ActBriefingAck)), "confirmée")
	status := r.slash("U0LEA", "/campaign", "briefing status ete-literie")
	mustContain(t, status, "(magasins) — 2/3 ont lu", "⏳ <@U0CLEO>", "(service-client) — 1/2 ont lu", "⏳ <@U0EVE>")
	if strings.Contains(status, "U0BOT") {
		t.Errorf("the bot is asked to read the briefing: %s", status)
	}

	// The eve of go-live: cleo at 10:00 in Paris, eve at 10:00 in Montreal, in her language;
	// each once, though the scheduler ticks again.
	r.tick(r.eve("Europe/Paris", 9, 59))
	if n := len(r.posts("DU0CLEO", 0)); n != 0 {
		t.Fatalf("reminded before 10:00: %d", n)
	}
	r.tick(r.eve("Europe/Paris", 10, 0))
	mustContain(t, r.posts("DU0CLEO", 1)[0].Form["text"], "merci de lire la fiche promo dans <#C0STORES>")
	if n := len(r.posts("DU0EVE", 0)); n != 0 {
		t.Fatalf("eve reminded before 10:00 in Montreal: %d", n)
	}
	r.tick(r.eve("America/Montreal", 10, 0))
	r.tick(r.eve("America/Montreal", 10, 1))
	mustContain(t, r.posts("DU0EVE", 1)[0].Form["text"], `Before "Soldes d'été literie" goes live`, "<#C0CARE>")
	for _, u := range []string{"DU0ANA", "DU0BEN", "DU0DAN"} {
		if n := len(r.posts(u, 0)); n != 0 {
			t.Errorf("%s, who read the briefing, got %d reminders", u, n)
		}
	}
	if n := len(r.posts("DU0CLEO", 0)) + len(r.posts("DU0EVE", 0)); n != 2 {
		t.Errorf("%d reminders for 2 people", n)
	}

	// The message changes: an updated edition in both channels says what changed; everyone again.
	mustContain(t, r.slash("U0LEA", "/campaign", "message ete-literie -40 % sur toute la literie avec le code LITERIE40, en magasin et en ligne."),
		"Fiche promo mise à jour (édition n°2)")
	upd := r.posts("C0STORES", 2)[1]
	r.posts("C0CARE", 2)
	mustContain(t, upd.Form["blocks"], "mise à jour n°2", "Ce qui change", "-40 %", "LITERIE40")
	mustContain(t, r.click("U0ANA", "C0STORES", reply.ActBriefingAck, ack), "mise à jour depuis")
	mustContain(t, r.slash("U0LEA", "/campaign", "briefing status ete-literie"), "édition n°2", "0/3 ont lu", "0/2 ont lu")

	// A question on delivery times in the thread: the logistics expert is mentioned there; left
	// unanswered for two hours, it goes to the lead, once.
	thread := r.tsOf(upd)
	r.message("U0CLEO", "C0STORES", thread, "1900000000.000100", "Une cliente demande les délais de livraison pour un matelas commandé en ligne ?")
	routed := r.posts("C0STORES", 3)[2]
	if routed.Form["thread_ts"] != thread {
		t.Errorf("routed outside the thread: %+v", routed.Form)
	}
	mustContain(t, routed.Form["text"], "<@U0LOU>", "logistique", "<@U0CLEO>")
	leadDMs := len(r.posts("DU0LEA", 0))
	asked := time.Now()
	r.tick(asked.Add(2*time.Hour - time.Minute))
	if n := len(r.posts("DU0LEA", 0)); n != leadDMs {
		t.Fatalf("escalated before two hours")
	}
	r.tick(asked.Add(2*time.Hour + time.Minute))
	r.tick(asked.Add(2*time.Hour + 2*time.Minute))
	dms := r.posts("DU0LEA", leadDMs+1)
	if len(dms) != leadDMs+1 {
		t.Fatalf("lead DMs = %d, want one escalation", len(dms)-leadDMs)
	}
	mustContain(t, dms[len(dms)-1].Form["text"], "Question sans réponse depuis 2h", "<#C0STORES>", "délais de livraison", "<@U0LOU>")
	var md struct {
		EventType string `json:"event_type"`
	}
	_ = json.Unmarshal([]byte(dms[len(dms)-1].Form["metadata"]), &md)
	if md.EventType != scheduler.EventNudge {
		t.Errorf("escalation metadata = %q", dms[len(dms)-1].Form["metadata"])
	}

	// The same follow-up in English, for a lead who reads English.
	r.slash("U0LEA", "/chorus", "lang en")
	mustContain(t, r.slash("U0LEA", "/campaign", "briefing status ete-literie"), `Briefing \"Soldes d'été literie\", edition no. 2`, "(magasins) — 0/3 have read it")
}
