// Package eval measures the offline drift detector on a labelled set: per-kind precision,
// recall and F1, overall drift precision, recall and F1, the false-flag rate on cases without
// drift, a confusion table per language, the misjudged cases and the checks per second.
//
// It implements the command `chorus drift eval --set DIR [--json]`; the set format is the one
// of the labelled drift sets (DIR/campaigns.json and DIR/cases.jsonl).
package eval

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/drift"
)

// Set is a labelled set: the glossary and campaigns, and the cases.
type Set struct {
	Glossary  []chorus.GlossaryTerm
	Campaigns map[string]Campaign
	Cases     []Case
}

// Campaign is a campaign of a set with the year its dates belong to.
type Campaign struct {
	chorus.Campaign
	Year int
}

// Case is one labelled channel message.
type Case struct {
	ID       string   `json:"id"`
	Campaign string   `json:"campaign"`
	Channel  string   `json:"channel"`
	Lang     string   `json:"lang"`
	Text     string   `json:"text"`
	Drift    bool     `json:"drift"`
	Kinds    []string `json:"kinds"`
	Why      string   `json:"why"`
}

type fileGlossary struct {
	Term        string   `json:"term"`
	Forbidden   []string `json:"forbidden"`
	Lang        string   `json:"lang"`
	Note        string   `json:"note"`
	MatchCase   bool     `json:"match_case"`
	MatchAccent bool     `json:"match_accent"`
}

type fileCampaign struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Lang        string   `json:"lang"`
	Year        int      `json:"year"`
	Message     string   `json:"message"`
	MustInclude []string `json:"must_include"`
	Channels    []string `json:"channels"`
}

// Load reads dir/campaigns.json and dir/cases.jsonl.
func Load(dir string) (*Set, error) {
	b, err := os.ReadFile(filepath.Join(dir, "campaigns.json"))
	if err != nil {
		return nil, fmt.Errorf("load set: %w", err)
	}
	var raw struct {
		Glossary  []fileGlossary `json:"glossary"`
		Campaigns []fileCampaign `json:"campaigns"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("load set: campaigns.json: %w", err)
	}
	set := &Set{Campaigns: map[string]Campaign{}}
	for _, g := range raw.Glossary {
		lang, _ := chorus.ParseLang(g.Lang)
		set.Glossary = append(set.Glossary, chorus.GlossaryTerm{Term: g.Term, Forbidden: g.Forbidden, Lang: lang,
			Note: g.Note, MatchCase: g.MatchCase, MatchAccent: g.MatchAccent})
	}
	for _, c := range raw.Campaigns {
		lang, _ := chorus.ParseLang(c.Lang)
		camp := chorus.Campaign{Slug: c.ID, Name: c.Name, Message: c.Message, MustInclude: c.MustInclude, Lang: lang}
		for _, k := range c.Channels {
			camp.Channels = append(camp.Channels, chorus.Channel{Kind: k})
		}
		set.Campaigns[c.ID] = Campaign{Campaign: camp, Year: c.Year}
	}
	f, err := os.Open(filepath.Join(dir, "cases.jsonl"))
	if err != nil {
		return nil, fmt.Errorf("load set: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var c Case
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return nil, fmt.Errorf("load set: cases.jsonl line %d: %w", line, err)
		}
		if _, ok := set.Campaigns[c.Campaign]; !ok {
			return nil, fmt.Errorf("load set: cases.jsonl line %d: unknown campaign %q", line, c.Campaign)
		}
		set.Cases = append(set.Cases, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("load set: cases.jsonl: %w", err)
	}
	return set, nil
}

// Score is precision, recall and F1 with their counts.
type Score struct {
	TP, FP, FN int
	Precision  float64 `json:"precision"`
	Recall     float64 `json:"recall"`
	F1         float64 `json:"f1"`
}

func (s *Score) finish() {
	s.Precision = ratio(s.TP, s.TP+s.FP)
	s.Recall = ratio(s.TP, s.TP+s.FN)
	if s.Precision+s.Recall > 0 {
		s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// Confusion counts drift decisions against labels.
type Confusion struct{ TP, FP, FN, TN int }

// Miss is a misjudged case.
type Miss struct {
	ID      string
	Lang    string
	Want    []string
	Got     []string
	Reasons []string
}

// Report is the outcome of an evaluation.
type Report struct {
	Cases         int
	Overall       Score
	FalseFlagRate float64
	PerKind       map[string]*Score
	PerLang       map[string]*Confusion
	Misses        []Miss
	ChecksPerSec  float64
	Checks        int
}

// Evaluate checks every case of set and scores the verdicts; it then loops over the set until
// minTime has passed to measure checks per second on pre-compiled references.
func Evaluate(ctx context.Context, set *Set, minTime time.Duration) (*Report, error) {
	refs := map[string]*drift.Reference{}
	for id, c := range set.Campaigns {
		refs[id] = drift.Compile(c.Campaign, set.Glossary, c.Year)
	}
	rep := &Report{Cases: len(set.Cases), PerKind: map[string]*Score{}, PerLang: map[string]*Confusion{}}
	for _, k := range drift.Kinds {
		rep.PerKind[string(k)] = &Score{}
	}
	negatives, falseFlags := 0, 0
	for _, c := range set.Cases {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("evaluate: %w", err)
		}
		lang, _ := chorus.ParseLang(c.Lang)
		v := refs[c.Campaign].Check(c.Text, lang)
		got := make([]string, 0, 4)
		for _, k := range v.Kinds() {
			got = append(got, string(k))
		}
		for k, s := range rep.PerKind {
			w, g := slices.Contains(c.Kinds, k), slices.Contains(got, k)
			switch {
			case w && g:
				s.TP++
			case g:
				s.FP++
			case w:
				s.FN++
			}
		}
		conf := rep.PerLang[c.Lang]
		if conf == nil {
			conf = &Confusion{}
			rep.PerLang[c.Lang] = conf
		}
		switch {
		case c.Drift && v.Drift:
			rep.Overall.TP++
			conf.TP++
		case v.Drift:
			rep.Overall.FP++
			conf.FP++
		case c.Drift:
			rep.Overall.FN++
			conf.FN++
		default:
			conf.TN++
		}
		if !c.Drift {
			negatives++
			if v.Drift {
				falseFlags++
			}
		}
		want := slices.Clone(c.Kinds)
		sort.Strings(want)
		sort.Strings(got)
		if c.Drift != v.Drift || !slices.Equal(want, got) {
			m := Miss{ID: c.ID, Lang: c.Lang, Want: want, Got: got}
			for _, f := range v.Findings {
				m.Reasons = append(m.Reasons, fmt.Sprintf("%s: %s", f.Kind, f.Reason(lang)))
			}
			rep.Misses = append(rep.Misses, m)
		}
	}
	rep.Overall.finish()
	for _, s := range rep.PerKind {
		s.finish()
	}
	if negatives > 0 {
		rep.FalseFlagRate = float64(falseFlags) / float64(negatives)
	}
	if len(set.Cases) > 0 {
		start := time.Now()
		n := 0
		for time.Since(start) < minTime {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("evaluate: %w", err)
			}
			for _, c := range set.Cases {
				refs[c.Campaign].Check(c.Text, chorus.Lang(c.Lang))
			}
			n += len(set.Cases)
		}
		rep.Checks = n
		rep.ChecksPerSec = float64(n) / time.Since(start).Seconds()
	}
	return rep, nil
}

// Run implements `chorus drift eval --set DIR [--json] [--bench-time 1s]`.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("drift eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("set", "", "directory of the labelled set (campaigns.json, cases.jsonl)")
	asJSON := fs.Bool("json", false, "print a JSON summary as the last line")
	bench := fs.Duration("bench-time", time.Second, "minimum time spent measuring checks per second")
	var gate Gate
	fs.Float64Var(&gate.MinF1, "min-f1", 0, "fail when the overall drift F1 is below this")
	fs.Float64Var(&gate.MaxFalseFlags, "max-false-flags", 1, "fail when the false-flag rate is above this")
	fs.Float64Var(&gate.MinKindRecall, "min-kind-recall", 0, "fail when any kind's recall is below this")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("drift eval: %w", err)
	}
	if *dir == "" {
		return errors.New("drift eval: --set DIR is required")
	}
	set, err := Load(*dir)
	if err != nil {
		return fmt.Errorf("drift eval: %w", err)
	}
	rep, err := Evaluate(ctx, set, *bench)
	if err != nil {
		return fmt.Errorf("drift eval: %w", err)
	}
	if err := rep.Print(stdout); err != nil {
		return fmt.Errorf("drift eval: %w", err)
	}
	if *asJSON {
		if err := rep.PrintJSON(stdout); err != nil {
			return fmt.Errorf("drift eval: %w", err)
		}
	}
	if failed := gate.Check(rep); len(failed) > 0 {
		return fmt.Errorf("drift eval: below the bar: %s", strings.Join(failed, "; "))
	}
	return nil
}

// Gate is the quality bar CI holds the detector to.
type Gate struct {
	MinF1         float64 // overall drift F1
	MaxFalseFlags float64 // false-flag rate on drift: false cases
	MinKindRecall float64 // recall of each kind that has labelled cases
}

// Check returns what in r misses the bar, or nothing.
func (g Gate) Check(r *Report) []string {
	var failed []string
	if r.Overall.F1 < g.MinF1 {
		failed = append(failed, fmt.Sprintf("F1 %.3f < %.3f", r.Overall.F1, g.MinF1))
	}
	if r.FalseFlagRate > g.MaxFalseFlags {
		failed = append(failed, fmt.Sprintf("false-flag rate %.3f > %.3f", r.FalseFlagRate, g.MaxFalseFlags))
	}
	for _, k := range drift.Kinds {
		s := r.PerKind[string(k)]
		if s != nil && s.TP+s.FN > 0 && s.Recall < g.MinKindRecall {
			failed = append(failed, fmt.Sprintf("%s recall %.3f < %.3f", k, s.Recall, g.MinKindRecall))
		}
	}
	return failed
}

// Print writes the human-readable report.
func (r *Report) Print(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "cases\t%d\n\n", r.Cases)
	fmt.Fprintln(tw, "kind\tprecision\trecall\tF1\tTP\tFP\tFN")
	for _, k := range drift.Kinds {
		s := r.PerKind[string(k)]
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t%d\t%d\t%d\n", k, s.Precision, s.Recall, s.F1, s.TP, s.FP, s.FN)
	}
	s := r.Overall
	fmt.Fprintf(tw, "drift (overall)\t%.3f\t%.3f\t%.3f\t%d\t%d\t%d\n\n", s.Precision, s.Recall, s.F1, s.TP, s.FP, s.FN)
	fmt.Fprintf(tw, "false-flag rate\t%.3f\n", r.FalseFlagRate)
	fmt.Fprintf(tw, "checks/s\t%.0f\t(%d checks, 1 goroutine)\n\n", r.ChecksPerSec, r.Checks)
	fmt.Fprintln(tw, "lang\tTP\tFP\tFN\tTN")
	langs := make([]string, 0, len(r.PerLang))
	for l := range r.PerLang {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, l := range langs {
		c := r.PerLang[l]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\n", l, c.TP, c.FP, c.FN, c.TN)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Misses) > 0 {
		fmt.Fprintf(w, "\nmisjudged (%d):\n", len(r.Misses))
	}
	for _, m := range r.Misses {
		fmt.Fprintf(w, "- %s want=[%s] got=[%s]\n", m.ID, strings.Join(m.Want, ","), strings.Join(m.Got, ","))
		for _, why := range m.Reasons {
			fmt.Fprintf(w, "    %s\n", why)
		}
	}
	return nil
}

// PrintJSON writes the summary as one JSON line.
func (r *Report) PrintJSON(w io.Writer) error {
	per := map[string]map[string]float64{}
	for k, s := range r.PerKind {
		per[k] = map[string]float64{"precision": round3(s.Precision), "recall": round3(s.Recall), "f1": round3(s.F1)}
	}
	misses := make([]string, 0, len(r.Misses))
	for _, m := range r.Misses {
		misses = append(misses, m.ID)
	}
	b, err := json.Marshal(map[string]any{
		"cases": r.Cases, "f1": round3(r.Overall.F1), "precision": round3(r.Overall.Precision), "recall": round3(r.Overall.Recall),
		"false_flag_rate": round3(r.FalseFlagRate), "checks_per_sec": math.Round(r.ChecksPerSec), "per_kind": per,
		"per_lang": r.PerLang, "misjudged": misses,
	})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
