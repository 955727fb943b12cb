package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// devSet locates the shared labelled development set, relative to the repository.
func devSet(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "drift", "dev")
	if _, err := os.Stat(filepath.Join(dir, "cases.jsonl")); err != nil {
		t.Skipf("labelled set not found at %s: %v", dir, err)
	}
	return dir
}

// TestDevSetTargets runs the evaluator on the development set and holds the detector to the
// issue's quality targets.
func TestDevSetTargets(t *testing.T) {
	dir := devSet(t)
	var out, errOut bytes.Buffer
	if err := Run(context.Background(), []string{"--set", dir, "--json", "--bench-time", "200ms"}, &out, &errOut); err != nil {
		t.Fatalf("Run: %v (%s)", err, errOut.String())
	}
	t.Log("\n" + out.String())
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var sum struct {
		F1            float64 `json:"f1"`
		Precision     float64 `json:"precision"`
		Recall        float64 `json:"recall"`
		FalseFlagRate float64 `json:"false_flag_rate"`
		ChecksPerSec  float64 `json:"checks_per_sec"`
		PerKind       map[string]struct {
			Precision, Recall, F1 float64
		} `json:"per_kind"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sum); err != nil {
		t.Fatalf("last line is not the JSON summary: %v", err)
	}
	if sum.F1 < 0.90 {
		t.Errorf("overall F1 = %.3f, want >= 0.90", sum.F1)
	}
	if sum.FalseFlagRate > 0.05 {
		t.Errorf("false-flag rate = %.3f, want <= 0.05", sum.FalseFlagRate)
	}
	for _, k := range []string{"fact", "missing", "off_message", "glossary"} {
		if r := sum.PerKind[k].Recall; r < 0.80 {
			t.Errorf("%s recall = %.3f, want >= 0.80", k, r)
		}
	}
	if sum.ChecksPerSec <= 0 {
		t.Errorf("checks_per_sec = %v, want a measurement", sum.ChecksPerSec)
	}
}
