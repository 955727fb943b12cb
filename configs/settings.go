package configs

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/chorus-hq/chorus"
)

// setting is one configuration entry: its environment variable, its YAML key (dots separate
// nesting levels) and how a value is parsed into a Config. A set function's error says why the
// value is refused; for a secret setting it must not quote the value.
type setting struct {
	env  string
	key  string
	list bool // the YAML file may give a sequence, read as a comma-separated list
	set  func(c *Config, v string) error
}

// settings is the single table behind the environment, the YAML file and the example-file test.
var settings = []setting{
	{env: "CHORUS_DATA_DIR", key: "data_dir", set: func(c *Config, v string) error {
		c.DataDir = v
		return nil
	}},
	{env: "CHORUS_MONGODB_URI", key: "mongodb_uri", set: func(c *Config, v string) error {
		if !strings.HasPrefix(v, "mongodb://") && !strings.HasPrefix(v, "mongodb+srv://") {
			// The value is not quoted: a malformed URI may still carry a password.
			return errors.New(`must start with "mongodb://" or "mongodb+srv://"`)
		}
		c.MongoURI = v
		return nil
	}},
	{env: "CHORUS_MONGODB_DB", key: "mongodb_db", set: func(c *Config, v string) error {
		// MongoDB refuses these characters in database names, and limits names to 63 bytes.
		if len(v) > 63 || strings.ContainsAny(v, "/\\. \"$*<>:|?") {
			return fmt.Errorf("invalid database name %q: at most 63 bytes, none of / \\ . space \" $ * < > : | ?", v)
		}
		c.MongoDB = v
		return nil
	}},
	{env: "CHORUS_HTTP_ADDR", key: "http_addr", set: func(c *Config, v string) error {
		_, port, err := net.SplitHostPort(v)
		if err != nil {
			return fmt.Errorf("invalid listen address %q: want host:port or :port", v)
		}
		if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
			return fmt.Errorf("invalid port %q in %q", port, v)
		}
		c.HTTPAddr = v
		return nil
	}},
	{env: "CHORUS_LOG_LEVEL", key: "log_level", set: func(c *Config, v string) error {
		switch strings.ToLower(v) {
		case "debug":
			c.LogLevel = slog.LevelDebug
		case "info":
			c.LogLevel = slog.LevelInfo
		case "warn", "warning":
			c.LogLevel = slog.LevelWarn
		case "error":
			c.LogLevel = slog.LevelError
		default:
			return fmt.Errorf("unknown log level %q: want debug, info, warn or error", v)
		}
		return nil
	}},
	{env: "CHORUS_LOG_FORMAT", key: "log_format", set: func(c *Config, v string) error {
		v = strings.ToLower(v)
		if v != "text" && v != "json" {
			return fmt.Errorf("unknown log format %q: want text or json", v)
		}
		c.LogFormat = v
		return nil
	}},
	{env: "CHORUS_WORKSPACE", key: "workspace", set: func(c *Config, v string) error {
		if !workspaceRE.MatchString(v) {
			return fmt.Errorf("invalid workspace id %q: letters, digits, - and _ only, at most 64", v)
		}
		c.Workspace = v
		return nil
	}},
	{env: "CHORUS_TIMEZONE", key: "timezone", set: func(c *Config, v string) error {
		// "Local" depends on the host, which is exactly what a configured zone must not do.
		if _, err := time.LoadLocation(v); err != nil || v == "Local" {
			return fmt.Errorf("unknown time zone %q: want an IANA name such as Europe/Paris", v)
		}
		c.TimeZone = v
		return nil
	}},
	{env: "CHORUS_LANG", key: "lang", set: func(c *Config, v string) error {
		l, ok := chorus.ParseLang(v)
		if !ok {
			return fmt.Errorf("unknown language %q: want fr or en", v)
		}
		c.Lang = l
		return nil
	}},
	{env: "CHORUS_LEADS", key: "leads", list: true, set: func(c *Config, v string) error {
		var leads, bad []string
		for _, u := range strings.Split(v, ",") {
			u = strings.TrimSpace(u)
			switch {
			case u == "" || slices.Contains(leads, u):
			case !chorus.ValidUserID(u):
				bad = append(bad, strconv.Quote(u))
			default:
				leads = append(leads, u)
			}
		}
		if len(bad) > 0 {
			return fmt.Errorf("invalid user id %s: want Slack ids such as U012AB3CD, comma-separated", strings.Join(bad, ", "))
		}
		c.Leads = leads
		return nil
	}},
	{env: "CHORUS_PUBLIC_URL", key: "public_url", set: func(c *Config, v string) error {
		u, err := baseURL(v)
		if err != nil {
			return err
		}
		c.PublicURL = strings.TrimSuffix(u, "/")
		return nil
	}},
	{env: "CHORUS_COMMAND_PREFIX", key: "command_prefix", set: func(c *Config, v string) error {
		if !prefixRE.MatchString(v) {
			return fmt.Errorf("invalid command prefix %q: lowercase letters, digits, - and _ only, at most 20", v)
		}
		c.CommandPrefix = v
		return nil
	}},
	{env: "CHORUS_WORKERS", key: "workers", set: func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1024 {
			return fmt.Errorf("invalid number %q: want a whole number from 1 to 1024", v)
		}
		c.Workers = n
		return nil
	}},
	{env: "CHORUS_MAX_QUEUED", key: "max_queued", set: func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000000 {
			return fmt.Errorf("invalid number %q: want a whole number from 1 to 1000000", v)
		}
		c.MaxQueued = n
		return nil
	}},

	{env: "SLACK_BOT_TOKEN", key: "slack.bot_token", set: func(c *Config, v string) error {
		if !strings.HasPrefix(v, "xoxb-") {
			return errors.New(`must be a bot token starting with "xoxb-"`)
		}
		c.Slack.BotToken = Secret(v)
		return nil
	}},
	{env: "SLACK_APP_TOKEN", key: "slack.app_token", set: func(c *Config, v string) error {
		if !strings.HasPrefix(v, "xapp-") {
			return errors.New(`must be an app-level token starting with "xapp-"`)
		}
		c.Slack.AppToken = Secret(v)
		return nil
	}},
	{env: "SLACK_SIGNING_SECRET", key: "slack.signing_secret", set: func(c *Config, v string) error {
		c.Slack.SigningSecret = Secret(v)
		return nil
	}},
	{env: "SLACK_API_URL", key: "slack.api_url", set: func(c *Config, v string) error {
		u, err := baseURL(v)
		if err != nil {
			return err
		}
		if !strings.HasSuffix(u, "/") {
			// slack-go appends method names to the base URL as is.
			u += "/"
		}
		c.Slack.APIURL = u
		return nil
	}},
	{env: "SLACK_ALLOW_BOTS", key: "slack.allow_bots", set: func(c *Config, v string) (err error) {
		c.Slack.AllowBots, err = parseBool(v)
		return err
	}},

	{env: "OPENAI_API_KEY", key: "openai.api_key", set: func(c *Config, v string) error {
		c.OpenAI.APIKey = Secret(v)
		return nil
	}},
	{env: "OPENAI_BASE_URL", key: "openai.base_url", set: func(c *Config, v string) (err error) {
		c.OpenAI.BaseURL, err = baseURL(v)
		return err
	}},
	{env: "OPENAI_MODEL", key: "openai.model", set: func(c *Config, v string) error {
		c.OpenAI.Model = v
		return nil
	}},
	{env: "OPENAI_TIMEOUT", key: "openai.timeout", set: func(c *Config, v string) (err error) {
		c.OpenAI.Timeout, err = positiveDuration(v)
		return err
	}},
	{env: "OPENAI_MAX_CALLS_PER_HOUR", key: "openai.max_calls_per_hour", set: func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fmt.Errorf("invalid number %q: want a whole number of at least 1", v)
		}
		c.OpenAI.MaxCallsPerHour = n
		return nil
	}},

	{env: "CHORUS_SCHEDULER_TICK", key: "scheduler.tick", set: func(c *Config, v string) (err error) {
		c.Scheduler.Tick, err = positiveDuration(v)
		return err
	}},
	{env: "CHORUS_REMINDER_GRACE", key: "scheduler.reminder_grace", set: func(c *Config, v string) (err error) {
		c.Scheduler.ReminderGrace, err = positiveDuration(v)
		return err
	}},
	{env: "CHORUS_QUIET_HOURS", key: "scheduler.quiet_hours", set: func(c *Config, v string) (err error) {
		c.Scheduler.QuietHours, err = ParseQuietHours(v)
		return err
	}},
	{env: "CHORUS_SKIP_WEEKENDS", key: "scheduler.skip_weekends", set: func(c *Config, v string) (err error) {
		c.Scheduler.SkipWeekends, err = parseBool(v)
		return err
	}},
	{env: "CHORUS_POST_EMPTY_DIGEST", key: "scheduler.post_empty_digest", set: func(c *Config, v string) (err error) {
		c.Scheduler.PostEmptyDigest, err = parseBool(v)
		return err
	}},
}

var (
	workspaceRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	// prefixRE keeps "/" + prefix + the longest command name within Slack's 32 characters.
	prefixRE = regexp.MustCompile(`^[a-z0-9_-]{0,20}$`)
)

// baseURL checks that v is an absolute http(s) URL. A refused value is quoted only when it cannot
// hold credentials (no "@").
func baseURL(v string) (string, error) {
	u, err := url.Parse(v)
	if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		return v, nil
	}
	if strings.Contains(v, "@") {
		return "", errors.New("not an absolute http:// or https:// URL")
	}
	return "", fmt.Errorf("invalid URL %q: want an absolute http:// or https:// URL", v)
}

func positiveDuration(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q: want a number with a unit, such as 30s, 10m or 6h", v)
	}
	if d <= 0 {
		return 0, fmt.Errorf("duration %q must be positive", v)
	}
	return d, nil
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "1", "t", "true", "yes", "y", "on":
		return true, nil
	case "0", "f", "false", "no", "n", "off":
		return false, nil
	}
	return false, fmt.Errorf("invalid boolean %q: want true or false", v)
}

// value is a setting's raw text and where it came from ("" for the environment).
type value struct {
	text string
	file string
}

// parseYAML flattens the file into dotted keys. Empty and null values count as unset, as empty
// environment variables do; unknown keys are problems, so that a typo is not silently ignored.
func parseYAML(data []byte, file string) (map[string]value, Problems) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, Problems{{File: file, Reason: fmt.Sprintf("not valid YAML: %v", err)}}
	}
	values := map[string]value{}
	if len(doc.Content) == 0 { // an empty or comment-only file
		return values, nil
	}
	known := map[string]setting{}
	sections := map[string]bool{}
	for _, s := range settings {
		known[s.key] = s
		if section, _, ok := strings.Cut(s.key, "."); ok {
			sections[section] = true
		}
	}
	var ps Problems
	problem := func(key string, n *yaml.Node, reason string) {
		ps = append(ps, Problem{Setting: known[key].env, Key: key, File: fmt.Sprintf("%s:%d", file, n.Line), Reason: reason})
	}
	var walk func(prefix string, n *yaml.Node)
	walk = func(prefix string, n *yaml.Node) {
		if n.Kind != yaml.MappingNode {
			problem(strings.TrimSuffix(prefix, "."), n, "expected a mapping of settings")
			return
		}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			key := prefix + k.Value
			if seen[key] {
				problem(key, k, "set twice")
				continue
			}
			seen[key] = true
			if prefix == "" && sections[key] {
				if !isNull(v) {
					walk(key+".", v)
				}
				continue
			}
			s, ok := known[key]
			if !ok {
				problem(key, k, "unknown setting")
				continue
			}
			text, err := scalarText(v, s.list)
			if err != nil {
				problem(key, v, err.Error())
				continue
			}
			if strings.TrimSpace(text) != "" {
				values[key] = value{text: text, file: fmt.Sprintf("%s:%d", file, v.Line)}
			}
		}
	}
	walk("", doc.Content[0])
	return values, ps
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// scalarText returns the text of a scalar, or of a sequence of scalars joined by commas for a list.
func scalarText(n *yaml.Node, list bool) (string, error) {
	switch {
	case isNull(n):
		return "", nil
	case n.Kind == yaml.ScalarNode:
		return n.Value, nil
	case n.Kind == yaml.SequenceNode && list:
		items := make([]string, 0, len(n.Content))
		for _, item := range n.Content {
			if item.Kind != yaml.ScalarNode {
				return "", errors.New("expected a list of values")
			}
			items = append(items, item.Value)
		}
		return strings.Join(items, ","), nil
	case list:
		return "", errors.New("expected a value or a list of values")
	}
	return "", errors.New("expected a single value")
}
