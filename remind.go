package chorus

import (
	"strings"
	"time"
)

// RemindMark says that no reminder of version Version of a task is pending before At. The
// scheduler stores one with each open task it plans, so that a start-up reads the tasks whose
// next reminder is near, not every task that could have one (issue 17). At is NeverRemind when
// the task has none left under its policy. Saving a task clears its mark: a task never marked
// counts as marked at the zero time, planned at the next read.
type RemindMark struct {
	WorkspaceID string
	TaskID      string
	Version     int
	At          time.Time
}

// NeverRemind is the mark of a task with no reminder left: later than any instant a mark is
// read up to.
var NeverRemind = time.Date(9999, time.January, 1, 0, 0, 0, 0, time.UTC)

// PolicyReplan records that the open tasks under a reminder policy (a campaign's, or with
// Campaign "" a workspace's) were marked again (RemindMark) after its version Version was saved.
// A policy saved since has a higher version: its tasks' marks may say too late a reminder,
// until a scheduler marks them again.
type PolicyReplan struct {
	WorkspaceID string
	Campaign    string
	Version     int
}

// RemindKey is a place in the order in which a scheduler reads the open tasks to remind: by
// mark, then workspace, then task id, so that a read stopped after a number of tasks goes on
// where it stopped even among thousands marked at the same instant (every overdue task's 09:00
// nudge). A key with no task (only At) comes before every task marked at At.
type RemindKey struct {
	At          time.Time
	WorkspaceID string
	TaskID      string
}

// Compare returns -1, 0 or +1 as k comes before, at or after o.
func (k RemindKey) Compare(o RemindKey) int {
	if c := k.At.Compare(o.At); c != 0 {
		return c
	}
	if c := strings.Compare(k.WorkspaceID, o.WorkspaceID); c != 0 {
		return c
	}
	return strings.Compare(k.TaskID, o.TaskID)
}

// Instant reports whether k names an instant rather than a task.
func (k RemindKey) Instant() bool { return k.WorkspaceID == "" && k.TaskID == "" }
