package chorus_test

import (
	"slices"
	"testing"

	"github.com/chorus-hq/chorus"
)

func TestStalePointsEnforcedAndPruned(t *testing.T) {
	c := chorus.Campaign{MustInclude: []string{"-30 %", "en magasin"}, StalePoints: []chorus.StalePoint{{Point: "-30 %"}, {Point: "gone"}}}
	if got := c.Enforced().MustInclude; !slices.Equal(got, []string{"en magasin"}) {
		t.Errorf("Enforced points = %q", got)
	}
	if !slices.Equal(c.MustInclude, []string{"-30 %", "en magasin"}) {
		t.Errorf("Enforced changed the campaign: %q", c.MustInclude)
	}
	c.PruneStale()
	if len(c.StalePoints) != 1 || c.StalePoints[0].Point != "-30 %" {
		t.Errorf("PruneStale = %+v", c.StalePoints)
	}
	c.MustInclude = []string{"-40 %"}
	if c.PruneStale(); c.StalePoints != nil {
		t.Errorf("PruneStale after a rewrite = %+v", c.StalePoints)
	}
}

func TestArchivedIsClosed(t *testing.T) {
	c := validCampaign()
	c.Archived = true
	for _, tt := range []struct {
		status chorus.Status
		ok     bool
	}{{chorus.StatusClosed, true}, {chorus.StatusActive, false}, {chorus.StatusDraft, false}} {
		t.Run(string(tt.status), func(t *testing.T) {
			c.Status = tt.status
			if err := c.Validate(nil); (err == nil) != tt.ok {
				t.Errorf("archived %s: Validate = %v", tt.status, err)
			}
		})
	}
}
