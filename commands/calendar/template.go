package calendar

import (
	"context"
	"fmt"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
)

// CopyParts prepares the copy of the touchpoints of campaign from into the new campaign to (a
// template, /campaign create NEW --from OLD): each dated from to's start as it was from from's
// (the newsletter of J+2 stays at J+2). It checks every copy first and returns how many there
// are and apply, which stores them once the campaign exists; a template without a start date
// gives its touchpoints no such date, and none is copied.
func (f *Feature) CopyParts(ctx context.Context, t *feature.Turn, from, to chorus.Campaign) (int, func(context.Context) error, error) {
	c := f.call(t)
	tps, err := c.store.CampaignTouchpoints(ctx, c.Req.Workspace, from.Slug)
	if err != nil {
		return 0, nil, fmt.Errorf("touchpoints of %q: %w", from.Slug, err)
	}
	if from.Start.IsZero() || to.Start.IsZero() || len(tps) == 0 {
		return 0, func(context.Context) error { return nil }, nil
	}
	shift := chorus.DaysBetween(from.Start, to.Start)
	copies := make([]chorus.Touchpoint, 0, len(tps))
	for _, tp := range tps {
		end := tp.End
		if !end.IsZero() {
			end = end.AddDays(shift)
		}
		cp := tp.Moved(tp.Start.AddDays(shift), end)
		cp.ID, cp.Campaign, cp.CreatedBy, cp.UpdatedBy = "", to.Slug, c.Req.User, c.Req.User
		if err := c.check(to, cp); err != nil {
			return 0, nil, err
		}
		copies = append(copies, cp)
	}
	apply := func(ctx context.Context) error {
		for _, cp := range copies {
			saved, err := c.store.AddTouchpoint(ctx, cp)
			if err != nil {
				return fmt.Errorf("copy touchpoint to %q: %w", to.Slug, err)
			}
			if err := c.Audit(ctx, actionAdd, "touchpoint:"+saved.ID, 0, saved.Version, detail(saved)); err != nil {
				return err
			}
		}
		return nil
	}
	return len(copies), apply, nil
}
