package commands

import (
	"context"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/reply"
)

// DigestExtras exposes the review sections of a digest to the tests of package commands_test.
func DigestExtras(s *Service, ctx context.Context, workspace, channel string, lead bool, camps []chorus.Campaign, lang chorus.Lang) ([]reply.Block, error) {
	return digestSections{s}.DigestSections(ctx, workspace, channel, lead, camps, lang)
}
