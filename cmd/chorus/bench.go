package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/drift"
	"github.com/chorus-hq/chorus/reply"
	"github.com/chorus-hq/chorus/scheduler"
)

// runBench generates a year of a marketing department's data into a fresh store (embedded in a
// temporary directory, or CHORUS_MONGODB_URI in a new database) and measures every command
// through the router the transports use, the scheduler's start-up and a drift check, printing
// p50/p99 per operation and the peak resident size (issue 17, docs/benchmarks.md).
func runBench(ctx context.Context, env environment, args []string) error {
	fs := newFlags("chorus bench", env)
	scale := fs.Float64("scale", 1, "multiply the year's data (10: ten years' worth; 0.1: a tenth)")
	samples := fs.Int("samples", 50, "runs of each operation")
	kinds := fs.String("kinds", "read,write,start,check", "the kinds of operation to measure")
	memLimit := fs.Int("memory-limit", 0, "measure under this fixed Go memory limit, in MiB, as GOMEMLIMIT would set it (0: serve's, which follows the live heap)")
	only := fs.String("only", "", "of the reads and writes, measure only those whose name holds this text (to profile one)")
	reopen := fs.Bool("reopen", true, "also time reopening the store on the generated data (its read model's load)")
	baseline := fs.Bool("baseline", false, "measure the store as it was before issue 17: no read model, reads by _id scanning on the embedded server")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the reopening and the measured operations (not of the generation) to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *scale < 0.01 || *samples < 2 {
		return fmt.Errorf("--scale must be ≥ 0.01 and --samples ≥ 2")
	}
	dir, err := os.MkdirTemp("", "chorus-bench-")
	if err != nil {
		return fmt.Errorf("bench data dir: %w", err)
	}
	defer os.RemoveAll(dir)
	benchEnv := env
	db := fmt.Sprintf("chorus_bench_%d", time.Now().Unix())
	benchEnv.getenv = func(k string) string {
		switch k {
		case "CHORUS_DATA_DIR":
			return dir
		case "CHORUS_MONGODB_DB":
			return db // a new database on a configured MongoDB; the embedded one is new anyway
		case "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "OPENAI_API_KEY":
			return "" // measure Chorus, not Slack or an LLM
		case "CHORUS_LEADS":
			return "lea"
		case "CHORUS_LOG_LEVEL":
			return "error"
		}
		return env.getenv(k)
	}
	clk := &simClock{t: demoStart}
	benchEnv.now = clk.Now
	benchEnv.baseline = *baseline
	a, err := newApp(ctx, benchEnv, "")
	if err != nil {
		return err
	}
	defer a.close()
	out := env.stdout
	y := yearOf(*scale)
	label := storeLabel(a.cfg)
	if *baseline {
		label += " (baseline: no read model, no _id index)"
	}
	fmt.Fprintf(out, "chorus bench — %s, scale %g: %d campaigns × %d channels, %d tasks, %d submissions, %d meetings, %d lines, %d audit entries, %d terms over %d workspaces\n",
		label, *scale, y.campaigns, y.channels, y.tasks, y.submissions, y.meetings, y.lines, y.audit, y.terms, y.workspaces)
	began := time.Now()
	if err := a.store.Import(ctx, generateYear(y, clk.Now())); err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	<-a.store.ReadModelReady()
	fmt.Fprintf(out, "generated in %s\n", time.Since(began).Round(time.Millisecond))
	// The generation leaves gigabytes of garbage at 10× (2.4 GB peak): collected and returned
	// now, so the first operations measured do not pay for it in the collector's background
	// work, which a process a year into its use does not carry (seen: every read, /campaign
	// help included, 1.5–3× slower in runs measured right after the generation).
	debug.FreeOSMemory()
	// serve's settings of the Go runtime, its memory limit following the live heap (memory.go):
	// set for the heap live now, the read model loaded
	mctx, stop := context.WithCancel(ctx)
	defer stop()
	follow := tuneMemory(a.log, nil, 10*time.Second)
	if *memLimit > 0 {
		debug.SetMemoryLimit(int64(*memLimit) << 20)
	} else {
		go follow(mctx)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	if *reopen {
		if err := timeOpen(ctx, a, out); err != nil {
			return err
		}
	}
	fmt.Fprintln(out)
	b := &bencher{ctx: ctx, a: a, clk: clk, out: out, errOut: env.stderr, samples: *samples, year: y, kinds: map[string]bool{}, only: *only}
	for _, k := range strings.Split(*kinds, ",") {
		b.kinds[strings.TrimSpace(k)] = true
	}
	return b.run()
}

// bencher runs the measured operations against one app.
type bencher struct {
	ctx     context.Context
	a       *app
	clk     *simClock
	out     io.Writer
	errOut  io.Writer // where the first error of each operation is shown
	samples int
	errs    int
	year    yearShape
	kinds   map[string]bool // the kinds of operation measured
	only    string          // a text the reads and writes measured have in their name; "" for all
	// startNote says how many reminders the measured starts found due (schedulerStart)
	startNote string
	// submitted is the copy submitted for approval: the message of its campaign, so no drift
	submitted string
	op        string          // the operation being measured
	told      map[string]bool // operations whose first error was shown
}

// benchWS is the workspace every measured operation acts in.
const benchWS = "T1"

func (b *bencher) run() error {
	const row = "%-34s %-6s %11s %11s %11s\n"
	fmt.Fprintf(b.out, row, "operation", "kind", "p50", "p99", "max")
	report := func(name, kind string, ds []time.Duration) {
		slices.Sort(ds)
		fmt.Fprintf(b.out, row, name, kind, ms(pct(ds, 50)), ms(pct(ds, 99)), ms(ds[len(ds)-1]))
	}
	// two of the last campaigns of T1, active: one is read and edited, copy is submitted to
	// the other, whose message therefore stays what the copy says
	last := b.year.campaigns - 1
	last -= last % b.year.workspaces // campaigns go round the workspaces: this one is T1's
	camp, other := benchCampaign(last), benchCampaign(last-b.year.workspaces)
	b.submitted = benchMessage(last - b.year.workspaces)
	b.told = map[string]bool{}
	for _, group := range []struct {
		kind string
		ops  []benchOp
	}{{"read", b.reads(camp)}, {"write", b.writes(camp, other)}} {
		kind := group.kind
		if !b.kinds[kind] {
			continue
		}
		ops := slices.DeleteFunc(group.ops, func(op benchOp) bool { return !strings.Contains(op.name, b.only) })
		if kind == "read" {
			dss := b.rounds(ops)
			if err := b.ctx.Err(); err != nil {
				return err
			}
			for i, ds := range dss {
				report(ops[i].name, kind, ds)
			}
			continue
		}
		for _, op := range ops {
			b.op = op.name
			report(op.name, kind, b.measure(op.fn))
			if err := b.ctx.Err(); err != nil {
				return err
			}
		}
	}
	if b.kinds["start"] {
		marking, backlog, first, restart, err := b.schedulerStart()
		if err != nil {
			return err
		}
		report("scheduler first start (marks all)", "start", []time.Duration{marking})
		report("scheduler start-up", "start", first)
		report("scheduler first ticks (backlog)", "start", []time.Duration{backlog})
		report("scheduler restart", "start", restart)
	}
	if b.kinds["check"] {
		report("drift check + glossary read", "check", b.measure(b.driftCheck(camp)))
	}
	if b.startNote != "" {
		fmt.Fprintf(b.out, "\n%s\n", b.startNote)
	}
	debug.FreeOSMemory() // what the process keeps, not what the generation left to the OS to take back
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	fmt.Fprintf(b.out, "\nafter the run: Go heap in use %d MiB (read model included), RSS %s; peak RSS %s (generation included); %d operations answered with an error\n",
		m.HeapInuse>>20, procStatus("VmRSS:"), procStatus("VmHWM:"), b.errs)
	return nil
}

// timeOpen opens a second store on the generated data and says how long it took: what a
// restart costs, the read model's load included.
func timeOpen(ctx context.Context, a *app, out io.Writer) error {
	began := time.Now()
	st, err := a.reopenStore(ctx)
	if err != nil {
		return err
	}
	opened := time.Since(began)
	<-st.ReadModelReady()
	fmt.Fprintf(out, "store reopened on that data in %s, its read model loaded in the background in %s (read model: %v)\n",
		opened.Round(time.Millisecond), time.Since(began).Round(time.Millisecond), a.readModel)
	return st.Close(ctx)
}

type benchOp struct {
	name string
	fn   func(i int)
}

// do runs a slash command line as user and counts a reply that reports an error.
func (b *bencher) do(user, channel, line string) reply.Reply {
	cmd, text, _ := strings.Cut(line, " ")
	r := b.a.commands.Command(b.ctx, reply.Request{Workspace: benchWS, User: user, Channel: channel, Command: cmd, Text: text})
	if strings.Contains(r.Text, "⚠️") || strings.Contains(r.Text, "❌") {
		b.fail(line, r.Text)
	}
	return r
}

// fail counts an operation that answered an error, and shows the first of each operation.
func (b *bencher) fail(what, said string) {
	if !b.told[b.op] {
		fmt.Fprintf(b.errOut, "bench: %s answered: %s\n", what, said)
		b.told[b.op] = true
	}
	b.errs++
}

func (b *bencher) reads(camp string) []benchOp {
	cmd := func(line string) func(int) { return func(int) { b.do("lea", "C000", line) } }
	return []benchOp{
		{"/campaign list", cmd("/campaign list")},
		{"/campaign show", cmd("/campaign show " + camp)},
		{"/campaign help", cmd("/campaign help")},
		{"App Home", func(int) { b.a.commands.Home(b.ctx, reply.Request{Workspace: benchWS, User: "u01"}) }},
		{"/campaign task list", cmd("/campaign task list " + camp)},
		{"/campaign submissions", cmd("/campaign submissions " + camp)},
		{"/campaign audit", cmd("/campaign audit " + camp)},
		{"/campaign history", cmd("/campaign history " + camp)},
		{"/glossary lookup", cmd("/glossary lookup Marque3")},
		{"/minutes list", cmd("/minutes list")},
		{"/minutes show", cmd("/minutes show " + benchID('m', 3))}, // a meeting of T1, with its 20 lines
	}
}

func (b *bencher) writes(camp, other string) []benchOp {
	cmd := func(user, line string) func(int) { return func(int) { b.do(user, "C000", line) } }
	var subs []string // card values (id@version) of submitted copy, for the approvals
	var tasks []string
	return []benchOp{
		{"/campaign create", func(i int) {
			b.do("lea", "C000", fmt.Sprintf(`/campaign create bench-%d "Bench %d" 2027-07-01 2027-07-15`, i, i))
		}},
		{"/campaign message (update)", func(i int) {
			b.do("lea", "C000", fmt.Sprintf("/campaign message %s Du 1er au 15 juillet 2027, -%d %% sur toute la literie, en magasin et en ligne.", camp, 10+i%40))
		}},
		{"/campaign submit", func(i int) {
			r := b.do("u05", "C000", fmt.Sprintf("/campaign submit %s social %s", other, b.submitted))
			if v := replyButtonValue(r, reply.ActDriftApprove); v != "" {
				subs = append(subs, v)
			}
		}},
		{"approve (button)", func(i int) {
			if i >= len(subs) {
				b.fail("approve", "no submission card to approve")
				return
			}
			r := b.a.commands.Action(b.ctx, reply.Request{Workspace: benchWS, User: "lea", Channel: "C000"},
				reply.Action{ActionID: reply.ActDriftApprove, Value: subs[i]})
			if strings.Contains(r.Text, "⚠️") {
				b.fail("approve", r.Text)
			}
		}},
		{"/campaign task add", func(i int) {
			r := b.do("lea", "C000", fmt.Sprintf(`/campaign task add %s social "Visuel bench %d" @u07 2027-06-20`, camp, i))
			if id := taskIDIn(r.Text); id != "" {
				tasks = append(tasks, id)
			}
		}},
		{"/campaign task done", func(i int) {
			if i >= len(tasks) {
				b.fail("task done", "no task to finish")
				return
			}
			b.do("lea", "C000", "/campaign task done "+tasks[i])
		}},
		{"/glossary define", func(i int) { b.do("lea", "C000", fmt.Sprintf(`/glossary define "Bench%d" un terme mesuré`, i)) }},
		{"/minutes start+note+end", func(i int) {
			ch := fmt.Sprintf("CB%04d", i)
			b.do("lea", ch, "/minutes start Point bench "+camp)
			b.do("u03", ch, "/minutes note Le stock arrive le 20 juin")
			b.do("lea", ch, "/minutes end")
		}},
		{"/chorus lang", cmd("u09", "/chorus lang fr")},
	}
}

// schedulerStart measures a new scheduler loading its index from the store, as at start-up.
// The generated year has no reminder marks, as a data folder from before them: the first start
// reads and marks every open task (measured once, marking); the year's later starts read only
// the tasks whose reminders are near. It measures those with no sign of an earlier process (it
// looks the grace window back for missed reminders, and reads a batch of them), then as a
// restart, after a scheduler that dispatched what the grace window held (its first ticks,
// measured once: backlog) and ran on for half an hour (it looks back from its last tick: the
// alive mark and the lease).
func (b *bencher) schedulerStart() (marking, backlog time.Duration, first, restart []time.Duration, err error) {
	load := func() (*scheduler.Scheduler, time.Duration, error) {
		s, err := b.a.newScheduler(b.ctx, nopSender{}, b.clk.Now, "bench")
		if err != nil {
			return nil, 0, err
		}
		began := time.Now()
		if err := s.Load(b.ctx); err != nil {
			return nil, 0, fmt.Errorf("scheduler load: %w", err)
		}
		return s, time.Since(began), nil
	}
	var s, r *scheduler.Scheduler
	if _, marking, err = load(); err != nil {
		return 0, 0, nil, nil, err
	}
	for range min(b.samples, 10) {
		var d time.Duration
		if s, d, err = load(); err != nil {
			return 0, 0, nil, nil, err
		}
		first = append(first, d)
	}
	firstIndexed := s.Pending()
	began := time.Now()
	sent := s.CatchUp(b.ctx) // as Run: alive, it marks so, and dispatches what the grace window held
	s.Wait()
	backlog = time.Since(began)
	// It runs on for the half hour after which a reminder's task is marked past it (until then a
	// restart must read it, to finish a reminder claimed but not sent), then a restart follows.
	for range 31 {
		b.clk.set(b.clk.Now().Add(time.Minute))
		s.Tick(b.ctx)
		s.Wait()
	}
	for range min(b.samples, 10) {
		var d time.Duration
		if r, d, err = load(); err != nil {
			return 0, 0, nil, nil, err
		}
		restart = append(restart, d)
	}
	// What the first ticks cost follows the reminders a start finds due, which the time of day
	// decides: a first start looks 6 hours back for reminders no process sent.
	b.startNote = fmt.Sprintf("scheduler at %s: the first start planned %d tasks with a reminder pending (a batch at most), its first ticks sent %d reminders; a restart planned %d",
		b.clk.Now().In(chorus.LoadLocation(chorus.DefaultTimeZone)).Format("Mon 02 Jan 15:04 MST"), firstIndexed, sent, r.Pending())
	return marking, backlog, first, restart, nil
}

// driftCheck reads the campaign and the workspace's glossary, then checks a copy against them,
// as the review does for every checked message: the campaign compiled with the enforced terms
// through a drift.Cache, found again by the glossary's version (compiled at the first check,
// the terms read then only).
func (b *bencher) driftCheck(camp string) func(int) {
	refs := drift.NewCache(1)
	return func(i int) {
		c, err := b.a.store.Campaign(b.ctx, benchWS, camp)
		if err != nil {
			b.fail("campaign", err.Error())
			return
		}
		ref, err := refs.CompileVersion(c.Enforced(), b.a.store.GlossaryVersion(b.ctx, benchWS), func() ([]chorus.GlossaryTerm, error) {
			terms, err := b.a.store.Terms(b.ctx, benchWS)
			return chorus.Enforced(terms), err
		}, 0)
		if err != nil {
			b.fail("terms", err.Error())
			return
		}
		ref.Check(fmt.Sprintf("Offre %d : -30 %% sur la literie marq3, en magasin.", i), "")
	}
}

// rounds runs every read once per round, samples rounds, the clock a minute later each round,
// and returns each one's durations. Reads take microseconds: measured one after the other, the
// hundreds of runs of one read fit within one collection of a large heap (half a second at
// ten times the year) and the next read's within none, so each would say more about when the
// collector ran than about the read; in rounds, a collection slows every read alike.
func (b *bencher) rounds(ops []benchOp) [][]time.Duration {
	ds := make([][]time.Duration, len(ops))
	for i := range b.samples {
		b.clk.set(b.clk.Now().Add(time.Minute))
		for j, op := range ops {
			b.op = op.name
			began := time.Now()
			op.fn(i)
			ds[j] = append(ds[j], time.Since(began))
		}
		if b.ctx.Err() != nil {
			break
		}
	}
	return ds
}

// measure runs fn samples times, the clock a minute later each time, and returns the durations.
func (b *bencher) measure(fn func(i int)) []time.Duration {
	ds := make([]time.Duration, b.samples)
	for i := range b.samples {
		b.clk.set(b.clk.Now().Add(time.Minute))
		began := time.Now()
		fn(i)
		ds[i] = time.Since(began)
	}
	return ds
}

func pct(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	return sorted[max(0, min(len(sorted)-1, i-1))]
}

// ms writes d in milliseconds to the microsecond: the reads served from memory take tens of them.
func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 3, 64) + " ms"
}

// replyButtonValue returns the value of the first button with that action id in the reply or the
// posts it sends (the leads' cards).
func replyButtonValue(r reply.Reply, action string) string {
	blocks := r.Blocks
	for _, p := range r.Posts {
		blocks = append(blocks, p.Blocks...)
	}
	for _, bl := range blocks {
		for _, bt := range bl.Buttons {
			if bt.ActionID == action {
				return bt.Value
			}
		}
	}
	return ""
}

// taskIDIn finds the task number a "task added" reply names: « (n° abc234) », "(no. abc234)".
func taskIDIn(text string) string {
	i := strings.LastIndex(text, "(n")
	if i < 0 {
		return ""
	}
	_, after, ok := strings.Cut(text[i:], " ")
	if !ok {
		return ""
	}
	end := strings.IndexFunc(after, func(r rune) bool { return !strings.ContainsRune(base32Chars, r) })
	if end < 0 {
		end = len(after)
	}
	return after[:end]
}

const base32Chars = "abcdefghijklmnopqrstuvwxyz234567"

// procStatus is a line of Linux's /proc/self/status, such as VmHWM (peak resident size).
func procStatus(key string) string {
	if data, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(l, key); ok {
				return strings.TrimSpace(v)
			}
		}
	}
	return "unknown"
}

// nopSender sends nothing: the start-up measure never ticks.
type nopSender struct{}

func (nopSender) Send(context.Context, scheduler.Message) (string, error) { return "", nil }
func (nopSender) Find(context.Context, string, string, string, string, time.Time) (string, bool, error) {
	return "", false, nil
}
