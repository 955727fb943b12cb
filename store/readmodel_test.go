package store_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/store"
)

// TestReadModelOfTwoStores runs two stores with read models on one database, as two replicas
// on one MongoDB: what one writes, the other sees at once by identity when it never read it,
// in its lists after Refresh; an edit the other bases on a stale version loses its version race
// and leaves that store current.
func TestReadModelOfTwoStores(t *testing.T) {
	ctx := context.Background()
	for _, en := range entities {
		t.Run(en.name, func(t *testing.T) {
			e := newEnv(t, false)
			a := e.Store
			b := e.second(t)
			key := "k-" + en.name
			if en.name == "task" {
				key = ""
			}
			key, err := en.create(ctx, a, "T1", key, "v1")
			wantErr(t, err, nil)
			if label, v, err := en.get(ctx, b, "T1", key); err != nil || label != "v1" || v != 1 {
				t.Fatalf("b reads %q v%d, %v before any refresh; want v1 (a miss reads the server)", label, v, err)
			}
			if en.list != nil {
				bKeys := func() []string {
					keys, err := en.list(ctx, b, "T1")
					wantErr(t, err, nil)
					return keys
				}
				// b read the entity by identity, which put it in its read model
				if keys := bKeys(); !slices.Contains(keys, key) {
					t.Fatalf("b lists %q, want %q", keys, key)
				}
				other := "k2-" + en.name
				if en.name == "task" {
					other = ""
				}
				other, err = en.create(ctx, a, "T1", other, "other")
				wantErr(t, err, nil)
				if keys := bKeys(); slices.Contains(keys, other) {
					t.Fatalf("b lists %q before a refresh: the test no longer shows staleness", keys)
				}
				e.Clock.Advance(time.Second)
				wantErr(t, b.Refresh(ctx), nil)
				if keys := bKeys(); !slices.Contains(keys, other) {
					t.Fatalf("b lists %q after Refresh, want %q in it", keys, other)
				}
			}
			_, err = en.update(ctx, a, "T1", key, 1, "v2")
			wantErr(t, err, nil)
			if label, _, _ := en.get(ctx, b, "T1", key); label != "v1" {
				t.Fatalf("b reads %q before a refresh: the test no longer shows staleness", label)
			}
			// b's user edits what b shows them, version 1: the edit loses, b learns version 2
			_, err = en.update(ctx, b, "T1", key, 1, "stale edit")
			wantErr(t, err, chorus.ErrConflict)
			if label, v, err := en.get(ctx, b, "T1", key); err != nil || label != "v2" || v != 2 {
				t.Fatalf("b reads %q v%d, %v after losing the race; want v2", label, v, err)
			}
			// the retry on version 2 lands
			_, err = en.update(ctx, b, "T1", key, 2, "v3")
			wantErr(t, err, nil)
			// a sees it after a refresh
			wantErr(t, a.Refresh(ctx), nil)
			if label, v, err := en.get(ctx, a, "T1", key); err != nil || label != "v3" || v != 3 {
				t.Fatalf("a reads %q v%d, %v after Refresh; want v3", label, v, err)
			}
			if h, err := en.history(ctx, a, "T1", key); err != nil || (h != nil && !slices.Equal(h, []string{"v1", "v2", "v3"})) {
				t.Fatalf("history = %q, %v; want [v1 v2 v3]: nothing lost, nothing stale stored", h, err)
			}
		})
	}
}

// TestAuditReadModelOfTwoStores: the audit trail one store writes reaches the other's read model
// at its Refresh, once, in order.
func TestAuditReadModelOfTwoStores(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, false)
	a := e.Store
	b := e.second(t)
	for _, action := range []string{"campaign.create", "campaign.edit"} {
		e.Clock.Advance(time.Second)
		wantErr(t, a.AddAudit(ctx, chorus.AuditEntry{WorkspaceID: "T1", Actor: "lea", Action: action, Target: "campaign:ete"}), nil)
	}
	actions := func(s *store.Store) []string {
		es, err := s.Audit(ctx, "T1", "campaign:ete")
		wantErr(t, err, nil)
		var out []string
		for _, e := range es {
			out = append(out, e.Action)
		}
		return out
	}
	want := []string{"campaign.create", "campaign.edit"}
	if got := actions(a); !slices.Equal(got, want) {
		t.Fatalf("a reads %q, want %q", got, want)
	}
	if got := actions(b); len(got) != 0 {
		t.Fatalf("b reads %q before a refresh: the test no longer shows staleness", got)
	}
	for range 2 { // a second refresh reads the same window again: nothing doubles
		wantErr(t, b.Refresh(ctx), nil)
		if got := actions(b); !slices.Equal(got, want) {
			t.Fatalf("b reads %q after Refresh, want %q", got, want)
		}
	}
}

// TestReadModelListsByCampaign: the read model's index by campaign follows a task moved to
// another campaign, and a list by campaign equals the server's.
func TestReadModelListsByCampaign(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	s := e.Store
	plain := e.plain(t)
	var moved chorus.Task
	for i, camp := range []string{"ete", "ete", "noel"} {
		task, err := s.CreateTask(ctx, newTask("T1", camp, "bob", start.Add(time.Duration(i)*time.Hour)))
		wantErr(t, err, nil)
		moved = task
	}
	moved.Campaign = "ete"
	_, err := s.UpdateTask(ctx, moved)
	wantErr(t, err, nil)
	for _, camp := range []string{"ete", "noel"} {
		got, err := s.Tasks(ctx, "T1", chorus.TaskFilter{Campaign: camp})
		wantErr(t, err, nil)
		want, err := plain.Tasks(ctx, "T1", chorus.TaskFilter{Campaign: camp})
		wantErr(t, err, nil)
		if len(got) != len(want) {
			t.Fatalf("%s: read model lists %d tasks, the server %d", camp, len(got), len(want))
		}
		for i := range got {
			if got[i].ID != want[i].ID || got[i].Version != want[i].Version || got[i].Campaign != camp {
				t.Fatalf("%s: read model lists %+v, the server %+v", camp, got, want)
			}
		}
	}
	if got, _ := s.Tasks(ctx, "T1", chorus.TaskFilter{Campaign: "noel"}); len(got) != 0 {
		t.Fatalf("noel still lists %d tasks after the move", len(got))
	}
}

// TestReadModelListsByOwnerAndStatus: the read model's indexes by owner and by status follow a
// task given to someone else or done and a submission decided, and every list they serve
// equals the server's.
func TestReadModelListsByOwnerAndStatus(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	s := e.Store
	plain := e.plain(t)
	var tasks []chorus.Task
	for i, owner := range []string{"bob", "bob", "lea", "bob"} {
		task, err := s.CreateTask(ctx, newTask("T1", "ete", owner, start.Add(time.Duration(i)*time.Hour)))
		wantErr(t, err, nil)
		tasks = append(tasks, task)
	}
	tasks[0].Owner = "lea" // given to lea
	_, err := s.UpdateTask(ctx, tasks[0])
	wantErr(t, err, nil)
	tasks[1].Status = chorus.TaskDone
	_, err = s.UpdateTask(ctx, tasks[1])
	wantErr(t, err, nil)
	var subs []chorus.Submission
	for range 3 {
		sub, err := s.CreateSubmission(ctx, newSubmission(""))
		wantErr(t, err, nil)
		subs = append(subs, sub)
	}
	subs[0].Status = chorus.SubmissionApproved
	_, err = s.UpdateSubmission(ctx, subs[0])
	wantErr(t, err, nil)
	open, done := chorus.TaskOpen, chorus.TaskDone
	taskFilters := map[string]chorus.TaskFilter{
		"bob's":           {Owner: "bob"},
		"lea's open":      {Owner: "lea", Statuses: []chorus.TaskStatus{open}},
		"bob's open":      {Owner: "bob", Statuses: []chorus.TaskStatus{open, open}},
		"bob's done":      {Owner: "bob", Statuses: []chorus.TaskStatus{done}},
		"open":            {Statuses: []chorus.TaskStatus{open}},
		"open or done":    {Statuses: []chorus.TaskStatus{open, done, open}},
		"nobody's":        {Owner: "sami"},
		"a campaign's":    {Campaign: "ete", Owner: "lea"},
		"every one of T1": {},
	}
	for name, f := range taskFilters {
		t.Run("tasks "+name, func(t *testing.T) {
			got, err := s.Tasks(ctx, "T1", f)
			wantErr(t, err, nil)
			want, err := plain.Tasks(ctx, "T1", f)
			wantErr(t, err, nil)
			if !slices.EqualFunc(got, want, func(a, b chorus.Task) bool { return a.ID == b.ID && a.Version == b.Version }) {
				t.Fatalf("read model lists %+v, the server %+v", got, want)
			}
			for _, limit := range []int{1, 2} { // a page, from the ordered index by owner and status when f names one of each
				got, gotTotal, err := s.TasksPage(ctx, "T1", f, limit)
				wantErr(t, err, nil)
				want, wantTotal, err := plain.TasksPage(ctx, "T1", f, limit)
				wantErr(t, err, nil)
				if gotTotal != wantTotal || !slices.EqualFunc(got, want, func(a, b chorus.Task) bool { return a.ID == b.ID && a.Version == b.Version }) {
					t.Fatalf("limit %d: read model lists %+v of %d, the server %+v of %d", limit, got, gotTotal, want, wantTotal)
				}
			}
		})
	}
	subFilters := map[string]chorus.SubmissionFilter{
		"awaiting":        {Statuses: []chorus.SubmissionStatus{chorus.SubmissionPending, chorus.SubmissionFlagged}},
		"approved":        {Statuses: []chorus.SubmissionStatus{chorus.SubmissionApproved}},
		"a campaign's":    {Campaign: "ete", Statuses: []chorus.SubmissionStatus{chorus.SubmissionFlagged}},
		"an author's":     {Author: "sami"},
		"every one of T1": {},
	}
	for name, f := range subFilters {
		t.Run("submissions "+name, func(t *testing.T) {
			got, err := s.Submissions(ctx, "T1", f)
			wantErr(t, err, nil)
			want, err := plain.Submissions(ctx, "T1", f)
			wantErr(t, err, nil)
			if !slices.EqualFunc(got, want, func(a, b chorus.Submission) bool { return a.ID == b.ID && a.Version == b.Version }) {
				t.Fatalf("read model lists %+v, the server %+v", got, want)
			}
		})
	}
}

// TestGlossaryVersion: the glossary's version changes with every term this store or, after a
// Refresh, another one writes in that workspace, and with nothing else; two stores never share
// one, and a store without a read model names none.
func TestGlossaryVersion(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, false)
	a := e.Store
	b := e.second(t)
	var err error
	plain := e.plain(t)
	if v := plain.GlossaryVersion(ctx, "T1"); v != "" {
		t.Fatalf("a store without a read model names the glossary %q", v)
	}
	var kept chorus.GlossaryTerm
	steps := []struct {
		name    string
		act     func(t *testing.T)
		changes map[*store.Store]map[string]bool // store -> workspace -> whether its version changes
	}{
		{"a term created in T1", func(t *testing.T) {
			kept, err = a.CreateTerm(ctx, term("T1", chorus.French, "DouceNuit"))
			wantErr(t, err, nil)
		}, map[*store.Store]map[string]bool{a: {"T1": true}}},
		{"reads", func(t *testing.T) {
			_, err := a.Terms(ctx, "T1")
			wantErr(t, err, nil)
			_, err = b.Term(ctx, "T2", "fr:absent")
			wantErr(t, err, chorus.ErrNotFound)
		}, nil},
		{"b refreshes", func(t *testing.T) {
			e.Clock.Advance(time.Second)
			wantErr(t, b.Refresh(ctx), nil)
		}, map[*store.Store]map[string]bool{b: {"T1": true}}},
		{"b refreshes again, nothing new", func(t *testing.T) { wantErr(t, b.Refresh(ctx), nil) }, nil},
		{"the term edited", func(t *testing.T) {
			kept.Forbidden = []string{"Douce Nuit"}
			kept, err = a.UpdateTerm(ctx, kept)
			wantErr(t, err, nil)
		}, map[*store.Store]map[string]bool{a: {"T1": true}}},
		{"a term created in T2", func(t *testing.T) {
			_, err := a.CreateTerm(ctx, term("T2", chorus.English, "Click & Collect"))
			wantErr(t, err, nil)
		}, map[*store.Store]map[string]bool{a: {"T2": true}}},
		{"b reads T2's new term by identity", func(t *testing.T) {
			got, err := b.Term(ctx, "T2", chorus.TermKey(chorus.English, "Click & Collect"))
			wantErr(t, err, nil)
			if got.Version != 1 {
				t.Fatalf("b reads version %d, want 1 (a miss asks the server and keeps the answer)", got.Version)
			}
		}, map[*store.Store]map[string]bool{b: {"T2": true}}},
		{"b refreshes after both writes", func(t *testing.T) {
			e.Clock.Advance(time.Second)
			wantErr(t, b.Refresh(ctx), nil)
		}, map[*store.Store]map[string]bool{b: {"T1": true}}}, // T2's term b holds already
	}
	stores, wss := []*store.Store{a, b}, []string{"T1", "T2"}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			before := map[*store.Store]map[string]string{}
			for _, s := range stores {
				before[s] = map[string]string{}
				for _, ws := range wss {
					before[s][ws] = s.GlossaryVersion(ctx, ws)
				}
			}
			st.act(t)
			for i, s := range stores {
				for _, ws := range wss {
					v := s.GlossaryVersion(ctx, ws)
					if v == "" {
						t.Fatalf("store %d names no version of %s", i, ws)
					}
					if changed := v != before[s][ws]; changed != st.changes[s][ws] {
						t.Errorf("store %d, %s: version changed %v, want %v", i, ws, changed, st.changes[s][ws])
					}
				}
			}
			if a.GlossaryVersion(ctx, "T1") == b.GlossaryVersion(ctx, "T1") {
				t.Error("two stores name their glossaries alike")
			}
		})
	}
}

// TestReadModelMeetingPages: a page of meetings from the read model's ordered indexes (a
// workspace's, a campaign's) or from its lists (other filters) equals the server's page, and
// its total the server's count, after meetings were closed and moved to another campaign.
func TestReadModelMeetingPages(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	s := e.Store
	plain := e.plain(t)
	var ms []chorus.Meeting
	for i, camp := range []string{"ete", "noel", "", "ete", "ete", "noel", ""} {
		m := meeting("T1", "#c"+strconv.Itoa(i), "Point "+strconv.Itoa(i))
		m.Campaign = camp
		if i != 3 { // meetings 2 and 3 start at the same instant: the id decides
			e.Clock.Advance(time.Hour)
		}
		m, err := s.StartMeeting(ctx, m)
		wantErr(t, err, nil)
		ms = append(ms, m)
	}
	_, err := s.StartMeeting(ctx, meeting("T2", "#c0", "Ailleurs"))
	wantErr(t, err, nil)
	ms[0].Status = chorus.MeetingClosed
	_, err = s.UpdateMeeting(ctx, ms[0])
	wantErr(t, err, nil)
	ms[4].Campaign = "noel" // moved from ete
	_, err = s.UpdateMeeting(ctx, ms[4])
	wantErr(t, err, nil)
	ids := func(ms []chorus.Meeting) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.ID+"@"+strconv.Itoa(m.Version))
		}
		return out
	}
	filters := map[string]chorus.MeetingFilter{
		"every one":     {},
		"ete's":         {Campaign: "ete"},
		"noel's":        {Campaign: "noel"},
		"nobody's":      {Campaign: "absent"},
		"open":          {Status: chorus.MeetingOpen},
		"noel's, open":  {Campaign: "noel", Status: chorus.MeetingOpen},
		"one channel's": {Channel: "#c1"},
	}
	for name, f := range filters {
		for _, limit := range []int{0, 1, 2, 20} {
			t.Run(name+" limit "+strconv.Itoa(limit), func(t *testing.T) {
				got, gotTotal, err := s.MeetingsPage(ctx, "T1", f, limit)
				wantErr(t, err, nil)
				want, wantTotal, err := plain.MeetingsPage(ctx, "T1", f, limit)
				wantErr(t, err, nil)
				if !slices.Equal(ids(got), ids(want)) || gotTotal != wantTotal {
					t.Fatalf("read model: %v of %d; server: %v of %d", ids(got), gotTotal, ids(want), wantTotal)
				}
				if limit > 0 && len(got) > limit {
					t.Fatalf("%d meetings in a page of %d", len(got), limit)
				}
			})
		}
	}
}

// TestReadModelCampaignPages: a page of campaigns from the read model's ordered index equals the
// server's page, and its total the server's count, for every selection, after campaigns were
// archived, closed, given other leads and channel owners.
func TestReadModelCampaignPages(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	s := e.Store
	plain := e.plain(t)
	camps := map[string]chorus.Campaign{}
	for i, slug := range []string{"e", "a", "d", "c", "b", "f", "g"} {
		c := campaign("T1", slug)
		c.Leads = []string{"lea", []string{"bob", "sami"}[i%2]}
		c.Channels = []chorus.Channel{{Kind: "email", SlackChannel: "C1", Owner: "emma"}, {Kind: "social", SlackChannel: "C2", Owner: []string{"bob", "emma"}[i%2]}}
		c, err := s.CreateCampaign(ctx, c)
		wantErr(t, err, nil)
		camps[slug] = c
	}
	_, err := s.CreateCampaign(ctx, campaign("T2", "a"))
	wantErr(t, err, nil)
	edit := func(slug string, change func(*chorus.Campaign)) {
		c := camps[slug]
		change(&c)
		c, err := s.UpdateCampaign(ctx, c)
		wantErr(t, err, nil)
		camps[slug] = c
	}
	edit("a", func(c *chorus.Campaign) { c.Status, c.Archived = chorus.StatusClosed, true })
	edit("b", func(c *chorus.Campaign) { c.Status = chorus.StatusClosed })
	edit("c", func(c *chorus.Campaign) { c.Leads = []string{"emma"} })
	edit("d", func(c *chorus.Campaign) { c.Channels = nil; c.Archived = true })
	slugs := func(cs []chorus.Campaign) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Slug+"@"+strconv.Itoa(c.Version))
		}
		return out
	}
	filters := map[string]chorus.CampaignFilter{
		"current":           {},
		"archived":          {Archived: true},
		"lea's":             {Member: "lea"},
		"emma's":            {Member: "emma"},
		"bob's":             {Member: "bob"},
		"nobody's":          {Member: "zoe"},
		"led by lea":        {Lead: "lea"},
		"led by emma":       {Lead: "emma"},
		"led by bob":        {Lead: "bob"},
		"owned by emma too": {Member: "emma", Archived: true},
	}
	for name, f := range filters {
		for _, page := range [][2]int{{0, 0}, {0, 2}, {2, 2}, {4, 10}, {10, 10}} {
			t.Run(name+" "+strconv.Itoa(page[0])+"+"+strconv.Itoa(page[1]), func(t *testing.T) {
				got, gotTotal, err := s.CampaignsPage(ctx, "T1", f, page[0], page[1])
				wantErr(t, err, nil)
				want, wantTotal, err := plain.CampaignsPage(ctx, "T1", f, page[0], page[1])
				wantErr(t, err, nil)
				if !slices.Equal(slugs(got), slugs(want)) || gotTotal != wantTotal {
					t.Fatalf("read model: %v of %d; server: %v of %d", slugs(got), gotTotal, slugs(want), wantTotal)
				}
			})
		}
	}
	if _, total, _ := s.CampaignsPage(ctx, "T1", chorus.CampaignFilter{Member: "emma"}, 0, 0); total != 4 {
		t.Errorf("emma is a member of %d campaigns not closed, want 4 (c, d, e, f, g less d's channels)", total)
	}
}

// TestDataVersion: a workspace's data version changes with a write of any kind the read model
// keeps in that workspace, not with a read nor with another workspace's write; a store without
// a read model names none.
func TestDataVersion(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, false)
	s := e.Store
	plain := e.plain(t)
	if v := plain.DataVersion(ctx, "T1"); v != "" {
		t.Fatalf("a store without a read model names the data %q", v)
	}
	for _, en := range entities {
		t.Run(en.name, func(t *testing.T) {
			ws, key := "T1", "dv-"+en.name
			switch en.name {
			case "task":
				key = ""
			case "workspace": // a workspace is identified by its id alone, which the key is folded into
				ws = "T1" + key
			}
			before, other := s.DataVersion(ctx, ws), s.DataVersion(ctx, "T2")
			key, err := en.create(ctx, s, "T1", key, "v1")
			wantErr(t, err, nil)
			after := s.DataVersion(ctx, ws)
			if after == before || after == "" {
				t.Fatalf("%s's version %q → %q after a write", ws, before, after)
			}
			if v := s.DataVersion(ctx, "T2"); v != other {
				t.Fatalf("T2's version %q → %q after %s's write", other, v, ws)
			}
			_, _, err = en.get(ctx, s, "T1", key)
			wantErr(t, err, nil)
			if v := s.DataVersion(ctx, ws); v != after {
				t.Fatalf("%s's version %q → %q after a read", ws, after, v)
			}
		})
	}
}

// TestReadModelTermsWithWords: the terms holding a query's words, from the read model's index
// by word, equal the server's glossary filtered, after terms were edited, given variants and
// retired; words are folded and whole.
func TestReadModelTermsWithWords(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	s := e.Store
	plain := e.plain(t)
	kept := map[string]chorus.GlossaryTerm{}
	for _, g := range []chorus.GlossaryTerm{
		{Term: "DouceNuit", Definition: "Nom de la marque de literie", Forbidden: []string{"Douce Nuit", "Douce-Nuit"}},
		{Term: "Click & Collect", Definition: "Retrait en magasin", Forbidden: []string{"Drive"}},
		{Term: "Éclat", Definition: "La gamme soin", Forbidden: []string{"glow"}},
		{Term: "Marque3", Definition: "nom officiel"},
		{Term: "Marque30", Definition: "nom officiel"},
	} {
		g.WorkspaceID, g.Lang, g.CreatedBy = "T1", chorus.French, "lea"
		g, err := s.CreateTerm(ctx, g)
		wantErr(t, err, nil)
		kept[g.Term] = g
	}
	other := term("T2", chorus.French, "Marque3")
	_, err := s.CreateTerm(ctx, other)
	wantErr(t, err, nil)
	g := kept["Éclat"]
	g.Definition, g.Forbidden = "La gamme beauté", append(g.Forbidden, "Eclat Pro")
	_, err = s.UpdateTerm(ctx, g)
	wantErr(t, err, nil)
	g = kept["Click & Collect"]
	g.Retired = true
	_, err = s.UpdateTerm(ctx, g)
	wantErr(t, err, nil)
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"marque", []string{"DouceNuit"}},
		{"MARQUE3", []string{"Marque3"}},
		{"douce nuit", []string{"DouceNuit"}},
		{"nuit douce", []string{"DouceNuit"}}, // the words, in any order: the feature checks the phrase
		{"drive", []string{"Click & Collect"}},
		{"eclat", []string{"Éclat"}},
		{"soin", nil},
		{"beaute pro", []string{"Éclat"}}, // its definition's word and its new variant's
		{"gamme BEAUTÉ", []string{"Éclat"}},
		{"nom", []string{"DouceNuit", "Marque3", "Marque30"}},
		{"nom officiel", []string{"Marque3", "Marque30"}},
		{"!!", nil},
	} {
		t.Run(tt.query, func(t *testing.T) {
			names := func(gs []chorus.GlossaryTerm, err error) []string {
				wantErr(t, err, nil)
				var out []string
				for _, g := range gs {
					out = append(out, g.Term)
				}
				return out
			}
			got, server := names(s.TermsWithWords(ctx, "T1", tt.query)), names(plain.TermsWithWords(ctx, "T1", tt.query))
			if !slices.Equal(got, server) || !slices.Equal(got, tt.want) {
				t.Fatalf("read model finds %q, the server's glossary %q; want %q", got, server, tt.want)
			}
		})
	}
}
