// Package embedded runs a MongoDB wire-protocol server (FerretDB v1 on SQLite) inside the Chorus
// process, so that Chorus and its test suite need no MongoDB installation.
//
// The server listens on a random loopback port and keeps its data under a directory, so data
// survives restarts. DESIGN.md records what this server can and cannot do; the store package only
// uses the features listed there as working.
package embedded

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Server is a running embedded MongoDB wire-protocol server.
type Server struct {
	uri    string
	dir    string // absolute data directory: one SQLite file per database
	lock   *dirLock
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

// Start starts a server that stores its data under dir (created if needed) and returns once it
// accepts connections. It first takes an exclusive lock on dir: when another process holds it,
// Start returns a *LockedError (errors.Is ErrLocked) naming the process, and touches nothing.
// logger receives the server's own messages; FerretDB reports every
// duplicate-key insert at ERROR level, and Chorus uses those on purpose, so by default only
// messages above ERROR are kept. Close stops the server.
func Start(ctx context.Context, dir string, logger *slog.Logger) (*Server, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("embedded store: data dir %q: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o750); err != nil {
		return nil, fmt.Errorf("embedded store: create data dir %q: %w", abs, err)
	}
	lock, err := lockDir(abs)
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	quiet := slog.New(levelFilter{Handler: logger.Handler(), min: slog.LevelError + 1})
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: "file:" + filepath.ToSlash(abs) + "/",
		Logger:    quiet,
	})
	if err != nil {
		lock.release()
		return nil, fmt.Errorf("embedded store: start in %q: %w", abs, err)
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s := &Server{dir: abs, lock: lock, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		_ = f.Run(runCtx) // Run only returns nil; it stops when runCtx is cancelled.
	}()
	uriCh := make(chan string, 1)
	go func() { uriCh <- f.MongoDBURI() }()
	select {
	case s.uri = <-uriCh:
	case <-time.After(10 * time.Second):
		s.Close()
		return nil, errors.New("embedded store: listener did not start within 10s")
	}
	return s, nil
}

// URI returns the mongodb:// URI of the server.
func (s *Server) URI() string { return s.uri }

// Close stops the server, waits until its files are closed and releases the data directory.
func (s *Server) Close() {
	s.once.Do(func() {
		s.cancel()
		<-s.done
		s.lock.release()
	})
}

// levelFilter drops records below min, so FerretDB's chatter does not reach Chorus's log.
// FerretDB derives a logger with attributes for every connection and every request it serves;
// a text or JSON handler formats those attributes at once, which cost 4 % of the CPU of a burst
// of slash commands although nothing reaches the log. The filter therefore keeps the
// attributes and groups it is given (ops) and applies them only to a record that passes.
type levelFilter struct {
	slog.Handler
	min slog.Level
	ops []func(slog.Handler) slog.Handler // WithAttrs and WithGroup calls, oldest first
}

func (h levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h levelFilter) Handle(ctx context.Context, r slog.Record) error {
	inner := h.Handler
	for _, op := range h.ops {
		inner = op(inner)
	}
	return inner.Handle(ctx, r)
}

func (h levelFilter) WithAttrs(as []slog.Attr) slog.Handler {
	return h.with(func(in slog.Handler) slog.Handler { return in.WithAttrs(as) })
}

func (h levelFilter) WithGroup(name string) slog.Handler {
	return h.with(func(in slog.Handler) slog.Handler { return in.WithGroup(name) })
}

func (h levelFilter) with(op func(slog.Handler) slog.Handler) levelFilter {
	return levelFilter{Handler: h.Handler, min: h.min, ops: append(slices.Clip(h.ops), op)}
}
