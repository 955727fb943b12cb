package bot

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chorus-hq/chorus/reply"
)

// gate blocks handler calls until opened, and says when the first one started.
type gate struct {
	started chan struct{}
	open    chan struct{}
	once    sync.Once
}

func newGate() *gate { return &gate{started: make(chan struct{}), open: make(chan struct{})} }

func (g *gate) pass() {
	g.once.Do(func() { close(g.started) })
	<-g.open
}

// busyAck decodes the message a slash command's ack carries, or "" for an empty ack.
func busyAck(t *testing.T, body []byte) string {
	t.Helper()
	if len(body) == 0 {
		return ""
	}
	var msg map[string]string
	if err := json.Unmarshal(body, &msg); err != nil {
		t.Fatalf("ack body %q: %v", body, err)
	}
	if msg["response_type"] != "ephemeral" {
		t.Errorf("busy ack is not ephemeral: %s", body)
	}
	return msg["text"]
}

// TestAdmissionBounded: with one worker busy and MaxQueued jobs waiting, the next slash command
// is answered « busy » in its ack, in the user's language when known, and admitted nothing; the
// admitted ones all run.
func TestAdmissionBounded(t *testing.T) {
	tests := []struct {
		name, user, want string
	}{
		{"language unknown: the default", "U0NEW", "Chorus est très sollicité, réessayez dans un instant."},
		{"English user seen before", "U2147483697", "Chorus is very busy, try again in a moment."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, func(o *Options) { o.Workers, o.MaxQueued = 1, 2 })
			if _, _, err := r.client.UserInfo(context.Background(), "U2147483697"); err != nil {
				t.Fatal(err)
			}
			g := newGate()
			r.h.command = func(ctx context.Context, req reply.Request) reply.Reply {
				g.pass()
				return reply.Reply{Text: "ok"}
			}
			if rec := r.post(t, formType, slashBody(t, r)); rec.Code != 200 || rec.Body.Len() != 0 {
				t.Fatalf("first ack %d %q", rec.Code, rec.Body)
			}
			<-g.started // the worker holds the first; the next two wait
			for range 2 {
				if rec := r.post(t, formType, slashBody(t, r)); rec.Code != 200 || rec.Body.Len() != 0 {
					t.Fatalf("queued ack %d %q", rec.Code, rec.Body)
				}
			}
			rec := r.post(t, formType, slashBody(t, r, "user_id", tt.user))
			if rec.Code != 200 {
				t.Fatalf("busy ack status %d", rec.Code)
			}
			if got := busyAck(t, rec.Body.Bytes()); got != tt.want {
				t.Errorf("busy ack %q, want %q", got, tt.want)
			}
			close(g.open)
			r.wait(t)
			snap := r.d.Metrics().Snapshot()
			if snap.Admitted != 3 || snap.Refused["busy"] != 1 || snap.JobsDropped != 0 {
				t.Errorf("admitted %d, refused %v, dropped %d; want 3, busy 1, 0", snap.Admitted, snap.Refused, snap.JobsDropped)
			}
			if n := len(r.h.Requests()); n != 3 {
				t.Errorf("%d commands ran, want 3", n)
			}
		})
	}
}

// TestAdmissionWindow: jobs measured at 10 minutes each on one worker: a third queued job could
// not start within the 25-minute window, so it is refused though MaxQueued is far.
func TestAdmissionWindow(t *testing.T) {
	r := newRig(t, func(o *Options) { o.Workers = 1 })
	var g *gate
	r.h.command = func(ctx context.Context, req reply.Request) reply.Reply {
		if g != nil {
			g.pass()
		}
		r.clock.Advance(10 * time.Minute)
		return reply.Reply{}
	}
	r.post(t, formType, slashBody(t, r)) // measures 10 minutes
	r.wait(t)
	g = newGate()
	r.post(t, formType, slashBody(t, r))
	<-g.started
	var acks []string
	for range 3 {
		acks = append(acks, r.post(t, formType, slashBody(t, r)).Body.String())
	}
	close(g.open)
	r.wait(t)
	if acks[0] != "" || acks[1] != "" || !strings.Contains(acks[2], "busy") {
		t.Errorf("acks %q; want two admitted (20 min of queue), the third busy", acks)
	}
}

// TestBusyEventNotClaimed: an event refused as busy gets 503 and is not claimed, so Slack's
// retry is handled once there is room.
func TestBusyEventNotClaimed(t *testing.T) {
	r := newRig(t, func(o *Options) { o.Workers, o.MaxQueued = 1, 1 })
	g := newGate()
	r.h.command = func(ctx context.Context, req reply.Request) reply.Reply {
		g.pass()
		return reply.Reply{}
	}
	r.post(t, formType, slashBody(t, r))
	<-g.started
	r.post(t, formType, slashBody(t, r)) // fills the queue
	ev := eventBody(t, "Ev0BUSY", nil)
	rec := r.post(t, jsonType, ev)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("busy event: %d, Retry-After %q; want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	close(g.open)
	r.wait(t)
	if rec := r.post(t, jsonType, ev, "X-Slack-Retry-Num", "1"); rec.Code != 200 {
		t.Fatalf("retry: %d", rec.Code)
	}
	r.wait(t)
	if n := len(r.sink.gotMessages()); n != 1 {
		t.Errorf("the retried event was handled %d times, want 1", n)
	}
}

// TestBusyViewSubmission: a form submitted while Chorus is busy stays open with the « busy »
// text on its first input.
func TestBusyViewSubmission(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "interactivity_view_submission.json"))
	if err != nil {
		t.Fatal(err)
	}
	r := newRig(t, func(o *Options) { o.Workers, o.MaxQueued = 1, 1 })
	g := newGate()
	r.h.command = func(ctx context.Context, req reply.Request) reply.Reply {
		g.pass()
		return reply.Reply{}
	}
	r.post(t, formType, slashBody(t, r))
	<-g.started
	r.post(t, formType, slashBody(t, r))
	rec := r.post(t, formType, interactionBody(t, raw, nil))
	close(g.open)
	var got struct {
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("ack %q: %v", rec.Body, err)
	}
	if got.ResponseAction != "errors" || len(got.Errors) != 1 {
		t.Fatalf("ack %+v", got)
	}
	for _, msg := range got.Errors {
		if !strings.Contains(msg, "sollicité") {
			t.Errorf("error %q does not say busy", msg)
		}
	}
	if n := len(r.h.subs); n != 0 {
		t.Errorf("the submission ran (%d)", n)
	}
}

// TestStopDropsQueued: when Wait's deadline passes, the jobs still queued are dropped and
// counted, and the running one finishes.
func TestStopDropsQueued(t *testing.T) {
	r := newRig(t, func(o *Options) { o.Workers = 1 })
	g := newGate()
	r.h.command = func(ctx context.Context, req reply.Request) reply.Reply {
		g.pass()
		return reply.Reply{}
	}
	for range 4 {
		r.post(t, formType, slashBody(t, r))
	}
	<-g.started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := r.d.Wait(ctx); err == nil {
		t.Fatal("Wait returned nil with jobs queued")
	}
	close(g.open)
	r.wait(t)
	snap := r.d.Metrics().Snapshot()
	if snap.JobsDropped != 3 || len(r.h.Requests()) != 1 {
		t.Errorf("dropped %d, ran %d; want 3 dropped, 1 ran", snap.JobsDropped, len(r.h.Requests()))
	}
}
