package scheduler

import (
	"context"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/reply"
)

// Composer writes what the scheduler sends. The scheduler decides when a reminder or a digest
// is due and delivers it exactly once; what it says belongs to the features, which compose
// their reminders and digest sections next to the buttons that answer them. commands.Service
// implements it.
type Composer interface {
	// Reminder writes the reminder of one task, in r.Lang and r.Location.
	Reminder(r ReminderScope) Content
	// Digest writes a channel's digest at a slot, as one or more messages, and reports whether
	// it had nothing to say.
	Digest(ctx context.Context, d DigestScope) (Digest, error)
}

// ReminderScope is one reminder to write.
type ReminderScope struct {
	Task         chorus.Task
	At           time.Time // when it was planned
	Late         bool      // sent after its time, as after downtime
	Lang         chorus.Lang
	Location     *time.Location // the campaign's time zone
	CampaignName string
	// ToChannel marks the copy posted in the task's team channel, which names the owner.
	ToChannel bool
}

// Content is the text and blocks of one message.
type Content struct {
	Text   string
	Blocks []reply.Block
}

// DigestScope is one digest to write.
type DigestScope struct {
	Schedule chorus.DigestSchedule
	Slot     time.Time
	// Folded are the reminders planned since the previous slot that came too late to send; a
	// digest shows those whose task it covers and which are still open.
	Folded []chorus.Occurrence
}

// Digest is a digest as the messages to post, in order. A digest with nothing to say (Empty)
// is a short "nothing to report" in one part, which the scheduler posts or leaves unsaid as the
// schedule's chorus.EmptyDigest says.
type Digest struct {
	Parts  []Content
	Empty  bool   // nothing to say: no campaign, task or section
	Reason string // why it is empty: a code the composer explains again in the schedule's listing
}
