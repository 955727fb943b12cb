package reminders

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/i18n"
	"github.com/chorus-hq/chorus/reply"
)

// remindersWords name the reminders sub-command of /chorus and /campaign, in both languages.
var remindersWords = map[string]bool{"reminders": true, "reminder": true, "rappels": true, "rappel": true, "relances": true}

// isReminders reports whether args start with the reminders sub-command.
func isReminders(args []string) bool { return len(args) > 0 && remindersWords[chorus.Fold(args[0])] }

// The words of a reminder policy spec, folded (chorus.Fold), French and English.
// remindersCommand answers "/chorus reminders":
//
//	/chorus reminders                   the workspace's policy
//	/chorus reminders 3j 1j matin 9h    change it (admins and workspace leads)
//	/chorus reminders off               no reminder at all
//	/chorus reminders default           back to the configured default
func (c *call) remindersCommand(ctx context.Context, args []string) (reply.Reply, error) {
	text := chorus.Fold(strings.Join(args, " "))
	switch {
	case remShowWords[text]:
		cur, own, err := c.workspacePolicy(ctx)
		if err != nil {
			return reply.Reply{}, err
		}
		key := "rem.show.workspace"
		if !own {
			key = "rem.show.workspace_default"
		}
		msg := c.T(key, c.describePolicy(cur), c.WS.TimeZone)
		return remReply(msg, c.T("rem.show.hint")), nil
	case remHelpWords[text]:
		return c.remindersHelp(), nil
	}
	if !c.IsWorkspaceLead() {
		return reply.Reply{}, chorus.Errorf(chorus.ErrForbidden, "rem.forbidden.workspace")
	}
	var edit policyEdit
	reset := remDefaultWords[text]
	if !reset {
		var err error
		if edit, err = parsePolicySpec(args); err != nil {
			return reply.Reply{}, err
		}
	}
	for attempt := 0; ; attempt++ {
		stored, exists, err := c.storedPolicy(ctx, "")
		if err != nil {
			return reply.Reply{}, err
		}
		if reset && (!exists || stored.Inherit) {
			return feature.Notice(c.T("rem.workspace.already_default", c.describePolicy(c.policy))), nil
		}
		var p chorus.ReminderPolicy
		if reset {
			p = chorus.ReminderPolicy{Inherit: true}
		} else {
			p = c.policy
			if exists && !stored.Inherit {
				p = stored
			}
			edit.apply(&p)
			p.Inherit = false
		}
		saved, err := c.savePolicy(ctx, p, "", stored.Version)
		if errors.Is(err, chorus.ErrConflict) && attempt < feature.MaxEditRetries {
			continue
		}
		if err != nil {
			return reply.Reply{}, err
		}
		action, effective := "reminders.set", saved
		if reset {
			action, effective = "reminders.reset", c.policy
		}
		if err := c.Audit(ctx, action, "reminders:workspace:"+c.Req.Workspace, stored.Version, saved.Version, policySpec(effective)); err != nil {
			return reply.Reply{}, err
		}
		key := "rem.workspace.saved"
		if reset {
			key = "rem.workspace.reset"
		}
		return remReply("✅ "+c.T(key, c.describePolicy(effective), c.WS.TimeZone), c.nextReminder(ctx, "")), nil
	}
}

// campaignReminders answers "/campaign reminders <slug> [<spec> | default]": the campaign's own
// policy, or the workspace's it follows; its leads may set its own or drop it.
func (c *call) campaignReminders(ctx context.Context, args []string) (reply.Reply, error) {
	if len(args) == 0 || remHelpWords[chorus.Fold(args[0])] {
		if len(args) == 0 {
			return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "usage", c.T("rem.usage.campaign"))
		}
		return c.remindersHelp(), nil
	}
	camp, err := c.LoadCampaign(ctx, args[0])
	if err != nil {
		return reply.Reply{}, err
	}
	rest := args[1:]
	text := chorus.Fold(strings.Join(rest, " "))
	if remShowWords[text] {
		stored, exists, err := c.storedPolicy(ctx, camp.Slug)
		if err != nil {
			return reply.Reply{}, err
		}
		if exists && !stored.Inherit {
			return remReply(c.T("rem.show.campaign", camp.Name, c.describePolicy(stored), camp.TimeZone)), nil
		}
		ws, _, err := c.workspacePolicy(ctx)
		if err != nil {
			return reply.Reply{}, err
		}
		return remReply(c.T("rem.show.campaign_follows", camp.Name, c.describePolicy(ws), camp.TimeZone)), nil
	}
	if !camp.IsLead(c.Req.User) {
		return reply.Reply{}, chorus.Errorf(chorus.ErrForbidden, "rem.forbidden.campaign", camp.Name, c.Mentions(camp.Leads))
	}
	var edit policyEdit
	reset := remDefaultWords[text]
	if !reset {
		if edit, err = parsePolicySpec(rest); err != nil {
			return reply.Reply{}, err
		}
	}
	for attempt := 0; ; attempt++ {
		stored, exists, err := c.storedPolicy(ctx, camp.Slug)
		if err != nil {
			return reply.Reply{}, err
		}
		ws, _, err := c.workspacePolicy(ctx)
		if err != nil {
			return reply.Reply{}, err
		}
		if reset && (!exists || stored.Inherit) {
			return feature.Notice(c.T("rem.campaign.already_follows", camp.Name, c.describePolicy(ws))), nil
		}
		var p chorus.ReminderPolicy
		if reset {
			p = chorus.ReminderPolicy{Inherit: true}
		} else {
			p = ws
			if exists && !stored.Inherit {
				p = stored
			}
			edit.apply(&p)
			p.Inherit = false
		}
		saved, err := c.savePolicy(ctx, p, camp.Slug, stored.Version)
		if errors.Is(err, chorus.ErrConflict) && attempt < feature.MaxEditRetries {
			continue
		}
		if err != nil {
			return reply.Reply{}, err
		}
		action, effective, key := "reminders.set", saved, "rem.campaign.saved"
		if reset {
			action, effective, key = "reminders.reset", ws, "rem.campaign.reset"
		}
		if err := c.Audit(ctx, action, "reminders:campaign:"+camp.Slug, stored.Version, saved.Version, policySpec(effective)); err != nil {
			return reply.Reply{}, err
		}
		return remReply("✅ "+c.T(key, camp.Name, c.describePolicy(effective), camp.TimeZone), c.nextReminder(ctx, camp.Slug)), nil
	}
}

// storedPolicy returns the policy stored for campaign ("" for the workspace's), and whether there
// is one.
func (c *call) storedPolicy(ctx context.Context, campaign string) (chorus.ReminderPolicy, bool, error) {
	p, err := c.store.ReminderPolicy(ctx, c.Req.Workspace, campaign)
	if errors.Is(err, chorus.ErrNotFound) {
		return chorus.ReminderPolicy{}, false, nil
	}
	if err != nil {
		return p, false, fmt.Errorf("load reminder policy %q: %w", campaign, err)
	}
	return p, true, nil
}

// workspacePolicy returns the workspace's policy, and whether it is its own rather than the
// configured default.
func (c *call) workspacePolicy(ctx context.Context) (chorus.ReminderPolicy, bool, error) {
	p, exists, err := c.storedPolicy(ctx, "")
	if err != nil || !exists || p.Inherit {
		return c.policy, false, err
	}
	return p, true, nil
}

// savePolicy validates p as the policy of campaign ("" for the workspace's) and stores it over
// version base.
func (c *call) savePolicy(ctx context.Context, p chorus.ReminderPolicy, campaign string, base int) (chorus.ReminderPolicy, error) {
	p.WorkspaceID, p.Campaign, p.Version, p.UpdatedBy = c.Req.Workspace, campaign, base, c.Req.User
	p.UpdatedAt = time.Time{}
	if err := p.Validate(); err != nil {
		return p, err
	}
	saved, err := c.store.SaveReminderPolicy(ctx, p)
	if err != nil && !errors.Is(err, chorus.ErrConflict) {
		return saved, fmt.Errorf("save reminder policy %q: %w", campaign, err)
	}
	return saved, err
}

// remindersHelp lists the reminder commands and the words of a spec.
func (c *call) remindersHelp() reply.Reply {
	text := c.T("rem.help")
	return reply.Reply{Text: text, Blocks: []reply.Block{{Kind: reply.Header, Text: c.T("help.title", "/chorus reminders")}, {Kind: reply.Section, Text: text}}}
}

// remReply is an ephemeral reply of one or more paragraphs; empty ones are left out.
func remReply(paras ...string) reply.Reply {
	paras = slices.DeleteFunc(paras, func(s string) bool { return s == "" })
	text := strings.Join(paras, "\n")
	blocks := make([]reply.Block, len(paras))
	for i, p := range paras {
		blocks[i] = reply.Block{Kind: reply.Section, Text: p}
	}
	return reply.Reply{Text: text, Blocks: blocks}
}

// describePolicy says a policy in words, in the caller's language: « 3 jours et 1 jour avant,
// le matin de l'échéance à 09:00, relance quotidienne en retard à 09:00 pendant 5 jours ; pas
// de rappel de 20:00 à 08:00 ni le week-end ».
func (c *call) describePolicy(p chorus.ReminderPolicy) string {
	if len(p.Offsets) == 0 && !p.Morning && !p.Overdue {
		return c.T("rem.desc.none")
	}
	var sends []string
	if len(p.Offsets) > 0 {
		offs := slices.Clone(p.Offsets)
		slices.SortFunc(offs, func(a, b time.Duration) int { return int((b - a) / time.Minute) })
		durs := make([]string, len(offs))
		for i, o := range offs {
			durs[i] = c.duration(o)
		}
		sends = append(sends, c.T("rem.desc.before", c.joinAnd(durs)))
	}
	if p.Morning {
		sends = append(sends, c.T("rem.desc.morning", clockText(p.MorningAt)))
	}
	if p.Overdue {
		days := p.OverdueDays
		if days == 0 {
			days = chorus.DefaultOverdueDays
		}
		if days == 1 {
			sends = append(sends, c.T("rem.desc.overdue_once", clockText(p.OverdueAt)))
		} else {
			sends = append(sends, c.T("rem.desc.overdue", clockText(p.OverdueAt), days))
		}
	}
	quiet := p.QuietStart != p.QuietEnd
	var when string
	switch {
	case quiet && p.SkipWeekends:
		when = c.T("rem.desc.quiet_weekend", clockText(p.QuietStart), clockText(p.QuietEnd))
	case quiet:
		when = c.T("rem.desc.quiet", clockText(p.QuietStart), clockText(p.QuietEnd))
	case p.SkipWeekends:
		when = c.T("rem.desc.weekend")
	default:
		when = c.T("rem.desc.always")
	}
	return strings.Join(sends, ", ") + c.T("rem.desc.sep") + when
}

// duration says an offset: "3 jours", "12 hours", "1 jour 12 heures".
func (c *call) duration(d time.Duration) string {
	var parts []string
	for _, u := range []struct {
		size time.Duration
		key  string
	}{{24 * time.Hour, "rem.dur.day"}, {time.Hour, "rem.dur.hour"}, {time.Minute, "rem.dur.minute"}} {
		n := int(d / u.size)
		d -= time.Duration(n) * u.size
		switch {
		case n == 1:
			parts = append(parts, c.T(u.key))
		case n > 1:
			parts = append(parts, c.T(u.key+"s", n))
		}
	}
	return strings.Join(parts, " ")
}

// joinAnd writes "a, b et c".
func (c *call) joinAnd(xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + c.T("rem.list.and") + xs[len(xs)-1]
}

func clockText(minutes int) string { return fmt.Sprintf("%02d:%02d", minutes/60, minutes%60) }

// policySpec writes p as a spec parsePolicySpec reads back, for the audit trail.
func policySpec(p chorus.ReminderPolicy) string {
	if len(p.Offsets) == 0 && !p.Morning && !p.Overdue {
		return "off"
	}
	var f []string
	if len(p.Offsets) == 0 {
		f = append(f, "before off")
	}
	for _, o := range p.Offsets {
		var s string
		if d := o / (24 * time.Hour); d > 0 {
			s += strconv.Itoa(int(d)) + "d"
		}
		if h := o % (24 * time.Hour) / time.Hour; h > 0 {
			s += strconv.Itoa(int(h)) + "h"
		}
		if m := o % time.Hour / time.Minute; m > 0 {
			s += strconv.Itoa(int(m)) + "m"
		}
		f = append(f, s)
	}
	onOff := func(on bool, at int) string {
		if on {
			return clockText(at)
		}
		return "off"
	}
	f = append(f, "morning "+onOff(p.Morning, p.MorningAt), "overdue "+onOff(p.Overdue, p.OverdueAt))
	if p.Overdue && p.OverdueDays > 0 {
		f = append(f, "for "+strconv.Itoa(p.OverdueDays)+"d")
	}
	if p.QuietStart != p.QuietEnd {
		f = append(f, "quiet "+clockText(p.QuietStart)+"-"+clockText(p.QuietEnd))
	} else {
		f = append(f, "quiet off")
	}
	if p.SkipWeekends {
		f = append(f, "weekends skip")
	} else {
		f = append(f, "weekends keep")
	}
	return strings.Join(f, " ")
}

// nextReminder says when the caller's next reminder comes, among their open tasks (of campaign
// only, when set), under the policies now stored; "" when they own no open task. Snoozes are not
// read here: a snoozed task may be reminded later than said.
func (c *call) nextReminder(ctx context.Context, only string) string {
	tasks, err := c.store.Tasks(ctx, c.Req.Workspace, chorus.TaskFilter{Owner: c.Req.User, Campaign: only, Statuses: []chorus.TaskStatus{chorus.TaskOpen}})
	if err != nil || len(tasks) == 0 {
		if err != nil {
			c.Log.Warn("next reminder: list tasks", "workspace", c.Req.Workspace, "err", err)
		}
		return ""
	}
	now := c.Now()
	type plan struct {
		p   chorus.ReminderPolicy
		loc *time.Location
	}
	plans := map[string]plan{}
	var best chorus.Reminder
	var bestTask chorus.Task
	var bestLoc *time.Location
	for _, t := range tasks {
		pl, ok := plans[t.Campaign]
		if !ok {
			camp, err := c.store.Campaign(ctx, c.Req.Workspace, t.Campaign)
			if err != nil {
				continue
			}
			pl = plan{c.reminderPolicy(ctx, camp), camp.Location()}
			plans[t.Campaign] = pl
		}
		for _, r := range pl.p.Plan(t, pl.loc, time.Time{}) {
			if r.At.After(now) {
				if best.At.IsZero() || r.At.Before(best.At) {
					best, bestTask, bestLoc = r, t, pl.loc
				}
				break
			}
		}
	}
	if best.At.IsZero() {
		return c.T("rem.next.none")
	}
	return c.T("rem.next", bestTask.Title, i18n.FormatWhen(best.At.In(bestLoc), c.Lang))
}
