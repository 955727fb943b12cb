// Package llm is Chorus's optional LLM judge: a second opinion on drift verdicts and the
// summaries of meeting minutes, from any OpenAI-compatible server (OpenAI, Azure, Ollama, vLLM).
//
// The offline detector (package drift) stays the authority. The judge is asked for borderline
// verdicts and on request; what it says is validated before anyone sees it: every quote must
// exist in the texts it was given, it may add findings but never clear one the detector made,
// and a rewrite it proposes is shown only if the offline detector finds nothing wrong with it.
// The channel message travels as JSON data the model is told never to obey. Timeouts, server
// errors, malformed answers and an exhausted hourly budget all fall back to the offline verdict.
//
// It is the only package that imports go-openai.
package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"sync"
	"time"

	openai "github.com/sashabaranov/go-openai"
	"github.com/sashabaranov/go-openai/jsonschema"
)

// ErrBudget reports that the hourly call budget is spent; the caller keeps the offline verdict.
var ErrBudget = errors.New("llm: hourly call budget spent")

// ErrAnswer reports an answer that is not the JSON the schema asks for.
var ErrAnswer = errors.New("llm: malformed answer")

// Options configures a Client. Model, Timeout and MaxCallsPerHour are required.
type Options struct {
	BaseURL         string        // "" for OpenAI, else an OpenAI-compatible server's /v1 URL
	APIKey          string        // may be empty for a local server that needs none
	Model           string        // such as "gpt-4o-mini"
	Timeout         time.Duration // budget of one call, the model's answer included
	MaxCallsPerHour int           // calls allowed in any hour, across the process
	Logger          *slog.Logger  // nil discards
	Clock           func() time.Time
	HTTPClient      *http.Client // nil: a plain client (the Timeout bounds every call anyway)
}

// Client talks to the model. It is safe for concurrent use.
type Client struct {
	api     *openai.Client
	model   string
	timeout time.Duration
	log     *slog.Logger
	budget  *budget
}

// New checks opts and returns a Client. It makes no network call.
func New(opts Options) (*Client, error) {
	switch {
	case strings.TrimSpace(opts.Model) == "":
		return nil, errors.New("llm: no model named")
	case opts.Timeout <= 0:
		return nil, errors.New("llm: the call timeout must be positive")
	case opts.MaxCallsPerHour < 1:
		return nil, errors.New("llm: the hourly call budget must be at least 1")
	}
	cfg := openai.DefaultConfig(opts.APIKey)
	if opts.BaseURL != "" {
		cfg.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	}
	if opts.HTTPClient != nil {
		cfg.HTTPClient = opts.HTTPClient
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := opts.Clock
	if now == nil {
		now = time.Now
	}
	return &Client{
		api: openai.NewClientWithConfig(cfg), model: opts.Model, timeout: opts.Timeout, log: log,
		budget: &budget{limit: opts.MaxCallsPerHour, now: now},
	}, nil
}

// zeroTemperature is how temperature 0 reaches the server: go-openai drops a zero temperature
// (omitempty), which servers read as their default of 1.
const zeroTemperature = math.SmallestNonzeroFloat32

// ask sends one chat completion whose answer must follow schema and decodes it into out. It
// spends one call of the budget, and gives up after the timeout.
func (c *Client) ask(ctx context.Context, name string, schema *jsonschema.Definition, system, user string, out any) error {
	if !c.budget.take() {
		return ErrBudget
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	seed := 0
	resp, err := c.api.CreateChatCompletion(ctx, openai.ChatCompletionRequest{
		Model: c.model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: system},
			{Role: openai.ChatMessageRoleUser, Content: user},
		},
		Temperature: zeroTemperature,
		Seed:        &seed,
		ResponseFormat: &openai.ChatCompletionResponseFormat{
			Type:       openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{Name: name, Schema: schema, Strict: true},
		},
	})
	if err != nil {
		return fmt.Errorf("llm: %s call: %w", name, err)
	}
	if len(resp.Choices) == 0 {
		return fmt.Errorf("%w: no choice in the %s answer", ErrAnswer, name)
	}
	content := strings.TrimSpace(resp.Choices[0].Message.Content)
	// Some local servers wrap JSON in a Markdown fence despite the schema.
	content = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(content, "```json"), "```"), "```")
	if err := schema.Unmarshal(content, out); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrAnswer, name, err)
	}
	return nil
}

// budget is a sliding hour of calls: at most limit calls in any 60 minutes.
type budget struct {
	mu    sync.Mutex
	limit int
	now   func() time.Time
	calls []time.Time // times of the calls of the last hour, oldest first
}

func (b *budget) take() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	i := 0
	for i < len(b.calls) && now.Sub(b.calls[i]) >= time.Hour {
		i++
	}
	b.calls = b.calls[i:]
	if len(b.calls) >= b.limit {
		return false
	}
	b.calls = append(b.calls, now)
	return true
}

// dataJSON encodes v as the user message: data, never instructions.
func dataJSON(v any) string {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil { // plain strings, slices and maps always encode
		panic(fmt.Sprintf("llm: encode prompt data: %v", err))
	}
	return string(b)
}
