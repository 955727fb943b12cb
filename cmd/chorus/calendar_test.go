package main

import (
	"bytes"
	"encoding/json"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
)

// TestServeCalendar runs chorus serve against the fake Slack: a touchpoint added by slash
// command, the calendar's picture uploaded through Slack's external upload and shown by file id,
// and the subscription link served at /calendar/<token>.ics, 404 for a wrong token.
func TestServeCalendar(t *testing.T) {
	srv := startServer(t, nil)
	fake := srv.fake
	slash := func(command, text, id string) string {
		t.Helper()
		form := url.Values{"command": {command}, "text": {text}, "team_id": {"T0CHORUS"}, "user_id": {"U0LEA"},
			"channel_id": {"C0GENERAL"}, "response_url": {fake.ResponseURL(id)}, "trigger_id": {"1.2.3"}}.Encode()
		if resp := srv.post(t, http.DefaultClient, "application/x-www-form-urlencoded", form, time.Now(), ""); resp.StatusCode != 200 {
			t.Fatalf("%s %s: status %d", command, text, resp.StatusCode)
		}
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) {
			for _, c := range fake.Calls("respond") {
				if c.Path == "/respond/"+id {
					return string(c.Body)
				}
			}
			_, _ = fake.WaitFor("respond", len(fake.Calls("respond"))+1, 200*time.Millisecond)
		}
		t.Fatalf("no answer to %s %s", command, text)
		return ""
	}
	mustContain(t, slash("/campaign", `create ete-literie "Soldes d'été literie" 2031-07-01 2031-07-15`, "create"), "créée")
	mustContain(t, slash("/chorus", "segment add prospects", "segment"), "prospects")
	mustContain(t, slash("/campaign", "touchpoint add ete-literie email 2031-07-03..2031-07-09 prospects achat", "tp"), "Point de contact ajouté")

	body := slash("/campaign", "calendar ete-literie", "calendar")
	completed := fake.Calls("files.completeUploadExternal")
	if len(completed) != 1 {
		t.Fatalf("%d uploads completed, want 1", len(completed))
	}
	var files []map[string]any
	_ = json.Unmarshal([]byte(completed[0].Form["files"]), &files)
	id, _ := files[0]["id"].(string)
	pic, ok := fake.File(id)
	if !ok {
		t.Fatalf("no bytes uploaded for %s", id)
	}
	if _, err := png.Decode(bytes.NewReader(pic)); err != nil {
		t.Fatalf("the uploaded calendar is no PNG: %v", err)
	}
	mustContain(t, body, `"type":"image"`, `"slack_file":{"id":"`+id+`"}`, "Soldes d'été literie")

	m := regexp.MustCompile(`/calendar/([A-Za-z0-9_-]{43})\.ics`).FindStringSubmatch(slash("/chorus", "calendar link", "link"))
	if m == nil {
		t.Fatal("no subscription link")
	}
	get := func(path string) (int, string, string) {
		t.Helper()
		resp, err := http.Get(srv.base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
	}
	status, ctype, ics := get("/calendar/" + m[1] + ".ics")
	if status != 200 || ctype != "text/calendar; charset=utf-8" {
		t.Fatalf("feed: %d %q", status, ctype)
	}
	cal, err := ical.NewDecoder(strings.NewReader(ics)).Decode()
	if err != nil || len(cal.Events()) != 1 {
		t.Fatalf("feed parses to %v events, %v:\n%s", cal, err, ics)
	}
	for _, wrong := range []string{"/calendar/" + strings.Repeat("x", 43) + ".ics", "/calendar/" + m[1] + ".txt"} {
		if status, ctype, b := get(wrong); status != 404 || b != "" || ctype != "" {
			t.Errorf("GET %s = %d %q %q, want a bare 404", wrong, status, ctype, b)
		}
	}
	mustContain(t, slash("/chorus", "calendar revoke", "revoke"), "annulé")
	if status, _, _ := get("/calendar/" + m[1] + ".ics"); status != 404 {
		t.Errorf("a revoked link answers %d", status)
	}
}
