package feature

import (
	"testing"

	"github.com/chorus-hq/chorus"
)

func TestStalePoints(t *testing.T) {
	camp := func(msg string, points ...string) chorus.Campaign {
		return chorus.Campaign{Message: msg, MustInclude: points, Lang: chorus.French, Start: chorus.Date{Year: 2027, Month: 7, Day: 1}}
	}
	tests := []struct {
		name          string
		before, after chorus.Campaign
		want          []chorus.StalePoint
	}{
		{"percent changed", camp("-30 % sur toute la literie"), camp("-40 % sur toute la literie", "-30 % sur toute la literie", "en magasin"),
			[]chorus.StalePoint{{Point: "-30 % sur toute la literie", Was: "-30 %", Now: "-40 %", Proposed: "-40 % sur toute la literie"}}},
		{"same values", camp("-30 % sur la literie, code ETE30"), camp("Code ETE30 : -30 % sur la literie !", "-30 %", "code ETE30"), nil},
		{"value dropped, nothing replaces it", camp("-30 % sur la literie, code ETE30"), camp("-30 % sur la literie", "code ETE30"), nil},
		{"point already updated", camp("-30 % sur la literie"), camp("-40 % sur la literie", "-40 % sur la literie"), nil},
		{"price", camp("Le matelas à 299 €"), camp("Le matelas à 249 €", "matelas à 299 €"),
			[]chorus.StalePoint{{Point: "matelas à 299 €", Was: "299 €", Now: "249 €", Proposed: "matelas à 249 €"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := StalePoints(tt.before, tt.after)
			if len(got) != len(tt.want) {
				t.Fatalf("StalePoints = %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("StalePoints[%d] = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}
