package bot

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/semaphore"
)

// HTTPOptions configures the HTTP front door. Zero values take the defaults.
type HTTPOptions struct {
	SigningSecret string                          // SLACK_SIGNING_SECRET; "" rejects every request
	Ready         func(ctx context.Context) error // readiness probe, such as a store ping; nil: ready
	// MaxBody caps a request body in bytes; 512 KiB. Slack's largest deliveries are
	// message_changed events (a 40,000-character message, twice, with its blocks); slash commands
	// and most events are a few KiB.
	MaxBody int64
	// MaxInFlight caps the authenticated /slack/events requests handled at once; 256. Beyond
	// it a request gets 503 with Retry-After.
	MaxInFlight int
	// MaxBodyReads caps the bodies being read at once; 1,024. Beyond it, 503 with Retry-After.
	MaxBodyReads int
	// BodyMemory caps the bytes held by the bodies being read at once; 32 MiB. A body's buffer
	// grows as its bytes arrive, so slow clients hold little of it. Beyond it, 503.
	BodyMemory int64
	// BodyTimeout is how long a body may take to arrive once its headers passed; 2 s (Slack
	// wants the ack within 3 s, and sends the whole request at once).
	BodyTimeout time.Duration
	// RefusalLogEvery is the least time between two log lines about refused requests; 1 min.
	// Every refusal is counted in chorus_slack_refused_total; the log line says how many were
	// refused since the previous one.
	RefusalLogEvery time.Duration
}

// signatureTolerance is how far a request's timestamp may be from now, either way, as Slack's
// official verifiers allow.
const signatureTolerance = 5 * time.Minute

type front struct {
	d         *Dispatcher
	secret    string
	ready     func(context.Context) error
	maxBody   int64
	bodyTTL   time.Duration
	inFlight  chan struct{}
	bodyReads chan struct{}
	budget    *semaphore.Weighted
	refusals  *sampledLog
}

// NewHTTPHandler serves Slack over HTTP:
//
//	POST /slack/events  Events API, slash commands and interactivity, signed by Slack
//	GET  /healthz       liveness: 200 while the process serves
//	GET  /readyz        readiness: 200 when opts.Ready succeeds, else 503
//	GET  /metrics       Prometheus text format
//
// On /slack/events, in this order and before any byte of the body is read: a missing, malformed
// or stale timestamp, or a missing or malformed signature, gets 401; a body announced larger than
// MaxBody 413; a request beyond MaxBodyReads 503 with Retry-After. Then the body is read within
// BodyTimeout (408 if it does not arrive, 413 if it is larger than announced, 503 if the bodies
// being read would hold more than BodyMemory) and its signature checked (401). An authenticated
// request beyond MaxInFlight gets 503 with Retry-After. Refused requests close their connection,
// so a client that announced a body and does not send it holds nothing.
func NewHTTPHandler(d *Dispatcher, opts HTTPOptions) http.Handler {
	f := &front{d: d, secret: opts.SigningSecret, ready: opts.Ready, maxBody: opts.MaxBody, bodyTTL: opts.BodyTimeout}
	if f.maxBody <= 0 {
		f.maxBody = 512 << 10
	}
	if f.bodyTTL <= 0 {
		f.bodyTTL = 2 * time.Second
	}
	if opts.MaxInFlight <= 0 {
		opts.MaxInFlight = 256
	}
	if opts.MaxBodyReads <= 0 {
		opts.MaxBodyReads = 1024
	}
	if opts.BodyMemory <= 0 {
		opts.BodyMemory = 32 << 20
	}
	f.budget = semaphore.NewWeighted(opts.BodyMemory)
	if opts.RefusalLogEvery <= 0 {
		opts.RefusalLogEvery = time.Minute
	}
	f.inFlight = make(chan struct{}, opts.MaxInFlight)
	f.bodyReads = make(chan struct{}, opts.MaxBodyReads)
	f.refusals = newSampledLog(d.log, d.now, opts.RefusalLogEvery, "refused Slack requests")
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack/events", f.slack)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", f.readyz)
	mux.Handle("GET /metrics", d.metrics.Handler())
	return mux
}

func (f *front) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if f.ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := f.ready(ctx); err != nil {
			f.d.log.WarnContext(ctx, "not ready", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, "not ready\n")
			return
		}
	}
	_, _ = io.WriteString(w, "ready\n")
}

func (f *front) slack(w http.ResponseWriter, r *http.Request) {
	received := f.d.now()
	kind, a := f.handle(w, r, received)
	f.d.metrics.request("http", kind)
	if a.refused != "" {
		f.d.metrics.refuse(a.refused)
		args := []any{"remote", r.RemoteAddr}
		if a.why != nil {
			args = append(args, "err", a.why)
		}
		f.refusals.note(r.Context(), a.refused, args...)
		// The body may be unread: do not let the server wait for it, to discard it or to reuse
		// the connection. The expired read deadline makes its last read fail at once.
		w.Header().Set("Connection", "close")
		_ = http.NewResponseController(w).SetReadDeadline(time.Now())
	}
	if a.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(a.retryAfter))
	}
	switch {
	case a.status != http.StatusOK:
		http.Error(w, http.StatusText(a.status), a.status)
	case a.body == nil:
		w.WriteHeader(http.StatusOK)
	default:
		b, err := json.Marshal(a.body)
		if err != nil {
			f.d.log.ErrorContext(r.Context(), "cannot encode ack", "err", err)
			w.WriteHeader(http.StatusOK)
			break
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	}
	f.d.metrics.ack(f.d.now().Sub(received))
}

// refusal is the ack of a request refused before any work: its status, and reason for metrics.
func refusal(status int, reason string) ack {
	a := ack{status: status, refused: reason}
	if status == http.StatusServiceUnavailable {
		a.retryAfter = 1
	}
	return a
}

// handle authenticates and decodes one request and returns its kind, for metrics, and its ack.
func (f *front) handle(w http.ResponseWriter, r *http.Request, received time.Time) (string, ack) {
	ctx := r.Context()
	timestamp, signature := r.Header.Get("X-Slack-Request-Timestamp"), r.Header.Get("X-Slack-Signature")
	mac, err := checkHeaders(f.secret, received, timestamp, signature)
	if err != nil {
		a := refusal(http.StatusUnauthorized, "unauthorized")
		a.why = err
		return "unauthorized", a
	}
	if r.ContentLength > f.maxBody {
		return "too_large", refusal(http.StatusRequestEntityTooLarge, "too_large")
	}
	body, release, a := f.readBody(w, r)
	defer release()
	if a.status != 0 {
		return a.refused, a
	}
	if !hmac.Equal(sum(mac, body), mustDecodeSig(signature)) {
		a := refusal(http.StatusUnauthorized, "unauthorized")
		a.why = errBadSignature
		return "unauthorized", a
	}
	select {
	case f.inFlight <- struct{}{}:
	default:
		return "busy", refusal(http.StatusServiceUnavailable, "in_flight")
	}
	f.d.metrics.httpInFlight(1)
	defer func() { <-f.inFlight; f.d.metrics.httpInFlight(-1) }()
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	retry, _ := strconv.Atoi(r.Header.Get("X-Slack-Retry-Num"))
	return f.d.decode(ctx, intake{received: received, body: body, ctype: mt, retry: retry})
}

// readBody reads the body of a request whose headers passed, within the body-read cap, the
// body deadline, MaxBody and the memory budget of all bodies being read: its buffer starts at
// 4 KiB and doubles as bytes arrive, each growth taken from the budget, so that a client which
// announces a large body and trickles it holds almost nothing. A zero status means success;
// release gives the body's memory back to the budget.
func (f *front) readBody(w http.ResponseWriter, r *http.Request) (body []byte, release func(), a ack) {
	var held int64
	release = func() {
		if held > 0 {
			f.budget.Release(held)
			held = 0
		}
	}
	take := func(n int) bool {
		if !f.budget.TryAcquire(int64(n)) {
			return false
		}
		held += int64(n)
		return true
	}
	select {
	case f.bodyReads <- struct{}{}:
	default:
		return nil, release, refusal(http.StatusServiceUnavailable, "body_reads")
	}
	defer func() { <-f.bodyReads }()
	// A network deadline: it is the connection's, on the wall clock, not the injected clock.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(f.bodyTTL)) // not every ResponseWriter supports it (tests)
	defer func() { _ = rc.SetReadDeadline(time.Time{}) }()
	size := 4 << 10
	if r.ContentLength >= 0 && r.ContentLength < int64(size) {
		size = int(r.ContentLength) + 1 // room to see EOF without growing
	}
	if !take(size) {
		return nil, release, refusal(http.StatusServiceUnavailable, "body_memory")
	}
	buf := make([]byte, 0, size)
	src := http.MaxBytesReader(w, r.Body, f.maxBody)
	for {
		if len(buf) == cap(buf) {
			grown := int(min(int64(2*cap(buf)), f.maxBody+1))
			if !take(grown) {
				return nil, release, refusal(http.StatusServiceUnavailable, "body_memory")
			}
			nb := make([]byte, len(buf), grown)
			copy(nb, buf)
			f.budget.Release(int64(cap(buf)))
			held -= int64(cap(buf))
			buf = nb
		}
		n, err := src.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		switch {
		case err == nil:
		case errors.Is(err, io.EOF):
			return buf, release, ack{}
		case isMaxBytes(err):
			return nil, release, refusal(http.StatusRequestEntityTooLarge, "too_large")
		case isTimeout(err):
			return nil, release, refusal(http.StatusRequestTimeout, "slow_body")
		default:
			return nil, release, refusal(http.StatusBadRequest, "bad_body")
		}
	}
}

func isMaxBytes(err error) bool {
	_, ok := errors.AsType[*http.MaxBytesError](err)
	return ok
}

func isTimeout(err error) bool {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	ne, ok := errors.AsType[net.Error](err)
	return ok && ne.Timeout()
}

var (
	errNoSecret         = errors.New("no signing secret configured")
	errBadTimestamp     = errors.New("missing or malformed X-Slack-Request-Timestamp")
	errStaleTimestamp   = errors.New("request timestamp outside the 5-minute window")
	errBadSignature     = errors.New("signature mismatch")
	errMalformedSigning = errors.New("missing or malformed X-Slack-Signature")
)

// checkHeaders checks what can be checked of Slack's v0 signature before the body arrives: a
// secret is configured, the timestamp is an integer within 5 minutes of now either way, and the
// signature is "v0=" and 64 hex digits. It returns the HMAC already fed with "v0:{timestamp}:",
// to which the body is added.
func checkHeaders(secret string, now time.Time, timestamp, signature string) (hash.Hash, error) {
	if secret == "" {
		return nil, errNoSecret
	}
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return nil, errBadTimestamp
	}
	if d := now.Sub(time.Unix(sec, 0)); d > signatureTolerance || d < -signatureTolerance {
		return nil, fmt.Errorf("%w (%s)", errStaleTimestamp, d.Round(time.Second))
	}
	if mustDecodeSig(signature) == nil {
		return nil, errMalformedSigning
	}
	mac := hmac.New(sha256.New, []byte(secret))
	_, _ = io.WriteString(mac, "v0:"+timestamp+":")
	return mac, nil
}

// mustDecodeSig returns the 32 bytes of a well-formed "v0=" signature, else nil.
func mustDecodeSig(signature string) []byte {
	hexSig, ok := strings.CutPrefix(signature, "v0=")
	if !ok {
		return nil
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return nil
	}
	return got
}

func sum(mac hash.Hash, body []byte) []byte {
	_, _ = mac.Write(body)
	return mac.Sum(nil)
}

// verifySignature checks Slack's v0 request signature: hex HMAC-SHA256 keyed by the signing
// secret over "v0:{timestamp}:{raw body}", with the timestamp within 5 minutes of now either way.
// slack.NewSecretsVerifier does the same against the wall clock; this one takes the clock.
func verifySignature(secret string, now time.Time, timestamp, signature string, body []byte) error {
	mac, err := checkHeaders(secret, now, timestamp, signature)
	if err != nil {
		return err
	}
	if !hmac.Equal(sum(mac, body), mustDecodeSig(signature)) {
		return errBadSignature
	}
	return nil
}

// Sign returns the X-Slack-Signature Slack would send for body at timestamp. Load tools and
// tests use it to sign requests as Slack does.
func Sign(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	_, _ = io.WriteString(mac, "v0:"+timestamp+":")
	_, _ = mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}
