package scheduler_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/reply"
	"github.com/chorus-hq/chorus/scheduler"
	"github.com/chorus-hq/chorus/store"
)

// week is the week of one daylight-saving change: two tasks due just after it, a daily digest
// in #social and a Monday leads' digest, and every message expected, on the Paris wall clock.
type week struct {
	name       string
	start, end time.Time
	dueA, dueB time.Time // "a1" (social, sami), "b2" (email, emma)
	want       []string  // "<Paris time> <channel> <reminder key | digest>"
}

func paris8(m time.Month, d, h, min int) time.Time { return time.Date(2027, m, d, h, min, 0, 0, paris) }

var weeks = []week{
	{
		name:  "March 2027 (28 March: 02:00 CET → 03:00 CEST)",
		start: paris8(3, 24, 12, 0), end: paris8(3, 31, 12, 0),
		dueA: paris8(3, 29, 18, 0), dueB: paris8(3, 30, 10, 0),
		want: []string{
			"Thu 03-25 09:00 CET #social digest",
			"Fri 03-26 09:00 CET #social digest",
			"Fri 03-26 10:00 CET emma o4320",   // Saturday's, moved to Friday
			"Fri 03-26 10:00 CET #email o4320", // the team channel's copy opens the task's thread
			"Fri 03-26 18:00 CET sami o4320",   // Sunday's 1-day reminder crowds into it and is dropped
			"Fri 03-26 18:00 CET #social o4320",
			"Sat 03-27 09:00 CET #social digest",
			"Sun 03-28 09:00 CEST #social digest", // 07:00 UTC, the day before 08:00 UTC
			"Mon 03-29 08:30 CEST #direction digest",
			"Mon 03-29 09:00 CEST #social digest",
			"Mon 03-29 09:00 CEST sami m",
			"Mon 03-29 09:00 CEST #social m (thread)", // later copies reply in the thread
			"Mon 03-29 10:00 CEST emma o1440",
			"Mon 03-29 10:00 CEST #email o1440 (thread)",
			"Tue 03-30 09:00 CEST #social digest",
			"Tue 03-30 09:00 CEST emma m",
			"Tue 03-30 09:00 CEST #email m (thread)",
			"Tue 03-30 09:00 CEST sami d2027-03-30",
			"Tue 03-30 09:00 CEST #social d2027-03-30 (thread)",
			"Wed 03-31 09:00 CEST #social digest",
			"Wed 03-31 09:00 CEST emma d2027-03-31",
			"Wed 03-31 09:00 CEST #email d2027-03-31 (thread)",
			"Wed 03-31 09:00 CEST sami d2027-03-31",
			"Wed 03-31 09:00 CEST #social d2027-03-31 (thread)",
		},
	},
	{
		name:  "October 2027 (31 October: 03:00 CEST → 02:00 CET)",
		start: paris8(10, 27, 12, 0), end: paris8(11, 3, 12, 0),
		dueA: paris8(11, 1, 18, 0), dueB: paris8(11, 2, 10, 0),
		want: []string{
			"Thu 10-28 09:00 CEST #social digest",
			"Fri 10-29 09:00 CEST #social digest",
			"Fri 10-29 10:00 CEST emma o4320",
			"Fri 10-29 10:00 CEST #email o4320",
			"Fri 10-29 18:00 CEST sami o4320",
			"Fri 10-29 18:00 CEST #social o4320",
			"Sat 10-30 09:00 CEST #social digest",
			"Sun 10-31 09:00 CET #social digest", // 08:00 UTC, the day before 07:00 UTC
			"Mon 11-01 08:30 CET #direction digest",
			"Mon 11-01 09:00 CET #social digest",
			"Mon 11-01 09:00 CET sami m",
			"Mon 11-01 09:00 CET #social m (thread)",
			"Mon 11-01 10:00 CET emma o1440",
			"Mon 11-01 10:00 CET #email o1440 (thread)",
			"Tue 11-02 09:00 CET #social digest",
			"Tue 11-02 09:00 CET emma m",
			"Tue 11-02 09:00 CET #email m (thread)",
			"Tue 11-02 09:00 CET sami d2027-11-02",
			"Tue 11-02 09:00 CET #social d2027-11-02 (thread)",
			"Wed 11-03 09:00 CET #social digest",
			"Wed 11-03 09:00 CET emma d2027-11-03",
			"Wed 11-03 09:00 CET #email d2027-11-03 (thread)",
			"Wed 11-03 09:00 CET sami d2027-11-03",
			"Wed 11-03 09:00 CET #social d2027-11-03 (thread)",
		},
	},
}

// setupWeek seeds the week's campaign, tasks and digests at w.start.
func setupWeek(t testing.TB, st *store.Store, clk *clock, w week) {
	t.Helper()
	clk.Set(w.start)
	seed(t, st)
	addTask(t, st, "a1", "social", "Visuels Instagram", "sami", w.dueA)
	addTask(t, st, "b2", "email", "Newsletter de lancement", "emma", w.dueB)
	addDigest(t, st, "#social", "0 9 * * *", false)
	addDigest(t, st, "#direction", "30 8 * * 1", true)
}

// describe turns sent messages into the week's "want" lines: a reminder's copy in a team
// channel shows its key, and "(thread)" when it replies in the task's thread.
func describe(msgs []sent) []string {
	var out []string
	for _, m := range msgs {
		what := "digest"
		if m.EventType == scheduler.EventReminder {
			id := strings.TrimSuffix(m.ID, scheduler.ChannelCopy)
			what = id[strings.LastIndex(id, "/")+1:]
			if m.Thread != "" {
				what += " (thread)"
			}
		}
		out = append(out, m.At.In(paris).Format("Mon 01-02 15:04 MST")+" "+m.Channel+" "+what)
	}
	slices.Sort(out)
	return out
}

// checkThreads checks that the copies of a task's reminders in its team channel form one
// thread: the first is posted in the channel, every later one replies to it, and the store
// records it as the task's thread.
func checkThreads(t testing.TB, st interface {
	TaskThread(ctx context.Context, workspace, task, channel string) (string, bool, error)
}, msgs []sent) {
	t.Helper()
	first := map[string]sent{}
	for _, m := range msgs {
		if !strings.HasSuffix(m.ID, scheduler.ChannelCopy) {
			continue
		}
		parts := strings.Split(m.ID, "/") // r/<ws>/<task>/<due>/<key>/channel
		k := parts[1] + "/" + parts[2] + "/" + m.Channel
		f, ok := first[k]
		switch {
		case !ok && m.Thread != "":
			t.Errorf("%s: the task's first copy in %s replies in thread %s", m.ID, m.Channel, m.Thread)
		case !ok:
			first[k] = m
			thread, found, err := st.TaskThread(context.Background(), parts[1], parts[2], m.Channel)
			if err != nil || !found || thread != m.TS {
				t.Errorf("%s: stored thread %q, %v, %v; want the first copy's ts %s", m.ID, thread, found, err, m.TS)
			}
		case m.Thread != f.TS:
			t.Errorf("%s: posted in thread %q, want the task's thread %s", m.ID, m.Thread, f.TS)
		}
	}
	if len(first) == 0 {
		t.Error("no reminder was copied to a team channel")
	}
}

func sorted(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return out
}

func TestWeekAcrossDST(t *testing.T) {
	for _, w := range weeks {
		t.Run(w.name, func(t *testing.T) {
			clk := newClock(w.start)
			st, _ := openStore(t, clk)
			setupWeek(t, st, clk, w)
			snd := &sender{clock: clk}
			s := newScheduler(t, st, snd, clk, "p1", nil)
			if err := s.Load(context.Background()); err != nil {
				t.Fatal(err)
			}
			runUntil(t, clk, w.end, s)
			if got, want := describe(snd.Sent()), sorted(w.want); joinLines(got) != joinLines(want) {
				t.Errorf("sent:\n%s\nwant:\n%s", joinLines(got), joinLines(want))
			}
			if d := dupes(snd.Sent()); len(d) > 0 {
				t.Errorf("sent twice: %v", d)
			}
			checkThreads(t, st, snd.Sent())
		})
	}
}

// TestRestart stops the scheduler in the middle of the week and starts a new process on the
// same embedded store (server restarted too): nothing is sent twice, nothing is lost. After a
// downtime longer than the grace window, the late reminder is folded into the next digest
// that covers it and a reminder still within the window is sent late.
func TestRestart(t *testing.T) {
	w := weeks[0]
	tests := []struct {
		name     string
		stop     time.Time
		restart  time.Time
		want     []string // w.want, edited
		folded   []string // occurrence keys recorded as folded
		inDigest string   // text the next leads' digest must show
	}{
		{name: "restart at once", stop: paris8(3, 27, 12, 0), restart: paris8(3, 27, 12, 0), want: w.want},
		{
			name: "13 hours down", stop: paris8(3, 26, 9, 30), restart: paris8(3, 26, 23, 0),
			want: replace(w.want, map[string]string{
				"Fri 03-26 10:00 CET emma o4320":    "",                                  // 13 h late: folded
				"Fri 03-26 10:00 CET #email o4320":  "",                                  // and its copy skipped
				"Fri 03-26 18:00 CET sami o4320":    "Fri 03-26 23:00 CET sami o4320",    // 5 h late: sent late
				"Fri 03-26 18:00 CET #social o4320": "Fri 03-26 23:00 CET #social o4320", // with its copy
				// The 1-day copy is the first in #email: it opens the thread.
				"Mon 03-29 10:00 CEST #email o1440 (thread)": "Mon 03-29 10:00 CEST #email o1440",
			}),
			folded:   []string{"r/T1/b2/"},
			inDigest: "Newsletter de lancement",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			clk := newClock(w.start)
			dir := t.TempDir()
			srv, st := startDedicated(t, dir, clk)
			setupWeek(t, st, clk, w)
			snd := &sender{clock: clk}
			a := newScheduler(t, st, snd, clk, "p1", nil)
			if err := a.Load(ctx); err != nil {
				t.Fatal(err)
			}
			runUntil(t, clk, tt.stop, a)
			// The process dies: its store connection and the embedded server go with it.
			st.Close(ctx)
			srv.Close()
			clk.Set(tt.restart)
			_, st = startDedicated(t, dir, clk)
			b := newScheduler(t, st, snd, clk, "p2", nil)
			if err := b.Load(ctx); err != nil {
				t.Fatal(err)
			}
			runUntil(t, clk, w.end, b)
			if got, want := describe(snd.Sent()), sorted(tt.want); joinLines(got) != joinLines(want) {
				t.Errorf("sent:\n%s\nwant:\n%s", joinLines(got), joinLines(want))
			}
			if d := dupes(snd.Sent()); len(d) > 0 {
				t.Errorf("sent twice: %v", d)
			}
			folded, err := st.FoldedOccurrences(ctx, "T1", w.start, w.end)
			if err != nil {
				t.Fatal(err)
			}
			if len(folded) != len(tt.folded) {
				t.Fatalf("folded = %+v, want %v", folded, tt.folded)
			}
			for i, f := range tt.folded {
				if !strings.HasPrefix(folded[i].ID, f) {
					t.Errorf("folded[%d] = %s, want %s…", i, folded[i].ID, f)
				}
			}
			if tt.inDigest != "" {
				found := false
				for _, m := range snd.Sent() {
					if m.Channel == "#direction" && m.At.After(tt.restart) {
						all := m.Text
						for _, b := range m.Blocks {
							all += b.Text
						}
						found = strings.Contains(all, tt.inDigest) && strings.Contains(all, "Rappels non envoyés à temps")
					}
				}
				if !found {
					t.Errorf("the leads' digest after the restart does not show the missed reminder of %q", tt.inDigest)
				}
			}
		})
	}
}

func replace(xs []string, m map[string]string) []string {
	var out []string
	for _, x := range xs {
		if y, ok := m[x]; ok {
			if y != "" {
				out = append(out, y)
			}
			continue
		}
		out = append(out, x)
	}
	return out
}

// TestReplicas runs three schedulers over one store, each with its own connection, ticking at
// the same instants: every occurrence is sent exactly once.
func TestReplicas(t *testing.T) {
	w := weeks[1]
	clk := newClock(w.start)
	st, reopen := openStore(t, clk)
	setupWeek(t, st, clk, w)
	snd := &sender{clock: clk}
	var ss []*scheduler.Scheduler
	for _, name := range []string{"p1", "p2", "p3"} {
		s := newScheduler(t, reopen(), snd, clk, name, nil)
		if err := s.Load(context.Background()); err != nil {
			t.Fatal(err)
		}
		ss = append(ss, s)
	}
	runUntil(t, clk, w.end, ss...)
	if got, want := describe(snd.Sent()), sorted(w.want); joinLines(got) != joinLines(want) {
		t.Errorf("sent:\n%s\nwant:\n%s", joinLines(got), joinLines(want))
	}
	if d := dupes(snd.Sent()); len(d) > 0 {
		t.Errorf("sent twice: %v", d)
	}
	checkThreads(t, st, snd.Sent())
	var sentBy, lost int64
	for _, s := range ss {
		sentBy += s.Stats().Sent
		lost += s.Stats().LostClaims
	}
	if sentBy != int64(len(w.want)) || lost != 2*int64(len(w.want)) {
		t.Errorf("stats: %d sent, %d claims lost; want %d and %d", sentBy, lost, len(w.want), 2*len(w.want))
	}
}

// TestChangeMissedByIndex: a task done through another replica (no hook here) is still in this
// scheduler's index (its first reminder, at 18:00, is near at start-up); the fresh read at send
// time cancels its reminder and the reminder's copy in the team channel.
func TestChangeMissedByIndex(t *testing.T) {
	ctx := context.Background()
	clk := newClock(paris8(6, 1, 16, 30))
	st, _ := openStore(t, clk)
	seed(t, st)
	task := addTask(t, st, "k1", "retail", "PLV en magasin", "rui", paris8(6, 4, 18, 0))
	snd := &sender{clock: clk}
	s := newScheduler(t, st, snd, clk, "p1", nil)
	if err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	task.Status = chorus.TaskDone
	if _, err := st.UpdateTask(ctx, task); err != nil {
		t.Fatal(err)
	}
	runUntil(t, clk, paris8(6, 8, 12, 0), s)
	if n := len(snd.Sent()); n != 0 {
		t.Errorf("%d reminders sent for a done task: %v", n, snd.lines())
	}
	if s.Stats().Cancelled != 2 || s.Pending() != 0 {
		t.Errorf("stats %+v, pending %d; want 2 cancelled (direct message and channel copy) and nothing pending", s.Stats(), s.Pending())
	}
}

// dyingStore is a store whose process dies at a chosen point: after dead is set, records and
// thread starts fail as they would if the process had stopped between sending and recording.
type dyingStore struct {
	*store.Store
	mu   sync.Mutex
	dead bool
}

func (d *dyingStore) kill() { d.mu.Lock(); d.dead = true; d.mu.Unlock() }

func (d *dyingStore) isDead() bool { d.mu.Lock(); defer d.mu.Unlock(); return d.dead }

func (d *dyingStore) RecordOccurrence(ctx context.Context, o chorus.Occurrence) error {
	if d.isDead() {
		return context.Canceled
	}
	return d.Store.RecordOccurrence(ctx, o)
}

func (d *dyingStore) StartTaskThread(ctx context.Context, ws, task, channel, ts string) (string, error) {
	if d.isDead() {
		return "", context.Canceled
	}
	return d.Store.StartTaskThread(ctx, ws, task, channel, ts)
}

// TestCrash: the first process dies between claim and record of a reminder and of its copy in
// the team channel; a second one takes over when the claims' leases end and neither message is
// lost or sent twice. A copy found again by its metadata still opens the task's thread.
func TestCrash(t *testing.T) {
	tests := []struct {
		name          string
		crash         func(m scheduler.Message) error
		wantRecovered int64 // found by metadata rather than sent again
	}{
		{"between send and record", func(scheduler.Message) error { return errCrashAfterSend }, 2},
		{"between claim and send", func(scheduler.Message) error { return context.Canceled }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			clk := newClock(paris8(6, 1, 11, 0))
			st, reopen := openStore(t, clk)
			seed(t, st)
			addTask(t, st, "k1", "retail", "PLV en magasin", "rui", paris8(6, 4, 18, 0))
			snd := &sender{clock: clk, fail: tt.crash}
			a := newScheduler(t, &dyingStore{Store: st, dead: true}, snd, clk, "p1", nil)
			if err := a.Load(ctx); err != nil {
				t.Fatal(err)
			}
			runUntil(t, clk, paris8(6, 1, 18, 1), a) // the 3-day reminder is due at 18:00
			snd.mu.Lock()
			snd.fail = nil
			snd.mu.Unlock()
			// The second process starts a minute later: the claim is young, its owner may
			// still be sending, so it waits for the lease before taking over.
			clk.Advance(time.Minute)
			b := newScheduler(t, reopen(), snd, clk, "p2", nil)
			if err := b.Load(ctx); err != nil {
				t.Fatal(err)
			}
			runUntil(t, clk, paris8(6, 1, 18, 5), b)
			if n := len(snd.Sent()) - int(tt.wantRecovered); n != 0 {
				t.Fatalf("before the lease ends: %d messages sent by the new process", n)
			}
			runUntil(t, clk, paris8(6, 1, 19, 0), b)
			msgs := snd.Sent()
			if got := describe(msgs); len(msgs) != 2 || dupes(msgs) != nil ||
				joinLines(got) != "Tue 06-01 18:00 CEST #magasins o4320\nTue 06-01 18:00 CEST rui o4320" &&
					joinLines(got) != "Tue 06-01 18:10 CEST #magasins o4320\nTue 06-01 18:10 CEST rui o4320" {
				t.Fatalf("sent %v, want the reminder and its channel copy once", snd.lines())
			}
			for _, m := range msgs {
				rec, ok, err := st.Occurrence(ctx, m.ID)
				if err != nil || !ok || rec.TS != m.TS || rec.By != "p2" {
					t.Fatalf("record of %s = %+v, %v, %v; want ts %s by p2", m.ID, rec, ok, err, m.TS)
				}
			}
			checkThreads(t, st, msgs)
			if got := b.Stats().Recovered; got != tt.wantRecovered {
				t.Errorf("recovered %d, want %d", got, tt.wantRecovered)
			}
		})
	}
}

// TestCrashInThread: the process dies after posting a later reminder's copy as a reply in the
// task's thread, before recording it. Slack lists replies only in their thread, not in the
// channel's history: the next process finds it there and does not post it again.
func TestCrashInThread(t *testing.T) {
	ctx := context.Background()
	clk := newClock(paris8(6, 1, 11, 0))
	st, reopen := openStore(t, clk)
	seed(t, st)
	addTask(t, st, "k1", "retail", "PLV en magasin", "rui", paris8(6, 4, 18, 0))
	snd := &sender{clock: clk}
	dying := &dyingStore{Store: st}
	a := newScheduler(t, dying, snd, clk, "p1", nil)
	if err := a.Load(ctx); err != nil {
		t.Fatal(err)
	}
	runUntil(t, clk, paris8(6, 1, 19, 0), a) // the 3-day reminder opens the thread
	if n := len(snd.Sent()); n != 2 {
		t.Fatalf("after the 3-day reminder: %v", snd.lines())
	}
	// The 1-day reminder (Thursday 18:00): both messages go out, then the process dies.
	dying.kill()
	snd.mu.Lock()
	snd.fail = func(scheduler.Message) error { return errCrashAfterSend }
	snd.mu.Unlock()
	runUntil(t, clk, paris8(6, 3, 18, 0), a)
	snd.mu.Lock()
	snd.fail = nil
	snd.mu.Unlock()
	clk.Advance(time.Minute)
	b := newScheduler(t, reopen(), snd, clk, "p2", nil)
	if err := b.Load(ctx); err != nil {
		t.Fatal(err)
	}
	runUntil(t, clk, paris8(6, 3, 19, 0), b)
	msgs := snd.Sent()
	want := []string{
		"Thu 06-03 18:00 CEST #magasins o1440 (thread)",
		"Thu 06-03 18:00 CEST rui o1440",
		"Tue 06-01 18:00 CEST #magasins o4320",
		"Tue 06-01 18:00 CEST rui o4320",
	}
	if got := describe(msgs); joinLines(got) != joinLines(want) || dupes(msgs) != nil {
		t.Fatalf("sent:\n%s\nwant:\n%s", joinLines(got), joinLines(want))
	}
	checkThreads(t, st, msgs)
	if got := b.Stats(); got.Recovered != 2 || got.Sent != 0 {
		t.Errorf("stats %+v; want both messages of the 1-day reminder recovered, none sent", got)
	}
	for _, m := range msgs[2:] {
		if rec, ok, err := st.Occurrence(ctx, m.ID); err != nil || !ok || rec.TS != m.TS || rec.By != "p2" {
			t.Errorf("record of %s = %+v, %v, %v", m.ID, rec, ok, err)
		}
	}
}

// TestDirectOnly: a campaign-wide task, or one whose team has no Slack channel, is reminded by
// direct message only.
func TestDirectOnly(t *testing.T) {
	ctx := context.Background()
	clk := newClock(paris8(6, 1, 11, 0))
	st, _ := openStore(t, clk)
	seed(t, st)
	if _, err := st.CreateCampaign(ctx, chorus.Campaign{
		WorkspaceID: "T1", Slug: "noel", Name: "Noël", TimeZone: "Europe/Paris", Lang: chorus.French,
		Status: chorus.StatusActive, Leads: []string{"lea"}, CreatedBy: "lea",
		Channels: []chorus.Channel{{Kind: "social", Owner: "sami"}}, // no Slack channel yet
	}); err != nil {
		t.Fatal(err)
	}
	addTask(t, st, "w1", "", "Bilan de campagne", "lea", paris8(6, 4, 18, 0))
	if _, err := st.CreateTask(ctx, chorus.Task{WorkspaceID: "T1", ID: "n1", Campaign: "noel", ChannelKind: "social",
		Title: "Visuels de Noël", Owner: "sami", Due: paris8(6, 4, 18, 0).UTC(), Status: chorus.TaskOpen, CreatedBy: "lea"}); err != nil {
		t.Fatal(err)
	}
	snd := &sender{clock: clk}
	s := newScheduler(t, st, snd, clk, "p1", nil)
	if err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	runUntil(t, clk, paris8(6, 1, 19, 0), s)
	want := []string{"Tue 06-01 18:00 CEST lea o4320", "Tue 06-01 18:00 CEST sami o4320"}
	if got := describe(snd.Sent()); joinLines(got) != joinLines(want) {
		t.Fatalf("sent:\n%s\nwant:\n%s", joinLines(got), joinLines(want))
	}
}

// TestChannelCopy: the copy in the team channel mentions the owner, carries the same buttons,
// and is in the campaign's language while the direct message is in the owner's.
func TestChannelCopy(t *testing.T) {
	ctx := context.Background()
	clk := newClock(paris8(6, 1, 11, 0))
	st, _ := openStore(t, clk)
	seed(t, st)
	addTask(t, st, "k1", "retail", "PLV en magasin", "rui", paris8(6, 4, 18, 0))
	if err := st.SetUserLang(ctx, "T1", "rui", chorus.English); err != nil {
		t.Fatal(err)
	}
	snd := &sender{clock: clk}
	s := newScheduler(t, st, snd, clk, "p1", nil)
	if err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	runUntil(t, clk, paris8(6, 1, 19, 0), s)
	var dm, copied sent
	for _, m := range snd.Sent() {
		switch m.Channel {
		case "rui":
			dm = m
		case "#magasins":
			copied = m
		}
	}
	if dm.ID == "" || copied.ID != dm.ID+scheduler.ChannelCopy {
		t.Fatalf("sent %v", snd.lines())
	}
	if !strings.HasPrefix(copied.Text, "@{rui} ") || !strings.Contains(copied.Text, "vendredi 4 juin 2027 à 18:00") {
		t.Errorf("channel copy text %q: want a mention of the owner, in French", copied.Text)
	}
	if !strings.Contains(dm.Text, "Friday") {
		t.Errorf("direct message %q: want the owner's English", dm.Text)
	}
	for _, b := range []struct{ id, prefix string }{
		{reply.ActTaskDone, "k1"}, {reply.ActReminderSnooze, reply.SnoozeDay + " k1"},
		{reply.ActReminderSnooze, reply.SnoozeMonday + " k1"}, {reply.ActReminderReassign, "k1"},
	} {
		button(t, copied, b.id, b.prefix)
	}
}

// TestDigestContent: a team digest shows the channel's active campaigns, its overdue tasks and
// those due within 7 days, and nothing of other channels.
func TestDigestContent(t *testing.T) {
	ctx := context.Background()
	clk := newClock(paris8(6, 1, 8, 0))
	st, _ := openStore(t, clk)
	seed(t, st)
	addTask(t, st, "late1", "retail", "Affiches", "rui", paris8(5, 31, 10, 0))
	addTask(t, st, "soon1", "retail", "PLV en magasin", "rui", paris8(6, 4, 18, 0))
	addTask(t, st, "camp1", "", "Bilan", "lea", paris8(6, 5, 18, 0))
	addTask(t, st, "far1", "retail", "Vitrines", "rui", paris8(6, 30, 18, 0))
	addTask(t, st, "soc1", "social", "Visuels", "sami", paris8(6, 3, 18, 0))
	addDigest(t, st, "#magasins", "0 9 * * 2", false)
	snd := &sender{clock: clk}
	s := newScheduler(t, st, snd, clk, "p1", func(o *scheduler.Options) {
		o.Policy.Offsets, o.Policy.Morning, o.Policy.Overdue = []time.Duration{}, false, false
	})
	if err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	runUntil(t, clk, paris8(6, 1, 9, 30), s)
	var digests []sent
	for _, m := range snd.Sent() {
		if m.EventType == scheduler.EventDigest {
			digests = append(digests, m)
		}
	}
	if len(digests) != 1 {
		t.Fatalf("digests: %v", snd.lines())
	}
	text := digests[0].Text
	for _, b := range digests[0].Blocks {
		text += "\n" + b.Text
	}
	for _, want := range []string{"Point d'équipe — #magasins", "Soldes d'été literie", "En retard (1)", "`late1`", "À rendre dans les 7 jours (2)", "`soon1`", "`camp1`"} {
		if !strings.Contains(text, want) {
			t.Errorf("digest lacks %q:\n%s", want, text)
		}
	}
	for _, not := range []string{"far1", "soc1"} {
		if strings.Contains(text, not) {
			t.Errorf("digest shows %s:\n%s", not, text)
		}
	}
}
