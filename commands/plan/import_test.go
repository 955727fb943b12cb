package plan_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/plan"
	"github.com/chorus-hq/chorus/internal/commandstest"
	"github.com/chorus-hq/chorus/reply"
)

// button returns the reply's button of action id.
func button(t testing.TB, r reply.Reply, id string) reply.Button {
	t.Helper()
	for _, b := range r.Blocks {
		for _, bt := range b.Buttons {
			if bt.ActionID == id {
				return bt
			}
		}
	}
	t.Fatalf("no %s button in %s", id, r.Text)
	return reply.Button{}
}

func click(e *env, user string, b reply.Button) reply.Reply {
	return e.Svc.Action(context.Background(), reply.Request{Workspace: "T1", User: user}, reply.Action{ActionID: b.ActionID, Value: b.Value})
}

func (e *env) task(t testing.TB, slug, title string) chorus.Task {
	t.Helper()
	return e.Task(t, slug, title)
}

var paris = commandstest.Paris

// An export imported back as it is changes nothing, in either language, whoever imports it.
func TestRoundTripChangesNothing(t *testing.T) {
	e := newEnv(t)
	before := e.Snapshot(t)
	for _, c := range []struct {
		lang chorus.Lang
		user string
		want string
	}{
		{chorus.French, "lea", "correspond déjà au plan : rien à changer"},
		{chorus.English, "lea", "matches the plan already: nothing to change"},
		{chorus.French, "sami", "rien à changer"}, // reading back is no change: no lead needed
	} {
		t.Run(string(c.lang)+"/"+c.user, func(t *testing.T) {
			path := e.export(t, c.lang, "/campaign export --all")
			r := e.DoLang(t, c.user, c.lang, "/campaign import "+path)
			mustSay(t, r, c.want)
			if strings.Contains(r.Text, "⚠️") || len(r.Blocks) != 1 {
				t.Fatalf("round trip: %s", r.Text)
			}
			// an English export read by a French reader is the same plan
			if after := e.Snapshot(t); after != before {
				t.Fatal("a round trip changed the store")
			}
		})
	}
	path := e.export(t, chorus.English, "/campaign export ete-literie")
	mustSay(t, e.DoLang(t, "lea", chorus.French, "/campaign import "+path), "rien à changer")
}

// An edited export previews its changes, applies them only on confirmation, once.
func TestImportPreviewThenApply(t *testing.T) {
	e := newEnv(t)
	path := e.export(t, chorus.French, "/campaign export --all")
	rows := cells(t, path)
	visuals := rowOf(t, rows, "ete-literie", "Visuels Instagram")
	news := rowOf(t, rows, "ete-2028", "Newsletter")
	camp2028 := rowOf(t, rows, "ete-2028", "campagne")
	touch := rowOf(t, rows, "ete-literie", "point de contact", "prospects")
	n := len(rows)
	edited := edit(t, path, filepath.Join(e.dir, "plan édité.xlsx"), map[string]string{
		"J" + itoa(visuals):  "16/06/2027 11h",   // typed as people type it
		"F" + itoa(news):     "sami",             // another owner
		"H" + itoa(camp2028): "2028-07-08",       // the start moves a week: J-16 follows
		"L" + itoa(touch):    "Clients Fidelite", // as typed, the workspace's spelling kept
	},
		[]any{"ete-literie", "tâche", "", "Affiches magasins", "", "lea", "", "", "", "2027-06-20 09:00", "", "", ""},
		[]any{"soldes-hiver", "campagne", "", "Soldes d'hiver", "", "", "", "2028-01-10", "2028-02-06", "", "", "", ""},
		[]any{"soldes-hiver", "canal", "", "", "retail", "zoe", "#magasins", "", "", "", "", "", ""},
		[]any{"soldes-hiver", "tâche", "", "PLV", "retail", "zoe", "", "", "", "", "J-20", "", ""},
		[]any{"soldes-hiver", "point de contact", "", "", "retail", "zoe", "", "2028-01-10", "2028-01-20", "", "", "prospects", "découverte"},
	)
	before := e.Snapshot(t)
	r := e.Do(t, "lea", "/campaign import "+edited)
	mustSay(t, r, "Import de « plan édité.xlsx » : 4 création(s), 5 modification(s)",
		"« Soldes d'été literie » : point de contact n° ", "Segment : prospects → clients fidélité",
		"« Soldes d'hiver » : nouveau point de contact retail le 2028-01-10, responsable @{zoe}",
		"Ligne "+itoa(visuals)+" — tâche « Visuels Instagram »", "Échéance : mardi 15 juin 2027 à 17:00 → mercredi 16 juin 2027 à 11:00",
		"Ligne "+itoa(news)+" — tâche « Newsletter »", "Responsable : @{nina} → @{sami}",
		"campagne « Été 2028 » : Début : 2028-07-01 → 2028-07-08",
		"Ligne "+itoa(n+1)+" — nouvelle tâche « Affiches magasins »",
		"nouvelle campagne « Soldes d'hiver » (soldes-hiver)", "« Soldes d'hiver » : nouveau canal retail, responsable @{zoe}",
		// the relative deadline follows the start: the file names it at J-16 still
		"tâche « Visuels Instagram » (n° "+e.task(t, "ete-2028", "Visuels Instagram").ID+") : Échéance : jeudi 15 juin 2028 à 17:00 → jeudi 22 juin 2028 à 17:00")
	if e.Snapshot(t) != before {
		t.Fatal("a preview changed the store")
	}
	// someone else cannot confirm lea's import
	apply := button(t, r, reply.ActPlanImportApply)
	mustSay(t, click(e, "sami", apply), "⚠️", "pas d'import en attente")

	r = click(e, "lea", apply)
	mustSay(t, r, "appliqué : 4 création(s), 5 modification(s)")
	if tps, _ := e.Store.CampaignTouchpoints(context.Background(), "T1", "ete-literie"); len(tps) != 1 || tps[0].Segment != "clients fidélité" {
		t.Errorf("touchpoints %+v", tps)
	}
	if tps, _ := e.Store.CampaignTouchpoints(context.Background(), "T1", "soldes-hiver"); len(tps) != 1 || tps[0].Stage != chorus.StageDiscovery || tps[0].Last().String() != "2028-01-20" {
		t.Errorf("touchpoints %+v", tps)
	}
	if got := e.task(t, "ete-literie", "Visuels Instagram").Due; !got.Equal(paris(t, "2027-06-16 11:00")) {
		t.Errorf("visuals due %s", got)
	}
	if got := e.task(t, "ete-2028", "Newsletter"); got.Owner != "sami" || !got.Due.Equal(paris(t, "2028-07-06 10:00")) || !got.Relative {
		t.Errorf("newsletter %+v", got)
	}
	if got := e.task(t, "ete-2028", "Visuels Instagram"); !got.Due.Equal(paris(t, "2028-06-22 17:00")) {
		t.Errorf("a relative deadline the file did not name stayed at %s", got.Due)
	}
	plv := e.task(t, "soldes-hiver", "PLV")
	if !plv.Relative || plv.Offset != -20 || !plv.Due.Equal(paris(t, "2027-12-21 09:00")) {
		t.Errorf("PLV %+v", plv)
	}
	winter, err := e.Store.Campaign(context.Background(), "T1", "soldes-hiver")
	if err != nil || winter.Channels[0].Owner != "zoe" || winter.Channels[0].SlackChannel != "#magasins" || !winter.IsLead("lea") {
		t.Fatalf("soldes-hiver %+v %v", winter, err)
	}
	// each owner whose deadlines moved is told, once per campaign: sami of his two tasks of
	// Été 2028 (the visuals that followed the start, the newsletter now his) and of the visuals
	// of the summer sale
	var told []string
	for _, p := range r.Posts {
		told = append(told, p.Channel)
		if p.Channel != "sami" || !strings.Contains(p.Text, "Visuels Instagram") {
			t.Errorf("post to %s: %s", p.Channel, p.Text)
		}
	}
	if len(told) != 2 || !strings.Contains(r.Posts[0].Text+r.Posts[1].Text, "Newsletter") {
		t.Errorf("posts %+v", r.Posts)
	}

	// Confirming again, or importing the same file again, changes nothing.
	after := e.Snapshot(t)
	mustSay(t, click(e, "lea", apply), "rien à changer")
	mustSay(t, e.Do(t, "lea", "/campaign import "+edited), "rien à changer")
	if e.Snapshot(t) != after {
		t.Fatal("a second run changed the store")
	}
	// The planner goes on editing the same sheet, whose new rows still have no number: they
	// name the tasks they created, by title, and are not created again.
	again := edit(t, edited, filepath.Join(e.dir, "plan édité 2.xlsx"), map[string]string{"F" + itoa(n+1): "sami"})
	r = e.Do(t, "lea", "/campaign import "+again)
	mustSay(t, r, "0 création(s), 1 modification(s)", "tâche « Affiches magasins »", "Responsable : @{lea} → @{sami}")
	mustSay(t, e.Do(t, "lea", "/campaign audit ete-literie"), "*import de plan* · tâche", "« plan édité.xlsx »")
}

// A preview confirmed after the plan moved shows the new preview instead of applying.
func TestImportConfirmAfterPlanChanged(t *testing.T) {
	e := newEnv(t)
	path := e.export(t, chorus.English, "/campaign export ete-literie")
	rows := cells(t, path)
	visuals := rowOf(t, rows, "Visuels Instagram")
	edited := edit(t, path, filepath.Join(e.dir, "v2.xlsx"), map[string]string{"D" + itoa(visuals): "Visuels Insta"})
	r := e.DoLang(t, "lea", chorus.English, "/campaign import "+edited)
	mustSay(t, r, "0 to create, 1 to change")
	token := button(t, r, reply.ActPlanImportApply).Value
	id := e.task(t, "ete-literie", "Visuels Instagram").ID
	e.Do(t, "lea", "/campaign task edit "+id+" owner @nina")
	r = e.DoLang(t, "lea", chorus.English, "/campaign import confirm "+token)
	mustSay(t, r, "The plan changed since the preview", "Owner: @{nina} → @{sami}")
	if e.task(t, "ete-literie", "Visuels Instagram").Owner != "nina" {
		t.Fatal("a stale confirmation was applied")
	}
	mustSay(t, click(e, "lea", button(t, r, reply.ActPlanImportApply)), "appliqué")
	if got := e.task(t, "ete-literie", "Visuels Insta"); got.Owner != "sami" {
		t.Fatalf("after the new confirmation %+v", got)
	}
}

// A file with bad rows is refused whole: each bad row named with its number and reason, in the
// reader's language, and nothing changes.
func TestImportBadRowsRefused(t *testing.T) {
	e := newEnv(t)
	path := e.export(t, chorus.French, "/campaign export ete-literie")
	rows := cells(t, path)
	visuals := rowOf(t, rows, "Visuels Instagram")
	news := rowOf(t, rows, "Newsletter")
	n := len(rows)
	bad := edit(t, path, filepath.Join(e.dir, "bad.xlsx"), map[string]string{
		"J" + itoa(visuals): "31/02/2027 10h", // no such day
		"E" + itoa(news):    "print",          // not a channel of the campaign
	},
		[]any{"ete-literie", "tâche", "zzzzzz", "Inconnue", "", "lea", "", "", "", "2027-06-20 09:00", "", "", ""},
		[]any{"ete-literie", "réunion", "", "", "", "", "", "", "", "", "", "", ""},
		[]any{"ete-literie", "tâche", "", "Sans échéance", "", "lea", "", "", "", "", "", "", ""},
		[]any{"ete-literie", "tâche", "", "Relative", "", "lea", "", "", "", "", "J-400", "", ""},
		[]any{"ete-literie", "tâche", "", "Affiches", "", "lea", "", "", "", "2027-06-20 09:00", "", "", ""}, // good, yet not applied
	)
	before := e.Snapshot(t)
	for _, c := range []struct {
		lang chorus.Lang
		want []string
	}{
		{chorus.French, []string{"Import de « bad.xlsx » refusé, rien n'a changé : 6 problème(s)",
			"ligne " + itoa(visuals) + " : Échéance", "ligne " + itoa(news) + " : le canal « print » ne fait pas partie de « ete-literie »",
			"ligne " + itoa(n+1) + " : pas de tâche n° zzzzzz", "ligne " + itoa(n+2) + " : « réunion » n'est pas un type de ligne",
			"ligne " + itoa(n+3) + " : Échéance : il manque l'échéance", "ligne " + itoa(n+4) + " : -400 jours"}},
		{chorus.English, []string{"Import of \"bad.xlsx\" refused, nothing changed: 6 problem(s)",
			"row " + itoa(news) + ": the channel \"print\" is not part of \"ete-literie\"", "row " + itoa(n+1) + ": no task no. zzzzzz",
			"row " + itoa(n+3) + ": Due: the task has no due date"}},
	} {
		t.Run(string(c.lang), func(t *testing.T) {
			r := e.DoLang(t, "lea", c.lang, "/campaign import "+bad)
			mustSay(t, r, c.want...)
			for _, b := range r.Blocks {
				if len(b.Buttons) > 0 {
					t.Fatalf("a refused import offers %v", b.Buttons)
				}
			}
			if e.Snapshot(t) != before {
				t.Fatal("a refused import changed the store")
			}
		})
	}
	if strings.Contains(e.Do(t, "lea", "/campaign task list ete-literie").Text, "Affiches") {
		t.Fatal("the good row of a refused file was applied")
	}
}

// The same layout as a .csv (semicolons, as French spreadsheets save it); people who lead no
// campaign cannot change its plan; files that are not plans are refused with a reason.
func TestImportCSVAndRefusals(t *testing.T) {
	e := newEnv(t)
	csv := filepath.Join(e.dir, "plan.csv")
	body := "\ufeffCampagne;Type;N°;Nom;Canal;Responsable;Échéance;Échéance relative;Notes à moi\n" +
		"ete-literie;tâche;;Jeu concours;social;sami;2027-06-25 12:00;;mes notes\n" +
		";;;;;;;;\n" +
		"ete-2028;task;;Affiches;;lea;;D-10;\n"
	if err := os.WriteFile(csv, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	before := e.Snapshot(t)
	mustSay(t, e.Do(t, "sami", "/campaign import "+csv), "⚠️", "ligne 2 : seuls les responsables de « Soldes d'été literie »")
	if e.Snapshot(t) != before {
		t.Fatal("a refused import changed the store")
	}
	r := e.Do(t, "lea", "/campaign import "+csv)
	mustSay(t, r, "2 création(s), 0 modification(s)", "Ligne 2 — nouvelle tâche « Jeu concours »", "Ligne 4 — nouvelle tâche « Affiches »")
	mustSay(t, click(e, "lea", button(t, r, reply.ActPlanImportApply)), "appliqué")
	if got := e.task(t, "ete-2028", "Affiches"); !got.Relative || got.Offset != -10 || !got.Due.Equal(paris(t, "2028-06-21 09:00")) {
		t.Fatalf("Affiches %+v", got)
	}

	for _, c := range []struct {
		name, body string
		want       string
	}{
		{"vide.csv", "", "le fichier est vide"},
		{"entete.csv", "Nom;Responsable\nx;y\n", "il manque la colonne « Campagne »"},
		{"faux.xlsx", "PK\x03\x04 not a zip", "ni un classeur .xlsx ni un .csv lisible"},
		{"latin1.csv", "Campagne;Type\n\xe9t\xe9;t\xe2che\n", "UTF-8"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(e.dir, c.name)
			if err := os.WriteFile(p, []byte(c.body), 0o600); err != nil {
				t.Fatal(err)
			}
			mustSay(t, e.Do(t, "lea", "/campaign import "+p), "⚠️", c.want)
		})
	}
	mustSay(t, e.Do(t, "lea", "/campaign import /nulle/part.xlsx"), "⚠️", "fichier introuvable")
	mustSay(t, e.Do(t, "lea", "/campaign import"), "partagez le fichier .xlsx ou .csv")
	mustSay(t, e.Do(t, "lea", "/campaign export inconnue"), "⚠️", "inconnue")
}

func itoa(n int) string { return strconv.Itoa(n) }

// A spreadsheet shared with Chorus (in a channel with « importer », or in a direct message) is
// previewed to the person who shared it only; any other shared file, or one shared without
// asking, is left alone.
func TestSharedSpreadsheet(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	path := e.export(t, chorus.French, "/campaign export ete-literie")
	rows := cells(t, path)
	edited := edit(t, path, filepath.Join(e.dir, "partagé.xlsx"), map[string]string{"D" + itoa(rowOf(t, rows, "Visuels Instagram")): "Visuels Insta"})
	file := reply.File{ID: "F1", Name: "partagé.xlsx", URL: edited, Size: 7000}
	for _, c := range []struct {
		name, channel, text string
		file                reply.File
		want                string
		ephemeral           bool
	}{
		{"asked in a channel", "C1", "Voici le plan, à importer", file, "Import de « partagé.xlsx » : 0 création(s), 1 modification(s)", true},
		{"in a direct message", "D1", "", file, "Import de « partagé.xlsx »", false},
		{"not asked", "C1", "le plan pour info", file, "", false},
		{"not a spreadsheet", "C1", "importer", reply.File{ID: "F2", Name: "photo.png", URL: edited}, "", false},
		{"too large", "C1", "importer", reply.File{ID: "F3", Name: "gros.csv", URL: edited, Size: plan.MaxFileBytes + 1}, "dépasse 4 Mo", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			posts := e.Svc.Message(ctx, reply.MessageEvent{Workspace: "T1", Channel: c.channel, User: "lea", TS: "1.1", Text: c.text, File: c.file})
			if c.want == "" {
				if len(posts) != 0 {
					t.Fatalf("posts %+v", posts)
				}
				return
			}
			if len(posts) != 1 || !strings.Contains(posts[0].Text, c.want) || (posts[0].EphemeralTo == "lea") != c.ephemeral || posts[0].Channel != c.channel {
				t.Fatalf("posts %+v", posts)
			}
		})
	}
}

// A file with hundreds of bad rows is refused with as many as one message holds and the count
// of the rest; so is a preview of hundreds of changes.
func TestLongListsFitOneMessage(t *testing.T) {
	e := newEnv(t)
	var bad, good strings.Builder
	bad.WriteString("Campagne;Type;Nom;Responsable;Échéance\n")
	good.WriteString("Campagne;Type;Nom;Responsable;Échéance\n")
	for i := range 300 {
		bad.WriteString("ete-literie;tâche;Tâche " + itoa(i) + " avec un titre assez long pour remplir la ligne;lea;le 45 du mois\n")
		good.WriteString("ete-literie;tâche;Tâche " + itoa(i) + " avec un titre assez long pour remplir la ligne;lea;2027-06-20 09:00\n")
	}
	for _, c := range []struct {
		name, body string
		want       []string
	}{
		{"bad.csv", bad.String(), []string{"300 problème(s)", "ligne 2 :", "autre(s) problème(s)"}},
		{"good.csv", good.String(), []string{"300 création(s)", "Ligne 2 —", "autre(s) changement(s)"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(e.dir, c.name)
			if err := os.WriteFile(p, []byte(c.body), 0o600); err != nil {
				t.Fatal(err)
			}
			r := e.Do(t, "lea", "/campaign import "+p)
			mustSay(t, r, c.want...)
			for _, b := range r.Blocks {
				if n := len([]rune(b.Text)); n > 3000 {
					t.Fatalf("a block of %d characters", n)
				}
			}
		})
	}
}

// An owner cell that names nobody is said once, as the owner's problem.
func TestBadOwnerSaidOnce(t *testing.T) {
	e := newEnv(t)
	p := filepath.Join(e.dir, "owner.csv")
	if err := os.WriteFile(p, []byte("Campagne;Type;Nom;Responsable;Échéance\nete-literie;tâche;Affiches;Sami Dupont;2027-06-20 09:00\nete-literie;tâche;PLV;;2027-06-20 09:00\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := e.Do(t, "lea", "/campaign import "+p)
	mustSay(t, r, "2 problème(s)", "ligne 2 : Responsable : ", "« Sami Dupont »", "ligne 3 : Responsable : ")
}

// A file with some columns only changes what they say: the others stay as they are.
func TestMissingColumnsChangeNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	visuals := e.task(t, "ete-literie", "Visuels Instagram")
	tps, _ := e.Store.CampaignTouchpoints(ctx, "T1", "ete-literie")
	p := filepath.Join(e.dir, "owners.csv")
	body := "Campagne;Type;N°;Nom;Responsable\n" +
		"ete-literie;campagne;;Soldes d'été literie 2027;\n" +
		"ete-literie;tâche;" + visuals.ID + ";Visuels Instagram;nina\n" +
		"ete-literie;point de contact;" + tps[0].ID + ";;sami\n"
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	r := e.Do(t, "lea", "/campaign import "+p)
	mustSay(t, r, "0 création(s), 3 modification(s)")
	mustSay(t, click(e, "lea", button(t, r, reply.ActPlanImportApply)), "appliqué")
	camp, _ := e.Store.Campaign(ctx, "T1", "ete-literie")
	if camp.Name != "Soldes d'été literie 2027" || camp.Start.String() != "2027-07-01" || camp.End.String() != "2027-07-15" || len(camp.Channels) != 2 {
		t.Errorf("campaign %+v", camp)
	}
	got := e.task(t, "ete-literie", "Visuels Instagram")
	if got.Owner != "nina" || !got.Due.Equal(visuals.Due) || got.ChannelKind != "social" {
		t.Errorf("task %+v", got)
	}
	tps2, _ := e.Store.CampaignTouchpoints(ctx, "T1", "ete-literie")
	if tps2[0].Owner != "sami" || tps2[0].Start != tps[0].Start || tps2[0].Last() != tps[0].Last() || tps2[0].Segment != "prospects" || tps2[0].Stage != tps[0].Stage {
		t.Errorf("touchpoint %+v", tps2[0])
	}
}
