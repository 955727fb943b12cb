package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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

// BenchmarkAckBody measures encoding a read's answer (a list of ten campaigns) for its ack:
// as slack.WebhookMessage, and as the ack's plain-list message.
//
//	go test ./bot -run '^$' -bench AckBody
func BenchmarkAckBody(b *testing.B) {
	var blocks []reply.Block
	for i := range 10 {
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: fmt.Sprintf("*Campagne %d* (`campagne-%d`) · active · 1er → 15 juillet", i, i),
			Accessory: &reply.Button{Text: "Voir", ActionID: "campaign.show", Value: fmt.Sprint(i)}},
			reply.Block{Kind: reply.Context, Text: "mis à jour par <@U1> le 3 juin"})
	}
	msg := responseMessage(reply.Reply{Text: "Campagnes (10)", Blocks: blocks}, blocks)
	for _, tt := range []struct {
		name string
		v    any
	}{{"webhook", msg}, {"ack", newAckMessage(msg)}} {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := json.Marshal(tt.v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
