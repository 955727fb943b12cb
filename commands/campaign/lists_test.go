package campaign_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chorus-hq/chorus"
)

// TestListPages: the list without a filter, or of the archived campaigns, comes page by page from
// the store (by slug), with the exact count in its title; a page past the last shows the last.
func TestListPages(t *testing.T) {
	e := newEnv(t)
	e.Setup(t)
	for i := range 11 {
		mustSay(t, e.Do(t, "lea", fmt.Sprintf(`/campaign create brouillon-%02d "Brouillon %d"`, i, i)), "✅")
	}
	mustSay(t, e.Do(t, "lea", "/campaign close brouillon-03 oui"), "clôturée")
	mustSay(t, e.Do(t, "lea", "/campaign archiver brouillon-03"), "est archivée")
	for _, tc := range []struct {
		line    string
		lang    chorus.Lang
		want    []string
		wantNot []string
	}{
		{"/campaign list", "", []string{"Campagnes (11)", "`brouillon-00`", "`brouillon-10`"}, []string{"brouillon-03", "ete-literie"}},
		{"/campaign list 2", "", []string{"Campagnes (11)", "`ete-literie`", "Page 2"}, []string{"brouillon-10"}},
		{"/campaign list 7", chorus.English, []string{"Campaigns (11)", "`ete-literie`", "Page 2"}, []string{"brouillon-10"}},
		{"/campaign list archived", "", []string{"Campagnes archivées (1)", "`brouillon-03`"}, []string{"brouillon-02"}},
		{"/campaign list archived 3", "", []string{"Campagnes archivées (1)", "`brouillon-03`"}, nil},
	} {
		t.Run(tc.line+" "+string(tc.lang), func(t *testing.T) {
			r := e.DoLang(t, "sami", tc.lang, tc.line)
			mustSay(t, r, tc.want...)
			for _, w := range tc.wantNot {
				if strings.Contains(r.Text, w) {
					t.Errorf("%s lists %q:\n%s", tc.line, w, r.Text)
				}
			}
		})
	}
}

// TestGlossaryLookupByWords: a lookup finds the terms whose wording, definition or a forbidden
// variant holds the words as words, in that order, case and accents ignored; failing that, within
// a word.
func TestGlossaryLookupByWords(t *testing.T) {
	e := newEnv(t)
	for _, line := range []string{
		`/glossary define DouceNuit Nom de la marque de literie`,
		`/glossary forbid DouceNuit "Douce Nuit"`,
		`/glossary define Éclat La gamme soin`,
	} {
		if r := e.Do(t, "lea", line); strings.Contains(r.Text, "⚠️") {
			t.Fatalf("%s: %s", line, r.Text)
		}
	}
	for _, tc := range []struct {
		line    string
		lang    chorus.Lang
		want    []string
		wantNot string
	}{
		{"/glossary lookup marque", "", []string{"*DouceNuit*", "Nom de la marque de literie"}, "Éclat"},
		{"/glossary lookup DE LA MARQUE", "", []string{"*DouceNuit*"}, "Éclat"},
		{"/glossary lookup marq", "", []string{"*DouceNuit*", "Nom de la marque de literie"}, "Éclat"}, // within a word, when no word matches
		{"/glossary lookup literi", "", []string{"*DouceNuit*"}, "Éclat"},
		{"/glossary lookup marques", "", []string{"Rien dans le glossaire pour « marques »"}, "DouceNuit"},
		{"/glossary lookup douce nuit", "", []string{"« Douce Nuit » est interdit : écrivez « DouceNuit »", "*DouceNuit*"}, "Éclat"},
		{"/glossary lookup nuit douce", chorus.English, []string{`Nothing in the glossary for "nuit douce"`}, "DouceNuit"},
		{"/glossary lookup eclat", chorus.English, []string{"*Éclat*", "La gamme soin"}, "DouceNuit"},
	} {
		t.Run(tc.line, func(t *testing.T) {
			r := e.DoLang(t, "sami", tc.lang, tc.line)
			mustSay(t, r, tc.want...)
			if strings.Contains(r.Text, tc.wantNot) {
				t.Errorf("%s shows %q:\n%s", tc.line, tc.wantNot, r.Text)
			}
		})
	}
}

// TestListMine: « /campaign list mine » lists, page by page, the campaigns the caller leads or
// owns a channel of that are not closed — what the App Home counts and names it for — alone or
// with other filters.
func TestListMine(t *testing.T) {
	e := newEnv(t)
	e.Setup(t) // ete-literie: sami owns its social channel
	for i := range 12 {
		mustSay(t, e.Do(t, "lea", fmt.Sprintf(`/campaign create brouillon-%02d "Brouillon %d"`, i, i)), "✅")
	}
	for _, line := range []string{
		"/campaign lead add brouillon-00 @sami",
		"/campaign channel add brouillon-01 email #mail @sami",
		"/campaign lead add brouillon-02 @sami",
		"/campaign close brouillon-02 oui",
	} {
		if r := e.Do(t, "lea", line); strings.Contains(r.Text, "⚠️") {
			t.Fatalf("%s: %s", line, r.Text)
		}
	}
	for _, tc := range []struct {
		user, line string
		lang       chorus.Lang
		want       []string
		wantNot    []string
	}{
		{"sami", "/campaign list mine", "", []string{"Campagnes (3) · les miennes", "`brouillon-00`", "`brouillon-01`", "`ete-literie`"},
			[]string{"brouillon-02", "brouillon-03", "Page"}},
		{"sami", "/campaign list mes", chorus.English, []string{"Campaigns (3) · mine", "`ete-literie`"}, []string{"brouillon-02"}},
		{"sami", "/campaign list mine email", "", []string{"Campagnes (1) · email les miennes", "`brouillon-01`"}, []string{"ete-literie"}},
		{"sami", "/campaign list closed mine", "", []string{"Aucune campagne ne répond à « clôturée les miennes »"}, nil},
		{"emma", "/campaign list mine", chorus.English, []string{`No campaign matches "mine"`}, nil},
		// lea leads the twelve drafts but the closed one, and ete-literie: twelve, on two pages
		{"lea", "/campaign list mine", "", []string{"Campagnes (12) · les miennes", "`brouillon-00`", "`brouillon-10`", "Page 1"},
			[]string{"brouillon-02", "brouillon-11", "ete-literie"}},
		{"lea", "/campaign list mine 2", "", []string{"Campagnes (12) · les miennes", "`brouillon-11`", "`ete-literie`", "Page 2"},
			[]string{"brouillon-10"}},
	} {
		t.Run(tc.user+" "+tc.line+" "+string(tc.lang), func(t *testing.T) {
			r := e.DoLang(t, tc.user, tc.lang, tc.line)
			mustSay(t, r, tc.want...)
			for _, w := range tc.wantNot {
				if strings.Contains(r.Text, w) {
					t.Errorf("%s lists %q:\n%s", tc.line, w, r.Text)
				}
			}
		})
	}
	// the next page's button keeps the filter: the clicker's campaigns again
	r := e.Do(t, "lea", "/campaign list mine")
	if !strings.Contains(fmt.Sprint(r.Blocks), "mine 2") {
		t.Errorf("the next page's button does not carry « mine 2 »: %v", r.Blocks)
	}
}
