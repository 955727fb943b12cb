package bot

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/chorus-hq/chorus/reply"
)

// BenchmarkAckSlashCommand measures the HTTP front door from a signed "/campaign list" request to
// its acknowledgement: body read, signature check, form decoding and the hand-off to a worker.
func BenchmarkAckSlashCommand(b *testing.B) {
	r := newRig(b, func(o *Options) { o.Workers = 64 })
	r.h.command = func(context.Context, reply.Request) reply.Reply { return reply.Reply{} }
	body := slashBody(b, r, "command", "/campaign", "text", "list")
	ts := strconv.FormatInt(r.clock.Now().Unix(), 10)
	sig := Sign(testSecret, ts, body)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(body))
		req.Header.Set("Content-Type", formType)
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", sig)
		rec := httptest.NewRecorder()
		r.handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
	b.StopTimer()
	r.wait(b)
}
