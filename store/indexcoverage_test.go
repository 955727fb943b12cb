package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/store"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
)

// sentQuery is one filter the store sent: the command, its collection, its filter and sort,
// and the Store method (or function of package store) that sent it.
type sentQuery struct {
	method, cmd, coll string
	filter, sort      bson.Raw
}

func (q sentQuery) String() string {
	s := fmt.Sprintf("%s: %s on %s, filter %s", q.method, q.cmd, q.coll, q.filter)
	if len(q.sort) > 0 {
		s += fmt.Sprintf(", sort %s", q.sort)
	}
	return s
}

// recorder keeps every filter the driver sends, as a CommandMonitor sees it.
type recorder struct {
	mu sync.Mutex
	qs []sentQuery
}

func (r *recorder) monitor() *event.CommandMonitor {
	return &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) { r.record(e) }}
}

// storePkg prefixes the functions of package store in a stack trace.
const storePkg = "github.com/chorus-hq/chorus/store."

// caller names the outermost function of package store on the stack: the Store method a test
// called (the driver calls Started in the goroutine that sends the command), or the store's own
// goroutine (the read model's load).
func caller() string {
	pcs := make([]uintptr, 256)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	name := "?"
	for {
		f, more := frames.Next()
		if fn, ok := strings.CutPrefix(f.Function, storePkg); ok {
			name = strings.TrimPrefix(fn, "(*Store).")
		}
		if !more {
			return name
		}
	}
}

func (r *recorder) record(e *event.CommandStartedEvent) {
	cmd := e.Command
	doc := func(key string) bson.Raw {
		if v, err := cmd.LookupErr(key); err == nil {
			if d, ok := v.DocumentOK(); ok {
				return d
			}
		}
		return nil
	}
	coll, _ := cmd.Lookup(e.CommandName).StringValueOK()
	q := sentQuery{method: caller(), cmd: e.CommandName, coll: coll}
	var qs []sentQuery
	switch e.CommandName {
	case "find":
		q.filter, q.sort = doc("filter"), doc("sort")
		qs = append(qs, q)
	case "count", "distinct":
		q.filter = doc("query")
		qs = append(qs, q)
	case "findAndModify":
		q.filter, q.sort = doc("query"), doc("sort")
		qs = append(qs, q)
	case "update", "delete":
		list, key := "updates", "q"
		if e.CommandName == "delete" {
			list = "deletes"
		}
		vals, _ := cmd.Lookup(list).Array().Values()
		for _, v := range vals {
			q.filter = v.Document().Lookup(key).Document()
			qs = append(qs, q)
		}
	case "aggregate":
		stages, _ := cmd.Lookup("pipeline").Array().Values()
		for _, st := range stages {
			if m, err := st.Document().LookupErr("$match"); err == nil && q.filter == nil {
				q.filter = m.Document()
			}
			if s, err := st.Document().LookupErr("$sort"); err == nil && q.sort == nil {
				q.sort = s.Document()
			}
		}
		qs = append(qs, q)
	}
	for i := range qs {
		if qs[i].filter == nil {
			qs[i].filter = rawOf(bson.D{})
		}
	}
	r.mu.Lock()
	r.qs = append(r.qs, qs...)
	r.mu.Unlock()
}

func (r *recorder) queries() []sentQuery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.qs)
}

// wholeReads are the queries allowed to read a whole collection, with why that is fine. Each
// must still be seen, so that the list does not outlive its reasons.
var wholeReads = []struct{ method, coll, why string }{
	{"startLoad.func1.1", "", "the read model loads every head once at start (each kind in a goroutine of its own)"},
	{"DigestSchedules", "digests", "scheduler start-up: one schedule per team channel"},
	{"ReminderPolicies", "policies", "scheduler start-up: one policy per workspace and campaign"},
	{"PolicyReplans", "policy_replans", "scheduler start-up: one record per reminder policy"},
	{"UnfinishedInbox", "inbox_alive", "one heartbeat per replica"},
	{"TakeInbox", "inbox_alive", "one heartbeat per replica"},
	{"UnfinishedInbox", "inbox", "recovery reads the items not done, which SweepInbox keeps to the last hour"},
}

// noQuery are the exported Store methods that send no filter: inserts, or no command at all.
// Every other exported method must be seen sending one, so that a new method is covered.
var noQuery = []string{
	"AddAck", "AddAudit", "AddBriefingThread", "AnswerQuestion", "AddDecision", "AddException", "AddInbox", "AddQuestion",
	"Claim", "Close", "Import", "OpenInboxWriter", "Ping", "ReadModelReady", "RecordOccurrence",
	"SavePlanImport", "StartTaskThread", "AddCalendarToken", "AddSnooze", "FinishInbox",
	"GlossaryVersion", "DataVersion", // the read model's generations
}

// TestEveryQueryHasAnIndex runs every Store method that queries, with the read model off so
// that reads reach the server (and on, for what it still asks), records every filter the driver
// sends and checks it against the indexes the store created, listed back from the server: each
// must be served by one (indexmatch_test.go says how MongoDB decides), else the test names the
// method, the collection and the filter. MongoDB deployments depend on it: without an index a
// query reads its whole collection, which grows with every month of use.
func TestEveryQueryHasAnIndex(t *testing.T) {
	usedWhole := map[int]bool{}
	seen := map[string]bool{}     // methods
	commands := map[string]bool{} // command names
	for _, c := range []struct {
		name                 string
		serialize, readModel bool
	}{
		{"read model off", true, false},
		{"writes not serialised", false, false},
		{"read model on", true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			rec := &recorder{}
			e := newEnvWith(t, c.serialize, c.readModel, func(o store.Options) store.Options {
				return store.WithMonitor(o, rec.monitor())
			})
			exercise(ctx, t, e)
			if c.readModel {
				wantErr(t, e.Store.Refresh(ctx), nil)
			}
			indexes, err := store.Indexes(ctx, e.Store)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range rec.queries() {
				seen[q.method], commands[q.cmd] = true, true
				if why := unindexed(q, indexes[q.coll]); why != "" {
					if i := slices.IndexFunc(wholeReads, func(w struct{ method, coll, why string }) bool {
						return w.method == q.method && (w.coll == "" || w.coll == q.coll)
					}); i >= 0 {
						usedWhole[i] = true
						continue
					}
					t.Errorf("%s\n\t%s; indexes of %s: %s", q, why, q.coll, patterns(indexes[q.coll]))
				}
			}
		})
	}
	if t.Failed() {
		return // what was seen is not all there is to see
	}
	for _, cmd := range []string{"find", "distinct", "update", "delete"} {
		if !commands[cmd] { // the store sends each: the recorder must have read their filters
			t.Errorf("no %s command recorded", cmd)
		}
	}
	for i, w := range wholeReads {
		if !usedWhole[i] {
			t.Errorf("wholeReads lists %s on %q, which read no whole collection: remove it", w.method, w.coll)
		}
	}
	typ := reflect.TypeFor[*store.Store]()
	for i := range typ.NumMethod() {
		m := typ.Method(i).Name
		switch {
		case slices.Contains(noQuery, m) && seen[m]:
			t.Errorf("%s is listed as sending no query but sent one: take it off noQuery", m)
		case !slices.Contains(noQuery, m) && !seen[m]:
			t.Errorf("Store.%s sent no query in this test: exercise it in exercise(), or list it in noQuery", m)
		}
	}
}

// unindexed says why no index serves q, or "" when one does.
func unindexed(q sentQuery, indexes []store.Index) string {
	shapes, err := shapesOf(q.filter)
	if err != nil {
		return fmt.Sprintf("filter not understood: %v", err)
	}
	sortKeys, err := keyPattern(q.sort)
	if err != nil {
		return fmt.Sprintf("sort not understood: %v", err)
	}
	if len(shapes) == 1 && shapes[0].empty() {
		return "reads the whole collection"
	}
	var keys [][]keyField
	for _, d := range indexes {
		k, err := keyPattern(rawOf(d.Key))
		if err != nil {
			return err.Error()
		}
		keys = append(keys, k)
	}
	if !servedByAny(shapes, sortKeys, keys) {
		return "no index serves this filter and sort"
	}
	return ""
}

func patterns(ds []store.Index) string {
	var out []string
	for _, d := range ds {
		var ks []string
		for _, e := range d.Key {
			ks = append(ks, fmt.Sprintf("%s:%v", e.Key, e.Value))
		}
		out = append(out, "{"+strings.Join(ks, ", ")+"}")
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// exercise calls every exported Store method that queries, in the shapes the commands and the
// scheduler use, on both sides of each branch that queries differently (found or missing, a
// fresh head or a stale base).
func exercise(ctx context.Context, t *testing.T, e *env) {
	t.Helper()
	s := e.Store
	must := func(err error) {
		t.Helper()
		if err != nil && !errors.Is(err, chorus.ErrNotFound) && !errors.Is(err, chorus.ErrConflict) {
			t.Fatal(err)
		}
	}
	now := e.Clock.Now()

	// Versioned kinds through the contract suite's adapters: create, read, a fresh and a stale
	// edit, a missing read, history and list.
	for _, en := range entities {
		key, err := en.create(ctx, s, "T1", "k"+en.name, "v1")
		must(err)
		_, v, err := en.get(ctx, s, "T1", key)
		must(err)
		_, err = en.update(ctx, s, "T1", key, v, "v2")
		must(err)
		_, err = en.update(ctx, s, "T1", key, v, "stale")
		must(err)
		_, _, err = en.get(ctx, s, "T1", "missing")
		must(err)
		if en.history != nil {
			_, err = en.history(ctx, s, "T1", key)
			must(err)
		}
		if en.list != nil {
			_, err = en.list(ctx, s, "T1")
			must(err)
		}
	}
	// Tasks in every filter the callers use.
	c, err := s.CreateCampaign(ctx, campaign("T1", "ete"))
	must(err)
	tk, err := s.CreateTask(ctx, newTask("T1", c.Slug, "bob", now.Add(48*time.Hour)))
	must(err)
	open := []chorus.TaskStatus{chorus.TaskOpen}
	for _, f := range []chorus.TaskFilter{
		{}, {Campaign: c.Slug}, {Campaign: c.Slug, Statuses: open}, {Campaign: c.Slug, Statuses: []chorus.TaskStatus{chorus.TaskOpen, chorus.TaskDone}},
		{Owner: "bob", Statuses: open}, {Owner: "bob", Campaign: c.Slug, Statuses: open}, {Statuses: open},
		{Statuses: open, DueBefore: now.Add(72 * time.Hour)},
	} {
		_, err := s.Tasks(ctx, "T1", f)
		must(err)
		_, _, err = s.TasksPage(ctx, "T1", f, 30) // the App Home's page
		must(err)
	}
	for _, f := range []chorus.CampaignFilter{{}, {Archived: true}, {Member: "bob"}, {Lead: "bob"}} {
		_, _, err := s.CampaignsPage(ctx, "T1", f, 10, 10)
		must(err)
	}
	// the scheduler's start-up and moves on: the tasks never marked, then the next hours'
	_, _, err = s.OpenTasksToRemind(ctx, chorus.RemindKey{}, now.Add(2*time.Hour), 0)
	must(err)
	must(s.MarkReminds(ctx, []chorus.RemindMark{{WorkspaceID: "T1", TaskID: tk.ID, Version: tk.Version, At: now.Add(time.Hour)},
		{WorkspaceID: "T1", TaskID: "missing", Version: 1, At: chorus.NeverRemind}}))
	_, _, err = s.OpenTasksToRemind(ctx, chorus.RemindKey{At: now, WorkspaceID: "T1", TaskID: tk.ID}, now.Add(2*time.Hour), 100)
	must(err)
	_, err = s.CampaignHistory(ctx, "T1", c.Slug)
	must(err)
	_, err = s.TaskHistory(ctx, "T1", tk.ID)
	must(err)

	// Glossary, workspace, people.
	g, err := s.CreateTerm(ctx, term("T1", chorus.French, "DouceNuit"))
	must(err)
	_, err = s.Term(ctx, "T1", g.Key())
	must(err)
	g.Definition = "matelas"
	_, err = s.UpdateTerm(ctx, g)
	must(err)
	_, err = s.TermHistory(ctx, "T1", g.Key())
	must(err)
	_, err = s.Terms(ctx, "T1")
	must(err)
	_, err = s.TermsWithWords(ctx, "T1", "matelas douce")
	must(err)
	_, err = s.Workspace(ctx, "T1")
	must(err)
	w, err := s.SaveWorkspace(ctx, chorus.DefaultWorkspace("T1"))
	must(err)
	_, err = s.SaveWorkspace(ctx, w)
	must(err)
	_, err = s.Workspace(ctx, "T1")
	must(err)
	_, err = s.UserLang(ctx, "T1", "U1")
	must(err)
	must(s.SetUserLang(ctx, "T1", "U1", chorus.English))
	_, err = s.UserLang(ctx, "T1", "U1")
	must(err)

	// Audit and claims.
	must(s.AddAudit(ctx, chorus.AuditEntry{WorkspaceID: "T1", Actor: "alice", Action: "campaign.create", Target: "campaign:ete"}))
	_, err = s.Audit(ctx, "T1", "campaign:ete")
	must(err)
	_, err = s.Audit(ctx, "T1", "")
	must(err)
	_, err = s.Claim(ctx, "event", "Ev1", "p1")
	must(err)
	_, err = s.Claimed(ctx, "event", "Ev1")
	must(err)
	_, _, _, err = s.ClaimInfo(ctx, "event", "Ev1")
	must(err)
	_, _, err = s.LastAlive(ctx) // before any mark: the legacy claims' newest
	must(err)
	must(s.MarkAlive(ctx, now))
	_, _, err = s.LastAlive(ctx)
	must(err)
	_, err = s.SweepClaims(ctx, "event", now.Add(-time.Hour))
	must(err)
	ectx := store.WithEffects(ctx, "unit/1")
	_, rec, err := s.Once(ectx, false)
	must(err)
	must(rec(ectx))
	_, err = s.CreateTerm(ectx, term("T1", chorus.English, "Drive"))
	must(err)
	_, err = s.CreateTerm(store.WithEffects(ctx, "unit/1"), term("T1", chorus.English, "Drive")) // a re-run
	must(err)

	exerciseBriefings(ctx, t, e, must)
	exerciseMinutes(ctx, t, e, must)
	exerciseReview(ctx, e, must)
	exerciseSchedule(ctx, e, must)
	exerciseInbox(ctx, e, must)
	exerciseCalendar(ctx, e, must)
}

func exerciseBriefings(ctx context.Context, t *testing.T, e *env, must func(error)) {
	t.Helper()
	s, now := e.Store, e.Clock.Now()
	_, err := s.Briefing(ctx, "T1", "ete")
	must(err)
	b, err := s.SaveBriefing(ctx, chorus.Briefing{WorkspaceID: "T1", Campaign: "ete", Edition: 1, Message: "-30 %",
		GoLive: now.Add(240 * time.Hour), SentBy: "lea", SentAt: now, UpdatedBy: "lea"})
	must(err)
	b.Edition = 2
	_, err = s.SaveBriefing(ctx, b)
	must(err)
	_, err = s.Briefing(ctx, "T1", "ete")
	must(err)
	_, err = s.SentBriefings(ctx, now)
	must(err)
	must(s.AddAck(ctx, chorus.Ack{WorkspaceID: "T1", Campaign: "ete", Edition: 1, User: "U1"}))
	_, err = s.Acks(ctx, "T1", "ete", 1)
	must(err)
	must(s.AddBriefingThread(ctx, "T1", "C1", "1.1", "ete", 1))
	_, _, err = s.BriefingThread(ctx, "T1", "C1", "1.1")
	must(err)
	q := chorus.Question{WorkspaceID: "T1", ID: chorus.QuestionID("C1", "2.1"), Campaign: "ete", Channel: "C1", Thread: "1.1", TS: "2.1",
		Asker: "U1", Text: "Délais ?", At: now}
	must(s.AddQuestion(ctx, q))
	must(s.AnswerQuestion(ctx, "T1", q.ID, "U9", "72 h", now.Add(time.Hour)))
	_, err = s.Question(ctx, "T1", q.ID)
	must(err)
	_, err = s.ThreadQuestions(ctx, "T1", "C1", "1.1")
	must(err)
	_, err = s.QuestionsSince(ctx, now.Add(-time.Hour))
	must(err)
	_, err = s.Experts(ctx, "T1")
	must(err)
	ex, err := s.SaveExperts(ctx, chorus.Experts{WorkspaceID: "T1", Escalate: time.Hour, UpdatedBy: "lea"})
	must(err)
	_, err = s.SaveExperts(ctx, ex)
	must(err)
}

func exerciseMinutes(ctx context.Context, t *testing.T, e *env, must func(error)) {
	t.Helper()
	s := e.Store
	m, err := s.StartMeeting(ctx, meeting("T1", "#reunion", "Point hebdo"))
	must(err)
	_, err = s.StartMeeting(ctx, meeting("T1", "#reunion", "Encore")) // the channel is taken
	must(err)
	_, err = s.OpenMeeting(ctx, "T1", "#reunion")
	must(err)
	_, err = s.Meeting(ctx, "T1", m.ID)
	must(err)
	l, err := s.AddLine(ctx, line(m, "1.1", "lea", chorus.LineDecision, "Décision : on lance"))
	must(err)
	_, err = s.Line(ctx, "T1", m.ID, "1.1")
	must(err)
	l.Text = "Décision : on lance lundi"
	_, err = s.UpdateLine(ctx, l)
	must(err)
	_, err = s.LineHistory(ctx, "T1", m.ID, "1.1")
	must(err)
	_, err = s.Lines(ctx, "T1", m.ID)
	must(err)
	for _, f := range []chorus.MeetingFilter{{}, {Campaign: "ete"}} {
		_, err = s.Meetings(ctx, "T1", f)
		must(err)
		_, _, err = s.MeetingsPage(ctx, "T1", f, 20)
		must(err)
	}
	if found, err := s.SearchMeetings(ctx, "T1", "decision hebdo"); err != nil || len(found) != 1 || found[0].ID != m.ID {
		t.Errorf("SearchMeetings = %+v, %v; want meeting %s", found, err, m.ID)
	}
	m.Status = chorus.MeetingClosed
	_, err = s.UpdateMeeting(ctx, m)
	must(err)
}

func exerciseReview(ctx context.Context, e *env, must func(error)) {
	s := e.Store
	sub, err := s.CreateSubmission(ctx, newSubmission("1.2"))
	must(err)
	_, err = s.Submission(ctx, "T1", sub.ID)
	must(err)
	_, err = s.SubmissionByMessage(ctx, "T1", "#social", "1.2")
	must(err)
	sub.Status = chorus.SubmissionApproved
	_, err = s.UpdateSubmission(ctx, sub)
	must(err)
	_, err = s.SubmissionHistory(ctx, "T1", sub.ID)
	must(err)
	approved := []chorus.SubmissionStatus{chorus.SubmissionApproved, chorus.SubmissionApprovedWithException}
	for _, f := range []chorus.SubmissionFilter{
		{Campaign: "ete"}, {Statuses: []chorus.SubmissionStatus{chorus.SubmissionPending, chorus.SubmissionFlagged}},
		{Campaign: "ete", Statuses: approved},
	} {
		_, err = s.Submissions(ctx, "T1", f)
		must(err)
	}
	led := campaign("T1", "led")
	led.Leads = []string{"lea"}
	_, err = s.CreateCampaign(ctx, led)
	must(err)
	_, _, err = s.AwaitingDecision(ctx, "T1", "lea", 10) // the App Home's copy to approve
	must(err)
	must(s.AddDecision(ctx, chorus.Decision{WorkspaceID: "T1", Submission: sub.ID, Version: 2, Kind: chorus.DecisionApprove, Author: "lea"}))
	_, err = s.Decisions(ctx, "T1", sub.ID)
	must(err)
	text := chorus.TextHash("Livraison offerte")
	must(s.AddException(ctx, chorus.Exception{WorkspaceID: "T1", Campaign: "ete", TextHash: text, MessageHash: "h1", Author: "lea"}))
	_, err = s.Exception(ctx, "T1", "ete", text, "h1")
	must(err)
	_, err = s.SetAutoCheck(ctx, chorus.AutoCheck{WorkspaceID: "T1", Channel: "#social", Campaign: "ete", ChannelKind: "social", By: "lea"})
	must(err)
	_, err = s.AutoCheck(ctx, "T1", "#social")
	must(err)
	must(s.ClearAutoCheck(ctx, "T1", "#social"))
	must(s.SavePlanImport(ctx, chorus.PlanImport{WorkspaceID: "T1", ID: "abc123", By: "lea", At: e.Clock.Now(), File: "plan.xlsx"}))
	_, err = s.PlanImport(ctx, "T1", "abc123")
	must(err)
}

func exerciseSchedule(ctx context.Context, e *env, must func(error)) {
	s, now := e.Store, e.Clock.Now()
	_, err := s.DigestSchedule(ctx, "T1", "C1")
	must(err)
	d, err := s.SaveDigestSchedule(ctx, chorus.DigestSchedule{WorkspaceID: "T1", Channel: "C1", Spec: "0 9 * * 1",
		TimeZone: "Europe/Paris", Lang: chorus.French, UpdatedBy: "lea"})
	must(err)
	_, err = s.SaveDigestSchedule(ctx, d)
	must(err)
	_, err = s.DigestSchedules(ctx)
	must(err)
	p, err := s.SaveReminderPolicy(ctx, chorus.DefaultReminderPolicy("T1"))
	must(err)
	_, err = s.SaveReminderPolicy(ctx, p)
	must(err)
	_, err = s.ReminderPolicy(ctx, "T1", "")
	must(err)
	_, err = s.ReminderPolicies(ctx)
	must(err)
	must(s.MarkPolicyReplanned(ctx, chorus.PolicyReplan{WorkspaceID: "T1", Version: p.Version}))
	_, err = s.PolicyReplans(ctx)
	must(err)
	_, err = s.AddSnooze(ctx, chorus.Snooze{WorkspaceID: "T1", TaskID: "k7m2qd", Due: now.Add(72 * time.Hour), Until: now.Add(24 * time.Hour), By: "sami"})
	must(err)
	_, err = s.Snoozes(ctx, now)
	must(err)
	must(s.RecordOccurrence(ctx, chorus.Occurrence{ID: "d/T1/C1/1", Kind: chorus.DigestOccurrence, WorkspaceID: "T1", Channel: "C1", ScheduledAt: now}))
	must(s.RecordOccurrence(ctx, chorus.Occurrence{ID: "r/T1/a/1/o1", Kind: chorus.ReminderOccurrence, WorkspaceID: "T1", Folded: true, ScheduledAt: now}))
	_, _, err = s.Occurrence(ctx, "d/T1/C1/1")
	must(err)
	_, err = s.FoldedOccurrences(ctx, "T1", now.Add(-time.Hour), now.Add(time.Hour))
	must(err)
	_, _, err = s.LastDigest(ctx, "T1", "C1", now.Add(time.Hour))
	must(err)
	_, err = s.StartTaskThread(ctx, "T1", "k1", "C0SOCIAL", "1.5")
	must(err)
	_, _, err = s.TaskThread(ctx, "T1", "k1", "C0SOCIAL")
	must(err)
	_, err = s.SweepOccurrences(ctx, now.Add(-24*time.Hour))
	must(err)
}

func exerciseInbox(ctx context.Context, e *env, must func(error)) {
	s, now := e.Store, e.Clock.Now()
	must(s.RenewInbox(ctx, "p1", now.Add(time.Minute)))
	for _, err := range s.AddInbox(ctx, []store.InboxItem{{ID: "a", Kind: "command", Received: now, Owner: "p1", Attempt: 1},
		{ID: "b", Kind: "command", Received: now, Owner: "p2", Attempt: 1}}) {
		must(err)
	}
	_, _, _, err := s.Inbox(ctx, "a")
	must(err)
	_, _, err = s.TakeInbox(ctx, "b", "p1", false)
	must(err)
	for _, all := range []bool{false, true} {
		_, err = s.UnfinishedInbox(ctx, now, all, 10)
		must(err)
	}
	must(s.FinishInbox(ctx, "a"))
	must(s.ReleaseInbox(ctx, "p1"))
	_, err = s.SweepInbox(ctx, now.Add(time.Hour))
	must(err)
}

func exerciseCalendar(ctx context.Context, e *env, must func(error)) {
	s := e.Store
	tp, err := s.AddTouchpoint(ctx, newTouchpoint("T1", "ete", chorus.Date{Year: 2027, Month: 6, Day: 3}))
	must(err)
	_, err = s.CampaignTouchpoints(ctx, "T1", "ete")
	must(err)
	june1, june30 := chorus.Date{Year: 2027, Month: 6, Day: 1}, chorus.Date{Year: 2027, Month: 6, Day: 30}
	for _, w := range [][2]chorus.Date{{}, {june1, june30}, {june1, {}}, {{}, june30}} {
		_, err = s.Touchpoints(ctx, "T1", w[0], w[1])
		must(err)
	}
	_, err = s.CampaignTouchpointHistory(ctx, "T1", "ete")
	must(err)
	_, err = s.RemoveTouchpoint(ctx, tp)
	must(err)
	_, err = s.AddCalendarToken(ctx, chorus.CalendarToken{Hash: "h1", WorkspaceID: "T1", User: "lea"})
	must(err)
	_, err = s.CalendarToken(ctx, "h1")
	must(err)
	_, err = s.RevokeCalendarTokens(ctx, "T1", "lea")
	must(err)
}

// TestUniqueIndexesOnly: on the embedded server the store keeps only the unique indexes, which
// its versions and claims rely on, and drops the plain ones an earlier Open created.
func TestUniqueIndexesOnly(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	c, err := e.Store.CreateCampaign(ctx, campaign("T1", "ete"))
	wantErr(t, err, nil)
	count := func() (plain, unique int) {
		t.Helper()
		all, err := store.Indexes(ctx, e.Store)
		if err != nil {
			t.Fatal(err)
		}
		for _, ds := range all {
			for _, d := range ds {
				switch {
				case len(d.Key) == 1 && d.Key[0].Key == "_id":
				case d.Unique:
					unique++
				default:
					plain++
				}
			}
		}
		return plain, unique
	}
	plain, unique := count()
	if plain == 0 || unique == 0 {
		t.Fatalf("a store opened without UniqueIndexesOnly made %d plain and %d unique indexes", plain, unique)
	}
	e.opts.UniqueIndexesOnly = true
	e.reopen(t)
	if p, u := count(); p != 0 || u != unique {
		t.Fatalf("after a reopen with UniqueIndexesOnly: %d plain and %d unique indexes, want 0 and %d", p, u, unique)
	}
	_, err = e.Store.CreateCampaign(ctx, campaign("T1", "ete"))
	wantErr(t, err, chorus.ErrConflict)
	_, err = e.Store.UpdateCampaign(ctx, c) // based on version 1 again: lands once
	wantErr(t, err, nil)
	_, err = e.Store.UpdateCampaign(ctx, c)
	wantErr(t, err, chorus.ErrConflict)
}

// TestRecorderReadsEveryCommand: the recorder finds the filter and sort of every command that
// has one, where each command keeps them, so that none is checked against nothing.
func TestRecorderReadsEveryCommand(t *testing.T) {
	f := bson.D{{Key: "workspace", Value: "T1"}}
	srt := bson.D{{Key: "at", Value: 1}}
	cases := []struct {
		name string
		cmd  bson.D
		want int // queries recorded, each with filter f
		sort bool
	}{
		{"find", bson.D{{Key: "find", Value: "c"}, {Key: "filter", Value: f}, {Key: "sort", Value: srt}}, 1, true},
		{"count", bson.D{{Key: "count", Value: "c"}, {Key: "query", Value: f}}, 1, false},
		{"distinct", bson.D{{Key: "distinct", Value: "c"}, {Key: "key", Value: "id"}, {Key: "query", Value: f}}, 1, false},
		{"aggregate", bson.D{{Key: "aggregate", Value: "c"}, {Key: "pipeline", Value: bson.A{
			bson.D{{Key: "$match", Value: f}}, bson.D{{Key: "$sort", Value: srt}}}}}, 1, true},
		{"findAndModify", bson.D{{Key: "findAndModify", Value: "c"}, {Key: "query", Value: f}, {Key: "sort", Value: srt}}, 1, true},
		{"update", bson.D{{Key: "update", Value: "c"}, {Key: "updates", Value: bson.A{
			bson.D{{Key: "q", Value: f}, {Key: "u", Value: bson.D{}}}, bson.D{{Key: "q", Value: f}, {Key: "u", Value: bson.D{}}}}}}, 2, false},
		{"delete", bson.D{{Key: "delete", Value: "c"}, {Key: "deletes", Value: bson.A{bson.D{{Key: "q", Value: f}, {Key: "limit", Value: 1}}}}}, 1, false},
		{"insert", bson.D{{Key: "insert", Value: "c"}, {Key: "documents", Value: bson.A{f}}}, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &recorder{}
			r.monitor().Started(context.Background(), &event.CommandStartedEvent{Command: rawOf(c.cmd), CommandName: c.name})
			qs := r.queries()
			if len(qs) != c.want {
				t.Fatalf("recorded %d queries, want %d", len(qs), c.want)
			}
			for _, q := range qs {
				if q.coll != "c" || !bytes.Equal(q.filter, rawOf(f)) || (len(q.sort) > 0) != c.sort {
					t.Errorf("recorded %s", q)
				}
			}
		})
	}
}
