package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chorus-hq/chorus/bot"
	"github.com/chorus-hq/chorus/internal/slackfake"
	"github.com/chorus-hq/chorus/store"
	"github.com/chorus-hq/chorus/store/embedded"
)

// signedPost sends body to base's /slack/events signed as Slack would, and returns the status
// and the ack body; err when the server is gone.
func signedPost(client *http.Client, base, contentType, body string, header ...string) (int, string, error) {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, base+"/slack/events", strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", bot.Sign(testSecret, ts, []byte(body)))
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, string(b), nil
}

// TestCrashLosesNothing is issue 13's loss test, as a user would lose data: the binary serves
// HTTP against the fake Slack, a lead sends a burst of 200 /glossary define, the process is
// killed with SIGKILL after the kill-th acknowledgement (an event acknowledged just before), it is
// started again, and Slack retries the event. Every acknowledged command must be stored once,
// audited once and confirmed; confirmed twice only when the killed process had sent the
// confirmation and not yet recorded it (a response_url cannot be asked what it received); the
// event handled once (or published twice in that same window).
func TestCrashLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts the binary")
	}
	for _, kill := range []int{20, 100, 180} {
		t.Run(fmt.Sprintf("kill after %d acks", kill), func(t *testing.T) { crashOnce(t, kill) })
	}
}

func crashOnce(t *testing.T, killAfter int) {
	const burst = 200
	fake := slackfake.New(slackfake.Options{Users: map[string]slackfake.User{"U0LEA": {Locale: "fr-FR", Admin: true}}})
	t.Cleanup(fake.Close)
	dir := t.TempDir()
	vars := serveVars(fake, dir)
	vars["CHORUS_LEADS"] = "U0LEA"
	first := startProcess(t, vars, "serve")
	base := "http://" + first.waitServing(t)

	event := `{"token":"x","team_id":"T0CHORUS","api_app_id":"A1","type":"event_callback","event_id":"Ev0CRASH","event_time":1700000000,` +
		`"event":{"type":"app_home_opened","user":"U0LEA","channel":"D1","tab":"home","event_ts":"1700000000.1"}}`
	client := &http.Client{Timeout: 10 * time.Second}
	acked := make([]bool, burst)
	var acks atomic.Int64
	var killOnce sync.Once
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= burst {
					return
				}
				body := url.Values{"command": {"/glossary"}, "text": {fmt.Sprintf("define Terme%03d Définition numéro %d", i, i)},
					"team_id": {"T0CHORUS"}, "user_id": {"U0LEA"}, "channel_id": {"C0GENERAL"},
					"response_url": {fake.ResponseURL(fmt.Sprintf("g%03d", i))}, "trigger_id": {"1.2.3"}}.Encode()
				status, ack, err := signedPost(client, base, "application/x-www-form-urlencoded", body)
				if err != nil || status != http.StatusOK || ack != "" {
					continue // not acknowledged (the process is gone), or refused as busy: nothing promised
				}
				acked[i] = true
				if acks.Add(1) == int64(killAfter) {
					killOnce.Do(func() {
						if status, _, err := signedPost(client, base, "application/json", event); err != nil || status != 200 {
							t.Errorf("event before the crash: %d, %v", status, err)
						}
						first.kill()
					})
				}
			}
		}()
	}
	wg.Wait()
	killOnce.Do(first.kill)

	second := startProcess(t, vars, "serve")
	base = "http://" + second.waitServing(t)
	for retry := 1; retry <= 3; retry++ {
		if status, _, err := signedPost(client, base, "application/json", event, "X-Slack-Retry-Num", strconv.Itoa(retry)); err != nil || status != 200 {
			t.Errorf("event retry %d: %d, %v", retry, status, err)
		}
	}

	// Wait for every acknowledged command's confirmation (a safety net of a minute, no timing
	// assertion), then stop the second process and read its store.
	deadline := time.Now().Add(time.Minute)
	confirmations := func() map[string]int {
		n := map[string]int{}
		for _, c := range fake.Calls("respond") {
			n[strings.TrimPrefix(c.Path, "/respond/")]++
		}
		return n
	}
	for {
		got, missing := confirmations(), 0
		for i, ok := range acked {
			if ok && got[fmt.Sprintf("g%03d", i)] == 0 {
				missing++
			}
		}
		if missing == 0 && len(fake.Calls("views.publish")) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d acknowledged commands never confirmed, %d home views published; logs:\n%s\n---\n%s", missing, len(fake.Calls("views.publish")), first.logs.String(), second.logs.String())
		}
		_, _ = fake.WaitFor("respond", len(fake.Calls("respond"))+1, time.Second)
	}
	if err := second.stop(t); err != nil {
		t.Errorf("second process: %v", err)
	}

	ctx := context.Background()
	srv, err := embedded.Start(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	st, err := store.Open(ctx, srv.URI(), "chorus", store.Options{SerializeWrites: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	terms, err := st.Terms(ctx, "T0CHORUS")
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]string{}
	for _, g := range terms {
		byName[g.Term] = g.Key()
	}
	confirmed := confirmations()
	total, twice := 0, 0
	for i, ok := range acked {
		if !ok {
			continue
		}
		total++
		name := fmt.Sprintf("Terme%03d", i)
		key, stored := byName[name]
		if !stored {
			var said []string
			for _, c := range fake.Calls("respond") {
				if c.Path == fmt.Sprintf("/respond/g%03d", i) {
					said = append(said, string(c.Body))
				}
			}
			t.Errorf("%s acknowledged and not stored; confirmation: %q", name, said)
			continue
		}
		if h, err := st.TermHistory(ctx, "T0CHORUS", key); err != nil || len(h) != 1 {
			t.Errorf("%s stored %d times (%v)", name, len(h), err)
		}
		if a, err := st.Audit(ctx, "T0CHORUS", "term:"+key); err != nil || len(a) != 1 {
			t.Errorf("%s audited %d times (%v)", name, len(a), err)
		}
		switch n := confirmed[fmt.Sprintf("g%03d", i)]; {
		case n == 2:
			// Sent by the killed process, which died before recording it: a confirmation
			// cannot be taken back, so it is sent again rather than risk never.
			twice++
		case n != 1:
			t.Errorf("%s confirmed %d times", name, n)
		}
	}
	// Only the commands being answered when the process died (one per worker at most) may have
	// been confirmed before the crash and again after it.
	if twice > 16 {
		t.Errorf("%d commands confirmed twice, more than were running at the kill", twice)
	}
	if n := len(fake.Calls("views.publish")); n != 1 && n != 2 {
		t.Errorf("the event acknowledged before the crash was handled %d times, want 1", n)
	}
	if t.Failed() {
		t.Logf("logs of the killed process:\n%s\n--- logs of the restarted one:\n%s", first.logs.String(), second.logs.String())
	}
	t.Logf("killed after %d acks: %d acknowledged, all stored once, audited once, confirmed (%d twice: sent, not recorded, at the kill)", killAfter, total, twice)
}
