package bot

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// rawRequest writes head (request line and headers, without the blank line) and then body on a
// fresh loopback connection to srv, and returns the response status and the connection, which
// the caller closes. The body may be shorter than the Content-Length it announces.
func rawRequest(t *testing.T, srv *httptest.Server, head, body string) (status int, closing bool, conn net.Conn) {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	// A safety net against a hang, not a timing assertion.
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(conn, head+"\r\n\r\n"+body); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		conn.Close()
		t.Fatalf("no response: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Close, conn
}

// TestRefusedBeforeTheBody: requests without valid Slack headers are answered at once, though
// they announce a body they never send; the server closes their connection.
func TestRefusedBeforeTheBody(t *testing.T) {
	r := newRig(t)
	srv := httptest.NewServer(NewHTTPHandler(r.d, HTTPOptions{SigningSecret: testSecret, MaxBody: 4096}))
	t.Cleanup(srv.Close)
	now := strconv.FormatInt(r.clock.Now().Unix(), 10)
	sig := "v0=" + strings.Repeat("ab", 32)
	tests := []struct {
		name    string
		headers string
		want    int
	}{
		{"no Slack headers", "", http.StatusUnauthorized},
		{"malformed timestamp", "X-Slack-Request-Timestamp: soon\r\nX-Slack-Signature: " + sig, http.StatusUnauthorized},
		{"stale timestamp", "X-Slack-Request-Timestamp: " + strconv.FormatInt(r.clock.Now().Add(-6*time.Minute).Unix(), 10) + "\r\nX-Slack-Signature: " + sig, http.StatusUnauthorized},
		{"future timestamp", "X-Slack-Request-Timestamp: " + strconv.FormatInt(r.clock.Now().Add(6*time.Minute).Unix(), 10) + "\r\nX-Slack-Signature: " + sig, http.StatusUnauthorized},
		{"no signature", "X-Slack-Request-Timestamp: " + now, http.StatusUnauthorized},
		{"malformed signature", "X-Slack-Request-Timestamp: " + now + "\r\nX-Slack-Signature: v0=zz", http.StatusUnauthorized},
		{"v1 signature", "X-Slack-Request-Timestamp: " + now + "\r\nX-Slack-Signature: v1=" + strings.Repeat("ab", 32), http.StatusUnauthorized},
		{"announced too large", "X-Slack-Request-Timestamp: " + now + "\r\nX-Slack-Signature: " + sig, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			length := 1000
			if tt.want == http.StatusRequestEntityTooLarge {
				length = 1 << 20
			}
			head := fmt.Sprintf("POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: %d", formType, length)
			if tt.headers != "" {
				head += "\r\n" + tt.headers
			}
			status, closed, conn := rawRequest(t, srv, head, "c") // 1 byte of the 1,000 announced
			defer conn.Close()
			if status != tt.want {
				t.Errorf("status %d, want %d", status, tt.want)
			}
			if !closed {
				t.Error("the response does not close the connection")
			}
			// The server hangs up rather than waiting for the rest of the body.
			if n, err := conn.Read(make([]byte, 1)); err == nil {
				t.Errorf("connection still open (%d bytes more)", n)
			}
		})
	}
	snap := r.d.Metrics().Snapshot()
	if snap.Refused["unauthorized"] != 7 || snap.Refused["too_large"] != 1 {
		t.Errorf("refused = %v, want 7 unauthorized and 1 too_large", snap.Refused)
	}
	if len(r.h.Requests()) != 0 {
		t.Error("a refused request reached the handler")
	}
}

// TestSlowBody: a request with well-formed headers whose body does not arrive within
// BodyTimeout gets 408 and holds no body-read slot afterwards.
func TestSlowBody(t *testing.T) {
	r := newRig(t)
	srv := httptest.NewServer(NewHTTPHandler(r.d, HTTPOptions{SigningSecret: testSecret, BodyTimeout: 50 * time.Millisecond, MaxBodyReads: 1}))
	t.Cleanup(srv.Close)
	ts := strconv.FormatInt(r.clock.Now().Unix(), 10)
	head := fmt.Sprintf("POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: 1000\r\nX-Slack-Request-Timestamp: %s\r\nX-Slack-Signature: v0=%s",
		formType, ts, strings.Repeat("ab", 32))
	status, _, conn := rawRequest(t, srv, head, "c")
	conn.Close()
	if status != http.StatusRequestTimeout {
		t.Fatalf("status %d, want 408", status)
	}
	// The slot is free again: a signed command goes through.
	body := slashBody(t, r)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/slack/events", bytes.NewReader(body))
	req.Header.Set("Content-Type", formType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", Sign(testSecret, ts, body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("signed command after a slow body: %d", resp.StatusCode)
	}
	if n := r.d.Metrics().Snapshot().Refused["slow_body"]; n != 1 {
		t.Errorf("slow_body refusals = %d, want 1", n)
	}
}

// stallingBody is a request body that signals its first Read and then blocks until released.
type stallingBody struct {
	started chan struct{}
	release chan struct{}
	once    sync.Once
}

func (b *stallingBody) Read(p []byte) (int, error) {
	b.once.Do(func() { close(b.started) })
	<-b.release
	return 0, io.EOF
}

// stallingClaimer blocks every Claim until released, so that a signed event stays in flight.
type stallingClaimer struct {
	started chan struct{}
	release chan struct{}
	once    sync.Once
}

func (c *stallingClaimer) Claim(ctx context.Context, kind, id, owner string) (bool, error) {
	c.once.Do(func() { close(c.started) })
	<-c.release
	return true, nil
}

// TestIntakeCaps: beyond MaxBodyReads bodies being read, or MaxInFlight authenticated requests,
// a request is refused with 503 and Retry-After before any work.
func TestIntakeCaps(t *testing.T) {
	tests := []struct {
		name              string
		inFlight, reading int
		memory            int64
		reason            string
	}{
		{"body-read cap", 4, 1, 0, "body_reads"},
		{"body memory cap", 4, 4, 4 << 10, "body_memory"},
		{"in-flight cap", 1, 4, 0, "in_flight"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			claimer := &stallingClaimer{started: make(chan struct{}), release: make(chan struct{})}
			r := newRig(t, func(o *Options) { o.Claimer = claimer })
			h := NewHTTPHandler(r.d, HTTPOptions{SigningSecret: testSecret, MaxInFlight: tt.inFlight, MaxBodyReads: tt.reading, BodyMemory: tt.memory})
			ts := strconv.FormatInt(r.clock.Now().Unix(), 10)
			var first *http.Request
			started, release := make(chan struct{}), make(chan struct{})
			want := http.StatusUnauthorized
			if tt.reason == "in_flight" {
				// A signed event, held in flight by its claim.
				body := eventBody(t, "Ev1", nil)
				first = httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(body))
				first.Header.Set("Content-Type", jsonType)
				first.Header.Set("X-Slack-Signature", Sign(testSecret, ts, body))
				started, release, want = claimer.started, claimer.release, http.StatusOK
			} else {
				// A forged request whose body stalls.
				first = httptest.NewRequest(http.MethodPost, "/slack/events", &stallingBody{started: started, release: release})
				first.Header.Set("X-Slack-Signature", "v0="+strings.Repeat("ab", 32))
			}
			first.Header.Set("X-Slack-Request-Timestamp", ts)
			done := make(chan int)
			go func() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, first)
				done <- rec.Code
			}()
			<-started
			body := slashBody(t, r)
			second := httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(body))
			second.Header.Set("Content-Type", formType)
			second.Header.Set("X-Slack-Request-Timestamp", ts)
			second.Header.Set("X-Slack-Signature", Sign(testSecret, ts, body))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, second)
			if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
				t.Errorf("second request: %d, Retry-After %q; want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
			}
			close(release)
			if code := <-done; code != want {
				t.Errorf("first request: %d, want %d", code, want)
			}
			if n := r.d.Metrics().Snapshot().Refused[tt.reason]; n != 1 {
				t.Errorf("refused[%s] = %d, want 1", tt.reason, n)
			}
		})
	}
}

// TestRefusalsLoggedSampled: a flood of refused requests is counted exactly, and logged once per
// interval with the count.
func TestRefusalsLoggedSampled(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &mu}, nil))
	r := newRig(t, func(o *Options) { o.Logger = logger })
	h := NewHTTPHandler(r.d, HTTPOptions{SigningSecret: testSecret, RefusalLogEvery: time.Minute})
	refuse := func(n int) {
		for range n {
			req := httptest.NewRequest(http.MethodPost, "/slack/events", strings.NewReader("x"))
			h.ServeHTTP(httptest.NewRecorder(), req)
		}
	}
	lines := func() int {
		mu.Lock()
		defer mu.Unlock()
		return strings.Count(logs.String(), "refused Slack requests")
	}
	refuse(500)
	if n := lines(); n != 1 {
		t.Errorf("%d log lines for 500 refusals within a minute, want 1", n)
	}
	r.clock.Advance(time.Minute)
	refuse(1)
	if n := lines(); n != 2 {
		t.Errorf("%d log lines after a minute, want 2", n)
	}
	mu.Lock()
	last := logs.String()
	mu.Unlock()
	if !strings.Contains(last, "count=500") {
		t.Errorf("the second line does not count the 499 refusals in between and itself:\n%s", last)
	}
	if n := r.d.Metrics().Snapshot().Refused["unauthorized"]; n != 501 {
		t.Errorf("refused = %d, want 501", n)
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
