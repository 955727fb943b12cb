package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/reply"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newTestClient(t testing.TB, f *fakeSlack, clock *fakeClock, sleep func(context.Context, time.Duration) error) *Client {
	t.Helper()
	if sleep == nil {
		sleep = clock.Sleep
	}
	return NewClient(ClientOptions{
		Token:  "xoxb-test",
		APIURL: f.apiURL(),
		Clock:  clock.Now,
		Sleep:  sleep,
	})
}

func TestClientHonoursRetryAfter(t *testing.T) {
	tests := []struct {
		name   string
		method string
		call   func(*Client) error
	}{
		{"postMessage", "chat.postMessage", func(c *Client) error {
			ts, err := c.PostMessage(context.Background(), "C1", "", "hello", nil, nil)
			if err == nil && ts == "" {
				return errors.New("no ts")
			}
			return err
		}},
		{"users.info", "users.info", func(c *Client) error {
			_, _, err := c.UserInfo(context.Background(), "U1")
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeSlack(t)
			clock := newFakeClock(t0)
			c := newTestClient(t, f, clock, nil)
			f.next(tt.method, httpStatus(http.StatusTooManyRequests, "Retry-After", "7"))
			if err := tt.call(c); err != nil {
				t.Fatalf("call: %v", err)
			}
			if n := len(f.callsTo(tt.method)); n != 2 {
				t.Errorf("%s called %d times, want 2 (one 429, one retry)", tt.method, n)
			}
			if s := clock.Sleeps(); !slices.Contains(s, 7*time.Second) {
				t.Errorf("sleeps = %v, want a 7s wait for Retry-After", s)
			}
			m := c.Metrics().Snapshot()
			if m.RateLimited[tt.method] != 1 || m.APICalls[tt.method] != 2 || m.APIErrors[tt.method] != 1 {
				t.Errorf("metrics = calls %d errors %d 429s %d, want 2/1/1", m.APICalls[tt.method], m.APIErrors[tt.method], m.RateLimited[tt.method])
			}
		})
	}
}

func TestClientRetriesTransientErrors(t *testing.T) {
	tests := []struct {
		name      string
		failures  int
		wantErr   bool
		wantCalls int
		wantSleep []time.Duration
	}{
		{"recovers after two 503s", 2, false, 3, []time.Duration{250 * time.Millisecond, 500 * time.Millisecond}},
		{"gives up after three attempts", 3, true, 3, []time.Duration{250 * time.Millisecond, 500 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeSlack(t)
			clock := newFakeClock(t0)
			c := newTestClient(t, f, clock, nil)
			for range tt.failures {
				f.next("chat.update", httpStatus(http.StatusServiceUnavailable))
			}
			err := c.Update(context.Background(), "C1", "1.2", "edited", nil)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Update err = %v, want error %v", err, tt.wantErr)
			}
			if n := len(f.callsTo("chat.update")); n != tt.wantCalls {
				t.Errorf("chat.update called %d times, want %d", n, tt.wantCalls)
			}
			if got := clock.Sleeps(); !slices.Equal(got, tt.wantSleep) {
				t.Errorf("backoff sleeps = %v, want %v", got, tt.wantSleep)
			}
		})
	}
}

func TestClientChannelErrors(t *testing.T) {
	tests := []struct {
		code            string
		wantUnreachable bool
	}{
		{"not_in_channel", true},
		{"channel_not_found", true},
		{"is_archived", true},
		{"invalid_auth", false},
		{"msg_too_long", false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			f := newFakeSlack(t)
			clock := newFakeClock(t0)
			c := newTestClient(t, f, clock, nil)
			f.next("chat.postMessage", slackError(tt.code))
			_, err := c.PostMessage(context.Background(), "C42", "", "hi", nil, nil)
			if err == nil {
				t.Fatal("PostMessage succeeded, want an error")
			}
			if got := errors.Is(err, ErrChannelUnreachable); got != tt.wantUnreachable {
				t.Errorf("errors.Is(%v, ErrChannelUnreachable) = %v, want %v", err, got, tt.wantUnreachable)
			}
			if ue, ok := errors.AsType[*UnreachableError](err); ok && (ue.Channel != "C42" || ue.Code != tt.code) {
				t.Errorf("UnreachableError = %+v", ue)
			}
			if n := len(f.callsTo("chat.postMessage")); n != 1 {
				t.Errorf("a permanent error was tried %d times, want 1", n)
			}
		})
	}
}

func TestClientSpacesPostsPerChannel(t *testing.T) {
	t.Run("sequential", func(t *testing.T) {
		f := newFakeSlack(t)
		clock := newFakeClock(t0)
		c := newTestClient(t, f, clock, nil)
		ctx := context.Background()
		for _, ch := range []string{"C1", "C1", "C2", "C1"} {
			if _, err := c.PostMessage(ctx, ch, "", "x", nil, nil); err != nil {
				t.Fatal(err)
			}
		}
		// C1, C1 (waits 1s: the clock now reads t0+1s), C2 (free), C1 (its slot is t0+2s).
		want := []time.Duration{time.Second, time.Second}
		if got := clock.Sleeps(); !slices.Equal(got, want) {
			t.Errorf("sleeps = %v, want %v", got, want)
		}
	})
	t.Run("a waiting channel does not block another", func(t *testing.T) {
		f := newFakeSlack(t)
		clock := newFakeClock(t0)
		gate := make(chan struct{})
		waiting := make(chan time.Duration, 1)
		sleep := func(ctx context.Context, d time.Duration) error {
			waiting <- d
			select {
			case <-gate:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		c := newTestClient(t, f, clock, sleep)
		ctx := context.Background()
		if _, err := c.PostMessage(ctx, "C1", "", "first", nil, nil); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var secondErr error
		wg.Go(func() { _, secondErr = c.PostMessage(ctx, "C1", "", "second", nil, nil) })
		if d := <-waiting; d != time.Second {
			t.Errorf("second post to C1 waits %v, want 1s", d)
		}
		// C1's second post is parked in its wait; C2 must go straight through.
		if _, err := c.PostMessage(ctx, "C2", "", "other channel", nil, nil); err != nil {
			t.Fatal(err)
		}
		if n := len(f.callsTo("chat.postMessage")); n != 2 {
			t.Errorf("while C1 waits, %d posts reached Slack, want 2 (C1 first, C2)", n)
		}
		close(gate)
		wg.Wait()
		if secondErr != nil {
			t.Fatal(secondErr)
		}
		if n := len(f.callsTo("chat.postMessage")); n != 3 {
			t.Errorf("%d posts, want 3", n)
		}
	})
	t.Run("429 holds the channel", func(t *testing.T) {
		f := newFakeSlack(t)
		clock := newFakeClock(t0)
		c := newTestClient(t, f, clock, nil)
		f.next("chat.postMessage", httpStatus(http.StatusTooManyRequests, "Retry-After", "30"))
		if _, err := c.PostMessage(context.Background(), "C1", "", "x", nil, nil); err != nil {
			t.Fatal(err)
		}
		if got, want := clock.Sleeps(), []time.Duration{30 * time.Second}; !slices.Equal(got, want) {
			t.Errorf("sleeps = %v, want %v", got, want)
		}
	})
}

func TestClientUserInfoCache(t *testing.T) {
	f := newFakeSlack(t)
	clock := newFakeClock(t0)
	c := newTestClient(t, f, clock, nil)
	f.setUser("U1", "fr-FR", true)
	f.setUser("U2", "de-DE", false)
	ctx := context.Background()
	for range 3 {
		lang, admin, err := c.UserInfo(ctx, "U1")
		if err != nil || lang != chorus.French || !admin {
			t.Fatalf("UserInfo(U1) = %q, %v, %v; want fr, true", lang, admin, err)
		}
	}
	if n := len(f.callsTo("users.info")); n != 1 {
		t.Errorf("users.info called %d times within the TTL, want 1", n)
	}
	if got := f.callsTo("users.info")[0].Form.Get("include_locale"); got != "true" {
		t.Errorf("include_locale = %q, want true", got)
	}
	clock.Advance(11 * time.Minute)
	if _, _, err := c.UserInfo(ctx, "U1"); err != nil {
		t.Fatal(err)
	}
	if n := len(f.callsTo("users.info")); n != 2 {
		t.Errorf("users.info called %d times after the TTL, want 2", n)
	}
	if lang, admin, _ := c.UserInfo(ctx, "U2"); lang != "" || admin {
		t.Errorf("UserInfo(U2, de-DE) = %q, %v; want no language, not admin", lang, admin)
	}
}

// TestClientUserInfoShared: someone's first commands arriving together make one users.info
// call, whose answer they all get; a caller that gives up does not end the call for the others.
func TestClientUserInfoShared(t *testing.T) {
	f := newFakeSlack(t)
	c := newTestClient(t, f, newFakeClock(t0), nil)
	f.setUser("U1", "fr-FR", false)
	release, arrived := make(chan struct{}), make(chan struct{})
	f.next("users.info", func(w http.ResponseWriter) {
		close(arrived)
		<-release
		writeJSON(w, map[string]any{"ok": true, "user": map[string]any{"id": "U1", "locale": "fr-FR"}})
	})
	first, cancel := context.WithCancel(context.Background())
	const callers = 20
	errs := make(chan error, callers)
	go func() { _, _, err := c.UserInfo(first, "U1"); errs <- err }()
	<-arrived // the first call is at Slack; the others join it
	for range callers - 1 {
		go func() {
			lang, _, err := c.UserInfo(context.Background(), "U1")
			if err == nil && lang != chorus.French {
				err = fmt.Errorf("lang %q", lang)
			}
			errs <- err
		}()
	}
	cancel() // the caller that started the call gives up
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Fatalf("the cancelled caller got %v", err)
	}
	close(release)
	for range callers - 1 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := len(f.callsTo("users.info")); n != 1 {
		t.Errorf("users.info called %d times for one person's commands together, want 1", n)
	}
}

func TestClientRespondURL(t *testing.T) {
	f := newFakeSlack(t)
	c := newTestClient(t, f, newFakeClock(t0), nil)
	rep := reply.Reply{
		Text:            "Campagne créée",
		Blocks:          []reply.Block{{Kind: reply.Section, Text: "*printemps*"}},
		Visibility:      reply.InChannel,
		ReplaceOriginal: true,
	}
	if err := c.RespondURL(context.Background(), f.responseURL("r1"), rep); err != nil {
		t.Fatal(err)
	}
	calls := f.callsTo("response_url")
	if len(calls) != 1 {
		t.Fatalf("response_url hit %d times, want 1", len(calls))
	}
	got := calls[0].JSON
	if got["response_type"] != "in_channel" || got["replace_original"] != true || got["text"] != "Campagne créée" {
		t.Errorf("response_url body = %v", got)
	}
	if bs, _ := got["blocks"].([]any); len(bs) != 1 {
		t.Errorf("blocks = %v, want one section", got["blocks"])
	}
}

func TestClientFindByMetadata(t *testing.T) {
	f := newFakeSlack(t)
	c := newTestClient(t, f, newFakeClock(t0), nil)
	ctx := context.Background()
	ts1, err := c.PostMessage(ctx, "C1", "", "reminder 1", nil, &Metadata{EventType: "chorus_reminder", ID: "r-1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PostMessage(ctx, "C1", "", "reminder 2", nil, &Metadata{EventType: "chorus_reminder", ID: "r-2", Payload: map[string]any{"slot": "mon"}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		eventType, id string
		wantTS        string
		wantFound     bool
	}{
		{"chorus_reminder", "r-1", ts1, true},
		{"chorus_reminder", "r-9", "", false},
		{"chorus_digest", "r-1", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.eventType+"/"+tt.id, func(t *testing.T) {
			ts, found, err := c.FindByMetadata(ctx, "C1", tt.eventType, tt.id, t0.Add(-time.Hour))
			if err != nil || ts != tt.wantTS || found != tt.wantFound {
				t.Errorf("FindByMetadata = %q, %v, %v; want %q, %v", ts, found, err, tt.wantTS, tt.wantFound)
			}
		})
	}
	h := f.callsTo("conversations.history")[0].Form
	if h.Get("include_all_metadata") != "1" || h.Get("oldest") != "1772438400.000000" {
		t.Errorf("conversations.history params = %v", h)
	}
}

func TestClientViews(t *testing.T) {
	f := newFakeSlack(t)
	c := newTestClient(t, f, newFakeClock(t0), nil)
	ctx := context.Background()
	if err := c.OpenView(ctx, "trig-1", reply.Modal{CallbackID: "cb", Title: "T", Submit: "OK", Inputs: []reply.Input{{ID: "name", Label: "Name", Kind: reply.TextInput}}}); err != nil {
		t.Fatal(err)
	}
	if err := c.PublishHome(ctx, "U1", reply.View{Blocks: []reply.Block{{Kind: reply.Header, Text: "Chorus"}}}); err != nil {
		t.Fatal(err)
	}
	open := f.callsTo("views.open")
	if len(open) != 1 || open[0].JSON["trigger_id"] != "trig-1" {
		t.Fatalf("views.open calls = %+v", open)
	}
	pub := f.callsTo("views.publish")
	if len(pub) != 1 || pub[0].JSON["user_id"] != "U1" {
		t.Fatalf("views.publish calls = %+v", pub)
	}
	if v, _ := pub[0].JSON["view"].(map[string]any); v["type"] != "home" {
		t.Errorf("published view = %v", v)
	}
}

// TestClientFindByMetadataInDirectMessage: a reminder is posted to the owner's user id; after a
// crash, the one who takes it over must find it in the direct message's history, whose id
// conversations.open gives.
func TestClientFindByMetadataInDirectMessage(t *testing.T) {
	f := newFakeSlack(t)
	c := newTestClient(t, f, newFakeClock(t0), nil)
	ctx := context.Background()
	ts, err := c.PostMessage(ctx, "U0SAM", "", "reminder", nil, &Metadata{EventType: "chorus_reminder", ID: "r-1"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		got, found, err := c.FindByMetadata(ctx, "U0SAM", "chorus_reminder", "r-1", t0.Add(-time.Hour))
		if err != nil || !found || got != ts {
			t.Fatalf("FindByMetadata(U0SAM) = %q, %v, %v; want %q", got, found, err, ts)
		}
	}
	if n := len(f.callsTo("conversations.open")); n != 1 {
		t.Errorf("conversations.open called %d times, want 1 (the id is cached)", n)
	}
	if ch := f.callsTo("conversations.history")[0].Form.Get("channel"); ch != "DU0SAM" {
		t.Errorf("history read in %q, want the direct message DU0SAM", ch)
	}
}
