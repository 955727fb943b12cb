package chorus

import "time"

// CalendarToken is a person's secret link to the workspace's calendar feed (an iCalendar
// subscription): only a hash of the token is kept, so the store cannot give the link away.
type CalendarToken struct {
	Hash        string // hex SHA-256 of the secret token
	WorkspaceID string
	User        string
	CreatedAt   time.Time
	RevokedAt   time.Time // zero while the link works
}
