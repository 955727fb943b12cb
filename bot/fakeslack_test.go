package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// apiCall is one request the fake Slack received.
type apiCall struct {
	Method string         // Web API method, or "response_url" for a response_url POST
	Path   string         // request path
	Form   url.Values     // form-encoded parameters
	JSON   map[string]any // JSON body, when there was one
}

// fakeSlack is a local stand-in for Slack's Web API, response_urls and Socket Mode WebSocket. It
// records every call; scripted answers override the defaults one call at a time. slacktest lacks
// chat.update, views.*, conversations.history and unique timestamps, hence this fake.
type fakeSlack struct {
	t      testing.TB
	srv    *httptest.Server
	mu     sync.Mutex
	calls  []apiCall
	script map[string][]func(w http.ResponseWriter)
	users  map[string]map[string]any
	posted map[string][]map[string]any // channel -> messages, oldest first
	seq    int
	conns  chan *websocket.Conn
}

func newFakeSlack(t testing.TB) *fakeSlack {
	t.Helper()
	f := &fakeSlack{
		t:      t,
		script: map[string][]func(http.ResponseWriter){},
		users:  map[string]map[string]any{},
		posted: map[string][]map[string]any{},
		conns:  make(chan *websocket.Conn, 4),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/{method}", f.api)
	mux.HandleFunc("/respond/", f.respond)
	mux.HandleFunc("/ws", f.websocket)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSlack) apiURL() string { return f.srv.URL + "/api/" }

func (f *fakeSlack) responseURL(name string) string { return f.srv.URL + "/respond/" + name }

// setUser sets what users.info answers for id.
func (f *fakeSlack) setUser(id, locale string, admin bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[id] = map[string]any{"id": id, "name": strings.ToLower(id), "locale": locale, "is_admin": admin}
}

// next makes the next call of method answer with fn instead of the default.
func (f *fakeSlack) next(method string, fn func(w http.ResponseWriter)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script[method] = append(f.script[method], fn)
}

// slackError scripts an {"ok":false,"error":code} answer.
func slackError(code string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) { writeJSON(w, map[string]any{"ok": false, "error": code}) }
}

// httpStatus scripts a bare HTTP status, with headers given as name, value pairs.
func httpStatus(code int, header ...string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
	}
}

// callsTo returns the recorded calls of method.
func (f *fakeSlack) callsTo(method string) []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []apiCall
	for _, c := range f.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeSlack) record(r *http.Request, method string) apiCall {
	c := apiCall{Method: method, Path: r.URL.Path}
	body, _ := io.ReadAll(r.Body)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(body, &c.JSON)
	} else {
		c.Form, _ = url.ParseQuery(string(body))
	}
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
	return c
}

func (f *fakeSlack) scripted(method string) func(http.ResponseWriter) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := f.script[method]
	if len(q) == 0 {
		return nil
	}
	f.script[method] = q[1:]
	return q[0]
}

func (f *fakeSlack) api(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	c := f.record(r, method)
	if fn := f.scripted(method); fn != nil {
		fn(w)
		return
	}
	switch method {
	case "auth.test":
		writeJSON(w, map[string]any{"ok": true, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T111"})
	case "users.info":
		f.mu.Lock()
		u, ok := f.users[c.Form.Get("user")]
		f.mu.Unlock()
		if !ok {
			u = map[string]any{"id": c.Form.Get("user"), "locale": "en-US"}
		}
		writeJSON(w, map[string]any{"ok": true, "user": u})
	case "chat.postMessage":
		ch := c.Form.Get("channel")
		if isUserID(ch) {
			ch = "D" + ch // Slack posts to a user id in the direct message with them
		}
		f.mu.Lock()
		f.seq++
		ts := fmt.Sprintf("1700000000.%06d", f.seq)
		msg := map[string]any{"type": "message", "ts": ts, "text": c.Form.Get("text"), "bot_id": "BBOT"}
		if m := c.Form.Get("metadata"); m != "" {
			var meta map[string]any
			_ = json.Unmarshal([]byte(m), &meta)
			msg["metadata"] = meta
		}
		f.posted[ch] = append(f.posted[ch], msg)
		f.mu.Unlock()
		writeJSON(w, map[string]any{"ok": true, "channel": ch, "ts": ts, "message": msg})
	case "chat.postEphemeral":
		writeJSON(w, map[string]any{"ok": true, "message_ts": "1700000000.999999"})
	case "chat.update":
		writeJSON(w, map[string]any{"ok": true, "channel": c.Form.Get("channel"), "ts": c.Form.Get("ts"), "text": c.Form.Get("text")})
	case "views.open", "views.publish":
		writeJSON(w, map[string]any{"ok": true, "view": map[string]any{"id": "V123"}})
	case "conversations.history":
		f.mu.Lock()
		msgs := f.posted[c.Form.Get("channel")]
		newest := make([]map[string]any, 0, len(msgs))
		for i := len(msgs) - 1; i >= 0; i-- {
			newest = append(newest, msgs[i])
		}
		f.mu.Unlock()
		writeJSON(w, map[string]any{"ok": true, "messages": newest, "has_more": false})
	case "conversations.open":
		writeJSON(w, map[string]any{"ok": true, "channel": map[string]any{"id": "D" + c.Form.Get("users")}})
	case "apps.connections.open":
		writeJSON(w, map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/ws"})
	default:
		writeJSON(w, map[string]any{"ok": false, "error": "unknown_method"})
	}
}

func (f *fakeSlack) respond(w http.ResponseWriter, r *http.Request) {
	f.record(r, "response_url")
	if fn := f.scripted("response_url"); fn != nil {
		fn(w)
		return
	}
	_, _ = io.WriteString(w, "ok")
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (f *fakeSlack) websocket(w http.ResponseWriter, r *http.Request) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		f.t.Errorf("websocket upgrade: %v", err)
		return
	}
	f.conns <- conn
}

// fakeClock is a manual clock whose sleep advances time instead of waiting.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func newFakeClock(t time.Time) *fakeClock { return &fakeClock{t: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	c.t = c.t.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// payload reads a real Slack payload: from ../../shared/slack/payloads when the shared tree is
// beside the repository, else from the copy in testdata/payloads.
func payload(t testing.TB, name string) []byte {
	t.Helper()
	for _, dir := range []string{filepath.Join("..", "..", "shared", "slack", "payloads"), filepath.Join("testdata", "payloads")} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err == nil {
			return b
		}
	}
	t.Skipf("payload %s not found", name)
	return nil
}

// TestPayloadCopiesMatchShared keeps testdata/payloads, the copies CI falls back on, identical
// to the shared originals whenever those are present.
func TestPayloadCopiesMatchShared(t *testing.T) {
	shared := filepath.Join("..", "..", "shared", "slack", "payloads")
	entries, err := os.ReadDir(filepath.Join("testdata", "payloads"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Run(e.Name(), func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(shared, e.Name()))
			if err != nil {
				t.Skipf("shared payload absent: %v", err)
			}
			got, err := os.ReadFile(filepath.Join("testdata", "payloads", e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("testdata copy of %s differs from the shared original", e.Name())
			}
		})
	}
}
