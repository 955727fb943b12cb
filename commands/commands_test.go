package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands"
	"github.com/chorus-hq/chorus/i18n"
	"github.com/chorus-hq/chorus/internal/commandstest"
	"github.com/chorus-hq/chorus/reply"
)

func TestMain(m *testing.M) { commandstest.Main(m) }

// env is the shared test environment (the router over a fresh store).
type env struct{ *commandstest.Env }

func newEnv(t testing.TB) *env { t.Helper(); return &env{commandstest.New(t)} }

func newEnvWith(t testing.TB, opts commands.Options) *env {
	t.Helper()
	return &env{commandstest.NewWith(t, opts)}
}

var mustSay = commandstest.MustSay

// server is one embedded MongoDB-wire server for the package's tests; each test gets its own
// database on it, which is much cheaper than a server per test.
// clock is a settable test clock.
// env is a commands.Service over a fresh database, with its store and clock.
// newEnv returns a service whose clock reads Tuesday 1 June 2027, 09:00 in Paris, and whose
// workspace "T1" has "lea" as omnichannel lead.
// newEnvWith is newEnv with the optional services (summarizer, judge, …) set in opts.
// do runs one slash command line, such as `/campaign list`, as user.
// doLang runs a line as user reading lang.
// mustSay fails unless the reply's text holds every want.
// setup creates the campaign every test starts from, led by lea, with a social channel owned by
// sami.
func TestCatalogComplete(t *testing.T) { i18n.CheckComplete(t, commands.Catalog()) }

// TestBadInputChangesNothing sends every kind of bad input and checks each gets a clear,
// localized answer and leaves the store as it was.
func TestBadInputChangesNothing(t *testing.T) {
	e := newEnv(t)
	e.Setup(t)
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
		{"sami", "/campaign message ete-literie -50 % sur tout", "seuls les responsables de « Soldes d'été literie » (@{lea}) peuvent changer son message global", `only the leads of "Soldes d'été literie" (@{lea}) can change its global message`},
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
	before := e.Snapshot(t)
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			if tt.fr == "" {
				return
			}
			mustSay(t, e.Do(t, tt.user, tt.line), "⚠️", tt.fr)
			mustSay(t, e.DoLang(t, tt.user, chorus.English, tt.line), "⚠️", tt.en)
		})
	}
	if after := e.Snapshot(t); after != before {
		t.Fatalf("bad input changed the store:\nbefore %s\nafter  %s", before, after)
	}
	_ = ctx
}

// TestConcurrentEditsAllLand fires 19 channel additions at once from the lead (20 channels with
// the existing one, the limit): each is re-applied over the others' versions, so all land.
func TestLanguage(t *testing.T) {
	e := newEnv(t)
	// Slack says English; the workspace default is French.
	mustSay(t, e.DoLang(t, "sami", chorus.English, "/campaign list"), "No campaign yet")
	mustSay(t, e.Do(t, "sami", "/campaign list"), "Aucune campagne")
	// A language chosen with /chorus lang wins over both.
	mustSay(t, e.Do(t, "sami", "/chorus lang en"), "Chorus will now answer you in English")
	mustSay(t, e.Do(t, "sami", "/campaign list"), "No campaign yet")
	// The workspace default changes for everyone else.
	mustSay(t, e.Do(t, "lea", "/chorus settings lang en"), "Settings saved")
	mustSay(t, e.Do(t, "zoe", "/campaign list"), "No campaign yet")
}

// TestCampaignCardGolden pins the Block Kit-shaped campaign card.
func TestHome(t *testing.T) {
	e := newEnv(t)
	e.Setup(t)
	e.Do(t, "sami", `/campaign task add ete-literie social "Visuels Instagram" @sami 15/06 17h`)
	v := e.Svc.Home(context.Background(), reply.Request{Workspace: "T1", User: "sami"})
	mustSay(t, reply.Reply{Blocks: v.Blocks}, "Mes tâches ouvertes (1)", "Visuels Instagram", "Mes campagnes (1)", "Soldes d'été literie")
}
