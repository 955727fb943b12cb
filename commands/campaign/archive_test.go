package campaign_test

// Scenarios of archiving, the list's filters and approval state, and glossary links.

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/reply"
)

// An archived campaign is kept and readable but read-only, and out of the list unless asked for;
// only a closed campaign is archived, only by its leads.
func TestArchive(t *testing.T) {
	e := newEnv(t)
	e.Setup(t)
	mustSay(t, e.Do(t, "lea", `/campaign task add ete-literie social "Visuels" @sami 2027-06-20`), "✅")
	mustSay(t, e.Do(t, "lea", `/campaign create noel "Noël"`), "✅")
	tasks, _ := e.Store.Tasks(context.Background(), "T1", chorus.TaskFilter{Campaign: "ete-literie"})
	before := e.Snapshot(t)
	mustSay(t, e.Do(t, "lea", "/campaign archive ete-literie"), "⚠️", "seule une campagne close s'archive", "/campaign close ete-literie")
	mustSay(t, e.Do(t, "lea", "/campaign unarchive ete-literie"), "⚠️", "n'est pas archivée")
	if e.Snapshot(t) != before {
		t.Fatal("a refused archive changed something")
	}
	mustSay(t, e.Do(t, "lea", "/campaign close ete-literie oui"), "clôturée")
	mustSay(t, e.Do(t, "sami", "/campaign archive ete-literie"), "⚠️", "peuvent l'archiver")
	mustSay(t, e.Do(t, "lea", "/campaign archiver ete-literie"), "est archivée", "/campaign list archived")

	r := e.Do(t, "sami", "/campaign list")
	mustSay(t, r, "Campagnes (1)", "`noel`", "/campaign list archived")
	if strings.Contains(r.Text, "ete-literie") {
		t.Fatalf("an archived campaign is listed: %s", r.Text)
	}
	mustSay(t, e.Do(t, "sami", "/campaign list archivées"), "Campagnes archivées (1)", "`ete-literie`", "archivée")
	mustSay(t, e.DoLang(t, "sami", chorus.English, "/campaign list archived"), "Archived campaigns (1)", "archived")
	mustSay(t, e.Do(t, "sami", "/campaign show ete-literie"), "Archivée : en lecture seule", "-30 %")
	mustSay(t, e.Do(t, "sami", "/campaign history ete-literie"), "v1")

	before = e.Snapshot(t)
	for _, line := range []string{
		"/campaign message ete-literie -50 % sur tout",
		"/campaign points ete-literie -50 %",
		"/campaign reopen ete-literie",
		"/campaign channel add ete-literie email #email @emma",
		"/campaign lead add ete-literie @emma",
		"/campaign task edit " + tasks[0].ID + " title Autre",
		`/campaign task add ete-literie social "Story" @sami 2027-06-20`,
	} {
		t.Run(line, func(t *testing.T) { mustSay(t, e.Do(t, "lea", line), "⚠️") })
	}
	mustSay(t, e.Do(t, "lea", "/campaign message ete-literie -50 % sur tout"), "est archivée", "/campaign unarchive ete-literie", "Rien n'a changé")
	mustSay(t, e.DoLang(t, "lea", chorus.English, "/campaign reopen ete-literie"), `"Soldes d'été literie" is archived`)
	if e.Snapshot(t) != before {
		t.Fatal("an archived campaign was changed")
	}

	mustSay(t, e.Do(t, "sami", "/campaign unarchive ete-literie"), "⚠️", "peuvent la désarchiver")
	mustSay(t, e.Do(t, "lea", "/campaign unarchive ete-literie"), "désarchivée")
	mustSay(t, e.Do(t, "lea", "/campaign list"), "Campagnes (2)")
	mustSay(t, e.Do(t, "lea", "/campaign reopen ete-literie"), "rouverte")
	mustSay(t, e.Do(t, "lea", "/campaign audit ete-literie"), "*archivage*", "*désarchivage*")
}

// /campaign list filters by status, channel kind and channel owner, page buttons keep the
// filter; /campaign show says where each channel's copy stands.
func TestListFiltersAndApprovalState(t *testing.T) {
	e := newEnv(t)
	e.Setup(t)
	ctx := context.Background()
	mustSay(t, e.Do(t, "lea", "/campaign activate ete-literie"), "active")
	for i := range 11 {
		mustSay(t, e.Do(t, "lea", fmt.Sprintf(`/campaign create brouillon-%02d "Brouillon %d"`, i, i)), "✅")
	}
	for _, tc := range []struct {
		line      string
		want      []string
		wantNot   string
		wantPager string
	}{
		{"/campaign list active", []string{"Campagnes (1) · active", "`ete-literie`"}, "brouillon-", ""},
		{"/campaign list social", []string{"Campagnes (1) · social", "`ete-literie`"}, "brouillon-", ""},
		{"/campaign list @sami", []string{"`ete-literie`"}, "brouillon-", ""},
		{"/campaign list actives social @sami", []string{"Campagnes (1) · active social @{sami}"}, "brouillon-", ""},
		{"/campaign list brouillon", []string{"Campagnes (11) · brouillon", "`brouillon-00`"}, "ete-literie", "draft 2"},
		{"/campaign list @emma", []string{"Aucune campagne ne répond à « @{emma} »"}, "", ""},
		{"/campaign list closed email", []string{"Aucune campagne ne répond à « clôturée email »"}, "", ""},
		{"/campaign list bidule", []string{"⚠️", "« bidule » n'est ni un statut"}, "", ""},
	} {
		t.Run(tc.line, func(t *testing.T) {
			r := e.Do(t, "sami", tc.line)
			mustSay(t, r, tc.want...)
			if tc.wantNot != "" && strings.Contains(r.Text, tc.wantNot) {
				t.Errorf("%s lists %q:\n%s", tc.line, tc.wantNot, r.Text)
			}
			var next reply.Button
			for _, b := range r.Blocks {
				for _, btn := range b.Buttons {
					if btn.ActionID == reply.ActCampaignPage {
						next = btn
					}
				}
			}
			if next.Value != tc.wantPager {
				t.Fatalf("page button = %q, want %q", next.Value, tc.wantPager)
			}
			if next.Value != "" {
				r := e.Svc.Action(ctx, reply.Request{Workspace: "T1", User: "sami"}, reply.Action{ActionID: next.ActionID, Value: next.Value})
				mustSay(t, r, "Campagnes (11) · brouillon", "`brouillon-10`", "Page 2")
				if strings.Contains(r.Text, "ete-literie") {
					t.Errorf("page 2 lost the filter:\n%s", r.Text)
				}
			}
		})
	}
	mustSay(t, e.DoLang(t, "sami", chorus.English, "/campaign list active"), "Campaigns (1) · active")

	mustSay(t, e.Do(t, "lea", "/campaign show ete-literie"), "Approbations par canal", "*social* — _aucun texte soumis_")
	e.Do(t, "sami", "/campaign submit ete-literie social Jusqu'à -20 % sur la literie, en magasin !")
	e.Do(t, "sami", "/campaign submit ete-literie social Du 1er au 15 juillet 2027, -30 % sur toute la literie, en magasin et en ligne.")
	mustSay(t, e.Do(t, "lea", "/campaign show ete-literie"), "*social* — ⏳ 1 en attente · ⚠️ 1 avec écarts")
	mustSay(t, e.DoLang(t, "lea", chorus.English, "/campaign show ete-literie"), "Approvals by channel", "⏳ 1 awaiting · ⚠️ 1 with drift")
}

// A French term linked to its English equivalent: each is told, versioned, shown on the card,
// and only a glossary editor may link; terms of one language are refused.
func TestGlossaryLink(t *testing.T) {
	e := newEnv(t)
	mustSay(t, e.Do(t, "lea", `/glossary define avant-première Projection avant la sortie`), "✅")
	mustSay(t, e.Do(t, "lea", `/glossary define preview lang:en Screening before release`), "✅")
	mustSay(t, e.Do(t, "lea", `/glossary define séance Une projection`), "✅")
	mustSay(t, e.Do(t, "sami", `/glossary link avant-première preview`), "⚠️", "seuls les responsables")
	mustSay(t, e.Do(t, "lea", `/glossary link avant-première séance`), "⚠️", "même langue")
	mustSay(t, e.Do(t, "lea", `/glossary link avant-première preview`), "sont liés", "Équivalent", "« preview »")
	for key, want := range map[string]string{chorus.TermKey(chorus.French, "avant-première"): "preview", chorus.TermKey(chorus.English, "preview"): "avant-première"} {
		g, err := e.Store.Term(context.Background(), "T1", key)
		if err != nil || g.Equivalent != want {
			t.Errorf("%s: equivalent %q, %v; want %q", key, g.Equivalent, err, want)
		}
	}
	mustSay(t, e.Do(t, "lea", `/glossary link avant-première off`), "n'est plus lié")
	if g, _ := e.Store.Term(context.Background(), "T1", chorus.TermKey(chorus.English, "preview")); g.Equivalent != "" {
		t.Errorf("the English side is still linked: %+v", g)
	}
}
