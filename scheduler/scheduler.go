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
	Reader
	Claims
	Threads
	Marks
}

// Reader reads what the scheduler plans from: open tasks, their campaigns, digest schedules,
// reminder policies, snoozes and who reads in which language.
type Reader interface {
	// OpenTasksToRemind returns the open tasks of every workspace whose key (chorus.RemindKey:
	// mark, workspace, id) is after after and whose mark is before to, by key, at most limit (0:
	// every one), and the key up to which it read them all: the last one's when the limit left
	// some out, else to's. A task never marked counts as marked at the zero time.
	OpenTasksToRemind(ctx context.Context, after chorus.RemindKey, to time.Time, limit int) (tasks []chorus.Task, upTo chorus.RemindKey, err error)
	Task(ctx context.Context, workspace, id string) (chorus.Task, error)
	Tasks(ctx context.Context, workspace string, f chorus.TaskFilter) ([]chorus.Task, error)
	Campaign(ctx context.Context, workspace, slug string) (chorus.Campaign, error)
	Workspace(ctx context.Context, id string) (chorus.Workspace, error)
	UserLang(ctx context.Context, workspace, user string) (chorus.Lang, error)
	DigestSchedules(ctx context.Context) ([]chorus.DigestSchedule, error)
	ReminderPolicies(ctx context.Context) ([]chorus.ReminderPolicy, error)
	Snoozes(ctx context.Context, since time.Time) ([]chorus.Snooze, error)
}

// Marks are what the scheduler stores so that a start-up reads only the tasks whose next
// reminder is near (window.go).
type Marks interface {
	// MarkReminds stores each mark on its task, unless the task changed since (another version).
	MarkReminds(ctx context.Context, marks []chorus.RemindMark) error
	// PolicyReplans returns the record of the policies whose tasks were marked again.
	PolicyReplans(ctx context.Context) ([]chorus.PolicyReplan, error)
	// MarkPolicyReplanned records that the tasks under a policy version were marked again.
	MarkPolicyReplanned(ctx context.Context, r chorus.PolicyReplan) error
}

// Claims are the occurrences claimed, recorded and swept: the exactly-once machinery.
type Claims interface {
	Claim(ctx context.Context, kind, id, owner string) (bool, error)
	ClaimInfo(ctx context.Context, kind, id string) (owner string, at time.Time, ok bool, err error)
	// MarkAlive records that a scheduler was alive at at; LastAlive returns the latest mark.
	MarkAlive(ctx context.Context, at time.Time) error
	LastAlive(ctx context.Context) (time.Time, bool, error)
	SweepClaims(ctx context.Context, kind string, olderThan time.Time) (int, error)
	RecordOccurrence(ctx context.Context, o chorus.Occurrence) error
	Occurrence(ctx context.Context, id string) (chorus.Occurrence, bool, error)
	FoldedOccurrences(ctx context.Context, workspace string, from, to time.Time) ([]chorus.Occurrence, error)
	// LastDigest returns the record of a channel's latest digest planned before before.
	LastDigest(ctx context.Context, workspace, channel string, before time.Time) (chorus.Occurrence, bool, error)
	SweepOccurrences(ctx context.Context, olderThan time.Time) (int, error)
}

// Threads remember the thread of each task's reminders in its team channel.
type Threads interface {
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
	claimAlive      = "alive" // the alive marks of before Store.MarkAlive, still swept
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
	// PostEmptyDigest posts "nothing to report" for every digest that has nothing to say, whatever
	// its schedule's chorus.EmptyDigest says (CHORUS_POST_EMPTY_DIGEST).
	PostEmptyDigest bool
	// Workers bounds the channels sent to at once; 256.
	Workers int
	// WindowBatch is how many open tasks a read of the window takes at most (window.go); 128.
	// A start plans each task it reads before it can tick, about 8 µs each: 128 cost about a
	// millisecond on top of the start's fixed reads, whatever backlog it finds, and hold the
	// 103 tasks a start of the generated year finds at 11:00 (docs/benchmarks.md).
	WindowBatch int
	// Feed, when set, brings this process's own writes to the index at once (see Watch);
	// without it, they are seen at the next Resync.
	Feed *Feed
	// Nudger, when set, lists the features' one-off messages (nudge.go) at every tick.
	Nudger Nudger
}

// Stats counts what the scheduler did since it started.
type Stats struct {
	Sent       int64 // messages sent (a digest in three parts counts three)
	Recovered  int64 // messages found by their metadata after a crash instead of sent again
	Folded     int64 // late reminders folded into the next digest
	Skipped    int64 // digests not posted: late, or empty and left unsaid
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

	mu          sync.Mutex
	tasks       map[string]*entry
	digests     map[string]*entry
	heap        timeline
	later       deferred // task entries not planned yet (later.go)
	retries     retries
	policies    map[policyKey]chorus.ReminderPolicy // campaign "" for the workspace's
	camps       map[string]chorus.Campaign          // "ws/slug"
	snoozes     map[string]chorus.Snooze            // "ws/task": the latest snooze
	nudged      map[string]bool                     // the nudges this process dispatched and still due
	zones       map[string]*time.Location           // loaded time zones: loading one reads a file
	from        time.Time                           // nothing before it is reconsidered
	pulled      chorus.RemindKey                    // the window's upper edge (window.go); zero before Load
	moveFailed  bool                                // the last read of the window failed (windowMoves)
	missing     map[string]bool                     // "ws/slug": campaigns to read (resolve)
	marks       map[string]chorus.RemindMark        // "ws/task": the marks to store (marks.go)
	dispatched  []dispatched                        // task reminders dispatched, oldest first
	replan      bool                                // a policy was saved here: mark its tasks again
	replanCamps map[string]bool                     // "ws/slug": campaigns whose time zone changed here
	replanned   map[policyKey]int                   // the policy versions whose tasks this process marked; nil before Load
	alive       time.Time                           // the last alive mark made
	lastSwep    time.Time

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
	if opts.WindowBatch <= 0 {
		opts.WindowBatch = 128
	}
	s := &Scheduler{
		st: opts.Store, send: opts.Sender, log: opts.Logger, now: opts.Now, opts: opts,
		tasks: map[string]*entry{}, digests: map[string]*entry{},
		policies: map[policyKey]chorus.ReminderPolicy{}, camps: map[string]chorus.Campaign{}, snoozes: map[string]chorus.Snooze{}, missing: map[string]bool{},
		marks: map[string]chorus.RemindMark{}, replanCamps: map[string]bool{},
		nudged: map[string]bool{}, zones: map[string]*time.Location{},
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

// job is one occurrence to handle.
type job struct {
	kind    chorus.OccurrenceKind
	id      string
	at      time.Time
	key     string // the reminder's plan key
	task    chorus.Task
	digest  chorus.DigestSchedule
	channel string   // the send queue: the owner for a reminder, the channel for a digest or a reminder's copy
	copy    bool     // the team channel's copy of a reminder
	nudge   *Message // a nudge's message, and its workspace
	nudgeWS string
	attempt int
	retried bool
}

// Tick dispatches every occurrence due by now to the send queues and returns how many. It does
// not wait for them to be sent (see Wait), so a slow channel never delays the next tick.
func (s *Scheduler) Tick(ctx context.Context) int {
	now := s.now()
	s.markAlive(ctx, now)
	s.follow(ctx, now)
	var jobs []job
	s.mu.Lock()
	s.promote(now.Add(planHorizon))
	for len(s.heap) > 0 && !s.heap[0].next.At.After(now) {
		e := s.heap[0]
		jobs = append(jobs, jobOf(e))
		e.cursor = e.next.At
		if e.kind == taskEntry {
			e.sent = now
			s.dispatched = append(s.dispatched, dispatched{e.key, now})
		}
		s.heap.place(e, s.computeNext(e))
	}
	for len(s.retries) > 0 && !s.retries[0].at.After(now) {
		jobs = append(jobs, heap.Pop(&s.retries).(retry).j)
	}
	s.mu.Unlock()
	jobs = s.addCopies(ctx, jobs)
	jobs = append(jobs, s.dueNudges(ctx, now)...)
	for _, j := range jobs {
		s.enqueue(ctx, j)
	}
	if err := s.flushMarks(ctx); err != nil { // after the dispatch, which nothing should delay
		s.log.WarnContext(ctx, "scheduler: store reminder marks", "err", err)
	}
	return len(jobs)
}

// CatchUp ticks until the window holds the hour ahead, and returns how many occurrences the
// ticks dispatched: after a start that found more than a batch of tasks to plan (window.go),
// each tick reads, plans and dispatches the next batch, the most overdue first, at once rather
// than one every tick period. A read that fails leaves the rest to the next period.
func (s *Scheduler) CatchUp(ctx context.Context) int {
	edge, _ := s.behind()
	n := s.Tick(ctx)
	for ctx.Err() == nil {
		moved, behind := s.behind()
		if !behind || moved.Compare(edge) <= 0 {
			break
		}
		edge = moved
		n += s.Tick(ctx)
	}
	return n
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
// time (a retried one's copy has a life of its own). A campaign the index lacks is read first
// (resolve).
func (s *Scheduler) addCopies(ctx context.Context, jobs []job) []job {
	first := func(j job) bool {
		return j.kind == chorus.ReminderOccurrence && !j.copy && !j.retried && j.task.ChannelKind != ""
	}
	s.mu.Lock()
	for _, j := range jobs {
		if k := j.task.WorkspaceID + "/" + j.task.Campaign; first(j) && j.task.Campaign != "" {
			if _, ok := s.camps[k]; !ok {
				s.missing[k] = true
			}
		}
	}
	s.mu.Unlock()
	s.resolve(ctx)
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

// markAlive records the current alive mark once per aliveEvery; any replica's mark will do.
func (s *Scheduler) markAlive(ctx context.Context, now time.Time) {
	mark := now.UTC().Truncate(aliveEvery)
	s.mu.Lock()
	done := s.alive.Equal(mark)
	s.alive = mark
	s.mu.Unlock()
	if done {
		return
	}
	if err := s.st.MarkAlive(ctx, mark); err != nil {
		if ctx.Err() == nil { // a shutdown cut the mark short: nothing to report
			s.log.WarnContext(ctx, "scheduler: alive mark", "err", err)
		}
		s.mu.Lock()
		s.alive = time.Time{} // try again next tick
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
	s.CatchUp(ctx)
	for {
		select {
		case <-ctx.Done():
			s.Wait()
			bg.Wait()
			return nil
		case <-tick.C:
			s.CatchUp(ctx)
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
