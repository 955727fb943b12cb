package eval

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/chorus-hq/chorus/drift"
)

// Gate is the quality bar CI holds the detector to, on each set. A measure the set cannot
// define is not judged: F1 on a set without drift case, the false-flag rate on a set without
// aligned case, the balanced accuracy on a set lacking either, and the recall of a kind no case
// is labelled with.
type Gate struct {
	MinF1               float64 // overall drift F1
	MaxFalseFlags       float64 // false-flag rate on drift: false cases
	MinKindRecall       float64 // recall of each kind that has labelled cases
	MinBalancedAccuracy float64 // (recall on drift + recall on aligned) / 2
}

// NoBar is the gate that nothing fails.
var NoBar = Gate{MaxFalseFlags: 1}

// Check returns what in r misses the bar, or nothing.
func (g Gate) Check(r *Report) []string {
	var failed []string
	if v, ok := r.F1(); ok && below(v, g.MinF1) {
		failed = append(failed, fmt.Sprintf("F1 %.3f < %.3f", v, g.MinF1))
	}
	if v, ok := r.FalseFlags(); ok && below(g.MaxFalseFlags, v) {
		failed = append(failed, fmt.Sprintf("false-flag rate %.3f > %.3f", v, g.MaxFalseFlags))
	}
	if v, ok := r.BalancedAccuracy(); ok && below(v, g.MinBalancedAccuracy) {
		failed = append(failed, fmt.Sprintf("balanced accuracy %.3f < %.3f", v, g.MinBalancedAccuracy))
	}
	for _, k := range drift.Kinds {
		if v, ok := r.KindRecall(string(k)); ok && below(v, g.MinKindRecall) {
			failed = append(failed, fmt.Sprintf("%s recall %.3f < %.3f", k, v, g.MinKindRecall))
		}
	}
	return failed
}

// below tells whether measure a is under bar b, by more than float rounding: a balanced accuracy
// computed as 0.91999… meets a 0.92 bar.
func below(a, b float64) bool { return a < b-1e-9 }

// String lists the bars of g, "no bar" when it has none.
func (g Gate) String() string {
	var bars []string
	if g.MinF1 > 0 {
		bars = append(bars, fmt.Sprintf("min-f1=%g", g.MinF1))
	}
	if g.MaxFalseFlags < 1 {
		bars = append(bars, fmt.Sprintf("max-false-flags=%g", g.MaxFalseFlags))
	}
	if g.MinKindRecall > 0 {
		bars = append(bars, fmt.Sprintf("min-kind-recall=%g", g.MinKindRecall))
	}
	if g.MinBalancedAccuracy > 0 {
		bars = append(bars, fmt.Sprintf("min-balanced-accuracy=%g", g.MinBalancedAccuracy))
	}
	if len(bars) == 0 {
		return "no bar"
	}
	return strings.Join(bars, ",")
}

// ParseGate reads a per-set gate, "NAME:key=value,key=value", where NAME is the base name of a
// set directory and the keys are min-f1, max-false-flags, min-kind-recall and
// min-balanced-accuracy, values in [0, 1]. The bars apply on top of base; a key not given keeps
// base's value.
func ParseGate(spec string, base Gate) (name string, g Gate, err error) {
	name, bars, ok := strings.Cut(spec, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" || strings.TrimSpace(bars) == "" {
		return "", Gate{}, fmt.Errorf("gate %q: want SET:key=value[,key=value]", spec)
	}
	g = base
	for _, bar := range strings.Split(bars, ",") {
		key, val, ok := strings.Cut(strings.TrimSpace(bar), "=")
		if !ok {
			return "", Gate{}, fmt.Errorf("gate %q: %q is not key=value", spec, bar)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil || v < 0 || v > 1 {
			return "", Gate{}, fmt.Errorf("gate %q: %s: want a number from 0 to 1, got %q", spec, key, val)
		}
		switch strings.TrimLeft(strings.TrimSpace(key), "-") {
		case "min-f1":
			g.MinF1 = v
		case "max-false-flags":
			g.MaxFalseFlags = v
		case "min-kind-recall":
			g.MinKindRecall = v
		case "min-balanced-accuracy":
			g.MinBalancedAccuracy = v
		default:
			return "", Gate{}, fmt.Errorf("gate %q: unknown bar %q (want min-f1, max-false-flags, min-kind-recall or min-balanced-accuracy)", spec, key)
		}
	}
	return name, g, nil
}
