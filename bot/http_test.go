package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/reply"
)

const (
	formType = "application/x-www-form-urlencoded"
	jsonType = "application/json"
)

type signingVector struct {
	ID            string `json:"id"`
	SigningSecret string `json:"signing_secret"`
	Timestamp     string `json:"timestamp"`
	ContentType   string `json:"content_type"`
	Body          string `json:"body"`
	Expected      string `json:"expected_signature"`
}

func signingVectors(t testing.TB) []signingVector {
	t.Helper()
	var b []byte
	var err error
	for _, p := range []string{filepath.Join("..", "..", "shared", "slack", "signing-vectors.json"), filepath.Join("testdata", "signing-vectors.json")} {
		if b, err = os.ReadFile(p); err == nil {
			break
		}
	}
	if err != nil {
		t.Skip("signing-vectors.json not found")
	}
	var f struct{ Vectors []signingVector }
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f.Vectors
}

func TestOfficialSigningVector(t *testing.T) {
	for _, v := range signingVectors(t) {
		t.Run(v.ID, func(t *testing.T) {
			sec, _ := strconv.ParseInt(v.Timestamp, 10, 64)
			now := time.Unix(sec, 0)
			if got := Sign(v.SigningSecret, v.Timestamp, []byte(v.Body)); got != v.Expected {
				t.Errorf("Sign = %s, want %s", got, v.Expected)
			}
			if err := verifySignature(v.SigningSecret, now, v.Timestamp, v.Expected, []byte(v.Body)); err != nil {
				t.Errorf("official vector rejected: %v", err)
			}
			if err := verifySignature(v.SigningSecret, now.Add(10*time.Minute), v.Timestamp, v.Expected, []byte(v.Body)); err == nil {
				t.Error("official vector accepted 10 minutes later")
			}

			// Through the front door, with the clock frozen at the vector's time.
			r := newRig(t)
			r.clock = newFakeClock(now)
			r.d.now = r.clock.Now
			rec := r.postSigned(t, v.ContentType, []byte(v.Body), v.Timestamp, v.Expected)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d, want 200", rec.Code)
			}
			r.wait(t)
			reqs := r.h.Requests()
			if len(reqs) != 1 || reqs[0].Command != "/webhook-collect" || reqs[0].Workspace != "T1DC2JH3J" || reqs[0].User != "U2CERLKJA" {
				t.Errorf("handler saw %+v", reqs)
			}
		})
	}
}

func TestSignatureChecks(t *testing.T) {
	body := []byte(payload(t, "slash_command_docs.txt"))
	other := []byte(strings.Replace(string(body), "text=94070", "text=00000", 1))
	now := t0.Unix()
	ts := func(d int64) string { return strconv.FormatInt(now+d, 10) }
	tests := []struct {
		name string
		ts   string
		sig  string
		want int
	}{
		{"valid", ts(0), Sign(testSecret, ts(0), body), http.StatusOK},
		{"300 s old is still valid", ts(-300), Sign(testSecret, ts(-300), body), http.StatusOK},
		{"forged with another secret", ts(0), Sign("not-the-secret", ts(0), body), http.StatusUnauthorized},
		{"signature of another body", ts(0), Sign(testSecret, ts(0), other), http.StatusUnauthorized},
		{"expired: 301 s in the past", ts(-301), Sign(testSecret, ts(-301), body), http.StatusUnauthorized},
		{"expired: 301 s in the future", ts(301), Sign(testSecret, ts(301), body), http.StatusUnauthorized},
		{"timestamp swapped after signing", ts(1), Sign(testSecret, ts(0), body), http.StatusUnauthorized},
		{"missing signature", ts(0), "", http.StatusUnauthorized},
		{"missing timestamp", "", Sign(testSecret, "", body), http.StatusUnauthorized},
		{"wrong version", ts(0), "v1=" + strings.TrimPrefix(Sign(testSecret, ts(0), body), "v0="), http.StatusUnauthorized},
		{"not hex", ts(0), "v0=zz", http.StatusUnauthorized},
		{"truncated", ts(0), Sign(testSecret, ts(0), body)[:20], http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			rec := r.postSigned(t, formType, body, tt.ts, tt.sig)
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d", rec.Code, tt.want)
			}
			r.wait(t)
			if tt.want == http.StatusUnauthorized {
				if got := rec.Body.String(); got != "Unauthorized\n" {
					t.Errorf("401 body = %q, want no details", got)
				}
				if n := len(r.h.Requests()); n != 0 {
					t.Errorf("handler ran %d times for a rejected request", n)
				}
			}
		})
	}
	t.Run("no secret configured rejects everything", func(t *testing.T) {
		r := newRig(t)
		r.handler = NewHTTPHandler(r.d, HTTPOptions{})
		if rec := r.post(t, formType, body); rec.Code != http.StatusUnauthorized {
			t.Errorf("status %d, want 401", rec.Code)
		}
	})
}

func TestRequestShape(t *testing.T) {
	r := newRig(t)
	big := bytes.Repeat([]byte("a"), 1<<20+1)
	tests := []struct {
		name        string
		contentType string
		body        []byte
		chunked     bool
		want        int
	}{
		{"body over 1 MiB", formType, big, false, http.StatusRequestEntityTooLarge},
		{"body over 1 MiB without length", formType, big, true, http.StatusRequestEntityTooLarge},
		{"unknown content type", "text/plain", []byte("command=/campaign"), false, http.StatusBadRequest},
		{"form that is neither command nor interaction", formType, []byte("hello=world"), false, http.StatusBadRequest},
		{"malformed JSON", jsonType, []byte("{"), false, http.StatusBadRequest},
		{"payload that is not JSON", formType, []byte("payload=nope"), false, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := strconv.FormatInt(t0.Unix(), 10)
			req := httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(tt.body))
			if tt.chunked {
				req.ContentLength = -1
			}
			req.Header.Set("Content-Type", tt.contentType)
			req.Header.Set("X-Slack-Request-Timestamp", ts)
			req.Header.Set("X-Slack-Signature", Sign(testSecret, ts, tt.body))
			rec := httptest.NewRecorder()
			r.handler.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Errorf("status %d, want %d", rec.Code, tt.want)
			}
		})
	}
}

func TestURLVerification(t *testing.T) {
	r := newRig(t)
	body := payload(t, "events_url_verification.json")
	rec := r.post(t, jsonType, body)
	var got map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("status %d body %q: %v", rec.Code, rec.Body, err)
	}
	if got["challenge"] != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("challenge = %q", got["challenge"])
	}
}

// slashBody is the real slash command payload with its response_url pointed at the fake.
func slashBody(t testing.TB, r *rig, set ...string) []byte {
	t.Helper()
	vals, err := url.ParseQuery(strings.TrimSpace(string(payload(t, "slash_command_docs.txt"))))
	if err != nil {
		t.Fatal(err)
	}
	vals.Set("response_url", r.slack.responseURL("cmd"))
	for i := 0; i+1 < len(set); i += 2 {
		vals.Set(set[i], set[i+1])
	}
	return []byte(vals.Encode())
}

// failsafe fires if a test hangs; no test waits on it for time to pass.
func failsafe() <-chan time.Time { return time.After(10 * time.Second) }

func TestSlashCommandAckedBeforeSlowHandler(t *testing.T) {
	r := newRig(t, func(o *Options) { o.CommandPrefix = "dev-" })
	release := make(chan struct{})
	started := make(chan reply.Request, 1)
	r.h.command = func(ctx context.Context, req reply.Request) reply.Reply {
		started <- req
		<-release
		return reply.Reply{Text: "Weather: sunny", Visibility: reply.InChannel}
	}
	rec := r.post(t, formType, slashBody(t, r, "command", "/dev-weather"))
	// ServeHTTP has returned, so the ack is out while the handler is still blocked.
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Fatalf("ack = %d %q, want an empty 200", rec.Code, rec.Body)
	}
	var req reply.Request
	select {
	case req = <-started:
	case <-failsafe():
		t.Fatal("handler never ran")
	}
	if n := len(r.slack.callsTo("response_url")); n != 0 {
		t.Errorf("%d replies before the handler finished", n)
	}
	close(release)
	r.wait(t)
	want := reply.Request{Workspace: "T0001", User: "U2147483697", Channel: "C2147483705", Lang: chorus.English, Command: "/weather", Text: "94070"}
	if req != want {
		t.Errorf("request = %+v, want %+v", req, want)
	}
	calls := r.slack.callsTo("response_url")
	if len(calls) != 1 {
		t.Fatalf("response_url hit %d times, want 1", len(calls))
	}
	if calls[0].JSON["text"] != "Weather: sunny" || calls[0].JSON["response_type"] != "in_channel" {
		t.Errorf("reply = %v", calls[0].JSON)
	}
}

func TestSlashCommandReplies(t *testing.T) {
	modal := &reply.Modal{CallbackID: "campaign.create", Title: "Campagne", Submit: "OK", Inputs: []reply.Input{{ID: "slug", Label: "Slug"}}}
	tests := []struct {
		name     string
		reply    func(r *rig) reply.Reply
		script   func(f *fakeSlack)
		check    func(t *testing.T, r *rig)
		panicked bool
	}{
		{
			name:  "modal opened with the trigger",
			reply: func(*rig) reply.Reply { return reply.Reply{Modal: modal} },
			check: func(t *testing.T, r *rig) {
				open := r.slack.callsTo("views.open")
				if len(open) != 1 || open[0].JSON["trigger_id"] != "13345224609.738474920.8088930838d88f008e0" {
					t.Fatalf("views.open = %+v", open)
				}
				view, _ := open[0].JSON["view"].(map[string]any)
				if !strings.Contains(view["private_metadata"].(string), `"ch":"C2147483705"`) {
					t.Errorf("modal does not remember its channel: %v", view["private_metadata"])
				}
			},
		},
		{
			name: "modal ready too late is not opened",
			reply: func(r *rig) reply.Reply {
				r.clock.Advance(3 * time.Second)
				return reply.Reply{Modal: modal}
			},
			check: func(t *testing.T, r *rig) {
				if n := len(r.slack.callsTo("views.open")); n != 0 {
					t.Errorf("views.open called %d times with an expired trigger", n)
				}
				calls := r.slack.callsTo("response_url")
				if len(calls) != 1 || !strings.Contains(calls[0].JSON["text"].(string), "took too long") {
					t.Errorf("user told %v", calls)
				}
			},
		},
		{
			name: "post to an unreachable channel is reported",
			reply: func(*rig) reply.Reply {
				return reply.Reply{Text: "Sent", Posts: []reply.Post{{Channel: "C999", Text: "Hello team"}}}
			},
			script: func(f *fakeSlack) { f.next("chat.postMessage", slackError("not_in_channel")) },
			check: func(t *testing.T, r *rig) {
				calls := r.slack.callsTo("response_url")
				if len(calls) != 2 {
					t.Fatalf("response_url hit %d times, want 2", len(calls))
				}
				if text := calls[1].JSON["text"].(string); !strings.Contains(text, "<#C999>") || !strings.Contains(text, "invite") {
					t.Errorf("notice = %q", text)
				}
			},
		},
		{
			name:     "handler panic is reported",
			panicked: true,
			check: func(t *testing.T, r *rig) {
				calls := r.slack.callsTo("response_url")
				if len(calls) != 1 || !strings.Contains(calls[0].JSON["text"].(string), "went wrong") {
					t.Errorf("user told %v", calls)
				}
			},
		},
		{
			name:  "empty reply sends nothing",
			reply: func(*rig) reply.Reply { return reply.Reply{} },
			check: func(t *testing.T, r *rig) {
				if n := len(r.slack.callsTo("response_url")); n != 0 {
					t.Errorf("response_url hit %d times", n)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			if tt.script != nil {
				tt.script(r.slack)
			}
			r.h.command = func(ctx context.Context, req reply.Request) reply.Reply {
				if tt.panicked {
					panic("boom")
				}
				return tt.reply(r)
			}
			if rec := r.post(t, formType, slashBody(t, r)); rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			r.wait(t)
			tt.check(t, r)
		})
	}
}

// eventBody returns the real message event with its inner event edited by fn.
func eventBody(t testing.TB, eventID string, fn func(ev map[string]any)) []byte {
	t.Helper()
	var outer map[string]any
	if err := json.Unmarshal(payload(t, "events_message.json"), &outer); err != nil {
		t.Fatal(err)
	}
	outer["event_id"] = eventID
	if fn != nil {
		fn(outer["event"].(map[string]any))
	}
	b, err := json.Marshal(outer)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRetriedEventHandledOnce(t *testing.T) {
	r := newRig(t)
	body := payload(t, "events_message.json")
	first := r.post(t, jsonType, body)
	retry := r.post(t, jsonType, body, "X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout")
	if first.Code != http.StatusOK || retry.Code != http.StatusOK {
		t.Fatalf("statuses %d, %d", first.Code, retry.Code)
	}
	r.wait(t)
	got := r.sink.gotMessages()
	want := reply.MessageEvent{Workspace: "T111", Channel: "C111", User: "W111", TS: "1596183880.004200", Text: "Hello World!"}
	if len(got) != 1 || got[0] != want {
		t.Errorf("messages = %+v, want once %+v", got, want)
	}
	// The handler's answer is posted once, in the message's thread.
	posts := r.slack.callsTo("chat.postMessage")
	if len(posts) != 1 || posts[0].Form.Get("thread_ts") != want.TS || posts[0].Form.Get("channel") != "C111" {
		t.Errorf("answers posted = %+v, want one in thread %s", posts, want.TS)
	}
	if d := r.d.Metrics().Snapshot().Duplicates; d != 1 {
		t.Errorf("duplicates = %d, want 1", d)
	}
}

func TestMessageFiltering(t *testing.T) {
	tests := []struct {
		name      string
		allowBots bool
		edit      func(ev map[string]any)
		want      *reply.MessageEvent
	}{
		{"plain message", false, nil, &reply.MessageEvent{Workspace: "T111", Channel: "C111", User: "W111", TS: "1596183880.004200", Text: "Hello World!"}},
		{"own message by user id", false, func(ev map[string]any) { ev["user"] = "UBOT" }, nil},
		{"own message by bot id", true, func(ev map[string]any) { ev["bot_id"] = "BBOT" }, nil},
		{"other bot ignored", false, func(ev map[string]any) { ev["subtype"] = "bot_message"; ev["bot_id"] = "B999"; delete(ev, "user") }, nil},
		{"other bot allowed", true, func(ev map[string]any) { ev["bot_id"] = "B999" }, &reply.MessageEvent{Workspace: "T111", Channel: "C111", User: "W111", TS: "1596183880.004200", Text: "Hello World!"}},
		{"channel join ignored", false, func(ev map[string]any) { ev["subtype"] = "channel_join" }, nil},
		{"edit", false, func(ev map[string]any) {
			ev["subtype"] = "message_changed"
			ev["message"] = map[string]any{"type": "message", "user": "W111", "text": "Hello World, edited", "ts": "1596183880.004200"}
			ev["previous_message"] = map[string]any{"type": "message", "user": "W111", "text": "Hello World!", "ts": "1596183880.004200"}
		}, &reply.MessageEvent{Workspace: "T111", Channel: "C111", User: "W111", TS: "1596183880.004200", Text: "Hello World, edited", Edited: true}},
		{"unfurl is not an edit", false, func(ev map[string]any) {
			ev["subtype"] = "message_changed"
			ev["message"] = map[string]any{"type": "message", "user": "W111", "text": "Hello World!", "ts": "1596183880.004200"}
			ev["previous_message"] = map[string]any{"type": "message", "user": "W111", "text": "Hello World!", "ts": "1596183880.004200"}
		}, nil},
		{"deletion", false, func(ev map[string]any) {
			ev["subtype"] = "message_deleted"
			ev["deleted_ts"] = "1596183880.004200"
			ev["ts"] = "1596183899.000100"
			ev["previous_message"] = map[string]any{"type": "message", "user": "W111", "text": "Hello World!", "ts": "1596183880.004200"}
		}, &reply.MessageEvent{Workspace: "T111", Channel: "C111", User: "W111", TS: "1596183880.004200", Deleted: true}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, func(o *Options) { o.AllowBots = tt.allowBots })
			if rec := r.post(t, jsonType, eventBody(t, "Ev"+strconv.Itoa(i), tt.edit)); rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			r.wait(t)
			got := r.sink.gotMessages()
			switch {
			case tt.want == nil && len(got) != 0:
				t.Errorf("passed on %+v, want it ignored", got)
			case tt.want != nil && (len(got) != 1 || got[0] != *tt.want):
				t.Errorf("messages = %+v, want %+v", got, *tt.want)
			}
		})
	}
}

func TestEventClaimFailureAsksForRetry(t *testing.T) {
	r := newRig(t)
	r.claims.err = errStoreDown
	if rec := r.post(t, jsonType, eventBody(t, "EvX", nil)); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503 so that Slack retries", rec.Code)
	}
	r.wait(t)
	if n := len(r.sink.gotMessages()); n != 0 {
		t.Errorf("%d messages handled without a claim", n)
	}
}

func TestAppHomeOpened(t *testing.T) {
	r := newRig(t)
	b, err := os.ReadFile(filepath.Join("testdata", "events_app_home_opened.json"))
	if err != nil {
		t.Fatal(err)
	}
	if rec := r.post(t, jsonType, b); rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	r.wait(t)
	pub := r.slack.callsTo("views.publish")
	if len(pub) != 1 || pub[0].JSON["user_id"] != "W111" {
		t.Fatalf("views.publish = %+v", pub)
	}
	view := pub[0].JSON["view"].(map[string]any)
	blocks := view["blocks"].([]any)
	if view["type"] != "home" || len(blocks) != 1 {
		t.Errorf("view = %v", view)
	}
	if reqs := r.h.Requests(); len(reqs) != 1 || reqs[0].Lang != chorus.French || !reqs[0].IsAdmin || reqs[0].Workspace != "T111" {
		t.Errorf("home request = %+v", reqs)
	}
}

func interactionBody(t testing.TB, raw []byte, edit func(map[string]any)) []byte {
	t.Helper()
	var p map[string]any
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(p)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(url.Values{"payload": {string(b)}}.Encode())
}

func TestBlockActions(t *testing.T) {
	r := newRig(t)
	r.h.action = func(ctx context.Context, req reply.Request, a reply.Action) reply.Reply {
		return reply.Reply{Text: "Approuvé", ReplaceOriginal: true}
	}
	body := interactionBody(t, payload(t, "interactivity_block_actions_button.json"), func(p map[string]any) {
		p["response_url"] = r.slack.responseURL("action")
	})
	rec := r.post(t, formType, body)
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Fatalf("ack = %d %q", rec.Code, rec.Body)
	}
	r.wait(t)
	r.h.mu.Lock()
	actions := r.h.actions
	r.h.mu.Unlock()
	if len(actions) != 1 || actions[0] != (reply.Action{ActionID: "a", Value: "click_me_123"}) {
		t.Errorf("actions = %+v", actions)
	}
	want := reply.Request{Workspace: "T111", User: "W111", Channel: "C111", Lang: chorus.French, IsAdmin: true}
	if reqs := r.h.Requests(); len(reqs) != 1 || reqs[0] != want {
		t.Errorf("request = %+v, want %+v", reqs, want)
	}
	calls := r.slack.callsTo("response_url")
	if len(calls) != 1 || calls[0].JSON["replace_original"] != true || calls[0].JSON["text"] != "Approuvé" {
		t.Errorf("reply = %+v", calls)
	}
}

func TestViewSubmission(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "interactivity_view_submission.json"))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("field errors keep the modal open", func(t *testing.T) {
		r := newRig(t)
		r.h.submit = func(ctx context.Context, req reply.Request, s reply.Submission) reply.Reply {
			return reply.Reply{FieldErrors: map[string]string{"slug": "Lettres, chiffres et tirets seulement"}}
		}
		rec := r.post(t, formType, interactionBody(t, raw, nil))
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != jsonType {
			t.Fatalf("ack = %d %q", rec.Code, rec.Header().Get("Content-Type"))
		}
		var got struct {
			ResponseAction string            `json:"response_action"`
			Errors         map[string]string `json:"errors"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if got.ResponseAction != "errors" || got.Errors["slug"] != "Lettres, chiffres et tirets seulement" {
			t.Errorf("ack body = %s", rec.Body)
		}
		r.wait(t)
		if n := len(r.slack.callsTo("chat.postEphemeral")) + len(r.slack.callsTo("chat.postMessage")); n != 0 {
			t.Errorf("%d messages sent for a refused submission", n)
		}
	})
	t.Run("a follow-up modal replaces the submitted one", func(t *testing.T) {
		r := newRig(t)
		r.h.submit = func(ctx context.Context, req reply.Request, s reply.Submission) reply.Reply {
			return reply.Reply{Modal: &reply.Modal{CallbackID: "campaign.step2", Title: "Étape 2", Submit: "OK"}}
		}
		rec := r.post(t, formType, interactionBody(t, raw, nil))
		var got struct {
			ResponseAction string         `json:"response_action"`
			View           map[string]any `json:"view"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatalf("ack body %q: %v", rec.Body, err)
		}
		if got.ResponseAction != "update" || got.View["callback_id"] != "campaign.step2" ||
			!strings.Contains(got.View["private_metadata"].(string), `"ch":"C111"`) {
			t.Errorf("ack = %s", rec.Body)
		}
	})
	t.Run("field errors after the budget become a message", func(t *testing.T) {
		r := newRig(t, func(o *Options) { o.SubmitBudget = time.Nanosecond })
		release := make(chan struct{})
		r.h.submit = func(ctx context.Context, req reply.Request, s reply.Submission) reply.Reply {
			<-release
			return reply.Reply{FieldErrors: map[string]string{"slug": "Identifiant déjà pris"}}
		}
		rec := r.post(t, formType, interactionBody(t, raw, nil))
		if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
			t.Fatalf("ack = %d %q, want an empty 200 once the budget is spent", rec.Code, rec.Body)
		}
		close(release)
		r.wait(t)
		eph := r.slack.callsTo("chat.postEphemeral")
		if len(eph) != 1 || !strings.Contains(eph[0].Form.Get("text"), "Identifiant déjà pris") || eph[0].Form.Get("user") != "W111" {
			t.Errorf("late errors sent as %+v", eph)
		}
	})
	t.Run("success closes the modal and replies in its channel", func(t *testing.T) {
		r := newRig(t)
		r.h.submit = func(ctx context.Context, req reply.Request, s reply.Submission) reply.Reply {
			return reply.Reply{Text: "Campagne créée"}
		}
		rec := r.post(t, formType, interactionBody(t, raw, nil))
		if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
			t.Fatalf("ack = %d %q, want an empty 200", rec.Code, rec.Body)
		}
		r.wait(t)
		r.h.mu.Lock()
		subs := r.h.subs
		r.h.mu.Unlock()
		if len(subs) != 1 || subs[0].CallbackID != "campaign.create" || subs[0].PrivateMetadata != "ws=T111" ||
			subs[0].Values["slug"] != "Printemps!" || subs[0].Values["due"] != "2026-03-15" || subs[0].Values["reviewers"] != "U1,U2" {
			t.Errorf("submission = %+v", subs)
		}
		if reqs := r.h.Requests(); len(reqs) != 1 || reqs[0].Channel != "C111" || reqs[0].User != "W111" {
			t.Errorf("request = %+v", reqs)
		}
		eph := r.slack.callsTo("chat.postEphemeral")
		if len(eph) != 1 || eph[0].Form.Get("channel") != "C111" || eph[0].Form.Get("user") != "W111" || eph[0].Form.Get("text") != "Campagne créée" {
			t.Errorf("ephemeral = %+v", eph)
		}
	})
}

func TestProbesAndMetrics(t *testing.T) {
	r := newRig(t)
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		r.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}
	if rec := get("/healthz"); rec.Code != http.StatusOK {
		t.Errorf("healthz %d", rec.Code)
	}
	if rec := get("/readyz"); rec.Code != http.StatusOK {
		t.Errorf("readyz %d", rec.Code)
	}
	r.ready = errStoreDown
	if rec := get("/readyz"); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("readyz with the store down: %d, want 503", rec.Code)
	}
	r.slack.next("users.info", httpStatus(http.StatusTooManyRequests, "Retry-After", "1"))
	r.post(t, formType, slashBody(t, r))
	r.post(t, formType, slashBody(t, r), "X-Slack-Signature", "v0=00")
	r.wait(t)
	rec := get("/metrics")
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("content type %q", ct)
	}
	body := rec.Body.String()
	for _, want := range []string{
		`chorus_slack_requests_total{kind="command",transport="http"} 1`,
		`chorus_slack_requests_total{kind="unauthorized",transport="http"} 1`,
		`chorus_slack_ack_seconds_bucket{le="+Inf"} 2`,
		`chorus_slack_ack_seconds_count 2`,
		`chorus_slack_api_calls_total{method="users.info"} 2`,
		`chorus_slack_api_errors_total{method="users.info"} 1`,
		`chorus_slack_api_rate_limited_total{method="users.info"} 1`,
		"# TYPE chorus_slack_ack_seconds histogram",
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
}

// A post meant for one person (an error about their message) goes through chat.postEphemeral.
func TestEphemeralPost(t *testing.T) {
	r := newRig(t)
	if rec := r.post(t, jsonType, eventBody(t, "EvEphemeral", func(ev map[string]any) { ev["text"] = "a copy too long" })); rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	r.wait(t)
	eph := r.slack.callsTo("chat.postEphemeral")
	if len(eph) != 1 || eph[0].Form.Get("user") != "W111" || eph[0].Form.Get("channel") != "C111" {
		t.Fatalf("ephemeral posts = %+v, want one to W111 in C111", eph)
	}
	if posts := r.slack.callsTo("chat.postMessage"); len(posts) != 0 {
		t.Errorf("the error was also posted for all: %+v", posts)
	}
}
