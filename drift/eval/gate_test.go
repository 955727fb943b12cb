package eval

import (
	"reflect"
	"testing"
)

func TestGate(t *testing.T) {
	rep := &Report{
		Overall:       Score{F1: 0.92},
		FalseFlagRate: 0.06,
		PerKind: map[string]*Score{
			"fact":        {TP: 9, FN: 1, Recall: 0.9},
			"off_message": {TP: 3, FN: 2, Recall: 0.6},
			"glossary":    {}, // no labelled case: no recall to hold it to
		},
	}
	tests := []struct {
		name string
		gate Gate
		want []string
	}{
		{"no bar", Gate{MaxFalseFlags: 1}, nil},
		{"issue bar", Gate{MinF1: 0.90, MaxFalseFlags: 0.05, MinKindRecall: 0.80},
			[]string{"false-flag rate 0.060 > 0.050", "off_message recall 0.600 < 0.800"}},
		{"F1", Gate{MinF1: 0.95, MaxFalseFlags: 1}, []string{"F1 0.920 < 0.950"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.gate.Check(rep); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Check = %q, want %q", got, tt.want)
			}
		})
	}
}
