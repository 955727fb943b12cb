package bot

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// HTTPOptions configures the HTTP front door.
type HTTPOptions struct {
	SigningSecret string                          // SLACK_SIGNING_SECRET; "" rejects every request
	Ready         func(ctx context.Context) error // readiness probe, such as a store ping; nil: ready
	MaxBody       int64                           // request body cap in bytes; 1 MiB
}

// signatureTolerance is how far a request's timestamp may be from now, either way, as Slack's
// official verifiers allow.
const signatureTolerance = 5 * time.Minute

type front struct {
	d       *Dispatcher
	secret  string
	ready   func(context.Context) error
	maxBody int64
}

// NewHTTPHandler serves Slack over HTTP:
//
//	POST /slack/events  Events API, slash commands and interactivity, signed by Slack
//	GET  /healthz       liveness: 200 while the process serves
//	GET  /readyz        readiness: 200 when opts.Ready succeeds, else 503
//	GET  /metrics       Prometheus text format
//
// A /slack/events body over MaxBody gets 413, a bad or stale signature 401 (checked before the
// body is parsed), an unknown content type 400.
func NewHTTPHandler(d *Dispatcher, opts HTTPOptions) http.Handler {
	f := &front{d: d, secret: opts.SigningSecret, ready: opts.Ready, maxBody: opts.MaxBody}
	if f.maxBody <= 0 {
		f.maxBody = 1 << 20
	}
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

// handle authenticates and decodes one request and returns its kind, for metrics, and its ack.
func (f *front) handle(w http.ResponseWriter, r *http.Request, received time.Time) (string, ack) {
	ctx := r.Context()
	if r.ContentLength > f.maxBody {
		return "too_large", ack{status: http.StatusRequestEntityTooLarge}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, f.maxBody))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return "too_large", ack{status: http.StatusRequestEntityTooLarge}
		}
		return "bad_request", ack{status: http.StatusBadRequest}
	}
	if err := verifySignature(f.secret, received, r.Header.Get("X-Slack-Request-Timestamp"), r.Header.Get("X-Slack-Signature"), body); err != nil {
		f.d.log.WarnContext(ctx, "rejected Slack request", "reason", err, "remote", r.RemoteAddr)
		return "unauthorized", ack{status: http.StatusUnauthorized}
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/json":
		return f.eventsAPI(ctx, body, r.Header)
	case "application/x-www-form-urlencoded":
		// slack-go's parsers read the form from the request; give them the body back.
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err := r.ParseForm(); err != nil {
			return "bad_request", ack{status: http.StatusBadRequest}
		}
		switch {
		case r.PostForm.Has("payload"):
			cb, err := slack.InteractionCallbackParse(r)
			if err != nil {
				f.d.log.WarnContext(ctx, "bad interaction payload", "err", err)
				return "bad_request", ack{status: http.StatusBadRequest}
			}
			return string(cb.Type), f.d.interaction(ctx, cb, received)
		case r.PostForm.Has("command"):
			cmd, err := slack.SlashCommandParse(r)
			if err != nil {
				return "bad_request", ack{status: http.StatusBadRequest}
			}
			return "command", f.d.command(ctx, cmd, received)
		}
	}
	return "bad_request", ack{status: http.StatusBadRequest}
}

func (f *front) eventsAPI(ctx context.Context, body []byte, h http.Header) (string, ack) {
	var outer struct {
		Type      string `json:"type"`
		Challenge string `json:"challenge"`
	}
	if err := json.Unmarshal(body, &outer); err != nil {
		return "bad_request", ack{status: http.StatusBadRequest}
	}
	switch outer.Type {
	case slackevents.URLVerification:
		return "url_verification", ack{status: http.StatusOK, body: map[string]string{"challenge": outer.Challenge}}
	case slackevents.CallbackEvent:
	default: // app_rate_limited and future types: acknowledge, nothing to do
		f.d.log.WarnContext(ctx, "Events API notice", "type", outer.Type)
		return outer.Type, ackOK
	}
	// The signature already proved the sender; the legacy verification token adds nothing.
	ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
	if err != nil {
		// Most often an event type slack-go does not know: acknowledge so Slack stops retrying.
		f.d.log.DebugContext(ctx, "unparsed event", "err", err)
		f.d.metrics.ignore()
		return "event", ackOK
	}
	retry, _ := strconv.Atoi(h.Get("X-Slack-Retry-Num"))
	return "event", f.d.event(ctx, ev, retry)
}

var (
	errNoSecret         = errors.New("no signing secret configured")
	errBadTimestamp     = errors.New("missing or malformed X-Slack-Request-Timestamp")
	errStaleTimestamp   = errors.New("request timestamp outside the 5-minute window")
	errBadSignature     = errors.New("signature mismatch")
	errMalformedSigning = errors.New("missing or malformed X-Slack-Signature")
)

// verifySignature checks Slack's v0 request signature: hex HMAC-SHA256 keyed by the signing
// secret over "v0:{timestamp}:{raw body}", with the timestamp within 5 minutes of now either way.
// slack.NewSecretsVerifier does the same against the wall clock; this one takes the clock.
func verifySignature(secret string, now time.Time, timestamp, signature string, body []byte) error {
	if secret == "" {
		return errNoSecret
	}
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return errBadTimestamp
	}
	if d := now.Sub(time.Unix(sec, 0)); d > signatureTolerance || d < -signatureTolerance {
		return fmt.Errorf("%w (%s)", errStaleTimestamp, d.Round(time.Second))
	}
	hexSig, ok := strings.CutPrefix(signature, "v0=")
	if !ok {
		return errMalformedSigning
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return errMalformedSigning
	}
	mac := hmac.New(sha256.New, []byte(secret))
	_, _ = io.WriteString(mac, "v0:"+timestamp+":")
	_, _ = mac.Write(body)
	if !hmac.Equal(mac.Sum(nil), got) {
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
