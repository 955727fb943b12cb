package campaign

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// listFilter selects the campaigns a list shows: archived ones (only when asked for), of a
// status, with a channel of a kind, with a channel owned by someone, the caller's.
type listFilter struct {
	Archived bool
	Status   chorus.Status
	Kind     string
	Owner    string
	// Member is the caller when they asked for theirs (« mine »): the campaigns they lead or own
	// a channel of, not closed — the App Home's list, in full.
	Member string
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
	if f.Member != "" {
		w = append(w, "mine")
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
	if f.Member != "" {
		w = append(w, c.T("campaign.list.mine"))
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
	case f.Member != "" && (camp.Status == chorus.StatusClosed ||
		!camp.IsLead(f.Member) && !slices.ContainsFunc(camp.Channels, func(ch chorus.Channel) bool { return ch.Owner == f.Member })):
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

// readListFilter reads "/campaign list [archived] [status] [kind] [@owner] [mine] [page]": every
// word is used once, and a word that is none of them is an error naming it.
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
		case feature.Verb([]string{a}, 0) == "mine" && f.Member == "":
			f.Member = c.Req.User
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
	page, items, total, more, err := c.listPage(ctx, f, pageArg)
	if err != nil {
		return reply.Reply{}, fmt.Errorf("list campaigns: %w", err)
	}
	filtered := f != listFilter{}
	if total == 0 {
		switch {
		case f == listFilter{Archived: true}:
			return feature.Notice(c.T("campaign.list.archived_empty")), nil
		case filtered:
			return feature.Notice(c.T("campaign.list.filtered_empty", c.filterLabel(f))), nil
		}
		return feature.Notice(c.T("campaign.list.empty")), nil
	}
	title := c.T("campaign.list.title", total)
	switch {
	case f == listFilter{Archived: true}:
		title = c.T("campaign.list.archived_title", total)
	case filtered:
		title = c.T("campaign.list.filtered_title", total, c.filterLabel(f))
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

// listPage is page pageArg of the campaigns f selects (as paginate numbers it), the total and
// whether more pages follow. Filtered by archiving only, or the caller's campaigns only, it asks
// the store for that page alone, which keeps the campaigns by slug in those selections; other
// filters look at every campaign of the workspace.
func (c *call) listPage(ctx context.Context, f listFilter, pageArg string) (page int, items []chorus.Campaign, total int, more bool, err error) {
	sel := chorus.CampaignFilter{Archived: f.Archived}
	paged := f == listFilter{Archived: f.Archived}
	if f.Member != "" && f == (listFilter{Member: f.Member}) {
		sel, paged = chorus.CampaignFilter{Member: f.Member}, true
	}
	if !paged {
		all, err := c.store.Campaigns(ctx, c.Req.Workspace)
		if err != nil {
			return 0, nil, 0, false, err
		}
		all = slices.DeleteFunc(all, func(camp chorus.Campaign) bool { return !f.match(camp) })
		page, items, more := paginate(all, pageArg)
		return page, items, len(all), more, nil
	}
	page = pageNumber(pageArg)
	items, total, err = c.pages.CampaignsPage(ctx, c.Req.Workspace, sel, (page-1)*pageSize, pageSize)
	if err == nil && len(items) == 0 && total > 0 { // past the last page: the last one, as paginate does
		page = (total-1)/pageSize + 1
		items, total, err = c.pages.CampaignsPage(ctx, c.Req.Workspace, sel, (page-1)*pageSize, pageSize)
	}
	return page, items, total, page*pageSize < total, err
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

// paginate returns page pageArg (1-based, default 1) of items, and whether more follow.
func paginate[T any](items []T, pageArg string) (int, []T, bool) {
	return paginateBy(items, pageArg, pageSize)
}

// paginateBy is paginate with size items a page.
func paginateBy[T any](items []T, pageArg string, size int) (int, []T, bool) {
	page := pageNumber(pageArg)
	start := (page - 1) * size
	if start >= len(items) {
		start = max(0, (len(items)-1)/size*size)
		page = start/size + 1
	}
	end := min(start+size, len(items))
	return page, items[start:end], end < len(items)
}

// pageNumber is the page pageArg asks for, 1 when it asks for none.
func pageNumber(pageArg string) int {
	page, err := strconv.Atoi(pageArg)
	if err != nil || page < 1 {
		return 1
	}
	return page
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
