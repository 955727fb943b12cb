// Package feed serves the communication calendar's iCalendar subscriptions over HTTP, for
// Outlook, Google Calendar and any app that subscribes to a URL:
//
//	GET /calendar/{token}.ics   the calendar of the link's owner, text/calendar (RFC 5545)
//
// A token that is malformed, unknown or revoked gets 404 and nothing else, so a guess learns
// nothing. The calendar is written at each request from the store, so every change shows at
// the app's next refresh; an ETag lets the app skip an unchanged one.
package feed

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/chorus-hq/chorus"
)

// Pattern is the route of the feed, for an http.ServeMux.
const Pattern = "GET /calendar/{file}"

// Source writes the iCalendar of a link's token; chorus.ErrNotFound when the token opens none.
// commands.Service is one.
type Source interface {
	CalendarFeed(ctx context.Context, token string) ([]byte, error)
}

// timeout bounds one feed's writing: a calendar app retries later.
const timeout = 10 * time.Second

// Handler serves Pattern from src; failures other than a wrong token are logged and answered 503.
func Handler(src Source, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
		if !ok || token == "" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		body, err := src.CalendarFeed(ctx, token)
		switch {
		case errors.Is(err, chorus.ErrNotFound):
			w.WriteHeader(http.StatusNotFound)
			return
		case err != nil:
			log.ErrorContext(ctx, "calendar feed failed", "err", err)
			w.Header().Set("Retry-After", "60")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		sum := sha256.Sum256(body)
		etag := `"` + hex.EncodeToString(sum[:16]) + `"`
		h := w.Header()
		h.Set("ETag", etag)
		h.Set("Cache-Control", "private, max-age=300")
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Type", "text/calendar; charset=utf-8")
		h.Set("Content-Disposition", `inline; filename="chorus.ics"`)
		if r.Method == http.MethodHead {
			return
		}
		_, _ = w.Write(body)
	})
}
