package feature

import (
	"slices"
	"strconv"
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/drift"
	"github.com/chorus-hq/chorus/reply"
)

// messageFacts are the facts the detector reads in text alone, as the campaign camp states it.
func messageFacts(camp chorus.Campaign, text string) []drift.Fact {
	return drift.Compile(chorus.Campaign{Message: text, Lang: camp.Lang, Start: camp.Start}, nil, 0).Facts()
}

// sameValue reports whether two facts state the same value (drift's notion of the same fact,
// on its exported fields).
func sameValue(a, b drift.Fact) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case drift.FactPercent:
		return a.Value == b.Value && (a.Role == drift.RoleUpTo) == (b.Role == drift.RoleUpTo)
	case drift.FactMoney:
		return a.Value == b.Value && a.Unit == b.Unit && a.Per == b.Per
	case drift.FactDuration:
		return a.Value == b.Value && a.Unit == b.Unit
	case drift.FactPeriod, drift.FactDate, drift.FactDeadline:
		return a.From == b.From && a.To == b.To
	case drift.FactPhone, drift.FactURL, drift.FactCode:
		return a.Text == b.Text
	}
	return a.Role == b.Role
}

// replaces reports whether the new fact b can take the place of the old fact a: the same kind of
// value in the same role (a discount for a discount, a date for a date).
func replaces(a, b drift.Fact) bool {
	dates := func(k drift.FactKind) bool {
		return k == drift.FactPeriod || k == drift.FactDate || k == drift.FactDeadline
	}
	switch {
	case dates(a.Kind) && dates(b.Kind):
		return true
	case a.Kind != b.Kind:
		return false
	case a.Kind == drift.FactMoney:
		return a.Role == b.Role && a.Unit == b.Unit
	}
	return a.Role == b.Role
}

func hasValue(fs []drift.Fact, f drift.Fact) bool {
	return slices.ContainsFunc(fs, func(g drift.Fact) bool { return sameValue(f, g) })
}

// StalePoints returns what after's must-include points say against its message when the message
// changed from before's: each point that states a value the old message stated, the new one no
// longer does, and a new value of the same kind replaced (« -30 % sur toute la literie » once
// -30 % became -40 %), with the point rewritten with the new value when there is one candidate.
// Points already stale in after stay so; points the change concerns are assessed anew.
func StalePoints(before, after chorus.Campaign) []chorus.StalePoint {
	out := slices.Clone(after.StalePoints)
	if chorus.Fold(before.Message) == chorus.Fold(after.Message) {
		return out
	}
	oldFacts, newFacts := messageFacts(before, before.Message), messageFacts(after, after.Message)
	var removed, added []drift.Fact
	for _, f := range oldFacts {
		if !hasValue(newFacts, f) {
			removed = append(removed, f)
		}
	}
	for _, f := range newFacts {
		if !hasValue(oldFacts, f) {
			added = append(added, f)
		}
	}
	if len(removed) == 0 || len(added) == 0 {
		return out
	}
	for _, p := range after.MustInclude {
		for _, f := range messageFacts(after, p) {
			if !hasValue(removed, f) || hasValue(newFacts, f) {
				continue
			}
			var cands []drift.Fact
			for _, a := range added {
				if replaces(f, a) {
					cands = append(cands, a)
				}
			}
			if len(cands) == 0 {
				continue
			}
			if len(cands) > 1 {
				// several new values: the one about the same item, if only one is
				var same []drift.Fact
				for _, a := range cands {
					if a.Item != "" && chorus.Fold(a.Item) == chorus.Fold(f.Item) {
						same = append(same, a)
					}
				}
				cands = same
			}
			sp := chorus.StalePoint{Point: p, Was: f.Quote}
			if len(cands) == 1 && f.Quote != "" && strings.Contains(p, f.Quote) {
				sp.Now = cands[0].Quote
				sp.Proposed = strings.Replace(p, f.Quote, matchCase(f.Quote, cands[0].Quote), 1)
			}
			out = slices.DeleteFunc(out, func(s chorus.StalePoint) bool { return s.Point == p })
			out = append(out, sp)
			break
		}
	}
	return out
}

// matchCase writes s with the case of the first letter of like: « Du 1er au… » replacing
// « du 2 au… » inside a point stays in lower case.
func matchCase(like, s string) string {
	if like == "" || s == "" {
		return s
	}
	l, r := []rune(like), []rune(s)
	if strings.ToLower(string(l[0])) == string(l[0]) {
		r[0] = []rune(strings.ToLower(string(r[0])))[0]
	}
	return string(r)
}

// StaleBlocks says which must-include points of camp contradict its global message and what
// Chorus proposes instead, with the buttons that accept the proposal or keep the points.
func (c *Turn) StaleBlocks(camp chorus.Campaign) []reply.Block {
	if len(camp.StalePoints) == 0 {
		return nil
	}
	lines := []string{"*" + c.T("points.stale.title", len(camp.StalePoints)) + "*"}
	proposals := 0
	for _, sp := range camp.StalePoints {
		lines = append(lines, "• "+c.StaleLine(sp))
		if sp.Proposed != "" {
			proposals++
		}
	}
	lines = append(lines, c.T("points.stale.hint", camp.Slug))
	value := camp.Slug + "@" + strconv.Itoa(camp.Version)
	buttons := []reply.Button{{Text: c.T("points.stale.keep"), ActionID: reply.ActPointsKeep, Value: value}}
	if proposals > 0 {
		buttons = append([]reply.Button{{Text: c.T("points.stale.accept"), ActionID: reply.ActPointsAccept, Value: value, Style: "primary"}}, buttons...)
	}
	return []reply.Block{
		{Kind: reply.Section, Text: "⚠️ " + strings.Join(lines, "\n")},
		{Kind: reply.Actions, Buttons: buttons},
	}
}

// StaleLine says one point that contradicts the message, and the proposal when there is one.
func (c *Turn) StaleLine(sp chorus.StalePoint) string {
	line := c.T("points.stale.line", sp.Point, sp.Was)
	if sp.Proposed != "" {
		line += " " + c.T("points.stale.proposed", sp.Proposed)
	}
	return line
}
