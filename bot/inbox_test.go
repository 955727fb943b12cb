package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/reply"
)

// memInbox is an in-memory Inbox with the store's semantics.
type memInbox struct {
	mu       sync.Mutex
	items    map[string]*InboxItem
	done     map[string]bool
	alive    map[string]time.Time
	now      func() time.Time
	failAdds bool
	stall    chan struct{} // when set, Add waits for it or for its context
}

func newMemInbox(now func() time.Time) *memInbox {
	return &memInbox{items: map[string]*InboxItem{}, done: map[string]bool{}, alive: map[string]time.Time{}, now: now}
}

func (m *memInbox) Add(ctx context.Context, it InboxItem) error {
	if m.stall != nil {
		select {
		case <-m.stall:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failAdds {
		return errors.New("store down")
	}
	if _, ok := m.items[it.ID]; ok {
		return fmt.Errorf("exists: %w", chorus.ErrConflict)
	}
	m.items[it.ID] = &it
	return nil
}

func (m *memInbox) Take(_ context.Context, id, owner string, force bool) (InboxItem, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.items[id]
	if !ok || m.done[id] || (!force && m.now().Before(m.alive[it.Owner])) {
		return InboxItem{}, false, nil
	}
	it.Owner = owner
	it.Attempt++
	return *it, true, nil
}

func (m *memInbox) Unfinished(_ context.Context, now time.Time, all bool, limit int) ([]InboxItem, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []InboxItem
	for id, it := range m.items {
		if !m.done[id] && (all || !now.Before(m.alive[it.Owner])) {
			out = append(out, *it)
		}
	}
	return out, nil
}

func (m *memInbox) Renew(_ context.Context, owner string, until time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.alive[owner] = until
	return nil
}

func (m *memInbox) Release(_ context.Context, owner string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.alive, owner)
	return nil
}

func (m *memInbox) Finish(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.done[id] = true
	return nil
}

func (m *memInbox) Sweep(context.Context, time.Time) error { return nil }

func (m *memInbox) state() (stored, finished int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.items), len(m.done)
}

// orphan stores it as if replica "dead", alive until until, had acknowledged it and never
// finished it.
func (m *memInbox) orphan(it InboxItem, until time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	it.Owner, it.Attempt = "dead", 1
	m.items[it.ID] = &it
	m.alive["dead"] = until
}

func inboxRig(t *testing.T, tweak ...func(*Options)) (*rig, *memInbox) {
	t.Helper()
	var in *memInbox
	r := newRig(t, append([]func(*Options){func(o *Options) {
		in = newMemInbox(o.Clock)
		o.Inbox = in
	}}, tweak...)...)
	return r, in
}

func TestInboxBeforeAck(t *testing.T) {
	r, in := inboxRig(t)
	body := slashBody(t, r)
	if rec := r.post(t, formType, body); rec.Code != 200 || rec.Body.Len() != 0 {
		t.Fatalf("ack %d %q", rec.Code, rec.Body)
	}
	if stored, _ := in.state(); stored != 1 {
		t.Fatalf("%d items stored when the ack left, want 1", stored)
	}
	r.wait(t)
	if _, finished := in.state(); finished != 1 {
		t.Errorf("item not marked done after its reply")
	}
	// The same signed request again (a replay): acknowledged, not run.
	if rec := r.post(t, formType, body); rec.Code != 200 || rec.Body.Len() != 0 {
		t.Fatalf("replay ack %d %q", rec.Code, rec.Body)
	}
	r.wait(t)
	if n := len(r.h.Requests()); n != 1 {
		t.Errorf("handler called %d times, want 1", n)
	}
}

func TestInboxWriteFailure(t *testing.T) {
	r, in := inboxRig(t)
	in.failAdds = true
	rec := r.post(t, formType, slashBody(t, r))
	if got := busyAck(t, rec.Body.Bytes()); got == "" {
		t.Errorf("a command that could not be stored was acknowledged as taken: %q", rec.Body)
	}
	if rec := r.post(t, jsonType, eventBody(t, "Ev0FAIL", nil)); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("event not stored: %d, want 503 so that Slack retries", rec.Code)
	}
	r.wait(t)
	if n := len(r.h.Requests()) + len(r.sink.gotMessages()); n != 0 {
		t.Errorf("%d requests ran without being stored", n)
	}
}

// TestStalledStore: when the inbox write does not finish within InboxTimeout, the ack leaves
// anyway: « busy » for a command, 503 for an event, and the request never runs.
func TestStalledStore(t *testing.T) {
	r, in := inboxRig(t, func(o *Options) { o.InboxTimeout = time.Millisecond })
	in.stall = make(chan struct{})
	defer close(in.stall)
	rec := r.post(t, formType, slashBody(t, r))
	if got := busyAck(t, rec.Body.Bytes()); !strings.Contains(got, "sollicité") {
		t.Errorf("ack %q, want the busy text", rec.Body)
	}
	if rec := r.post(t, jsonType, eventBody(t, "Ev0STALL", nil)); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("event: %d, want 503", rec.Code)
	}
	r.wait(t)
	if n := len(r.h.Requests()) + len(r.sink.gotMessages()); n != 0 {
		t.Errorf("%d requests ran", n)
	}
}

// TestInboxRecovery: items a dead process acknowledged and never finished are run again: with
// the response_url while it lives, in a direct message once it has expired; an item that failed
// too often is given up.
func TestInboxRecovery(t *testing.T) {
	tests := []struct {
		name    string
		age     time.Duration
		attempt int
		want    string // where the reply goes
	}{
		{"fresh: response_url", time.Minute, 1, "response_url"},
		{"35 minutes old: direct message", 35 * time.Minute, 1, "chat.postMessage"},
		{"third crash: given up", time.Minute, 3, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, in := inboxRig(t)
			r.h.command = func(ctx context.Context, req reply.Request) reply.Reply {
				return reply.Reply{Text: "Terme défini"}
			}
			body := slashBody(t, r)
			received := r.clock.Now().Add(-tt.age)
			it := InboxItem{ID: bodyKey("command", body), Kind: "command", ContentType: formType, Body: body, Received: received}
			in.orphan(it, received)
			in.items[it.ID].Attempt = tt.attempt
			n, err := r.d.RecoverInbox(context.Background(), false)
			if err != nil || n != 1 {
				t.Fatalf("RecoverInbox = %d, %v; want 1", n, err)
			}
			r.wait(t)
			if _, finished := in.state(); finished != 1 {
				t.Errorf("item not done after recovery")
			}
			ran := len(r.h.Requests())
			if tt.want == "" {
				if ran != 0 {
					t.Errorf("a given-up item ran")
				}
				return
			}
			if ran != 1 {
				t.Fatalf("handler ran %d times, want 1", ran)
			}
			calls := r.slack.callsTo(tt.want)
			if len(calls) != 1 {
				t.Fatalf("%d %s calls, want 1; all: %+v", len(calls), tt.want, r.slack.calls)
			}
			if tt.want == "chat.postMessage" && calls[0].Form.Get("channel") != "U2147483697" {
				t.Errorf("late reply posted to %q, want the user's DM", calls[0].Form.Get("channel"))
			}
		})
	}
}

// TestRetriedEventTakenOver: an event whose first delivery was stored and never finished (its
// process died) is handled when Slack's retry arrives after the lease expired, not dropped.
func TestRetriedEventTakenOver(t *testing.T) {
	r, in := inboxRig(t)
	ev := eventBody(t, "Ev0CRASH", nil)
	in.orphan(InboxItem{ID: "event/Ev0CRASH", Kind: "event", ContentType: jsonType, Body: ev, Received: r.clock.Now()},
		r.clock.Now().Add(time.Minute))
	// A retry while the first delivery's lease lives is a duplicate.
	if rec := r.post(t, jsonType, ev, "X-Slack-Retry-Num", "1"); rec.Code != 200 {
		t.Fatalf("retry 1: %d", rec.Code)
	}
	r.wait(t)
	if n := len(r.sink.gotMessages()); n != 0 {
		t.Fatalf("handled during the first delivery's lease")
	}
	r.clock.Advance(2 * time.Minute)
	for i := range 2 {
		if rec := r.post(t, jsonType, ev, "X-Slack-Retry-Num", strconv.Itoa(i+2)); rec.Code != 200 {
			t.Fatalf("retry %d: %d", i+2, rec.Code)
		}
		r.wait(t)
	}
	if n := len(r.sink.gotMessages()); n != 1 {
		t.Errorf("event handled %d times, want 1", n)
	}
}

// TestMessageWithoutEventIDOnce: one message delivered twice without an event id is handled once
// (keyed on channel and ts), with or without an inbox.
func TestMessageWithoutEventIDOnce(t *testing.T) {
	for _, withInbox := range []bool{false, true} {
		t.Run(fmt.Sprintf("inbox=%v", withInbox), func(t *testing.T) {
			r := newRig(t)
			if withInbox {
				r, _ = inboxRig(t)
			}
			ev := eventBody(t, "", nil)
			for range 2 {
				if rec := r.post(t, jsonType, ev); rec.Code != 200 {
					t.Fatalf("status %d", rec.Code)
				}
				r.wait(t)
			}
			if n := len(r.sink.gotMessages()); n != 1 {
				t.Errorf("message handled %d times, want 1", n)
			}
		})
	}
}

// TestSocketPayloadsReplayed: items written by Socket Mode keep the envelope's payload, and are
// decoded again by envelope type when re-run.
func TestSocketPayloadsReplayed(t *testing.T) {
	cmd, _ := json.Marshal(map[string]string{"command": "/campaign", "text": "list", "team_id": "T1", "user_id": "W111",
		"channel_id": "C111", "response_url": "", "trigger_id": "1.2.3"})
	tests := []struct {
		name, ctype string
		body        []byte
		check       func(t *testing.T, r *rig)
	}{
		{"slash command", "socket/slash_commands", cmd, func(t *testing.T, r *rig) {
			if reqs := r.h.Requests(); len(reqs) != 1 || reqs[0].Command != "/campaign" || reqs[0].Text != "list" {
				t.Errorf("handler saw %+v", reqs)
			}
		}},
		{"event", "socket/events_api", eventBody(t, "Ev0SOCK", nil), func(t *testing.T, r *rig) {
			if n := len(r.sink.gotMessages()); n != 1 {
				t.Errorf("%d messages handled, want 1", n)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, in := inboxRig(t)
			in.orphan(InboxItem{ID: "item", Kind: "x", ContentType: tt.ctype, Body: tt.body, Received: r.clock.Now()}, r.clock.Now())
			if n, err := r.d.RecoverInbox(context.Background(), true); err != nil || n != 1 {
				t.Fatalf("RecoverInbox = %d, %v", n, err)
			}
			r.wait(t)
			tt.check(t, r)
			in.mu.Lock()
			done := in.done["item"]
			in.mu.Unlock()
			if !done {
				t.Error("item not done")
			}
		})
	}
}

// At start every unfinished item is taken, but not those this very process already admitted:
// a request that came in before the recovery ran must run once.
func TestRecoveryLeavesOwnItems(t *testing.T) {
	r, in := inboxRig(t)
	in.mu.Lock()
	in.items["mine"] = &InboxItem{ID: "mine", Kind: "command", ContentType: formType, Body: slashBody(t, r), Received: r.clock.Now(), Owner: "replica-1", Attempt: 1}
	in.alive["replica-1"] = r.clock.Now().Add(time.Minute)
	in.mu.Unlock()
	in.orphan(InboxItem{ID: "theirs", Kind: "command", ContentType: formType, Body: slashBody(t, r), Received: r.clock.Now()}, r.clock.Now())
	n, err := r.d.RecoverInbox(context.Background(), true)
	if err != nil || n != 1 {
		t.Fatalf("RecoverInbox = %d, %v; want only the dead replica's item", n, err)
	}
	r.wait(t)
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.items["mine"].Attempt != 1 || in.items["theirs"].Owner != "replica-1" {
		t.Errorf("items after recovery: mine %+v, theirs %+v", in.items["mine"], in.items["theirs"])
	}
}

// TestDeliveryApartFromWorkers: while a reply waits for a slow response_url, the only worker
// computes the next one; the held item is marked done only once its reply is delivered.
func TestDeliveryApartFromWorkers(t *testing.T) {
	r, in := inboxRig(t, func(o *Options) { o.Workers, o.DeliveryWorkers = 1, 1 })
	ran := make(chan string, 2)
	r.h.command = func(ctx context.Context, req reply.Request) reply.Reply {
		ran <- req.Text
		return reply.Reply{Text: "ok " + req.Text}
	}
	held, release := make(chan struct{}), make(chan struct{})
	var releaseOnce sync.Once
	free := func() { releaseOnce.Do(func() { close(release) }) }
	t.Cleanup(free) // before the rig's own cleanup, which waits for the jobs
	r.slack.next("response_url", func(w http.ResponseWriter) {
		close(held)
		<-release
		_, _ = w.Write([]byte("ok"))
	})
	safety := func(ch <-chan struct{}, what string) { // a safety net, not a timing assertion
		t.Helper()
		select {
		case <-ch:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s never happened", what)
		}
	}
	first := slashBody(t, r, "text", "list", "trigger_id", "1.1.a")
	if rec := r.post(t, formType, first); rec.Code != 200 || rec.Body.Len() != 0 {
		t.Fatalf("ack %d %q", rec.Code, rec.Body)
	}
	safety(held, "the first reply's delivery")
	if rec := r.post(t, formType, slashBody(t, r, "text", "show", "trigger_id", "1.1.b")); rec.Code != 200 {
		t.Fatalf("ack %d %q", rec.Code, rec.Body)
	}
	second := make(chan struct{})
	go func() {
		for range 2 {
			<-ran
		}
		close(second)
	}()
	safety(second, "the second command's run while the first reply is held")
	in.mu.Lock()
	doneEarly := in.done[bodyKey("command", first)]
	in.mu.Unlock()
	if doneEarly {
		t.Errorf("the first item was marked done before its reply was delivered")
	}
	free()
	r.wait(t)
	if _, finished := in.state(); finished != 2 {
		t.Errorf("%d items done, want 2", finished)
	}
	if n := len(r.slack.callsTo("response_url")); n != 2 {
		t.Errorf("%d replies delivered, want 2", n)
	}
}
