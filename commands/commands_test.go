package commands_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands"
	"github.com/chorus-hq/chorus/i18n"
	"github.com/chorus-hq/chorus/store"
	"github.com/chorus-hq/chorus/store/embedded"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// server is one embedded MongoDB-wire server for the package's tests; each test gets its own
// database on it, which is much cheaper than a server per test.
var server struct {
	once sync.Once
	srv  *embedded.Server
	err  error
	n    atomic.Int64
}

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "chorus-commands-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	if server.srv != nil {
		server.srv.Close()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// env is a commands.Service over a fresh database, with its store and clock.
type env struct {
	svc   *commands.Service
	store *store.Store
	clock *clock
}

// newEnv returns a service whose clock reads Tuesday 1 June 2027, 09:00 in Paris, and whose
// workspace "T1" has "lea" as omnichannel lead.
func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvWith(t, commands.Options{})
}

// newEnvWith is newEnv with the optional services (summarizer, judge, …) set in opts.
func newEnvWith(t testing.TB, opts commands.Options) *env {
	t.Helper()
	server.once.Do(func() {
		dir, err := os.MkdirTemp("", "chorus-commands-db-")
		if err != nil {
			server.err = err
			return
		}
		server.srv, server.err = embedded.Start(context.Background(), dir, nil)
	})
	if server.err != nil {
		t.Fatal(server.err)
	}
	ctx := context.Background()
	db := fmt.Sprintf("t%d_%d", os.Getpid(), server.n.Add(1))
	clk := &clock{t: time.Date(2027, 6, 1, 9, 0, 0, 0, chorus.LoadLocation("Europe/Paris"))}
	st, err := store.Open(ctx, server.srv.URI(), db, store.Options{Now: clk.Now, SerializeWrites: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close(context.Background()) })
	opts.Leads = []string{"lea"}
	svc := commands.New(st, slog.New(slog.DiscardHandler), clk.Now, opts)
	return &env{svc: svc, store: st, clock: clk}
}

// do runs one slash command line, such as `/campaign list`, as user.
func (e *env) do(t testing.TB, user, line string) commands.Reply {
	t.Helper()
	cmd, text, _ := strings.Cut(line, " ")
	return e.svc.Command(context.Background(), commands.Request{Workspace: "T1", User: user, Command: cmd, Text: text})
}

// doLang runs a line as user reading lang.
func (e *env) doLang(t testing.TB, user string, lang chorus.Lang, line string) commands.Reply {
	t.Helper()
	cmd, text, _ := strings.Cut(line, " ")
	return e.svc.Command(context.Background(), commands.Request{Workspace: "T1", User: user, Lang: lang, Command: cmd, Text: text})
}

// mustSay fails unless the reply's text holds every want.
func mustSay(t testing.TB, r commands.Reply, want ...string) {
	t.Helper()
	all := r.Text
	for _, b := range r.Blocks {
		all += "\n" + b.Text + "\n" + strings.Join(b.Fields, "\n")
	}
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Fatalf("reply does not say %q:\n%s", w, all)
		}
	}
}

// setup creates the campaign every test starts from, led by lea, with a social channel owned by
// sami.
func (e *env) setup(t testing.TB) {
	t.Helper()
	for _, line := range []string{
		`/campaign create ete-literie "Soldes d'été literie" 2027-07-01 2027-07-15`,
		`/campaign message ete-literie Du 1er au 15 juillet 2027, -30 % sur toute la literie, en magasin et en ligne.`,
		`/campaign channel add ete-literie social #social @sami`,
	} {
		r := e.do(t, "lea", line)
		if strings.Contains(r.Text, "⚠️") {
			t.Fatalf("%s: %s", line, r.Text)
		}
	}
}

func TestCatalogComplete(t *testing.T) { i18n.CheckComplete(t, commands.Catalog()) }

func TestCampaignLifecycle(t *testing.T) {
	e := newEnv(t)
	e.setup(t)
	ctx := context.Background()

	r := e.do(t, "lea", "/campaign show ete-literie")
	mustSay(t, r, "Soldes d'été literie", "-30 % sur toute la literie", "social", "<@sami>", "1 juillet 2027 → 15 juillet 2027")

	r = e.do(t, "lea", "/campaign points ete-literie -30 % sur toute la literie ; du 1er au 15 juillet 2027 ; en magasin et en ligne")
	mustSay(t, r, "3 point(s)")
	c, err := e.store.Campaign(ctx, "T1", "ete-literie")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.MustInclude) != 3 || c.MustInclude[1] != "du 1er au 15 juillet 2027" || c.Version != 4 {
		t.Fatalf("after points: %+v", c)
	}

	r = e.do(t, "lea", "/campaign activate ete-literie")
	mustSay(t, r, "active")
	r = e.do(t, "lea", "/campaign history ete-literie")
	mustSay(t, r, "v5", "v1", "création", "Points obligatoires", "Statut → active")

	r = e.do(t, "lea", "/campaign list")
	mustSay(t, r, "Campagnes (1)", "`ete-literie`")
	r = e.doLang(t, "lea", chorus.English, "/campaign list")
	mustSay(t, r, "Campaigns (1)", "active")
}

func TestTasks(t *testing.T) {
	e := newEnv(t)
	e.setup(t)
	ctx := context.Background()

	// sami owns the social channel, so he may add its tasks.
	r := e.do(t, "sami", `/campaign task add ete-literie social "Visuels Instagram" @sami 15/06 17h`)
	mustSay(t, r, "Visuels Instagram", "mardi 15 juin 2027 à 17:00")
	tasks, err := e.store.Tasks(ctx, "T1", chorus.TaskFilter{Campaign: "ete-literie"})
	if err != nil || len(tasks) != 1 {
		t.Fatalf("tasks = %v, %v", tasks, err)
	}
	task := tasks[0]
	if want := time.Date(2027, 6, 15, 15, 0, 0, 0, time.UTC); !task.Due.Equal(want) {
		t.Fatalf("due = %v, want %v", task.Due, want)
	}
	if r.Blocks[0].Accessory == nil || r.Blocks[0].Accessory.Value != task.ID {
		t.Fatalf("no Done button carrying the task id: %+v", r.Blocks)
	}

	// The same button, clicked by an outsider, changes nothing.
	r = e.svc.Action(ctx, commands.Request{Workspace: "T1", User: "zoe"}, commands.Action{ActionID: commands.ActTaskDone, Value: task.ID})
	mustSay(t, r, "⚠️", "seuls les responsables")
	if got, _ := e.store.Task(ctx, "T1", task.ID); got.Status != chorus.TaskOpen {
		t.Fatalf("outsider completed the task: %+v", got)
	}
	r = e.do(t, "sami", "/campaign task list mine")
	mustSay(t, r, "Mes tâches ouvertes", "Visuels Instagram")

	r = e.svc.Action(ctx, commands.Request{Workspace: "T1", User: "sami"}, commands.Action{ActionID: commands.ActTaskDone, Value: task.ID})
	mustSay(t, r, "faite")
	if !r.ReplaceOriginal {
		t.Error("Done reply does not replace the message holding the button")
	}
	r = e.do(t, "sami", "/campaign task done "+task.ID)
	mustSay(t, r, "déjà faite")
}

// TestBadInputChangesNothing sends every kind of bad input and checks each gets a clear,
// localized answer and leaves the store as it was.
func TestBadInputChangesNothing(t *testing.T) {
	e := newEnv(t)
	e.setup(t)
	ctx := context.Background()
	tests := []struct {
		user, line string
		fr, en     string
	}{
		{"lea", "/campaign create", "", ""}, // opens the modal: tested in TestModals
		{"lea", "/campaign create BAD SLUG!", "n'est pas un identifiant valable", "is not a valid id"},
		{"lea", `/campaign create ete-literie "Autre"`, "existe déjà", "already exists"},
		{"lea", `/campaign create noel "Noël" 2027-12-24 2027-12-01`, "précède la date de début", "is before the start date"},
		{"lea", `/campaign create vieux "Vieux" 2026-01-01 2026-02-01`, "est déjà passée", "has already passed"},
		{"lea", "/campaign frobnicate", "je ne connais pas « frobnicate »", `I don't know "frobnicate"`},
		{"lea", "/campaign show inconnue", "je ne trouve pas de campagne « inconnue »", `I can't find a campaign "inconnue"`},
		{"lea", "/campaign message ete-literie", "syntaxe", "usage"},
		{"lea", "/campaign message ete-literie " + strings.Repeat("x", 2001), "2001 caractères", "2001 characters"},
		{"sami", "/campaign message ete-literie -50 % sur tout", "seuls les responsables de « Soldes d'été literie » (<@lea>) peuvent changer son message global", `only the leads of "Soldes d'été literie" (<@lea>) can change its global message`},
		// Each refusal names the action refused.
		{"sami", "/campaign close ete-literie", "peuvent la clore.", "can close it."},
		{"sami", "/campaign activate ete-literie", "peuvent l'activer.", "can activate it."},
		{"sami", "/campaign points ete-literie A; B", "peuvent changer ses points obligatoires", "can change its must-include points"},
		{"sami", "/campaign channel add ete-literie email", "peuvent lui ajouter un canal", "can add a channel to it"},
		{"sami", "/campaign channel remove ete-literie social", "peuvent lui retirer un canal", "can remove a channel from it"},
		{"sami", `/campaign create autre "Autre"`, "seuls les responsables omnicanal", "only omnichannel leads"},
		{"lea", "/campaign channel add ete-literie tiktok", "type de canal inconnu « tiktok »", `unknown channel kind "tiktok"`},
		{"lea", `/campaign task add ete-literie social "Story" @sami 01/05/2027`, "est déjà passée", "has already passed"},
		{"lea", `/campaign task add ete-literie social "Story" @sami bientôt`, "je ne comprends pas la date", "I can't read the date"},
		{"lea", `/campaign task add ete-literie email "Story" @sami demain`, "le canal email ne fait pas partie", "channel email is not part"},
		{"lea", `/campaign task add ete-literie social "Story`, "guillemet", "quote"},
		{"zoe", `/campaign task add ete-literie social "Story" @zoe demain`, "seuls les responsables", "only the leads"},
		{"lea", "/campaign task done zzzzzz", "je ne trouve pas de tâche", "I can't find task"},
		{"sami", `/glossary define Drive`, "seuls les responsables omnicanal", "only omnichannel leads"},
		{"lea", `/glossary forbid Inconnu Truc`, "n'est pas dans le glossaire", "is not in the glossary"},
		{"sami", "/chorus settings timezone Europe/Brussels", "seuls les admins", "only workspace admins"},
		{"lea", "/chorus settings timezone Europe/Pariss", "fuseau horaire inconnu", "unknown time zone"},
		{"lea", "/chorus lang de", "langue inconnue", "unknown language"},
		{"lea", "/nope", "commande inconnue", "unknown command"},
	}
	before := snapshot(t, e)
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			if tt.fr == "" {
				return
			}
			mustSay(t, e.do(t, tt.user, tt.line), "⚠️", tt.fr)
			mustSay(t, e.doLang(t, tt.user, chorus.English, tt.line), "⚠️", tt.en)
		})
	}
	if after := snapshot(t, e); after != before {
		t.Fatalf("bad input changed the store:\nbefore %s\nafter  %s", before, after)
	}
	_ = ctx
}

// snapshot summarises everything the store holds for workspace T1.
func snapshot(t testing.TB, e *env) string {
	t.Helper()
	ctx := context.Background()
	camps, err := e.store.Campaigns(ctx, "T1")
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := e.store.Tasks(ctx, "T1", chorus.TaskFilter{})
	if err != nil {
		t.Fatal(err)
	}
	terms, err := e.store.Terms(ctx, "T1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal([]any{camps, tasks, terms})
	return string(b)
}

func TestGlossary(t *testing.T) {
	e := newEnv(t)
	for _, line := range []string{
		`/glossary define "Click & Collect" Service de retrait en magasin`,
		`/glossary forbid "Click & Collect" Drive, retrait express`,
		`/glossary note "click & collect" nom officiel du service`,
	} {
		if r := e.do(t, "lea", line); strings.Contains(r.Text, "⚠️") {
			t.Fatalf("%s: %s", line, r.Text)
		}
	}
	mustSay(t, e.do(t, "sami", "/glossary lookup drive"), "« Drive » est interdit : écrivez « Click & Collect »")
	mustSay(t, e.doLang(t, "sami", chorus.English, "/glossary lookup DRIVE"), `"Drive" is forbidden: write "Click & Collect"`)
	mustSay(t, e.do(t, "sami", "/glossary list"), "Glossaire (1 termes)", "« retrait express »")
	mustSay(t, e.do(t, "sami", "/glossary history \"Click & Collect\""), "*v3*", "*v1*")
	// A term that another entry forbids cannot become approved.
	mustSay(t, e.do(t, "lea", "/glossary define drive"), "⚠️", "est une variante interdite")
	// Defining again updates the definition as a new version.
	mustSay(t, e.do(t, "lea", `/glossary define "Click & Collect" Retrait gratuit en 2 h`), "version 4")
}

// TestConcurrentEditsAllLand fires 19 channel additions at once from the lead (20 channels with
// the existing one, the limit): each is re-applied over the others' versions, so all land.
func TestConcurrentEditsAllLand(t *testing.T) {
	e := newEnv(t)
	e.setup(t)
	kinds := []string{"email", "retail", "pr", "events", "web"}
	for i := range 14 {
		k := fmt.Sprintf("custom%d", i)
		mustSay(t, e.do(t, "lea", "/chorus settings kind add "+k), "✅")
		kinds = append(kinds, k)
	}
	var wg sync.WaitGroup
	for _, k := range kinds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := e.do(t, "lea", "/campaign channel add ete-literie "+k+" @lea"); strings.Contains(r.Text, "⚠️") {
				t.Errorf("%s: %s", k, r.Text)
			}
		}()
	}
	wg.Wait()
	c, err := e.store.Campaign(context.Background(), "T1", "ete-literie")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Channels) != 1+len(kinds) {
		t.Fatalf("channels = %+v, want social + %v", c.Channels, kinds)
	}
}

func TestLanguage(t *testing.T) {
	e := newEnv(t)
	// Slack says English; the workspace default is French.
	mustSay(t, e.doLang(t, "sami", chorus.English, "/campaign list"), "No campaign yet")
	mustSay(t, e.do(t, "sami", "/campaign list"), "Aucune campagne")
	// A language chosen with /chorus lang wins over both.
	mustSay(t, e.do(t, "sami", "/chorus lang en"), "Chorus will now answer you in English")
	mustSay(t, e.do(t, "sami", "/campaign list"), "No campaign yet")
	// The workspace default changes for everyone else.
	mustSay(t, e.do(t, "lea", "/chorus settings lang en"), "Settings saved")
	mustSay(t, e.do(t, "zoe", "/campaign list"), "No campaign yet")
}

func TestModals(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	r := e.do(t, "lea", "/campaign create")
	if r.Modal == nil || r.Modal.CallbackID != commands.ModalCampaignCreate {
		t.Fatalf("no create modal: %+v", r)
	}
	req := commands.Request{Workspace: "T1", User: "lea"}
	// Every bad field is reported under its input, and nothing is created.
	r = e.svc.Submit(ctx, req, commands.Submission{CallbackID: commands.ModalCampaignCreate, Values: map[string]string{
		"slug": "Bad Slug", "name": "", "start": "2027-07-15", "end": "2027-07-01"}})
	for _, f := range []string{"slug", "name", "end"} {
		if r.FieldErrors[f] == "" {
			t.Errorf("no error for field %q: %v", f, r.FieldErrors)
		}
	}
	if camps, _ := e.store.Campaigns(ctx, "T1"); len(camps) != 0 {
		t.Fatalf("invalid submission created %v", camps)
	}
	r = e.svc.Submit(ctx, req, commands.Submission{CallbackID: commands.ModalCampaignCreate, Values: map[string]string{
		"slug": "noel", "name": "Noël", "message": "Tout à -20 %", "must_include": "-20 %\nen magasin", "start": "2027-12-01", "end": "2027-12-24"}})
	mustSay(t, r, "Campagne « Noël » créée")

	// The edit modal carries the slug; a concurrent save in between is reported, not overwritten.
	r = e.do(t, "lea", "/campaign edit noel")
	if r.Modal == nil || r.Modal.PrivateMetadata != "noel" {
		t.Fatalf("no edit modal: %+v", r)
	}
	r = e.svc.Submit(ctx, req, commands.Submission{CallbackID: commands.ModalCampaignEdit, PrivateMetadata: "noel", Values: map[string]string{
		"name": "Noël 2027", "message": "Tout à -25 %", "must_include": "-25 %"}})
	mustSay(t, r, "version 2")

	r = e.do(t, "lea", "/campaign task add noel")
	if r.Modal == nil || r.Modal.CallbackID != commands.ModalTaskAdd {
		t.Fatalf("no task modal: %+v", r)
	}
	r = e.svc.Submit(ctx, req, commands.Submission{CallbackID: commands.ModalTaskAdd, PrivateMetadata: "noel", Values: map[string]string{
		"title": "", "channel": "-", "owner": "lea", "due": "hier"}})
	if r.FieldErrors["title"] == "" || r.FieldErrors["due"] == "" {
		t.Fatalf("task modal errors = %v", r.FieldErrors)
	}
}

// TestCampaignCardGolden pins the Block Kit-shaped campaign card.
func TestCampaignCardGolden(t *testing.T) {
	e := newEnv(t)
	e.setup(t)
	e.do(t, "sami", `/campaign task add ete-literie social "Visuels Instagram" @sami 15/06 17h`)
	for _, lang := range chorus.Langs {
		r := e.doLang(t, "lea", lang, "/campaign show ete-literie")
		r.Blocks[0].Accessory = nil
		got, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		// Task ids are random: blank them out.
		tasks, _ := e.store.Tasks(context.Background(), "T1", chorus.TaskFilter{})
		for _, task := range tasks {
			got = []byte(strings.ReplaceAll(string(got), task.ID, "TASKID"))
		}
		golden(t, "campaign_card_"+string(lang)+".json", got)
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", name, got)
	}
}

func TestHome(t *testing.T) {
	e := newEnv(t)
	e.setup(t)
	e.do(t, "sami", `/campaign task add ete-literie social "Visuels Instagram" @sami 15/06 17h`)
	v := e.svc.Home(context.Background(), commands.Request{Workspace: "T1", User: "sami"})
	mustSay(t, commands.Reply{Blocks: v.Blocks}, "Mes tâches ouvertes (1)", "Visuels Instagram", "Mes campagnes (1)", "Soldes d'été literie")
}
