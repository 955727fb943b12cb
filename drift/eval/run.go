package eval

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/chorus-hq/chorus/drift"
)

// listFlag collects the values of a repeatable flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, " ") }

func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// Result is a set's report and the gate it was judged by.
type Result struct {
	*Report
	Gate   Gate
	Failed []string
}

// Run implements `chorus drift eval --set DIR [--set DIR2 ...] [--json] [--bench-time 1s]
// [--min-f1 F] [--max-false-flags F] [--min-kind-recall F] [--min-balanced-accuracy F]
// [--gate NAME:key=value,...]`.
//
// It prints the report of each set, then, with several sets, a summary with one row per set.
// The global bars apply to every set that no --gate names; a --gate replaces them for the sets
// whose directory's base name is NAME. With --json the last line is
// {"sets": [report...], "summary": [row...]}; with a single set the report's fields are also at
// the top level, as before. It fails when a set misses its bar, naming the set and the bar.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("drift eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var dirs, gateSpecs listFlag
	fs.Var(&dirs, "set", "directory of a labelled set (campaigns.json, cases.jsonl); repeatable")
	asJSON := fs.Bool("json", false, "print a JSON summary as the last line")
	bench := fs.Duration("bench-time", time.Second, "minimum time spent measuring checks per second, per set")
	gate := NoBar
	fs.Float64Var(&gate.MinF1, "min-f1", 0, "fail when a set's overall drift F1 is below this")
	fs.Float64Var(&gate.MaxFalseFlags, "max-false-flags", 1, "fail when a set's false-flag rate is above this")
	fs.Float64Var(&gate.MinKindRecall, "min-kind-recall", 0, "fail when the recall of a kind with labelled cases is below this")
	fs.Float64Var(&gate.MinBalancedAccuracy, "min-balanced-accuracy", 0, "fail when a set's balanced accuracy is below this")
	fs.Var(&gateSpecs, "gate", "per-set bars NAME:key=value,... (NAME: the set directory's base name); replaces the global bars for that set; repeatable")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("drift eval: %w", err)
	}
	if len(dirs) == 0 {
		return errors.New("drift eval: --set DIR is required")
	}
	perSet := map[string]Gate{}
	for _, spec := range gateSpecs {
		name, _, _ := strings.Cut(spec, ":")
		base, ok := perSet[strings.TrimSpace(name)]
		if !ok {
			base = NoBar
		}
		name, g, err := ParseGate(spec, base)
		if err != nil {
			return fmt.Errorf("drift eval: --%w", err)
		}
		perSet[name] = g
	}
	var results []Result
	names := map[string]bool{}
	for _, dir := range dirs {
		set, err := Load(dir)
		if err != nil {
			return fmt.Errorf("drift eval: %s: %w", dir, err)
		}
		rep, err := Evaluate(ctx, set, *bench)
		if err != nil {
			return fmt.Errorf("drift eval: %s: %w", dir, err)
		}
		rep.Name, rep.Dir = filepath.Base(filepath.Clean(dir)), dir
		names[rep.Name] = true
		g, ok := perSet[rep.Name]
		if !ok {
			g = gate
		}
		results = append(results, Result{Report: rep, Gate: g, Failed: g.Check(rep)})
	}
	for name := range perSet {
		if !names[name] {
			fmt.Fprintf(stderr, "drift eval: warning: --gate %s matches no --set; ignored\n", name)
		}
	}
	if err := PrintResults(stdout, results); err != nil {
		return fmt.Errorf("drift eval: %w", err)
	}
	if *asJSON {
		b, err := json.Marshal(ResultsJSON(results))
		if err != nil {
			return fmt.Errorf("drift eval: %w", err)
		}
		if _, err := fmt.Fprintf(stdout, "%s\n", b); err != nil {
			return fmt.Errorf("drift eval: %w", err)
		}
	}
	var failed []string
	for _, r := range results {
		if len(r.Failed) > 0 {
			failed = append(failed, fmt.Sprintf("%s: %s", r.Name, strings.Join(r.Failed, ", ")))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("drift eval: below the bar: %s", strings.Join(failed, "; "))
	}
	return nil
}

// PrintResults writes the report of each set; with several sets, each under a heading and
// followed by the summary table.
func PrintResults(w io.Writer, results []Result) error {
	if len(results) == 1 {
		return results[0].Print(w)
	}
	for i, r := range results {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "=== set %s (%s)\n", r.Name, r.Dir)
		if err := r.Print(w); err != nil {
			return err
		}
	}
	fmt.Fprintln(w, "\n=== summary")
	return PrintSummary(w, results)
}

// PrintSummary writes one row per set: cases, F1, false-flag rate, balanced accuracy, the recall
// of each kind ("n/a" where the set cannot define it) and the gate's outcome.
func PrintSummary(w io.Writer, results []Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "set\tcases\tF1\tfalse flags\tbal. acc.")
	for _, k := range drift.Kinds {
		fmt.Fprintf(tw, "\t%s", k)
	}
	fmt.Fprintln(tw, "\tgate")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s", r.Name, r.Cases, num(r.F1()), num(r.FalseFlags()), num(r.BalancedAccuracy()))
		for _, k := range drift.Kinds {
			fmt.Fprintf(tw, "\t%s", num(r.KindRecall(string(k))))
		}
		fmt.Fprintf(tw, "\t%s\n", gateOutcome(r))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range results {
		if len(r.Failed) > 0 {
			fmt.Fprintf(w, "gate failed for %s (%s): %s\n", r.Name, r.Gate, strings.Join(r.Failed, ", "))
		}
	}
	return nil
}

func gateOutcome(r Result) string {
	switch {
	case len(r.Failed) > 0:
		return "FAILED"
	case r.Gate == NoBar:
		return "-"
	}
	return "ok"
}

// ResultsJSON is {"sets": [each set's report], "summary": [one row per set]}; with a single set
// its report's fields are also at the top level, as the command printed before several sets.
func ResultsJSON(results []Result) map[string]any {
	sets := make([]map[string]any, 0, len(results))
	summary := make([]map[string]any, 0, len(results))
	for _, r := range results {
		sets = append(sets, r.JSON())
		recall := map[string]any{}
		for _, k := range drift.Kinds {
			recall[string(k)] = opt(r.KindRecall(string(k)))
		}
		failed := r.Failed
		if failed == nil {
			failed = []string{}
		}
		summary = append(summary, map[string]any{
			"name": r.Name, "cases": r.Cases, "f1": opt(r.F1()), "false_flag_rate": opt(r.FalseFlags()),
			"balanced_accuracy": opt(r.BalancedAccuracy()), "kind_recall": recall,
			"gate": r.Gate.String(), "failed": failed,
		})
	}
	out := map[string]any{}
	if len(results) == 1 {
		for k, v := range sets[0] {
			out[k] = v
		}
	}
	out["sets"] = sets
	out["summary"] = summary
	return out
}
