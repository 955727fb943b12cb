package configs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
)

// env returns a getenv backed by a map.
func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

// writeFile writes a YAML file in a temporary directory and returns its path.
func writeFile(t testing.TB, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "chorus.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// mustLoad loads and fails the test on any problem.
func mustLoad(t testing.TB, kv map[string]string, file string) Config {
	t.Helper()
	c, err := Load(env(kv), file)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

// problemsOf loads and returns the problems, failing the test when Load succeeds.
func problemsOf(t testing.TB, kv map[string]string, file string) Problems {
	t.Helper()
	_, err := Load(env(kv), file)
	if err == nil {
		t.Fatalf("Load(%v) succeeded, want problems", kv)
	}
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("Load error %v (%T) is not Problems", err, err)
	}
	return ps
}

func TestDefaults(t *testing.T) {
	c := mustLoad(t, nil, "")
	if !reflect.DeepEqual(c, Default()) {
		t.Fatalf("Load with nothing set = %v, want Default() %v", c, Default())
	}
	want := Config{
		DataDir: "./data", MongoDB: "chorus", HTTPAddr: ":3000", LogLevel: slog.LevelInfo, LogFormat: "text",
		Workers: 16, MaxQueued: 10000, Workspace: "console", TimeZone: "Europe/Paris", Lang: chorus.French,
		OpenAI: OpenAIConfig{Model: "gpt-4o-mini", Timeout: 10 * time.Second, MaxCallsPerHour: 200},
		Scheduler: SchedulerConfig{Tick: 30 * time.Second, ReminderGrace: 6 * time.Hour,
			QuietHours: QuietHours{Start: 20 * 60, End: 8 * 60}, SkipWeekends: true},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("defaults = %v\nwant       %v", c, want)
	}
	if c.SlackMode() != "" || c.OpenAIEnabled() {
		t.Errorf("defaults: SlackMode %q, OpenAIEnabled %v; want no Slack, no OpenAI", c.SlackMode(), c.OpenAIEnabled())
	}
	if got := c.Location().String(); got != "Europe/Paris" {
		t.Errorf("Location() = %s", got)
	}
}

func TestEnvSettings(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		check func(c Config) bool
	}{
		{"data dir", map[string]string{"CHORUS_DATA_DIR": "/data"}, func(c Config) bool { return c.DataDir == "/data" }},
		{"mongo uri", map[string]string{"CHORUS_MONGODB_URI": "mongodb://mongo:27017/?replicaSet=rs0"},
			func(c Config) bool { return c.MongoURI == "mongodb://mongo:27017/?replicaSet=rs0" }},
		{"mongo srv", map[string]string{"CHORUS_MONGODB_URI": "mongodb+srv://u:p@cluster0.example.net/"},
			func(c Config) bool { return c.MongoURI == "mongodb+srv://u:p@cluster0.example.net/" }},
		{"mongo db", map[string]string{"CHORUS_MONGODB_DB": "chorus_test"}, func(c Config) bool { return c.MongoDB == "chorus_test" }},
		{"http addr", map[string]string{"CHORUS_HTTP_ADDR": "127.0.0.1:8080"}, func(c Config) bool { return c.HTTPAddr == "127.0.0.1:8080" }},
		{"log level", map[string]string{"CHORUS_LOG_LEVEL": "DEBUG"}, func(c Config) bool { return c.LogLevel == slog.LevelDebug }},
		{"log level warn", map[string]string{"CHORUS_LOG_LEVEL": "warn"}, func(c Config) bool { return c.LogLevel == slog.LevelWarn }},
		{"log level error", map[string]string{"CHORUS_LOG_LEVEL": "error"}, func(c Config) bool { return c.LogLevel == slog.LevelError }},
		{"log format", map[string]string{"CHORUS_LOG_FORMAT": "JSON"}, func(c Config) bool { return c.LogFormat == "json" }},
		{"workspace", map[string]string{"CHORUS_WORKSPACE": "T0001"}, func(c Config) bool { return c.Workspace == "T0001" }},
		{"timezone", map[string]string{"CHORUS_TIMEZONE": "America/Montreal"}, func(c Config) bool {
			return c.TimeZone == "America/Montreal" && c.Location().String() == "America/Montreal"
		}},
		{"lang", map[string]string{"CHORUS_LANG": "en"}, func(c Config) bool { return c.Lang == chorus.English }},
		{"lang region", map[string]string{"CHORUS_LANG": "fr-BE"}, func(c Config) bool { return c.Lang == chorus.French }},
		{"leads", map[string]string{"CHORUS_LEADS": " U012AB3CD, alice,,U012AB3CD "},
			func(c Config) bool { return slices.Equal(c.Leads, []string{"U012AB3CD", "alice"}) }},
		{"command prefix", map[string]string{"CHORUS_COMMAND_PREFIX": "dev-"}, func(c Config) bool { return c.CommandPrefix == "dev-" }},
		{"socket mode", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, func(c Config) bool {
			return c.Slack.BotToken.Reveal() == "xoxb-1" && c.Slack.AppToken.Reveal() == "xapp-1" && c.SlackMode() == "socket"
		}},
		{"http mode", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cr3t"}, func(c Config) bool {
			return c.Slack.SigningSecret.Reveal() == "s3cr3t" && c.SlackMode() == "http"
		}},
		{"socket mode wins over http", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "SLACK_SIGNING_SECRET": "s"},
			func(c Config) bool { return c.SlackMode() == "socket" }},
		{"api url gets its slash", map[string]string{"SLACK_API_URL": "http://127.0.0.1:9999/api"},
			func(c Config) bool { return c.Slack.APIURL == "http://127.0.0.1:9999/api/" }},
		{"api url keeps its slash", map[string]string{"SLACK_API_URL": "https://slack.example/api/"},
			func(c Config) bool { return c.Slack.APIURL == "https://slack.example/api/" }},
		{"allow bots", map[string]string{"SLACK_ALLOW_BOTS": "yes"}, func(c Config) bool { return c.Slack.AllowBots }},
		{"openai key", map[string]string{"OPENAI_API_KEY": "sk-1"}, func(c Config) bool {
			return c.OpenAI.APIKey.Reveal() == "sk-1" && c.OpenAIEnabled()
		}},
		{"openai base url alone enables", map[string]string{"OPENAI_BASE_URL": "http://localhost:11434/v1"}, func(c Config) bool {
			return c.OpenAI.BaseURL == "http://localhost:11434/v1" && c.OpenAIEnabled()
		}},
		{"openai model", map[string]string{"OPENAI_MODEL": "gpt-4.1"}, func(c Config) bool { return c.OpenAI.Model == "gpt-4.1" }},
		{"openai timeout", map[string]string{"OPENAI_TIMEOUT": "1m30s"}, func(c Config) bool { return c.OpenAI.Timeout == 90*time.Second }},
		{"openai budget", map[string]string{"OPENAI_MAX_CALLS_PER_HOUR": "5"}, func(c Config) bool { return c.OpenAI.MaxCallsPerHour == 5 }},
		{"workers", map[string]string{"CHORUS_WORKERS": "4"}, func(c Config) bool { return c.Workers == 4 }},
		{"max queued", map[string]string{"CHORUS_MAX_QUEUED": "500"}, func(c Config) bool { return c.MaxQueued == 500 }},
		{"tick", map[string]string{"CHORUS_SCHEDULER_TICK": "5s"}, func(c Config) bool { return c.Scheduler.Tick == 5*time.Second }},
		{"grace", map[string]string{"CHORUS_REMINDER_GRACE": "90m"}, func(c Config) bool { return c.Scheduler.ReminderGrace == 90*time.Minute }},
		{"quiet hours", map[string]string{"CHORUS_QUIET_HOURS": "12:30-14:00"},
			func(c Config) bool { return c.Scheduler.QuietHours == QuietHours{Start: 750, End: 840} }},
		{"quiet hours off", map[string]string{"CHORUS_QUIET_HOURS": "off"},
			func(c Config) bool { return !c.Scheduler.QuietHours.Enabled() }},
		{"skip weekends", map[string]string{"CHORUS_SKIP_WEEKENDS": "false"}, func(c Config) bool { return !c.Scheduler.SkipWeekends }},
		{"empty digest", map[string]string{"CHORUS_POST_EMPTY_DIGEST": "1"}, func(c Config) bool { return c.Scheduler.PostEmptyDigest }},
		{"blank means default", map[string]string{"CHORUS_TIMEZONE": "  ", "CHORUS_SKIP_WEEKENDS": ""},
			func(c Config) bool { return c.TimeZone == "Europe/Paris" && c.Scheduler.SkipWeekends }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustLoad(t, tt.env, "")
			if !tt.check(c) {
				t.Errorf("env %v gave %v", tt.env, c)
			}
		})
	}
}

func TestEnvOverridesYAML(t *testing.T) {
	file := writeFile(t, `
timezone: America/New_York
lang: en
leads: [U012AB3CD, bob]
slack:
  bot_token: xoxb-from-file
  signing_secret: file-secret
scheduler:
  tick: 10s
  skip_weekends: false
`)
	tests := []struct {
		name string
		env  map[string]string
		want func(c *Config) // applied to the file-only configuration
	}{
		{"file alone", nil, func(c *Config) {}},
		{"env wins", map[string]string{"CHORUS_TIMEZONE": "Asia/Tokyo", "CHORUS_LEADS": "carol", "CHORUS_SCHEDULER_TICK": "1m"},
			func(c *Config) {
				c.TimeZone = "Asia/Tokyo"
				c.Leads = []string{"carol"}
				c.Scheduler.Tick = time.Minute
			}},
		{"empty env does not erase the file", map[string]string{"CHORUS_LANG": ""}, func(c *Config) {}},
		{"env bool overrides file bool", map[string]string{"CHORUS_SKIP_WEEKENDS": "true"}, func(c *Config) { c.Scheduler.SkipWeekends = true }},
	}
	base := Default()
	base.TimeZone = "America/New_York"
	base.Lang = chorus.English
	base.Leads = []string{"U012AB3CD", "bob"}
	base.Slack.BotToken = "xoxb-from-file"
	base.Slack.SigningSecret = "file-secret"
	base.Scheduler.Tick = 10 * time.Second
	base.Scheduler.SkipWeekends = false
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := base
			want.Leads = slices.Clone(base.Leads)
			tt.want(&want)
			got := mustLoad(t, tt.env, file)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %v\nwant %v", got, want)
			}
		})
	}
}

func TestBadSettings(t *testing.T) {
	tests := []struct {
		env     map[string]string
		setting string
		reason  string // a part of the reason
	}{
		{map[string]string{"CHORUS_MONGODB_URI": "postgres://x"}, "CHORUS_MONGODB_URI", `must start with "mongodb://"`},
		{map[string]string{"CHORUS_MONGODB_DB": "my.db"}, "CHORUS_MONGODB_DB", `invalid database name "my.db"`},
		{map[string]string{"CHORUS_HTTP_ADDR": "3000"}, "CHORUS_HTTP_ADDR", `invalid listen address "3000"`},
		{map[string]string{"CHORUS_HTTP_ADDR": ":http"}, "CHORUS_HTTP_ADDR", `invalid port "http"`},
		{map[string]string{"CHORUS_HTTP_ADDR": ":70000"}, "CHORUS_HTTP_ADDR", `invalid port "70000"`},
		{map[string]string{"CHORUS_LOG_LEVEL": "verbose"}, "CHORUS_LOG_LEVEL", `unknown log level "verbose"`},
		{map[string]string{"CHORUS_LOG_FORMAT": "xml"}, "CHORUS_LOG_FORMAT", `unknown log format "xml"`},
		{map[string]string{"CHORUS_WORKSPACE": "my workspace"}, "CHORUS_WORKSPACE", `invalid workspace id "my workspace"`},
		{map[string]string{"CHORUS_TIMEZONE": "Europe/Pariss"}, "CHORUS_TIMEZONE", `unknown time zone "Europe/Pariss"`},
		{map[string]string{"CHORUS_TIMEZONE": "Local"}, "CHORUS_TIMEZONE", `unknown time zone "Local"`},
		{map[string]string{"CHORUS_LANG": "de"}, "CHORUS_LANG", `unknown language "de"`},
		{map[string]string{"CHORUS_LEADS": "U012AB3CD,@alice,Bob"}, "CHORUS_LEADS", `invalid user id "@alice", "Bob"`},
		{map[string]string{"CHORUS_COMMAND_PREFIX": "Dev/"}, "CHORUS_COMMAND_PREFIX", `invalid command prefix "Dev/"`},
		{map[string]string{"SLACK_BOT_TOKEN": "xoxp-123", "SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN", `starting with "xoxb-"`},
		{map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"}, "SLACK_APP_TOKEN", `starting with "xapp-"`},
		{map[string]string{"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN", "required when SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set"},
		{map[string]string{"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN", "required when"},
		{map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET", "required in HTTP mode"},
		{map[string]string{"SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL", `invalid URL "slack.com/api"`},
		{map[string]string{"SLACK_API_URL": "ftp://slack.com/api/"}, "SLACK_API_URL", `invalid URL "ftp://slack.com/api/"`},
		{map[string]string{"SLACK_ALLOW_BOTS": "maybe"}, "SLACK_ALLOW_BOTS", `invalid boolean "maybe"`},
		{map[string]string{"OPENAI_BASE_URL": "localhost:11434"}, "OPENAI_BASE_URL", `invalid URL "localhost:11434"`},
		{map[string]string{"OPENAI_TIMEOUT": "10"}, "OPENAI_TIMEOUT", `invalid duration "10"`},
		{map[string]string{"OPENAI_TIMEOUT": "0s"}, "OPENAI_TIMEOUT", `duration "0s" must be positive`},
		{map[string]string{"OPENAI_MAX_CALLS_PER_HOUR": "0"}, "OPENAI_MAX_CALLS_PER_HOUR", `invalid number "0"`},
		{map[string]string{"OPENAI_MAX_CALLS_PER_HOUR": "lots"}, "OPENAI_MAX_CALLS_PER_HOUR", `invalid number "lots"`},
		{map[string]string{"CHORUS_WORKERS": "0"}, "CHORUS_WORKERS", `invalid number "0"`},
		{map[string]string{"CHORUS_MAX_QUEUED": "many"}, "CHORUS_MAX_QUEUED", `invalid number "many"`},
		{map[string]string{"CHORUS_SCHEDULER_TICK": "-30s"}, "CHORUS_SCHEDULER_TICK", `duration "-30s" must be positive`},
		{map[string]string{"CHORUS_REMINDER_GRACE": "6 hours"}, "CHORUS_REMINDER_GRACE", `invalid duration "6 hours"`},
		{map[string]string{"CHORUS_QUIET_HOURS": "8pm-8am"}, "CHORUS_QUIET_HOURS", `invalid quiet hours "8pm-8am"`},
		{map[string]string{"CHORUS_QUIET_HOURS": "25:00-08:00"}, "CHORUS_QUIET_HOURS", `invalid quiet hours "25:00-08:00"`},
		{map[string]string{"CHORUS_QUIET_HOURS": "08:00-08:00"}, "CHORUS_QUIET_HOURS", "the window is empty"},
		{map[string]string{"CHORUS_SKIP_WEEKENDS": "sometimes"}, "CHORUS_SKIP_WEEKENDS", `invalid boolean "sometimes"`},
		{map[string]string{"CHORUS_POST_EMPTY_DIGEST": "2"}, "CHORUS_POST_EMPTY_DIGEST", `invalid boolean "2"`},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.env), func(t *testing.T) {
			ps := problemsOf(t, tt.env, "")
			if len(ps) != 1 {
				t.Fatalf("got %d problems, want 1: %v", len(ps), ps)
			}
			p := ps[0]
			if p.Setting != tt.setting || !strings.Contains(p.Reason, tt.reason) {
				t.Errorf("problem %+v, want setting %s and reason containing %q", p, tt.setting, tt.reason)
			}
			if want := tt.setting + ": "; !strings.HasPrefix(p.Error(), want) {
				t.Errorf("Error() = %q, want it to start with %q", p.Error(), want)
			}
		})
	}
}

func TestSeveralProblemsReportedTogether(t *testing.T) {
	_, err := Load(env(map[string]string{
		"CHORUS_TIMEZONE":       "Europe/Pariss",
		"CHORUS_LANG":           "es",
		"OPENAI_TIMEOUT":        "-1s",
		"SLACK_BOT_TOKEN":       "xoxb-ok",
		"CHORUS_SCHEDULER_TICK": "soon",
	}), "")
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("Load error %v is not Problems", err)
	}
	want := []string{
		`CHORUS_TIMEZONE: unknown time zone "Europe/Pariss"`,
		`CHORUS_LANG: unknown language "es"`,
		`OPENAI_TIMEOUT: duration "-1s" must be positive`,
		`CHORUS_SCHEDULER_TICK: invalid duration "soon"`,
		`SLACK_SIGNING_SECRET: required in HTTP mode`,
	}
	if len(ps) != len(want) {
		t.Errorf("got %d problems, want %d:\n%v", len(ps), len(want), err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not report %q:\n%v", w, err)
		}
	}
}

func TestYAMLProblems(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		env  map[string]string
		want []string
	}{
		{"unknown key", "timezon: Europe/Paris\n", nil, []string{"chorus.yaml:1: timezon: unknown setting"}},
		{"unknown nested key", "slack:\n  bot_tokn: xoxb-1\n", nil, []string{"chorus.yaml:2: slack.bot_tokn: unknown setting"}},
		{"section is not a mapping", "slack: xoxb-1\n", nil, []string{"slack: expected a mapping of settings"}},
		{"list where a value is expected", "timezone: [Europe/Paris]\n", nil, []string{"timezone: expected a single value"}},
		{"mapping for a list", "leads: {a: b}\n", nil, []string{"leads: expected a value or a list of values"}},
		{"set twice", "lang: fr\nlang: en\n", nil, []string{"lang: set twice"}},
		{"bad value with line", "lang: fr\nscheduler:\n  tick: -5s\n", nil, []string{`chorus.yaml:3: scheduler.tick: duration "-5s" must be positive`}},
		{"bad value hidden by env is no problem... but others are", "lang: de\ntimezone: Mars/Olympus\n",
			map[string]string{"CHORUS_LANG": "en"}, []string{`timezone: unknown time zone "Mars/Olympus"`}},
		{"not yaml", "lang: [fr\n", nil, []string{"not valid YAML"}},
		{"not a mapping", "- fr\n", nil, []string{"expected a mapping of settings"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := problemsOf(t, tt.env, writeFile(t, tt.yaml))
			if len(ps) != len(tt.want) {
				t.Errorf("got %d problems, want %d: %v", len(ps), len(tt.want), ps)
			}
			for _, w := range tt.want {
				if !strings.Contains(ps.Error(), w) {
					t.Errorf("problems do not contain %q:\n%v", w, ps)
				}
			}
		})
	}
	t.Run("empty file", func(t *testing.T) {
		if c := mustLoad(t, nil, writeFile(t, "# nothing\n")); !reflect.DeepEqual(c, Default()) {
			t.Errorf("empty file gave %v", c)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		_, err := Load(env(nil), filepath.Join(t.TempDir(), "nope.yaml"))
		if !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Load(missing file) = %v, want ErrNotExist", err)
		}
	})
}

func TestSecretsNeverPrinted(t *testing.T) {
	secrets := map[string]string{
		"SLACK_BOT_TOKEN":      "xoxb-bot-SECRET-1",
		"SLACK_APP_TOKEN":      "xapp-app-SECRET-2",
		"SLACK_SIGNING_SECRET": "signing-SECRET-3",
		"OPENAI_API_KEY":       "sk-SECRET-4",
		"CHORUS_MONGODB_URI":   "mongodb://chorus:pw-SECRET-5@mongo1:27017,mongo2:27017/?replicaSet=rs0",
		"OPENAI_BASE_URL":      "https://user:pw-SECRET-6@llm.example/v1",
	}
	c := mustLoad(t, secrets, "")

	var text, js bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("config", "config", c)
	slog.New(slog.NewJSONHandler(&js, nil)).Info("config", "config", c)
	marshalled, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{
		"String":    c.String(),
		"%v":        fmt.Sprintf("%v", c),
		"%+v":       fmt.Sprintf("%+v", c),
		"%#v":       fmt.Sprintf("%#v", c),
		"%v slack":  fmt.Sprintf("%v %+v %#v", c.Slack, c.Slack, c.Slack),
		"%v openai": fmt.Sprintf("%v %+v %#v", c.OpenAI, c.OpenAI, c.OpenAI),
		"slog text": text.String(),
		"slog json": js.String(),
		"json":      string(marshalled),
	}
	for name, out := range outputs {
		for _, secret := range []string{"SECRET-1", "SECRET-2", "SECRET-3", "SECRET-4", "SECRET-5", "SECRET-6"} {
			if strings.Contains(out, secret) {
				t.Errorf("%s output leaks %s: %s", name, secret, out)
			}
		}
	}
	for _, want := range []string{`slack.bot_token="set"`, `openai.api_key="set"`, `slack.mode="socket"`,
		`mongodb_uri="mongodb://chorus:xxxxx@mongo1:27017,mongo2:27017/?replicaSet=rs0"`} {
		if !strings.Contains(c.String(), want) {
			t.Errorf("String() lacks %s: %s", want, c.String())
		}
	}

	// A refused secret must not be echoed in the problem either.
	bad := map[string]string{
		"SLACK_BOT_TOKEN":    "xoxp-user-SECRET-7",
		"SLACK_APP_TOKEN":    "xoxa-SECRET-8",
		"CHORUS_MONGODB_URI": "mongo://u:SECRET-9@h",
		"SLACK_API_URL":      "ftp://u:SECRET-10@h/",
	}
	_, err = Load(env(bad), "")
	if err == nil {
		t.Fatal("bad secrets accepted")
	}
	for _, secret := range []string{"SECRET-7", "SECRET-8", "SECRET-9", "SECRET-10"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("problem leaks %s: %v", secret, err)
		}
	}
}

func TestRedactURI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"mongodb://mongo:27017/?replicaSet=rs0", "mongodb://mongo:27017/?replicaSet=rs0"},
		{"mongodb://user@mongo/", "mongodb://user@mongo/"},
		{"mongodb://user:p@ss:word@mongo", "mongodb://user:xxxxx@mongo"},
		{"mongodb+srv://u:p@c.example.net/db?w=majority", "mongodb+srv://u:xxxxx@c.example.net/db?w=majority"},
		{"https://a:b@x/y@z", "https://a:xxxxx@x/y@z"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := redactURI(tt.in); got != tt.want {
				t.Errorf("redactURI(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestSettingsCoverConfig fails when a Config field is added without a setting (or the reverse),
// counting leaf fields by reflection.
func TestSettingsCoverConfig(t *testing.T) {
	var leaves func(reflect.Type) int
	leaves = func(rt reflect.Type) int {
		n := 0
		for f := range rt.Fields() {
			if f.Type.Kind() == reflect.Struct && strings.HasSuffix(f.Type.Name(), "Config") {
				n += leaves(f.Type)
			} else {
				n++
			}
		}
		return n
	}
	if got, want := len(settings), leaves(reflect.TypeFor[Config]()); got != want {
		t.Errorf("%d settings for %d Config fields", got, want)
	}
	envs, keys := map[string]bool{}, map[string]bool{}
	for _, s := range settings {
		if envs[s.env] || keys[s.key] {
			t.Errorf("setting %s / %s declared twice", s.env, s.key)
		}
		envs[s.env], keys[s.key] = true, true
	}
}

func TestQuietHours(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	at := func(day, h, m int) time.Time { return time.Date(2027, time.March, day, h, m, 0, 0, paris) }
	night := QuietHours{Start: 20 * 60, End: 8 * 60}
	lunch := QuietHours{Start: 12*60 + 30, End: 14 * 60}
	tests := []struct {
		name     string
		q        QuietHours
		t        time.Time
		contains bool
		next     time.Time
	}{
		{"evening", night, at(10, 21, 0), true, at(11, 8, 0)},
		{"start is inside", night, at(10, 20, 0), true, at(11, 8, 0)},
		{"after midnight", night, at(11, 2, 15), true, at(11, 8, 0)},
		{"end is outside", night, at(11, 8, 0), false, at(11, 8, 0)},
		{"day", night, at(11, 12, 0), false, at(11, 12, 0)},
		{"lunch", lunch, at(11, 13, 0), true, at(11, 14, 0)},
		{"before lunch", lunch, at(11, 12, 29), false, at(11, 12, 29)},
		{"off", QuietHours{}, at(11, 3, 0), false, at(11, 3, 0)},
		// The night of the DST change (28 March 2027 in Paris): 08:00 is still a wall-clock 08:00.
		{"dst night", night, at(27, 23, 0), true, at(28, 8, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.q.Contains(tt.t); got != tt.contains {
				t.Errorf("%v.Contains(%v) = %v", tt.q, tt.t, got)
			}
			if got := tt.q.Next(tt.t); !got.Equal(tt.next) {
				t.Errorf("%v.Next(%v) = %v, want %v", tt.q, tt.t, got, tt.next)
			}
		})
	}
	for _, s := range []string{"20:00-08:00", "12:30-14:00", "off"} {
		q, err := ParseQuietHours(s)
		if err != nil || q.String() != s {
			t.Errorf("ParseQuietHours(%q) = %v, %v; want it to print back", s, q, err)
		}
	}
}
