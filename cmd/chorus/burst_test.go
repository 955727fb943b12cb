package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chorus-hq/chorus/bot"
	"github.com/chorus-hq/chorus/internal/slackfake"
)

var burstFlag = flag.Duration("burst", 20*time.Second, "how long BenchmarkBurst sends")

// BenchmarkBurst runs the chorus binary (serve, HTTP mode, embedded store, fake Slack) and sends
// signed /campaign show and /campaign create commands from 200 concurrent clients for -burst (20 s;
// the figure is for 60 s), as fast as they are answered. It reports acknowledgements per
// second and their latency (busy ones included), commands answered per second during the burst
// (a response_url call received by the fake Slack, or a read's ack carrying its answer), acks
// refused as busy, the server's peak resident memory, and how long SIGTERM took
// to stop it. b.N is ignored: one burst per run.
//
//	go test ./cmd/chorus -run '^$' -bench Burst -benchtime 1x -burst 60s
func BenchmarkBurst(b *testing.B) {
	var answered atomic.Int64
	fake := slackfake.New(slackfake.Options{OnCall: func(c slackfake.Call) {
		if c.Method == "respond" {
			answered.Add(1)
		}
	}})
	b.Cleanup(fake.Close)
	vars := serveVars(fake, b.TempDir())
	vars["CHORUS_LEADS"] = "U0LEA"
	vars["CHORUS_LOG_LEVEL"] = "info"
	p := startProcess(b, vars, "serve")
	base := "http://" + p.waitServing(b)

	stop := make(chan struct{})
	var peak atomic.Int64
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			rss, _ := p.memory(b)
			if rss > peak.Load() {
				peak.Store(rss)
			}
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loadClients, MaxConnsPerHost: loadClients}}
	var acked, inAck, busy, failed, seq atomic.Int64
	var latMu sync.Mutex
	var latencies []time.Duration
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	deadline := start.Add(*burstFlag)
	for c := range loadClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				n := seq.Add(1)
				text := "show burst-2"
				if n%2 == 0 {
					text = fmt.Sprintf("create burst-%d \"Burst %d\"", n, n)
				}
				body := url.Values{"command": {"/campaign"}, "text": {text}, "team_id": {"T0CHORUS"}, "user_id": {"U0LEA"},
					"channel_id": {"C0GENERAL"}, "response_url": {fake.ResponseURL(strconv.Itoa(c))}, "trigger_id": {"1.2.3"}}.Encode()
				ts := strconv.FormatInt(time.Now().Unix(), 10)
				req, _ := http.NewRequest(http.MethodPost, base+"/slack/events", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-Slack-Request-Timestamp", ts)
				req.Header.Set("X-Slack-Signature", bot.Sign(testSecret, ts, []byte(body)))
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				ack, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				latMu.Lock()
				latencies = append(latencies, time.Since(t0))
				latMu.Unlock()
				switch {
				case resp.StatusCode != http.StatusOK:
					failed.Add(1)
				case bytes.Contains(ack, []byte("sollicit")):
					busy.Add(1)
				case bytes.Contains(ack, []byte(`"response_type"`)):
					acked.Add(1) // a read, answered in its ack
					inAck.Add(1)
				default:
					acked.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	answeredInBurst := answered.Load() + inAck.Load()
	b.StopTimer()
	t0 := time.Now()
	stopped, stopErr := p.stopWithin(60 * time.Second)
	stopTook := time.Since(t0)
	close(stop)
	<-sampled
	if stopErr != nil {
		b.Errorf("stop: %v", stopErr)
	}
	if !stopped {
		b.ReportMetric(1, "killed-after-60s")
	}
	slices.Sort(latencies)
	if n := len(latencies); n > 0 {
		b.ReportMetric(float64(latencies[n/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(latencies[min(n-1, n*99/100)].Microseconds())/1000, "p99-ms")
	}
	b.ReportMetric(float64(acked.Load())/elapsed.Seconds(), "acks/s")
	b.ReportMetric(float64(answeredInBurst)/elapsed.Seconds(), "answered/s")
	b.ReportMetric(float64(busy.Load()), "busy-acks")
	b.ReportMetric(float64(acked.Load()), "admitted")
	b.ReportMetric(float64(answered.Load()+inAck.Load()), "answered-total")
	b.ReportMetric(float64(inAck.Load()), "answered-in-ack")
	b.ReportMetric(float64(failed.Load()), "failed")
	b.ReportMetric(float64(peak.Load())/(1<<20), "rss-peak-MiB")
	b.ReportMetric(stopTook.Seconds(), "stop-s")
	b.ReportMetric(float64(strings.Count(p.logs.String(), "\n")), "log-lines")
}
