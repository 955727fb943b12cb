package bot

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chorus-hq/chorus/reply"
)

const testSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// fakeHandler records what it is asked and answers with the funcs set on it.
type fakeHandler struct {
	mu       sync.Mutex
	requests []reply.Request
	actions  []reply.Action
	subs     []reply.Submission
	homes    int

	command func(ctx context.Context, req reply.Request) reply.Reply
	action  func(ctx context.Context, req reply.Request, a reply.Action) reply.Reply
	submit  func(ctx context.Context, req reply.Request, s reply.Submission) reply.Reply
	home    func(ctx context.Context, req reply.Request) reply.View
}

func (h *fakeHandler) Command(ctx context.Context, req reply.Request) reply.Reply {
	h.mu.Lock()
	h.requests = append(h.requests, req)
	fn := h.command
	h.mu.Unlock()
	if fn == nil {
		return reply.Reply{}
	}
	return fn(ctx, req)
}

func (h *fakeHandler) Action(ctx context.Context, req reply.Request, a reply.Action) reply.Reply {
	h.mu.Lock()
	h.requests = append(h.requests, req)
	h.actions = append(h.actions, a)
	fn := h.action
	h.mu.Unlock()
	if fn == nil {
		return reply.Reply{}
	}
	return fn(ctx, req, a)
}

func (h *fakeHandler) Submit(ctx context.Context, req reply.Request, s reply.Submission) reply.Reply {
	h.mu.Lock()
	h.requests = append(h.requests, req)
	h.subs = append(h.subs, s)
	fn := h.submit
	h.mu.Unlock()
	if fn == nil {
		return reply.Reply{}
	}
	return fn(ctx, req, s)
}

func (h *fakeHandler) Home(ctx context.Context, req reply.Request) reply.View {
	h.mu.Lock()
	h.requests = append(h.requests, req)
	h.homes++
	fn := h.home
	h.mu.Unlock()
	if fn == nil {
		return reply.View{Blocks: []reply.Block{{Kind: reply.Header, Text: "Chorus"}}}
	}
	return fn(ctx, req)
}

func (h *fakeHandler) Requests() []reply.Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]reply.Request(nil), h.requests...)
}

// memClaimer is an in-memory Claimer, first come first served.
type memClaimer struct {
	mu     sync.Mutex
	claims map[string]string
	err    error
}

func (c *memClaimer) Claim(_ context.Context, kind, id, owner string) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return false, c.err
	}
	if c.claims == nil {
		c.claims = map[string]string{}
	}
	k := kind + "/" + id
	if _, taken := c.claims[k]; taken {
		return false, nil
	}
	c.claims[k] = owner
	return true, nil
}

// messageSink records message and reaction events.
type messageSink struct {
	mu        sync.Mutex
	messages  []reply.MessageEvent
	reactions []reply.ReactionEvent
}

func (s *messageSink) Message(_ context.Context, ev reply.MessageEvent) []reply.Post {
	s.mu.Lock()
	s.messages = append(s.messages, ev)
	s.mu.Unlock()
	// Answer in the message's thread, as drift checks and minutes do; an error only to its author.
	if strings.Contains(ev.Text, "too long") {
		return []reply.Post{{Channel: ev.Channel, Thread: ev.TS, Text: "cannot check", EphemeralTo: ev.User}}
	}
	return []reply.Post{{Channel: ev.Channel, Thread: ev.TS, Text: "noted"}}
}

func (s *messageSink) Reaction(_ context.Context, ev reply.ReactionEvent) []reply.Post {
	s.mu.Lock()
	s.reactions = append(s.reactions, ev)
	s.mu.Unlock()
	return nil
}

func (s *messageSink) gotMessages() []reply.MessageEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]reply.MessageEvent(nil), s.messages...)
}

// rig is a Dispatcher wired to a fake Slack, a fake Handler and a frozen clock.
type rig struct {
	slack   *fakeSlack
	clock   *fakeClock
	client  *Client
	h       *fakeHandler
	claims  *memClaimer
	sink    *messageSink
	d       *Dispatcher
	handler http.Handler
	ready   error
}

func newRig(t testing.TB, tweak ...func(*Options)) *rig {
	t.Helper()
	r := &rig{slack: newFakeSlack(t), clock: newFakeClock(t0), h: &fakeHandler{}, claims: &memClaimer{}, sink: &messageSink{}}
	r.slack.setUser("W111", "fr-FR", true)
	r.slack.setUser("U2147483697", "en-GB", false)
	r.client = NewClient(ClientOptions{Token: "xoxb-test", APIURL: r.slack.apiURL(), Clock: r.clock.Now, Sleep: r.clock.Sleep})
	opts := Options{
		Handler: r.h, Client: r.client, Claimer: r.claims, Messages: r.sink, Reactions: r.sink,
		Clock: r.clock.Now, ReplicaID: "replica-1", Self: Identity{UserID: "UBOT", BotID: "BBOT"},
		Workers: 4,
	}
	for _, fn := range tweak {
		fn(&opts)
	}
	d, err := NewDispatcher(opts)
	if err != nil {
		t.Fatal(err)
	}
	r.d = d
	r.handler = NewHTTPHandler(d, HTTPOptions{SigningSecret: testSecret, Ready: func(context.Context) error { return r.ready }})
	t.Cleanup(func() { r.wait(t) })
	return r
}

// wait blocks until the background jobs are done; it is how tests observe asynchronous work.
func (r *rig) wait(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.d.Wait(ctx); err != nil {
		t.Fatal(err)
	}
}

// post sends body to /slack/events signed as Slack would sign it at the rig's clock.
func (r *rig) post(t testing.TB, contentType string, body []byte, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	ts := strconv.FormatInt(r.clock.Now().Unix(), 10)
	return r.postSigned(t, contentType, body, ts, Sign(testSecret, ts, body), header...)
}

func (r *rig) postSigned(t testing.TB, contentType string, body []byte, ts, sig string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sig)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	r.handler.ServeHTTP(rec, req)
	return rec
}

var errStoreDown = errors.New("store down")
