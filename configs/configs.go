// Package configs turns the process environment (and an optional YAML file) into a typed, validated
// Config. It is the only package of Chorus that reads the environment, so every setting, its
// default and its rule live here, and a mistake is reported once, at start-up, with every other
// mistake found at the same time.
//
// It also embeds the Slack app manifest (manifest.yaml) and the documented example configuration
// (chorus.example.yaml), so the binary can print them.
package configs

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"time"

	// The zone database is embedded so that CHORUS_TIMEZONE is validated the same way on a
	// distroless image, a CI runner without tzdata and a laptop.
	_ "time/tzdata"

	"github.com/chorus-hq/chorus"
)

// Manifest is the Slack app manifest (YAML) that creates the Chorus app in one paste.
//
//go:embed manifest.yaml
var Manifest []byte

// Example is the documented example configuration file; it lists every setting with its default.
//
//go:embed chorus.example.yaml
var Example []byte

// Config is the whole configuration of a Chorus process.
type Config struct {
	DataDir       string          // CHORUS_DATA_DIR: where the embedded store keeps its files
	MongoURI      string          // CHORUS_MONGODB_URI: "" starts the embedded store (may hold a password: log LogValue only)
	MongoDB       string          // CHORUS_MONGODB_DB: database name
	HTTPAddr      string          // CHORUS_HTTP_ADDR: listen address of the HTTP server
	PublicURL     string          // CHORUS_PUBLIC_URL: the address people reach the server at, for calendar links
	LogLevel      slog.Level      // CHORUS_LOG_LEVEL
	LogFormat     string          // CHORUS_LOG_FORMAT: "text" or "json"
	Workspace     string          // CHORUS_WORKSPACE: workspace id used by the console
	TimeZone      string          // CHORUS_TIMEZONE: default IANA zone of new workspaces
	Lang          chorus.Lang     // CHORUS_LANG: default language of new workspaces
	Leads         []string        // CHORUS_LEADS: initial omnichannel leads (user ids)
	CommandPrefix string          // CHORUS_COMMAND_PREFIX: prefix of the slash commands, such as "dev-"
	Workers       int             // CHORUS_WORKERS: Slack requests handled at once after their ack
	MaxQueued     int             // CHORUS_MAX_QUEUED: Slack requests acknowledged and waiting for a worker, at most
	Slack         SlackConfig     // SLACK_*
	OpenAI        OpenAIConfig    // OPENAI_*
	Scheduler     SchedulerConfig // CHORUS_SCHEDULER_TICK, CHORUS_REMINDER_GRACE, ...
}

// SlackConfig is how Chorus talks to Slack.
type SlackConfig struct {
	BotToken      Secret // SLACK_BOT_TOKEN: "xoxb-…", for the Web API
	AppToken      Secret // SLACK_APP_TOKEN: "xapp-…", selects Socket Mode
	SigningSecret Secret // SLACK_SIGNING_SECRET: verifies HTTP requests in HTTP mode
	APIURL        string // SLACK_API_URL: Web API base URL ending with "/", "" for Slack's own
	AllowBots     bool   // SLACK_ALLOW_BOTS: also handle messages posted by other bots
}

// OpenAIConfig is the optional LLM judge of the drift detector.
type OpenAIConfig struct {
	APIKey          Secret        // OPENAI_API_KEY
	BaseURL         string        // OPENAI_BASE_URL: "" for OpenAI, or an OpenAI-compatible server
	Model           string        // OPENAI_MODEL
	Timeout         time.Duration // OPENAI_TIMEOUT: per call
	MaxCallsPerHour int           // OPENAI_MAX_CALLS_PER_HOUR: budget across the process
}

// SchedulerConfig drives reminders and digests.
type SchedulerConfig struct {
	Tick            time.Duration // CHORUS_SCHEDULER_TICK: how often due occurrences are claimed
	ReminderGrace   time.Duration // CHORUS_REMINDER_GRACE: a reminder later than this is dropped, not sent
	QuietHours      QuietHours    // CHORUS_QUIET_HOURS: no reminder is posted inside this window
	SkipWeekends    bool          // CHORUS_SKIP_WEEKENDS: no reminder or digest on Saturday and Sunday
	PostEmptyDigest bool          // CHORUS_POST_EMPTY_DIGEST: post the « rien à signaler » note for every empty digest, whatever each channel chose
}

// Secret is a setting that must never be printed: its String, GoString and LogValue say only
// whether it is set. Use Reveal (or a string conversion) where the value is really needed.
type Secret string

// Reveal returns the secret value itself.
func (s Secret) Reveal() string { return string(s) }

// IsSet reports whether the secret has a value.
func (s Secret) IsSet() bool { return s != "" }

// String returns "set" or "unset", never the value.
func (s Secret) String() string {
	if s.IsSet() {
		return "set"
	}
	return "unset"
}

// GoString keeps %#v from printing the value.
func (s Secret) GoString() string { return s.String() }

// LogValue keeps slog from printing the value.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText keeps encoders (JSON, YAML) from writing the value.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Default returns the configuration of a process that sets nothing: embedded store under ./data,
// console workspace, French, Paris time, no Slack, no OpenAI.
func Default() Config {
	return Config{
		DataDir:   "./data",
		MongoDB:   "chorus",
		HTTPAddr:  ":3000",
		Workers:   16,
		MaxQueued: 10000,
		LogLevel:  slog.LevelInfo,
		LogFormat: "text",
		Workspace: "console",
		TimeZone:  chorus.DefaultTimeZone,
		Lang:      chorus.French,
		OpenAI: OpenAIConfig{
			Model:           "gpt-4o-mini",
			Timeout:         10 * time.Second,
			MaxCallsPerHour: 200,
		},
		Scheduler: SchedulerConfig{
			Tick:          30 * time.Second,
			ReminderGrace: 6 * time.Hour,
			QuietHours:    QuietHours{Start: 20 * 60, End: 8 * 60},
			SkipWeekends:  true,
		},
	}
}

// Load builds the configuration from the defaults, then the YAML file (when file is not ""), then
// the environment read through getenv: an environment variable that is set and not empty wins
// over the file. It returns every problem found at once, as Problems.
func Load(getenv func(string) string, file string) (Config, error) {
	values := map[string]value{}
	var ps Problems
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return Config{}, fmt.Errorf("config file %s does not exist: %w", file, err)
			}
			return Config{}, fmt.Errorf("read config file: %w", err)
		}
		fileValues, fileProblems := parseYAML(data, file)
		ps = append(ps, fileProblems...)
		for k, v := range fileValues {
			values[k] = v
		}
	}
	for _, s := range settings {
		if v := getenv(s.env); strings.TrimSpace(v) != "" {
			values[s.key] = value{text: v}
		}
	}

	c := Default()
	for _, s := range settings {
		v, ok := values[s.key]
		if !ok {
			continue
		}
		if err := s.set(&c, strings.TrimSpace(v.text)); err != nil {
			ps = append(ps, Problem{Setting: s.env, Key: s.key, File: v.file, Reason: err.Error()})
		}
	}
	ps = append(ps, crossCheck(values)...)
	if len(ps) > 0 {
		return Config{}, ps
	}
	return c, nil
}

// crossCheck reports the problems that involve several settings. Each is attributed to the
// setting the user most likely has to add or fix. A setting counts as given even when its value
// was refused, so that one mistake is not reported twice.
func crossCheck(values map[string]value) Problems {
	var ps Problems
	given := func(key string) bool { _, ok := values[key]; return ok }
	add := func(env, key, reason string) {
		ps = append(ps, Problem{Setting: env, Key: key, File: values[key].file, Reason: reason})
	}
	bot, app, secret := given("slack.bot_token"), given("slack.app_token"), given("slack.signing_secret")
	switch {
	case !bot && (app || secret):
		add("SLACK_BOT_TOKEN", "slack.bot_token", "required when SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set: Chorus answers through the Web API")
	case bot && !app && !secret:
		add("SLACK_SIGNING_SECRET", "slack.signing_secret", "required in HTTP mode (SLACK_BOT_TOKEN set without SLACK_APP_TOKEN) to verify Slack's requests; or set SLACK_APP_TOKEN for Socket Mode")
	}
	return ps
}

// SlackMode returns "socket" when an app-level token is set (Socket Mode), "http" when a signing
// secret is set (Events API over HTTP), and "" when Chorus runs without Slack.
func (c Config) SlackMode() string {
	switch {
	case c.Slack.AppToken.IsSet():
		return "socket"
	case c.Slack.SigningSecret.IsSet():
		return "http"
	}
	return ""
}

// OpenAIEnabled reports whether the LLM judge may be used: an API key is set, or a base URL points
// at an OpenAI-compatible server that may need none (a local model server).
func (c Config) OpenAIEnabled() bool {
	return c.OpenAI.APIKey.IsSet() || c.OpenAI.BaseURL != ""
}

// Location returns the time zone named by TimeZone. Load has validated it; a Config built by hand
// with an unknown zone gets Europe/Paris, as workspaces do.
func (c Config) Location() *time.Location { return chorus.LoadLocation(c.TimeZone) }

// LogValue renders the configuration for logs with every secret replaced by "set" or "unset" and
// the password of a URI masked.
func (c Config) LogValue() slog.Value {
	mongo := "embedded"
	if c.MongoURI != "" {
		mongo = redactURI(c.MongoURI)
	}
	return slog.GroupValue(
		slog.String("data_dir", c.DataDir),
		slog.String("mongodb_uri", mongo),
		slog.String("mongodb_db", c.MongoDB),
		slog.String("http_addr", c.HTTPAddr),
		slog.String("public_url", c.PublicURL),
		slog.String("log_level", c.LogLevel.String()),
		slog.String("log_format", c.LogFormat),
		slog.String("workspace", c.Workspace),
		slog.String("timezone", c.TimeZone),
		slog.String("lang", string(c.Lang)),
		slog.String("leads", strings.Join(c.Leads, ",")),
		slog.String("command_prefix", c.CommandPrefix),
		slog.Int("workers", c.Workers),
		slog.Int("max_queued", c.MaxQueued),
		slog.Any("slack", c.Slack),
		slog.Any("openai", c.OpenAI),
		slog.Any("scheduler", c.Scheduler),
	)
}

// LogValue renders the Slack settings with the tokens replaced by "set" or "unset".
func (s SlackConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("mode", Config{Slack: s}.SlackMode()),
		slog.String("bot_token", s.BotToken.String()),
		slog.String("app_token", s.AppToken.String()),
		slog.String("signing_secret", s.SigningSecret.String()),
		slog.String("api_url", redactURI(s.APIURL)),
		slog.Bool("allow_bots", s.AllowBots),
	)
}

// LogValue renders the OpenAI settings with the key replaced by "set" or "unset".
func (o OpenAIConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Bool("enabled", Config{OpenAI: o}.OpenAIEnabled()),
		slog.String("api_key", o.APIKey.String()),
		slog.String("base_url", redactURI(o.BaseURL)),
		slog.String("model", o.Model),
		slog.Duration("timeout", o.Timeout),
		slog.Int("max_calls_per_hour", o.MaxCallsPerHour),
	)
}

// LogValue renders the scheduler settings.
func (s SchedulerConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Duration("tick", s.Tick),
		slog.Duration("reminder_grace", s.ReminderGrace),
		slog.String("quiet_hours", s.QuietHours.String()),
		slog.Bool("skip_weekends", s.SkipWeekends),
		slog.Bool("post_empty_digest", s.PostEmptyDigest),
	)
}

// String renders the configuration as "key=value" pairs, redacted like LogValue, so that printing
// a Config with fmt can never leak a secret.
func (c Config) String() string { return render(c.LogValue()) }

// GoString keeps %#v as safe as %v.
func (c Config) GoString() string { return "configs.Config{" + c.String() + "}" }

// MarshalJSON writes the redacted rendering, so that encoding a Config can never leak a secret.
func (c Config) MarshalJSON() ([]byte, error) { return json.Marshal(tree(c.LogValue())) }

// String renders the Slack settings redacted, like Config.String.
func (s SlackConfig) String() string { return render(s.LogValue()) }

// GoString keeps %#v as safe as %v.
func (s SlackConfig) GoString() string { return "configs.SlackConfig{" + s.String() + "}" }

// String renders the OpenAI settings redacted, like Config.String.
func (o OpenAIConfig) String() string { return render(o.LogValue()) }

// GoString keeps %#v as safe as %v.
func (o OpenAIConfig) GoString() string { return "configs.OpenAIConfig{" + o.String() + "}" }

// render writes a group value as space-separated key="value" pairs with dotted nested keys.
func render(v slog.Value) string {
	var b strings.Builder
	writeAttrs(&b, "", v.Resolve().Group())
	return b.String()
}

// tree turns a group value into nested maps for encoding.
func tree(v slog.Value) any {
	v = v.Resolve()
	switch v.Kind() {
	case slog.KindBool, slog.KindInt64:
		return v.Any()
	case slog.KindGroup:
	default:
		return v.String()
	}
	m := map[string]any{}
	for _, a := range v.Group() {
		m[a.Key] = tree(a.Value)
	}
	return m
}

func writeAttrs(b *strings.Builder, prefix string, attrs []slog.Attr) {
	for _, a := range attrs {
		a.Value = a.Value.Resolve()
		if a.Value.Kind() == slog.KindGroup {
			writeAttrs(b, prefix+a.Key+".", a.Value.Group())
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(b, "%s%s=%q", prefix, a.Key, a.Value.String())
	}
}

// redactURI masks the password of scheme://user:password@host/... without parsing the rest, since
// MongoDB URIs list several hosts, which net/url rejects.
func redactURI(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return s
	}
	authority, path, hasPath := strings.Cut(rest, "/")
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return s
	}
	user, _, hasPassword := strings.Cut(authority[:at], ":")
	if !hasPassword {
		return s
	}
	out := scheme + "://" + user + ":xxxxx@" + authority[at+1:]
	if hasPath {
		out += "/" + path
	}
	return out
}

// Problem is one bad setting.
type Problem struct {
	Setting string // environment variable, such as "CHORUS_TIMEZONE"
	Key     string // YAML key, such as "timezone" or "slack.bot_token"
	File    string // the YAML file the value came from, "" when it came from the environment
	Reason  string // why the value is refused; never contains a secret
}

// Error names the setting where the user has to fix it: the variable, or the file and key.
func (p Problem) Error() string {
	switch {
	case p.File != "" && p.Key != "":
		return fmt.Sprintf("%s: %s: %s", p.File, p.Key, p.Reason)
	case p.File != "":
		return p.File + ": " + p.Reason
	}
	return p.Setting + ": " + p.Reason
}

// Problems is every bad setting found by one Load.
type Problems []Problem

// Error lists every problem, one per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return "invalid configuration:\n  " + strings.Join(lines, "\n  ")
}
