package store_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// This file is the rule TestEveryQueryHasAnIndex applies to each query the store sends: which
// index of its collection, if any, serves it as MongoDB would, without scanning the collection
// and without sorting in memory. docs/architecture.md (Store) states the rule for people.

// shape is what an index needs to know of a filter: its fields by the kind of comparison.
type shape struct {
	eq   []string // compared for equality, or with $in (a few equalities, merged in sort order)
	rng  []string // bounded by a range ($gt, $lt…) or by an unselective $ne, $nin, $exists
	free []string // matched by $regex: no index bounds an unanchored pattern, the other fields must
	byID bool     // _id compared for equality or with $in: at most one document per value
}

// empty reports a filter that selects every document: the query reads the whole collection.
func (s shape) empty() bool { return len(s.eq)+len(s.rng)+len(s.free) == 0 && !s.byID }

// keyField is one key of an index, or of a sort: the field and its direction (1 or -1).
type keyField struct {
	name string
	dir  int
}

// keyPattern reads an index's key pattern, or a sort, as the server sends it.
func keyPattern(d bson.Raw) ([]keyField, error) {
	els, err := d.Elements()
	if err != nil {
		return nil, err
	}
	out := make([]keyField, len(els))
	for i, e := range els {
		var n float64 // 0 for a special index ("text", "hashed"…): no order
		switch v := e.Value(); v.Type {
		case bson.TypeInt32:
			n = float64(v.Int32())
		case bson.TypeInt64:
			n = float64(v.Int64())
		case bson.TypeDouble:
			n = v.Double()
		}
		dir := 0
		switch {
		case n > 0:
			dir = 1
		case n < 0:
			dir = -1
		}
		out[i] = keyField{e.Key(), dir}
	}
	return out, nil
}

// shapesOf reads a filter into the shapes an index must serve: one, or one per branch of an
// $or (each branch with the rest of the filter). Operators it does not know are errors, so that
// a new kind of query is looked at before it is taken as served.
func shapesOf(filter bson.Raw) ([]shape, error) {
	base := shape{}
	var ors [][]shape
	els, err := filter.Elements()
	if err != nil {
		return nil, err
	}
	for _, e := range els {
		k, v := e.Key(), e.Value()
		switch {
		case k == "$and":
			docs, err := v.Array().Values()
			if err != nil {
				return nil, err
			}
			for _, d := range docs {
				sub, err := shapesOf(d.Document())
				if err != nil {
					return nil, err
				}
				ors = append(ors, sub) // each one shape unless it holds an $or
			}
		case k == "$or":
			docs, err := v.Array().Values()
			if err != nil {
				return nil, err
			}
			var branches []shape
			for _, d := range docs {
				sub, err := shapesOf(d.Document())
				if err != nil {
					return nil, err
				}
				branches = append(branches, sub...)
			}
			ors = append(ors, branches)
		case k == "$comment":
		case strings.HasPrefix(k, "$"):
			return nil, fmt.Errorf("top-level operator %s", k)
		default:
			kind, err := comparison(v)
			if err != nil {
				return nil, fmt.Errorf("field %s: %w", k, err)
			}
			base.add(k, kind)
		}
	}
	out := []shape{base}
	for _, alts := range ors { // the cross product: each combination must be served
		var next []shape
		for _, s := range out {
			for _, a := range alts {
				next = append(next, s.merge(a))
			}
		}
		out = next
	}
	return out, nil
}

type kind int

const (
	kindEq kind = iota
	kindIn
	kindRange
	kindFree
)

func (s *shape) add(field string, k kind) {
	switch k {
	case kindEq, kindIn:
		s.eq = append(s.eq, field)
		s.byID = s.byID || field == "_id"
	case kindRange:
		s.rng = append(s.rng, field)
	case kindFree:
		s.free = append(s.free, field)
	}
}

func (s shape) merge(o shape) shape {
	return shape{eq: append(slices.Clone(s.eq), o.eq...), rng: append(slices.Clone(s.rng), o.rng...),
		free: append(slices.Clone(s.free), o.free...), byID: s.byID || o.byID}
}

// comparison says how a filter compares one field: a value or a document without operators is
// an equality; a document of operators is the loosest of them.
func comparison(v bson.RawValue) (kind, error) {
	if v.Type == bson.TypeRegex {
		return kindFree, nil
	}
	doc, ok := v.DocumentOK()
	if !ok {
		return kindEq, nil
	}
	els, err := doc.Elements()
	if err != nil {
		return 0, err
	}
	if len(els) == 0 || !strings.HasPrefix(els[0].Key(), "$") {
		return kindEq, nil
	}
	k := kindEq
	for _, e := range els {
		var this kind
		switch e.Key() {
		case "$eq":
			this = kindEq
		case "$in":
			this = kindIn
		case "$gt", "$gte", "$lt", "$lte", "$ne", "$nin", "$exists":
			this = kindRange
		case "$regex", "$options":
			this = kindFree
		default:
			return 0, fmt.Errorf("operator %s", e.Key())
		}
		k = max(k, this)
	}
	return k, nil
}

// served reports whether the index with keys serves a query of shape s sorted by sort, the
// way MongoDB plans it (equality, sort, range):
//   - a filter on _id by equality or $in is served by the _id index, whatever it sorts by:
//     it returns at most one document per value;
//   - the index's first keys are exactly the equality fields, in any order;
//   - the sort, less the fields fixed by equality, is the next keys, in the index's directions
//     or all reversed;
//   - every range field is a key after the equality ones, and the scan is bounded: an equality
//     field, or the first key after them is a range field;
//   - a $regex field needs no key (the scan it filters is bounded by the others).
func served(s shape, sort, keys []keyField) bool {
	if s.byID {
		return true
	}
	p := 0
	for p < len(keys) && slices.Contains(s.eq, keys[p].name) {
		p++
	}
	for _, f := range s.eq {
		if !slices.ContainsFunc(keys[:p], func(k keyField) bool { return k.name == f }) {
			return false
		}
	}
	var rest []keyField // the sort less the fields equality fixes
	for _, k := range sort {
		if !slices.Contains(s.eq, k.name) {
			rest = append(rest, k)
		}
	}
	if len(rest) > 0 {
		if p+len(rest) > len(keys) {
			return false
		}
		same, reversed := true, true
		for i, k := range rest {
			ik := keys[p+i]
			if ik.name != k.name || ik.dir == 0 {
				return false
			}
			same = same && ik.dir == k.dir
			reversed = reversed && ik.dir == -k.dir
		}
		if !same && !reversed {
			return false
		}
	}
	for _, f := range s.rng {
		if !slices.ContainsFunc(keys[p:], func(k keyField) bool { return k.name == f }) {
			return false
		}
	}
	return p > 0 || (p < len(keys) && slices.Contains(s.rng, keys[p].name))
}

// keysOf reads "workspace,-updated_at,id" as index keys (a leading "-" for descending).
func keysOf(pattern string) []keyField {
	var out []keyField
	for _, f := range strings.Split(pattern, ",") {
		if f == "" {
			continue
		}
		if name, ok := strings.CutPrefix(f, "-"); ok {
			out = append(out, keyField{name, -1})
		} else {
			out = append(out, keyField{f, 1})
		}
	}
	return out
}

// TestIndexMatcher checks the rule itself on shapes whose answer MongoDB's planner gives: the
// coverage test is only as good as this.
func TestIndexMatcher(t *testing.T) {
	rng := bson.D{{Key: "$lt", Value: 5}}
	cases := []struct {
		name    string
		filter  bson.D
		sort    string
		indexes []string
		want    bool
	}{
		{"equality on the first key", bson.D{{Key: "workspace", Value: "T1"}}, "", []string{"workspace,slug"}, true},
		{"equalities in another order", bson.D{{Key: "slug", Value: "x"}, {Key: "workspace", Value: "T1"}}, "", []string{"workspace,slug"}, true},
		{"equality not on the first key", bson.D{{Key: "slug", Value: "x"}}, "", []string{"workspace,slug"}, false},
		{"no index at all", bson.D{{Key: "workspace", Value: "T1"}}, "", nil, false},
		{"a field the index lacks", bson.D{{Key: "workspace", Value: "T1"}, {Key: "status", Value: "open"}}, "", []string{"workspace,due"}, false},
		{"equality skipping a key", bson.D{{Key: "workspace", Value: "T1"}, {Key: "id", Value: "x"}}, "", []string{"workspace,due,id"}, false},
		{"one index of several", bson.D{{Key: "workspace", Value: "T1"}, {Key: "owner", Value: "U1"}}, "due,id", []string{"workspace,due,id", "workspace,owner,due,id"}, true},
		{"sort on the next keys", bson.D{{Key: "workspace", Value: "T1"}}, "due,id", []string{"workspace,due,id"}, true},
		{"sort all reversed", bson.D{{Key: "workspace", Value: "T1"}}, "-due,-id", []string{"workspace,due,id"}, true},
		{"sort half reversed", bson.D{{Key: "workspace", Value: "T1"}}, "-due,id", []string{"workspace,due,id"}, false},
		{"mixed sort on a mixed index", bson.D{{Key: "workspace", Value: "T1"}}, "-updated_at,id", []string{"workspace,-updated_at,id"}, true},
		{"mixed sort on that index reversed", bson.D{{Key: "workspace", Value: "T1"}}, "updated_at,-id", []string{"workspace,-updated_at,id"}, true},
		{"sort on a key after a gap", bson.D{{Key: "workspace", Value: "T1"}}, "id", []string{"workspace,due,id"}, false},
		{"sort on a tie-breaker the index lacks", bson.D{{Key: "workspace", Value: "T1"}}, "at,_id", []string{"workspace,at"}, false},
		{"sort on a field fixed by equality", bson.D{{Key: "workspace", Value: "T1"}, {Key: "kind", Value: "d"}}, "kind,at", []string{"workspace,kind,at"}, true},
		{"$in then sort: merged", bson.D{{Key: "workspace", Value: "T1"}, {Key: "status", Value: bson.D{{Key: "$in", Value: bson.A{"a", "b"}}}}}, "due", []string{"workspace,status,due"}, true},
		{"range after the equalities", bson.D{{Key: "kind", Value: "k"}, {Key: "at", Value: rng}}, "", []string{"kind,at"}, true},
		{"range alone on the first key", bson.D{{Key: "at", Value: rng}}, "", []string{"at"}, true},
		{"range not on the first key", bson.D{{Key: "at", Value: rng}}, "", []string{"kind,at"}, false},
		{"range and sort on it", bson.D{{Key: "until", Value: rng}}, "until,_id", []string{"until,_id"}, true},
		{"range and sort on another field", bson.D{{Key: "until", Value: rng}}, "_id", []string{"until"}, false},
		{"equality, sort, then range (ESR)", bson.D{{Key: "workspace", Value: "T1"}, {Key: "last", Value: rng}}, "start,id", []string{"workspace,start,id,last"}, true},
		{"range between equality and sort", bson.D{{Key: "workspace", Value: "T1"}, {Key: "last", Value: rng}}, "start,id", []string{"workspace,last,start,id"}, false},
		{"two ranges, sort on the first", bson.D{{Key: "golive", Value: rng}, {Key: "edition", Value: rng}}, "golive,_id", []string{"golive,_id,edition"}, true},
		{"$nin is a range", bson.D{{Key: "owner", Value: bson.D{{Key: "$nin", Value: bson.A{"p1"}}}}}, "", nil, false},
		{"_id equality needs nothing", bson.D{{Key: "_id", Value: "x"}, {Key: "version", Value: rng}}, "", nil, true},
		{"_id $in needs nothing", bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{"x", "y"}}}}}, "-started_at", nil, true},
		{"_id range is no lookup", bson.D{{Key: "_id", Value: rng}}, "", nil, false},
		{"regex beside a bounded prefix", bson.D{{Key: "workspace", Value: "T1"}, {Key: "folded", Value: bson.D{{Key: "$regex", Value: "x"}}}}, "", []string{"workspace,started_at"}, true},
		{"regex alone", bson.D{{Key: "folded", Value: bson.D{{Key: "$regex", Value: "x"}}}}, "", []string{"folded"}, false},
		{"$or: each branch served", bson.D{{Key: "$or", Value: bson.A{bson.D{{Key: "a", Value: 1}}, bson.D{{Key: "b", Value: 1}}}}}, "", []string{"a", "b"}, true},
		{"$or: one branch not served", bson.D{{Key: "$or", Value: bson.A{bson.D{{Key: "a", Value: 1}}, bson.D{{Key: "c", Value: 1}}}}}, "", []string{"a", "b"}, false},
		{"$and flattens", bson.D{{Key: "$and", Value: bson.A{bson.D{{Key: "a", Value: 1}}, bson.D{{Key: "b", Value: rng}}}}}, "", []string{"a,b"}, true},
		{"an empty filter reads everything", bson.D{}, "_id", []string{"_id"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			shapes, err := shapesOf(rawOf(c.filter))
			if err != nil {
				t.Fatal(err)
			}
			var idx [][]keyField
			for _, p := range c.indexes {
				idx = append(idx, keysOf(p))
			}
			if got := servedByAny(shapes, keysOf(c.sort), idx); got != c.want {
				t.Errorf("served = %v, want %v (shapes %+v)", got, c.want, shapes)
			}
		})
	}
	if _, err := shapesOf(rawOf(bson.D{{Key: "a", Value: bson.D{{Key: "$where", Value: "1"}}}})); err == nil {
		t.Error("an unknown operator was taken as understood")
	}
}

// servedByAny reports whether every shape is served by one of the indexes.
func servedByAny(shapes []shape, sort []keyField, indexes [][]keyField) bool {
	for _, s := range shapes {
		if s.byID {
			continue
		}
		if !slices.ContainsFunc(indexes, func(keys []keyField) bool { return served(s, sort, keys) }) {
			return false
		}
	}
	return true
}

// rawOf is d as the driver sends it.
func rawOf(d bson.D) bson.Raw {
	raw, err := bson.Marshal(d)
	if err != nil {
		panic(err) // a bson.D of plain values always marshals
	}
	return raw
}
