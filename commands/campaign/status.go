package campaign

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

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
