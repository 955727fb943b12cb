// Package scheduler sends deadline reminders to task owners and digests to team channels, on
// each team's wall clock, exactly once, even with several replicas, restarts and crashes.
//
// # Occurrences
//
// Every message the scheduler may send is an occurrence with a deterministic id
// (chorus.ReminderOccurrenceID, chorus.DigestOccurrenceID): a reminder of task T for due instant D
// at plan key K, or a channel's digest at slot S. Any replica computes the same ids. Handling one:
//
//  1. claim "<id>/1" by inserting it (store.Claim; the only concurrency primitive, DESIGN rule 1);
//     the loser of the race does nothing more than check back after the lease;
//  2. send it with Slack message metadata {event_type, id};
//  3. record it (store.RecordOccurrence) with the message's ts.
//
// A claim older than the lease (Options.Lease) with no record means its owner died between 1 and
// 3: the next replica claims "<id>/2", looks for the message by its metadata (Sender.Find) and
// records the ts it finds, or sends it when nothing was sent. So a crash between send and record
// neither loses nor doubles the message; attempts stop after maxAttempts.
//
// A reminder of a team's task also goes to the team's Slack channel: a second occurrence, id
// + ChannelCopy, handled the same way. The task's first copy opens its thread there
// (store.StartTaskThread, insert-only: a replica losing the race reads the winner's), later ones
// reply in it, and a takeover looks for a lost reply in its thread (Sender.Find's thread).
//
// # Time
//
// Reminders follow chorus.ReminderPolicy.Plan in the campaign's time zone; digests follow a cron
// spec in the schedule's time zone (robfig/cron/v3), so 09:00 stays 09:00 across daylight-saving
// changes. An occurrence found later than the grace window (Options.Grace) after its time, as
// after downtime, is not sent: a late reminder is folded into the next digest that covers its
// task (or, when no digest covers it, sent marked late); a late digest is skipped, since the
// next one says everything it would have. Alive marks every ten minutes (Store.MarkAlive) tell
// a restarted process since when it was down, so nothing missed in between is dropped silently.
//
// # Cost
//
// The scheduler keeps the next occurrence of the open tasks whose reminders are near and of
// every digest in an in-memory min-heap. Which tasks are near, the store says: the scheduler
// stores on each open task a mark, the instant before which it has no reminder pending
// (chorus.RemindMark, window.go, marks.go), and start-up reads only the tasks marked before the
// next two hours, whatever the year holds. A tick pops what is due in O(log n) per occurrence
// and touches the store only to claim, read the task fresh and record, to store the marks of
// the tasks it reminded, and once an hour to read the tasks marked in the next hour. The index
// is refreshed on the process's own writes (TaskChanged, Snoozed, DigestChanged, PolicyChanged)
// and by a periodic Resync for changes made by other replicas (saving a task clears its mark);
// every occurrence is checked against a fresh read of its task before it is
// sent, so a stale index never sends a reminder for a done or moved task.
//
// Sending goes through a Sender (the Slack client, rate-limited per channel, or the console), one
// queue per destination channel, so a burst drains at Slack's pace in every channel at once and
// never blocks the tick.
package scheduler
