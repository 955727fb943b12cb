// Package radar is the collision radar of the communication calendar: given touchpoints, their
// campaigns and what copy is approved, it finds what a lead should not let happen. It is pure
// (no I/O, no clock: today is an argument) and says nothing in words: the calendar feature
// writes its warnings in the reader's language.
//
// The rules:
//   - Pressure: one audience segment reached by more than Settings.Limit touchpoints within any
//     Settings.Window consecutive days (a touchpoint counts once in every window it is live in).
//   - Overlap: two touchpoints of different campaigns (different offers) live on the same days,
//     on the same channel kind, for the same segment.
//   - Unapproved: a touchpoint going live within the window from today (or live already) while
//     no copy of its campaign for its channel is approved.
//   - AfterEnd: a touchpoint live after the last day of its campaign.
//
// Days are calendar days (chorus.Date): a change of daylight saving time changes no count.
package radar

import (
	"cmp"
	"slices"

	"github.com/chorus-hq/chorus"
)

// Kind is a rule of the radar.
type Kind string

// The radar's rules.
const (
	Pressure   Kind = "pressure"
	Overlap    Kind = "overlap"
	Unapproved Kind = "unapproved"
	AfterEnd   Kind = "after_end"
)

// Warning is one thing the radar found: which rule, which campaigns and touchpoints, which days.
type Warning struct {
	Kind        Kind
	Campaigns   []string // slugs, sorted
	Touchpoints []string // ids, by first day then id
	From, To    chorus.Date
	Segment     string // Pressure and Overlap
	Channel     string // Overlap, Unapproved and AfterEnd
	Count       int    // Pressure: touchpoints in the busiest window
}

// Involves reports whether the warning is about the touchpoint id.
func (w Warning) Involves(id string) bool { return slices.Contains(w.Touchpoints, id) }

// Input is what the radar looks at.
type Input struct {
	// Touchpoints to check, removed ones excluded: those of the days of interest, and those of
	// the Window days before and after, so that windows across the edges count right.
	Touchpoints []chorus.Touchpoint
	// Campaigns of the touchpoints, for their last day; a touchpoint whose campaign is missing
	// is only checked against the other touchpoints.
	Campaigns []chorus.Campaign
	// Approved reports whether copy of the campaign for the channel kind is approved; nil
	// leaves the Unapproved rule out.
	Approved func(campaign, channel string) bool
	Settings chorus.RadarSettings // zero fields take the defaults
	Today    chorus.Date
}

// Check returns every warning, by first day, then rule, then campaigns.
func Check(in Input) []Warning {
	set := in.Settings.OrDefault()
	tps := slices.Clone(in.Touchpoints)
	slices.SortFunc(tps, func(a, b chorus.Touchpoint) int {
		return cmp.Or(cmpDate(a.Start, b.Start), cmp.Compare(a.ID, b.ID))
	})
	var out []Warning
	out = append(out, pressure(tps, set)...)
	out = append(out, overlaps(tps)...)
	out = append(out, schedule(tps, in.Campaigns, in.Approved, set, in.Today)...)
	slices.SortStableFunc(out, func(a, b Warning) int {
		return cmp.Or(cmpDate(a.From, b.From), cmp.Compare(a.Kind, b.Kind), slices.Compare(a.Campaigns, b.Campaigns))
	})
	return out
}

// pressure finds the runs of windows in which a segment is reached more than the limit.
func pressure(tps []chorus.Touchpoint, set chorus.RadarSettings) []Warning {
	bySegment := map[string][]chorus.Touchpoint{}
	var segments []string
	for _, tp := range tps {
		k := chorus.Fold(tp.Segment)
		if _, ok := bySegment[k]; !ok {
			segments = append(segments, k)
		}
		bySegment[k] = append(bySegment[k], tp)
	}
	var out []Warning
	for _, k := range segments {
		group := bySegment[k]
		if len(group) <= set.Limit {
			continue
		}
		first, last := group[0].Start, group[0].Last()
		for _, tp := range group {
			if last.Before(tp.Last()) {
				last = tp.Last()
			}
		}
		// Every window [a, a+Window-1] that can hold a touchpoint of the group, in day order;
		// consecutive windows over the limit make one warning.
		var cur *Warning
		var seen map[string]bool
		flush := func() {
			if cur != nil {
				out = append(out, *cur)
				cur = nil
			}
		}
		for a := first.AddDays(1 - set.Window); !last.Before(a); a = a.AddDays(1) {
			b := a.AddDays(set.Window - 1)
			var in []chorus.Touchpoint
			for _, tp := range group {
				if tp.Overlaps(a, b) {
					in = append(in, tp)
				}
			}
			if len(in) <= set.Limit {
				flush()
				continue
			}
			if cur == nil {
				cur = &Warning{Kind: Pressure, Segment: group[0].Segment, From: b, To: a}
				seen = map[string]bool{}
			}
			cur.Count = max(cur.Count, len(in))
			for _, tp := range in {
				// the days concerned: those of the busy windows on which a touchpoint is live
				cur.From = minDate(cur.From, maxDate(a, tp.Start))
				cur.To = maxDate(cur.To, minDate(b, tp.Last()))
				if !seen[tp.ID] {
					seen[tp.ID] = true
					cur.Touchpoints = append(cur.Touchpoints, tp.ID)
					cur.Campaigns = addCampaign(cur.Campaigns, tp.Campaign)
				}
			}
		}
		flush()
	}
	for i := range out {
		slices.Sort(out[i].Campaigns)
	}
	return out
}

// overlaps finds the pairs of touchpoints of different campaigns live together on one channel
// for one segment.
func overlaps(tps []chorus.Touchpoint) []Warning {
	var out []Warning
	for i, a := range tps {
		for _, b := range tps[i+1:] {
			if a.Campaign == b.Campaign || a.Channel != b.Channel || chorus.Fold(a.Segment) != chorus.Fold(b.Segment) ||
				!a.Overlaps(b.Start, b.Last()) {
				continue
			}
			out = append(out, Warning{Kind: Overlap, Campaigns: sorted(a.Campaign, b.Campaign),
				Touchpoints: []string{a.ID, b.ID}, From: maxDate(a.Start, b.Start), To: minDate(a.Last(), b.Last()),
				Segment: a.Segment, Channel: a.Channel})
		}
	}
	return out
}

// schedule finds touchpoints going live without approved copy, or after their campaign ended.
func schedule(tps []chorus.Touchpoint, camps []chorus.Campaign, approved func(string, string) bool, set chorus.RadarSettings, today chorus.Date) []Warning {
	bySlug := map[string]chorus.Campaign{}
	for _, c := range camps {
		bySlug[c.Slug] = c
	}
	soon := today.AddDays(set.Window - 1)
	var out []Warning
	for _, tp := range tps {
		if approved != nil && !soon.Before(tp.Start) && !tp.Last().Before(today) && !approved(tp.Campaign, tp.Channel) {
			out = append(out, Warning{Kind: Unapproved, Campaigns: []string{tp.Campaign}, Touchpoints: []string{tp.ID},
				From: tp.Start, To: tp.Last(), Channel: tp.Channel})
		}
		if c, ok := bySlug[tp.Campaign]; ok && !c.End.IsZero() && c.End.Before(tp.Last()) {
			out = append(out, Warning{Kind: AfterEnd, Campaigns: []string{tp.Campaign}, Touchpoints: []string{tp.ID},
				From: maxDate(tp.Start, c.End.AddDays(1)), To: tp.Last(), Channel: tp.Channel})
		}
	}
	return out
}

func addCampaign(cs []string, slug string) []string {
	if slices.Contains(cs, slug) {
		return cs
	}
	return append(cs, slug)
}

func sorted(a, b string) []string {
	if b < a {
		a, b = b, a
	}
	return []string{a, b}
}

func cmpDate(a, b chorus.Date) int { return chorus.DaysBetween(b, a) }

func minDate(a, b chorus.Date) chorus.Date {
	if b.Before(a) {
		return b
	}
	return a
}

func maxDate(a, b chorus.Date) chorus.Date {
	if a.Before(b) {
		return b
	}
	return a
}
