package eval

import (
	"reflect"
	"strings"
	"testing"
)

func TestGate(t *testing.T) {
	both := &Report{
		Positives: 20, Negatives: 10,
		Overall:       Score{F1: 0.92, Recall: 0.9},
		FalseFlagRate: 0.06,
		PerKind: map[string]*Score{
			"fact":        {TP: 9, FN: 1, Recall: 0.9},
			"off_message": {TP: 3, FN: 2, Recall: 0.6},
			"glossary":    {FP: 2, Recall: 1}, // no labelled case: no recall to hold it to
			"missing":     {},
		},
	}
	// Only drift cases, one kind: no false-flag rate, no balanced accuracy, one kind recall.
	driftOnly := &Report{
		Positives:     30,
		Overall:       Score{F1: 0.3, Recall: 0.2},
		PerKind:       map[string]*Score{"fact": {TP: 6, FN: 24, Recall: 0.2}, "off_message": {FP: 9}},
		FalseFlagRate: 0,
	}
	// Only aligned cases: no F1, no kind recall, no balanced accuracy; F1 0 must not fail.
	alignedOnly := &Report{Negatives: 10, FalseFlagRate: 0.3, PerKind: map[string]*Score{"fact": {FP: 3}}}
	tests := []struct {
		name string
		rep  *Report
		gate Gate
		want []string
	}{
		{"no bar", both, NoBar, nil},
		{"issue bar", both, Gate{MinF1: 0.90, MaxFalseFlags: 0.05, MinKindRecall: 0.80},
			[]string{"false-flag rate 0.060 > 0.050", "off_message recall 0.600 < 0.800"}},
		{"F1", both, Gate{MinF1: 0.95, MaxFalseFlags: 1}, []string{"F1 0.920 < 0.950"}},
		{"balanced accuracy", both, Gate{MaxFalseFlags: 1, MinBalancedAccuracy: 0.95},
			[]string{"balanced accuracy 0.920 < 0.950"}},
		{"balanced accuracy met", both, Gate{MaxFalseFlags: 1, MinBalancedAccuracy: 0.92}, nil},
		{"drift only: undefined bars skipped", driftOnly,
			Gate{MaxFalseFlags: 0, MinBalancedAccuracy: 1, MinKindRecall: 0.1}, nil},
		{"drift only: defined bars judged", driftOnly, Gate{MinF1: 0.5, MaxFalseFlags: 0, MinKindRecall: 0.5},
			[]string{"F1 0.300 < 0.500", "fact recall 0.200 < 0.500"}},
		{"aligned only: undefined bars skipped", alignedOnly,
			Gate{MinF1: 0.9, MaxFalseFlags: 1, MinKindRecall: 0.9, MinBalancedAccuracy: 0.9}, nil},
		{"aligned only: false flags judged", alignedOnly, Gate{MinF1: 0.9, MaxFalseFlags: 0.1},
			[]string{"false-flag rate 0.300 > 0.100"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.gate.Check(tt.rep); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Check = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseGate(t *testing.T) {
	base := Gate{MinF1: 0.7, MaxFalseFlags: 0.5}
	tests := []struct {
		spec     string
		base     Gate
		wantName string
		want     Gate
		wantErr  string
	}{
		{"summedits-sales-call:min-balanced-accuracy=0.75,max-false-flags=0.10", NoBar, "summedits-sales-call",
			Gate{MaxFalseFlags: 0.10, MinBalancedAccuracy: 0.75}, ""},
		{"dev: min-f1 = 0.9 , --min-kind-recall=0.8", NoBar, "dev",
			Gate{MinF1: 0.9, MaxFalseFlags: 1, MinKindRecall: 0.8}, ""},
		{"dev:max-false-flags=0.05", base, "dev", Gate{MinF1: 0.7, MaxFalseFlags: 0.05}, ""},
		{"dev:min-f1=1,min-f1=0", NoBar, "dev", NoBar, ""},
		{"dev", NoBar, "", Gate{}, "want SET:key=value"},
		{":min-f1=0.5", NoBar, "", Gate{}, "want SET:key=value"},
		{"dev:", NoBar, "", Gate{}, "want SET:key=value"},
		{"dev:min-f1", NoBar, "", Gate{}, "not key=value"},
		{"dev:min-f1=x", NoBar, "", Gate{}, "from 0 to 1"},
		{"dev:min-f1=1.5", NoBar, "", Gate{}, "from 0 to 1"},
		{"dev:min-recall=0.5", NoBar, "", Gate{}, "unknown bar"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			name, g, err := ParseGate(tt.spec, tt.base)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseGate error = %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || name != tt.wantName || g != tt.want {
				t.Errorf("ParseGate = %q, %+v, %v; want %q, %+v", name, g, err, tt.wantName, tt.want)
			}
		})
	}
}

func TestGateString(t *testing.T) {
	if s := NoBar.String(); s != "no bar" {
		t.Errorf("NoBar = %q", s)
	}
	g := Gate{MinF1: 0.7, MaxFalseFlags: 0.2, MinKindRecall: 0.5, MinBalancedAccuracy: 0.75}
	if s, want := g.String(), "min-f1=0.7,max-false-flags=0.2,min-kind-recall=0.5,min-balanced-accuracy=0.75"; s != want {
		t.Errorf("String = %q, want %q", s, want)
	}
	if _, back, err := ParseGate("x:"+g.String(), NoBar); err != nil || back != g {
		t.Errorf("ParseGate(String) = %+v, %v", back, err)
	}
}
