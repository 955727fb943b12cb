package commands

import (
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/briefing"
	"github.com/chorus-hq/chorus/commands/calendar"
	"github.com/chorus-hq/chorus/commands/campaign"
	"github.com/chorus-hq/chorus/commands/minutes"
	"github.com/chorus-hq/chorus/commands/plan"
	"github.com/chorus-hq/chorus/commands/reminders"
	"github.com/chorus-hq/chorus/commands/review"
	"github.com/chorus-hq/chorus/commands/settings"
	"github.com/chorus-hq/chorus/reply"
)

// Reads reports whether the slash command of req only reads the store: no write, no message
// to anyone but the requester, no file, no call to Slack or a model. Its answer then needs no
// inbox item and no response_url: a transport may run Command while it acknowledges the
// request and send the answer in the acknowledgement, and nothing acknowledged can be lost.
// It routes args exactly as Command does, each feature saying which of its sub-commands
// read; anything in doubt (the reminders', the briefings', the plan's and the calendar's
// sub-commands, which may draw, share a file or read Slack) is not one.
func (s *Service) Reads(req reply.Request) bool {
	args, err := tokenize(chorus.CleanText(req.Text))
	if err != nil {
		return true // answered with the parse error
	}
	switch strings.TrimPrefix(req.Command, "/") {
	case "campaign", "campagne":
		if owns, reads := review.Reads(args); owns {
			return reads
		}
		if reminders.IsReminders(args) || briefing.IsBriefing(args) || plan.IsPlan(args) || calendar.IsCampaignCommand(args) {
			return false
		}
		return campaign.Reads(args)
	case "glossary", "glossaire":
		return campaign.GlossaryReads(args)
	case "chorus":
		if reminders.IsDigest(args) || reminders.IsReminders(args) || briefing.IsExperts(args) || calendar.IsChorusCommand(args) {
			return false
		}
		return settings.Reads(args)
	case "minutes", "compte-rendu":
		return minutes.Reads(args)
	}
	return true // answered « unknown command »
}
