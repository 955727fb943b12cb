// Package eval measures the offline drift detector on a labelled set: per-kind precision,
// recall and F1, overall drift precision, recall and F1, the false-flag rate on cases without
// drift, a confusion table per language, the misjudged cases and the checks per second.
//
// It implements the command `chorus drift eval --set DIR [--set DIR2 ...] [--json]` (see Run);
// the set format is the one of the labelled drift sets (DIR/campaigns.json and DIR/cases.jsonl).
// Besides the case-level measures it reports the balanced accuracy and, for missing points, a
// finding-level precision and recall against the points the labels' whys name (NamedPoints).
package eval

import (
	"bufio"
	"context"
	"encoding/json"
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
	Exceptions  []string `json:"exceptions"`
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
			Note: g.Note, MatchCase: g.MatchCase, MatchAccent: g.MatchAccent, Exceptions: g.Exceptions})
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

// PointScore scores the detector's missing findings against the points the labels' whys name,
// on the drift cases labelled missing whose why names at least one point (see NamedPoints).
type PointScore struct {
	Cases    int // cases measured
	Named    int // points the whys name
	Reported int // distinct points the detector reported missing on those cases
	Hits     int // reported points that the why names
}

// Precision is Hits/Reported; ok is false when nothing was reported.
func (p PointScore) Precision() (v float64, ok bool) { return defined(p.Hits, p.Reported) }

// Recall is Hits/Named; ok is false when no why names a point.
func (p PointScore) Recall() (v float64, ok bool) { return defined(p.Hits, p.Named) }

func defined(a, b int) (float64, bool) {
	if b == 0 {
		return 0, false
	}
	return float64(a) / float64(b), true
}

// Report is the outcome of an evaluation.
type Report struct {
	Name          string // the set directory's base name, which --gate prefixes match
	Dir           string
	Cases         int
	Positives     int // drift: true cases
	Negatives     int // drift: false cases
	Overall       Score
	FalseFlagRate float64
	PerKind       map[string]*Score
	PerLang       map[string]*Confusion
	MissingPoints PointScore
	// WithReview counts a case as flagged when it has confident or review-tier findings: what
	// a lead who reads every « à vérifier » would see.
	WithReview Confusion
	// Feedback replays the set after a lead answered « pas une dérive » to every false flag.
	Feedback     FeedbackScore
	Misses       []Miss
	ChecksPerSec float64
	Checks       int
}

// FeedbackScore is what lead feedback changes: every finding on an aligned case is accepted for
// its campaign, then the whole set is checked again.
type FeedbackScore struct {
	Accepted        int // wordings accepted
	FalseFlags      int // aligned cases still flagged after the feedback
	HiddenSameKind  int // labelled kinds of drift cases no longer found: the same kind on the same words was accepted
	HiddenOtherKind int // labelled kinds no longer found although no wording of that kind was accepted on their words
}

// F1 is the overall drift F1; ok is false when the set has no drift case.
func (r *Report) F1() (v float64, ok bool) { return r.Overall.F1, r.Positives > 0 }

// FalseFlags is the false-flag rate; ok is false when the set has no drift: false case.
func (r *Report) FalseFlags() (v float64, ok bool) { return r.FalseFlagRate, r.Negatives > 0 }

// BalancedAccuracy is (recall on drift cases + recall on aligned cases) / 2; ok is false when
// the set lacks either.
func (r *Report) BalancedAccuracy() (v float64, ok bool) {
	if r.Positives == 0 || r.Negatives == 0 {
		return 0, false
	}
	return (r.Overall.Recall + 1 - r.FalseFlagRate) / 2, true
}

// KindRecall is the recall of kind k; ok is false when no case is labelled k.
func (r *Report) KindRecall(k string) (v float64, ok bool) {
	s := r.PerKind[k]
	if s == nil || s.TP+s.FN == 0 {
		return 0, false
	}
	return s.Recall, true
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
	falseFlags := 0
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
		flagged := v.Drift || len(v.Review) > 0
		switch {
		case c.Drift && flagged:
			rep.WithReview.TP++
		case flagged:
			rep.WithReview.FP++
		case c.Drift:
			rep.WithReview.FN++
		default:
			rep.WithReview.TN++
		}
		if c.Drift {
			rep.Positives++
		} else {
			rep.Negatives++
			if v.Drift {
				falseFlags++
			}
		}
		if c.Drift && slices.Contains(c.Kinds, string(drift.KindMissing)) {
			rep.MissingPoints.add(NamedPoints(c.Why, set.Campaigns[c.Campaign].MustInclude), v)
		}
		want := slices.Clone(c.Kinds)
		sort.Strings(want)
		sort.Strings(got)
		if c.Drift != v.Drift || !slices.Equal(want, got) {
			m := Miss{ID: c.ID, Lang: c.Lang, Want: want, Got: got}
			for _, f := range v.Findings {
				m.Reasons = append(m.Reasons, fmt.Sprintf("%s: %s", f.Kind, f.Reason(lang)))
			}
			for _, f := range v.Review {
				m.Reasons = append(m.Reasons, fmt.Sprintf("(review) %s: %s", f.Kind, f.Reason(lang)))
			}
			rep.Misses = append(rep.Misses, m)
		}
	}
	rep.Feedback = replayFeedback(set, refs)
	rep.Overall.finish()
	for _, s := range rep.PerKind {
		s.finish()
	}
	if rep.Negatives > 0 {
		rep.FalseFlagRate = float64(falseFlags) / float64(rep.Negatives)
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

// replayFeedback accepts, for its campaign, every finding of every aligned case, as a lead
// answering « pas une dérive » would, and checks the whole set again with those wordings.
func replayFeedback(set *Set, refs map[string]*drift.Reference) FeedbackScore {
	var fs FeedbackScore
	accepted := map[string][]chorus.Accepted{}
	before := make([]drift.Verdict, len(set.Cases))
	for i, c := range set.Cases {
		before[i] = refs[c.Campaign].Check(c.Text, chorus.Lang(c.Lang))
		if c.Drift {
			continue
		}
		for _, f := range before[i].Findings {
			a := chorus.Accepted{Kind: string(f.Kind), Quote: drift.AcceptedQuote(f, c.Text)}
			if f.Kind == drift.KindMissing {
				a.Point = f.GlobalQuote
			}
			accepted[c.Campaign] = append(accepted[c.Campaign], a)
			fs.Accepted++
		}
	}
	after := map[string]*drift.Reference{}
	for id, c := range set.Campaigns {
		camp := c.Campaign
		camp.Accepted = accepted[id]
		after[id] = drift.Compile(camp, set.Glossary, c.Year)
	}
	for i, c := range set.Cases {
		v := after[c.Campaign].Check(c.Text, chorus.Lang(c.Lang))
		if !c.Drift {
			if v.Drift {
				fs.FalseFlags++
			}
			continue
		}
		camp := set.Campaigns[c.Campaign].Campaign
		camp.Accepted = accepted[c.Campaign]
		for _, k := range before[i].Kinds() {
			if !slices.Contains(c.Kinds, string(k)) || slices.Contains(v.Kinds(), k) {
				continue
			}
			same := slices.ContainsFunc(before[i].Findings, func(f drift.Finding) bool {
				return f.Kind == k && camp.Accepts(string(k), drift.AcceptedQuote(f, c.Text), map[bool]string{true: f.GlobalQuote}[k == drift.KindMissing])
			})
			if same {
				fs.HiddenSameKind++
			} else {
				fs.HiddenOtherKind++
			}
		}
	}
	return fs
}

// add scores the missing findings of v against the points named by a case's why; a case whose
// why names no point is not measured.
func (p *PointScore) add(named []string, v drift.Verdict) {
	if len(named) == 0 {
		return
	}
	p.Cases++
	p.Named += len(named)
	keys := map[string]bool{}
	for _, n := range named {
		keys[pointKey(n)] = true
	}
	reported := map[string]bool{}
	for _, f := range v.Findings {
		if f.Kind == drift.KindMissing {
			reported[pointKey(f.GlobalQuote)] = true
		}
	}
	p.Reported += len(reported)
	for k := range reported {
		if keys[k] {
			p.Hits++
		}
	}
}

// pointKey compares points whatever their case, accents, spacing and punctuation.
func pointKey(s string) string { return strings.Join(tokens(s), " ") }

// Print writes the human-readable report.
func (r *Report) Print(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "cases\t%d\t(%d drift, %d aligned)\n\n", r.Cases, r.Positives, r.Negatives)
	fmt.Fprintln(tw, "kind\tprecision\trecall\tF1\tTP\tFP\tFN")
	for _, k := range drift.Kinds {
		s := r.PerKind[string(k)]
		recall, ok := r.KindRecall(string(k))
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\n", k, num(s.Precision, s.TP+s.FP > 0), num(recall, ok),
			num(s.F1, ok), s.TP, s.FP, s.FN)
	}
	s := r.Overall
	f1, ok := r.F1()
	fmt.Fprintf(tw, "drift (overall)\t%s\t%s\t%s\t%d\t%d\t%d\n\n", num(s.Precision, s.TP+s.FP > 0), num(s.Recall, ok),
		num(f1, ok), s.TP, s.FP, s.FN)
	fmt.Fprintf(tw, "false-flag rate\t%s\n", num(r.FalseFlags()))
	fmt.Fprintf(tw, "balanced accuracy\t%s\n", num(r.BalancedAccuracy()))
	fb := r.Feedback
	fmt.Fprintf(tw, "after lead feedback\t%d wordings accepted\t%d aligned still flagged\tkinds hidden: %d same wording, %d other\n",
		fb.Accepted, fb.FalseFlags, fb.HiddenSameKind, fb.HiddenOtherKind)
	wr := r.WithReview
	fmt.Fprintf(tw, "with the review tier\trecall %s\tfalse-flag rate %s\n", num(ratio(wr.TP, wr.TP+wr.FN), r.Positives > 0),
		num(ratio(wr.FP, wr.FP+wr.TN), r.Negatives > 0))
	mp := r.MissingPoints
	p, pok := mp.Precision()
	rc, rok := mp.Recall()
	fmt.Fprintf(tw, "missing points (finding level)\tprecision %s\trecall %s\t(%d cases, %d points named, %d reported, %d right)\n",
		num(p, pok), num(rc, rok), mp.Cases, mp.Named, mp.Reported, mp.Hits)
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

// num formats a measure, or "n/a" when the set cannot define it.
func num(v float64, ok bool) string {
	if !ok {
		return "n/a"
	}
	return fmt.Sprintf("%.3f", v)
}

// JSON is the report as a JSON object; a measure the set cannot define is null.
func (r *Report) JSON() map[string]any {
	per := map[string]map[string]any{}
	for k, s := range r.PerKind {
		recall, ok := r.KindRecall(k)
		per[k] = map[string]any{"precision": opt(s.Precision, s.TP+s.FP > 0), "recall": opt(recall, ok),
			"f1": opt(s.F1, ok), "support": s.TP + s.FN}
	}
	misses := make([]string, 0, len(r.Misses))
	for _, m := range r.Misses {
		misses = append(misses, m.ID)
	}
	mp := r.MissingPoints
	return map[string]any{
		"name": r.Name, "dir": r.Dir, "cases": r.Cases, "drift_cases": r.Positives, "aligned_cases": r.Negatives,
		"f1": opt(r.F1()), "precision": opt(r.Overall.Precision, r.Overall.TP+r.Overall.FP > 0),
		"recall": opt(r.Overall.Recall, r.Positives > 0), "false_flag_rate": opt(r.FalseFlags()),
		"balanced_accuracy": opt(r.BalancedAccuracy()), "checks_per_sec": math.Round(r.ChecksPerSec),
		"per_kind": per, "per_lang": r.PerLang, "misjudged": misses,
		"feedback": map[string]any{"accepted": r.Feedback.Accepted, "false_flags": r.Feedback.FalseFlags,
			"hidden_same_kind": r.Feedback.HiddenSameKind, "hidden_other_kind": r.Feedback.HiddenOtherKind},
		"review_tier": map[string]any{"recall": opt(ratio(r.WithReview.TP, r.WithReview.TP+r.WithReview.FN), r.Positives > 0),
			"false_flag_rate": opt(ratio(r.WithReview.FP, r.WithReview.FP+r.WithReview.TN), r.Negatives > 0)},
		"missing_points": map[string]any{"cases": mp.Cases, "named": mp.Named, "reported": mp.Reported,
			"hits": mp.Hits, "precision": opt(mp.Precision()), "recall": opt(mp.Recall())},
	}
}

// PrintJSON writes the report as one JSON line.
func (r *Report) PrintJSON(w io.Writer) error {
	b, err := json.Marshal(r.JSON())
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// opt is v rounded to 3 decimals, or nil (JSON null) when not ok.
func opt(v float64, ok bool) any {
	if !ok {
		return nil
	}
	return round3(v)
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
