package eval

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/chorus-hq/chorus/drift"
)

func TestBalancedAccuracy(t *testing.T) {
	tests := []struct {
		name   string
		rep    Report
		want   float64
		wantOK bool
	}{
		{"perfect", Report{Positives: 5, Negatives: 5, Overall: Score{Recall: 1}}, 1, true},
		{"flags everything", Report{Positives: 5, Negatives: 5, Overall: Score{Recall: 1}, FalseFlagRate: 1}, 0.5, true},
		{"flags nothing", Report{Positives: 5, Negatives: 5, Overall: Score{Recall: 0}}, 0.5, true},
		{"summedits-like", Report{Positives: 347, Negatives: 173, Overall: Score{Recall: 0.8}, FalseFlagRate: 0.1}, 0.85, true},
		{"no aligned case", Report{Positives: 5, Overall: Score{Recall: 1}}, 0, false},
		{"no drift case", Report{Negatives: 5}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.rep.BalancedAccuracy()
			if ok != tt.wantOK || round3(got) != tt.want {
				t.Errorf("BalancedAccuracy = %v, %v; want %v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestNamedPoints(t *testing.T) {
	points := []string{"-30 % sur toute la literie", "du 1er au 15 juillet 2027", "en magasin et en ligne",
		"code ABRI2M", "2 premiers mois offerts", "réservé aux nouveaux clients"}
	tests := []struct {
		why  string
		want []string
	}{
		{"The offer dates (1–15 July 2027) are never given.", []string{"du 1er au 15 juillet 2027"}},
		{"Discount and dates are right, but the must-include « en magasin et en ligne » appears nowhere.",
			[]string{"en magasin et en ligne"}},
		{"The must-include « EN MAGASIN et en ligne » is absent.", []string{"en magasin et en ligne"}},
		// Every number, year included: "15 July" alone is a date, not the point.
		{"The offer ends 15 July.", nil},
		// "ABRI2M" is one token: its 2 is no number of the why.
		{"The promo code ABRI2M is absent.", []string{"code ABRI2M"}},
		// Distinctive words, accents aside.
		{"Nothing says the offer is reserve for nouveaux clients.", []string{"réservé aux nouveaux clients"}},
		// A part marked (fact) or (glossary) speaks of another kind.
		{"Discount -20 % instead of -30 % sur toute la literie (fact) and « en magasin et en ligne » is absent (missing).",
			[]string{"en magasin et en ligne"}},
		{"Ends 1er au 15 juillet 2027 (fact), « 2 premiers mois offerts » is absent (missing), « drive » (glossary).",
			[]string{"2 premiers mois offerts"}},
		{"States none of the campaign's points.", nil},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			if got := NamedPoints(tt.why, points); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("NamedPoints = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPointScore(t *testing.T) {
	missing := func(points ...string) drift.Verdict {
		v := drift.Verdict{Drift: true, Findings: []drift.Finding{{Kind: drift.KindFact, GlobalQuote: "-30 %"}}}
		for _, p := range points {
			v.Findings = append(v.Findings, drift.Finding{Kind: drift.KindMissing, GlobalQuote: p})
		}
		return v
	}
	var p PointScore
	p.add([]string{"du 1er au 15 juillet 2027"}, missing("du 1er au 15 juillet 2027", "du 1er au 15 juillet 2027"))
	p.add([]string{"en magasin et en ligne", "code X"}, missing("En magasin et en ligne", "-30 % sur tout"))
	p.add(nil, missing("skipped: the why names no point"))
	want := PointScore{Cases: 2, Named: 3, Reported: 3, Hits: 2}
	if p != want {
		t.Fatalf("PointScore = %+v, want %+v", p, want)
	}
	if v, ok := p.Precision(); !ok || round3(v) != 0.667 {
		t.Errorf("Precision = %v, %v", v, ok)
	}
	if v, ok := p.Recall(); !ok || round3(v) != 0.667 {
		t.Errorf("Recall = %v, %v", v, ok)
	}
	if _, ok := (PointScore{}).Recall(); ok {
		t.Error("Recall of nothing is defined")
	}
}

const testCampaigns = `{"glossary": [], "campaigns": [{"id": "ete", "lang": "fr", "year": 2027,
 "message": "-30 % sur toute la literie, du 1er au 15 juillet 2027, en magasin et en ligne.",
 "must_include": ["-30 % sur toute la literie", "du 1er au 15 juillet 2027", "en magasin et en ligne"]}]}`

// writeSet writes a small labelled set named name under a temporary directory.
func writeSet(t *testing.T, name string, cases ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "campaigns.json"), []byte(testCampaigns), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cases.jsonl"), []byte(strings.Join(cases, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// twoSets writes "alpha", with aligned, missing and fact cases, and "beta", with fact cases
// only, like a SummEdits set: beta has no false-flag rate, no balanced accuracy and no recall
// for missing, off_message and glossary. Beta's second case is the global message itself,
// labelled drift: a miss for any sane detector.
func twoSets(t *testing.T) (alpha, beta string) {
	alpha = writeSet(t, "alpha",
		`{"id": "a1", "campaign": "ete", "lang": "fr", "text": "Du 1er au 15 juillet 2027, -30 % sur toute la literie en magasin et en ligne !", "drift": false, "kinds": []}`,
		`{"id": "a2", "campaign": "ete", "lang": "fr", "text": "-30 % sur toute la literie, du 1er au 15 juillet 2027, en magasin et en ligne.", "drift": false, "kinds": []}`,
		`{"id": "a3", "campaign": "ete", "lang": "fr", "text": "-30 % sur toute la literie, en magasin et en ligne !", "drift": true, "kinds": ["missing"], "why": "The dates (1–15 July 2027) are absent."}`,
		`{"id": "a4", "campaign": "ete", "lang": "fr", "text": "-20 % sur toute la literie, du 1er au 15 juillet 2027, en magasin et en ligne.", "drift": true, "kinds": ["fact"], "why": "-20 % instead of -30 %."}`)
	beta = writeSet(t, "beta",
		`{"id": "b1", "campaign": "ete", "lang": "fr", "text": "-20 % sur toute la literie, du 1er au 15 juillet 2027, en magasin et en ligne.", "drift": true, "kinds": ["fact"]}`,
		`{"id": "b2", "campaign": "ete", "lang": "fr", "text": "-30 % sur toute la literie, du 1er au 15 juillet 2027, en magasin et en ligne.", "drift": true, "kinds": ["fact"]}`)
	return alpha, beta
}

func TestRunSeveralSets(t *testing.T) {
	alpha, beta := twoSets(t)
	var out, errOut strings.Builder
	err := Run(context.Background(), []string{"--set", alpha, "--set", beta, "--json", "--bench-time", "1ms"}, &out, &errOut)
	if err != nil {
		t.Fatalf("Run: %v (%s)", err, errOut.String())
	}
	text := out.String()
	t.Log("\n" + text)
	for _, want := range []string{"=== set alpha (" + alpha + ")", "=== set beta (" + beta + ")", "=== summary",
		"balanced accuracy", "missing points (finding level)"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	lines := strings.Split(strings.TrimSpace(text), "\n")
	rows := map[string][]string{}
	for _, l := range lines[:len(lines)-1] {
		if f := strings.Fields(l); len(f) > 0 {
			rows[f[0]] = f
		}
	}
	if h := strings.Join(rows["set"], " "); h != "set cases F1 false flags bal. acc. fact missing off_message glossary gate" {
		t.Errorf("summary header = %q", h)
	}
	if r := rows["alpha"]; len(r) != 10 || r[1] != "4" || r[9] != "-" {
		t.Errorf("alpha row = %q", r)
	}
	// Beta has no aligned case and only fact cases: the other measures are n/a.
	if r := rows["beta"]; len(r) != 10 || r[1] != "2" || strings.Join(r[3:5], " ") != "n/a n/a" ||
		strings.Join(r[6:], " ") != "n/a n/a n/a -" {
		t.Errorf("beta row = %q", r)
	}

	var got struct {
		Sets []struct {
			Name             string   `json:"name"`
			Dir              string   `json:"dir"`
			Cases            int      `json:"cases"`
			DriftCases       int      `json:"drift_cases"`
			AlignedCases     int      `json:"aligned_cases"`
			BalancedAccuracy *float64 `json:"balanced_accuracy"`
			FalseFlagRate    *float64 `json:"false_flag_rate"`
			MissingPoints    struct {
				Cases, Named int
			} `json:"missing_points"`
			PerKind map[string]struct {
				Recall  *float64 `json:"recall"`
				Support int      `json:"support"`
			} `json:"per_kind"`
		} `json:"sets"`
		Summary []map[string]any `json:"summary"`
		F1      *float64         `json:"f1"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &got); err != nil {
		t.Fatalf("last line is not JSON: %v", err)
	}
	if len(got.Sets) != 2 || len(got.Summary) != 2 || got.F1 != nil {
		t.Fatalf("JSON = %s", lines[len(lines)-1])
	}
	a, b := got.Sets[0], got.Sets[1]
	if a.Name != "alpha" || a.Dir != alpha || a.Cases != 4 || a.DriftCases != 2 || a.AlignedCases != 2 ||
		a.BalancedAccuracy == nil || a.FalseFlagRate == nil || a.MissingPoints.Cases != 1 || a.MissingPoints.Named != 1 {
		t.Errorf("alpha = %+v", a)
	}
	if b.Name != "beta" || b.Cases != 2 || b.BalancedAccuracy != nil || b.FalseFlagRate != nil ||
		b.PerKind["missing"].Recall != nil || b.PerKind["fact"].Recall == nil || b.PerKind["fact"].Support != 2 {
		t.Errorf("beta = %+v", b)
	}
	row := got.Summary[1]
	for _, key := range []string{"name", "cases", "f1", "false_flag_rate", "balanced_accuracy", "kind_recall", "gate", "failed"} {
		if _, ok := row[key]; !ok {
			t.Errorf("summary row lacks %q: %v", key, row)
		}
	}
	if row["name"] != "beta" || row["balanced_accuracy"] != nil || row["kind_recall"].(map[string]any)["glossary"] != nil {
		t.Errorf("beta summary row = %v", row)
	}
}

func TestRunSingleSetJSON(t *testing.T) {
	alpha, _ := twoSets(t)
	var out, errOut strings.Builder
	if err := Run(context.Background(), []string{"--set", alpha, "--json", "--bench-time", "1ms"}, &out, &errOut); err != nil {
		t.Fatalf("Run: %v (%s)", err, errOut.String())
	}
	if strings.Contains(out.String(), "=== summary") {
		t.Error("a single set printed a summary")
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var got map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &got); err != nil {
		t.Fatal(err)
	}
	// As before several sets: the report's fields at the top level, next to sets and summary.
	for _, key := range []string{"cases", "f1", "false_flag_rate", "per_kind", "balanced_accuracy", "sets", "summary"} {
		if _, ok := got[key]; !ok {
			t.Errorf("JSON lacks %q", key)
		}
	}
}

func TestRunGates(t *testing.T) {
	alpha, beta := twoSets(t)
	tests := []struct {
		name     string
		args     []string
		wantErr  []string // substrings of the error; none: success
		wantWarn string
	}{
		// Beta has no aligned case: bars on false flags and balanced accuracy cannot judge it.
		// Alpha's own gate sets no bar, so the global bars do not apply to it.
		{"unjudgeable bars skipped", []string{"--min-balanced-accuracy", "1", "--max-false-flags", "0",
			"--gate", "alpha:min-kind-recall=0"}, nil, ""},
		// Beta's second case is a miss: its F1 and fact recall are below 1.
		{"global bar fails beta", []string{"--min-kind-recall", "1", "--gate", "alpha:min-f1=0"},
			[]string{"below the bar: beta: ", "fact recall"}, ""},
		{"per-set gate replaces global bars", []string{"--min-kind-recall", "1", "--gate", "beta:min-f1=0"}, nil, ""},
		{"per-set gate fails beta", []string{"--gate", "beta:min-f1=0.9"}, []string{"below the bar: beta: F1 "}, ""},
		{"unknown set warned", []string{"--gate", "gamma:min-f1=0.9"}, nil, "--gate gamma matches no --set"},
		{"bad gate", []string{"--gate", "beta=0.9"}, []string{"--gate \"beta=0.9\""}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut strings.Builder
			args := append([]string{"--set", alpha, "--set", beta, "--bench-time", "1ms"}, tt.args...)
			err := Run(context.Background(), args, &out, &errOut)
			if len(tt.wantErr) == 0 && err != nil {
				t.Fatalf("Run: %v", err)
			}
			for _, want := range tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("Run error = %v, want one mentioning %q", err, want)
				}
			}
			if tt.wantWarn != "" && !strings.Contains(errOut.String(), tt.wantWarn) {
				t.Errorf("stderr = %q, want %q", errOut.String(), tt.wantWarn)
			}
		})
	}
}
