package campaign_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/internal/commandstest"
	"github.com/chorus-hq/chorus/reply"
)

// taskOf returns the task of campaign slug titled title.
func taskOf(t testing.TB, e *env, slug, title string) chorus.Task {
	t.Helper()
	return e.Task(t, slug, title)
}

var paris = commandstest.Paris

// A campaign copied from another takes its channels, owners, points and tasks, each dated
// relative to the new start; moving the start moves the relative deadlines, keeps the one the
// lead dated by hand, and tells each owner once, in their language.
func TestTemplateCopyAndBackwardPlanning(t *testing.T) {
	e := newEnv(t)
	e.Setup(t)
	ctx := context.Background()
	for _, line := range []string{
		`/campaign points ete-literie -30 % sur toute la literie ; en magasin et en ligne`,
		`/campaign channel add ete-literie email #email @nina`,
		`/campaign task add ete-literie social "Visuels Instagram" @sami 15/06 17h`,
		`/campaign task add ete-literie email "Newsletter" @nina 29/06 10h`,
		`/campaign task add ete-literie - "Brief agence" @lea 2027-06-01 18h`,
		`/chorus segment add prospects`,
		`/campaign touchpoint add ete-literie email 03/07..09/07 prospects achat @nina`,
	} {
		if r := e.Do(t, "lea", line); strings.Contains(r.Text, "⚠️") {
			t.Fatalf("%s: %s", line, r.Text)
		}
	}
	e.Do(t, "nina", "/chorus lang en")

	r := e.Do(t, "lea", `/campaign create ete-2028 "Soldes d'été 2028" --from ete-literie 2028-07-01 2028-07-15`)
	mustSay(t, r, "Campagne « Soldes d'été 2028 » créée", "Copiée de « Soldes d'été literie » : 2 canal(aux), 2 point(s) obligatoire(s), 1 point(s) de contact", "3 tâche(s) reprise(s)", "J-16 · *Visuels Instagram*", "J-30 · *Brief agence*")
	camp, err := e.Store.Campaign(ctx, "T1", "ete-2028")
	if err != nil {
		t.Fatal(err)
	}
	if len(camp.Channels) != 2 || camp.Channels[0].Owner != "sami" || camp.Channels[1].Kind != "email" || len(camp.MustInclude) != 2 || !camp.IsLead("lea") {
		t.Fatalf("copied campaign: %+v", camp)
	}
	tps, err := e.Store.CampaignTouchpoints(ctx, "T1", "ete-2028")
	if err != nil || len(tps) != 1 || tps[0].Start.String() != "2028-07-03" || tps[0].End.String() != "2028-07-09" || tps[0].Owner != "nina" || tps[0].Segment != "prospects" {
		t.Fatalf("copied touchpoints %+v %v", tps, err)
	}
	for _, c := range []struct {
		title  string
		offset int
		due    string
	}{
		{"Visuels Instagram", -16, "2028-06-15 17:00"},
		{"Newsletter", -2, "2028-06-29 10:00"},
		{"Brief agence", -30, "2028-06-01 18:00"},
	} {
		tk := taskOf(t, e, "ete-2028", c.title)
		if !tk.Relative || tk.Offset != c.offset || !tk.Due.Equal(paris(t, c.due)) || tk.Status != chorus.TaskOpen {
			t.Errorf("%s: relative %v offset %d due %s", c.title, tk.Relative, tk.Offset, tk.Due)
		}
	}

	// The lead dates the brief by hand: it is absolute from now on.
	brief := taskOf(t, e, "ete-2028", "Brief agence")
	mustSay(t, e.Do(t, "lea", "/campaign task edit "+brief.ID+" due 2028-05-20 18h"), "2028")

	// The start moves a week later.
	req := reply.Request{Workspace: "T1", User: "lea"}
	r = e.Svc.Submit(ctx, req, reply.Submission{CallbackID: reply.ModalCampaignEdit, PrivateMetadata: "ete-2028", Values: map[string]string{
		"name": "Soldes d'été 2028", "start": "2028-07-08", "end": "2028-07-22"}})
	mustSay(t, r, "2 échéance(s) relative(s) déplacée(s)", "2 responsable(s) prévenu(s)")
	if got := taskOf(t, e, "ete-2028", "Visuels Instagram").Due; !got.Equal(paris(t, "2028-06-22 17:00")) {
		t.Errorf("visuals due %s after the move", got)
	}
	if got := taskOf(t, e, "ete-2028", "Newsletter").Due; !got.Equal(paris(t, "2028-07-06 10:00")) {
		t.Errorf("newsletter due %s after the move", got)
	}
	if got := taskOf(t, e, "ete-2028", "Brief agence").Due; !got.Equal(paris(t, "2028-05-20 18:00")) {
		t.Errorf("the brief the lead dated moved to %s", got)
	}
	// one message per owner, in each owner's language; nothing to lea, whose task kept its date
	if len(r.Posts) != 2 {
		t.Fatalf("posts = %+v", r.Posts)
	}
	for _, p := range r.Posts {
		switch p.Channel {
		case "sami":
			for _, w := range []string{"Soldes d'été 2028", "Vos échéances suivent", "Visuels Instagram", "jeudi 15 juin 2028", "jeudi 22 juin 2028"} {
				if !strings.Contains(p.Text, w) {
					t.Errorf("sami's message lacks %q:\n%s", w, p.Text)
				}
			}
		case "nina":
			for _, w := range []string{"Your deadlines follow", "Newsletter", "Thursday 29 June 2028 at 10:00", "Thursday 6 July 2028 at 10:00"} {
				if !strings.Contains(p.Text, w) {
					t.Errorf("nina's message lacks %q:\n%s", w, p.Text)
				}
			}
		default:
			t.Errorf("message to %s: %s", p.Channel, p.Text)
		}
	}
	// the moves are audited
	mustSay(t, e.Do(t, "lea", "/campaign audit ete-2028"), "*échéance déplacée avec la campagne*", "jeudi 15 juin 2028 à 17:00 → jeudi 22 juin 2028 à 17:00")

	// Saving the form again with the same start moves nothing and tells nobody.
	r = e.Svc.Submit(ctx, req, reply.Submission{CallbackID: reply.ModalCampaignEdit, PrivateMetadata: "ete-2028", Values: map[string]string{
		"name": "Soldes d'été 2028 !", "start": "2028-07-08", "end": "2028-07-22"}})
	if len(r.Posts) != 0 || strings.Contains(r.Text, "⚠️") {
		t.Fatalf("second save: %s %+v", r.Text, r.Posts)
	}
}

func TestTemplateRefusals(t *testing.T) {
	e := newEnv(t)
	e.Setup(t)
	e.Do(t, "sami", `/campaign task add ete-literie social "Visuels Instagram" @sami 15/06 17h`)
	before := e.Snapshot(t)
	for _, c := range []struct {
		user, lang, line string
		want             []string
	}{
		{"sami", "fr", `/campaign create copie --from ete-literie 2028-07-01`, []string{"seuls les responsables omnicanal"}},
		{"lea", "fr", `/campaign create copie "Copie" --from ete-literie`, []string{"1 tâche(s) datée(s)", "date de début"}},
		{"lea", "en", `/campaign create copie "Copy" --from ete-literie`, []string{"1 task(s) dated from its start"}},
		{"lea", "fr", `/campaign create copie "Copie" --from inconnue 2028-07-01`, []string{"inconnue"}},
		{"lea", "fr", `/campaign create copie "Copie" 2028-07-01 --from`, []string{"/campaign create"}},
	} {
		t.Run(c.line, func(t *testing.T) {
			lang, _ := chorus.ParseLang(c.lang)
			r := e.DoLang(t, c.user, lang, c.line)
			mustSay(t, r, append([]string{"⚠️"}, c.want...)...)
			if after := e.Snapshot(t); after != before {
				t.Fatalf("a refused copy changed the store")
			}
		})
	}
}

// The card's « Dupliquer » button opens the create form with the campaign as template; its
// submission makes the copy.
func TestDuplicateButton(t *testing.T) {
	e := newEnv(t)
	e.Setup(t)
	ctx := context.Background()
	e.Do(t, "sami", `/campaign task add ete-literie social "Visuels Instagram" @sami 15/06 17h`)
	card := e.DoLang(t, "lea", chorus.English, "/campaign show ete-literie")
	var dup *reply.Button
	for _, b := range card.Blocks {
		for i := range b.Buttons {
			if b.Buttons[i].ActionID == reply.ActCampaignDuplicate {
				dup = &b.Buttons[i]
			}
		}
	}
	if dup == nil || dup.Text != "Duplicate" {
		t.Fatalf("no Duplicate button on the card: %+v", card.Blocks)
	}
	req := reply.Request{Workspace: "T1", User: "lea"}
	r := e.Svc.Action(ctx, req, reply.Action{ActionID: dup.ActionID, Value: dup.Value})
	if r.Modal == nil || r.Modal.CallbackID != reply.ModalCampaignCreate || r.Modal.PrivateMetadata != "ete-literie" {
		t.Fatalf("duplicate opened %+v", r)
	}
	r = e.Svc.Submit(ctx, req, reply.Submission{CallbackID: reply.ModalCampaignCreate, PrivateMetadata: "ete-literie", Values: map[string]string{
		"slug": "ete-2028", "name": "Été 2028", "start": "2028-07-01"}})
	mustSay(t, r, "Campagne « Été 2028 » créée", "1 tâche(s) reprise(s)")
	if tk := taskOf(t, e, "ete-2028", "Visuels Instagram"); !tk.Relative || tk.Offset != -16 {
		t.Fatalf("copied task %+v", tk)
	}
	// not for everyone
	r = e.Svc.Action(ctx, reply.Request{Workspace: "T1", User: "sami"}, reply.Action{ActionID: dup.ActionID, Value: dup.Value})
	mustSay(t, r, "⚠️")
}

// A deadline typed relative to the start (« J-10 », "D-10") makes a relative task, in a command
// or an edit; a campaign without a start date refuses it.
func TestTypedRelativeDeadline(t *testing.T) {
	e := newEnv(t)
	e.Setup(t)
	e.Do(t, "lea", `/campaign create sans-date "Sans date"`)
	before := e.Snapshot(t)
	mustSay(t, e.Do(t, "lea", `/campaign task add sans-date - "Relance" @lea J-5`), "⚠️", "« J-5 » compte depuis le début, mais « Sans date » n'a pas de date de début")
	mustSay(t, e.Do(t, "lea", `/campaign task add ete-literie - "Relance" @lea J-400`), "⚠️", "-400 jours")
	if e.Snapshot(t) != before {
		t.Fatal("a refused task changed the store")
	}
	mustSay(t, e.Do(t, "lea", `/campaign task add ete-literie - "Relance" @lea J-5`), "samedi 26 juin 2027 à 09:00")
	tk := taskOf(t, e, "ete-literie", "Relance")
	if !tk.Relative || tk.Offset != -5 {
		t.Fatalf("typed J-5: %+v", tk)
	}
	mustSay(t, e.DoLang(t, "lea", chorus.English, "/campaign task edit "+tk.ID+" due D-3"), "Monday 28 June 2027 at 09:00")
	if tk = taskOf(t, e, "ete-literie", "Relance"); !tk.Relative || tk.Offset != -3 {
		t.Fatalf("edited to D-3: %+v", tk)
	}
	e.Do(t, "lea", "/campaign task edit "+tk.ID+" due 2027-06-20 10h")
	if tk = taskOf(t, e, "ete-literie", "Relance"); tk.Relative {
		t.Fatalf("a typed date left the task relative: %+v", tk)
	}
}
