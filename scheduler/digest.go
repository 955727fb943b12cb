package scheduler

import (
	"context"
	"fmt"
	"time"

	"github.com/chorus-hq/chorus"
)

// digest asks the composer for the digest of d at slot, with the reminders folded into it
// since the previous slot.
func (s *Scheduler) digest(ctx context.Context, d chorus.DigestSchedule, slot time.Time) (Digest, error) {
	prev := d.Prev(slot)
	if prev.IsZero() {
		prev = slot.Add(-32 * 24 * time.Hour)
	}
	folded, err := s.st.FoldedOccurrences(ctx, d.WorkspaceID, prev, slot)
	if err != nil {
		return Digest{}, fmt.Errorf("digest missed reminders: %w", err)
	}
	out, err := s.opts.Composer.Digest(ctx, DigestScope{Schedule: d, Slot: slot, Folded: folded})
	if err != nil {
		return Digest{}, fmt.Errorf("compose digest: %w", err)
	}
	return out, nil
}
