package drift_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/drift"
)

// Copy that brings back what the campaign excludes contradicts it; an inclusion of anything
// else does not.
func TestExcludedBroughtBack(t *testing.T) {
	tests := []struct {
		name    string
		message string
		lang    chorus.Lang
		text    string
		want    []drift.Kind
	}{
		{"fr, inclusion before", "Jusqu'au 30 juin 2027, -20 % sur tous les luminaires, hors ampoules connectées.", chorus.French,
			"-20 % sur tous les luminaires jusqu'au 30 juin 2027, y compris les ampoules connectées !", []drift.Kind{drift.KindFact}},
		{"fr, inclusion after", "Jusqu'au 30 juin 2027, -20 % sur tous les luminaires, sauf les ampoules connectées.", chorus.French,
			"-20 % sur tous les luminaires jusqu'au 30 juin 2027, ampoules connectées incluses.", []drift.Kind{drift.KindFact}},
		{"fr, another inclusion", "Jusqu'au 30 juin 2027, -20 % sur tous les luminaires, hors ampoules connectées.", chorus.French,
			"-20 % sur tous les luminaires jusqu'au 30 juin 2027, y compris le dimanche.", nil},
		{"en, inclusion before", "Until 30 June 2027, 20% off all lighting, excluding smart bulbs.", chorus.English,
			"20% off all lighting until 30 June 2027, including smart bulbs.", []drift.Kind{drift.KindFact}},
		{"en, exclusion restated", "Until 30 June 2027, 20% off all lighting, excluding smart bulbs.", chorus.English,
			"20% off all lighting until 30 June 2027 (smart bulbs excluded).", nil},
		{"en, nothing excluded", "Until 30 June 2027, 20% off all lighting.", chorus.English,
			"20% off all lighting until 30 June 2027, smart bulbs included.", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := drift.Compile(chorus.Campaign{Slug: "lumio-ete", Lang: tc.lang, Message: tc.message, MustInclude: []string{"-20 %"}}, nil, 2027)
			v := r.Check(tc.text, tc.lang)
			var kinds []drift.Kind
			for _, f := range v.Findings {
				if f.Code == "drift.reason.excluded" {
					kinds = append(kinds, f.Kind)
					for _, lang := range chorus.Langs {
						if reason := f.Reason(lang); strings.Contains(reason, "%!") || !strings.Contains(tc.text, f.Quote) {
							t.Errorf("reason %q, quote %q", reason, f.Quote)
						}
					}
				}
			}
			if !slices.Equal(kinds, tc.want) {
				t.Errorf("Check(%q) excluded findings = %v, want %v\n%s", tc.text, kinds, tc.want, render(v))
			}
		})
	}
}

// A minimum purchase the campaign does not set restricts its offer; the campaign's own
// minimum, stated in other words, does not.
func TestAddedMinimum(t *testing.T) {
	tests := []struct {
		name    string
		message string
		lang    chorus.Lang
		text    string
		want    []drift.Kind
	}{
		{"fr, added", "Jusqu'au 30 juin 2027, un tote bag offert pour tout roman acheté.", chorus.French,
			"Jusqu'au 30 juin 2027, un tote bag offert dès 2 romans achetés !", []drift.Kind{drift.KindFact}},
		{"en, other count", "Until 30 June 2027, a free tote bag when you buy at least 3 books.", chorus.English,
			"Until 30 June 2027, a free tote bag when you buy at least 2 books.", []drift.Kind{drift.KindFact}},
		{"en, same count in words", "Until 30 June 2027, a free tote bag when you buy at least 3 books.", chorus.English,
			"Buy at least three books before 1 July 2027 and the tote bag is free.", nil},
		{"fr, a multi-buy's own minimum", "Du 3 au 23 mars 2027 : pour 2 coussins achetés, le 3e est offert.", chorus.French,
			"Le 3e coussin offert dès deux coussins achetés, du 3 au 23 mars !", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := drift.Compile(chorus.Campaign{Slug: "livres-ete", Lang: tc.lang, Message: tc.message, MustInclude: []string{map[chorus.Lang]string{chorus.French: "offert", chorus.English: "free"}[tc.lang]}}, nil, 2027)
			v := r.Check(tc.text, tc.lang)
			if got := v.Kinds(); !slices.Equal(got, tc.want) {
				t.Errorf("Check(%q) kinds = %v, want %v\n%s", tc.text, got, tc.want, render(v))
			}
		})
	}
}

// An item of the campaign joined to its opposite widens the offer; the opposite named by
// the campaign itself, or another pair, does not.
func TestWidenedByOpposite(t *testing.T) {
	tests := []struct {
		name    string
		message string
		lang    chorus.Lang
		text    string
		want    bool
	}{
		{"fr, opposite added", "Du 2 au 16 mai 2027, -10 % sur les stores intérieurs.", chorus.French,
			"-10 % sur les stores intérieurs et extérieurs du 2 au 16 mai !", true},
		{"fr, opposite first", "Du 2 au 16 mai 2027, -10 % sur l'assurance de votre résidence principale.", chorus.French,
			"-10 % sur l'assurance de votre résidence secondaire ou principale, du 2 au 16 mai.", true},
		{"en, opposite added", "From 2 to 16 May 2027, 10% off interior blinds.", chorus.English,
			"10% off interior and exterior blinds, 2-16 May!", true},
		{"fr, the campaign names both", "Du 2 au 16 mai 2027, -10 % sur les stores intérieurs et extérieurs.", chorus.French,
			"-10 % sur les stores extérieurs et intérieurs du 2 au 16 mai !", false},
		{"fr, no opposite", "Du 2 au 16 mai 2027, -10 % sur les stores intérieurs.", chorus.French,
			"-10 % sur les stores intérieurs et les rideaux occultants du 2 au 16 mai !", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := drift.Compile(chorus.Campaign{Slug: "stores", Lang: tc.lang, Message: tc.message, MustInclude: []string{"-10 %"}}, nil, 2027)
			v := r.Check(tc.text, tc.lang)
			got := slices.ContainsFunc(v.Findings, func(f drift.Finding) bool { return f.Code == "drift.reason.widened" })
			if got != tc.want {
				t.Errorf("Check(%q) widened = %v, want %v\n%s", tc.text, got, tc.want, render(v))
			}
		})
	}
}

// Copy that keeps the offer for a status group the campaign never names restricts it.
func TestAudienceAdded(t *testing.T) {
	tests := []struct {
		name    string
		message string
		lang    chorus.Lang
		text    string
		want    bool
	}{
		{"fr, students added", "Du 1er au 31 mars 2027, l'abonnement Vélo+ à 4,90 € par mois pour les moins de 26 ans.", chorus.French,
			"Vélo+ à 4,90 €/mois du 1er au 31 mars, réservé aux étudiants de moins de 26 ans.", true},
		{"en, seniors only", "From 1 to 31 March 2027, the Bike+ pass is €4.90 a month for everyone.", chorus.English,
			"Bike+ pass €4.90/month, 1-31 March, seniors only.", true},
		{"en, a group the campaign names", "From 1 to 31 March 2027, the Bike+ pass is €4.90 a month for students.", chorus.English,
			"Students: Bike+ pass €4.90/month, 1-31 March, for students with a valid card.", false},
		{"en, whom it suits", "From 1 to 31 March 2027, the Bike+ pass is €4.90 a month for everyone.", chorus.English,
			"Bike+ pass €4.90/month, 1-31 March: perfect for students and commuters.", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := drift.Compile(chorus.Campaign{Slug: "velo", Lang: tc.lang, Message: tc.message, MustInclude: []string{"4,90 €"}}, nil, 2027)
			v := r.Check(tc.text, tc.lang)
			got := slices.ContainsFunc(v.Findings, func(f drift.Finding) bool { return f.Code == "drift.reason.restriction" })
			if got != tc.want {
				t.Errorf("Check(%q) restriction = %v, want %v\n%s", tc.text, got, tc.want, render(v))
			}
		})
	}
}
