package feed_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/feed"
)

// source answers one good token; "broken" fails as a store would.
type source struct{ asked []string }

const ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//FR\r\nEND:VCALENDAR\r\n"

func (s *source) CalendarFeed(_ context.Context, token string) ([]byte, error) {
	s.asked = append(s.asked, token)
	switch token {
	case "good":
		return []byte(ics), nil
	case "broken":
		return nil, errors.New("store down")
	}
	return nil, chorus.ErrNotFound
}

func TestHandler(t *testing.T) {
	src := &source{}
	mux := http.NewServeMux()
	mux.Handle(feed.Pattern, feed.Handler(src, slog.New(slog.DiscardHandler)))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	get := func(path string, header ...string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	tests := []struct {
		name, path string
		status     int
		body       string
	}{
		{"a good token", "/calendar/good.ics", 200, ics},
		{"an unknown token", "/calendar/nope.ics", 404, ""},
		{"no .ics", "/calendar/good", 404, ""},
		{"an empty token", "/calendar/.ics", 404, ""},
		{"a store failure", "/calendar/broken.ics", 503, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(tt.path)
			if resp.StatusCode != tt.status || body != tt.body {
				t.Fatalf("%s: %d %q, want %d %q", tt.path, resp.StatusCode, body, tt.status, tt.body)
			}
			if tt.status == 404 && (resp.Header.Get("Content-Type") != "" || resp.Header.Get("ETag") != "") {
				t.Errorf("a 404 says more than its status: %v", resp.Header)
			}
		})
	}
	resp, _ := get("/calendar/good.ics")
	if ct := resp.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	etag := resp.Header.Get("ETag")
	if resp, body := get("/calendar/good.ics", "If-None-Match", etag); resp.StatusCode != 304 || body != "" {
		t.Errorf("unchanged calendar: %d %q, want 304", resp.StatusCode, body)
	}
	if resp, err := http.Post(srv.URL+"/calendar/good.ics", "text/plain", nil); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %v %v", resp.StatusCode, err)
	}
}
