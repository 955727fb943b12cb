package drift

import (
	"slices"
	"testing"

	"github.com/chorus-hq/chorus"
)

var testGlossary = []chorus.GlossaryTerm{
	{Term: "Click & Collect", Lang: chorus.French, Forbidden: []string{"Drive", "retrait express"}},
	{Term: "DouceNuit", Lang: chorus.French, Forbidden: []string{"Douce Nuit", "Douce-Nuit"}},
	{Term: "éclat", Lang: chorus.French, Forbidden: []string{"glow"}},
	{Term: "Aurora X2", Lang: chorus.English, Forbidden: []string{"Aurora 2", "Aurora X-2"}},
	{Term: "coach", Lang: chorus.English, Forbidden: []string{"personal trainer"}},
	{Term: "plant-based", Lang: chorus.English, Forbidden: []string{"vegan", "végane"}},
	{Term: "FitLoop", Lang: chorus.English, Forbidden: []string{"Fitloop"}, MatchCase: true},
	{Term: "Crème Hydra", Lang: chorus.French, Forbidden: []string{"Creme Hydra"}, MatchAccent: true},
	{Term: "sac à dos", Lang: chorus.French, Forbidden: []string{"sac"}},
	{Term: "Sérum Éclat", Lang: chorus.French, Forbidden: []string{"Serum Eclat"}, MatchCase: true, MatchAccent: true},
}

func TestGlossaryMatcher(t *testing.T) {
	gi := newGlossIndex(testGlossary)
	tests := []struct {
		name string
		text string
		lang chorus.Lang
		want []string
	}{
		{"variant", "Commandez, récupérez au Drive en 2 h", chorus.French, []string{"Drive"}},
		{"case-insensitive by default", "récupérez en RETRAIT EXPRESS", chorus.French, []string{"RETRAIT EXPRESS"}},
		{"word boundary", "Driver et Drivethru", chorus.French, nil},
		{"plural", "nos personal trainers", chorus.English, []string{"personal trainers"}},
		{"approved never flagged", "Click & Collect en 2 h", chorus.French, nil},
		{"name across languages", "30% off at Douce Nuit", chorus.English, []string{"Douce Nuit"}},
		{"hyphen variant", "chez douce-nuit", chorus.French, []string{"douce-nuit"}},
		{"vocabulary in its language", "le glow de la vitamine C", chorus.French, []string{"glow"}},
		{"vocabulary not in the other", "a healthy glow", chorus.English, nil},
		{"French-spelled variant of an English term, in French copy", "une feta végane", chorus.French, []string{"végane"}},
		{"its English variants stay English rules", "une recette vegan", chorus.French, nil},
		{"digits are boundaries", "the new Aurora 2 headphones", chorus.English, []string{"Aurora 2"}},
		{"longer number", "Aurora 2027 launch, Aurora X2", chorus.English, nil},
		{"symbol variant", "Aurora X-2 is here", chorus.English, []string{"Aurora X-2"}},
		{"match case: same case", "Fitloop Premium", chorus.English, []string{"Fitloop"}},
		{"match case: other case", "FITLOOP and FitLoop", chorus.English, nil},
		{"match accent: without", "la Creme Hydra", chorus.French, []string{"Creme Hydra"}},
		{"match accent: approved", "la Crème Hydra", chorus.French, nil},
		{"approved contains variant", "un sac à dos et un sac", chorus.French, []string{"sac"}},
		{"case and accent", "Serum Eclat, serum eclat, Sérum Éclat", chorus.French, []string{"Serum Eclat"}},
		{"accent-insensitive default", "récupérez en rétrait éxpress", chorus.French, []string{"rétrait éxpress"}},
		{"typographic apostrophe and space", "récupérez en retrait\u00a0express", chorus.French, []string{"retrait\u00a0express"}},
		{"not in a web address", "rendez-vous sur www.douce-nuit.fr", chorus.French, nil},
		{"undetected language applies all", "glow", "", []string{"glow"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newDoc(tc.text, 2027)
			d.extract(baseTrie())
			var got []string
			for _, m := range gi.matches(d, tc.lang) {
				got = append(got, tc.text[m.start:m.end])
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("matches(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

func TestNormText(t *testing.T) {
	tests := []struct {
		in             string
		keepCase, keep bool
		want           string
	}{
		{"Crème  Hydra’s", false, false, "creme hydra's"},
		{"Crème Hydra", true, false, "Creme Hydra"},
		{"Crème Hydra", false, true, "crème hydra"},
		{"Crème-Hydra", true, true, "Crème Hydra"},
	}
	for _, tc := range tests {
		got, starts, ends := normText(tc.in, tc.keepCase, tc.keep)
		if got != tc.want {
			t.Errorf("normText(%q, %v, %v) = %q, want %q", tc.in, tc.keepCase, tc.keep, got, tc.want)
		}
		if len(starts) != len(got) || len(ends) != len(got) || ends[len(ends)-1] != len(tc.in) || starts[0] != 0 {
			t.Errorf("normText(%q) offsets %v %v do not map back to the text", tc.in, starts, ends)
		}
	}
}

func FuzzGlossary(f *testing.F) {
	f.Add("Drive, DRIVE, drives, Douce-Nuit, Aurora 2, Crème Hydra, sac à dos")
	f.Add("’\u00a0--  «glow» é\u0301clat")
	gi := newGlossIndex(testGlossary)
	f.Fuzz(func(t *testing.T, s string) {
		d := newDoc(s, 2027)
		d.extract(baseTrie())
		for _, lang := range []chorus.Lang{chorus.French, chorus.English, ""} {
			for _, m := range gi.matches(d, lang) {
				if m.start < 0 || m.end > len(s) || m.start >= m.end {
					t.Fatalf("match %d..%d outside %q", m.start, m.end, s)
				}
			}
		}
	})
}
