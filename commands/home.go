package commands

import (
	"context"

	"github.com/chorus-hq/chorus/reply"
)

// Home builds the user's App Home: their most urgent open tasks and their campaigns (the
// campaign feature), then the copy awaiting their decision (the review), then this month's
// calendar. Each list shows its first few with an exact count and the command that lists the
// rest, so the Home costs the same however much the workspace holds.
func (s *Service) Home(ctx context.Context, req reply.Request) reply.View {
	c, err := s.begin(ctx, req)
	if err != nil {
		return reply.View{Blocks: c.Fail(err).Blocks}
	}
	v, err := c.home(ctx)
	if err != nil {
		return reply.View{Blocks: c.Fail(err).Blocks}
	}
	return v
}

func (c *call) home(ctx context.Context) (reply.View, error) {
	blocks, err := c.campaigns.Home(ctx, c.Turn)
	if err != nil {
		return reply.View{}, err
	}
	approvals, err := c.review.HomeApprovals(ctx, c.Turn)
	if err != nil {
		return reply.View{}, err
	}
	calendar, err := c.calendar.HomeBlocks(ctx, c.Turn)
	if err != nil {
		return reply.View{}, err
	}
	return reply.View{Blocks: append(append(blocks, approvals...), calendar...)}, nil
}
