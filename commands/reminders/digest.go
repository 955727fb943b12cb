package reminders

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/i18n"
	"github.com/chorus-hq/chorus/reply"
)

// digestWords name the digest sub-command of /chorus, in both languages.
var digestWords = map[string]bool{"digest": true, "point": true, "recap": true, "resume": true}

// isDigest reports whether args start with the digest sub-command.
func isDigest(args []string) bool { return len(args) > 0 && digestWords[chorus.Fold(args[0])] }

// emptyWords are the values of "vide:" / "empty:", what an empty digest posts.
var emptyWords = map[string]chorus.EmptyDigest{
	"premier": chorus.EmptyDigestFirst, "premiere": chorus.EmptyDigestFirst, "1er": chorus.EmptyDigestFirst,
	"une-fois": chorus.EmptyDigestFirst, "first": chorus.EmptyDigestFirst, "once": chorus.EmptyDigestFirst,
	"toujours": chorus.EmptyDigestAlways, "oui": chorus.EmptyDigestAlways, "always": chorus.EmptyDigestAlways, "yes": chorus.EmptyDigestAlways,
	"jamais": chorus.EmptyDigestNever, "non": chorus.EmptyDigestNever, "never": chorus.EmptyDigestNever, "no": chorus.EmptyDigestNever,
}

// cutEmptyMode takes the "vide:<value>" or "empty:<value>" argument (also with "=") out of args
// and returns what it says, "" when there is none.
func cutEmptyMode(args []string) ([]string, chorus.EmptyDigest, error) {
	var rest []string
	var mode chorus.EmptyDigest
	for _, a := range args {
		f := chorus.Fold(a)
		name, value, ok := strings.Cut(strings.ReplaceAll(f, "=", ":"), ":")
		if !ok || (name != "vide" && name != "empty") {
			rest = append(rest, a)
			continue
		}
		m, known := emptyWords[value]
		if !known {
			return nil, "", chorus.Invalid("empty", "sched.digest.empty.invalid", a)
		}
		mode = m
	}
	return rest, mode, nil
}

// digestCommand answers "/chorus digest" typed in a team channel:
//
//	/chorus digest                          the channel's schedule, its last run, its empty setting
//	/chorus digest every monday 09:00       set it (also "chaque lundi 9h", a cron spec)
//	/chorus digest lead every monday 08:30  a leads' digest covering every channel, here
//	/chorus digest off                      switch it off
//	/chorus digest vide:toujours            what an empty digest posts: premier|toujours|jamais,
//	                                        first|always|never; also after a schedule
func (c *call) digestCommand(ctx context.Context, args []string) (reply.Reply, error) {
	channel := c.Req.Channel
	if channel == "" {
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "sched.digest.no_channel")
	}
	lead := false
	if len(args) > 0 && map[string]bool{"lead": true, "leads": true, "responsables": true, "pilotes": true, "pilote": true}[chorus.Fold(args[0])] {
		lead, args = true, args[1:]
	}
	args, mode, err := cutEmptyMode(args)
	if err != nil {
		return reply.Reply{}, err
	}
	text := strings.TrimSpace(strings.Join(args, " "))
	cur, err := c.store.DigestSchedule(ctx, c.Req.Workspace, channel)
	if err != nil && !errors.Is(err, chorus.ErrNotFound) {
		return reply.Reply{}, fmt.Errorf("load digest schedule of %s: %w", channel, err)
	}
	exists := err == nil
	switch t := chorus.Fold(text); {
	case mode != "" && t == "":
		if !exists || cur.Off {
			return reply.Reply{}, chorus.Invalid("empty", "sched.digest.empty.no_schedule", feature.ChannelRef(channel))
		}
	case t == "" || t == "show" || t == "voir":
		if !exists || cur.Off {
			return feature.Notice(c.T("sched.digest.show_none", feature.ChannelRef(channel))), nil
		}
		return feature.Notice(c.describeDigest("sched.digest.show", cur) + "\n" + c.emptyMode(cur) + "\n" + c.lastDigest(ctx, cur)), nil
	case t == "help" || t == "aide" || t == "?":
		text := c.T("sched.help.digest")
		return reply.Reply{Text: text, Blocks: []reply.Block{{Kind: reply.Header, Text: c.T("help.title", "/chorus digest")}, {Kind: reply.Section, Text: text}}}, nil
	}
	if err := c.canSetDigest(ctx, channel, lead || (exists && cur.Lead)); err != nil {
		return reply.Reply{}, err
	}
	var d chorus.DigestSchedule
	switch chorus.Fold(text) {
	case "":
		d = cur // only what an empty digest posts changes
	case "off", "stop", "arret", "arreter", "none", "aucun":
		if !exists || cur.Off {
			return feature.Notice(c.T("sched.digest.show_none", feature.ChannelRef(channel))), nil
		}
		d = cur
		d.Off = true
	default:
		spec, tz, err := chorus.ParseDigestSpec(text)
		if err != nil {
			return reply.Reply{}, err
		}
		if tz == "" {
			tz = c.WS.TimeZone
		}
		d = chorus.DigestSchedule{WorkspaceID: c.Req.Workspace, Channel: channel, Lead: lead, Spec: spec, TimeZone: tz, Lang: c.Lang}
		if exists {
			d.Empty = cur.Empty // a new schedule keeps what empty digests post
		}
		if err := d.Validate(); err != nil {
			return reply.Reply{}, err
		}
	}
	if mode != "" {
		d.Empty = mode
	}
	d.UpdatedBy = c.Req.User
	for attempt := 0; ; attempt++ {
		if exists {
			d.Version = cur.Version
		}
		saved, err := c.store.SaveDigestSchedule(ctx, d)
		if errors.Is(err, chorus.ErrConflict) && attempt < feature.MaxEditRetries {
			cur, err = c.store.DigestSchedule(ctx, c.Req.Workspace, channel)
			if err != nil && !errors.Is(err, chorus.ErrNotFound) {
				return reply.Reply{}, fmt.Errorf("reload digest schedule of %s: %w", channel, err)
			}
			exists = err == nil
			continue
		}
		if err != nil {
			return reply.Reply{}, fmt.Errorf("save digest schedule of %s: %w", channel, err)
		}
		if err := c.Audit(ctx, "digest.set", "digest:"+channel, saved.Version-1, saved.Version,
			saved.Spec+" "+saved.TimeZone+offLabel(saved)+" empty:"+string(saved.EmptyMode())); err != nil {
			return reply.Reply{}, err
		}
		if saved.Off {
			return feature.Notice("🔕 " + c.T("sched.digest.off", feature.ChannelRef(channel))), nil
		}
		if text == "" {
			said := c.T("sched.digest.empty.saved", feature.ChannelRef(channel)) + " " + c.emptyMode(saved)
			return reply.Reply{Text: said, Blocks: []reply.Block{{Kind: reply.Section, Text: "✅ " + said}}}, nil
		}
		key := "sched.digest.saved"
		if saved.Lead {
			key = "sched.digest.saved_lead"
		}
		said := c.describeDigest(key, saved) + "\n" + c.emptyMode(saved)
		return reply.Reply{Text: said, Visibility: reply.InChannel,
			Blocks: []reply.Block{{Kind: reply.Section, Text: "✅ " + said}}}, nil
	}
}

// emptyMode says what an empty digest of d posts, and how to change it.
func (c *call) emptyMode(d chorus.DigestSchedule) string {
	return c.T("sched.digest.empty_mode." + string(d.EmptyMode()))
}

// lastDigest says when the channel's last digest ran and what came of it: posted, empty (why,
// and whether "nothing to report" was posted), or too late to post.
func (c *call) lastDigest(ctx context.Context, d chorus.DigestSchedule) string {
	o, ok, err := c.store.LastDigest(ctx, d.WorkspaceID, d.Channel, c.Now().Add(time.Minute))
	if err != nil {
		c.Log.Warn("last digest", "workspace", d.WorkspaceID, "channel", d.Channel, "err", err)
		return ""
	}
	if !ok {
		return c.T("sched.digest.last.none")
	}
	when := i18n.FormatWhen(o.ScheduledAt.In(chorus.LoadLocation(d.TimeZone)), c.Lang)
	switch {
	case o.Empty && o.TS != "":
		return c.T("sched.digest.last.empty_posted", when, EmptyWhy(d, o.EmptyReason, c.Lang))
	case o.Empty:
		return c.T("sched.digest.last.empty_silent", when, EmptyWhy(d, o.EmptyReason, c.Lang))
	case o.Skipped:
		return c.T("sched.digest.last.late", when)
	default:
		return c.T("sched.digest.last.posted", when)
	}
}

func offLabel(d chorus.DigestSchedule) string {
	if d.Off {
		return " off"
	}
	return ""
}

// describeDigest says a schedule and its next slot, in the caller's language.
func (c *call) describeDigest(key string, d chorus.DigestSchedule) string {
	text := c.T(key, feature.ChannelRef(d.Channel), i18n.DescribeSpec(d.Spec, c.Lang), d.TimeZone)
	if next := d.Next(c.Now()); !next.IsZero() {
		text += " " + c.T("sched.digest.next", i18n.FormatWhen(next.In(chorus.LoadLocation(d.TimeZone)), c.Lang))
	}
	return text
}

// canSetDigest allows the workspace's leads and admins, and for a team digest the owner of the
// channel in a campaign and that campaign's leads.
func (c *call) canSetDigest(ctx context.Context, channel string, lead bool) error {
	if c.IsWorkspaceLead() {
		return nil
	}
	if lead {
		return chorus.Errorf(chorus.ErrForbidden, "sched.forbidden.digest_lead")
	}
	camps, err := c.store.Campaigns(ctx, c.Req.Workspace)
	if err != nil {
		return fmt.Errorf("list campaigns: %w", err)
	}
	for _, camp := range camps {
		if camp.Status == chorus.StatusClosed {
			continue
		}
		for _, ch := range camp.Channels {
			if ch.SlackChannel == channel && (ch.Owner == c.Req.User || camp.IsLead(c.Req.User)) {
				return nil
			}
		}
	}
	return chorus.Errorf(chorus.ErrForbidden, "sched.forbidden.digest", feature.ChannelRef(channel))
}
