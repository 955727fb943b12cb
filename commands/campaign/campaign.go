package campaign

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/i18n"
	"github.com/chorus-hq/chorus/reply"
)

// pageSize is how many items a list shows before a "next page" button, well inside Slack's 50
// blocks per message.
const pageSize = 10

func (c *call) campaign(ctx context.Context, args []string) (reply.Reply, error) {
	switch v := feature.Verb(args, 0); v {
	case "", "help":
		return c.Help("campaign"), nil
	case "create":
		return c.campaignCreate(ctx, args[1:])
	case "list":
		f, page, err := c.readListFilter(args[1:])
		if err != nil {
			return reply.Reply{}, err
		}
		return c.campaignList(ctx, f, page)
	case "archive", "unarchive":
		if len(args) < 2 {
			return reply.Reply{}, c.Usage("campaign." + v)
		}
		return c.campaignArchive(ctx, args[1], v == "archive")
	case "chain":
		if len(args) < 3 {
			return reply.Reply{}, c.Usage("campaign.chain")
		}
		return c.campaignChain(ctx, args[1], feature.After(c.Req.Text, 2))
	case "show":
		if len(args) < 2 {
			return reply.Reply{}, c.Usage("campaign.show")
		}
		return c.campaignShow(ctx, args[1])
	case "edit":
		if len(args) < 2 {
			return reply.Reply{}, c.Usage("campaign.edit")
		}
		return c.campaignEditModal(ctx, args[1])
	case "message":
		text := feature.Unquote(feature.After(c.Req.Text, 2))
		if len(args) < 3 || text == "" {
			return reply.Reply{}, c.Usage("campaign.message")
		}
		return c.campaignMessage(ctx, args[1], text)
	case "points":
		if len(args) < 3 {
			return reply.Reply{}, c.Usage("campaign.points")
		}
		return c.campaignPoints(ctx, args[1], feature.SplitList(feature.After(c.Req.Text, 2), ";\n"))
	case "channel":
		return c.campaignChannel(ctx, args[1:])
	case "lead":
		return c.campaignLead(ctx, args[1:])
	case "activate":
		if len(args) < 2 {
			return reply.Reply{}, c.Usage("campaign." + v)
		}
		return c.campaignStatus(ctx, args[1], chorus.StatusActive)
	case "close":
		if len(args) < 2 {
			return reply.Reply{}, c.Usage("campaign." + v)
		}
		if len(args) > 2 && isConfirm(args[2]) {
			return c.campaignStatus(ctx, args[1], chorus.StatusClosed)
		}
		return c.confirmClose(ctx, args[1])
	case "reopen":
		if len(args) < 2 {
			return reply.Reply{}, c.Usage("campaign." + v)
		}
		return c.campaignReopen(ctx, args[1])
	case "task":
		return c.task(ctx, args[1:])
	case "history":
		if len(args) < 2 {
			return reply.Reply{}, c.Usage("campaign.history")
		}
		return c.campaignHistory(ctx, args[1])
	case "audit":
		if len(args) < 2 {
			return reply.Reply{}, c.Usage("campaign.audit")
		}
		page := ""
		if len(args) > 2 {
			page = args[2]
		}
		return c.campaignAudit(ctx, args[1], page)
	default:
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "command.sub_unknown", strings.TrimPrefix(v, "?"), "/campaign help")
	}
}

// campaignCreate reads "<slug> <name…> [start] [end]". A quoted name ends at its quote and
// whatever follows must be dates; an unquoted name ends where the dates start. Dates are
// written as people write them (2027-07-01, 1/7/2027, « 1er juillet 2027 »); a word that is
// neither name nor date is an error that names it, never a part of the name. Given no arguments
// it opens the modal.
func (c *call) campaignCreate(ctx context.Context, args []string) (reply.Reply, error) {
	if !c.IsWorkspaceLead() {
		return reply.Reply{}, chorus.Errorf(chorus.ErrForbidden, "forbidden.create_campaign")
	}
	if len(args) == 0 {
		return reply.Reply{Modal: c.campaignModal(reply.ModalCampaignCreate, chorus.Campaign{})}, nil
	}
	camp := c.newCampaign(args[0])
	name, rest, quoted := splitQuotedName(c.Req.Text, args[0])
	words := strings.Fields(rest)
	if !quoted {
		// the name runs until the first word where a date starts
		i := 0
		for i < len(words) && !startsDate(words[i:]) {
			i++
		}
		name, words = strings.Join(words[:i], " "), words[i:]
	}
	dates, err := readDates(words)
	if err != nil {
		return reply.Reply{}, err
	}
	camp.Name = name
	if len(dates) > 2 {
		return reply.Reply{}, c.Usage("campaign.create")
	}
	if len(dates) > 0 {
		camp.Start = dates[0]
	}
	if len(dates) > 1 {
		camp.End = dates[1]
	}
	return c.createCampaign(ctx, camp)
}

// splitQuotedName returns the name and what follows it in the command's text after slug: a
// name in quotes ("…", « … », “…”) ends at its closing quote; quoted reports whether it was.
func splitQuotedName(text, slug string) (name, rest string, quoted bool) {
	i := strings.Index(text, slug)
	if i < 0 {
		return "", "", false
	}
	after := strings.TrimLeft(text[i+len(slug):], " \t\u00a0")
	for open, closing := range map[string]string{"\"": "\"", "«": "»", "“": "”", "„": "“"} {
		if strings.HasPrefix(after, open) {
			body := after[len(open):]
			if j := strings.Index(body, closing); j >= 0 {
				return strings.TrimSpace(body[:j]), body[j+len(closing):], true
			}
		}
	}
	return "", after, false
}

// startsDate reports whether a date starts at the first of words: digits with a separator, or
// a day and a month in words (« 1er juillet 2027 »).
func startsDate(words []string) bool {
	if len(words) == 0 {
		return false
	}
	if strings.ContainsAny(words[0], "/-.") && strings.IndexFunc(words[0], unicode.IsDigit) == 0 {
		return true
	}
	for n := 2; n <= min(4, len(words)); n++ {
		if _, err := chorus.ReadDay(strings.Join(words[:n], " ")); err == nil || isNoSuchDay(err) {
			return true
		}
	}
	return false
}

// readDates reads words as one or more dates, each of one to four words. A date that does not
// exist, or words that are no date, are an error naming them.
func readDates(words []string) ([]chorus.Date, error) {
	var out []chorus.Date
	for i := 0; i < len(words); {
		n, bad := 0, error(nil)
		for w := min(4, len(words)-i); w >= 1; w-- {
			d, err := chorus.ReadDay(strings.Join(words[i:i+w], " "))
			if err == nil {
				out, n = append(out, d), w
				break
			}
			if isNoSuchDay(err) && bad == nil {
				bad = err
			}
		}
		if n == 0 {
			if bad != nil {
				return nil, bad
			}
			return nil, chorus.Errorf(chorus.ErrInvalid, "campaign.create.not_a_date", strings.Join(words[i:], " "))
		}
		i += n
	}
	return out, nil
}

func isNoSuchDay(err error) bool {
	var e *chorus.Error
	return errors.As(err, &e) && e.Code == "when.no_such_day"
}

// newCampaign is a draft campaign with the workspace's defaults, led by its creator.
func (c *call) newCampaign(slug string) chorus.Campaign {
	return chorus.Campaign{
		WorkspaceID: c.Req.Workspace, Slug: slug, TimeZone: c.WS.TimeZone, Lang: c.WS.Lang,
		Status: chorus.StatusDraft, Leads: []string{c.Req.User}, CreatedBy: c.Req.User, UpdatedBy: c.Req.User,
	}
}

func (c *call) createCampaign(ctx context.Context, camp chorus.Campaign) (reply.Reply, error) {
	if err := camp.Validate(c.WS.CustomKinds); err != nil {
		return reply.Reply{}, err
	}
	if err := c.notPast("end", camp.End); err != nil {
		return reply.Reply{}, err
	}
	saved, err := c.store.CreateCampaign(ctx, camp)
	if errors.Is(err, chorus.ErrConflict) {
		return reply.Reply{}, chorus.Invalid("slug", "campaign.slug.taken", camp.Slug)
	}
	if err != nil {
		return reply.Reply{}, fmt.Errorf("create campaign %q: %w", camp.Slug, err)
	}
	if err := c.Audit(ctx, "campaign.create", "campaign:"+saved.Slug, 0, saved.Version, saved.Name); err != nil {
		return reply.Reply{}, err
	}
	r := c.campaignCard(saved, nil)
	r.Text = c.T("campaign.created", saved.Name, saved.Slug)
	if !saved.Start.IsZero() && saved.End.IsZero() {
		// one date: say which one it is
		r.Text += " " + c.T("campaign.created.start_only", i18n.FormatDate(saved.Start, c.Lang))
	}
	if strings.TrimSpace(saved.Message) == "" {
		r.Text += " " + c.T("campaign.created.add_message", saved.Slug)
	}
	r.Blocks = append([]reply.Block{{Kind: reply.Section, Text: "✅ " + r.Text}}, r.Blocks...)
	r.Visibility = reply.InChannel
	return r, nil
}

// notPast refuses an end date already behind us in the workspace's time zone.
func (c *call) notPast(field string, d chorus.Date) error {
	if d.IsZero() {
		return nil
	}
	today := chorus.DateOf(c.Now().In(c.WS.Location()))
	if d.Before(today) {
		return chorus.Invalid(field, "date.past", d.String())
	}
	return nil
}

// listFilter selects the campaigns a list shows: archived ones (only when asked for), of a
// status, with a channel of a kind, with a channel owned by someone.
type listFilter struct {
	Archived bool
	Status   chorus.Status
	Kind     string
	Owner    string
}

// String is the filter as a page button carries it: words /campaign list reads back.
func (f listFilter) String() string {
	var w []string
	if f.Archived {
		w = append(w, "archived")
	}
	if f.Status != "" {
		w = append(w, string(f.Status))
	}
	if f.Kind != "" {
		w = append(w, f.Kind)
	}
	if f.Owner != "" {
		w = append(w, "@"+f.Owner)
	}
	return strings.Join(w, " ")
}

// filterLabel says the filter in the caller's language, for a list's title.
func (c *call) filterLabel(f listFilter) string {
	var w []string
	if f.Archived {
		w = append(w, c.T("status.archived"))
	}
	if f.Status != "" {
		w = append(w, c.T("status."+string(f.Status)))
	}
	if f.Kind != "" {
		w = append(w, f.Kind)
	}
	if f.Owner != "" {
		w = append(w, feature.Mention(f.Owner))
	}
	return strings.Join(w, " ")
}

// match reports whether the filter selects camp.
func (f listFilter) match(camp chorus.Campaign) bool {
	switch {
	case camp.Archived != f.Archived:
		return false
	case f.Status != "" && camp.Status != f.Status:
		return false
	case f.Kind != "" && !slices.ContainsFunc(camp.Channels, func(ch chorus.Channel) bool { return ch.Kind == f.Kind }):
		return false
	case f.Owner != "" && !slices.ContainsFunc(camp.Channels, func(ch chorus.Channel) bool { return ch.Owner == f.Owner }):
		return false
	}
	return true
}

// statusWords maps what people type to a campaign status.
var statusWords = map[string]chorus.Status{
	"draft": chorus.StatusDraft, "brouillon": chorus.StatusDraft, "brouillons": chorus.StatusDraft,
	"active": chorus.StatusActive, "actives": chorus.StatusActive, "actif": chorus.StatusActive,
	"closed": chorus.StatusClosed, "close": chorus.StatusClosed, "closes": chorus.StatusClosed, "cloturee": chorus.StatusClosed, "cloturees": chorus.StatusClosed,
	"clotures": chorus.StatusClosed,
}

// readListFilter reads "/campaign list [archived] [status] [kind] [@owner] [page]": every word
// is used once, and a word that is none of them is an error naming it.
func (c *call) readListFilter(args []string) (listFilter, string, error) {
	var f listFilter
	page := ""
	for _, a := range args {
		w := chorus.Fold(a)
		st, isStatus := statusWords[w]
		user, isUser := feature.UserArg(a)
		switch {
		case isArchivedWord(a) && !f.Archived:
			f.Archived = true
		case isStatus && f.Status == "":
			f.Status = st
		case chorus.ValidKind(w, c.WS.CustomKinds) && f.Kind == "":
			f.Kind = w
		case isUser && (strings.HasPrefix(a, "@") || user != a) && f.Owner == "":
			f.Owner = user
		case page == "" && w != "" && strings.Trim(w, "0123456789") == "":
			page = w
		default:
			return f, "", chorus.Errorf(chorus.ErrInvalid, "campaign.list.filter", a)
		}
	}
	return f, page, nil
}

// isArchivedWord reports the word that asks for the archived campaigns: « archivées », archived.
func isArchivedWord(w string) bool {
	switch chorus.Fold(w) {
	case "archived", "archive", "archives", "archivees", "archivee":
		return true
	}
	return false
}

// campaignList lists the campaigns f selects, page by page (archived ones only when asked for).
func (c *call) campaignList(ctx context.Context, f listFilter, pageArg string) (reply.Reply, error) {
	all, err := c.store.Campaigns(ctx, c.Req.Workspace)
	if err != nil {
		return reply.Reply{}, fmt.Errorf("list campaigns: %w", err)
	}
	all = slices.DeleteFunc(all, func(camp chorus.Campaign) bool { return !f.match(camp) })
	filtered := f != listFilter{}
	if len(all) == 0 {
		switch {
		case f == listFilter{Archived: true}:
			return feature.Notice(c.T("campaign.list.archived_empty")), nil
		case filtered:
			return feature.Notice(c.T("campaign.list.filtered_empty", c.filterLabel(f))), nil
		}
		return feature.Notice(c.T("campaign.list.empty")), nil
	}
	page, items, more := paginate(all, pageArg)
	title := c.T("campaign.list.title", len(all))
	switch {
	case f == listFilter{Archived: true}:
		title = c.T("campaign.list.archived_title", len(all))
	case filtered:
		title = c.T("campaign.list.filtered_title", len(all), c.filterLabel(f))
	}
	blocks := []reply.Block{{Kind: reply.Header, Text: feature.Ellipsis(title, 150)}}
	lines := []string{title}
	for _, camp := range items {
		line := fmt.Sprintf("%s *%s* (`%s`) · %s", campaignEmoji(camp), feature.Isolate(camp.Name), camp.Slug, c.statusWord(camp))
		if !camp.Start.IsZero() {
			line += " · " + c.DateRange(camp)
		}
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: line,
			Accessory: &reply.Button{Text: c.T("button.show"), ActionID: reply.ActCampaignShow, Value: camp.Slug}})
		lines = append(lines, line)
	}
	prefix := ""
	if filtered {
		prefix = f.String() + " "
	}
	blocks = append(blocks, c.pagerBy(reply.ActCampaignPage, page, more, prefix)...)
	if !f.Archived {
		blocks = append(blocks, reply.Block{Kind: reply.Context, Text: c.T("campaign.list.archived_hint")})
	}
	return reply.Reply{Text: strings.Join(lines, "\n"), Blocks: blocks, ReplaceOriginal: pageArg != ""}, nil
}

// campaignPage answers the campaign list's page buttons: the filter's words, then the page.
func (c *call) campaignPage(ctx context.Context, value string) (reply.Reply, error) {
	f, page, err := c.readListFilter(strings.Fields(value))
	if err != nil {
		return reply.Reply{}, err
	}
	return c.campaignList(ctx, f, page)
}

// campaignEmoji is the mark of a campaign in lists and on its card.
func campaignEmoji(camp chorus.Campaign) string {
	if camp.Archived {
		return "🗄️"
	}
	return feature.StatusEmoji(camp.Status)
}

// statusWord says a campaign's status, archived included.
func (c *call) statusWord(camp chorus.Campaign) string {
	if camp.Archived {
		return c.T("status.archived")
	}
	return c.T("status." + string(camp.Status))
}

// campaignChain sets the approval chain copy goes through before the leads: "<name> @a @b ;
// <name> @c", steps in order, or "off" for the leads alone. Only the leads may.
func (c *call) campaignChain(ctx context.Context, slug, spec string) (reply.Reply, error) {
	var chain []chorus.ApprovalStep
	if w := chorus.Fold(strings.TrimSpace(spec)); w != "off" && w != "aucune" && w != "none" {
		for _, part := range feature.SplitList(spec, ";\n") {
			words := strings.Fields(part)
			st := chorus.ApprovalStep{Name: chorus.Fold(words[0])}
			if !chorus.ValidSlug(st.Name) {
				return reply.Reply{}, chorus.Invalid("chain", "campaign.chain.name", words[0])
			}
			for _, w := range words[1:] {
				u, ok := feature.UserArg(w)
				if !ok {
					return reply.Reply{}, chorus.Invalid("chain", "user.invalid", w)
				}
				if !slices.Contains(st.Approvers, u) {
					st.Approvers = append(st.Approvers, u)
				}
			}
			chain = append(chain, st)
		}
		if len(chain) == 0 {
			return reply.Reply{}, c.Usage("campaign.chain")
		}
	}
	_, saved, err := c.EditCampaign(ctx, slug, "campaign.chain", c.LeadOnlyTo("chain"), func(camp *chorus.Campaign) error {
		camp.Chain = chain
		return nil
	})
	if err != nil {
		return reply.Reply{}, err
	}
	text := c.T("campaign.chain.set", saved.Name, c.chainLine(saved))
	return reply.Reply{Text: text, Blocks: []reply.Block{{Kind: reply.Section, Text: "✅ " + text}}, Visibility: reply.InChannel}, nil
}

// chainLine writes a campaign's approval chain: « juridique (@jo) → responsables (@lea) ».
func (c *call) chainLine(camp chorus.Campaign) string {
	parts := make([]string, 0, len(camp.Chain)+1)
	for _, st := range camp.Chain {
		parts = append(parts, st.Name+" ("+c.Mentions(st.Approvers)+")")
	}
	parts = append(parts, c.T("chain.leads")+" ("+c.Mentions(camp.Leads)+")")
	return strings.Join(parts, " → ")
}

// campaignArchive puts a closed campaign away (archive) or brings it back among the closed ones.
// An archived campaign is kept and readable, but read-only and out of digests and lists.
func (c *call) campaignArchive(ctx context.Context, slug string, archive bool) (reply.Reply, error) {
	action, what := feature.ActionUnarchive, "unarchive"
	if archive {
		action, what = "campaign.archive", "archive"
	}
	_, saved, err := c.EditCampaign(ctx, slug, action, c.LeadOnlyTo(what), func(camp *chorus.Campaign) error {
		if !archive {
			if !camp.Archived {
				return chorus.Errorf(chorus.ErrInvalid, "campaign.unarchive.not_archived", camp.Name)
			}
			camp.Archived = false
			return nil
		}
		if camp.Status != chorus.StatusClosed {
			return chorus.Errorf(chorus.ErrInvalid, "campaign.archive.not_closed", camp.Slug)
		}
		camp.Archived = true
		return nil
	})
	if err != nil {
		return reply.Reply{}, err
	}
	key := "campaign.unarchived"
	if archive {
		key = "campaign.archived_done"
	}
	text := c.T(key, saved.Name, saved.Slug)
	return reply.Reply{Text: text, Blocks: []reply.Block{{Kind: reply.Section, Text: campaignEmoji(saved) + " " + text}}, Visibility: reply.InChannel}, nil
}

// paginate returns page pageArg (1-based, default 1) of items, and whether more follow.
func paginate[T any](items []T, pageArg string) (int, []T, bool) {
	return paginateBy(items, pageArg, pageSize)
}

// paginateBy is paginate with size items a page.
func paginateBy[T any](items []T, pageArg string, size int) (int, []T, bool) {
	page, err := strconv.Atoi(pageArg)
	if err != nil || page < 1 {
		page = 1
	}
	start := (page - 1) * size
	if start >= len(items) {
		start = max(0, (len(items)-1)/size*size)
		page = start/size + 1
	}
	end := min(start+size, len(items))
	return page, items[start:end], end < len(items)
}

// pager returns the previous/next buttons of a paginated list.
func (c *call) pager(action string, page int, more bool) []reply.Block {
	return c.pagerBy(action, page, more, "")
}

// pagerBy is pager whose buttons' values start with prefix (the list's scope).
func (c *call) pagerBy(action string, page int, more bool, prefix string) []reply.Block {
	var bs []reply.Button
	if page > 1 {
		bs = append(bs, reply.Button{Text: c.T("button.prev"), ActionID: action, Value: prefix + strconv.Itoa(page-1)})
	}
	if more {
		bs = append(bs, reply.Button{Text: c.T("button.next"), ActionID: action, Value: prefix + strconv.Itoa(page+1)})
	}
	if len(bs) == 0 {
		return nil
	}
	return []reply.Block{{Kind: reply.Context, Text: c.T("page", page)}, {Kind: reply.Actions, Buttons: bs}}
}

func (c *call) campaignShow(ctx context.Context, slug string) (reply.Reply, error) {
	camp, err := c.LoadCampaign(ctx, slug)
	if err != nil {
		return reply.Reply{}, err
	}
	tasks, err := c.store.Tasks(ctx, c.Req.Workspace, chorus.TaskFilter{Campaign: slug, Statuses: []chorus.TaskStatus{chorus.TaskOpen}})
	if err != nil {
		return reply.Reply{}, fmt.Errorf("tasks of %q: %w", slug, err)
	}
	r := c.campaignCard(camp, tasks)
	subs, err := c.store.Submissions(ctx, c.Req.Workspace, chorus.SubmissionFilter{Campaign: camp.Slug})
	if err != nil {
		return reply.Reply{}, fmt.Errorf("copy of %q: %w", slug, err)
	}
	if b, ok := c.approvalState(camp, subs); ok {
		// before the version line, which closes the card
		r.Blocks = append(r.Blocks[:len(r.Blocks)-1], b, r.Blocks[len(r.Blocks)-1])
	}
	// the campaign's audit trail, one click away
	r.Blocks = append(r.Blocks, reply.Block{Kind: reply.Actions, Buttons: []reply.Button{
		{Text: c.T("audit.button"), ActionID: reply.ActAuditPage, Value: camp.Slug}}})
	return r, nil
}

// approvalOrder is the order in which a channel's copy is counted on the card: what waits for a
// decision first.
var approvalOrder = []chorus.SubmissionStatus{chorus.SubmissionPending, chorus.SubmissionFlagged, chorus.SubmissionChangesRequested,
	chorus.SubmissionApproved, chorus.SubmissionApprovedWithException, chorus.SubmissionOutOfDate}

// approvalState says, channel by channel, where the campaign's copy stands: how many texts
// await a decision, are flagged, sent back, approved or out of date. It reports false for a
// campaign without channels.
func (c *call) approvalState(camp chorus.Campaign, subs []chorus.Submission) (reply.Block, bool) {
	if len(camp.Channels) == 0 {
		return reply.Block{}, false
	}
	lines := []string{"*" + c.T("campaign.card.approvals") + "*"}
	for _, ch := range camp.Channels {
		count := map[chorus.SubmissionStatus]int{}
		for _, sub := range subs {
			if sub.ChannelKind == ch.Kind {
				count[sub.Status]++
			}
		}
		var parts []string
		for _, st := range approvalOrder {
			if n := count[st]; n > 0 {
				parts = append(parts, c.T("campaign.card.approval."+string(st), n))
			}
		}
		if len(parts) == 0 {
			parts = append(parts, "_"+c.T("campaign.card.approval.none")+"_")
		}
		lines = append(lines, "• *"+ch.Kind+"* — "+strings.Join(parts, " · "))
	}
	// at most MaxChannels short lines: well inside a section's 3,000 characters
	return reply.Block{Kind: reply.Section, Text: strings.Join(lines, "\n")}, true
}

// leadOrAdmin allows the campaign's leads, the workspace's leads and its admins.
func (c *call) leadOrAdmin(camp chorus.Campaign) error {
	if camp.IsLead(c.Req.User) || c.IsWorkspaceLead() {
		return nil
	}
	return chorus.Errorf(chorus.ErrForbidden, "forbidden.set_leads", camp.Name)
}

func (c *call) campaignMessage(ctx context.Context, slug, text string) (reply.Reply, error) {
	saved, facts, posts, err := c.editChecked(ctx, slug, "campaign.message", func(camp *chorus.Campaign) { camp.Message = text })
	if err != nil {
		return reply.Reply{}, err
	}
	r := c.savedCard(saved, "campaign.message.set", facts)
	r.Posts = posts
	return r, nil
}

func (c *call) campaignPoints(ctx context.Context, slug string, points []string) (reply.Reply, error) {
	saved, facts, posts, err := c.editChecked(ctx, slug, "campaign.points", func(camp *chorus.Campaign) { camp.MustInclude = points })
	if err != nil {
		return reply.Reply{}, err
	}
	r := feature.Notice("✅ " + c.T("campaign.points.set", saved.Name, len(points), saved.Version))
	r.Blocks, r.Posts = append(r.Blocks, facts...), posts
	return r, nil
}

// resolveStale answers a lead's choice about the points that contradict the message, on the
// card of the campaign version value names ("slug@version"): accept replaces each point with its
// proposal, keep leaves the points as they are. A card the campaign has outgrown is refused.
func (c *call) resolveStale(ctx context.Context, value string, accept bool) (reply.Reply, error) {
	slug, version, _ := strings.Cut(value, "@")
	action := "campaign.points.keep"
	if accept {
		action = "campaign.points.accept"
	}
	var changed []string
	saved, facts, posts, err := c.editCheckedE(ctx, slug, action, func(camp *chorus.Campaign) error {
		if strconv.Itoa(camp.Version) != version {
			return chorus.Errorf(chorus.ErrConflict, "campaign.points.stale_card", camp.Name, camp.Slug)
		}
		if len(camp.StalePoints) == 0 {
			return chorus.Errorf(chorus.ErrInvalid, "campaign.points.none_stale", camp.Name)
		}
		changed = nil
		if !accept {
			camp.StalePoints = nil
			return nil
		}
		var left []chorus.StalePoint
		for _, sp := range camp.StalePoints {
			i := slices.Index(camp.MustInclude, sp.Point)
			if sp.Proposed == "" || i < 0 {
				left = append(left, sp)
				continue
			}
			camp.MustInclude[i] = sp.Proposed
			changed = append(changed, sp.Proposed)
		}
		camp.StalePoints = left
		return nil
	})
	if err != nil {
		return reply.Reply{}, err
	}
	text := c.T("campaign.points.kept", saved.Name, saved.Version)
	if accept {
		text = c.T("campaign.points.accepted", saved.Name, len(changed), saved.Version)
	}
	r := c.campaignCard(saved, nil)
	r.Text = text
	r.Blocks = append(append([]reply.Block{{Kind: reply.Section, Text: "✅ " + text}}, facts...), r.Blocks...)
	r.Posts, r.ReplaceOriginal = posts, true
	return r, nil
}

// editChecked is a lead's edit of what copy is checked against (the message, the points): the
// watcher then checks the copy again and says what to show and post.
func (c *call) editChecked(ctx context.Context, slug, action string, change func(*chorus.Campaign)) (chorus.Campaign, []reply.Block, []reply.Post, error) {
	return c.editCheckedE(ctx, slug, action, func(camp *chorus.Campaign) error {
		change(camp)
		return nil
	})
}

// editCheckedE is editChecked with a change that may refuse. Only the leads may: the refusal
// names the action (the message, or the points).
func (c *call) editCheckedE(ctx context.Context, slug, action string, change func(*chorus.Campaign) error) (chorus.Campaign, []reply.Block, []reply.Post, error) {
	what := strings.TrimPrefix(action, "campaign.")
	if strings.HasPrefix(what, "points") {
		what = "points"
	}
	_, saved, err := c.EditCampaign(ctx, slug, action, c.LeadOnlyTo(what), change)
	if err != nil {
		return saved, nil, nil, err
	}
	facts, posts, err := c.watcher.MessageChanged(ctx, c.Turn, saved)
	return saved, facts, posts, err
}

// savedCard is the card of a campaign just saved, under a confirmation (key, with its name and
// version) and the facts the review read from it.
func (c *call) savedCard(saved chorus.Campaign, key string, facts []reply.Block) reply.Reply {
	r := c.campaignCard(saved, nil)
	r.Text = c.T(key, saved.Name, saved.Version)
	r.Blocks = append(append([]reply.Block{{Kind: reply.Section, Text: "✅ " + r.Text}}, facts...), r.Blocks...)
	return r
}

// campaignChannel handles "channel add <slug> <kind> [#channel] [@owner]" and
// "channel remove <slug> <kind>".
func (c *call) campaignChannel(ctx context.Context, args []string) (reply.Reply, error) {
	v := feature.Verb(args, 0)
	switch {
	case v == "add" && len(args) >= 3:
		ch := chorus.Channel{Kind: chorus.Fold(args[2])}
		// every argument is used once: a word that is neither the channel nor the owner, or a
		// second one of either, is an error that names it, never dropped in silence
		for _, a := range args[3:] {
			id, isChannel := feature.ChannelArg(a)
			user, isUser := feature.UserArg(a)
			mention := strings.HasPrefix(a, "@") || user != a
			switch {
			case isChannel && ch.SlackChannel == "":
				ch.SlackChannel = id
			case isUser && mention && ch.Owner == "":
				ch.Owner = user
			case isChannel || isUser && mention:
				return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "channel.arg.extra", a)
			case strings.HasPrefix(a, "@"):
				return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "channel.arg.user_unknown", a)
			default:
				return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "channel.arg.unknown", a)
			}
		}
		if ch.Owner == "" {
			ch.Owner = c.Req.User
		}
		_, saved, err := c.EditCampaign(ctx, args[1], "campaign.channel.add", c.LeadOnlyTo("channel_add"), func(camp *chorus.Campaign) error {
			for i, old := range camp.Channels {
				if old.Kind == ch.Kind {
					camp.Channels[i] = ch // re-adding a kind updates its channel and owner
					return nil
				}
			}
			camp.Channels = append(camp.Channels, ch)
			return nil
		})
		if err != nil {
			return reply.Reply{}, err
		}
		text := c.T("campaign.channel.added", ch.Kind, saved.Name, feature.Mention(ch.Owner))
		return reply.Reply{Text: text, Blocks: []reply.Block{{Kind: reply.Section, Text: "✅ " + text}}, Visibility: reply.InChannel}, nil
	case v == "remove" && len(args) >= 3:
		kind := chorus.Fold(args[2])
		_, saved, err := c.EditCampaign(ctx, args[1], "campaign.channel.remove", c.LeadOnlyTo("channel_remove"), func(camp *chorus.Campaign) error {
			i := slices.IndexFunc(camp.Channels, func(ch chorus.Channel) bool { return ch.Kind == kind })
			if i < 0 {
				return chorus.Errorf(chorus.ErrNotFound, "campaign.channel.unknown", kind, camp.Name)
			}
			camp.Channels = slices.Delete(camp.Channels, i, i+1)
			return nil
		})
		if err != nil {
			return reply.Reply{}, err
		}
		return feature.Notice("✅ " + c.T("campaign.channel.removed", kind, saved.Name)), nil
	}
	return reply.Reply{}, c.Usage("campaign.channel")
}

// campaignLead handles "lead add|remove <slug> @user".
func (c *call) campaignLead(ctx context.Context, args []string) (reply.Reply, error) {
	v := feature.Verb(args, 0)
	if (v != "add" && v != "remove") || len(args) < 3 {
		return reply.Reply{}, c.Usage("campaign.lead")
	}
	user, okU := feature.UserArg(args[2])
	if !okU {
		return reply.Reply{}, chorus.Invalid("leads", "user.invalid", args[2])
	}
	_, saved, err := c.EditCampaign(ctx, args[1], "campaign.lead."+v, c.leadOrAdmin, func(camp *chorus.Campaign) error {
		has := camp.IsLead(user)
		switch {
		case v == "add" && !has:
			camp.Leads = append(camp.Leads, user)
		case v == "remove" && has:
			if len(camp.Leads) == 1 {
				return chorus.Errorf(chorus.ErrInvalid, "campaign.lead.last")
			}
			camp.Leads = slices.DeleteFunc(camp.Leads, func(u string) bool { return u == user })
		}
		return nil
	})
	if err != nil {
		return reply.Reply{}, err
	}
	return feature.Notice("✅ " + c.T("campaign.leads.now", saved.Name, c.Mentions(saved.Leads))), nil
}

// isConfirm reports a word that confirms an action typed in full: « /campaign close x oui ».
func isConfirm(w string) bool {
	switch chorus.Fold(w) {
	case "confirm", "confirmer", "oui", "yes", "ok":
		return true
	}
	return false
}

// confirmClose asks a lead to confirm the closing of a campaign: closing stops its reminders,
// checks and digests, so it is never done by one slip of the keyboard.
func (c *call) confirmClose(ctx context.Context, slug string) (reply.Reply, error) {
	camp, err := c.LoadCampaign(ctx, slug)
	if err != nil {
		return reply.Reply{}, err
	}
	if err := c.LeadOnlyTo("status_closed")(camp); err != nil {
		return reply.Reply{}, err
	}
	if camp.Status == chorus.StatusClosed {
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "campaign.status.same", c.T("status.closed"))
	}
	text := c.T("campaign.close.confirm", camp.Name, camp.Slug)
	return reply.Reply{Text: text, Blocks: []reply.Block{
		{Kind: reply.Section, Text: "❓ " + text},
		{Kind: reply.Actions, Buttons: []reply.Button{
			{Text: c.T("campaign.close.button"), ActionID: reply.ActCampaignClose, Value: camp.Slug + "@" + strconv.Itoa(camp.Version), Style: "danger"},
			{Text: c.T("button.cancel"), ActionID: reply.ActCampaignCloseCancel, Value: camp.Slug},
		}},
	}}, nil
}

// closeConfirmed closes the campaign a confirmation card names, if it has not changed since.
func (c *call) closeConfirmed(ctx context.Context, value string) (reply.Reply, error) {
	slug, version, _ := strings.Cut(value, "@")
	camp, err := c.LoadCampaign(ctx, slug)
	if err != nil {
		return reply.Reply{}, err
	}
	if strconv.Itoa(camp.Version) != version {
		return reply.Reply{}, chorus.Errorf(chorus.ErrConflict, "campaign.close.stale", camp.Name)
	}
	r, err := c.campaignStatus(ctx, slug, chorus.StatusClosed)
	r.ReplaceOriginal = true
	return r, err
}

// campaignReopen brings a closed campaign back: active when it has a message, else a draft.
func (c *call) campaignReopen(ctx context.Context, slug string) (reply.Reply, error) {
	_, saved, err := c.EditCampaign(ctx, slug, "campaign.reopen", c.LeadOnlyTo("reopen"), func(camp *chorus.Campaign) error {
		if camp.Status != chorus.StatusClosed {
			return chorus.Errorf(chorus.ErrInvalid, "campaign.reopen.not_closed", camp.Name, c.T("status."+string(camp.Status)))
		}
		camp.Status = chorus.StatusActive
		if strings.TrimSpace(camp.Message) == "" {
			camp.Status = chorus.StatusDraft
		}
		return nil
	})
	if err != nil {
		return reply.Reply{}, err
	}
	text := c.T("campaign.reopened", saved.Name, c.T("status."+string(saved.Status)))
	return reply.Reply{Text: text, Blocks: []reply.Block{{Kind: reply.Section, Text: feature.StatusEmoji(saved.Status) + " " + text}}, Visibility: reply.InChannel}, nil
}

func (c *call) campaignStatus(ctx context.Context, slug string, st chorus.Status) (reply.Reply, error) {
	_, saved, err := c.EditCampaign(ctx, slug, "campaign.status", c.LeadOnlyTo("status_"+string(st)), func(camp *chorus.Campaign) error {
		if camp.Status == st {
			return chorus.Errorf(chorus.ErrInvalid, "campaign.status.same", c.T("status."+string(st)))
		}
		if camp.Status == chorus.StatusClosed {
			return chorus.Errorf(chorus.ErrInvalid, "campaign.status.closed", camp.Slug)
		}
		if st == chorus.StatusActive && strings.TrimSpace(camp.Message) == "" {
			return chorus.Errorf(chorus.ErrInvalid, "campaign.activate.no_message", camp.Slug)
		}
		camp.Status = st
		return nil
	})
	if err != nil {
		return reply.Reply{}, err
	}
	text := c.T("campaign.status.set", saved.Name, c.T("status."+string(st)))
	return reply.Reply{Text: text, Blocks: []reply.Block{{Kind: reply.Section, Text: feature.StatusEmoji(st) + " " + text}}, Visibility: reply.InChannel}, nil
}

func (c *call) campaignHistory(ctx context.Context, slug string) (reply.Reply, error) {
	if _, err := c.LoadCampaign(ctx, slug); err != nil {
		return reply.Reply{}, err
	}
	versions, err := c.store.CampaignHistory(ctx, c.Req.Workspace, slug)
	if err != nil {
		return reply.Reply{}, fmt.Errorf("history of %q: %w", slug, err)
	}
	blocks := []reply.Block{{Kind: reply.Header, Text: c.T("history.title", slug)}}
	lines := []string{c.T("history.title", slug)}
	// Newest first, and at most the last 40 versions: a history card must fit one message.
	for i := len(versions) - 1; i >= 0 && len(versions)-i <= 40; i-- {
		v := versions[i]
		what := c.T("history.created")
		if i > 0 {
			what = c.describeChange(versions[i-1], v)
		}
		line := c.T("history.line", v.Version, c.When(v.UpdatedAt), feature.Mention(v.UpdatedBy), what)
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: line})
		lines = append(lines, line)
	}
	return reply.Reply{Text: strings.Join(lines, "\n"), Blocks: blocks}, nil
}

// describeChange says which fields differ between two versions.
func (c *call) describeChange(a, b chorus.Campaign) string {
	var parts []string
	if a.Name != b.Name {
		parts = append(parts, c.T("field.name"))
	}
	if a.Message != b.Message {
		parts = append(parts, c.T("field.message")+" : « "+feature.Ellipsis(b.Message, 120)+" »")
	}
	if !slices.Equal(a.MustInclude, b.MustInclude) {
		parts = append(parts, c.T("field.must_include"))
	}
	if !slices.Equal(a.Channels, b.Channels) {
		parts = append(parts, c.T("field.channels"))
	}
	if !slices.Equal(a.Leads, b.Leads) {
		parts = append(parts, c.T("field.leads"))
	}
	if a.Start != b.Start || a.End != b.End {
		parts = append(parts, c.T("field.dates"))
	}
	if a.Status != b.Status {
		parts = append(parts, c.T("field.status")+" → "+c.T("status."+string(b.Status)))
	}
	// wordings a lead accepted as « pas une dérive »: what the detector will no longer flag
	for _, acc := range b.Accepted[min(len(a.Accepted), len(b.Accepted)):] {
		words := acc.Quote
		if acc.Kind == "missing" {
			words = acc.Point
		}
		parts = append(parts, c.T("history.accepted", c.T("kind."+acc.Kind), feature.Ellipsis(words, 120)))
	}
	if len(parts) == 0 {
		return c.T("history.nochange")
	}
	return strings.Join(parts, ", ")
}
