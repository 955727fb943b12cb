package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chorus-hq/chorus/bot"
	"github.com/chorus-hq/chorus/commands"
	"github.com/chorus-hq/chorus/internal/slackfake"
)

// testEnv is a process environment for run: a fresh data directory, no Slack, no OpenAI.
func testEnv(t testing.TB, vars map[string]string, stdin string) (environment, *bytes.Buffer) {
	t.Helper()
	all := map[string]string{"CHORUS_DATA_DIR": t.TempDir(), "CHORUS_LOG_LEVEL": "error"}
	for k, v := range vars {
		all[k] = v
	}
	var out bytes.Buffer
	return environment{
		stdin: strings.NewReader(stdin), stdout: &out, stderr: io.Discard,
		getenv: func(k string) string { return all[k] }, now: time.Now,
	}, &out
}

func runLines(t testing.TB, env environment, args ...string) string {
	t.Helper()
	env.args = args
	if err := run(context.Background(), env); err != nil {
		t.Fatalf("chorus %s: %v", strings.Join(args, " "), err)
	}
	return env.stdout.(*bytes.Buffer).String()
}

func mustContain(t testing.TB, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

// TestConsolePersistsAcrossRestarts is the README's first promise: a campaign created in one
// console session is there in the next one, on the embedded store.
func TestConsolePersistsAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"CHORUS_DATA_DIR": dir}
	env, _ := testEnv(t, vars, "/campaign create ete-literie \"Soldes d'été literie\"\n/campaign list\n")
	out := runLines(t, env, "console")
	mustContain(t, out, "Campagne « Soldes d'été literie » créée (ete-literie)", "Campagnes (1)")

	env, _ = testEnv(t, vars, "/campaign list\n/campaign show ete-literie\n")
	out = runLines(t, env, "console")
	mustContain(t, out, "Campagnes (1)", "Soldes d'été literie", "version 1")
}

// TestBadInputChangesNothing: each bad line gets a clear message in the user's language and the
// store is left as it was.
func TestBadInputChangesNothing(t *testing.T) {
	tests := []struct {
		name, lang, line string
		want             []string
	}{
		{"create without arguments opens a form, cancelled", "fr", "/campaign create", []string{"Nouvelle campagne", "annulé"}},
		{"bad slug", "fr", "/campaign create BAD SLUG!", []string{"n'est pas un identifiant valable"}},
		{"bad slug en", "en", "/campaign create BAD SLUG!", []string{"is not a valid"}},
		{"unknown sub-command", "fr", "/campaign frobnicate", []string{"je ne connais pas « frobnicate »"}},
		{"unknown sub-command en", "en", "/campaign frobnicate", []string{"frobnicate"}},
		{"unknown campaign", "fr", "/campaign show nulle-part", []string{"nulle-part"}},
		{"date in the past", "fr", "/campaign create hiver \"Hiver\" 2020-01-01 2020-01-31", []string{"passé"}},
		{"unbalanced quote", "en", "/campaign create x \"Soldes", []string{"quote"}},
		{"oversized name", "fr", "/campaign create long \"" + strings.Repeat("x", 300) + "\"", []string{"⚠️"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _ := testEnv(t, nil, tt.line+"\n/campaign list\n")
			out := runLines(t, env, "console", "--lang", tt.lang)
			mustContain(t, out, tt.want...)
			if strings.Contains(out, "(1)") {
				t.Errorf("a bad line created something:\n%s", out)
			}
		})
	}
}

func TestCommandLine(t *testing.T) {
	tests := []struct {
		args    []string
		want    string
		wantErr bool
	}{
		{[]string{"version"}, "chorus ", false},
		{[]string{"help"}, "Usage:", false},
		{[]string{"--help"}, "Commands:", false},
		{[]string{"manifest"}, "slash_commands", false},
		{[]string{"frobnicate"}, "", true},
		{[]string{"drift"}, "", true},
		{[]string{"serve"}, "", true}, // Slack is not configured
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			env, out := testEnv(t, nil, "")
			env.args = tt.args
			err := run(context.Background(), env)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			mustContain(t, out.String(), tt.want)
		})
	}
	env, _ := testEnv(t, map[string]string{"CHORUS_TIMEZONE": "Mars/Olympus", "CHORUS_LANG": "de"}, "")
	env.args = []string{"console"}
	err := run(context.Background(), env)
	if err == nil || !strings.Contains(err.Error(), "CHORUS_TIMEZONE") || !strings.Contains(err.Error(), "CHORUS_LANG") {
		t.Errorf("bad settings: err = %v, want both named", err)
	}
	env, _ = testEnv(t, nil, "")
	env.args = []string{"console", "--help"}
	if err := run(context.Background(), env); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("console --help: err = %v, want flag.ErrHelp", err)
	}
}

func TestDemo(t *testing.T) {
	env, _ := testEnv(t, nil, "")
	out := runLines(t, env, "demo")
	mustContain(t, out,
		"Chorus demo",
		"Campagne « Soldes d'été literie » créée",
		"seuls les responsables", // sami may not change the global message
		"passé",                  // a due date in the past is refused
		"Historique de ete-literie",
		// a new global message proposes the must-include point it contradicts, and Léa accepts
		"« -30 % sur toute la literie » dit encore « -30 % ». Proposition : « -35 % sur toute la literie ».",
		"1 point(s) remplacé(s)",
		"Fin de la visite", // the tour ends with a word, not on its last command
	)
	if strings.Contains(out, "erreur interne") || strings.Contains(out, "internal error") {
		t.Errorf("the demo hit an internal error:\n%s", out)
	}
}

// testServer is a running chorus serve in HTTP mode, wired by serve as in production, against a
// fake Slack.
type testServer struct {
	base   string // http://127.0.0.1:port
	fake   *slackfake.Server
	app    *app
	logs   *lockedBuffer
	secret string
	stop   func()
}

const testSecret = "8f742231b10e8888abcd99yyyzzz85a5"

func startServer(t testing.TB, wrap func(commands.Store) commands.Store) *testServer {
	t.Helper()
	return startServerWith(t, slackfake.Options{Users: map[string]slackfake.User{"U0LEA": {Locale: "fr-FR", Admin: true}, "U0SAM": {Locale: "en-US"}}}, nil, wrap)
}

// startServerWith is startServer with the fake Slack's people and channels, and a clock (nil:
// time.Now).
func startServerWith(t testing.TB, fakeOpts slackfake.Options, now func() time.Time, wrap func(commands.Store) commands.Store) *testServer {
	t.Helper()
	fake := slackfake.New(fakeOpts)
	t.Cleanup(fake.Close)
	env, _ := testEnv(t, map[string]string{
		"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": testSecret, "SLACK_API_URL": fake.APIURL(),
		"CHORUS_HTTP_ADDR": "127.0.0.1:0", "CHORUS_LOG_LEVEL": "debug",
	}, "")
	logs := &lockedBuffer{}
	env.stderr = logs
	env.wrapStore = wrap
	if now != nil {
		env.now = now
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := newApp(ctx, env, "")
	if err != nil {
		t.Fatal(err)
	}
	listening := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, env, a, listening) }()
	var stopOnce sync.Once
	stop := func() {
		stopOnce.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
			a.close()
		})
	}
	t.Cleanup(stop)
	select {
	case addr := <-listening:
		return &testServer{base: "http://" + addr, fake: fake, app: a, logs: logs, secret: testSecret, stop: stop}
	case err := <-done:
		done <- nil // let the cleanup's stop return
		t.Fatalf("serve stopped: %v", err)
		return nil
	}
}

// post sends body to /slack/events signed at ts, or with sign as the signature when not "".
func (s *testServer) post(t testing.TB, client *http.Client, contentType, body string, ts time.Time, sign string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.base+"/slack/events", strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	stamp := strconv.FormatInt(ts.Unix(), 10)
	req.Header.Set("X-Slack-Request-Timestamp", stamp)
	if sign == "" {
		sign = bot.Sign(s.secret, stamp, []byte(body))
	}
	req.Header.Set("X-Slack-Signature", sign)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	resp.Body = ackBody{bytes.NewReader(b), b} // the ack, for the caller to read
	return resp
}

// ackBody is an ack's body, read already: as a reader, and as bytes for the load benchmarks.
type ackBody struct {
	*bytes.Reader
	b []byte
}

func (ackBody) Close() error { return nil }

// slashForm is a slash command as Slack posts it.
func (s *testServer) slashForm(user, text, respond string) string {
	return url.Values{"command": {"/campaign"}, "text": {text}, "team_id": {"T0CHORUS"}, "user_id": {user},
		"channel_id": {"C0GENERAL"}, "response_url": {s.fake.ResponseURL(respond)}, "trigger_id": {"13345224609.738474920.8088930838d88f008e0"}}.Encode()
}

// TestServeHTTP runs chorus serve in HTTP mode against a fake Slack and talks to it as Slack
// does: signed slash commands, a replayed event, a forged request, and the probes.
func TestServeHTTP(t *testing.T) {
	srv := startServer(t, nil)
	fake, base, secret, logs := srv.fake, srv.base, srv.secret, srv.logs

	post := func(t *testing.T, contentType, body string, ts time.Time, sign string) *http.Response {
		t.Helper()
		return srv.post(t, http.DefaultClient, contentType, body, ts, sign)
	}
	slash := func(t *testing.T, user, text, respond string) string {
		t.Helper()
		resp := post(t, "application/x-www-form-urlencoded", srv.slashForm(user, text, respond), time.Now(), "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("slash command %q: status %d", text, resp.StatusCode)
		}
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	respondedTo := func(t *testing.T, id string) slackfake.Call {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			for _, c := range fake.Calls("respond") {
				if c.Path == "/respond/"+id {
					return c
				}
			}
			_, _ = fake.WaitFor("respond", len(fake.Calls("respond"))+1, 200*time.Millisecond)
		}
		t.Fatalf("no answer on response_url %s; calls: %+v", id, fake.Calls(""))
		return slackfake.Call{}
	}

	slash(t, "U0LEA", `create ete-literie "Soldes d'été literie" 2031-07-01 2031-07-15`, "create")
	mustContain(t, string(respondedTo(t, "create").Body), "Soldes d'été literie", "créée")
	// A read is answered in its acknowledgement: nothing on its response_url.
	mustContain(t, slash(t, "U0SAM", "list", "list"), "Campaigns (1)", `"response_type":"ephemeral"`)
	slash(t, "U0SAM", "message ete-literie -50 % on everything", "refused")
	mustContain(t, string(respondedTo(t, "refused").Body), "lead", `"response_type":"ephemeral"`)
	for _, c := range fake.Calls("respond") {
		if c.Path == "/respond/list" {
			t.Errorf("the read answered in its ack was answered on its response_url too: %s", c.Body)
		}
	}

	// A forged, a stale and an unsigned request are refused before anything is parsed.
	form := url.Values{"command": {"/campaign"}, "text": {"create pirate Pirate"}, "team_id": {"T0CHORUS"}, "user_id": {"U0LEA"}, "response_url": {fake.ResponseURL("pirate")}}
	for name, resp := range map[string]*http.Response{
		"forged": post(t, "application/x-www-form-urlencoded", form.Encode(), time.Now(), "v0="+strings.Repeat("0", 64)),
		"stale":  post(t, "application/x-www-form-urlencoded", form.Encode(), time.Now().Add(-6*time.Minute), ""),
	} {
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s request: status %d, want 401", name, resp.StatusCode)
		}
	}

	// An event delivered twice (Slack's retry) is handled once: App Home is published once.
	event := `{"token":"x","team_id":"T0CHORUS","api_app_id":"A1","type":"event_callback","event_id":"Ev0HOME1","event_time":1700000000,` +
		`"event":{"type":"app_home_opened","user":"U0LEA","channel":"D1","tab":"home","event_ts":"1700000000.1"}}`
	for range 2 {
		if resp := post(t, "application/json", event, time.Now(), ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("event: status %d", resp.StatusCode)
		}
	}
	if _, err := fake.WaitFor("views.publish", 1, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	// Give a wrongly accepted duplicate the time to show up before counting.
	// (a command that is not a read: it is queued behind the event's work, as a duplicate would be)
	slash(t, "U0SAM", "message ete-literie encore", "after-home")
	respondedTo(t, "after-home")
	if n := len(fake.Calls("views.publish")); n != 1 {
		t.Errorf("views.publish called %d times for one event sent twice", n)
	}
	if c := fake.Calls("respond"); len(c) != 3 {
		var paths []string
		for _, call := range c {
			paths = append(paths, call.Path+" "+string(call.Body))
		}
		t.Errorf("response_url used %d times, want 3 (the read answered in its ack, no answer to the forged or stale request):\n%s", len(c), strings.Join(paths, "\n"))
	}

	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready", "/metrics": "chorus_"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("GET %s = %d %q", path, resp.StatusCode, b)
		}
	}
	srv.stop()
	if logs := logs.String(); strings.Contains(logs, "xoxb-test") || strings.Contains(logs, secret) || !strings.Contains(logs, "chorus serving") {
		t.Errorf("debug logs leak a secret or miss the start line:\n%s", logs)
	}
}

// lockedBuffer collects logs written from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
	ch chan struct{} // closed at the next write
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ch != nil {
		close(l.ch)
		l.ch = nil
	}
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// changed returns a channel closed at the next write.
func (l *lockedBuffer) changed() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ch == nil {
		l.ch = make(chan struct{})
	}
	return l.ch
}
