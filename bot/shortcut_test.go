package bot

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/reply"
)

// checkCopyPayload is a message_action interaction as Slack sends it when someone uses the
// "Check against campaign" shortcut (callback_id check_copy) on a message: the acting user,
// the channel, and the message itself with its author, text and timestamp.
const checkCopyPayload = `{
  "type": "message_action",
  "token": "Nj2rfC2hU8mAfgaJLemZgO7H",
  "action_ts": "1800000100.123456",
  "team": {"id": "T111", "domain": "doucenuit"},
  "user": {"id": "W111", "username": "lea", "team_id": "T111", "name": "lea"},
  "channel": {"id": "C0SOCIAL", "name": "social"},
  "is_enterprise_install": false,
  "enterprise": null,
  "callback_id": "check_copy",
  "trigger_id": "13345224609.738474920.8088930838d88f008e0",
  "response_url": "RESPONSE_URL",
  "message_ts": "1800000001.000100",
  "message": {
    "client_msg_id": "5b5c1f2e-8f7d-4a0e-9a57-2f6c0d1e9b11",
    "type": "message",
    "text": "Jusqu'à -20 % sur la literie Douce Nuit du 1er au 15 juillet !",
    "user": "U2147483697",
    "ts": "1800000001.000100",
    "team": "T111",
    "blocks": [{"type": "rich_text", "block_id": "x1", "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": "Jusqu'à -20 % sur la literie Douce Nuit du 1er au 15 juillet !"}]}]}]
  }
}`

func TestCheckCopyShortcut(t *testing.T) {
	r := newRig(t)
	r.h.action = func(ctx context.Context, req reply.Request, a reply.Action) reply.Reply {
		return reply.Reply{Text: "🔎 vérifié", Posts: []reply.Post{{Channel: a.Message.Channel, Thread: a.Message.TS, Text: "⚠️ 2 écart(s)"}}}
	}
	body := []byte(url.Values{"payload": {strings.Replace(checkCopyPayload, "RESPONSE_URL", r.slack.responseURL("shortcut"), 1)}}.Encode())
	rec := r.post(t, formType, body)
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Fatalf("ack = %d %q, want an empty 200", rec.Code, rec.Body)
	}
	r.wait(t)

	r.h.mu.Lock()
	actions := r.h.actions
	r.h.mu.Unlock()
	if len(actions) != 1 {
		t.Fatalf("actions = %+v, want the shortcut", actions)
	}
	a := actions[0]
	if a.ActionID != reply.ActCheckCopy || a.Value != "1800000001.000100" || a.Message == nil {
		t.Fatalf("action = %+v", a)
	}
	want := reply.MessageEvent{Workspace: "T111", Channel: "C0SOCIAL", User: "U2147483697", TS: "1800000001.000100",
		Text: "Jusqu'à -20 % sur la literie Douce Nuit du 1er au 15 juillet !"}
	if *a.Message != want {
		t.Errorf("message = %+v, want %+v", *a.Message, want)
	}
	// The request is the shortcut's user (who may differ from the message's author).
	wantReq := reply.Request{Workspace: "T111", User: "W111", Channel: "C0SOCIAL", Lang: chorus.French, IsAdmin: true}
	if reqs := r.h.Requests(); len(reqs) != 1 || reqs[0] != wantReq {
		t.Errorf("request = %+v, want %+v", reqs, wantReq)
	}
	if calls := r.slack.callsTo("response_url"); len(calls) != 1 || calls[0].JSON["text"] != "🔎 vérifié" {
		t.Errorf("reply through response_url = %+v", calls)
	}
	posts := r.slack.callsTo("chat.postMessage")
	if len(posts) != 1 {
		t.Fatalf("chat.postMessage calls = %+v, want the verdict in the thread", posts)
	}
	if ch, th := param(posts[0], "channel"), param(posts[0], "thread_ts"); ch != "C0SOCIAL" || th != "1800000001.000100" {
		t.Errorf("verdict posted to %q thread %q, want C0SOCIAL thread 1800000001.000100", ch, th)
	}
}

// param reads a Web API parameter whether the client sent a form or JSON.
func param(c apiCall, name string) string {
	if v := c.Form.Get(name); v != "" {
		return v
	}
	if v, ok := c.JSON[name].(string); ok {
		return v
	}
	return ""
}
