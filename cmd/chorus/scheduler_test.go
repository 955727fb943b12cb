package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/bot"
	"github.com/chorus-hq/chorus/commands"
	"github.com/chorus-hq/chorus/internal/slackfake"
	"github.com/chorus-hq/chorus/scheduler"
	"github.com/chorus-hq/chorus/store"
	"github.com/chorus-hq/chorus/store/embedded"
)

func TestDemoScheduler(t *testing.T) {
	env, _ := testEnv(t, nil, "")
	out := runLines(t, env, "demo")
	mustContain(t, out,
		"Point d'équipe de #magasins programmé : lundi à 09:00 (Europe/Paris)",
		"du lundi au vendredi à 08:30",
		"je ne comprends pas « every 25h »",
		"🕒 mardi 1er juin 2027 à 18:00\n→ @rui (message privé / direct message)\n  ⏰ Rappel : « PLV en magasin » est à rendre vendredi 4 juin 2027 à 18:00.",
		// The team channel's copy opens the task's thread; later ones reply in it.
		"🕒 mardi 1er juin 2027 à 18:00\n→ #magasins\n  @rui ⏰ Rappel : « PLV en magasin » est à rendre vendredi 4 juin 2027 à 18:00.",
		"🕒 mercredi 2 juin 2027 à 19:00\n→ #magasins (fil / thread : mardi 1er juin 2027 à 18:00)\n  @rui ⏰ Rappel : « PLV en magasin »",
		"🕒 jeudi 3 juin 2027 à 18:00\n→ #magasins (fil / thread : mardi 1er juin 2027 à 18:00)\n  @emma ⏰ Rappel : « PLV en magasin »",
		"prochain rappel mercredi 2 juin 2027 à 19:00",
		"est maintenant confiée à @emma",
		"🕒 jeudi 3 juin 2027 à 18:00\n→ @emma",
		"🕒 lundi 7 juin 2027 à 09:00\n→ #magasins\n  ━━ 📋 Point d'équipe — #magasins ━━",
		"est en retard : échéance",
	)
	if strings.Contains(out, "🕒 samedi") || strings.Contains(out, "🕒 dimanche") {
		t.Errorf("someone was pinged on the weekend:\n%s", out)
	}
}

// clockT is a manual clock; sleep advances it instead of waiting.
type clockT struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clockT) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clockT) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clockT) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

// schedRig is a store on an embedded server of the test's own, with the campaign of the tests.
type schedRig struct {
	uri   string
	clock *clockT
	store *store.Store
}

func newSchedRig(t testing.TB, start time.Time) *schedRig {
	t.Helper()
	srv, err := embedded.Start(context.Background(), t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	r := &schedRig{uri: srv.URI(), clock: &clockT{t: start}}
	r.store = r.open(t)
	_, err = r.store.CreateCampaign(context.Background(), chorus.Campaign{
		WorkspaceID: "T1", Slug: "ete-literie", Name: "Soldes d'été literie", TimeZone: "Europe/Paris", Lang: chorus.French,
		Status: chorus.StatusActive, CreatedBy: "U0LEA",
		Channels: []chorus.Channel{{Kind: "social", SlackChannel: "C0SOCIAL", Owner: "U0SAM"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// open connects another process's store to the rig's server.
func (r *schedRig) open(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), r.uri, "chorus", store.Options{Now: r.clock.Now, SerializeWrites: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close(context.Background()) })
	return st
}

// task creates a task of the rig's campaign: of its social team (kind "social", reminded in
// C0SOCIAL too) or campaign-wide (kind "", reminded by direct message only).
func (r *schedRig) task(t testing.TB, id, kind, owner string, due time.Time) {
	t.Helper()
	_, err := r.store.CreateTask(context.Background(), chorus.Task{WorkspaceID: "T1", ID: id, Campaign: "ete-literie", ChannelKind: kind,
		Title: "Tâche " + id, Owner: owner, Due: due.UTC(), Status: chorus.TaskOpen, CreatedBy: "U0LEA"})
	if err != nil {
		t.Fatal(err)
	}
}

// slackScheduler is a scheduler process sending through a real bot.Client to the fake Slack.
func (r *schedRig) slackScheduler(t testing.TB, fake *slackfake.Server, st scheduler.Store, replica string, client bot.ClientOptions) *scheduler.Scheduler {
	t.Helper()
	client.Token, client.APIURL = "xoxb-test", fake.APIURL()
	snd := slackSender{client: bot.NewClient(client)}
	s, err := scheduler.New(scheduler.Options{Store: st, Sender: snd, Composer: commands.New(r.store, slog.New(slog.DiscardHandler), r.clock.Now, commands.Options{}),
		Now: r.clock.Now, Replica: replica, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// posted counts the fake Slack's accepted chat.postMessage calls by metadata occurrence id.
func posted(t testing.TB, fake *slackfake.Server) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, c := range fake.Calls("chat.postMessage") {
		var md struct {
			EventPayload map[string]any `json:"event_payload"`
		}
		if err := json.Unmarshal([]byte(c.Form["metadata"]), &md); err != nil {
			t.Fatalf("a post without metadata: %v %q", err, c.Form["metadata"])
		}
		out[fmt.Sprint(md.EventPayload["id"])]++
	}
	return out
}

func tickAllAt(ctx context.Context, at time.Time, clk *clockT, ss []*scheduler.Scheduler) {
	clk.Set(at)
	var wg sync.WaitGroup
	for _, s := range ss {
		wg.Go(func() { s.CatchUp(ctx) })
	}
	wg.Wait()
	for _, s := range ss {
		s.Wait()
	}
}

// TestSlackReplicas: three scheduler processes, each with its own store connection and Slack
// client, over one store and one (fake) Slack: each occurrence reaches Slack exactly once.
func TestSlackReplicas(t *testing.T) {
	ctx := context.Background()
	paris := chorus.LoadLocation("Europe/Paris")
	start := time.Date(2027, 6, 1, 8, 0, 0, 0, paris)
	r := newSchedRig(t, start)
	for i, owner := range []string{"U0SAM", "U0EMMA", "U0RUI", "U0SAM"} {
		r.task(t, fmt.Sprintf("t%d", i), "social", owner, start.Add(time.Duration(50+i)*time.Hour))
	}
	if _, err := r.store.SaveDigestSchedule(ctx, chorus.DigestSchedule{WorkspaceID: "T1", Channel: "C0SOCIAL", Spec: "0 9 * * *",
		TimeZone: "Europe/Paris", Lang: chorus.French}); err != nil {
		t.Fatal(err)
	}
	fake := slackfake.New(slackfake.Options{Clock: r.clock.Now})
	t.Cleanup(fake.Close)
	var ss []*scheduler.Scheduler
	for _, name := range []string{"p1", "p2", "p3"} {
		ss = append(ss, r.slackScheduler(t, fake, r.open(t), name, bot.ClientOptions{Clock: r.clock.Now, Sleep: r.clock.Sleep}))
	}
	for at := start; at.Before(start.Add(5 * 24 * time.Hour)); at = at.Add(15 * time.Minute) {
		tickAllAt(ctx, at, r.clock, ss)
	}
	got := posted(t, fake)
	// 4 tasks due Thursday 10:00-13:00 × (1-day on Wednesday, Thursday morning, Friday's
	// overdue nudge; the 3-day one came before the tasks existed) × (direct message, copy in
	// C0SOCIAL) + 5 daily digests.
	if len(got) != 29 {
		t.Fatalf("%d occurrences reached Slack, want 29: %v", len(got), got)
	}
	for id, n := range got {
		if n != 1 {
			t.Errorf("%s posted %d times", id, n)
		}
		if _, ok, err := r.store.Occurrence(ctx, strings.SplitN(id, "#", 2)[0]); err != nil || !ok {
			t.Errorf("%s reached Slack but has no record (%v)", id, err)
		}
	}
	checkSlackThreads(t, fake, r.store, 4)
}

// checkSlackThreads checks the copies of reminders posted to team channels: each task's first
// opens its thread (recorded in the store as the task's thread), later ones reply in it.
func checkSlackThreads(t testing.TB, fake *slackfake.Server, st *store.Store, tasks int) {
	t.Helper()
	ctx := context.Background()
	firsts := map[string]bool{}
	for _, c := range fake.Calls("chat.postMessage") {
		var md struct {
			EventPayload map[string]any `json:"event_payload"`
		}
		if err := json.Unmarshal([]byte(c.Form["metadata"]), &md); err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprint(md.EventPayload["id"])
		if !strings.HasSuffix(id, scheduler.ChannelCopy) {
			continue
		}
		parts := strings.Split(id, "/") // r/<ws>/<task>/<due>/<key>/channel
		thread, ok, err := st.TaskThread(ctx, parts[1], parts[2], c.Form["channel"])
		if err != nil || !ok {
			t.Fatalf("%s: no thread recorded (%v)", id, err)
		}
		rec, _, err := st.Occurrence(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case c.Form["thread_ts"] == "" && rec.TS == thread:
			firsts[parts[2]] = true
		case c.Form["thread_ts"] != thread:
			t.Errorf("%s posted in thread %q, want the task's thread %s", id, c.Form["thread_ts"], thread)
		}
	}
	if len(firsts) != tasks {
		t.Errorf("%d tasks opened a thread in their team channel, want %d", len(firsts), tasks)
	}
}

// dyingStore is the store of a process that dies after sending and before recording: once
// dead is set, records and thread starts fail.
type dyingStore struct {
	*store.Store
	dead atomic.Bool
}

func (d *dyingStore) RecordOccurrence(ctx context.Context, o chorus.Occurrence) error {
	if d.dead.Load() {
		return context.Canceled
	}
	return d.Store.RecordOccurrence(ctx, o)
}

func (d *dyingStore) StartTaskThread(ctx context.Context, ws, task, channel, ts string) (string, error) {
	if d.dead.Load() {
		return "", context.Canceled
	}
	return d.Store.StartTaskThread(ctx, ws, task, channel, ts)
}

// TestSlackCrashInThread: a process posts a reminder to its owner and its copy as a reply in
// the task's thread, then dies before recording either. The next process, through the real
// client, finds the direct message in its history and the reply in its thread (Slack's history
// does not list replies), and posts neither again.
func TestSlackCrashInThread(t *testing.T) {
	ctx := context.Background()
	paris := chorus.LoadLocation("Europe/Paris")
	start := time.Date(2027, 6, 1, 8, 0, 0, 0, paris)
	r := newSchedRig(t, start)
	r.task(t, "t1", "social", "U0SAM", time.Date(2027, 6, 4, 18, 0, 0, 0, paris))
	fake := slackfake.New(slackfake.Options{Clock: r.clock.Now})
	t.Cleanup(fake.Close)
	dying := &dyingStore{Store: r.open(t)}
	a := r.slackScheduler(t, fake, dying, "p1", bot.ClientOptions{Clock: r.clock.Now, Sleep: r.clock.Sleep})
	tickAllAt(ctx, time.Date(2027, 6, 1, 18, 0, 0, 0, paris), r.clock, []*scheduler.Scheduler{a}) // 3-day: opens the thread
	dying.dead.Store(true)
	tickAllAt(ctx, time.Date(2027, 6, 3, 18, 0, 0, 0, paris), r.clock, []*scheduler.Scheduler{a}) // 1-day: sent, not recorded
	if n := len(fake.Calls("chat.postMessage")); n != 4 {
		t.Fatalf("%d posts before the crash, want 4", n)
	}
	b := r.slackScheduler(t, fake, r.open(t), "p2", bot.ClientOptions{Clock: r.clock.Now, Sleep: r.clock.Sleep})
	for at := time.Date(2027, 6, 3, 18, 1, 0, 0, paris); at.Before(time.Date(2027, 6, 3, 19, 0, 0, 0, paris)); at = at.Add(time.Minute) {
		tickAllAt(ctx, at, r.clock, []*scheduler.Scheduler{b})
	}
	for id, n := range posted(t, fake) {
		if n != 1 {
			t.Errorf("%s posted %d times", id, n)
		}
		if _, ok, err := r.store.Occurrence(ctx, id); err != nil || !ok {
			t.Errorf("%s has no record (%v)", id, err)
		}
	}
	if n := len(fake.Calls("chat.postMessage")); n != 4 {
		t.Errorf("%d posts, want 4", n)
	}
	if st := b.Stats(); st.Recovered != 2 || st.Sent != 0 {
		t.Errorf("stats %+v; want both messages found again, none sent", st)
	}
	if len(fake.Calls("conversations.replies")) == 0 {
		t.Error("the reply was not looked for in its thread")
	}
	checkSlackThreads(t, fake, r.store, 1)
}

// TestSlackRateLimited: a fake Slack enforcing one message a second per channel answers 429 with
// Retry-After to a client spaced too tightly; the client waits and retries, and every reminder
// arrives exactly once.
func TestSlackRateLimited(t *testing.T) {
	ctx := context.Background()
	paris := chorus.LoadLocation("Europe/Paris")
	start := time.Date(2027, 6, 1, 8, 0, 0, 0, paris)
	r := newSchedRig(t, start)
	for i := range 3 {
		r.task(t, fmt.Sprintf("t%d", i), "", "U0SAM", start.Add(72*time.Hour+time.Hour)) // all reminded at 09:00, by DM only
	}
	fake := slackfake.New(slackfake.Options{Clock: r.clock.Now, RatePerChannel: time.Second})
	t.Cleanup(fake.Close)
	s := r.slackScheduler(t, fake, r.store, "p1", bot.ClientOptions{Clock: r.clock.Now, Sleep: r.clock.Sleep, ChannelSpacing: time.Millisecond})
	tickAllAt(ctx, start.Add(time.Hour), r.clock, []*scheduler.Scheduler{s})
	got := posted(t, fake)
	if len(got) != 3 {
		t.Fatalf("posted %v, want 3 reminders", got)
	}
	for id, n := range got {
		if n != 1 {
			t.Errorf("%s posted %d times", id, n)
		}
	}
	if n := fake.RateLimited(); n != 2 {
		t.Errorf("fake Slack answered 429 %d times, want 2 (the 2nd and 3rd posts, each retried after Retry-After)", n)
	}
	if st := s.Stats(); st.Sent != 3 || st.Failed != 0 {
		t.Errorf("stats %+v", st)
	}
}

// TestDrainBurst: 1,000 reminders due the same minute for 50 owners (20 each) drain through
// the real client against a fake Slack that enforces Slack's one message a second per
// channel. The drain time is compared with the minimum Slack allows: 19 intervals.
//
// It runs in real time (about 20 s), so -short skips it.
func TestDrainBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("real-time drain of 1,000 messages; run without -short")
	}
	for _, spacing := range []time.Duration{time.Second} {
		t.Run(spacing.String(), func(t *testing.T) { drainBurst(t, spacing, 50, 20) })
	}
}

func drainBurst(t *testing.T, spacing time.Duration, channels, each int) {
	ctx := context.Background()
	paris := chorus.LoadLocation("Europe/Paris")
	start := time.Date(2027, 6, 1, 8, 0, 0, 0, paris)
	r := newSchedRig(t, start)
	for c := range channels {
		for i := range each {
			// Due tomorrow 09:00 + i minutes: every 1-day reminder is due at 09:00 + i min;
			// ticking at 09:30 finds them all due at once.
			r.task(t, fmt.Sprintf("c%02dt%02d", c, i), "", fmt.Sprintf("U%04d", c), start.Add(25*time.Hour+time.Duration(i)*time.Minute))
		}
	}
	fake := slackfake.New(slackfake.Options{RatePerChannel: spacing})
	t.Cleanup(fake.Close)
	s := r.slackScheduler(t, fake, r.store, "p1", bot.ClientOptions{ChannelSpacing: spacing, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	r.clock.Set(start.Add(90 * time.Minute))
	t0 := time.Now()
	n := s.CatchUp(ctx) // as Run: the window is read a batch at a time
	s.Wait()
	took := time.Since(t0)
	minimum := time.Duration(each-1) * spacing
	got := posted(t, fake)
	t.Logf("%d reminders over %d channels: drained in %v; minimum %v (+%.1f%%); %d answers 429",
		n, channels, took.Round(time.Millisecond), minimum, 100*(took.Seconds()/minimum.Seconds()-1), fake.RateLimited())
	if len(got) != channels*each {
		t.Fatalf("%d distinct reminders reached Slack, want %d", len(got), channels*each)
	}
	// bot.Client starts a post a spacing after the previous one to its channel completed, so it
	// arrives at least a spacing after it: Slack has no reason to answer 429.
	if n := fake.RateLimited(); n != 0 {
		t.Errorf("%d posts answered 429", n)
	}
	for id, k := range got {
		if k != 1 {
			t.Errorf("%s posted %d times", id, k)
		}
	}
}
