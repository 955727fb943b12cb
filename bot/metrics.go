package bot

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ackBuckets are the upper bounds, in seconds, of the acknowledgement latency histogram. They
// straddle Slack's 3 s deadline so that a slow ack is visible before it becomes a timeout.
var ackBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5}

// Metrics counts what the Slack transport does, for the Prometheus /metrics endpoint. The zero
// value is not usable; call NewMetrics. It is safe for concurrent use.
type Metrics struct {
	mu          sync.Mutex
	requests    map[[2]string]uint64 // {transport, kind}
	ackCounts   []uint64             // per bucket, not cumulative
	ackSum      float64
	ackTotal    uint64
	apiCalls    map[string]uint64
	apiErrors   map[string]uint64
	apiLimited  map[string]uint64
	duplicates  uint64
	ignored     uint64
	jobs        int64
	jobsDropped uint64
}

// NewMetrics returns empty counters.
func NewMetrics() *Metrics {
	return &Metrics{
		requests:   map[[2]string]uint64{},
		ackCounts:  make([]uint64, len(ackBuckets)+1),
		apiCalls:   map[string]uint64{},
		apiErrors:  map[string]uint64{},
		apiLimited: map[string]uint64{},
	}
}

// MetricsSnapshot is a copy of the counters at one instant, for tests and diagnostics.
type MetricsSnapshot struct {
	Requests    map[string]uint64 // by "transport/kind", such as "http/command"
	Acks        uint64            // acknowledgements timed
	APICalls    map[string]uint64 // Web API calls by method, retries included
	APIErrors   map[string]uint64 // failed calls by method, retried ones included
	RateLimited map[string]uint64 // HTTP 429 answers by method
	Duplicates  uint64            // events dropped because another delivery claimed them
	Ignored     uint64            // events ignored (own messages, other bots, unknown types)
	JobsDropped uint64            // background jobs that never got a worker before their deadline
}

// Snapshot copies the counters.
func (m *Metrics) Snapshot() MetricsSnapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := MetricsSnapshot{
		Requests:    map[string]uint64{},
		Acks:        m.ackTotal,
		APICalls:    maps.Clone(m.apiCalls),
		APIErrors:   maps.Clone(m.apiErrors),
		RateLimited: maps.Clone(m.apiLimited),
		Duplicates:  m.duplicates,
		Ignored:     m.ignored,
		JobsDropped: m.jobsDropped,
	}
	for k, v := range m.requests {
		s.Requests[k[0]+"/"+k[1]] = v
	}
	return s
}

func (m *Metrics) request(transport, kind string) {
	m.mu.Lock()
	m.requests[[2]string{transport, kind}]++
	m.mu.Unlock()
}

func (m *Metrics) ack(d time.Duration) {
	s := d.Seconds()
	i, _ := slices.BinarySearch(ackBuckets, s)
	m.mu.Lock()
	m.ackCounts[i]++
	m.ackSum += s
	m.ackTotal++
	m.mu.Unlock()
}

func (m *Metrics) apiCall(method string) {
	m.mu.Lock()
	m.apiCalls[method]++
	m.mu.Unlock()
}

func (m *Metrics) apiError(method string, rateLimited bool) {
	m.mu.Lock()
	m.apiErrors[method]++
	if rateLimited {
		m.apiLimited[method]++
	}
	m.mu.Unlock()
}

func (m *Metrics) duplicate() {
	m.mu.Lock()
	m.duplicates++
	m.mu.Unlock()
}

func (m *Metrics) ignore() {
	m.mu.Lock()
	m.ignored++
	m.mu.Unlock()
}

func (m *Metrics) jobsInFlight(delta int64) {
	m.mu.Lock()
	m.jobs += delta
	m.mu.Unlock()
}

func (m *Metrics) jobDropped() {
	m.mu.Lock()
	m.jobsDropped++
	m.mu.Unlock()
}

// WritePrometheus writes the counters in the Prometheus text exposition format (version 0.0.4).
func (m *Metrics) WritePrometheus(w io.Writer) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := bufio.NewWriter(w)

	header(b, "chorus_slack_requests_total", "counter", "Slack requests received, by transport and kind.")
	for _, k := range slices.SortedFunc(maps.Keys(m.requests), func(a, b [2]string) int {
		return strings.Compare(a[0]+"/"+a[1], b[0]+"/"+b[1])
	}) {
		fmt.Fprintf(b, "chorus_slack_requests_total{transport=%s,kind=%s} %d\n", quote(k[0]), quote(k[1]), m.requests[k])
	}

	header(b, "chorus_slack_ack_seconds", "histogram", "Time from receiving a Slack request to acknowledging it.")
	var cum uint64
	for i, le := range ackBuckets {
		cum += m.ackCounts[i]
		fmt.Fprintf(b, "chorus_slack_ack_seconds_bucket{le=\"%s\"} %d\n", strconv.FormatFloat(le, 'g', -1, 64), cum)
	}
	cum += m.ackCounts[len(ackBuckets)]
	fmt.Fprintf(b, "chorus_slack_ack_seconds_bucket{le=\"+Inf\"} %d\n", cum)
	fmt.Fprintf(b, "chorus_slack_ack_seconds_sum %s\n", strconv.FormatFloat(m.ackSum, 'g', -1, 64))
	fmt.Fprintf(b, "chorus_slack_ack_seconds_count %d\n", m.ackTotal)

	perMethod(b, "chorus_slack_api_calls_total", "Slack Web API calls, retries included, by method.", m.apiCalls)
	perMethod(b, "chorus_slack_api_errors_total", "Failed Slack Web API calls, by method.", m.apiErrors)
	perMethod(b, "chorus_slack_api_rate_limited_total", "Slack Web API HTTP 429 answers, by method.", m.apiLimited)

	header(b, "chorus_slack_events_duplicate_total", "counter", "Events API deliveries dropped as already claimed.")
	fmt.Fprintf(b, "chorus_slack_events_duplicate_total %d\n", m.duplicates)
	header(b, "chorus_slack_events_ignored_total", "counter", "Events ignored: own messages, other bots, unhandled types.")
	fmt.Fprintf(b, "chorus_slack_events_ignored_total %d\n", m.ignored)
	header(b, "chorus_slack_jobs_in_flight", "gauge", "Handler jobs running or waiting for a worker.")
	fmt.Fprintf(b, "chorus_slack_jobs_in_flight %d\n", m.jobs)
	header(b, "chorus_slack_jobs_dropped_total", "counter", "Handler jobs that timed out waiting for a worker.")
	fmt.Fprintf(b, "chorus_slack_jobs_dropped_total %d\n", m.jobsDropped)
	return b.Flush()
}

func header(w io.Writer, name, typ, help string) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
}

func perMethod(w io.Writer, name, help string, m map[string]uint64) {
	header(w, name, "counter", help)
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fmt.Fprintf(w, "%s{method=%s} %d\n", name, quote(k), m[k])
	}
}

// quote escapes a label value as the exposition format wants: backslash, quote and newline.
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
