// Package store keeps Chorus's data in MongoDB, or in the embedded MongoDB wire-protocol server
// (package store/embedded) when no MongoDB is configured. It is the only package that imports the
// MongoDB driver; everything it returns is a type of package chorus.
//
// # Collections
//
//	meta                 {_id: "schema", version}: the schema version of the database
//	workspace_versions   every saved version of a workspace's settings, unique (workspace, version)
//	workspaces           head: the latest version, _id = workspace
//	campaign_versions    every campaign version, unique (workspace, slug, version)
//	campaigns            head per campaign, _id = workspace/slug
//	task_versions        every task version, unique (workspace, id, version)
//	tasks                head per task, _id = workspace/id; remind = the scheduler's mark (MarkReminds), not versioned
//	touchpoint_versions  every touchpoint version (a removal is the last), unique (workspace, id, version)
//	touchpoints          head per touchpoint, _id = workspace/id; last = its last day live
//	calendar_tokens      a calendar feed's secret link, _id = SHA-256 of the token (the token is not kept)
//	term_versions        every glossary term version, unique (workspace, key, version)
//	terms                head per term, _id = workspace/key, key = chorus.TermKey(lang, term)
//	audit                one document per audit entry
//	claims               {_id: kind/id, kind, owner, at}: claimed events, occurrences and slots
//	meeting_versions     every version of a meeting's minutes, unique (workspace, id, version)
//	meetings             head per meeting, _id = workspace/id; folded = chorus.Fold(title)
//	meeting_open         {_id: workspace/channel, meeting, at}: the channel's one open meeting
//	minutes_line_versions every version of a line of minutes, unique (workspace, key, version)
//	minutes_lines        head per line, key = meeting:message-ts; folded = chorus.Fold(text)
//	submission_versions  every version of a submitted copy, unique (workspace, id, version)
//	submissions          head per submitted copy; its id derives from the Slack channel and ts
//	submission_decisions one document per lead decision (approve, request changes, exception)
//	drift_exceptions     approved deviations: that text is not flagged again
//	drift_autocheck      per team channel: whether copy posted there is checked automatically
//	digest_versions      every version of a channel's digest schedule, unique (workspace, channel, version)
//	digests              head per channel, _id = workspace/channel
//	policy_versions      every version of a reminder policy, unique (workspace, campaign, version)
//	policies             head per policy, _id = workspace/campaign ("" for the workspace's own)
//	policy_replans       {_id: workspace/campaign, version}: the policy version its tasks were marked for ($max)
//	snoozes              insert-only, _id = workspace/task/due/until
//	occurrences          insert-only record of each handled reminder or digest, _id = occurrence id
//	task_threads         insert-only: a task's reminder thread in a team channel, _id = workspace/task/channel
//
// Version documents have the deterministic _id head-id/version; id parts are URL-path-escaped so
// that a "/" inside a glossary term cannot make two identities share an id. Times are stored in
// UTC with millisecond precision, calendar dates (chorus.Date) as "YYYY-MM-DD" strings, and empty
// lists are omitted (read back as nil).
//
// # Rules
//
// The embedded server (FerretDB v1) is not atomic under concurrent updates, so the store follows
// DESIGN.md:
//
//   - The only concurrency primitive is an insert against a unique index. Claim inserts a claim
//     document; the loser of a race gets a duplicate key and false. An edit inserts version n+1 of
//     the entity; of two edits based on version n exactly one is stored and the other gets
//     chorus.ErrConflict, so no edit is ever lost and history comes for free.
//   - The versions collections are the truth. The heads collections hold a copy of the latest
//     version for reads and lists, written after the version insert and never replaced by an
//     older version. A crash between the two writes leaves a head stale or missing: an edit
//     based on a stale head conflicts and repairs the head from the latest version, so the
//     user's retry works, and a read that finds no head falls back to the versions and rewrites
//     the head.
//   - No read-modify-write on shared documents: no counters, no growing arrays; audit entries are
//     their own documents.
//   - With Options.SerializeWrites (embedded mode, where one process owns the files) every write
//     also holds an in-process mutex.
//   - Only query features the embedded server supports correctly are used (no transactions, TTL
//     indexes, $elemMatch, $lookup, positional updates or uniqueness enforced by updates); expired
//     claims are removed by SweepClaims, called periodically.
//   - Open creates an index for every query, since production MongoDB uses them
//     (TestEveryQueryHasAnIndex checks every filter and sort the store sends against them). It
//     records the schema version of a new database, migrates an older one and refuses a newer
//     one (ErrSchemaTooNew).
//
// The store does not check domain rules (callers validate with package chorus) but refuses to
// store a thing without the fields that identify it (chorus.ErrInvalid). Errors wrap
// chorus.ErrNotFound, chorus.ErrConflict and chorus.ErrInvalid for errors.Is.
//
// On the embedded server a query costs time in proportion to its collection, except a filter on
// _id alone once embedded.Server.IndexIDs has run. With Options.ReadModel the heads of
// workspaces, campaigns, tasks, terms, meetings, minutes lines and submissions are kept in memory
// (readmodel.go): reads and lists of those kinds ask no query, and Refresh brings in what other
// replicas wrote. Import stores generated or migrated data in bulk.
package store
