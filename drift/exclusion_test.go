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
			r := drift.Compile(chorus.Campaign{Slug: "lumio-ete", Lang: tc.lang, Message: tc.message}, nil, 2027)
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
