package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands"
	"github.com/chorus-hq/chorus/store"
)

// loadClients is how many Slack requests are in flight at once in the load benchmarks.
const loadClients = 200

// BenchmarkAckLoad measures how fast chorus serve acknowledges signed /campaign list and
// /campaign show requests from 200 concurrent clients, the whole wiring included (signature check,
// parsing, the answer of these reads, which travels in the ack), on the embedded store. Slack
// gives an app 3 s; the target is a p99 under 100 ms.
//
//	go test ./cmd/chorus -run '^$' -bench AckLoad -benchtime 4000x
func BenchmarkAckLoad(b *testing.B) { benchAck(b, 0, false) }

// BenchmarkAckLoadSlowStore is BenchmarkAckLoad with every store read slowed down by 5 s: acks
// must not wait for the store.
func BenchmarkAckLoadSlowStore(b *testing.B) { benchAck(b, 5*time.Second, false) }

// BenchmarkAckLoadWrites is BenchmarkAckLoad with commands that write (a lead's /campaign
// message on the 20 campaigns): each ack waits for the command's inbox write (group commit), the
// workers meanwhile run the commands admitted.
func BenchmarkAckLoadWrites(b *testing.B) { benchAck(b, 0, true) }

func benchAck(b *testing.B, delay time.Duration, writes bool) {
	var wrap func(commands.Store) commands.Store
	if delay > 0 {
		wrap = func(st commands.Store) commands.Store { return slowStore{Store: st, delay: delay} }
	}
	srv := startServer(b, wrap)
	seedCampaigns(b, srv.app.store)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loadClients, MaxConnsPerHost: loadClients}}
	// Every request is a distinct command, as Slack's are (each has its own trigger_id): the
	// inbox would take a repeated body for a replay and run it once.
	bodies := make([]string, b.N)
	for i := range bodies {
		text, user := "list", fmt.Sprintf("U0USER%02d", i%20)
		switch {
		case writes:
			text, user = fmt.Sprintf("message campagne-%02d Offre n° %d : -20 %% sur tout", i%20, i), "U0LEA"
		case i%2 == 1:
			text = fmt.Sprintf("show campagne-%02d", i%40/2)
		}
		bodies[i] = strings.Replace(srv.slashForm(user, text, fmt.Sprint(i%40)),
			"trigger_id=", "trigger_id="+strconv.Itoa(i)+".", 1)
	}
	latencies := make([]time.Duration, b.N)
	var next atomic.Int64
	var failed, inAck atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range loadClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				t0 := time.Now()
				resp := srv.post(b, client, "application/x-www-form-urlencoded", bodies[i], t0, "")
				latencies[i] = time.Since(t0)
				if resp.StatusCode != http.StatusOK {
					failed.Add(1)
				}
				if bytes.Contains(resp.Body.(ackBody).b, []byte(`"response_type"`)) {
					inAck.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d of %d requests were not acknowledged with 200", n, b.N)
	}
	// The p99 of each quarter of the requests, in the order they were sent: a slow start (cold
	// caches, a herd of first reads) shows in the first.
	for q := range 4 {
		part := slices.Clone(latencies[q*len(latencies)/4 : (q+1)*len(latencies)/4])
		if len(part) == 0 {
			continue
		}
		slices.Sort(part)
		b.ReportMetric(float64(part[len(part)*99/100].Microseconds())/1000, fmt.Sprintf("q%d-p99-ms", q))
	}
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		return float64(latencies[min(len(latencies)-1, int(p*float64(len(latencies))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(latencies[len(latencies)-1].Microseconds())/1000, "max-ms")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(inAck.Load())/float64(b.N), "answered-in-ack")
}

// seedCampaigns creates campagne-00 … campagne-19 in the workspace T0CHORUS, for the load
// benchmarks' list and show commands.
func seedCampaigns(b *testing.B, st *store.Store) {
	b.Helper()
	ctx := context.Background()
	for i := range 20 {
		c := chorus.Campaign{WorkspaceID: "T0CHORUS", Slug: fmt.Sprintf("campagne-%02d", i), Name: fmt.Sprintf("Campagne %d", i),
			Leads: []string{"U0LEA"}, TimeZone: chorus.DefaultTimeZone, Status: chorus.StatusActive, CreatedBy: "U0LEA", Lang: chorus.French}
		if _, err := st.CreateCampaign(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

// slowStore delays the reads every command starts with, as an overloaded or distant MongoDB would.
type slowStore struct {
	commands.Store
	delay time.Duration
}

func (s slowStore) wait(ctx context.Context) error {
	t := time.NewTimer(s.delay)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s slowStore) Workspace(ctx context.Context, id string) (chorus.Workspace, error) {
	if err := s.wait(ctx); err != nil {
		return chorus.Workspace{}, err
	}
	return s.Store.Workspace(ctx, id)
}

func (s slowStore) Campaigns(ctx context.Context, workspace string) ([]chorus.Campaign, error) {
	if err := s.wait(ctx); err != nil {
		return nil, err
	}
	return s.Store.Campaigns(ctx, workspace)
}

// BenchmarkConsoleColdStart measures a whole `chorus console` session on an existing data
// directory: embedded server start, store open (schema check, indexes), one command answered,
// and shutdown. The README's target is under 1 s to the first prompt.
func BenchmarkConsoleColdStart(b *testing.B) {
	vars := map[string]string{"CHORUS_DATA_DIR": b.TempDir()}
	env, _ := testEnv(b, vars, "/campaign create ete-literie \"Soldes d'été literie\"\n")
	runLines(b, env, "console")
	b.ResetTimer()
	for range b.N {
		env, _ := testEnv(b, vars, "/campaign list\n")
		if out := runLines(b, env, "console"); !strings.Contains(out, "ete-literie") {
			b.Fatalf("the campaign is gone:\n%s", out)
		}
	}
}

// BenchmarkAnswerLoad measures what BenchmarkBoltComparison measures of Chorus (acks/s, p99,
// commands answered per second through their response_url, for -answer-for) in-process, so that
// -cpuprofile sees the server: the answer path as chorus serve wires it, reads from the read model.
//
//	go test ./cmd/chorus -run '^$' -bench AnswerLoad -benchtime 1x -answer-for 10s -cpuprofile cpu.out
func BenchmarkAnswerLoad(b *testing.B) {
	srv := startServer(b, nil)
	seedCampaigns(b, srv.app.store)
	responder := newCountingResponder(*respondLatencyFlag)
	b.Cleanup(responder.Close)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loadClients, MaxConnsPerHost: loadClients}}
	b.ResetTimer()
	res := driveAnswers(b, client, srv.base, responder, *answerForFlag)
	b.StopTimer()
	b.ReportMetric(res.acksPerSec, "acks/s")
	b.ReportMetric(res.answeredPerSec, "answered/s")
	b.ReportMetric(res.inAckPerSec, "in-ack/s")
	b.ReportMetric(res.p50, "p50-ms")
	b.ReportMetric(res.p99, "p99-ms")
	b.ReportMetric(float64(res.busy), "busy")
	b.ReportMetric(float64(res.failed), "failed")
}
