package bot

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// threadSlack is a fake Slack Web API for the minutes' calls: conversations.replies (paged),
// conversations.history, chat.getPermalink and the three steps of a file upload.
type threadSlack struct {
	srv      *httptest.Server
	mu       sync.Mutex
	calls    []string
	params   map[string]url.Values
	uploaded string // content received at the upload URL
	complete url.Values
}

func newThreadSlack(t testing.TB) *threadSlack {
	t.Helper()
	f := &threadSlack{params: map[string]url.Values{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/upload/F123", f.upload)
	mux.HandleFunc("/api/{method}", f.api)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *threadSlack) client() *Client {
	return NewClient(ClientOptions{Token: "xoxb-test", APIURL: f.srv.URL + "/api/", MaxAttempts: 1})
}

var fakeThread = []map[string]any{
	{"type": "message", "user": "U0LEA", "ts": "1700000000.000100", "thread_ts": "1700000000.000100", "text": "Réunion créa", "reply_count": 3},
	{"type": "message", "user": "U0SAM", "ts": "1700000001.000100", "thread_ts": "1700000000.000100", "text": "on garde le bleu",
		"reactions": []map[string]any{{"name": "white_check_mark", "count": 1, "users": []string{"U0LEA"}}}},
	{"type": "message", "user": "UBOT", "bot_id": "BBOT", "ts": "1700000002.000100", "thread_ts": "1700000000.000100", "text": "❓ Action"},
	{"type": "message", "subtype": "channel_join", "user": "U0NEW", "ts": "1700000003.000100", "thread_ts": "1700000000.000100", "text": "joined"},
	{"type": "message", "user": "U0EMM", "ts": "1700000004.000100", "thread_ts": "1700000000.000100", "text": "todo: <@U0EMM> newsletter"},
}

func (f *threadSlack) api(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	f.mu.Lock()
	f.calls = append(f.calls, method)
	f.params[method] = r.Form
	f.mu.Unlock()
	switch method {
	case "conversations.replies":
		if r.Form.Get("ts") == "1699999999.000000" {
			writeJSON(w, map[string]any{"ok": false, "error": "thread_not_found"})
			return
		}
		// Two pages: the cursor is followed.
		if r.Form.Get("cursor") == "" {
			writeJSON(w, map[string]any{"ok": true, "messages": fakeThread[:3], "has_more": true,
				"response_metadata": map[string]any{"next_cursor": "page2"}})
			return
		}
		writeJSON(w, map[string]any{"ok": true, "messages": fakeThread[3:], "has_more": false})
	case "conversations.history":
		// The history lists the thread's parent only, never its replies.
		var msgs []map[string]any
		if r.Form.Get("latest") == "1700000000.000100" {
			msgs = fakeThread[:1]
		}
		writeJSON(w, map[string]any{"ok": true, "messages": msgs, "has_more": false})
	case "chat.getPermalink":
		writeJSON(w, map[string]any{"ok": true, "channel": r.Form.Get("channel"),
			"permalink": "https://chorus.slack.com/archives/" + r.Form.Get("channel") + "/p" + strings.ReplaceAll(r.Form.Get("message_ts"), ".", "")})
	case "files.getUploadURLExternal":
		writeJSON(w, map[string]any{"ok": true, "upload_url": f.srv.URL + "/api/upload/F123", "file_id": "F123"})
	case "files.completeUploadExternal":
		f.mu.Lock()
		f.complete = r.Form
		f.mu.Unlock()
		writeJSON(w, map[string]any{"ok": true, "files": []map[string]any{{"id": "F123", "title": r.Form.Get("title")}}})
	default:
		writeJSON(w, map[string]any{"ok": false, "error": "unknown_method"})
	}
}

func (f *threadSlack) upload(w http.ResponseWriter, r *http.Request) {
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		b, _ := io.ReadAll(p)
		if p.FormName() == "file" {
			f.mu.Lock()
			f.uploaded = string(b)
			f.mu.Unlock()
		}
	}
	_, _ = io.WriteString(w, "OK - 42")
}

func TestThreadReplies(t *testing.T) {
	f := newThreadSlack(t)
	c := f.client()
	ctx := context.Background()
	msgs, err := c.ThreadReplies(ctx, "C0ROOM", "1700000004.000100")
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 5 {
		t.Fatalf("%d messages, want 5 over two pages: %+v", len(msgs), msgs)
	}
	if p := f.params["conversations.replies"]; p.Get("cursor") != "page2" || p.Get("channel") != "C0ROOM" || p.Get("ts") != "1700000004.000100" {
		t.Errorf("second page asked with %v", p)
	}
	tests := []struct {
		i                  int
		user, thread, text string
		reactions          string
	}{
		{0, "U0LEA", "", "Réunion créa", ""}, // the parent is no reply
		{1, "U0SAM", "1700000000.000100", "on garde le bleu", "white_check_mark"},
		{2, "", "1700000000.000100", "❓ Action", ""}, // a bot's post has no user
		{3, "", "1700000000.000100", "joined", ""},   // nor has a join
		{4, "U0EMM", "1700000000.000100", "todo: @{U0EMM} newsletter", ""},
	}
	for _, tt := range tests {
		m := msgs[tt.i]
		if m.User != tt.user || m.ThreadTS != tt.thread || m.Text != tt.text || strings.Join(m.Reactions, ",") != tt.reactions {
			t.Errorf("message %d = %+v", tt.i, m)
		}
	}
	_, err = c.ThreadReplies(ctx, "C0ROOM", "1699999999.000000")
	if !errors.Is(err, ErrMessageNotFound) {
		t.Fatalf("missing thread: err = %v, want ErrMessageNotFound", err)
	}
}

func TestMessageAt(t *testing.T) {
	f := newThreadSlack(t)
	c := f.client()
	ctx := context.Background()
	m, err := c.MessageAt(ctx, "C0ROOM", "1700000000.000100")
	if err != nil || m.User != "U0LEA" || m.Text != "Réunion créa" {
		t.Fatalf("parent = %+v, %v", m, err)
	}
	if p := f.params["conversations.history"]; p.Get("inclusive") != "1" || p.Get("oldest") != p.Get("latest") || p.Get("limit") != "1" {
		t.Errorf("history asked with %v", p)
	}
	// A reply is not in the history: it is found in its thread.
	m, err = c.MessageAt(ctx, "C0ROOM", "1700000001.000100")
	if err != nil || m.User != "U0SAM" || len(m.Reactions) != 1 {
		t.Fatalf("reply = %+v, %v", m, err)
	}
	if _, err := c.MessageAt(ctx, "C0ROOM", "1700000009.000100"); !errors.Is(err, ErrMessageNotFound) {
		t.Fatalf("unknown message: err = %v", err)
	}
}

func TestPermalinkAndUpload(t *testing.T) {
	f := newThreadSlack(t)
	c := f.client()
	ctx := context.Background()
	link, err := c.Permalink(ctx, "C0ROOM", "1700000001.000100")
	if err != nil || link != "https://chorus.slack.com/archives/C0ROOM/p1700000001000100" {
		t.Fatalf("permalink = %q, %v", link, err)
	}
	md := "# Créa juin\n\n## Décisions\n\n- on garde le bleu (@U0SAM)\n"
	if err := c.UploadText(ctx, "C0ROOM", "", "minutes-abc.md", "Créa juin", md); err != nil {
		t.Fatal(err)
	}
	if f.uploaded != md {
		t.Errorf("uploaded %q, want %q", f.uploaded, md)
	}
	if p := f.params["files.getUploadURLExternal"]; p.Get("filename") != "minutes-abc.md" || p.Get("length") != strconv.Itoa(len(md)) {
		t.Errorf("upload URL asked with %v", p)
	}
	var files []map[string]any
	_ = json.Unmarshal([]byte(f.complete.Get("files")), &files)
	if f.complete.Get("channel_id") != "C0ROOM" || len(files) != 1 || files[0]["id"] != "F123" || files[0]["title"] != "Créa juin" {
		t.Errorf("upload completed with %v", f.complete)
	}
	if err := c.UploadText(ctx, "C0ROOM", "", "empty.md", "", " "); err == nil {
		t.Error("an empty file was uploaded")
	}
}
