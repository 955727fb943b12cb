package main

import (
	"context"
	"strings"
	"testing"
)

// TestBenchRunsEveryOperation generates a tenth of a year and runs every measured operation
// twice: each must answer without an error, so the figures in docs/benchmarks.md measure
// commands that did their work (a refused command is fast and measures nothing).
func TestBenchRunsEveryOperation(t *testing.T) {
	env, out := testEnv(t, nil, "")
	env.args = []string{"bench", "--scale", "0.1", "--samples", "2", "--reopen=false"}
	if err := run(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"/campaign list", "/campaign show", "App Home", "/campaign audit", "/minutes show",
		"/campaign submit", "approve (button)", "/campaign task done", "/minutes start+note+end",
		"scheduler first start (marks all)", "scheduler start-up", "scheduler first ticks (backlog)", "scheduler restart", "drift check + glossary read", "; 0 operations answered with an error"} {
		if !strings.Contains(got, want) {
			t.Errorf("bench output lacks %q:\n%s", want, got)
		}
	}
}
