package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/chorus-hq/chorus/commands"
	"github.com/chorus-hq/chorus/configs"
	"github.com/chorus-hq/chorus/drift"
	"github.com/chorus-hq/chorus/drift/llm"
)

// newJudge returns the LLM judge of drift verdicts when OPENAI_API_KEY or OPENAI_BASE_URL is
// set, else nil: the offline detector then works alone. The same client writes the summaries
// of meeting minutes.
func newJudge(cfg configs.Config, logger *slog.Logger, now func() time.Time) (*llmJudge, error) {
	if !cfg.OpenAIEnabled() {
		return nil, nil
	}
	c, err := llm.New(llm.Options{
		BaseURL: cfg.OpenAI.BaseURL, APIKey: cfg.OpenAI.APIKey.Reveal(), Model: cfg.OpenAI.Model,
		Timeout: cfg.OpenAI.Timeout, MaxCallsPerHour: cfg.OpenAI.MaxCallsPerHour, Logger: logger, Clock: now,
	})
	if err != nil {
		return nil, err
	}
	logger.Info("drift: LLM judge enabled", "model", cfg.OpenAI.Model, "max_calls_per_hour", cfg.OpenAI.MaxCallsPerHour)
	return &llmJudge{c: c}, nil
}

// llmJudge adapts llm.Client to commands.Judge, whose types commands defines so that it does not
// depend on the LLM client.
type llmJudge struct{ c *llm.Client }

// Borderline reports whether the verdict deserves the judge's opinion unasked.
func (j *llmJudge) Borderline(v drift.Verdict) bool { return llm.Borderline(v) }

// Judge asks the model and converts its validated opinion.
func (j *llmJudge) Judge(ctx context.Context, q commands.JudgeQuery) (commands.JudgeOpinion, error) {
	op, err := j.c.Judge(ctx, llm.Case{Campaign: q.Campaign, Glossary: q.Glossary, Reference: q.Reference, Text: q.Text, Lang: q.Lang, Offline: q.Offline})
	if err != nil {
		return commands.JudgeOpinion{}, err
	}
	out := commands.JudgeOpinion{Rewrite: op.Rewrite}
	for _, f := range op.Added {
		out.Findings = append(out.Findings, commands.JudgeFinding{Kind: f.Kind, Quote: f.Quote, GlobalQuote: f.GlobalQuote, Reason: f.Reason, Suggestion: f.Suggestion})
	}
	return out, nil
}

// Client returns the LLM client, for the features besides drift that use it (minutes
// summaries through commands.Summarizer).
func (j *llmJudge) Client() *llm.Client { return j.c }
