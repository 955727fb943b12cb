package store

import (
	"container/heap"
	"context"
	"slices"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/tidwall/btree"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// orderAwaitingByChange is the ordered index of the submissions awaiting a decision (pending or
// flagged), one group per campaign, the latest change first as Submissions lists them: the App
// Home reads the first few of the campaigns a person leads and their counts, however much copy
// those campaigns, and the workspace, have seen decided.
const orderAwaitingByChange = "awaiting, latest change first"

// bySubmissionChange is the order of submission lists: the latest change first, then by id.
var bySubmissionChange = byKeys(descTime(func(d *submissionDoc) time.Time { return d.UpdatedAt }),
	asc(func(d *submissionDoc) string { return d.SubmissionID }))

// awaitingStatuses are the statuses of copy awaiting someone's decision.
var awaitingStatuses = []chorus.SubmissionStatus{chorus.SubmissionPending, chorus.SubmissionFlagged}

func submissionOrders() []order[submissionDoc] {
	return []order[submissionDoc]{{name: orderAwaitingByChange, less: bySubmissionChange,
		groups: func(d *submissionDoc) []string {
			if slices.Contains(awaitingStatuses, chorus.SubmissionStatus(d.Status)) {
				return []string{d.Campaign}
			}
			return nil
		}}}
}

// AwaitingDecision returns the first limit (every one when 0) of the submissions awaiting a
// decision (pending or flagged) in the campaigns lead leads that are not closed, the latest
// change first, and how many there are in all: the App Home's copy to approve. With the read
// model it costs one look per campaign they lead (its count) and the page, not the copy those
// campaigns hold; without, the server is asked for the page and the count of those campaigns.
func (s *Store) AwaitingDecision(ctx context.Context, workspace, lead string, limit int) ([]chorus.Submission, int, error) {
	if subs, total, ok := s.awaitingCached(workspace, lead, limit); ok {
		return subs, total, nil
	}
	led, _, err := s.CampaignsPage(ctx, workspace, chorus.CampaignFilter{Lead: lead}, 0, 0)
	if err != nil {
		return nil, 0, err
	}
	if len(led) == 0 {
		return nil, 0, nil
	}
	slugs := make(bson.A, len(led))
	in := map[string]bool{}
	for i, c := range led {
		slugs[i], in[c.Slug] = c.Slug, true
	}
	q := headQuery[submissionDoc]{
		filter: bson.D{{Key: "workspace", Value: workspace}, {Key: "campaign", Value: bson.D{{Key: "$in", Value: slugs}}},
			{Key: "status", Value: bson.D{{Key: "$in", Value: statusValues(awaitingStatuses)}}}},
		sort: bson.D{{Key: "updated_at", Value: -1}, {Key: "id", Value: 1}}, ws: workspace, less: bySubmissionChange,
		match: func(d *submissionDoc) bool {
			return in[d.Campaign] && slices.Contains(awaitingStatuses, chorus.SubmissionStatus(d.Status))
		},
	}.narrowed("status", statusValues(awaitingStatuses)...)
	ds, total, err := s.subs.page(ctx, q, 0, limit)
	if err != nil {
		return nil, 0, err
	}
	return submissions(ds), total, nil
}

// awaitingCached answers AwaitingDecision from the read model: the campaigns lead leads from
// the campaigns' ordered index, then each one's tree of copy awaiting a decision, whose lengths
// add up to the count and whose heads are merged (latest change first) as far as the page. It
// reports false unless both kinds are loaded.
func (s *Store) awaitingCached(ws, lead string, limit int) ([]chorus.Submission, int, bool) {
	cc, sc := s.campaigns.cache, s.subs.cache
	if cc == nil || sc == nil {
		return nil, 0, false
	}
	cc.mu.RLock()
	if !cc.loaded {
		cc.mu.RUnlock()
		return nil, 0, false
	}
	var led []string
	if t := cc.trees[orderKey{ws, orderCampaignsBySlug, "lead\x00" + lead}]; t != nil {
		led = make([]string, 0, t.Len())
		t.Scan(func(e entry[campaignDoc]) bool {
			led = append(led, e.d.Slug)
			return true
		})
	}
	cc.mu.RUnlock()
	sc.mu.RLock()
	defer sc.mu.RUnlock()
	if !sc.loaded {
		return nil, 0, false
	}
	total := 0
	cs := make([]cursor, 0, len(led)) // one per campaign led with copy awaiting
	for _, slug := range led {
		if t := sc.trees[orderKey{ws, orderAwaitingByChange, slug}]; t != nil {
			total += t.Len()
			e, _ := t.GetAt(0)
			cs = append(cs, cursor{t: t, e: e})
		}
	}
	if limit == 0 {
		limit = total
	}
	h := merge(cs)
	heap.Init(&h)
	out := make([]chorus.Submission, 0, min(limit, total))
	for len(out) < limit && len(h) > 0 {
		c := &h[0]
		out = append(out, c.e.d.submission())
		c.i++
		if e, ok := c.t.GetAt(c.i); ok {
			c.e = e
			heap.Fix(&h, 0)
		} else {
			heap.Pop(&h)
		}
	}
	return out, total, true
}

// cursor is a place in one campaign's tree of awaiting copy: the entry at i, the next to take.
type cursor struct {
	t *btree.BTreeG[entry[submissionDoc]]
	i int
	e entry[submissionDoc]
}

// before reports whether c's entry comes before o's in the list.
func (c *cursor) before(o *cursor) bool {
	if x := bySubmissionChange(c.e.d, o.e.d); x != 0 {
		return x < 0
	}
	return c.e.hid < o.e.hid
}

// merge is a min-heap of cursors, the one whose entry comes first on top: the campaigns' trees
// merged in the list's order.
type merge []cursor

func (h merge) Len() int           { return len(h) }
func (h merge) Less(i, j int) bool { return h[i].before(&h[j]) }
func (h merge) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *merge) Push(x any)        { *h = append(*h, x.(cursor)) }
func (h *merge) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}
