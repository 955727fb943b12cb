package main

import (
	"flag"
	"fmt"
	"io"
	"net"
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

// slowClientsFlag is how many unauthenticated slow connections BenchmarkSlowClients holds open.
var (
	slowClientsFlag = flag.Int("slow-clients", 1000, "unauthenticated slow connections in BenchmarkSlowClients")
	slowHoldFlag    = flag.Duration("slow-hold", 6*time.Second, "how long BenchmarkSlowClients attacks before the signed commands start")
)

// BenchmarkSlowClients runs the chorus binary (serve, HTTP mode, embedded store, fake Slack) while
// 1,000 unauthenticated connections on loopback try to hold it: a third announce a 1,000-byte
// body without Slack headers and send one byte (the attack of issue 13), a third send their
// headers one line a second and never finish, a third send well-formed but forged Slack headers
// and a body that never arrives. Each reconnects a second after it is hung up on. Meanwhile 20
// clients send b.N signed /campaign list commands, once the attack has run for -slow-hold. It
// reports the signed commands' ack latency
// and the server's resident memory.
//
//	go test ./cmd/chorus -run '^$' -bench SlowClients -benchtime 2000x
func BenchmarkSlowClients(b *testing.B) {
	fake := slackfake.New(slackfake.Options{})
	b.Cleanup(fake.Close)
	p := startProcess(b, map[string]string{
		"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": testSecret, "SLACK_API_URL": fake.APIURL(),
		"CHORUS_HTTP_ADDR": "127.0.0.1:0", "CHORUS_DATA_DIR": b.TempDir(), "CHORUS_LOG_LEVEL": "info",
	}, "serve")
	addr := p.waitServing(b)
	base := "http://" + addr
	rssStart, _ := p.memory(b)

	stop := make(chan struct{})
	var attackers, connected sync.WaitGroup
	var attacks, answered atomic.Int64
	slowClients := *slowClientsFlag
	connected.Add(slowClients)
	for i := range slowClients {
		attackers.Add(1)
		go func() {
			defer attackers.Done()
			first := true
			for {
				slowAttack(addr, i%3, stop, &attacks, &answered)
				if first {
					connected.Done()
					first = false
				}
				select {
				case <-stop:
					return
				case <-time.After(time.Second):
				}
			}
		}()
	}
	// Let every slow client be connected and in its slow phase.
	connected.Wait()
	var peakMu sync.Mutex
	peak := int64(0)
	sampleDone := make(chan struct{})
	go func() {
		defer close(sampleDone)
		for {
			rss, _ := p.memory(b)
			peakMu.Lock()
			peak = max(peak, rss)
			peakMu.Unlock()
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()

	// A whole cycle of every kind of slow client (the header timeout is 5 s) before measuring.
	time.Sleep(*slowHoldFlag)
	rssAttack, _ := p.memory(b)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 20, MaxConnsPerHost: 20}}
	body := url.Values{"command": {"/campaign"}, "text": {"list"}, "team_id": {"T0CHORUS"}, "user_id": {"U0SAM"},
		"channel_id": {"C0GENERAL"}, "response_url": {fake.ResponseURL("slow")}, "trigger_id": {"1.2.3"}}.Encode()
	latencies := make([]time.Duration, b.N)
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				t0 := time.Now()
				ts := strconv.FormatInt(t0.Unix(), 10)
				req, _ := http.NewRequest(http.MethodPost, base+"/slack/events", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-Slack-Request-Timestamp", ts)
				req.Header.Set("X-Slack-Signature", bot.Sign(testSecret, ts, []byte(body)))
				resp, err := client.Do(req)
				latencies[i] = time.Since(t0)
				if err != nil {
					failed.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	rssEnd, hwm := p.memory(b)
	close(stop)
	<-sampleDone
	attackers.Wait()
	slices.Sort(latencies)
	pct := func(q float64) float64 {
		return float64(latencies[min(len(latencies)-1, int(q*float64(len(latencies))))].Microseconds()) / 1000
	}
	peakMu.Lock()
	peak = max(peak, rssEnd)
	peakMu.Unlock()
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(failed.Load()), "failed")
	b.ReportMetric(float64(rssStart)/(1<<20), "rss-start-MiB")
	b.ReportMetric(float64(rssAttack)/(1<<20), "rss-attacked-MiB")
	b.ReportMetric(float64(peak)/(1<<20), "rss-peak-MiB")
	b.ReportMetric(float64(hwm)/(1<<20), "hwm-MiB")
	b.ReportMetric(float64(attacks.Load()), "slow-conns")
	b.ReportMetric(float64(answered.Load()), "slow-answered")
	_ = p.stop(b)
}

// slowAttack makes one slow, unauthenticated request of the given mode and returns when the
// server answers or hangs up, or when stop is closed.
func slowAttack(addr string, mode int, stop <-chan struct{}, attacks, answered *atomic.Int64) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return
	}
	defer conn.Close()
	attacks.Add(1)
	go func() { <-stop; conn.Close() }()
	const head = "POST /slack/events HTTP/1.1\r\nHost: chorus\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n"
	switch mode {
	case 0: // no Slack headers, 1 byte of the 1,000 announced
		_, _ = io.WriteString(conn, head+"\r\nc")
	case 1: // headers one line a second, never finished
		_, _ = io.WriteString(conn, head)
		go func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-time.After(time.Second):
				}
				if _, err := fmt.Fprintf(conn, "X-Slow-%d: 1\r\n", i); err != nil {
					return
				}
			}
		}()
	case 2: // forged but well-formed Slack headers, 1 byte of the body
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		_, _ = io.WriteString(conn, head+"X-Slack-Request-Timestamp: "+ts+"\r\nX-Slack-Signature: v0="+strings.Repeat("ab", 32)+"\r\n\r\nc")
	}
	buf := make([]byte, 512)
	if n, _ := conn.Read(buf); n > 0 {
		answered.Add(1)
	}
}
