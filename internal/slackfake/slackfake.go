// Package slackfake is a local stand-in for Slack's Web API and response URLs, for end-to-end
// tests and the load tool. It speaks Slack's wire format (form or JSON bodies in, {"ok":…} JSON
// out) so the real slack-go client inside bot talks to it unchanged, and it records every call.
//
// It answers auth.test, chat.postMessage, chat.postEphemeral, chat.update, chat.getPermalink,
// users.info, views.open, views.publish, views.update, conversations.open,
// conversations.history and conversations.replies (from the messages it was sent, with their
// metadata; a post to a user id lands in the direct message "D"+id; as in Slack, the history
// lists no replies: a thread's are read with conversations.replies), the file upload of
// files.getUploadURLExternal, a POST of the file to the upload URL it gives (method "upload",
// the bytes kept: File, Uploaded) and files.completeUploadExternal, the url_private of files
// people shared (AddFile, served with a bearer token only), and any POST to /respond/… as a
// response_url.
// Optionally it enforces Slack's one message per second per channel, answering 429 with
// Retry-After, as the real API does.
package slackfake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Call is one request the fake received.
type Call struct {
	Method string            // Web API method such as "chat.postMessage", or "respond"
	Path   string            // request path
	Form   map[string]string // form fields, or the top-level string fields of a JSON body
	Body   []byte            // raw body
	At     time.Time
}

// Options configure a Server.
type Options struct {
	// RatePerChannel, when set, is the minimum gap between chat.postMessage calls to one
	// channel; a faster call gets 429 with Retry-After, counted in RateLimited.
	RatePerChannel time.Duration
	// Clock is the time the rate limit is measured with; time.Now by default.
	Clock func() time.Time
	// Users are the users.info answers by user id; unknown users are French, not admins.
	Users map[string]User
	// Members are the conversations.members answers by channel id; unknown channels are empty.
	Members map[string][]string
	// OnCall, when set, sees each recorded call (the command-line fake prints them).
	OnCall func(Call)
	// RefuseImages makes chat.postMessage refuse blocks holding an image (invalid_blocks), as
	// Slack does with an image it cannot fetch.
	RefuseImages bool
}

// User is what users.info tells about a person.
type User struct {
	Locale string // such as "fr-FR" or "en-US"
	Admin  bool
	TZ     string // IANA time zone of the profile, such as "America/Montreal"; "" for none
	Bot    bool
}

// Server is a running fake Slack.
type Server struct {
	*httptest.Server
	opts Options

	mu          sync.Mutex
	calls       []Call
	lastPost    map[string]time.Time
	seq         int
	rateLimited int
	notify      chan struct{}
	files       map[string][]byte // uploaded files by id
	shared      map[string]*File  // files people shared (AddFile), by id
}

// New starts a fake Slack on a loopback port. Close it when done.
func New(opts Options) *Server {
	s, err := Listen("127.0.0.1:0", opts)
	if err != nil {
		panic(fmt.Sprintf("slackfake: %v", err)) // as httptest.NewServer does
	}
	return s
}

// Listen starts a fake Slack on addr. Close it when done.
func Listen(addr string, opts Options) (*Server, error) {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, lastPost: map[string]time.Time{}, notify: make(chan struct{}), files: map[string][]byte{}}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.Server.Listener.Close()
	s.Server.Listener = ln
	s.Server.Start()
	return s, nil
}

// APIURL is the Web API base URL to give bot (SLACK_API_URL), ending in "/".
func (s *Server) APIURL() string { return s.URL + "/api/" }

// ResponseURL returns a response_url that reports to this fake as method "respond".
func (s *Server) ResponseURL(id string) string { return s.URL + "/respond/" + url.PathEscape(id) }

// Calls returns the calls of method received so far ("" for all).
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// RateLimited is how many calls got a 429.
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rateLimited
}

// WaitFor waits until n calls of method have arrived or timeout passes, and returns them.
func (s *Server) WaitFor(method string, n int, timeout time.Duration) ([]Call, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		notify := s.notify
		s.mu.Unlock()
		if calls := s.Calls(method); len(calls) >= n {
			return calls, nil
		}
		select {
		case <-notify:
		case <-deadline.C:
			calls := s.Calls(method)
			return calls, fmt.Errorf("slackfake: %d %s calls after %s, want %d", len(calls), method, timeout, n)
		}
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c := Call{Path: r.URL.Path, Body: body, Form: map[string]string{}, At: s.opts.Clock()}
	switch {
	case strings.HasPrefix(r.URL.Path, "/api/"):
		c.Method = strings.TrimPrefix(r.URL.Path, "/api/")
	case strings.HasPrefix(r.URL.Path, "/respond/"):
		c.Method = "respond"
	case strings.HasPrefix(r.URL.Path, "/upload/"):
		c.Method = "upload"
		if err := s.receiveFile(strings.TrimPrefix(r.URL.Path, "/upload/"), r.Header.Get("Content-Type"), body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.calls = append(s.calls, c)
		close(s.notify)
		s.notify = make(chan struct{})
		s.mu.Unlock()
		_, _ = fmt.Fprintf(w, "OK - %d", len(body))
		return
	default:
		if s.serveFile(w, r, body) {
			return
		}
		http.NotFound(w, r)
		return
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var m map[string]any
		_ = json.Unmarshal(body, &m)
		for k, v := range m {
			switch v := v.(type) {
			case string:
				c.Form[k] = v
			case bool:
				c.Form[k] = fmt.Sprint(v)
			default:
				b, _ := json.Marshal(v)
				c.Form[k] = string(b)
			}
		}
	} else if vals, err := url.ParseQuery(string(body)); err == nil {
		for k := range vals {
			c.Form[k] = vals.Get(k)
		}
	}
	for k := range r.URL.Query() {
		if _, ok := c.Form[k]; !ok {
			c.Form[k] = r.URL.Query().Get(k)
		}
	}
	answer, status, retryAfter := s.answer(c)
	w.Header().Set("Content-Type", "application/json")
	if retryAfter > 0 {
		w.Header().Set("Retry-After", fmt.Sprint(retryAfter))
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(answer)
}

// answer records c and returns the JSON answer, the HTTP status and a Retry-After in seconds.
func (s *Server) answer(c Call) (any, int, int) {
	s.mu.Lock()
	defer func() {
		close(s.notify)
		s.notify = make(chan struct{})
		s.mu.Unlock()
	}()
	if c.Method == "chat.postMessage" && s.opts.RatePerChannel > 0 {
		ch := c.Form["channel"]
		if last, ok := s.lastPost[ch]; ok && c.At.Sub(last) < s.opts.RatePerChannel {
			s.rateLimited++
			wait := s.opts.RatePerChannel - c.At.Sub(last)
			return map[string]any{"ok": false, "error": "ratelimited"}, http.StatusTooManyRequests, int((wait + time.Second - 1) / time.Second)
		}
		s.lastPost[ch] = c.At
	}
	s.calls = append(s.calls, c)
	if s.opts.OnCall != nil {
		s.opts.OnCall(c)
	}
	ok := func(extra map[string]any) map[string]any {
		m := map[string]any{"ok": true}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	switch c.Method {
	case "auth.test":
		return ok(map[string]any{"user_id": "UCHORUSBOT", "bot_id": "BCHORUS", "team_id": "T0CHORUS", "team": "Chorus", "user": "chorus"}), 200, 0
	case "chat.postMessage":
		if s.opts.RefuseImages && strings.Contains(c.Form["blocks"], `"type":"image"`) {
			return map[string]any{"ok": false, "error": "invalid_blocks"}, 200, 0
		}
		if ch := c.Form["channel"]; isUserID(ch) {
			// Slack posts to a user id in the direct message with them.
			c.Form["channel"] = "D" + ch
			s.calls[len(s.calls)-1] = c
		}
		s.seq++
		ts := fmt.Sprintf("%d.%06d", 1_800_000_000+s.seq/1_000_000, s.seq%1_000_000)
		return ok(map[string]any{"channel": c.Form["channel"], "ts": ts, "message": map[string]any{"text": c.Form["text"], "ts": ts}}), 200, 0
	case "chat.postEphemeral":
		return ok(map[string]any{"message_ts": "1800000000.000001"}), 200, 0
	case "chat.update":
		return ok(map[string]any{"channel": c.Form["channel"], "ts": c.Form["ts"]}), 200, 0
	case "chat.getPermalink":
		return ok(map[string]any{"channel": c.Form["channel"], "permalink": "https://chorus.slack.com/archives/" + c.Form["channel"] + "/p" + strings.ReplaceAll(c.Form["message_ts"], ".", "")}), 200, 0
	case "users.info":
		u := s.opts.Users[c.Form["user"]]
		if u.Locale == "" {
			u.Locale = "fr-FR"
		}
		return ok(map[string]any{"user": map[string]any{"id": c.Form["user"], "name": c.Form["user"], "locale": u.Locale, "is_admin": u.Admin, "tz": u.TZ, "is_bot": u.Bot}}), 200, 0
	case "conversations.members":
		members := s.opts.Members[c.Form["channel"]]
		if members == nil {
			members = []string{}
		}
		return ok(map[string]any{"members": members, "response_metadata": map[string]any{"next_cursor": ""}}), 200, 0
	case "views.open", "views.publish", "views.update", "views.push":
		return ok(map[string]any{"view": map[string]any{"id": "V1"}}), 200, 0
	case "conversations.open":
		return ok(map[string]any{"channel": map[string]any{"id": "D" + c.Form["users"]}}), 200, 0
	case "conversations.history":
		return ok(map[string]any{"messages": s.history(c.Form["channel"], ""), "has_more": false}), 200, 0
	case "conversations.replies":
		return ok(map[string]any{"messages": s.history(c.Form["channel"], c.Form["ts"]), "has_more": false}), 200, 0
	case "files.getUploadURLExternal":
		if c.Form["filename"] == "" || c.Form["length"] == "" || c.Form["length"] == "0" {
			return map[string]any{"ok": false, "error": "invalid_arguments"}, 200, 0
		}
		s.seq++
		id := fmt.Sprintf("F%08d", s.seq)
		return ok(map[string]any{"upload_url": s.URL + "/upload/" + id, "file_id": id}), 200, 0
	case "files.completeUploadExternal":
		var files []map[string]any
		if err := json.Unmarshal([]byte(c.Form["files"]), &files); err != nil || len(files) == 0 {
			return map[string]any{"ok": false, "error": "invalid_arguments"}, 200, 0
		}
		for _, f := range files {
			if _, uploaded := s.files[fmt.Sprint(f["id"])]; !uploaded {
				return map[string]any{"ok": false, "error": "file_not_found"}, 200, 0
			}
		}
		return ok(map[string]any{"files": files}), 200, 0
	case "respond":
		return ok(nil), 200, 0
	}
	return map[string]any{"ok": false, "error": "unknown_method"}, 200, 0
}

// receiveFile keeps the file of a multipart upload to the upload URL of id.
func (s *Server) receiveFile(id, contentType string, body []byte) error {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("upload %s: %w", id, err)
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("upload %s: no file part", id)
		}
		if err != nil {
			return fmt.Errorf("upload %s: %w", id, err)
		}
		if p.FormName() != "file" {
			continue
		}
		b, err := io.ReadAll(p)
		if err != nil {
			return fmt.Errorf("upload %s: %w", id, err)
		}
		s.mu.Lock()
		s.files[id] = b
		s.mu.Unlock()
		return nil
	}
}

// File returns the bytes uploaded as file id, reporting false when nothing was.
func (s *Server) File(id string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.files[id]
	return b, ok
}

func isUserID(id string) bool { return strings.HasPrefix(id, "U") || strings.HasPrefix(id, "W") }

// history lists the messages posted to channel, with their metadata: with thread "" its
// top-level messages newest first, as conversations.history does; else the thread's parent and
// replies oldest first, as conversations.replies does. Call it with s.mu held.
func (s *Server) history(channel, thread string) []map[string]any {
	var out []map[string]any
	n := 0
	for _, c := range s.calls {
		if c.Method != "chat.postMessage" {
			continue
		}
		n++
		if c.Form["channel"] != channel {
			continue
		}
		ts := fmt.Sprintf("%d.%06d", 1_800_000_000+n/1_000_000, n%1_000_000)
		if parent := c.Form["thread_ts"]; thread == "" && parent != "" || thread != "" && ts != thread && parent != thread {
			continue
		}
		m := map[string]any{"type": "message", "text": c.Form["text"], "ts": ts, "bot_id": "BCHORUS"}
		if parent := c.Form["thread_ts"]; parent != "" {
			m["thread_ts"] = parent
		}
		if md := c.Form["metadata"]; md != "" {
			var v any
			if json.Unmarshal([]byte(md), &v) == nil {
				m["metadata"] = v
			}
		}
		if thread != "" {
			out = append(out, m)
			continue
		}
		out = append([]map[string]any{m}, out...)
	}
	return out
}
