package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/tidwall/btree"
)

// An ordered index of a headCache keeps, for each workspace and group (the value of a field, or
// one group for the whole workspace), its heads in the order of a list, in a counted B-tree: a
// page of that list costs the page and its length is known without counting, however many
// heads the group holds. It serves the lists that show the first few and say how many more
// there are (/minutes list, /campaign list, the App Home), which otherwise sort all of them.
type order[D any] struct {
	name string
	// groups are the groups a head belongs to, each the exact selection of one list: a head
	// can be in several (a campaign under each of its leads), or in none.
	groups func(*D) []string
	less   func(a, b *D) int // the list's order; heads it cannot tell apart go by head id
}

// entry is a head in an ordered index, with its id to break ties and to find it again.
type entry[D any] struct {
	hid string
	d   *D
}

type orderKey struct{ ws, order, group string }

// ordered returns the tree of k, made if needed. c.mu must be held for writing.
func (c *headCache[D]) ordered(o *order[D], k orderKey) *btree.BTreeG[entry[D]] {
	t := c.trees[k]
	if t == nil {
		less := o.less
		t = btree.NewBTreeGOptions(func(a, b entry[D]) bool {
			if x := less(a.d, b.d); x != 0 {
				return x < 0
			}
			return a.hid < b.hid
		}, btree.Options{NoLocks: true}) // c.mu guards it
		c.trees[k] = t
	}
	return t
}

// reorder moves head hid of ws from its place as old (nil: it was not held) to its place as d in
// every ordered index. c.mu must be held for writing.
func (c *headCache[D]) reorder(ws, hid string, old, d *D) {
	for i := range c.orders {
		o := &c.orders[i]
		if old != nil {
			for _, g := range o.groups(old) {
				k := orderKey{ws, o.name, g}
				if t := c.trees[k]; t != nil {
					t.Delete(entry[D]{hid, old})
					if t.Len() == 0 {
						delete(c.trees, k)
					}
				}
			}
		}
		for _, g := range o.groups(d) {
			c.ordered(o, orderKey{ws, o.name, g}).Set(entry[D]{hid, d})
		}
	}
}

// hasOrder reports whether the cache keeps the ordered index name.
func (c *headCache[D]) hasOrder(name string) bool {
	for _, o := range c.orders {
		if o.name == name {
			return true
		}
	}
	return false
}

// pageCached answers a page of q from the read model: skip heads, then at most limit (all when
// limit is 0), and how many q selects. It reports false without a loaded read model. With the
// ordered index q names, it walks only the page; without, it lists and cuts.
func (r *versioned[D]) pageCached(q headQuery[D], skip, limit int) ([]D, int, bool) {
	c := r.cache
	if c == nil {
		return nil, 0, false
	}
	c.mu.RLock()
	if !c.loaded {
		c.mu.RUnlock()
		return nil, 0, false
	}
	if q.order == "" || !c.hasOrder(q.order) {
		c.mu.RUnlock()
		ds, ok := r.listCached(q)
		return cut(ds, skip, limit), len(ds), ok
	}
	defer c.mu.RUnlock()
	t := c.trees[orderKey{q.ws, q.order, q.group}]
	if t == nil {
		return nil, 0, true
	}
	total := t.Len()
	n := max(0, min(total-skip, limit))
	if limit == 0 {
		n = max(0, total-skip)
	}
	ds := make([]D, 0, n)
	for i := skip; len(ds) < n; i++ {
		e, _ := t.GetAt(i)
		ds = append(ds, *e.d)
	}
	return ds, total, true
}

// rangeCached answers from the read model the heads of q's ordered index (q.order, q.group)
// after lo (not included) and before hi in its order, of q.ws or of every workspace (then merged
// in that order): every one, or with a limit (0: none) the first limit. It reports whether the
// limit left some out (more), and false without a loaded read model or that index. It walks
// only the heads it returns, and one more per workspace.
func rangeCached[D any](r *versioned[D], q headQuery[D], lo, hi *D, limit int) (ds []D, more, ok bool) {
	c := r.cache
	if c == nil {
		return nil, false, false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	i := slices.IndexFunc(c.orders, func(o order[D]) bool { return o.name == q.order })
	if !c.loaded || i < 0 {
		return nil, false, false
	}
	less := c.orders[i].less
	wss := []string{q.ws}
	if q.ws == "" {
		wss = slices.Collect(maps.Keys(c.byWS))
	}
	var ps []*D
	for _, ws := range wss {
		t := c.trees[orderKey{ws, q.order, q.group}]
		if t == nil {
			continue
		}
		n := 0
		t.Ascend(entry[D]{"", lo}, func(e entry[D]) bool {
			switch {
			case less(e.d, lo) == 0:
				return true // lo itself
			case less(e.d, hi) >= 0:
				return false
			case limit > 0 && n == limit:
				more = true // this workspace has more than the limit
				return false
			}
			ps = append(ps, e.d)
			n++
			return true
		})
	}
	if len(wss) > 1 {
		slices.SortStableFunc(ps, less)
	}
	if limit > 0 && len(ps) > limit {
		ps, more = ps[:limit], true
	}
	ds = make([]D, len(ps))
	for i, p := range ps {
		ds[i] = *p
	}
	return ds, more, true
}

// page is list for one page of q: skip heads, then at most limit (all when 0), and how many q
// selects in all. The server is asked for the page and the count; for a coarse q, for the
// workspace's heads, which q.match then selects.
func (r *versioned[D]) page(ctx context.Context, q headQuery[D], skip, limit int) ([]D, int, error) {
	if ds, total, ok := r.pageCached(q, skip, limit); ok {
		return ds, total, nil
	}
	if q.coarse { // the workspace's heads, which match selects
		ds, err := r.list(ctx, q)
		if err != nil {
			return nil, 0, err
		}
		ds = slices.DeleteFunc(ds, func(d D) bool { return !q.match(&d) })
		return cut(ds, skip, limit), len(ds), nil
	}
	total, err := r.heads.CountDocuments(ctx, q.filter)
	if err != nil {
		return nil, 0, fmt.Errorf("store: count %ss: %w", r.what, err)
	}
	ds, err := r.find(ctx, q, skip, limit)
	if err != nil {
		return nil, 0, err
	}
	return ds, int(total), nil
}

// cut is the page of ds that skips skip and keeps at most limit (all when 0).
func cut[T any](ds []T, skip, limit int) []T {
	ds = ds[min(skip, len(ds)):]
	if limit > 0 && len(ds) > limit {
		ds = ds[:limit]
	}
	return ds
}

// one is the groups of an ordered index with one group per workspace.
func one[D any](*D) []string { return []string{""} }

// groupOf joins the values of several fields into the name of one group.
func groupOf(values ...string) string { return strings.Join(values, "\x00") }
