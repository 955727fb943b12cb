// Package settings answers "/chorus lang" (a user's language) and "/chorus settings" (a
// workspace's language, time zone, leads, channel kinds and front-line channels).
package settings

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// Store is what the settings need from persistence.
type Store interface {
	feature.WorkspaceReader
	SaveWorkspace(ctx context.Context, w chorus.Workspace) (chorus.Workspace, error)
	SetUserLang(ctx context.Context, workspace, user string, lang chorus.Lang) error
}

// Feature answers the settings commands.
type Feature struct {
	store    Store
	defaults feature.Defaults
}

// New returns the settings feature over st; defaults are the settings of a workspace that saved
// none.
func New(st Store, defaults feature.Defaults) *Feature {
	return &Feature{store: st, defaults: defaults}
}

type call struct {
	*feature.Turn
	*Feature
}

// Reads reports whether the /chorus sub-command args only reads: the help, the settings card,
// an unknown word (answered with the help's pointer).
func Reads(args []string) bool {
	switch v := feature.Verb(args, 0); v {
	case "", "help":
		return true
	case "settings":
		return len(args) == 1
	default:
		return strings.HasPrefix(v, "?")
	}
}

// Command answers "/chorus" with args: help, lang or settings.
func (f *Feature) Command(ctx context.Context, t *feature.Turn, args []string) (reply.Reply, error) {
	return (&call{Turn: t, Feature: f}).chorus(ctx, args)
}

func (c *call) chorus(ctx context.Context, args []string) (reply.Reply, error) {
	switch v := feature.Verb(args, 0); v {
	case "", "help":
		return c.Help("chorus"), nil
	case "lang":
		if len(args) < 2 {
			return reply.Reply{}, c.Usage("chorus.lang")
		}
		l, ok := chorus.ParseLang(args[1])
		if !ok {
			return reply.Reply{}, chorus.Invalid("lang", "lang.invalid", args[1])
		}
		if err := c.store.SetUserLang(ctx, c.Req.Workspace, c.Req.User, l); err != nil {
			return reply.Reply{}, fmt.Errorf("set language of %s: %w", c.Req.User, err)
		}
		c.Lang = l
		return feature.Notice("✅ " + c.T("settings.user_lang", c.T("lang.name."+string(l)))), nil
	case "settings":
		if len(args) == 1 {
			return c.settingsCard(), nil
		}
		return c.settingsSet(ctx, args[1:])
	default:
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "command.sub_unknown", strings.TrimPrefix(v, "?"), "/chorus help")
	}
}

func (c *call) settingsCard() reply.Reply {
	kinds := strings.Join(append(slices.Clone(chorus.BuiltinKinds), c.WS.CustomKinds...), ", ")
	text := c.T("settings.card", c.T("lang.name."+string(c.WS.Lang)), c.WS.TimeZone, c.Mentions(c.WS.Leads), kinds)
	front := "—"
	if len(c.WS.Frontline) > 0 {
		var fs []string
		for _, f := range c.WS.Frontline {
			fs = append(fs, feature.ChannelRef(f.Channel)+" ("+f.Kind+")")
		}
		front = strings.Join(fs, ", ")
	}
	text += "\n" + c.T("settings.frontline", front)
	return reply.Reply{Text: text, Blocks: []reply.Block{{Kind: reply.Header, Text: c.T("settings.title")}, {Kind: reply.Section, Text: text}}}
}

// settingsSet changes a workspace setting. Admins and the existing leads may.
func (c *call) settingsSet(ctx context.Context, args []string) (reply.Reply, error) {
	if !c.IsWorkspaceLead() {
		return reply.Reply{}, chorus.Errorf(chorus.ErrForbidden, "forbidden.settings")
	}
	var change func(w *chorus.Workspace) error
	switch feature.Verb(args, 0) {
	case "lang":
		if len(args) < 2 {
			return reply.Reply{}, c.Usage("chorus.settings")
		}
		change = func(w *chorus.Workspace) error {
			l, ok := chorus.ParseLang(args[1])
			if !ok {
				return chorus.Invalid("lang", "lang.invalid", args[1])
			}
			w.Lang = l
			return nil
		}
	case "timezone":
		if len(args) < 2 {
			return reply.Reply{}, c.Usage("chorus.settings")
		}
		change = func(w *chorus.Workspace) error {
			if _, err := time.LoadLocation(args[1]); err != nil || !strings.Contains(args[1], "/") {
				return chorus.Invalid("time_zone", "timezone.invalid", args[1])
			}
			w.TimeZone = args[1]
			return nil
		}
	case "leads", "lead":
		v := feature.Verb(args, 1)
		if (v != "add" && v != "remove") || len(args) < 3 {
			return reply.Reply{}, c.Usage("chorus.settings")
		}
		user, okU := feature.UserArg(args[2])
		if !okU {
			return reply.Reply{}, chorus.Invalid("leads", "user.invalid", args[2])
		}
		change = func(w *chorus.Workspace) error {
			if v == "add" && !w.IsLead(user) {
				w.Leads = append(w.Leads, user)
			}
			if v == "remove" {
				w.Leads = slices.DeleteFunc(w.Leads, func(u string) bool { return u == user })
			}
			return nil
		}
	case "kind":
		if feature.Verb(args, 1) != "add" || len(args) < 3 {
			return reply.Reply{}, c.Usage("chorus.settings")
		}
		kind := chorus.Fold(args[2])
		change = func(w *chorus.Workspace) error {
			if chorus.ValidKind(kind, w.CustomKinds) {
				return chorus.Invalid("custom_kinds", "channel.kind.exists", kind)
			}
			w.CustomKinds = append(w.CustomKinds, kind)
			return nil
		}
	case "frontline":
		var err error
		if change, err = c.frontline(args[1:]); err != nil {
			return reply.Reply{}, err
		}
	default:
		return reply.Reply{}, c.Usage("chorus.settings")
	}
	for attempt := 0; ; attempt++ {
		w, err := c.defaults.Workspace(ctx, c.store, c.Req.Workspace)
		if err != nil {
			return reply.Reply{}, fmt.Errorf("load workspace: %w", err)
		}
		before := w.Version
		w.Leads, w.CustomKinds, w.Frontline = slices.Clone(w.Leads), slices.Clone(w.CustomKinds), slices.Clone(w.Frontline)
		if err := change(&w); err != nil {
			return reply.Reply{}, err
		}
		if err := w.Validate(); err != nil {
			return reply.Reply{}, err
		}
		w.UpdatedBy = c.Req.User
		saved, err := c.store.SaveWorkspace(ctx, w)
		if errors.Is(err, chorus.ErrConflict) && attempt < feature.MaxEditRetries {
			continue
		}
		if err != nil {
			return reply.Reply{}, fmt.Errorf("save workspace: %w", err)
		}
		if err := c.Audit(ctx, "settings."+feature.Verb(args, 0), "workspace:"+w.ID, before, saved.Version, strings.Join(args[1:], " ")); err != nil {
			return reply.Reply{}, err
		}
		c.WS = saved
		if c.LangIsDefault {
			c.Lang = saved.Lang
		}
		r := c.settingsCard()
		r.Blocks = append([]reply.Block{{Kind: reply.Section, Text: "✅ " + c.T("settings.saved")}}, r.Blocks...)
		return r, nil
	}
}

// frontline reads "frontline add #channel kind" and "frontline remove #channel": the channels
// of people facing customers, where briefings go (commands/briefing).
func (c *call) frontline(args []string) (func(w *chorus.Workspace) error, error) {
	v := feature.Verb(args, 0)
	if !(v == "add" && len(args) == 3 || v == "remove" && len(args) == 2) {
		return nil, c.Usage("chorus.settings")
	}
	channel, ok := feature.ChannelArg(args[1])
	if !ok {
		return nil, chorus.Invalid("frontline", "channel.id.invalid", args[1])
	}
	return func(w *chorus.Workspace) error {
		_, has := w.FrontlineChannel(channel)
		switch {
		case v == "remove" && !has:
			return chorus.Invalid("frontline", "frontline.unknown", feature.ChannelRef(channel))
		case v == "remove":
			w.Frontline = slices.DeleteFunc(w.Frontline, func(f chorus.FrontlineChannel) bool { return f.Channel == channel })
		case has:
			return chorus.Invalid("frontline", "frontline.exists", feature.ChannelRef(channel))
		default:
			w.Frontline = append(w.Frontline, chorus.FrontlineChannel{Channel: channel, Kind: chorus.Fold(args[2])})
		}
		return nil
	}, nil
}
