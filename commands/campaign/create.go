package campaign

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/i18n"
	"github.com/chorus-hq/chorus/reply"
)

// campaignCreate reads "<slug> <name…> [start] [end]". A quoted name ends at its quote and
// whatever follows must be dates; an unquoted name ends where the dates start. Dates are
// written as people write them (2027-07-01, 1/7/2027, « 1er juillet 2027 »); a word that is
// neither name nor date is an error that names it, never a part of the name. Given no arguments
// it opens the modal.
func (c *call) campaignCreate(ctx context.Context, args []string) (reply.Reply, error) {
	if !c.IsWorkspaceLead() {
		return reply.Reply{}, chorus.Errorf(chorus.ErrForbidden, "forbidden.create_campaign")
	}
	from, args, err := c.templateArg(args)
	if err != nil {
		return reply.Reply{}, err
	}
	if len(args) == 0 && from != "" {
		return c.duplicateModal(ctx, from)
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
	if from != "" {
		return c.createFrom(ctx, camp, from)
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
		if _, err := chorus.ReadDay(strings.Join(words[:n], " ")); err == nil || chorus.HasCode(err, "when.no_such_day") {
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
			if chorus.HasCode(err, "when.no_such_day") && bad == nil {
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
