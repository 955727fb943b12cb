package commands

import (
	"context"
	"errors"
	"fmt"
	"regexp"
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
var (
	remShowWords    = map[string]bool{"": true, "show": true, "voir": true, "afficher": true}
	remHelpWords    = map[string]bool{"help": true, "aide": true, "?": true}
	remDefaultWords = map[string]bool{"default": true, "defaut": true, "par defaut": true, "reset": true, "reinitialiser": true}
	remOffWords     = map[string]bool{"off": true, "none": true, "aucun": true, "aucune": true, "stop": true, "non": true, "no": true}
	remOffsetsWords = map[string]bool{"before": true, "avant": true, "offsets": true, "delais": true, "delai": true}
	remMorningWords = map[string]bool{"morning": true, "matin": true}
	remOverdueWords = map[string]bool{"overdue": true, "retard": true, "relance": true, "late": true}
	remQuietWords   = map[string]bool{"quiet": true, "calme": true, "silence": true}
	remWeekendWords = map[string]bool{"weekends": true, "weekend": true, "week-end": true, "week-ends": true, "we": true}
	remSkipWords    = map[string]bool{"skip": true, "sauter": true, "ignorer": true, "eviter": true}
	remKeepWords    = map[string]bool{"keep": true, "garder": true, "inclure": true, "include": true}
	remForWords     = map[string]bool{"for": true, "pendant": true, "durant": true, "x": true}
	remDayWords     = map[string]bool{"d": true, "j": true, "day": true, "days": true, "jour": true, "jours": true}

	// offsetRE reads how long before the due instant a reminder comes: "3d" ("3j"), "12h",
	// "90m", "1d12h".
	offsetRE = regexp.MustCompile(`^(?:(\d{1,3})[dj])?(?:(\d{1,4})h)?(?:(\d{1,5})(?:m|min))?$`)
	// remClockRE reads a time of day: "9h", "9h30", "09:00", "9", "9am", "5:30pm".
	// daysRE reads a number of days: "5d", "5j", or "5" followed by "jours".
	daysRE = regexp.MustCompile(`^(\d{1,3})([dj])?$`)
	// dashRE and weekEndRE join "20h - 8h" and "week end" into one token each.
	dashRE    = regexp.MustCompile(`\s*-\s*`)
	weekEndRE = regexp.MustCompile(`\bweek ends?\b`)
)

// policyEdit is what a spec changes in a reminder policy; nil fields are left as they were, so
// "/chorus reminders quiet 21h-7h" changes the quiet hours only.
type policyEdit struct {
	off         bool
	offsets     *[]time.Duration
	morning     *int // minutes after midnight, -1 for none
	overdue     *int // minutes after midnight, -1 for none
	overdueDays *int
	quiet       *[2]int // start and end; equal for none
	weekends    *bool   // skip weekends
}

// apply makes the edit on p.
func (e policyEdit) apply(p *chorus.ReminderPolicy) {
	p.Offsets = slices.Clone(p.Offsets)
	if e.off {
		p.Offsets, p.Morning, p.Overdue = nil, false, false
	}
	if e.offsets != nil {
		p.Offsets = slices.Clone(*e.offsets)
	}
	if e.morning != nil {
		p.Morning = *e.morning >= 0
		if p.Morning {
			p.MorningAt = *e.morning
		}
	}
	if e.overdue != nil {
		p.Overdue = *e.overdue >= 0
		if p.Overdue {
			p.OverdueAt = *e.overdue
		}
	}
	if e.overdueDays != nil {
		p.OverdueDays = *e.overdueDays
	}
	if e.quiet != nil {
		p.QuietStart, p.QuietEnd = e.quiet[0], e.quiet[1]
	}
	if e.weekends != nil {
		p.SkipWeekends = *e.weekends
	}
}

// parsePolicySpec reads a reminder policy spec, tokens in any order, French or English:
//
//	3d 1d 12h (3j)             reminders this long before the due instant, replacing the list
//	before off (avant off)     no reminder before the due instant
//	morning 09:00|off          on the morning of the due day (matin)
//	overdue 09:00|off [for 5d] a daily nudge once overdue, for so many days (retard … pendant 5j)
//	quiet 20:00-08:00|off      no reminder in that window (calme, silence)
//	weekends skip|keep         (week-end sauter|garder)
//	off                        no reminder at all, alone
//
// Times read "9h", "9h30" or "09:00". Every bad token is reported, naming it.
func parsePolicySpec(args []string) (policyEdit, error) {
	words := specWords(args)
	var (
		e    policyEdit
		ps   chorus.Problems
		offs []time.Duration
		seen = map[string]bool{}
	)
	bad := func(code string, a ...any) { ps = append(ps, chorus.Errorf(chorus.ErrInvalid, code, a...)) }
	// once reports whether the setting named by keyword w comes for the first time.
	once := func(setting, w string) bool {
		if seen[setting] {
			bad("rem.token.twice", w)
			return false
		}
		seen[setting] = true
		return true
	}
	// value returns the token after keyword i, or reports it missing.
	value := func(i int, example string) (string, bool) {
		if i+1 >= len(words) || isKeyword(words[i+1]) {
			bad("rem.value.missing", words[i], example)
			return "", false
		}
		return words[i+1], true
	}
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case remOffWords[w]:
			e.off = true
		case offsetRE.MatchString(w):
			d, ok := readOffset(w)
			switch {
			case !ok || d <= 0 || d > chorus.MaxReminderOffset:
				bad("rem.offset.range", w)
			case !slices.Contains(offs, d):
				offs = append(offs, d)
			}
			if seen["offsets"] {
				bad("rem.token.twice", w)
			}
			e.offsets = &offs
		case remOffsetsWords[w]:
			// A filler before the offsets ("avant 3j 1j"), or "avant off" for none.
			if i+1 < len(words) && remOffWords[words[i+1]] {
				i++
				if once("offsets", w) && e.offsets != nil {
					bad("rem.token.twice", w+" "+words[i])
				}
				none := []time.Duration{}
				e.offsets = &none
			}
		case remMorningWords[w], remOverdueWords[w]:
			v, ok := value(i, w+" 9h")
			if !ok {
				continue
			}
			i++
			at := -1
			if !remOffWords[v] {
				h, m, okC := readClockOf(v)
				if !okC {
					bad("rem.clock.bad", v, w)
					continue
				}
				at = h*60 + m
			}
			if remMorningWords[w] {
				if once("morning", w) {
					e.morning = &at
				}
				continue
			}
			if once("overdue", w) {
				e.overdue = &at
			}
			if i+1 < len(words) && remForWords[words[i+1]] {
				i++
				n, used, ok := readDays(words[i+1:])
				if !ok {
					tok := w + " … " + words[i]
					if i+1 < len(words) {
						tok = words[i+1]
					}
					bad("rem.overdue_days.bad", tok, chorus.MaxOverdueDays)
				}
				i += used
				if ok {
					e.overdueDays = &n
				}
			}
		case remQuietWords[w]:
			v, ok := value(i, w+" 20:00-08:00")
			if !ok {
				continue
			}
			i++
			var q [2]int
			if !remOffWords[v] {
				start, end, okQ := readWindow(v)
				if !okQ {
					bad("rem.quiet.bad", v, w)
					continue
				}
				q = [2]int{start, end}
			}
			if once("quiet", w) {
				e.quiet = &q
			}
		case remWeekendWords[w]:
			v, ok := value(i, w+" skip")
			if !ok {
				continue
			}
			i++
			var skip bool
			switch {
			case remSkipWords[v]:
				skip = true
			case remKeepWords[v]:
			default:
				bad("rem.weekends.bad", v, w)
				continue
			}
			if once("weekends", w) {
				e.weekends = &skip
			}
		default:
			bad("rem.token.unknown", w)
		}
	}
	if len(offs) > chorus.MaxReminderOffsets {
		bad("rem.offsets.many", chorus.MaxReminderOffsets)
	}
	if e.off && (e.offsets != nil || e.morning != nil || e.overdue != nil || e.overdueDays != nil || e.quiet != nil || e.weekends != nil) {
		bad("rem.off.alone")
	}
	if len(ps) > 0 {
		return policyEdit{}, ps
	}
	slices.SortFunc(offs, func(a, b time.Duration) int { return int((b - a) / time.Minute) })
	return e, nil
}

// specWords folds the arguments and splits them into tokens, so that "3j, 1j", "20h - 8h" and
// "week end" read like "3j 1j", "20h-8h" and "week-end".
func specWords(args []string) []string {
	text := chorus.Fold(strings.Join(args, " "))
	text = strings.NewReplacer(",", " ", ";", " ", "–", "-", "—", "-").Replace(text)
	text = dashRE.ReplaceAllString(text, "-")
	text = weekEndRE.ReplaceAllString(text, "week-end")
	return strings.Fields(text)
}

// isKeyword reports whether w starts a setting, so a missing value is not mistaken for it.
func isKeyword(w string) bool {
	return remMorningWords[w] || remOverdueWords[w] || remQuietWords[w] || remWeekendWords[w] || remOffsetsWords[w]
}

// readOffset reads "3d", "12h", "90m", "1d12h".
func readOffset(w string) (time.Duration, bool) {
	m := offsetRE.FindStringSubmatch(w)
	if m == nil || m[1]+m[2]+m[3] == "" {
		return 0, false
	}
	var d time.Duration
	for i, unit := range []time.Duration{24 * time.Hour, time.Hour, time.Minute} {
		if m[i+1] != "" {
			n, _ := strconv.Atoi(m[i+1])
			d += time.Duration(n) * unit
		}
	}
	return d, true
}

// readClockOf reads a time of day as chorus.ParseClock does, and also a bare hour ("9"): in a
// policy nothing else could be meant.
func readClockOf(w string) (int, int, bool) {
	if h, err := strconv.Atoi(w); err == nil && len(w) <= 2 {
		return h, 0, h >= 0 && h <= 23
	}
	return chorus.ParseClock(w)
}

// readWindow reads "20:00-08:00" or "20h-8h"; an empty window ("8h-8h") is refused.
func readWindow(w string) (int, int, bool) {
	a, b, ok := strings.Cut(w, "-")
	if !ok {
		return 0, 0, false
	}
	h1, m1, ok1 := readClockOf(a)
	h2, m2, ok2 := readClockOf(b)
	if !ok1 || !ok2 || h1*60+m1 == h2*60+m2 {
		return 0, 0, false
	}
	return h1*60 + m1, h2*60 + m2, true
}

// readDays reads "5d", "5j" or "5 jours" at the start of ws: the number and the tokens used.
func readDays(ws []string) (int, int, bool) {
	if len(ws) == 0 {
		return 0, 0, false
	}
	m := daysRE.FindStringSubmatch(ws[0])
	if m == nil {
		return 0, 1, false
	}
	used := 1
	if m[2] == "" {
		if len(ws) < 2 || !remDayWords[ws[1]] {
			return 0, 1, false
		}
		used = 2
	}
	n, _ := strconv.Atoi(m[1])
	if n < 1 || n > chorus.MaxOverdueDays {
		return 0, used, false
	}
	return n, used, true
}

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
			return feature.Notice(c.T("rem.workspace.already_default", c.describePolicy(c.opts.ReminderPolicy))), nil
		}
		var p chorus.ReminderPolicy
		if reset {
			p = chorus.ReminderPolicy{Inherit: true}
		} else {
			p = c.opts.ReminderPolicy
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
			action, effective = "reminders.reset", c.opts.ReminderPolicy
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
		return c.opts.ReminderPolicy, false, err
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
