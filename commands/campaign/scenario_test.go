package campaign_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/reply"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

func TestCampaignLifecycle(t *testing.T) {
	e := newEnv(t)
	e.Setup(t)
	ctx := context.Background()

	r := e.Do(t, "lea", "/campaign show ete-literie")
	mustSay(t, r, "Soldes d'été literie", "-30 % sur toute la literie", "social", "@{sami}", "1er juillet 2027 → 15 juillet 2027")

	r = e.Do(t, "lea", "/campaign points ete-literie -30 % sur toute la literie ; du 1er au 15 juillet 2027 ; en magasin et en ligne")
	mustSay(t, r, "3 point(s)")
	c, err := e.Store.Campaign(ctx, "T1", "ete-literie")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.MustInclude) != 3 || c.MustInclude[1] != "du 1er au 15 juillet 2027" || c.Version != 4 {
		t.Fatalf("after points: %+v", c)
	}

	r = e.Do(t, "lea", "/campaign activate ete-literie")
	mustSay(t, r, "active")
	r = e.Do(t, "lea", "/campaign history ete-literie")
	mustSay(t, r, "v5", "v1", "création", "Points obligatoires", "Statut → active")

	r = e.Do(t, "lea", "/campaign list")
	mustSay(t, r, "Campagnes (1)", "`ete-literie`")
	r = e.DoLang(t, "lea", chorus.English, "/campaign list")
	mustSay(t, r, "Campaigns (1)", "active")
}

func TestTasks(t *testing.T) {
	e := newEnv(t)
	e.Setup(t)
	ctx := context.Background()

	// sami owns the social channel, so he may add its tasks.
	r := e.Do(t, "sami", `/campaign task add ete-literie social "Visuels Instagram" @sami 15/06 17h`)
	mustSay(t, r, "Visuels Instagram", "mardi 15 juin 2027 à 17:00")
	tasks, err := e.Store.Tasks(ctx, "T1", chorus.TaskFilter{Campaign: "ete-literie"})
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
	r = e.Svc.Action(ctx, reply.Request{Workspace: "T1", User: "zoe"}, reply.Action{ActionID: reply.ActTaskDone, Value: task.ID})
	mustSay(t, r, "⚠️", "seuls les responsables")
	if got, _ := e.Store.Task(ctx, "T1", task.ID); got.Status != chorus.TaskOpen {
		t.Fatalf("outsider completed the task: %+v", got)
	}
	r = e.Do(t, "sami", "/campaign task list mine")
	mustSay(t, r, "Mes tâches ouvertes", "Visuels Instagram")

	r = e.Svc.Action(ctx, reply.Request{Workspace: "T1", User: "sami"}, reply.Action{ActionID: reply.ActTaskDone, Value: task.ID})
	mustSay(t, r, "faite")
	if !r.ReplaceOriginal {
		t.Error("Done reply does not replace the message holding the button")
	}
	r = e.Do(t, "sami", "/campaign task done "+task.ID)
	mustSay(t, r, "déjà faite")
}

func TestGlossary(t *testing.T) {
	e := newEnv(t)
	for _, line := range []string{
		`/glossary define "Click & Collect" Service de retrait en magasin`,
		`/glossary forbid "Click & Collect" Drive, retrait express`,
		`/glossary note "click & collect" nom officiel du service`,
	} {
		if r := e.Do(t, "lea", line); strings.Contains(r.Text, "⚠️") {
			t.Fatalf("%s: %s", line, r.Text)
		}
	}
	mustSay(t, e.Do(t, "sami", "/glossary lookup drive"), "« Drive » est interdit : écrivez « Click & Collect »")
	mustSay(t, e.DoLang(t, "sami", chorus.English, "/glossary lookup DRIVE"), `"Drive" is forbidden: write "Click & Collect"`)
	mustSay(t, e.Do(t, "sami", "/glossary list"), "Glossaire (1 termes)", "« retrait express »")
	mustSay(t, e.Do(t, "sami", "/glossary history \"Click & Collect\""), "*v3*", "*v1*", "v2 → v3 · note : « nom officiel du service »",
		"v1 → v2 · variantes interdites ajoutées : « Drive », « retrait express »", "@{lea}")
	// A term that another entry forbids cannot become approved.
	mustSay(t, e.Do(t, "lea", "/glossary define drive"), "⚠️", "est une variante interdite")
	// Defining again updates the definition as a new version.
	mustSay(t, e.Do(t, "lea", `/glossary define "Click & Collect" Retrait gratuit en 2 h`), "version 4")

	// An edit that changes nothing makes no version and says so; an empty list is refused.
	mustSay(t, e.Do(t, "lea", `/glossary forbid "Click & Collect" drive`), "⚠️", "rien ne change", "aucune nouvelle version")
	mustSay(t, e.Do(t, "lea", `/glossary forbid "Click & Collect" ,,,`), "⚠️", "/glossary forbid")
	mustSay(t, e.Do(t, "lea", `/glossary except "Click & Collect" , ;`), "⚠️", "/glossary except")
	mustSay(t, e.Do(t, "sami", "/glossary history \"Click & Collect\""), "*v4*")

	// Expressions in which a forbidden variant is innocent, versioned like the rest; only leads.
	mustSay(t, e.Do(t, "sami", `/glossary except "Click & Collect" drive-in`), "⚠️", "seuls les responsables")
	mustSay(t, e.Do(t, "lea", `/glossary except "Click & Collect" drive-in, "cinéma drive"`), "expressions autorisées", "« drive-in »", "version 5")
	mustSay(t, e.Do(t, "lea", `/glossary except "Click & Collect" drive-in`), "⚠️", "rien ne change")
	mustSay(t, e.DoLang(t, "sami", chorus.English, "/glossary list"), "allowed expressions: « drive-in »")
}

func TestConcurrentEditsAllLand(t *testing.T) {
	e := newEnv(t)
	e.Setup(t)
	kinds := []string{"email", "retail", "pr", "events", "web"}
	for i := range 14 {
		k := fmt.Sprintf("custom%d", i)
		mustSay(t, e.Do(t, "lea", "/chorus settings kind add "+k), "✅")
		kinds = append(kinds, k)
	}
	var wg sync.WaitGroup
	for _, k := range kinds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := e.Do(t, "lea", "/campaign channel add ete-literie "+k+" @lea"); strings.Contains(r.Text, "⚠️") {
				t.Errorf("%s: %s", k, r.Text)
			}
		}()
	}
	wg.Wait()
	c, err := e.Store.Campaign(context.Background(), "T1", "ete-literie")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Channels) != 1+len(kinds) {
		t.Fatalf("channels = %+v, want social + %v", c.Channels, kinds)
	}
}

func TestModals(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	r := e.Do(t, "lea", "/campaign create")
	if r.Modal == nil || r.Modal.CallbackID != reply.ModalCampaignCreate {
		t.Fatalf("no create modal: %+v", r)
	}
	req := reply.Request{Workspace: "T1", User: "lea"}
	// Every bad field is reported under its input, and nothing is created.
	r = e.Svc.Submit(ctx, req, reply.Submission{CallbackID: reply.ModalCampaignCreate, Values: map[string]string{
		"slug": "Bad Slug", "name": "", "start": "2027-07-15", "end": "2027-07-01"}})
	for _, f := range []string{"slug", "name", "end"} {
		if r.FieldErrors[f] == "" {
			t.Errorf("no error for field %q: %v", f, r.FieldErrors)
		}
	}
	if camps, _ := e.Store.Campaigns(ctx, "T1"); len(camps) != 0 {
		t.Fatalf("invalid submission created %v", camps)
	}
	r = e.Svc.Submit(ctx, req, reply.Submission{CallbackID: reply.ModalCampaignCreate, Values: map[string]string{
		"slug": "noel", "name": "Noël", "message": "Tout à -20 %", "must_include": "-20 %\nen magasin", "start": "2027-12-01", "end": "2027-12-24"}})
	mustSay(t, r, "Campagne « Noël » créée")

	// The edit modal carries the slug; a concurrent save in between is reported, not overwritten.
	r = e.Do(t, "lea", "/campaign edit noel")
	if r.Modal == nil || r.Modal.PrivateMetadata != "noel" {
		t.Fatalf("no edit modal: %+v", r)
	}
	r = e.Svc.Submit(ctx, req, reply.Submission{CallbackID: reply.ModalCampaignEdit, PrivateMetadata: "noel", Values: map[string]string{
		"name": "Noël 2027", "message": "Tout à -25 %", "must_include": "-25 %"}})
	mustSay(t, r, "version 2")

	r = e.Do(t, "lea", "/campaign task add noel")
	if r.Modal == nil || r.Modal.CallbackID != reply.ModalTaskAdd {
		t.Fatalf("no task modal: %+v", r)
	}
	r = e.Svc.Submit(ctx, req, reply.Submission{CallbackID: reply.ModalTaskAdd, PrivateMetadata: "noel", Values: map[string]string{
		"title": "", "channel": "-", "owner": "lea", "due": "hier"}})
	if r.FieldErrors["title"] == "" || r.FieldErrors["due"] == "" {
		t.Fatalf("task modal errors = %v", r.FieldErrors)
	}
}

func TestCampaignCardGolden(t *testing.T) {
	e := newEnv(t)
	e.Setup(t)
	e.Do(t, "sami", `/campaign task add ete-literie social "Visuels Instagram" @sami 15/06 17h`)
	for _, lang := range chorus.Langs {
		r := e.DoLang(t, "lea", lang, "/campaign show ete-literie")
		r.Blocks[0].Accessory = nil
		got, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		// Task ids are random: blank them out.
		tasks, _ := e.Store.Tasks(context.Background(), "T1", chorus.TaskFilter{})
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

// A quoted name ends at its quote and dates are read as people write them; what is neither is
// an error naming it, and nothing is created.
func TestCreateReadsNameAndDates(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		line       string
		want       []string
		name       string // "" when nothing may be created
		start, end string
	}{
		{`/campaign create rentree "Rentrée" 31/02/2027 2027-09-01`, []string{"⚠️", "31/02/2027", "ce jour n'existe pas"}, "", "", ""},
		{`/campaign create meres "Fête des mères" 1er mai 2028 31 mai 2028`, []string{"« Fête des mères » créée"}, "Fête des mères", "2028-05-01", "2028-05-31"},
		{`/campaign create peres « Fête des pères » 2027-06-01`, []string{"« Fête des pères » créée", "Début : 1er juin 2027, sans date de fin", "Ajoutez son message"}, "Fête des pères", "2027-06-01", ""},
		{`/campaign create noel Noël magique 1 décembre 2027 24/12/2027`, []string{"« Noël magique » créée"}, "Noël magique", "2027-12-01", "2027-12-24"},
		{`/campaign create paques "Pâques" bientôt`, []string{"⚠️", "« bientôt » n'est ni le nom"}, "", "", ""},
		{`/campaign create ete "Été" July 1, 2027 July 15, 2027`, []string{"« Été » créée"}, "Été", "2027-07-01", "2027-07-15"},
	}
	for _, tc := range tests {
		t.Run(tc.line, func(t *testing.T) {
			r := e.Do(t, "lea", tc.line)
			mustSay(t, r, tc.want...)
			slug := strings.Fields(tc.line)[2]
			got, err := e.Store.Campaign(context.Background(), "T1", slug)
			if tc.name == "" {
				if err == nil {
					t.Fatalf("a refused line created %+v", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != tc.name || got.Start.String() != tc.start || (tc.end != "" && got.End.String() != tc.end) || (tc.end == "" && !got.End.IsZero()) {
				t.Errorf("created %q %v → %v, want %q %s → %s", got.Name, got.Start, got.End, tc.name, tc.start, tc.end)
			}
		})
	}
}

// Every word of "channel add" is used: an extra word or an unknown person is named, and nothing
// changes.
func TestChannelAddUsesEveryWord(t *testing.T) {
	e := newEnv(t)
	e.Setup(t)
	before, _ := e.Store.Campaign(context.Background(), "T1", "ete-literie")
	for _, tc := range []struct{ line, want string }{
		{"/campaign channel add ete-literie web presse @jean", "« presse » n'est ni un canal"},
		{"/campaign channel add ete-literie web #web #presse", "« #presse » est en trop"},
		{"/campaign channel add ete-literie web #web @jean @sami", "« @sami » est en trop"},
		{"/campaign channel add ete-literie web #web @Zorro", "« @Zorro » : je ne reconnais pas cette personne"},
	} {
		mustSay(t, e.Do(t, "lea", tc.line), "⚠️", tc.want)
	}
	if after, _ := e.Store.Campaign(context.Background(), "T1", "ete-literie"); after.Version != before.Version {
		t.Fatalf("a refused line changed the campaign: v%d → v%d", before.Version, after.Version)
	}
	mustSay(t, e.Do(t, "lea", "/campaign channel add ete-literie web #web @jean"), "✅")
}

// Invisible and bidirectional characters are no part of a name: a name made of them only is
// empty, and a term written with one is the same term.
func TestInvisibleCharacters(t *testing.T) {
	e := newEnv(t)
	mustSay(t, e.Do(t, "lea", "/campaign create vide \"\u200b\u200b\""), "⚠️")
	if _, err := e.Store.Campaign(context.Background(), "T1", "vide"); err == nil {
		t.Fatal("a campaign named with zero-width spaces only was created")
	}
	mustSay(t, e.Do(t, "lea", "/campaign create rtl \"Soldes \u202eété\u202c\""), "« Soldes été » créée")
	mustSay(t, e.Do(t, "lea", "/glossary define DouceNuit Nom de la marque"), "✅")
	mustSay(t, e.Do(t, "lea", "/glossary define DouceNuit\u200b Nom de la marque, en un mot"), "mis à jour")
	terms, err := e.Store.Terms(context.Background(), "T1")
	if err != nil || len(terms) != 1 {
		t.Fatalf("terms = %+v, %v; want one", terms, err)
	}
}

// Closing asks first and can be undone; a closed campaign takes no task; each refusal names the
// action refused.
func TestCloseConfirmReopen(t *testing.T) {
	e := newEnv(t)
	e.Setup(t)
	ctx := context.Background()
	status := func() chorus.Status {
		c, err := e.Store.Campaign(ctx, "T1", "ete-literie")
		if err != nil {
			t.Fatal(err)
		}
		return c.Status
	}
	before := status()
	mustSay(t, e.Do(t, "sami", "/campaign close ete-literie"), "⚠️", "peuvent la clore")
	mustSay(t, e.Do(t, "sami", "/campaign reopen ete-literie"), "⚠️", "peuvent la rouvrir")
	mustSay(t, e.Do(t, "sami", "/campaign points ete-literie A ; B"), "⚠️", "peuvent changer ses points obligatoires")
	r := e.Do(t, "lea", "/campaign close ete-literie")
	mustSay(t, r, "Clore « Soldes d'été literie » ?")
	if status() != before {
		t.Fatal("asking to close closed the campaign")
	}
	var confirm, cancel reply.Button
	for _, b := range r.Blocks {
		for _, btn := range b.Buttons {
			switch btn.ActionID {
			case reply.ActCampaignClose:
				confirm = btn
			case reply.ActCampaignCloseCancel:
				cancel = btn
			}
		}
	}
	if confirm.Value == "" || cancel.Value == "" {
		t.Fatalf("no confirm and cancel buttons in %+v", r.Blocks)
	}
	click := func(user string, b reply.Button) reply.Reply {
		return e.Svc.Action(ctx, reply.Request{Workspace: "T1", User: user}, reply.Action{ActionID: b.ActionID, Value: b.Value})
	}
	mustSay(t, click("lea", cancel), "annulée")
	mustSay(t, click("sami", confirm), "⚠️", "peuvent la clore")
	mustSay(t, click("lea", confirm), "clôturée")
	if status() != chorus.StatusClosed {
		t.Fatalf("status %s after the confirmation", status())
	}
	mustSay(t, click("lea", confirm), "⚠️")
	mustSay(t, e.Do(t, "lea", `/campaign task add ete-literie social "Visuels" @sami 2027-06-20`), "⚠️", "n'accepte plus de tâches", "/campaign reopen ete-literie")
	mustSay(t, e.Do(t, "lea", "/campaign activate ete-literie"), "⚠️", "rouvrez-la")
	mustSay(t, e.Do(t, "lea", "/campaign reopen ete-literie"), "rouverte")
	if status() == chorus.StatusClosed {
		t.Fatal("still closed after reopen")
	}
	mustSay(t, e.Do(t, "lea", `/campaign task add ete-literie social "Visuels" @sami 2027-06-20`), "✅")
	mustSay(t, e.Do(t, "lea", "/campaign close ete-literie oui"), "clôturée")
}

// Forbidding a word of a running campaign's global message warns the one who forbids it and
// tells the campaign's leads.
func TestForbiddenWordInAMessage(t *testing.T) {
	e := newEnv(t)
	e.Setup(t)
	mustSay(t, e.Do(t, "lea", "/campaign lead add ete-literie @emma"), "✅")
	mustSay(t, e.Do(t, "lea", "/glossary define sommeil Le mot de la marque"), "✅")
	r := e.Do(t, "lea", "/glossary forbid sommeil literie, matelas")
	mustSay(t, r, "« literie » figure dans le message global de « Soldes d'été literie »", "/campaign message ete-literie")
	var toEmma int
	for _, p := range r.Posts {
		if p.Channel == "emma" && strings.Contains(p.Text, "« literie »") {
			toEmma++
		}
		if p.Channel == "lea" {
			t.Errorf("the lead who typed it is told twice: %+v", p)
		}
	}
	if toEmma != 1 {
		t.Errorf("posts = %+v, want one to emma", r.Posts)
	}
	if r := e.Do(t, "lea", "/glossary forbid sommeil ronflement"); strings.Contains(r.Text, "figure dans le message") {
		t.Errorf("a word of no message is reported: %s", r.Text)
	}
}

// A due date whose words leave the day or the hour implicit is said back as it was read.
func TestDueDateSaidBack(t *testing.T) {
	e := newEnv(t)
	e.Setup(t)
	for _, tc := range []struct{ due, want string }{
		{"fin juin", "« fin juin » compris comme mercredi 30 juin 2027 à 18:00"},
		{"15 juin", "« 15 juin » : aucune heure donnée, échéance mardi 15 juin 2027 à 18:00"},
		{"dans 3 jours", "« dans 3 jours » : aucune heure donnée"},
	} {
		r := e.Do(t, "lea", `/campaign task add ete-literie social "Story" @sami `+tc.due)
		mustSay(t, r, "✅", tc.want)
	}
	if r := e.Do(t, "lea", `/campaign task add ete-literie social "Story" @sami 15 juin à 17 h`); strings.Contains(r.Text, "compris") || strings.Contains(r.Text, "aucune heure") {
		t.Errorf("a date said in full is said back: %s", r.Text)
	}
}

// A new global message that changes a value a point states: the points are proposed in the same
// card, /campaign show warns until a lead resolves them, and keeping them is a lead's choice.
func TestMessageChangeProposesPoints(t *testing.T) {
	e := newEnv(t)
	e.Setup(t)
	ctx := context.Background()
	mustSay(t, e.Do(t, "lea", "/campaign points ete-literie -30 % sur toute la literie ; du 1er au 15 juillet 2027 ; code ETE30"), "3 point(s)")
	mustSay(t, e.Do(t, "lea", "/campaign message ete-literie Du 1er au 15 juillet 2027, -30 % sur toute la literie avec le code ETE30."), "✅")
	if c, _ := e.Store.Campaign(ctx, "T1", "ete-literie"); len(c.StalePoints) != 0 {
		t.Fatalf("a message stating the same values made stale points: %+v", c.StalePoints)
	}

	r := e.Do(t, "lea", "/campaign message ete-literie Du 1er au 20 juillet 2027, -40 % sur toute la literie avec le code ETE40.")
	mustSay(t, r, "3 point(s) obligatoire(s) contredisent le message global",
		"Proposition : « -40 % sur toute la literie »", "Proposition : « du 1er au 20 juillet 2027 »", "Proposition : « code ETE40 »")
	var keep reply.Button
	for _, b := range r.Blocks {
		for _, btn := range b.Buttons {
			if btn.ActionID == reply.ActPointsKeep {
				keep = btn
			}
		}
	}
	if keep.Value == "" {
		t.Fatalf("no keep button in %+v", r.Blocks)
	}
	mustSay(t, e.DoLang(t, "sami", chorus.English, "/campaign show ete-literie"), "3 must-include point(s) contradict the global message",
		`"code ETE30" still says "ETE30"`)

	before := e.Snapshot(t)
	r = e.Svc.Action(ctx, reply.Request{Workspace: "T1", User: "sami"}, reply.Action{ActionID: keep.ActionID, Value: keep.Value})
	mustSay(t, r, "⚠️", "seuls les responsables")
	if e.Snapshot(t) != before {
		t.Fatal("a refused click changed something")
	}
	r = e.Svc.Action(ctx, reply.Request{Workspace: "T1", User: "lea"}, reply.Action{ActionID: keep.ActionID, Value: keep.Value})
	mustSay(t, r, "gardés tels quels")
	c, _ := e.Store.Campaign(ctx, "T1", "ete-literie")
	if len(c.StalePoints) != 0 || c.MustInclude[0] != "-30 % sur toute la literie" {
		t.Fatalf("after keep: %q %+v", c.MustInclude, c.StalePoints)
	}
	if r := e.Do(t, "lea", "/campaign show ete-literie"); strings.Contains(r.Text+fmt.Sprint(r.Blocks), "contredisent") {
		t.Fatalf("resolved points still warned about: %+v", r.Blocks)
	}

	// Rewriting a stale point by hand resolves it too.
	e.Do(t, "lea", "/campaign points ete-literie -40 % sur toute la literie ; du 1er au 20 juillet 2027 ; code ETE40")
	e.Do(t, "lea", "/campaign message ete-literie Du 1er au 20 juillet 2027, -50 % sur toute la literie avec le code ETE40.")
	if c, _ := e.Store.Campaign(ctx, "T1", "ete-literie"); len(c.StalePoints) != 1 {
		t.Fatalf("stale points = %+v", c.StalePoints)
	}
	e.Do(t, "lea", "/campaign points ete-literie -50 % sur toute la literie ; du 1er au 20 juillet 2027 ; code ETE40")
	if c, _ := e.Store.Campaign(ctx, "T1", "ete-literie"); len(c.StalePoints) != 0 {
		t.Fatalf("rewritten points still stale: %+v", c.StalePoints)
	}
}

// The audit trail lists who changed what and when, from which version to which, and every
// approval decision with its reason, newest first, page by page.
func TestCampaignAudit(t *testing.T) {
	e := newEnv(t)
	e.Setup(t)
	ctx := context.Background()
	e.Do(t, "lea", "/campaign points ete-literie -30 % sur toute la literie")
	e.Do(t, "lea", `/campaign task add ete-literie social "Visuels Instagram" @sami 15/06 17h`)
	r := e.Do(t, "sami", "/campaign submit ete-literie social Jusqu'à -20 % sur la literie du 1er au 15 juillet, en magasin et en ligne !")
	var exception reply.Button
	for _, p := range r.Posts {
		for _, b := range p.Blocks {
			for _, btn := range b.Buttons {
				if p.Channel == "lea" && btn.ActionID == reply.ActDriftException {
					exception = btn
				}
			}
		}
	}
	if exception.Value == "" {
		t.Fatalf("no exception button for lea in %+v", r.Posts)
	}
	req := reply.Request{Workspace: "T1", User: "lea"}
	m := e.Svc.Action(ctx, req, reply.Action{ActionID: exception.ActionID, Value: exception.Value}).Modal
	if m == nil {
		t.Fatal("no exception form")
	}
	e.Svc.Submit(ctx, req, reply.Submission{CallbackID: m.CallbackID, PrivateMetadata: m.PrivateMetadata, Values: map[string]string{"comment": "Validé par le juridique"}})

	r = e.Do(t, "sami", "/campaign audit ete-literie")
	mustSay(t, r, "Journal de « Soldes d'été literie »", "*approuvé avec exception*", "motif : « Validé par le juridique »",
		"*texte soumis*", "de @{sami}", "*tâche créée*", "« Visuels Instagram »", "*message global*", "v1 → v2", "*création*",
		"Points obligatoires", "*canal ajouté*")
	mustSay(t, e.DoLang(t, "lea", chorus.English, "/campaign journal ete-literie"), "Audit trail of", `reason: "Validé par le juridique"`, "*copy submitted*")
	// newest first: the decision comes before the creation
	if i, j := strings.Index(r.Text, "approuvé avec exception"), strings.Index(r.Text, "création"); i < 0 || j < i {
		t.Errorf("not newest first:\n%s", r.Text)
	}
	// the card's button opens the same trail, as a new message
	var fromCard reply.Button
	for _, b := range e.Do(t, "sami", "/campaign show ete-literie").Blocks {
		for _, btn := range b.Buttons {
			if btn.ActionID == reply.ActAuditPage {
				fromCard = btn
			}
		}
	}
	r = e.Svc.Action(ctx, reply.Request{Workspace: "T1", User: "sami"}, reply.Action{ActionID: fromCard.ActionID, Value: fromCard.Value})
	mustSay(t, r, "Journal de « Soldes d'été literie »", "*approuvé avec exception*")
	if r.ReplaceOriginal {
		t.Error("the card's audit button replaces the card")
	}
	mustSay(t, e.Do(t, "lea", "/campaign audit inconnue"), "⚠️")
	mustSay(t, e.Do(t, "lea", "/campaign audit"), "⚠️", "/campaign audit")

	// Many entries: pages of at most 20, with a button to the next.
	for i := range 20 {
		e.Do(t, "lea", fmt.Sprintf("/campaign message ete-literie Du 1er au 15 juillet 2027, -30 %% sur toute la literie (%d).", i))
	}
	r = e.Do(t, "lea", "/campaign audit ete-literie")
	var next reply.Button
	sections := 0
	for _, b := range r.Blocks {
		if b.Kind == reply.Section {
			sections++
			if len(b.Text) > 3000 {
				t.Errorf("a section over Slack's limit: %d", len(b.Text))
			}
		}
		for _, btn := range b.Buttons {
			if btn.ActionID == reply.ActAuditPage {
				next = btn
			}
		}
	}
	if sections != 20 || next.Value != "ete-literie 2" || len(r.Blocks) > 50 {
		t.Fatalf("first page: %d entries, %d blocks, next %+v", sections, len(r.Blocks), next)
	}
	r = e.Svc.Action(ctx, req, reply.Action{ActionID: next.ActionID, Value: next.Value})
	mustSay(t, r, "*création*", "Page 2")
	if !r.ReplaceOriginal {
		t.Error("the next page does not replace the first")
	}
}

// A task's owner and the leads may edit its title, owner and due date, cancel it with a reason
// and reopen it; anyone else is refused and nothing changes. Every change is a new version,
// audited.
func TestTaskEditCancelReopen(t *testing.T) {
	e := newEnv(t)
	e.Setup(t)
	ctx := context.Background()
	mustSay(t, e.Do(t, "lea", `/campaign task add ete-literie - "Brief agence" @emma 15/06 17h`), "✅")
	tasks, _ := e.Store.Tasks(ctx, "T1", chorus.TaskFilter{Campaign: "ete-literie"})
	if len(tasks) != 1 {
		t.Fatalf("tasks = %+v", tasks)
	}
	id := tasks[0].ID
	load := func() chorus.Task {
		got, err := e.Store.Task(ctx, "T1", id)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	for _, tc := range []struct{ user, line, want string }{
		{"sami", "/campaign task edit " + id + " due 20/06 10h", "seuls la personne chargée de la tâche « Brief agence » (@{emma}) et les responsables (@{lea}) peuvent la modifier"},
		{"sami", "/campaign task cancel " + id + " plus utile", "peuvent l'annuler"},
		{"emma", "/campaign task edit " + id + " couleur rouge", "je ne sais pas modifier « couleur »"},
		{"emma", "/campaign task edit " + id + " due hier", "passé"},
		{"emma", "/campaign task edit " + id + " owner @Zorro", "⚠️"},
		{"emma", "/campaign task edit " + id + " title Brief agence", "rien ne change"},
		{"emma", "/campaign task cancel " + id, "/campaign task cancel"},
		{"emma", "/campaign task reopen " + id, "déjà ouverte"},
		{"emma", "/campaign task edit zzzzzz title X", "zzzzzz"},
	} {
		t.Run(tc.line, func(t *testing.T) {
			before := e.Snapshot(t)
			mustSay(t, e.Do(t, tc.user, tc.line), "⚠️", tc.want)
			if e.Snapshot(t) != before {
				t.Fatal("a refused command changed something")
			}
		})
	}

	// the owner moves the due date; the reply says the old and the new one
	r := e.Do(t, "emma", "/campaign task edit "+id+" échéance 20/06 10h")
	mustSay(t, r, "Tâche « Brief agence »", "mardi 15 juin 2027 à 17:00 → dimanche 20 juin 2027 à 10:00", "@{emma}")
	if got := load(); !got.Due.Equal(time.Date(2027, 6, 20, 8, 0, 0, 0, time.UTC)) || got.Version != 2 {
		t.Fatalf("after due edit: %+v", got)
	}
	// a lead renames it and hands it to sami, who is told
	mustSay(t, e.Do(t, "lea", `/campaign task edit `+id+` title "Brief agence média"`), "Brief agence → Brief agence média")
	r = e.DoLang(t, "lea", chorus.English, "/campaign task edit "+id+" owner @sami")
	mustSay(t, r, "@{emma} → @{sami}")
	if len(r.Posts) != 1 || r.Posts[0].Channel != "sami" {
		t.Fatalf("posts = %+v, want one to sami", r.Posts)
	}
	if got := load(); got.Title != "Brief agence média" || got.Owner != "sami" {
		t.Fatalf("after edits: %+v", got)
	}
	// emma no longer owns it
	mustSay(t, e.Do(t, "emma", "/campaign task cancel "+id+" doublon"), "⚠️", "peuvent l'annuler")

	r = e.Do(t, "sami", "/campaign task cancel "+id+" doublon avec la tâche de l'agence")
	mustSay(t, r, "annulée par @{sami}", "motif : « doublon avec la tâche de l'agence »", "ne sera plus rappelée")
	if got := load(); got.Status != chorus.TaskCancelled {
		t.Fatalf("status after cancel = %s", got.Status)
	}
	mustSay(t, e.Do(t, "sami", "/campaign task edit "+id+" due 22/06"), "⚠️", "annulée", "/campaign task reopen "+id)
	mustSay(t, e.Do(t, "sami", "/campaign task cancel "+id+" encore"), "⚠️", "annulée")
	mustSay(t, e.Do(t, "sami", "/campaign task list ete-literie"), "Aucune tâche ouverte")

	mustSay(t, e.Do(t, "lea", "/campaign task reopen "+id), "rouverte par @{lea}", "dimanche 20 juin 2027 à 10:00")
	if got := load(); got.Status != chorus.TaskOpen || got.Version != 6 {
		t.Fatalf("after reopen: %+v", got)
	}
	e.Do(t, "sami", "/campaign task done "+id)
	mustSay(t, e.Do(t, "sami", "/campaign task cancel "+id+" trop tard"), "⚠️", "déjà faite")
	mustSay(t, e.Do(t, "sami", "/campaign tache rouvrir "+id), "rouverte")

	mustSay(t, e.Do(t, "lea", "/campaign audit ete-literie"), "*tâche annulée*", "« doublon avec la tâche de l'agence »", "*tâche rouverte*", "*tâche modifiée*", "v1 → v2")
}
