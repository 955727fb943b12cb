package drift_test

import (
	"slices"
	"testing"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/drift"
)

// A must-include point written with another value is contradicted (fact), not missing; the
// same value in another place, or a point truly absent, is not.
func TestRestatedPoint(t *testing.T) {
	halo := chorus.Campaign{
		Slug: "halo-launch", Lang: chorus.English,
		Message:     "Meet Halo, the new desk lamp by Lumio, in every Lumio store from 3 May 2027 at €59. Until 31 May 2027, the Halo bulb pack (€12) is free with every Halo.",
		MustInclude: []string{"Halo desk lamp at €59", "from 3 May 2027", "free bulb pack with every Halo until 31 May 2027"},
	}
	r := drift.Compile(halo, nil, 2027)
	tests := []struct {
		name string
		text string
		want []drift.Kind
	}{
		{"faithful", "Halo desk lamp at €59, in store from 3 May 2027. Free bulb pack with every Halo until 31 May.", nil},
		{"price restated", "New: the Halo desk lamp, only €69! In store from 3 May 2027, free bulb pack with every Halo until 31 May.", []drift.Kind{drift.KindFact}},
		{"start restated", "Halo desk lamp at €59, in store from 4 May 2027. Free bulb pack with every Halo until 31 May.", []drift.Kind{drift.KindFact}},
		{"price dropped, another amount of the campaign kept", "Halo desk lamp, in store from 3 May 2027: the €12 bulb pack is free with every Halo until 31 May.", []drift.Kind{drift.KindMissing}},
		{"start dropped", "Halo desk lamp at €59. Free bulb pack with every Halo until 31 May.", []drift.Kind{drift.KindMissing}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := r.Check(tc.text, chorus.English)
			if got := v.Kinds(); !slices.Equal(got, tc.want) {
				t.Errorf("Check(%q) kinds = %v, want %v\n%s", tc.text, got, tc.want, render(v))
			}
		})
	}
}
