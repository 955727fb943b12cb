package drift_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/drift"
)

// The scope of an offer: copy that brings back what the campaign excludes, adds a minimum
// purchase, joins an item to its opposite or keeps the offer for a status group contradicts
// the campaign; the same words where the campaign says them, or other words, do not.
func TestOfferScope(t *testing.T) {
	const (
		excluded    = "drift.reason.excluded"
		restriction = "drift.reason.restriction"
		mismatch    = "drift.reason.mismatch"
		widened     = "drift.reason.widened"
	)
	fr, en := chorus.French, chorus.English
	tests := []struct {
		name    string
		lang    chorus.Lang
		message string
		text    string
		code    string // the finding looked for
		want    bool
	}{
		{"excluded: fr, inclusion before", fr, "Jusqu'au 30 juin 2027, -20 % sur tous les luminaires, hors ampoules connectées.",
			"-20 % sur tous les luminaires jusqu'au 30 juin 2027, y compris les ampoules connectées !", excluded, true},
		{"excluded: fr, inclusion after", fr, "Jusqu'au 30 juin 2027, -20 % sur tous les luminaires, sauf les ampoules connectées.",
			"-20 % sur tous les luminaires jusqu'au 30 juin 2027, ampoules connectées incluses.", excluded, true},
		{"excluded: fr, another inclusion", fr, "Jusqu'au 30 juin 2027, -20 % sur tous les luminaires, hors ampoules connectées.",
			"-20 % sur tous les luminaires jusqu'au 30 juin 2027, y compris le dimanche.", excluded, false},
		{"excluded: en, inclusion before", en, "Until 30 June 2027, 20% off all lighting, excluding smart bulbs.",
			"20% off all lighting until 30 June 2027, including smart bulbs.", excluded, true},
		{"excluded: en, exclusion restated", en, "Until 30 June 2027, 20% off all lighting, excluding smart bulbs.",
			"20% off all lighting until 30 June 2027 (smart bulbs excluded).", excluded, false},
		{"excluded: en, nothing excluded", en, "Until 30 June 2027, 20% off all lighting.",
			"20% off all lighting until 30 June 2027, smart bulbs included.", excluded, false},

		{"minimum: fr, added", fr, "Jusqu'au 30 juin 2027, -20 % et un tote bag offert pour tout roman acheté.",
			"Jusqu'au 30 juin 2027, -20 % et un tote bag offert dès 2 romans achetés !", restriction, true},
		{"minimum: en, other count", en, "Until 30 June 2027, 20% off and a free tote bag when you buy at least 3 books.",
			"Until 30 June 2027, 20% off and a free tote bag when you buy at least 2 books.", mismatch, true},
		{"minimum: en, same count in words", en, "Until 30 June 2027, 20% off and a free tote bag when you buy at least 3 books.",
			"20% off until 30 June 2027: buy at least three books and the tote bag is free.", mismatch, false},
		{"minimum: fr, a multi-buy's own", fr, "Du 3 au 23 mars 2027, -20 % sur les plaids : pour 2 coussins achetés, le 3e est offert.",
			"-20 % sur les plaids et le 3e coussin offert dès deux coussins achetés, du 3 au 23 mars !", restriction, false},

		{"opposite: fr, added", fr, "Du 2 au 16 mai 2027, -20 % sur les stores intérieurs.",
			"-20 % sur les stores intérieurs et extérieurs du 2 au 16 mai !", widened, true},
		{"opposite: fr, first", fr, "Du 2 au 16 mai 2027, -20 % sur l'assurance de votre résidence principale.",
			"-20 % sur l'assurance de votre résidence secondaire ou principale, du 2 au 16 mai.", widened, true},
		{"opposite: en, added", en, "From 2 to 16 May 2027, 20% off interior blinds.",
			"20% off interior and exterior blinds, 2-16 May!", widened, true},
		{"opposite: fr, the campaign names both", fr, "Du 2 au 16 mai 2027, -20 % sur les stores intérieurs et extérieurs.",
			"-20 % sur les stores extérieurs et intérieurs du 2 au 16 mai !", widened, false},
		{"opposite: fr, no opposite", fr, "Du 2 au 16 mai 2027, -20 % sur les stores intérieurs.",
			"-20 % sur les stores intérieurs et les rideaux occultants du 2 au 16 mai !", widened, false},

		{"audience: fr, students added", fr, "Du 1er au 31 mars 2027, -20 % sur l'abonnement Vélo+ pour les moins de 26 ans.",
			"Vélo+ à -20 % du 1er au 31 mars, réservé aux étudiants de moins de 26 ans.", restriction, true},
		{"audience: en, seniors only", en, "From 1 to 31 March 2027, 20% off the Bike+ pass for everyone.",
			"Bike+ pass 20% off, 1-31 March, seniors only.", restriction, true},
		{"audience: en, a group the campaign names", en, "From 1 to 31 March 2027, 20% off the Bike+ pass for students.",
			"Students: Bike+ pass 20% off, 1-31 March, for students with a valid card.", restriction, false},
		{"audience: en, whom it suits", en, "From 1 to 31 March 2027, 20% off the Bike+ pass for everyone.",
			"Bike+ pass 20% off, 1-31 March: perfect for students and commuters.", restriction, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := chorus.Campaign{Slug: "scope", Lang: tc.lang, Message: tc.message, MustInclude: []string{"-20 %"}}
			v := drift.Compile(c, nil, 2027).Check(tc.text, tc.lang)
			i := slices.IndexFunc(v.Findings, func(f drift.Finding) bool { return f.Code == tc.code })
			if got := i >= 0; got != tc.want {
				t.Fatalf("Check(%q): finding %s = %v, want %v\n%s", tc.text, tc.code, got, tc.want, render(v))
			}
			if i < 0 {
				return
			}
			f := v.Findings[i]
			if f.Kind != drift.KindFact || !strings.Contains(tc.text, f.Quote) {
				t.Errorf("finding %+v: want a fact quoting the copy", f)
			}
			for _, lang := range chorus.Langs {
				if reason := f.Reason(lang); strings.Contains(reason, "%!") || strings.HasPrefix(reason, "drift.") {
					t.Errorf("Reason(%s) = %q", lang, reason)
				}
			}
		})
	}
}
