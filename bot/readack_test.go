package bot

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/chorus-hq/chorus/reply"
)

// readingHandler is a fakeHandler that says which commands only read.
type readingHandler struct {
	*fakeHandler
	reads func(req reply.Request) bool
}

func (h readingHandler) Reads(req reply.Request) bool { return h.reads(req) }

// readRig is an inbox rig whose handler calls "/campaign list" a read.
func readRig(t *testing.T, tweak ...func(*Options)) (*rig, *memInbox) {
	t.Helper()
	return inboxRig(t, append([]func(*Options){func(o *Options) {
		o.Handler = readingHandler{o.Handler.(*fakeHandler), func(req reply.Request) bool { return req.Text == "list" }}
	}}, tweak...)...)
}

// TestReadAnsweredInAck: a read-only command's answer travels in its acknowledgement, as
// Slack shows a response_url's: nothing stored in the inbox, no response_url call.
func TestReadAnsweredInAck(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		reply   reply.Reply
		inAck   bool
		replies int // response_url calls after the ack
	}{
		{"a read", "list", reply.Reply{Text: "3 campagnes", Blocks: []reply.Block{{Kind: reply.Section, Text: "*Soldes*"}}}, true, 0},
		{"a read said in the channel", "list", reply.Reply{Text: "3 campagnes", Visibility: reply.InChannel}, true, 0},
		{"a write", "create x", reply.Reply{Text: "créée"}, false, 1},
		{"a read that draws", "list", reply.Reply{Text: "calendrier", Blocks: []reply.Block{{Kind: reply.Picture, Image: &reply.Image{Name: "c.png", PNG: []byte("png")}}}}, false, 1},
		{"a read with a post", "list", reply.Reply{Text: "vu", Posts: []reply.Post{{Channel: "C1", Text: "hop"}}}, false, 1},
		{"a read with nothing to say", "list", reply.Reply{}, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, in := readRig(t)
			r.h.command = func(context.Context, reply.Request) reply.Reply { return tt.reply }
			rec := r.post(t, formType, slashBody(t, r, "command", "/campaign", "text", tt.text))
			if rec.Code != 200 {
				t.Fatalf("ack %d", rec.Code)
			}
			stored, _ := in.state()
			if tt.inAck {
				var msg map[string]any
				if err := json.Unmarshal(rec.Body.Bytes(), &msg); err != nil {
					t.Fatalf("ack body %q: %v", rec.Body, err)
				}
				want := "ephemeral"
				if tt.reply.Visibility == reply.InChannel {
					want = "in_channel"
				}
				if msg["text"] != tt.reply.Text || msg["response_type"] != want {
					t.Errorf("ack body = %v", msg)
				}
				if tt.reply.Blocks != nil && msg["blocks"] == nil {
					t.Errorf("ack body without the blocks: %v", msg)
				}
				if stored != 0 {
					t.Errorf("%d inbox items for a read answered in its ack", stored)
				}
				if got := r.d.Metrics().Snapshot().InAck; got != 1 {
					t.Errorf("answered-in-ack counter = %d, want 1", got)
				}
			} else {
				if rec.Body.Len() != 0 {
					t.Errorf("ack body %q, want none", rec.Body)
				}
				if stored != 1 {
					t.Errorf("%d inbox items, want 1: the command takes the inbox's way", stored)
				}
			}
			r.wait(t)
			if n := len(r.slack.callsTo("response_url")); n != tt.replies {
				t.Errorf("%d response_url calls, want %d", n, tt.replies)
			}
		})
	}
}

// TestLateReadTakesTheInbox: a read not answered within the ack's budget is stored and answered
// once on its response_url; the late answer of the ack's try is dropped.
func TestLateReadTakesTheInbox(t *testing.T) {
	r, in := readRig(t, func(o *Options) { o.AnswerBudget = 1 }) // 1 ns: the blocked try is late
	release := make(chan struct{})
	calls := 0
	r.h.command = func(context.Context, reply.Request) reply.Reply {
		r.h.mu.Lock()
		calls++
		first := calls == 1
		r.h.mu.Unlock()
		if first {
			<-release // the ack's try, blocked until the ack has left
		}
		return reply.Reply{Text: "3 campagnes"}
	}
	rec := r.post(t, formType, slashBody(t, r, "command", "/campaign", "text", "list"))
	if rec.Code != 200 || rec.Body.Len() != 0 {
		t.Fatalf("ack %d %q, want an empty 200", rec.Code, rec.Body)
	}
	if stored, _ := in.state(); stored != 1 {
		t.Fatalf("%d inbox items, want 1", stored)
	}
	close(release)
	r.wait(t)
	if n := len(r.slack.callsTo("response_url")); n != 1 {
		t.Errorf("%d response_url calls, want 1", n)
	}
	if _, finished := in.state(); finished != 1 {
		t.Errorf("the item is not done")
	}
	if got := r.d.Metrics().Snapshot().ReadsLate; got != 1 {
		t.Errorf("late-read counter = %d, want 1", got)
	}
}

// TestReadsOff: a negative AnswerBudget sends reads the inbox's way.
func TestReadsOff(t *testing.T) {
	r, in := readRig(t, func(o *Options) { o.AnswerBudget = -1 })
	r.h.command = func(context.Context, reply.Request) reply.Reply { return reply.Reply{Text: "3 campagnes"} }
	if rec := r.post(t, formType, slashBody(t, r, "command", "/campaign", "text", "list")); rec.Body.Len() != 0 {
		t.Fatalf("ack body %q, want none", rec.Body)
	}
	r.wait(t)
	if stored, _ := in.state(); stored != 1 || len(r.slack.callsTo("response_url")) != 1 {
		t.Errorf("stored %d, answered %d: want 1 and 1", stored, len(r.slack.callsTo("response_url")))
	}
}

// TestLateReadsPause: reads pause after most of them were late, for latePause, and a few late
// reads among many on time change nothing.
func TestLateReadsPause(t *testing.T) {
	tests := []struct {
		name      string
		lates     []bool // outcomes of the tries, one per millisecond
		then      []bool // outcomes of tries after a pause's length
		tryAt     time.Duration
		wantTries bool
	}{
		{"all on time", []bool{false, false, false}, nil, 0, true},
		{"one late among many", append(repeat(false, 20), true, false, true), nil, 0, true},
		{"a stalled store", repeat(true, 10), nil, 0, false},
		{"a stalled store, after the pause", repeat(true, 10), nil, latePause + 10*time.Millisecond, true},
		{"a stalled store that recovers", repeat(true, 10), repeat(false, 3), 0, true},
		{"a stalled store still stalled after the pause", repeat(true, 10), repeat(true, 1), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l lateReads
			now := t0
			for _, late := range tt.lates {
				now = now.Add(time.Millisecond)
				if l.try(now) {
					l.done(now, late)
				}
			}
			if tt.then != nil {
				now = now.Add(latePause)
			}
			for _, late := range tt.then {
				now = now.Add(time.Millisecond)
				if !l.try(now) {
					t.Fatal("no try after the pause")
				}
				l.done(now, late)
			}
			if got := l.try(now.Add(tt.tryAt)); got != tt.wantTries {
				t.Errorf("try = %v, want %v (late share %.2f)", got, tt.wantTries, l.late)
			}
		})
	}
}

func repeat(v bool, n int) []bool {
	out := make([]bool, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// TestAckMessageAsWebhook: the ack's body says what slack.WebhookMessage would say, blocks and
// all, however it is encoded.
func TestAckMessageAsWebhook(t *testing.T) {
	rep := reply.Reply{Text: "Campagnes", Visibility: reply.InChannel, Blocks: []reply.Block{
		{Kind: reply.Header, Text: "Campagnes (2)"},
		{Kind: reply.Section, Text: "*Soldes* <@U1>", Fields: []string{"*Statut*\nactive", "*Dates*\n1er juillet"},
			Accessory: &reply.Button{Text: "Voir", ActionID: "campaign.show", Value: "soldes"}},
		{Kind: reply.Context, Text: "mis à jour par <@U1>"},
		{Kind: reply.Divider},
		{Kind: reply.Actions, Buttons: []reply.Button{{Text: "Suivant", ActionID: "campaign.list", Value: "2"}}},
	}}
	msg := responseMessage(rep, rep.Blocks)
	decode := func(v any) map[string]any {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		for k, v := range m {
			if v == false || v == "" {
				delete(m, k) // WebhookMessage writes its unset flags
			}
		}
		return m
	}
	want, got := decode(msg), decode(newAckMessage(msg))
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ack body\n%v\nwant\n%v", got, want)
	}
	if len(got["blocks"].([]any)) != 5 {
		t.Errorf("blocks lost: %v", got)
	}
}

// TestLateReadsProbeOneAtATime: after a pause, the reads in flight do not all try at once: one
// does, and the outcome of that one decides for the others.
func TestLateReadsProbeOneAtATime(t *testing.T) {
	var l lateReads
	now := t0
	for range 10 {
		now = now.Add(time.Millisecond)
		l.done(now, true)
	}
	now = now.Add(latePause)
	if !l.try(now) {
		t.Fatal("no try after the pause")
	}
	if l.try(now) || l.try(now) {
		t.Fatal("a second try while the first is out")
	}
	l.done(now, false) // on time: the store is back
	for range 3 {
		if !l.try(now) {
			t.Fatal("tries still held back after a read on time")
		}
	}
}

// TestReadBudget: the ack of a read waits ten times the reads' moving average answer time,
// within [minReadBudget, the configured budget].
func TestReadBudget(t *testing.T) {
	tests := []struct {
		name    string
		answers []time.Duration
		limit   time.Duration
		want    time.Duration
	}{
		{"nothing known yet", nil, 500 * time.Millisecond, minReadBudget},
		{"a quiet process", repeatDur(2*time.Millisecond, 50), 500 * time.Millisecond, minReadBudget},
		{"a busy process", repeatDur(30*time.Millisecond, 100), 500 * time.Millisecond, 300 * time.Millisecond},
		{"a very busy process", repeatDur(200*time.Millisecond, 100), 500 * time.Millisecond, 500 * time.Millisecond},
		{"a budget under the least", nil, time.Nanosecond, time.Nanosecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l lateReads
			for _, a := range tt.answers {
				l.answered(a)
			}
			got := l.budget(tt.limit)
			if d := got - tt.want; d < -5*time.Millisecond || d > 5*time.Millisecond {
				t.Errorf("budget = %v, want %v", got, tt.want)
			}
		})
	}
}

func repeatDur(d time.Duration, n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = d
	}
	return out
}
