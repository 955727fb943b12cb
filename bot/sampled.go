package bot

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// sampledLog writes at most one warning per interval about a condition that may repeat
// thousands of times a second (refused requests, busy acks), saying how many times it happened,
// by reason, since the previous line. Exact counts live in /metrics; the log only shows that it
// happens, and an example.
type sampledLog struct {
	log   *slog.Logger
	now   func() time.Time
	every time.Duration
	msg   string

	mu      sync.Mutex
	last    time.Time
	pending map[string]int
}

func newSampledLog(log *slog.Logger, now func() time.Time, every time.Duration, msg string) *sampledLog {
	return &sampledLog{log: log, now: now, every: every, msg: msg, pending: map[string]int{}}
}

// note counts one occurrence of reason and logs a line, with attrs as the example, if the last
// line is older than the interval.
func (s *sampledLog) note(ctx context.Context, reason string, attrs ...any) {
	now := s.now()
	s.mu.Lock()
	s.pending[reason]++
	if !s.last.IsZero() && now.Sub(s.last) < s.every {
		s.mu.Unlock()
		return
	}
	counts, total := s.pending, 0
	for _, n := range counts {
		total += n
	}
	s.pending, s.last = map[string]int{}, now
	s.mu.Unlock()
	args := append([]any{"reason", reason, "count", total, "by_reason", counts, "next_line_after", s.every}, attrs...)
	s.log.WarnContext(ctx, s.msg, args...)
}
