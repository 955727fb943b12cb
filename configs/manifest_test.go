package configs

import (
	"bytes"
	"regexp"
	"slices"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// manifest is the part of Slack's manifest schema (manifest.schema.1.0.0.json) that Chorus uses.
// Decoding with KnownFields makes a misspelt key fail the test instead of being ignored by Slack.
type manifest struct {
	Metadata struct {
		MajorVersion int `yaml:"major_version"`
		MinorVersion int `yaml:"minor_version"`
	} `yaml:"_metadata"`
	DisplayInformation struct {
		Name            string `yaml:"name"`
		Description     string `yaml:"description"`
		BackgroundColor string `yaml:"background_color"`
		LongDescription string `yaml:"long_description"`
	} `yaml:"display_information"`
	Features struct {
		AppHome struct {
			HomeTabEnabled             bool `yaml:"home_tab_enabled"`
			MessagesTabEnabled         bool `yaml:"messages_tab_enabled"`
			MessagesTabReadOnlyEnabled bool `yaml:"messages_tab_read_only_enabled"`
		} `yaml:"app_home"`
		BotUser struct {
			DisplayName  string `yaml:"display_name"`
			AlwaysOnline bool   `yaml:"always_online"`
		} `yaml:"bot_user"`
		SlashCommands []struct {
			Command      string `yaml:"command"`
			Description  string `yaml:"description"`
			URL          string `yaml:"url"`
			UsageHint    string `yaml:"usage_hint"`
			ShouldEscape *bool  `yaml:"should_escape"`
		} `yaml:"slash_commands"`
		Shortcuts []struct {
			Name        string `yaml:"name"`
			Type        string `yaml:"type"`
			CallbackID  string `yaml:"callback_id"`
			Description string `yaml:"description"`
		} `yaml:"shortcuts"`
	} `yaml:"features"`
	OAuthConfig struct {
		Scopes struct {
			Bot  []string `yaml:"bot"`
			User []string `yaml:"user"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		EventSubscriptions struct {
			RequestURL string   `yaml:"request_url"`
			BotEvents  []string `yaml:"bot_events"`
		} `yaml:"event_subscriptions"`
		Interactivity struct {
			IsEnabled  *bool  `yaml:"is_enabled"`
			RequestURL string `yaml:"request_url"`
		} `yaml:"interactivity"`
		OrgDeployEnabled     bool `yaml:"org_deploy_enabled"`
		SocketModeEnabled    bool `yaml:"socket_mode_enabled"`
		TokenRotationEnabled bool `yaml:"token_rotation_enabled"`
	} `yaml:"settings"`
}

func loadManifest(t testing.TB) manifest {
	t.Helper()
	var m manifest
	dec := yaml.NewDecoder(bytes.NewReader(Manifest))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("manifest.yaml: %v", err)
	}
	return m
}

// length counts characters as Slack does, not bytes: the descriptions are partly French.
func length(s string) int { return utf8.RuneCountInString(s) }

// TestManifestSchemaLimits checks the limits of Slack's manifest schema (rules.md §7 and §10).
func TestManifestSchemaLimits(t *testing.T) {
	m := loadManifest(t)
	d := m.DisplayInformation
	if n := length(d.Name); n < 1 || n > 35 {
		t.Errorf("display_information.name has %d characters, want 1-35", n)
	}
	if n := length(d.Description); n < 1 || n > 140 {
		t.Errorf("display_information.description has %d characters, want 1-140", n)
	}
	if n := length(d.LongDescription); d.LongDescription != "" && (n < 175 || n > 4000) {
		t.Errorf("display_information.long_description has %d characters, want 175-4000", n)
	}
	if d.BackgroundColor != "" && !regexp.MustCompile(`^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$`).MatchString(d.BackgroundColor) {
		t.Errorf("background_color %q is not #rgb or #rrggbb", d.BackgroundColor)
	}
	if n := length(m.Features.BotUser.DisplayName); n < 1 || n > 80 {
		t.Errorf("bot_user.display_name has %d characters, want 1-80", n)
	}

	cmds := m.Features.SlashCommands
	if len(cmds) < 1 || len(cmds) > 50 {
		t.Errorf("%d slash commands, want 1-50", len(cmds))
	}
	commandRE := regexp.MustCompile(`^/`)
	seen := map[string]bool{}
	for _, c := range cmds {
		t.Run(c.Command, func(t *testing.T) {
			if n := length(c.Command); !commandRE.MatchString(c.Command) || n < 2 || n > 32 {
				t.Errorf("command %q: want ^/ and 2-32 characters", c.Command)
			}
			// Leave room for the longest CHORUS_COMMAND_PREFIX (20) in a renamed test app.
			if n := length(c.Command); n+20 > 32 {
				t.Errorf("command %q is too long to take a 20-character prefix", c.Command)
			}
			if seen[c.Command] {
				t.Errorf("command %q declared twice", c.Command)
			}
			seen[c.Command] = true
			if n := length(c.Description); n < 1 || n > 2000 {
				t.Errorf("description has %d characters, want 1-2000", n)
			}
			if n := length(c.UsageHint); n > 1000 {
				t.Errorf("usage_hint has %d characters, want at most 1000", n)
			}
			if c.ShouldEscape == nil || *c.ShouldEscape {
				t.Errorf("should_escape must be false explicitly: Chorus reads raw text")
			}
			if m.Settings.SocketModeEnabled && c.URL != "" {
				t.Errorf("url %q set in Socket Mode", c.URL)
			}
			if !m.Settings.SocketModeEnabled && len(c.URL) > 3000 {
				t.Errorf("url longer than 3000 characters")
			}
		})
	}

	if n := len(m.Features.Shortcuts); n > 10 {
		t.Errorf("%d shortcuts, want at most 10", n)
	}
	for _, s := range m.Features.Shortcuts {
		if n := length(s.Name); n < 1 || n > 24 {
			t.Errorf("shortcut %q: name has %d characters, want 1-24", s.Name, n)
		}
		if s.Type != "message" && s.Type != "global" {
			t.Errorf("shortcut %q: type %q, want message or global", s.Name, s.Type)
		}
		if n := length(s.CallbackID); n < 1 || n > 255 {
			t.Errorf("shortcut %q: callback_id has %d characters, want 1-255", s.Name, n)
		}
		if n := length(s.Description); n < 1 || n > 150 {
			t.Errorf("shortcut %q: description has %d characters, want 1-150", s.Name, n)
		}
	}

	events := m.Settings.EventSubscriptions.BotEvents
	if len(events) > 100 {
		t.Errorf("%d bot events, want at most 100", len(events))
	}
	if m.Settings.Interactivity.IsEnabled == nil {
		t.Errorf("settings.interactivity.is_enabled is required")
	}
	if m.Settings.SocketModeEnabled && (m.Settings.EventSubscriptions.RequestURL != "" || m.Settings.Interactivity.RequestURL != "") {
		t.Errorf("request_url set in Socket Mode: Slack would ignore it, and it suggests HTTP mode")
	}
	for _, list := range [][]string{m.OAuthConfig.Scopes.Bot, events} {
		for i, s := range list {
			if slices.Contains(list[:i], s) {
				t.Errorf("%q listed twice", s)
			}
		}
	}
}

// TestManifestScopes checks that each declared event and feature has the bot scope it needs
// (rules.md §9), and that no scope is requested without a use.
func TestManifestScopes(t *testing.T) {
	m := loadManifest(t)
	scopes := m.OAuthConfig.Scopes.Bot
	eventScope := map[string]string{
		"app_mention":      "app_mentions:read",
		"message.channels": "channels:history",
		"message.groups":   "groups:history",
		"message.im":       "im:history",
		"message.mpim":     "mpim:history",
		"reaction_added":   "reactions:read",
		"reaction_removed": "reactions:read",
		"app_home_opened":  "",
	}
	for _, e := range m.Settings.EventSubscriptions.BotEvents {
		need, known := eventScope[e]
		if !known {
			t.Errorf("event %q: add its scope to this test", e)
			continue
		}
		if need != "" && !slices.Contains(scopes, need) {
			t.Errorf("event %q needs scope %q", e, need)
		}
	}
	if (len(m.Features.SlashCommands) > 0 || len(m.Features.Shortcuts) > 0) && !slices.Contains(scopes, "commands") {
		t.Errorf("slash commands and shortcuts need the commands scope")
	}
	if m.Features.BotUser.DisplayName != "" && !slices.Contains(scopes, "chat:write") {
		t.Errorf("the bot posts messages: chat:write is needed")
	}
	if len(m.OAuthConfig.Scopes.User) > 0 {
		t.Errorf("user scopes %v: Chorus acts as its bot only", m.OAuthConfig.Scopes.User)
	}
}

// TestManifestChorus checks what the rest of Chorus relies on: the command names the commands
// package dispatches on, the shortcut callback ids the bot routes, the App Home, Socket Mode.
func TestManifestChorus(t *testing.T) {
	m := loadManifest(t)
	if m.DisplayInformation.Name != "Chorus" {
		t.Errorf("app name %q", m.DisplayInformation.Name)
	}
	var commands []string
	for _, c := range m.Features.SlashCommands {
		commands = append(commands, c.Command)
	}
	if want := []string{"/campaign", "/glossary", "/chorus", "/minutes"}; !slices.Equal(commands, want) {
		t.Errorf("commands %v, want %v", commands, want)
	}
	shortcuts := map[string]string{}
	for _, s := range m.Features.Shortcuts {
		if s.Type != "message" {
			t.Errorf("shortcut %q is %s, want a message shortcut", s.CallbackID, s.Type)
		}
		shortcuts[s.CallbackID] = s.Name
	}
	want := map[string]string{"check_copy": "Check against campaign", "save_minutes": "Save thread as minutes"}
	if len(shortcuts) != len(want) {
		t.Errorf("shortcuts %v, want %v", shortcuts, want)
	}
	for id, name := range want {
		if shortcuts[id] != name {
			t.Errorf("shortcut %s is named %q, want %q", id, shortcuts[id], name)
		}
	}
	wantScopes := []string{"app_mentions:read", "channels:history", "channels:read", "chat:write", "commands",
		"files:read", "files:write", "groups:history", "groups:read", "im:history", "im:write", "reactions:read",
		"reactions:write", "users:read"}
	got := slices.Sorted(slices.Values(m.OAuthConfig.Scopes.Bot))
	if !slices.Equal(got, wantScopes) {
		t.Errorf("bot scopes %v, want %v", got, wantScopes)
	}
	wantEvents := []string{"app_home_opened", "app_mention", "message.channels", "message.groups", "reaction_added"}
	if got := slices.Sorted(slices.Values(m.Settings.EventSubscriptions.BotEvents)); !slices.Equal(got, wantEvents) {
		t.Errorf("bot events %v, want %v", got, wantEvents)
	}
	home := m.Features.AppHome
	if !home.HomeTabEnabled || !home.MessagesTabEnabled {
		t.Errorf("app_home %+v: want the Home and Messages tabs", home)
	}
	if ie := m.Settings.Interactivity.IsEnabled; ie == nil || !*ie {
		t.Errorf("interactivity must be enabled: buttons, modals and shortcuts need it")
	}
	if !m.Settings.SocketModeEnabled {
		t.Errorf("the shipped manifest uses Socket Mode")
	}
}
