package chorus

import "time"

// TaskStatus is the state of a task.
type TaskStatus string

// The task statuses.
const (
	TaskOpen      TaskStatus = "open"
	TaskDone      TaskStatus = "done"
	TaskCancelled TaskStatus = "cancelled"
)

// Task is a piece of work on a campaign's channel, with an owner and a due date-time.
type Task struct {
	WorkspaceID string
	ID          string // short id people type, such as "k7m2qd"
	Campaign    string // campaign slug
	ChannelKind string // "" for a campaign-wide task
	Title       string
	Owner       string
	Due         time.Time // UTC instant; shown in the campaign's time zone
	Status      TaskStatus
	// Relative dates the task Offset days from its campaign's start (J-30 is -30): moving the
	// start moves Due with it. False: Due is a date the lead chose and stays where it is.
	Relative bool
	Offset   int

	Version   int
	CreatedBy string
	CreatedAt time.Time
	UpdatedBy string
	UpdatedAt time.Time
}

// Validate reports every problem with the task. It does not check that Due is in the future:
// only a new or moved due date must be, which is the caller's rule.
func (t Task) Validate() error {
	var ps Problems
	if !ValidSlug(t.Campaign) {
		ps.add("campaign", "campaign.slug.syntax", t.Campaign)
	}
	checkText(&ps, "title", t.Title, MaxTitleLen, true)
	if t.Owner == "" {
		ps.add("owner", "task.owner.empty")
	} else if !ValidUserID(t.Owner) {
		ps.add("owner", "user.invalid", t.Owner)
	}
	if t.Due.IsZero() {
		ps.add("due", "task.due.empty")
	}
	if t.Relative && (t.Offset < -MaxOffsetDays || t.Offset > MaxOffsetDays) {
		ps.add("offset", "task.offset.range", t.Offset, MaxOffsetDays)
	}
	switch t.Status {
	case TaskOpen, TaskDone, TaskCancelled:
	default:
		ps.add("status", "task.status.invalid", string(t.Status))
	}
	return ps.Err()
}
