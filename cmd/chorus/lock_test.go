package main

import (
	"errors"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chorus-hq/chorus/i18n"
	"github.com/chorus-hq/chorus/internal/slackfake"
)

func TestCatalogComplete(t *testing.T) { i18n.CheckComplete(t, texts()) }

// serveVars is the environment of a chorus serve in HTTP mode on dir against fake.
func serveVars(fake *slackfake.Server, dir string) map[string]string {
	return map[string]string{
		"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": testSecret, "SLACK_API_URL": fake.APIURL(),
		"CHORUS_HTTP_ADDR": "127.0.0.1:0", "CHORUS_DATA_DIR": dir, "CHORUS_LOG_LEVEL": "info",
	}
}

// TestSecondProcessRefused: while one chorus serves on a data folder, a second one started on it
// exits non-zero with a message, in its language, naming the folder, the holder's pid and
// MongoDB for replicas.
func TestSecondProcessRefused(t *testing.T) {
	fake := slackfake.New(slackfake.Options{})
	t.Cleanup(fake.Close)
	dir := t.TempDir()
	first := startProcess(t, serveVars(fake, dir), "serve")
	first.waitServing(t)
	tests := []struct {
		lang string
		want string
	}{
		{"fr", "est déjà utilisé par un autre processus Chorus"},
		{"en", "is already used by another Chorus process"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			cmd := exec.Command(chorusBinary(t), "console")
			cmd.Env = []string{"CHORUS_DATA_DIR=" + dir, "CHORUS_LANG=" + tt.lang, "HOME=" + t.TempDir()}
			out, err := cmd.CombinedOutput()
			if _, ok := errors.AsType[*exec.ExitError](err); !ok {
				t.Fatalf("second process: err %v, want a non-zero exit; output:\n%s", err, out)
			}
			for _, want := range []string{tt.want, dir, "pid " + strconv.Itoa(first.cmd.Process.Pid), "CHORUS_MONGODB_URI"} {
				if !strings.Contains(string(out), want) {
					t.Errorf("message lacks %q:\n%s", want, out)
				}
			}
			if strings.Contains(string(out), "sqlite") || strings.Contains(string(out), "SQLite") {
				t.Errorf("message shows a storage error:\n%s", out)
			}
		})
	}
	if err := first.stop(t); err != nil {
		t.Errorf("first process: %v", err)
	}
}

// TestStartedTogether: two processes started at once on an empty folder: one serves, the other
// exits with the lock message, never with a raw storage error. Run several times.
func TestStartedTogether(t *testing.T) {
	fake := slackfake.New(slackfake.Options{})
	t.Cleanup(fake.Close)
	for i := range 3 {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			dir := t.TempDir()
			a := startProcess(t, serveVars(fake, dir), "serve")
			b := startProcess(t, serveVars(fake, dir), "serve")
			var loser, winner *process
			select {
			case <-a.done:
				loser, winner = a, b
			case <-b.done:
				loser, winner = b, a
			case <-time.After(60 * time.Second): // a safety net, not a timing assertion
				t.Fatalf("both processes run on one folder; logs:\n%s\n---\n%s", a.logs.String(), b.logs.String())
			}
			if loser.err == nil {
				t.Errorf("the second process exited 0")
			}
			if !strings.Contains(loser.logs.String(), "CHORUS_MONGODB_URI") {
				t.Errorf("the second process did not say why:\n%s", loser.logs.String())
			}
			winner.waitServing(t)
			if err := winner.stop(t); err != nil {
				t.Errorf("winner: %v", err)
			}
		})
	}
}
