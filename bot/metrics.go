package bot

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// ackBuckets are the upper bounds, in seconds, of the acknowledgement latency histogram. They
// straddle Slack's 3 s deadline so that a slow ack is visible before it becomes a timeout.
var ackBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5}

// Metrics counts what the Slack transport does, for the Prometheus /metrics endpoint. Each
// Metrics has its own registry (no global state), so two servers in one process, or two tests,
// never share counters. The zero value is not usable; call NewMetrics. It is safe for concurrent
// use.
type Metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	ackSeconds  prometheus.Histogram
	apiCalls    *prometheus.CounterVec
	apiErrors   *prometheus.CounterVec
	apiLimited  *prometheus.CounterVec
	duplicates  prometheus.Counter
	ignored     prometheus.Counter
	jobs        prometheus.Gauge
	jobsDropped prometheus.Counter
	refused     *prometheus.CounterVec
	inFlight    prometheus.Gauge
	admitted    prometheus.Counter
	// answeredInAck and readsLate count the read-only slash commands answered in their
	// acknowledgement, and those whose answer was not ready in time (then taken through the inbox).
	answeredInAck prometheus.Counter
	readsLate     prometheus.Counter
}

// NewMetrics returns empty counters in a registry of their own.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chorus_slack_requests_total", Help: "Slack requests received, by transport and kind.",
		}, []string{"transport", "kind"}),
		ackSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "chorus_slack_ack_seconds", Help: "Time from receiving a Slack request to acknowledging it.", Buckets: ackBuckets,
		}),
		apiCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chorus_slack_api_calls_total", Help: "Slack Web API calls, retries included, by method.",
		}, []string{"method"}),
		apiErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chorus_slack_api_errors_total", Help: "Failed Slack Web API calls, by method.",
		}, []string{"method"}),
		apiLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chorus_slack_api_rate_limited_total", Help: "Slack Web API HTTP 429 answers, by method.",
		}, []string{"method"}),
		duplicates: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "chorus_slack_events_duplicate_total", Help: "Events API deliveries dropped as already claimed.",
		}),
		ignored: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "chorus_slack_events_ignored_total", Help: "Events ignored: own messages, other bots, unhandled types.",
		}),
		jobs: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "chorus_slack_jobs_in_flight", Help: "Handler jobs running or waiting for a worker.",
		}),
		jobsDropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "chorus_slack_jobs_dropped_total", Help: "Admitted handler jobs that never ran: no worker before their deadline, or the process stopped.",
		}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chorus_slack_refused_total",
			Help: "Slack requests refused before any work, by reason: unauthorized, too_large, slow_body, in_flight, body_reads, busy.",
		}, []string{"reason"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "chorus_slack_http_in_flight", Help: "HTTP requests to /slack/events being handled.",
		}),
		admitted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "chorus_slack_jobs_admitted_total", Help: "Handler jobs admitted after an acknowledgement.",
		}),
		answeredInAck: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "chorus_slack_answered_in_ack_total", Help: "Read-only slash commands answered in their acknowledgement.",
		}),
		readsLate: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "chorus_slack_reads_late_total", Help: "Read-only slash commands not answered within the ack's budget, then stored and answered on their response_url.",
		}),
	}
	m.reg.MustRegister(m.answeredInAck, m.readsLate, m.requests, m.ackSeconds, m.apiCalls, m.apiErrors, m.apiLimited, m.duplicates, m.ignored,
		m.jobs, m.jobsDropped, m.refused, m.inFlight, m.admitted)
	return m
}

// Registry is where the counters live; add process or store collectors to it to serve them on
// the same /metrics.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the counters in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
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
	JobsDropped uint64            // admitted jobs that never ran
	Refused     map[string]uint64 // requests refused before any work, by reason
	Admitted    uint64            // jobs admitted
	InAck       uint64            // read-only commands answered in their acknowledgement
	ReadsLate   uint64            // read-only commands whose answer missed the ack's budget
}

// Snapshot copies the counters.
func (m *Metrics) Snapshot() MetricsSnapshot {
	s := MetricsSnapshot{
		Requests: map[string]uint64{}, APICalls: map[string]uint64{}, APIErrors: map[string]uint64{},
		RateLimited: map[string]uint64{}, Refused: map[string]uint64{},
	}
	families, _ := m.reg.Gather() // our own collectors only: it cannot fail
	for _, f := range families {
		for _, mt := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range mt.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			v := uint64(mt.GetCounter().GetValue())
			switch f.GetName() {
			case "chorus_slack_requests_total":
				s.Requests[labels["transport"]+"/"+labels["kind"]] = v
			case "chorus_slack_ack_seconds":
				s.Acks = mt.GetHistogram().GetSampleCount()
			case "chorus_slack_api_calls_total":
				s.APICalls[labels["method"]] = v
			case "chorus_slack_api_errors_total":
				s.APIErrors[labels["method"]] = v
			case "chorus_slack_api_rate_limited_total":
				s.RateLimited[labels["method"]] = v
			case "chorus_slack_events_duplicate_total":
				s.Duplicates = v
			case "chorus_slack_events_ignored_total":
				s.Ignored = v
			case "chorus_slack_jobs_dropped_total":
				s.JobsDropped = v
			case "chorus_slack_refused_total":
				s.Refused[labels["reason"]] = v
			case "chorus_slack_jobs_admitted_total":
				s.Admitted = v
			case "chorus_slack_answered_in_ack_total":
				s.InAck = v
			case "chorus_slack_reads_late_total":
				s.ReadsLate = v
			}
		}
	}
	return s
}

func (m *Metrics) request(transport, kind string) { m.requests.WithLabelValues(transport, kind).Inc() }

func (m *Metrics) ack(d time.Duration) { m.ackSeconds.Observe(d.Seconds()) }

func (m *Metrics) apiCall(method string) { m.apiCalls.WithLabelValues(method).Inc() }

func (m *Metrics) apiError(method string, rateLimited bool) {
	m.apiErrors.WithLabelValues(method).Inc()
	if rateLimited {
		m.apiLimited.WithLabelValues(method).Inc()
	}
}

func (m *Metrics) duplicate() { m.duplicates.Inc() }

func (m *Metrics) ignore() { m.ignored.Inc() }

func (m *Metrics) jobsInFlight(delta int64) { m.jobs.Add(float64(delta)) }

func (m *Metrics) jobDropped() { m.jobsDropped.Inc() }

func (m *Metrics) refuse(reason string) { m.refused.WithLabelValues(reason).Inc() }

func (m *Metrics) httpInFlight(delta int) { m.inFlight.Add(float64(delta)) }

func (m *Metrics) admit() { m.admitted.Inc() }
