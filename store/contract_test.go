package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/store"
)

// entity adapts one versioned repository to the contract every versioned repository keeps. A
// label is a free-text field of the entity that tests change from version to version.
type entity struct {
	name string
	// create stores a new entity under key ("" lets the store pick one) and returns its key.
	create  func(ctx context.Context, s *store.Store, ws, key, label string) (string, error)
	get     func(ctx context.Context, s *store.Store, ws, key string) (label string, version int, err error)
	update  func(ctx context.Context, s *store.Store, ws, key string, base int, label string) (int, error)
	history func(ctx context.Context, s *store.Store, ws, key string) ([]string, error)
	list    func(ctx context.Context, s *store.Store, ws string) ([]string, error)
}

func campaign(ws, slug string) chorus.Campaign {
	return chorus.Campaign{
		WorkspaceID: ws, Slug: slug, Name: "Été literie", Message: "Dormez mieux cet été",
		TimeZone: chorus.DefaultTimeZone, Lang: chorus.French, Status: chorus.StatusDraft, CreatedBy: "alice",
	}
}

func newTask(ws, camp, owner string, due time.Time) chorus.Task {
	return chorus.Task{WorkspaceID: ws, Campaign: camp, Title: "Brief", Owner: owner, Due: due,
		Status: chorus.TaskOpen, CreatedBy: "alice"}
}

func newTouchpoint(ws, camp string, day chorus.Date) chorus.Touchpoint {
	return chorus.Touchpoint{WorkspaceID: ws, Campaign: camp, Channel: "email", Start: day,
		Segment: "prospects", Stage: chorus.StageDiscovery, Owner: "bob", CreatedBy: "alice"}
}

func term(ws string, lang chorus.Lang, word string) chorus.GlossaryTerm {
	return chorus.GlossaryTerm{WorkspaceID: ws, Term: word, Lang: lang, Definition: "def", CreatedBy: "alice"}
}

var entities = []entity{
	{
		name: "campaign",
		create: func(ctx context.Context, s *store.Store, ws, key, label string) (string, error) {
			c := campaign(ws, key)
			c.Message = label
			c, err := s.CreateCampaign(ctx, c)
			return c.Slug, err
		},
		get: func(ctx context.Context, s *store.Store, ws, key string) (string, int, error) {
			c, err := s.Campaign(ctx, ws, key)
			return c.Message, c.Version, err
		},
		update: func(ctx context.Context, s *store.Store, ws, key string, base int, label string) (int, error) {
			c := campaign(ws, key)
			c.Version, c.Message = base, label
			c, err := s.UpdateCampaign(ctx, c)
			return c.Version, err
		},
		history: func(ctx context.Context, s *store.Store, ws, key string) ([]string, error) {
			h, err := s.CampaignHistory(ctx, ws, key)
			return labels(h, func(c chorus.Campaign) string { return c.Message }), err
		},
		list: func(ctx context.Context, s *store.Store, ws string) ([]string, error) {
			cs, err := s.Campaigns(ctx, ws)
			return labels(cs, func(c chorus.Campaign) string { return c.Slug }), err
		},
	},
	{
		name: "task",
		create: func(ctx context.Context, s *store.Store, ws, key, label string) (string, error) {
			t := newTask(ws, "ete", "bob", start)
			t.ID, t.Title = key, label
			t, err := s.CreateTask(ctx, t)
			return t.ID, err
		},
		get: func(ctx context.Context, s *store.Store, ws, key string) (string, int, error) {
			t, err := s.Task(ctx, ws, key)
			return t.Title, t.Version, err
		},
		update: func(ctx context.Context, s *store.Store, ws, key string, base int, label string) (int, error) {
			t := newTask(ws, "ete", "bob", start)
			t.ID, t.Version, t.Title = key, base, label
			t, err := s.UpdateTask(ctx, t)
			return t.Version, err
		},
		history: func(ctx context.Context, s *store.Store, ws, key string) ([]string, error) {
			h, err := s.TaskHistory(ctx, ws, key)
			return labels(h, func(t chorus.Task) string { return t.Title }), err
		},
		list: func(ctx context.Context, s *store.Store, ws string) ([]string, error) {
			ts, err := s.Tasks(ctx, ws, chorus.TaskFilter{})
			return labels(ts, func(t chorus.Task) string { return t.ID }), err
		},
	},
	{
		name: "touchpoint",
		create: func(ctx context.Context, s *store.Store, ws, key, label string) (string, error) {
			t := newTouchpoint(ws, "ete", chorus.Date{Year: 2027, Month: 6, Day: 3})
			t.ID, t.Segment = key, label
			t, err := s.AddTouchpoint(ctx, t)
			return t.ID, err
		},
		get: func(ctx context.Context, s *store.Store, ws, key string) (string, int, error) {
			t, err := s.Touchpoint(ctx, ws, key)
			return t.Segment, t.Version, err
		},
		update: func(ctx context.Context, s *store.Store, ws, key string, base int, label string) (int, error) {
			t := newTouchpoint(ws, "ete", chorus.Date{Year: 2027, Month: 6, Day: 3})
			t.ID, t.Version, t.Segment = key, base, label
			t, err := s.UpdateTouchpoint(ctx, t)
			return t.Version, err
		},
		history: func(ctx context.Context, s *store.Store, ws, key string) ([]string, error) {
			h, err := s.TouchpointHistory(ctx, ws, key)
			return labels(h, func(t chorus.Touchpoint) string { return t.Segment }), err
		},
		list: func(ctx context.Context, s *store.Store, ws string) ([]string, error) {
			ts, err := s.Touchpoints(ctx, ws, chorus.Date{}, chorus.Date{})
			return labels(ts, func(t chorus.Touchpoint) string { return t.ID }), err
		},
	},
	{
		name: "term",
		create: func(ctx context.Context, s *store.Store, ws, key, label string) (string, error) {
			g := term(ws, chorus.French, key)
			g.Definition = label
			_, err := s.CreateTerm(ctx, g)
			return key, err
		},
		get: func(ctx context.Context, s *store.Store, ws, key string) (string, int, error) {
			g, err := s.Term(ctx, ws, chorus.TermKey(chorus.French, key))
			return g.Definition, g.Version, err
		},
		update: func(ctx context.Context, s *store.Store, ws, key string, base int, label string) (int, error) {
			g := term(ws, chorus.French, key)
			g.Version, g.Definition = base, label
			g, err := s.UpdateTerm(ctx, g)
			return g.Version, err
		},
		history: func(ctx context.Context, s *store.Store, ws, key string) ([]string, error) {
			h, err := s.TermHistory(ctx, ws, chorus.TermKey(chorus.French, key))
			return labels(h, func(g chorus.GlossaryTerm) string { return g.Definition }), err
		},
		list: func(ctx context.Context, s *store.Store, ws string) ([]string, error) {
			gs, err := s.Terms(ctx, ws)
			return labels(gs, func(g chorus.GlossaryTerm) string { return g.Term }), err
		},
	},
	{
		// A workspace is identified by its id alone: the tests' key is folded into it.
		name: "workspace",
		create: func(ctx context.Context, s *store.Store, ws, key, label string) (string, error) {
			w := chorus.DefaultWorkspace(ws + key)
			w.Leads = []string{label}
			_, err := s.SaveWorkspace(ctx, w)
			return key, err
		},
		get: func(ctx context.Context, s *store.Store, ws, key string) (string, int, error) {
			w, err := s.Workspace(ctx, ws+key)
			return first(w.Leads), w.Version, err
		},
		update: func(ctx context.Context, s *store.Store, ws, key string, base int, label string) (int, error) {
			w := chorus.DefaultWorkspace(ws + key)
			w.Version, w.Leads = base, []string{label}
			w, err := s.SaveWorkspace(ctx, w)
			return w.Version, err
		},
		history: func(ctx context.Context, s *store.Store, ws, key string) ([]string, error) {
			// Workspace settings keep their versions but expose only the latest.
			return nil, nil
		},
		list: nil,
	},
}

func labels[T any](xs []T, f func(T) string) []string {
	var out []string
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

func first(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return xs[0]
}

// TestVersionedContract runs the rules every versioned repository keeps.
func TestVersionedContract(t *testing.T) {
	ctx := context.Background()
	for _, readModel := range []bool{true, false} {
		for _, en := range entities {
			t.Run(fmt.Sprintf("%s/readmodel=%v", en.name, readModel), func(t *testing.T) {
				versionedContract(ctx, t, en, newEnvWith(t, true, readModel).Store)
			})
		}
	}
}

func versionedContract(ctx context.Context, t *testing.T, en entity, s *store.Store) {
	key := "k-" + en.name
	if en.name == "task" || en.name == "touchpoint" {
		key = "" // let the store pick the id
	}
	key, err := en.create(ctx, s, "T1", key, "v1")
	wantErr(t, err, nil)

	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"get returns version 1", func(t *testing.T) {
			label, v, err := en.get(ctx, s, "T1", key)
			wantErr(t, err, nil)
			if label != "v1" || v != 1 {
				t.Fatalf("got %q v%d, want \"v1\" v1", label, v)
			}
		}},
		{"create again conflicts", func(t *testing.T) {
			_, err := en.create(ctx, s, "T1", key, "again")
			wantErr(t, err, chorus.ErrConflict)
		}},
		{"same key in another workspace is another entity", func(t *testing.T) {
			_, err := en.create(ctx, s, "T2", key, "other")
			wantErr(t, err, nil)
			label, _, err := en.get(ctx, s, "T1", key)
			if err != nil || label != "v1" {
				t.Fatalf("T1 entity = %q, %v; want v1", label, err)
			}
		}},
		{"update stores version 2", func(t *testing.T) {
			v, err := en.update(ctx, s, "T1", key, 1, "v2")
			wantErr(t, err, nil)
			if v != 2 {
				t.Fatalf("version = %d, want 2", v)
			}
			label, v, err := en.get(ctx, s, "T1", key)
			if err != nil || label != "v2" || v != 2 {
				t.Fatalf("get = %q v%d, %v; want v2", label, v, err)
			}
		}},
		{"stale editor conflicts and loses nothing", func(t *testing.T) {
			_, err := en.update(ctx, s, "T1", key, 1, "stale")
			wantErr(t, err, chorus.ErrConflict)
			label, v, _ := en.get(ctx, s, "T1", key)
			if label != "v2" || v != 2 {
				t.Fatalf("after stale edit get = %q v%d, want v2", label, v)
			}
		}},
		{"edit based on a future version conflicts", func(t *testing.T) {
			_, err := en.update(ctx, s, "T1", key, 7, "future")
			wantErr(t, err, chorus.ErrConflict)
		}},
		{"history holds every version oldest first", func(t *testing.T) {
			h, err := en.history(ctx, s, "T1", key)
			wantErr(t, err, nil)
			if h != nil && !slices.Equal(h, []string{"v1", "v2"}) {
				t.Fatalf("history = %q, want [v1 v2]", h)
			}
		}},
		{"missing entity is not found", func(t *testing.T) {
			_, _, err := en.get(ctx, s, "T1", "absent")
			wantErr(t, err, chorus.ErrNotFound)
			_, err = en.update(ctx, s, "T1", "absent", 1, "x")
			wantErr(t, err, chorus.ErrNotFound)
			if h, err := en.history(ctx, s, "T1", "absent"); h != nil || (err != nil && !errors.Is(err, chorus.ErrNotFound)) {
				t.Fatalf("history of absent = %q, %v", h, err)
			}
		}},
		{"list shows the entity once", func(t *testing.T) {
			if en.list == nil {
				t.Skip("no list")
			}
			keys, err := en.list(ctx, s, "T1")
			wantErr(t, err, nil)
			if len(keys) != 1 {
				t.Fatalf("list = %q, want one entity", keys)
			}
		}},
	}
	for _, st := range steps {
		t.Run(st.name, st.run)
	}
}

// TestConcurrentEditsOneWins races editors who all loaded the same version: exactly one edit is
// stored, the others get ErrConflict, and the history holds the base and the winner.
func TestConcurrentEditsOneWins(t *testing.T) {
	ctx := context.Background()
	for _, serialize := range []bool{false, true} {
		for _, en := range entities {
			for _, editors := range []int{2, 20} {
				t.Run(fmt.Sprintf("%s/serialize=%v/%d", en.name, serialize, editors), func(t *testing.T) {
					e := newEnv(t, serialize)
					key, err := en.create(ctx, e.Store, "T1", "race", "base")
					wantErr(t, err, nil)
					var (
						wg       sync.WaitGroup
						mu       sync.Mutex
						winners  []string
						failures []error
					)
					for i := range editors {
						wg.Go(func() {
							label := fmt.Sprintf("editor-%d", i)
							_, err := en.update(ctx, e.Store, "T1", key, 1, label)
							mu.Lock()
							defer mu.Unlock()
							switch {
							case err == nil:
								winners = append(winners, label)
							case !errors.Is(err, chorus.ErrConflict):
								failures = append(failures, err)
							}
						})
					}
					wg.Wait()
					if len(failures) > 0 {
						t.Fatalf("unexpected errors: %v", failures)
					}
					if len(winners) != 1 {
						t.Fatalf("%d winners %q, want exactly 1", len(winners), winners)
					}
					label, v, err := en.get(ctx, e.Store, "T1", key)
					if err != nil || label != winners[0] || v != 2 {
						t.Fatalf("latest = %q v%d, %v; want %q v2", label, v, err, winners[0])
					}
					h, err := en.history(ctx, e.Store, "T1", key)
					wantErr(t, err, nil)
					if h != nil && !slices.Equal(h, []string{"base", winners[0]}) {
						t.Fatalf("history = %q, want [base %s]", h, winners[0])
					}
				})
			}
		}
	}
}
