package commands

import (
	"context"

	"github.com/chorus-hq/chorus/reply"
)

// CalendarFeed writes the iCalendar that the subscription link token gives: the workspace's
// calendar in its owner's language. A malformed, unknown or revoked token is chorus.ErrNotFound.
func (s *Service) CalendarFeed(ctx context.Context, token string) ([]byte, error) {
	owner, err := s.calendar.FeedOwner(ctx, token)
	if err != nil {
		return nil, err
	}
	c, err := s.begin(ctx, reply.Request{Workspace: owner.WorkspaceID, User: owner.User})
	if err != nil {
		return nil, err
	}
	return s.calendar.Feed(ctx, c.Turn)
}
