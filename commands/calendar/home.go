package calendar

import (
	"context"
	"slices"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
	lru "github.com/hashicorp/golang-lru/v2"
)

// Versions names the state of a workspace's data, so that what was made from it can be found
// again while it holds.
type Versions interface {
	// DataVersion changes whenever the workspace's settings, campaigns, tasks, touchpoints or
	// submissions may have; "" when it cannot tell.
	DataVersion(ctx context.Context, workspace string) string
}

// homes keeps the calendar's part of the App Home as made lately, by workspace, data version,
// day and language. Every user of a workspace sees the same month, and making it reads every
// campaign, touchpoint and deadline of the month and runs the radar over them: with ten times
// the campaigns it costs ten times as much, while opening the Home again without a change in
// between finds it here. Nothing has to invalidate an entry: a write makes a new data version.
type homes struct {
	parts *lru.Cache[homeKey, []reply.Block] // the least recently used goes first
}

type homeKey struct {
	ws, version string
	today       chorus.Date
	lang        chorus.Lang
}

// keptHomes is how many parts homes keeps: each workspace's, in each language, in practice.
const keptHomes = 64

func newHomes(size int) *homes {
	parts, _ := lru.New[homeKey, []reply.Block](max(size, 1)) // fails only on a size below 1
	return &homes{parts: parts}
}

// HomeBlocks is the calendar's part of the App Home: this month's picture, with a button to the
// calendar, when the month has touchpoints or deadlines. It is made once per version of the
// workspace's data, day and language (homes).
func (f *Feature) HomeBlocks(ctx context.Context, t *feature.Turn) ([]reply.Block, error) {
	c := f.call(t)
	version := f.versions.DataVersion(ctx, c.Req.Workspace)
	if version == "" {
		return c.homeBlocks(ctx)
	}
	key := homeKey{ws: c.Req.Workspace, version: version, today: c.today(), lang: c.Lang}
	if blocks, ok := f.homes.parts.Get(key); ok {
		return slices.Clone(blocks), nil
	}
	blocks, err := c.homeBlocks(ctx)
	if err != nil {
		return nil, err
	}
	f.homes.parts.Add(key, blocks)
	return slices.Clone(blocks), nil
}
