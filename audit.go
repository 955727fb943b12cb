package chorus

import "time"

// AuditEntry records one change: who did what to which thing, when, and between which versions.
// Entries are their own documents, never a growing array, so concurrent changes all keep theirs.
type AuditEntry struct {
	WorkspaceID string
	ID          string
	At          time.Time
	Actor       string // user id
	Action      string // such as "campaign.create", "campaign.message", "task.done"
	Target      string // such as "campaign:ete-literie", "task:k7m2qd", "term:fr:drive"
	Before      int    // version before the change, 0 when it created the thing
	After       int    // version after the change
	Detail      string // short free text, such as the new status
}

// TaskFilter selects tasks. Empty fields select everything.
type TaskFilter struct {
	Campaign    string
	ChannelKind string
	Owner       string
	Statuses    []TaskStatus
	DueBefore   time.Time // only tasks due strictly before this instant, when set
}
