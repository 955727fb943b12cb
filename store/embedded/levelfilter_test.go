package embedded

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

// TestLevelFilter checks that the filter drops the records below its level and gives the records
// it lets through every attribute and group the logger was derived with, in order.
func TestLevelFilter(t *testing.T) {
	for _, tc := range []struct {
		name  string
		level slog.Level
		want  string // "" when nothing is logged
	}{
		{"below", slog.LevelWarn, ""},
		{"at", slog.LevelError, "level=ERROR msg=boom conn=7 req.op=insert req.n=2\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			inner := slog.NewTextHandler(&out, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey {
					return slog.Attr{}
				}
				return a
			}})
			l := slog.New(levelFilter{Handler: inner, min: slog.LevelError}).With("conn", 7).WithGroup("req").With("op", "insert")
			l.Log(context.Background(), tc.level, "boom", "n", 2)
			if got := out.String(); got != tc.want {
				t.Fatalf("logged %q, want %q", got, tc.want)
			}
			if tc.want != "" && strings.Count(out.String(), "conn=7") != 1 {
				t.Fatalf("attributes repeated: %q", out.String())
			}
		})
	}
}
