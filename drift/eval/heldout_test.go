package eval

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestOtherSets runs the evaluator on sets written apart from the development set (other
// campaigns, other wordings), so the rules are held to the same targets beyond dev.
func TestOtherSets(t *testing.T) {
	for _, dir := range []string{"heldout", "heldout2"} {
		t.Run(dir, func(t *testing.T) {
			set, err := Load(filepath.Join("..", "testdata", dir))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			rep, err := Evaluate(context.Background(), set, time.Millisecond)
			if err != nil {
				t.Fatalf("Evaluate: %v", err)
			}
			var b strings.Builder
			if err := rep.Print(&b); err != nil {
				t.Fatal(err)
			}
			t.Log("\n" + b.String())
			if rep.Overall.F1 < 0.90 || rep.FalseFlagRate > 0.05 {
				t.Errorf("F1 = %.3f, false-flag rate = %.3f; want >= 0.90 and <= 0.05", rep.Overall.F1, rep.FalseFlagRate)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	write := func(t *testing.T, campaigns, cases string) string {
		t.Helper()
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "campaigns.json"), []byte(campaigns), 0o644); err != nil {
			t.Fatal(err)
		}
		if cases != "" {
			if err := os.WriteFile(filepath.Join(dir, "cases.jsonl"), []byte(cases), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	good := `{"glossary":[],"campaigns":[{"id":"c","lang":"fr","year":2027,"message":"-30 %","must_include":["-30 %"]}]}`
	tests := []struct {
		name, campaigns, cases, want string
	}{
		{"bad campaigns", `{`, `{}`, "campaigns.json"},
		{"no cases file", good, "", "cases.jsonl"},
		{"bad case line", good, "{\"id\":\"a\",\"campaign\":\"c\"}\nnot json\n", "line 2"},
		{"unknown campaign", good, `{"id":"a","campaign":"zz","text":"x"}`, `unknown campaign "zz"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(write(t, tc.campaigns, tc.cases))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load error = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
	set, err := Load(write(t, good, `{"id":"a","campaign":"c","lang":"fr","text":"-30 % !","drift":false,"kinds":[]}`+"\n\n"))
	if err != nil || len(set.Cases) != 1 || set.Campaigns["c"].Year != 2027 {
		t.Fatalf("Load = %+v, %v", set, err)
	}
}

func TestRunFlags(t *testing.T) {
	var out, errOut strings.Builder
	if err := Run(context.Background(), nil, &out, &errOut); err == nil || !strings.Contains(err.Error(), "--set") {
		t.Errorf("Run without --set: %v", err)
	}
	if err := Run(context.Background(), []string{"--nope"}, &out, &errOut); err == nil {
		t.Error("Run with an unknown flag succeeded")
	}
	if err := Run(context.Background(), []string{"--set", t.TempDir()}, &out, &errOut); err == nil {
		t.Error("Run on an empty directory succeeded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Run(ctx, []string{"--set", filepath.Join("..", "testdata", "heldout")}, &out, &errOut); err == nil {
		t.Error("Run with a cancelled context succeeded")
	}
}
