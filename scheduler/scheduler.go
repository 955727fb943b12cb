package scheduler

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/reply"
)

// Store is what the scheduler needs from persistence. store.Store implements it.
type Store interface {
	OpenTasks(ctx context.Context) ([]chorus.Task, error)
	Task(ctx context.Context, workspace, id string) (chorus.Task, error)
	Tasks(ctx context.Context, workspace string, f chorus.TaskFilter) ([]chorus.Task, error)
	Campaigns(ctx context.Context, workspace string) ([]chorus.Campaign, error)
	Workspace(ctx context.Context, id string) (chorus.Workspace, error)
	UserLang(ctx context.Context, workspace, user string) (chorus.Lang, error)
	DigestSchedules(ctx context.Context) ([]chorus.DigestSchedule, error)
	ReminderPolicies(ctx context.Context) ([]chorus.ReminderPolicy, error)
	Snoozes(ctx context.Context, since time.Time) ([]chorus.Snooze, error)

	Claim(ctx context.Context, kind, id, owner string) (bool, error)
	ClaimInfo(ctx context.Context, kind, id string) (owner string, at time.Time, ok bool, err error)
	LastClaim(ctx context.Context, kind string) (time.Time, bool, error)
	SweepClaims(ctx context.Context, kind string, olderThan time.Time) (int, error)
	RecordOccurrence(ctx context.Context, o chorus.Occurrence) error
	Occurrence(ctx context.Context, id string) (chorus.Occurrence, bool, error)
	FoldedOccurrences(ctx context.Context, workspace string, from, to time.Time) ([]chorus.Occurrence, error)
	SweepOccurrences(ctx context.Context, olderThan time.Time) (int, error)

	TaskThread(ctx context.Context, workspace, task, channel string) (ts string, ok bool, err error)
	StartTaskThread(ctx context.Context, workspace, task, channel, ts string) (thread string, err error)
}

// Message is one post the scheduler sends. EventType and ID are stored as Slack message
// metadata, so Sender.Find can tell whether it was sent.
type Message struct {
	Channel   string // channel id, or a user id for a direct message
	Thread    string
	Text      string
	Blocks    []reply.Block
	EventType string
	ID        string
}

// Sender posts messages: the Slack client (rate-limited per channel) or the console.
type Sender interface {
	// Send posts m and returns its timestamp.
	Send(ctx context.Context, m Message) (ts string, err error)
	// Find returns the timestamp of a message posted to channel since since with the given
	// metadata, reporting false when there is none. With thread set it looks among the replies
	// of that thread (which a channel's history does not list), else among the channel's
	// top-level messages.
	Find(ctx context.Context, channel, thread, eventType, id string, since time.Time) (ts string, ok bool, err error)
}

// The metadata event types of the scheduler's messages.
const (
	EventReminder = "chorus_reminder"
	EventDigest   = "chorus_digest"
)

// ChannelCopy ends the occurrence id of a reminder's copy in its task's team channel: the copy
// is claimed, sent and recorded on its own, like the direct message whose id it extends.
const ChannelCopy = "/channel"

// Claim kinds in the store.
const (
	claimOccurrence = "occurrence"
	claimAlive      = "alive"
)

// maxAttempts bounds the takeovers of one occurrence whose owners keep dying or failing to send.
const maxAttempts = 3

// aliveEvery is how often a running scheduler records that it is alive.
const aliveEvery = 10 * time.Minute

// Options configure a Scheduler. Store, Sender and Composer are required.
type Options struct {
	Store    Store
	Sender   Sender
	Composer Composer         // writes the reminders and digests
	Logger   *slog.Logger     // nil discards
	Now      func() time.Time // nil means time.Now
	Replica  string           // names this process in claims
	// Tick is how often Run looks for due occurrences; 30 s.
	Tick time.Duration
	// Grace is how late an occurrence may still be sent; 6 h. Later reminders are folded into
	// the next digest, later digests skipped.
	Grace time.Duration
	// Lease is how long a claim's owner has to send and record before another replica takes
	// over; 10 min. It must exceed the longest send, rate-limit waits included.
	Lease time.Duration
	// Resync is how often the index is rebuilt from the store, to see other replicas' changes;
	// 5 min.
	Resync time.Duration
	// Retention is how long claims and records are kept; 30 days.
	Retention time.Duration
	// MaxCatchUp bounds how far back a restart looks for missed occurrences; 7 days.
	MaxCatchUp time.Duration
	// Policy is the reminder policy of workspaces that saved none (WorkspaceID is ignored).
	Policy chorus.ReminderPolicy
	// TimeZone is used for tasks whose campaign is unknown; Europe/Paris.
	TimeZone string
	// Lang is the language of workspaces that saved none; French.
	Lang chorus.Lang
	// SkipWeekends skips the Saturday and Sunday slots of digests set for every day.
	SkipWeekends bool
	// PostEmptyDigest posts a digest that has nothing to say instead of skipping it.
	PostEmptyDigest bool
	// Workers bounds the channels sent to at once; 256.
	Workers int
	// Feed, when set, brings this process's own writes to the index at once (see Watch);
	// without it, they are seen at the next Resync.
	Feed *Feed
}

// Stats counts what the scheduler did since it started.
type Stats struct {
	Sent       int64 // messages sent (a digest in three parts counts three)
	Recovered  int64 // messages found by their metadata after a crash instead of sent again
	Folded     int64 // late reminders folded into the next digest
	Skipped    int64 // digests not posted: empty or late
	Cancelled  int64 // occurrences dropped because their task was done, moved or snoozed
	LostClaims int64 // occurrences another replica claimed first
	Failed     int64 // sends or records that failed (retried after the lease)
}

type counters struct {
	sent, recovered, folded, skipped, cancelled, lost, failed atomic.Int64
}

// Scheduler sends reminders and digests. It is safe for concurrent use.
type Scheduler struct {
	st   Store
	send Sender
	log  *slog.Logger
	now  func() time.Time
	opts Options

	mu       sync.Mutex
	tasks    map[string]*entry
	digests  map[string]*entry
	heap     timeline
	retries  retries
	policies map[string]chorus.ReminderPolicy // "ws/campaign"; campaign "" for the workspace's
	camps    map[string]chorus.Campaign       // "ws/slug"
	snoozes  map[string]chorus.Snooze         // "ws/task": the latest snooze
	zones    map[string]*time.Location        // loaded time zones: loading one reads a file
	from     time.Time                        // nothing before it is reconsidered
	alive    string                           // the last alive mark claimed
	lastSwep time.Time

	qmu    sync.Mutex
	queues map[string]*chanQueue
	wg     sync.WaitGroup
	sem    chan struct{}
	count  counters
}

// New returns a Scheduler; call Load before Tick, or Run, which loads.
func New(opts Options) (*Scheduler, error) {
	if opts.Store == nil || opts.Sender == nil || opts.Composer == nil {
		return nil, errors.New("scheduler: Store, Sender and Composer are required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Replica == "" {
		opts.Replica = "chorus"
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&opts.Tick, 30*time.Second)
	def(&opts.Grace, 6*time.Hour)
	def(&opts.Lease, 10*time.Minute)
	def(&opts.Resync, 5*time.Minute)
	def(&opts.Retention, 30*24*time.Hour)
	def(&opts.MaxCatchUp, 7*24*time.Hour)
	if opts.Policy.Offsets == nil && !opts.Policy.Morning && !opts.Policy.Overdue {
		opts.Policy = chorus.DefaultReminderPolicy("")
	}
	if err := opts.Policy.Validate(); err != nil && !onlyWorkspaceMissing(err) {
		return nil, fmt.Errorf("scheduler: default reminder policy: %w", err)
	}
	if opts.TimeZone == "" {
		opts.TimeZone = chorus.DefaultTimeZone
	}
	if opts.Lang == "" {
		opts.Lang = chorus.French
	}
	if opts.Workers <= 0 {
		opts.Workers = 256
	}
	s := &Scheduler{
		st: opts.Store, send: opts.Sender, log: opts.Logger, now: opts.Now, opts: opts,
		tasks: map[string]*entry{}, digests: map[string]*entry{},
		policies: map[string]chorus.ReminderPolicy{}, camps: map[string]chorus.Campaign{}, snoozes: map[string]chorus.Snooze{},
		zones:  map[string]*time.Location{},
		queues: map[string]*chanQueue{}, sem: make(chan struct{}, opts.Workers),
	}
	if opts.Feed != nil {
		opts.Feed.attach(s)
	}
	return s, nil
}

func onlyWorkspaceMissing(err error) bool {
	for _, p := range chorus.ProblemsOf(err) {
		if p.Code != "workspace.id.empty" {
			return false
		}
	}
	return true
}

// Stats returns the counters.
func (s *Scheduler) Stats() Stats {
	return Stats{
		Sent: s.count.sent.Load(), Recovered: s.count.recovered.Load(), Folded: s.count.folded.Load(),
		Skipped: s.count.skipped.Load(), Cancelled: s.count.cancelled.Load(), LostClaims: s.count.lost.Load(),
		Failed: s.count.failed.Load(),
	}
}

// snapshot is everything the index is built from.
type snapshot struct {
	at       time.Time
	tasks    []chorus.Task
	digests  []chorus.DigestSchedule
	policies []chorus.ReminderPolicy
	snoozes  []chorus.Snooze
	camps    []chorus.Campaign
}

func (s *Scheduler) readSnapshot(ctx context.Context, since time.Time) (*snapshot, error) {
	snap := &snapshot{at: s.now()}
	var err error
	if snap.tasks, err = s.st.OpenTasks(ctx); err != nil {
		return nil, fmt.Errorf("scheduler: load tasks: %w", err)
	}
	if snap.digests, err = s.st.DigestSchedules(ctx); err != nil {
		return nil, fmt.Errorf("scheduler: load digest schedules: %w", err)
	}
	if snap.policies, err = s.st.ReminderPolicies(ctx); err != nil {
		return nil, fmt.Errorf("scheduler: load reminder policies: %w", err)
	}
	if snap.snoozes, err = s.st.Snoozes(ctx, since); err != nil {
		return nil, fmt.Errorf("scheduler: load snoozes: %w", err)
	}
	seen := map[string]bool{}
	for _, t := range snap.tasks {
		seen[t.WorkspaceID] = true
	}
	for _, d := range snap.digests {
		seen[d.WorkspaceID] = true
	}
	for ws := range seen {
		cs, err := s.st.Campaigns(ctx, ws)
		if err != nil {
			return nil, fmt.Errorf("scheduler: load campaigns of %s: %w", ws, err)
		}
		snap.camps = append(snap.camps, cs...)
	}
	return snap, nil
}

// Load builds the index from the store. Occurrences since the process (or its last
// predecessor) was last alive are reconsidered, so none missed during downtime is dropped: the
// claims tell which were handled.
func (s *Scheduler) Load(ctx context.Context) error {
	now := s.now()
	from := now.Add(-s.opts.Grace)
	if last, ok, err := s.st.LastClaim(ctx, claimAlive); err != nil {
		return fmt.Errorf("scheduler: read last alive mark: %w", err)
	} else if ok {
		// Whatever was due before the last sign of life was dispatched then, except what sat in
		// a send queue or between claim and record when the process died: look a lease back.
		from = last.Add(-aliveEvery - s.opts.Lease)
		if limit := now.Add(-s.opts.MaxCatchUp); from.Before(limit) {
			from = limit
		}
	}
	snap, err := s.readSnapshot(ctx, from)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.from = from
	s.install(snap, from)
	s.log.InfoContext(ctx, "scheduler loaded", "tasks", len(s.tasks), "digests", len(s.digests),
		"pending", len(s.heap), "from", from, "replica", s.opts.Replica)
	return nil
}

// Resync rebuilds the index from the store, keeping what was dispatched already, so changes
// made by other replicas are seen.
func (s *Scheduler) Resync(ctx context.Context) error {
	s.mu.Lock()
	since := s.from
	s.mu.Unlock()
	snap, err := s.readSnapshot(ctx, since)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.install(snap, snap.at.Add(-s.opts.Lease))
	return nil
}

// install replaces the index with snap; the caller holds s.mu. Entries keep their cursor;
// new digests start at newFrom. A task changed through TaskChanged after the snapshot was read
// keeps its newer version.
func (s *Scheduler) install(snap *snapshot, newFrom time.Time) {
	s.camps = make(map[string]chorus.Campaign, len(snap.camps))
	for _, c := range snap.camps {
		s.camps[c.WorkspaceID+"/"+c.Slug] = c
	}
	s.policies = make(map[string]chorus.ReminderPolicy, len(snap.policies))
	for _, p := range snap.policies {
		s.policies[p.WorkspaceID+"/"+p.Campaign] = p
	}
	s.snoozes = make(map[string]chorus.Snooze, len(snap.snoozes))
	for _, z := range snap.snoozes {
		s.putSnooze(z)
	}
	tasks := make(map[string]*entry, len(snap.tasks))
	for _, t := range snap.tasks {
		k := t.WorkspaceID + "/" + t.ID
		e := s.tasks[k]
		switch {
		case e == nil:
			e = &entry{kind: taskEntry, key: k, cursor: s.from, idx: -1, task: t}
		case e.task.Version <= t.Version:
			e.task = t
		}
		tasks[k] = e
	}
	for k, e := range s.tasks {
		// Created or changed here while the snapshot was read: this process knows better.
		if _, ok := tasks[k]; !ok && e.task.UpdatedAt.After(snap.at) {
			tasks[k] = e
		}
	}
	digests := make(map[string]*entry, len(snap.digests))
	for _, d := range snap.digests {
		k := d.WorkspaceID + "/" + d.Channel
		e := s.digests[k]
		switch {
		case e == nil:
			e = &entry{kind: digestEntry, key: k, cursor: newFrom, idx: -1, digest: d}
		case e.digest.Version <= d.Version:
			e.digest = d
		}
		digests[k] = e
	}
	for k, e := range s.digests {
		if _, ok := digests[k]; !ok && e.digest.UpdatedAt.After(snap.at) {
			digests[k] = e
		}
	}
	s.tasks, s.digests = tasks, digests
	s.heap = make(timeline, 0, len(tasks)+len(digests))
	for _, m := range []map[string]*entry{tasks, digests} {
		for _, e := range m {
			e.idx = -1
			if s.computeNext(e) {
				e.idx = len(s.heap)
				s.heap = append(s.heap, e)
			}
		}
	}
	heap.Init(&s.heap)
}

func (s *Scheduler) putSnooze(z chorus.Snooze) {
	k := z.WorkspaceID + "/" + z.TaskID
	if prev, ok := s.snoozes[k]; !ok || !z.At.Before(prev.At) {
		s.snoozes[k] = z
	}
}

// policy returns the reminder policy of a campaign: its own, else its workspace's, else the
// configured default (a policy marked Inherit defines nothing); the caller holds s.mu.
func (s *Scheduler) policy(ws, campaign string) chorus.ReminderPolicy {
	if p, ok := s.policies[ws+"/"+campaign]; ok && !p.Inherit {
		return p
	}
	if p, ok := s.policies[ws+"/"]; ok && !p.Inherit {
		return p
	}
	return s.opts.Policy
}

// location returns the time zone of a task: its campaign's; the caller holds s.mu.
func (s *Scheduler) location(t chorus.Task) *time.Location {
	if c, ok := s.camps[t.WorkspaceID+"/"+t.Campaign]; ok {
		return s.zone(c.TimeZone)
	}
	return s.zone(s.opts.TimeZone)
}

// zone returns the named time zone (Europe/Paris when unknown); the caller holds s.mu.
func (s *Scheduler) zone(name string) *time.Location {
	if loc, ok := s.zones[name]; ok {
		return loc
	}
	loc := chorus.LoadLocation(name)
	s.zones[name] = loc
	return loc
}

// plan returns the reminders of t still pending for its current version; the caller holds s.mu.
func (s *Scheduler) plan(t chorus.Task) []chorus.Reminder {
	var until time.Time
	if z, ok := s.snoozes[t.WorkspaceID+"/"+t.ID]; ok && z.Due.Equal(t.Due) {
		until = z.Until
	}
	all := s.policy(t.WorkspaceID, t.Campaign).Plan(t, s.location(t), until)
	// A reminder planned before this version of the task existed was never due for it: the
	// task was created, moved or reassigned after that instant.
	out := all[:0]
	for _, r := range all {
		if r.At.After(t.UpdatedAt) {
			out = append(out, r)
		}
	}
	return out
}

// computeNext sets e.next to its first occurrence after e.cursor and reports whether it has one;
// the caller holds s.mu.
func (s *Scheduler) computeNext(e *entry) bool {
	switch e.kind {
	case taskEntry:
		for _, r := range s.plan(e.task) {
			if r.At.After(e.cursor) {
				e.next = r
				return true
			}
		}
		return false
	default:
		d := e.digest
		if d.Off {
			return false
		}
		loc := s.zone(d.TimeZone)
		at := e.cursor
		if at.Before(d.UpdatedAt) {
			at = d.UpdatedAt // a slot before the schedule was saved was never due
		}
		for range 8 {
			at = d.Next(at)
			if at.IsZero() {
				return false
			}
			local := at.In(loc)
			if s.opts.SkipWeekends && d.EveryDayOfWeek() && (local.Weekday() == time.Saturday || local.Weekday() == time.Sunday) {
				continue
			}
			e.next = chorus.Reminder{At: at}
			return true
		}
		return false
	}
}

// TaskChanged tells the scheduler that t was created or changed in this process, so its pending
// reminders follow at once: a done task has none, a moved due date has new ones.
func (s *Scheduler) TaskChanged(t chorus.Task) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := t.WorkspaceID + "/" + t.ID
	e := s.tasks[k]
	if e != nil && e.task.Version > t.Version {
		return
	}
	if t.Status != chorus.TaskOpen {
		if e != nil {
			s.heap.place(e, false)
			delete(s.tasks, k)
		}
		return
	}
	if e == nil {
		e = &entry{kind: taskEntry, key: k, cursor: s.from, idx: -1}
		s.tasks[k] = e
	}
	e.task = t
	s.heap.place(e, s.computeNext(e))
}

// Snoozed tells the scheduler about a snooze made in this process.
func (s *Scheduler) Snoozed(z chorus.Snooze) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.putSnooze(z)
	if e := s.tasks[z.WorkspaceID+"/"+z.TaskID]; e != nil {
		s.heap.place(e, s.computeNext(e))
	}
}

// DigestChanged tells the scheduler about a digest schedule saved in this process.
func (s *Scheduler) DigestChanged(d chorus.DigestSchedule) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := d.WorkspaceID + "/" + d.Channel
	e := s.digests[k]
	if e != nil && e.digest.Version > d.Version {
		return
	}
	now := s.now()
	if e == nil {
		e = &entry{kind: digestEntry, key: k, idx: -1}
		s.digests[k] = e
	}
	e.digest = d
	if e.cursor.Before(now) {
		e.cursor = now // a new schedule starts now; it does not catch up
	}
	s.heap.place(e, s.computeNext(e))
}

// PolicyChanged tells the scheduler about a reminder policy saved in this process.
func (s *Scheduler) PolicyChanged(p chorus.ReminderPolicy) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.policies[p.WorkspaceID+"/"+p.Campaign] = p
	s.replanWhere(func(t chorus.Task) bool {
		return t.WorkspaceID == p.WorkspaceID && (p.Campaign == "" || t.Campaign == p.Campaign)
	})
}

// CampaignChanged tells the scheduler about a campaign saved in this process: its time zone and
// channels decide when its tasks are reminded and which digests show them.
func (s *Scheduler) CampaignChanged(c chorus.Campaign) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := c.WorkspaceID + "/" + c.Slug
	prev, ok := s.camps[k]
	s.camps[k] = c
	if ok && prev.TimeZone == c.TimeZone {
		return
	}
	s.replanWhere(func(t chorus.Task) bool { return t.WorkspaceID == c.WorkspaceID && t.Campaign == c.Slug })
}

func (s *Scheduler) replanWhere(match func(chorus.Task) bool) {
	for _, e := range s.tasks {
		if match(e.task) {
			s.heap.place(e, s.computeNext(e))
		}
	}
}

// NextDue returns the time of the earliest pending occurrence or retry, reporting false when
// there is none.
func (s *Scheduler) NextDue() (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var at time.Time
	ok := false
	if len(s.heap) > 0 {
		at, ok = s.heap[0].next.At, true
	}
	if len(s.retries) > 0 && (!ok || s.retries[0].at.Before(at)) {
		at, ok = s.retries[0].at, true
	}
	return at, ok
}

// Pending returns how many tasks and digests have an occurrence pending.
func (s *Scheduler) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.heap)
}

// job is one occurrence to handle.
type job struct {
	kind    chorus.OccurrenceKind
	id      string
	at      time.Time
	key     string // the reminder's plan key
	task    chorus.Task
	digest  chorus.DigestSchedule
	channel string // the send queue: the owner for a reminder, the channel for a digest or a reminder's copy
	copy    bool   // the team channel's copy of a reminder
	attempt int
	retried bool
}

// Tick dispatches every occurrence due by now to the send queues and returns how many. It does
// not wait for them to be sent (see Wait), so a slow channel never delays the next tick.
func (s *Scheduler) Tick(ctx context.Context) int {
	now := s.now()
	s.markAlive(ctx, now)
	var jobs []job
	s.mu.Lock()
	for len(s.heap) > 0 && !s.heap[0].next.At.After(now) {
		e := s.heap[0]
		jobs = append(jobs, jobOf(e))
		e.cursor = e.next.At
		s.heap.place(e, s.computeNext(e))
	}
	for len(s.retries) > 0 && !s.retries[0].at.After(now) {
		jobs = append(jobs, heap.Pop(&s.retries).(retry).j)
	}
	s.mu.Unlock()
	jobs = s.addCopies(ctx, jobs)
	for _, j := range jobs {
		s.enqueue(ctx, j)
	}
	return len(jobs)
}

func jobOf(e *entry) job {
	if e.kind == taskEntry {
		t := e.task
		return job{kind: chorus.ReminderOccurrence, id: chorus.ReminderOccurrenceID(t.WorkspaceID, t.ID, t.Due, e.next.Key),
			at: e.next.At, key: e.next.Key, task: t, channel: t.Owner, attempt: 1}
	}
	d := e.digest
	return job{kind: chorus.DigestOccurrence, id: chorus.DigestOccurrenceID(d.WorkspaceID, d.Channel, e.next.At),
		at: e.next.At, digest: d, channel: d.Channel, attempt: 1}
}

// addCopies adds to jobs the team channel's copy of each reminder dispatched for the first
// time (a retried one's copy has a life of its own). A campaign the index lacks, as when the
// task was created here in a workspace that had nothing at the last load, is read first.
func (s *Scheduler) addCopies(ctx context.Context, jobs []job) []job {
	first := func(j job) bool {
		return j.kind == chorus.ReminderOccurrence && !j.copy && !j.retried && j.task.ChannelKind != ""
	}
	missing := map[string]bool{}
	s.mu.Lock()
	for _, j := range jobs {
		if _, ok := s.camps[j.task.WorkspaceID+"/"+j.task.Campaign]; first(j) && !ok {
			missing[j.task.WorkspaceID] = true
		}
	}
	s.mu.Unlock()
	for ws := range missing {
		cs, err := s.st.Campaigns(ctx, ws)
		if err != nil {
			s.log.WarnContext(ctx, "scheduler: load campaigns", "workspace", ws, "err", err)
			continue
		}
		for _, c := range cs {
			s.mu.Lock()
			_, known := s.camps[c.WorkspaceID+"/"+c.Slug]
			s.mu.Unlock()
			if !known {
				s.CampaignChanged(c)
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, j := range jobs {
		if !first(j) {
			continue
		}
		if ch := s.teamChannel(j.task); ch != "" {
			jobs = append(jobs, channelJob(j, ch))
		}
	}
	return jobs
}

// channelJob is the team channel's copy of reminder j: same instant, its own id and queue.
func channelJob(j job, channel string) job {
	j.id += ChannelCopy
	j.channel, j.copy = channel, true
	return j
}

// markAlive claims the current alive mark once per aliveEvery; any replica's mark will do.
func (s *Scheduler) markAlive(ctx context.Context, now time.Time) {
	mark := now.UTC().Truncate(aliveEvery).Format(time.RFC3339)
	s.mu.Lock()
	done := s.alive == mark
	s.alive = mark
	s.mu.Unlock()
	if done {
		return
	}
	if _, err := s.st.Claim(ctx, claimAlive, mark, s.opts.Replica); err != nil {
		if ctx.Err() == nil { // a shutdown cut the claim short: nothing to report
			s.log.WarnContext(ctx, "scheduler: alive mark", "err", err)
		}
		s.mu.Lock()
		s.alive = "" // try again next tick
		s.mu.Unlock()
	}
}

// retryAt puts j back for a later tick.
func (s *Scheduler) retryAt(at time.Time, j job) {
	j.retried = true
	s.mu.Lock()
	heap.Push(&s.retries, retry{at: at, j: j})
	s.mu.Unlock()
}

// chanQueue is the jobs waiting for one destination channel, sent one after the other so that
// the Sender's per-channel spacing is never exceeded and other channels never wait for it.
type chanQueue struct {
	jobs []job
}

func (s *Scheduler) enqueue(ctx context.Context, j job) {
	s.qmu.Lock()
	defer s.qmu.Unlock()
	if q, ok := s.queues[j.channel]; ok {
		q.jobs = append(q.jobs, j)
		return
	}
	s.queues[j.channel] = &chanQueue{jobs: []job{j}}
	s.wg.Add(1)
	go s.drain(ctx, j.channel)
}

func (s *Scheduler) drain(ctx context.Context, channel string) {
	defer s.wg.Done()
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
	}
	defer func() {
		select {
		case <-s.sem:
		default:
		}
	}()
	for {
		s.qmu.Lock()
		q := s.queues[channel]
		if len(q.jobs) == 0 {
			delete(s.queues, channel)
			s.qmu.Unlock()
			return
		}
		j := q.jobs[0]
		q.jobs = q.jobs[1:]
		s.qmu.Unlock()
		s.process(ctx, j)
	}
}

// Wait returns once every dispatched occurrence has been handled.
func (s *Scheduler) Wait() { s.wg.Wait() }

// Run loads the index and ticks until ctx ends, resyncing and sweeping in the background. It
// waits for the occurrences in flight before returning.
func (s *Scheduler) Run(ctx context.Context) error {
	if err := s.Load(ctx); err != nil {
		return err
	}
	tick := time.NewTicker(s.opts.Tick)
	defer tick.Stop()
	resync := time.NewTicker(s.opts.Resync)
	defer resync.Stop()
	var (
		busy atomic.Bool
		bg   sync.WaitGroup
	)
	background := func() {
		if !busy.CompareAndSwap(false, true) {
			return // the previous resync is still reading
		}
		bg.Go(func() {
			defer busy.Store(false)
			if err := s.Resync(ctx); err != nil && ctx.Err() == nil {
				s.log.WarnContext(ctx, "scheduler: resync", "err", err)
			}
			s.Sweep(ctx)
		})
	}
	s.Tick(ctx)
	for {
		select {
		case <-ctx.Done():
			s.Wait()
			bg.Wait()
			return nil
		case <-tick.C:
			s.Tick(ctx)
		case <-resync.C:
			background()
		}
	}
}

// Sweep deletes claims and records older than the retention, at most once a day. Nothing that
// old is ever reconsidered (MaxCatchUp and the longest overdue nudge are far shorter).
func (s *Scheduler) Sweep(ctx context.Context) {
	now := s.now()
	s.mu.Lock()
	if now.Sub(s.lastSwep) < 24*time.Hour {
		s.mu.Unlock()
		return
	}
	s.lastSwep = now
	s.mu.Unlock()
	before := now.Add(-s.opts.Retention)
	for _, kind := range []string{claimOccurrence, claimAlive} {
		if _, err := s.st.SweepClaims(ctx, kind, before); err != nil {
			s.log.WarnContext(ctx, "scheduler: sweep claims", "kind", kind, "err", err)
		}
	}
	if _, err := s.st.SweepOccurrences(ctx, before); err != nil {
		s.log.WarnContext(ctx, "scheduler: sweep occurrences", "err", err)
	}
}
