package bot

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chorus-hq/chorus/reply"
	"github.com/gorilla/websocket"
)

// envelope builds a Socket Mode envelope as Slack sends it.
func envelope(t testing.TB, id, typ string, retry int, payload json.RawMessage) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{
		"envelope_id": id, "type": typ, "accepts_response_payload": typ != "events_api",
		"retry_attempt": retry, "retry_reason": map[bool]string{true: "timeout"}[retry > 0], "payload": payload,
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSocketMode(t *testing.T) {
	r := newRig(t, func(o *Options) { // "list" only reads: answered in its ack
		o.Handler = readingHandler{o.Handler.(*fakeHandler), func(req reply.Request) bool { return req.Text == "list" }}
	})
	r.h.submit = func(ctx context.Context, req reply.Request, s reply.Submission) reply.Reply {
		return reply.Reply{FieldErrors: map[string]string{"slug": "Déjà pris"}}
	}
	r.h.command = func(ctx context.Context, req reply.Request) reply.Reply {
		return reply.Reply{Text: "via socket"}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- RunSocketMode(ctx, r.d, SocketOptions{AppToken: "xapp-test", PingInterval: time.Minute})
	}()

	var conn *websocket.Conn
	select {
	case conn = <-r.slack.conns:
	case <-failsafe():
		t.Fatal("Socket Mode never connected")
	}
	defer conn.Close()
	if err := conn.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil { // fail-safe
		t.Fatal(err)
	}
	if opens := r.slack.callsTo("apps.connections.open"); len(opens) != 1 {
		t.Fatalf("apps.connections.open called %d times", len(opens))
	}

	// The slash command payload arrives as JSON over Socket Mode.
	vals, err := url.ParseQuery(strings.TrimSpace(string(payload(t, "slash_command_docs.txt"))))
	if err != nil {
		t.Fatal(err)
	}
	vals.Set("response_url", r.slack.responseURL("socket"))
	cmd := map[string]string{}
	for k := range vals {
		cmd[k] = vals.Get(k)
	}
	cmdJSON, _ := json.Marshal(cmd)
	cmd["text"], cmd["trigger_id"] = "list", "13345224609.738474920.8088930838d88f008e1"
	readJSON, _ := json.Marshal(cmd)
	raw, err := os.ReadFile(filepath.Join("testdata", "interactivity_view_submission.json"))
	if err != nil {
		t.Fatal(err)
	}
	event := payload(t, "events_message.json")

	frames := [][]byte{
		[]byte(`{"type":"hello","num_connections":1,"debug_info":{"host":"fake"},"connection_info":{"app_id":"A111"}}`),
		envelope(t, "env-cmd", "slash_commands", 0, cmdJSON),
		envelope(t, "env-read", "slash_commands", 0, readJSON),
		envelope(t, "env-ev1", "events_api", 0, event),
		envelope(t, "env-ev2", "events_api", 1, event), // Slack's retry of the same event_id
		[]byte(`{"envelope_id":"env-bad","type":"events_api","payload":{"type":"event_callback","event_id":"EvBad","event":{"type":"no_such_event"}}}`),
		[]byte(`{"envelope_id":"env-odd","type":"mystery"}`),
		envelope(t, "env-view", "interactive", 0, raw),
	}
	for _, f := range frames {
		if err := conn.WriteMessage(websocket.TextMessage, f); err != nil {
			t.Fatal(err)
		}
	}
	acks := map[string]json.RawMessage{}
	for len(acks) < len(frames)-1 {
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if err := conn.ReadJSON(&ack); err != nil {
			t.Fatalf("reading acks (got %v): %v", keys(acks), err)
		}
		acks[ack.EnvelopeID] = ack.Payload
	}
	for _, id := range []string{"env-cmd", "env-ev1", "env-ev2", "env-bad", "env-odd"} {
		if p, ok := acks[id]; !ok || len(p) != 0 {
			t.Errorf("envelope %s: ack %v payload %s, want a bare ack", id, ok, p)
		}
	}
	var resp struct {
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
	}
	if err := json.Unmarshal(acks["env-view"], &resp); err != nil || resp.ResponseAction != "errors" || resp.Errors["slug"] != "Déjà pris" {
		t.Errorf("view_submission ack payload = %s (%v)", acks["env-view"], err)
	}
	var answer map[string]any
	if err := json.Unmarshal(acks["env-read"], &answer); err != nil || answer["text"] != "via socket" || answer["response_type"] != "ephemeral" {
		t.Errorf("a read's ack payload = %s (%v), want its answer", acks["env-read"], err)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("RunSocketMode = %v, want nil after cancel", err)
		}
	case <-failsafe():
		t.Fatal("RunSocketMode did not stop")
	}
	r.wait(t)
	if got := r.sink.gotMessages(); len(got) != 1 || got[0].Text != "Hello World!" {
		t.Errorf("messages = %+v, want the event once", got)
	}
	if calls := r.slack.callsTo("response_url"); len(calls) != 1 || calls[0].JSON["text"] != "via socket" {
		t.Errorf("slash command reply = %+v", calls)
	}
	snap := r.d.Metrics().Snapshot()
	if snap.Requests["socket/command"] != 2 || snap.Requests["socket/event"] != 2 || snap.Requests["socket/bad_envelope"] != 2 {
		t.Errorf("socket request metrics = %v", snap.Requests)
	}
}

func keys(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestSocketModeReconnects: when the WebSocket dies (Slack restarts a server, a proxy cuts it),
// Chorus opens a new connection and keeps serving.
func TestSocketModeReconnects(t *testing.T) {
	r := newRig(t)
	r.h.command = func(ctx context.Context, req reply.Request) reply.Reply {
		return reply.Reply{Text: "still here"}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- RunSocketMode(ctx, r.d, SocketOptions{AppToken: "xapp-test", PingInterval: time.Minute})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-failsafe():
			t.Error("RunSocketMode did not stop")
		}
	})
	hello := []byte(`{"type":"hello","num_connections":1,"debug_info":{"host":"fake"},"connection_info":{"app_id":"A111"}}`)
	var first *websocket.Conn
	select {
	case first = <-r.slack.conns:
	case <-failsafe():
		t.Fatal("Socket Mode never connected")
	}
	if err := first.WriteMessage(websocket.TextMessage, hello); err != nil {
		t.Fatal(err)
	}
	first.Close() // the connection dies without a goodbye

	var second *websocket.Conn
	select {
	case second = <-r.slack.conns:
	case <-failsafe():
		t.Fatal("Socket Mode did not reconnect after the connection died")
	}
	defer second.Close()
	if err := second.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	cmd, _ := json.Marshal(map[string]string{"command": "/campaign", "text": "list", "team_id": "T111", "user_id": "W111",
		"channel_id": "C111", "response_url": r.slack.responseURL("again")})
	for _, f := range [][]byte{hello, envelope(t, "env-after", "slash_commands", 0, cmd)} {
		if err := second.WriteMessage(websocket.TextMessage, f); err != nil {
			t.Fatal(err)
		}
	}
	var ack struct {
		EnvelopeID string `json:"envelope_id"`
	}
	if err := second.ReadJSON(&ack); err != nil || ack.EnvelopeID != "env-after" {
		t.Fatalf("ack on the new connection = %+v, %v", ack, err)
	}
	if opens := r.slack.callsTo("apps.connections.open"); len(opens) < 2 {
		t.Errorf("apps.connections.open called %d times, want a new URL for the new connection", len(opens))
	}
	r.wait(t)
	if calls := r.slack.callsTo("response_url"); len(calls) != 1 || calls[0].JSON["text"] != "still here" {
		t.Errorf("reply after reconnecting = %+v", calls)
	}
}
