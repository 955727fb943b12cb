package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/chorus-hq/chorus/commands"
	"github.com/chorus-hq/chorus/configs"
	"github.com/chorus-hq/chorus/drift"
	"github.com/chorus-hq/chorus/drift/llm"
)

// newLLM returns the client of the OpenAI-compatible server when OPENAI_API_KEY or
// OPENAI_BASE_URL is set, else nil: the offline drift detector then works alone and minutes go
// without a summary. One client serves both, so the process has one hourly call budget.
func newLLM(cfg configs.Config, logger *slog.Logger, now func() time.Time) (*llm.Client, error) {
	if !cfg.OpenAIEnabled() {
		return nil, nil
	}
	c, err := llm.New(llm.Options{
		BaseURL: cfg.OpenAI.BaseURL, APIKey: cfg.OpenAI.APIKey.Reveal(), Model: cfg.OpenAI.Model,
		Timeout: cfg.OpenAI.Timeout, MaxCallsPerHour: cfg.OpenAI.MaxCallsPerHour, Logger: logger, Clock: now,
	})
	if err != nil {
		return nil, fmt.Errorf("LLM client: %w", err)
	}
	logger.Info("LLM judge and summaries enabled", "model", cfg.OpenAI.Model, "max_calls_per_hour", cfg.OpenAI.MaxCallsPerHour)
	return c, nil
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
