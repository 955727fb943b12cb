package plan

import (
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
)

// planTouchpoints reads the touchpoint rows of campaign camp as the file leaves it: the
// touchpoints to add, the versions to save over existing ones and the preview's lines; the
// problems of bad rows go to ps.
func (c *call) planTouchpoints(key string, camp chorus.Campaign, cur []chorus.Touchpoint, rows []sheetRow, ps *problems) (
	adds, edits []chorus.Touchpoint, changes []change, err error) {
	byID := map[string]chorus.Touchpoint{}
	for _, tp := range cur {
		byID[tp.ID] = tp
	}
	tpKey := func(channel, start string) string { return chorus.Fold(channel) + "\x00" + start }
	byDay := newUnnamed(cur, func(tp chorus.Touchpoint) string { return tp.ID },
		func(tp chorus.Touchpoint) string { return tpKey(tp.Channel, tp.Start.String()) }, rows, rowTouch)
	seen := map[string]int{}
	for _, r := range rows {
		if r.kind != rowTouch {
			continue
		}
		n := len(*ps)
		id := strings.ToLower(strings.TrimPrefix(r.cells[colID], "#"))
		derived := id == ""
		if derived {
			id = derivedTaskID(key, r.line)
			if day, err := readDay(r.cells[colStart]); err == nil {
				if tp, ok := byDay.take(tpKey(r.cells[colChannel], day.String())); ok {
					id = tp.ID
				}
			}
		}
		if l, ok := seen[id]; ok {
			ps.add(r.line, "plan.touchpoint.twice", id, l)
			continue
		}
		seen[id] = r.line
		base, exists := byID[id]
		if !exists && !derived {
			ps.add(r.line, "plan.touchpoint.unknown", id, camp.Slug)
			continue
		}
		tp := base
		if !exists {
			tp = chorus.Touchpoint{WorkspaceID: c.Req.Workspace, ID: id, Campaign: camp.Slug, CreatedBy: c.Req.User}
		}
		tp.UpdatedBy = c.Req.User
		// a column the file does not have leaves what it would say as it is
		if r.has[colChannel] {
			tp.Channel = chorus.Fold(r.cells[colChannel])
		}
		if r.has[colOwner] {
			tp.Owner = ownerCell(r)
		}
		days := [2]chorus.Date{tp.Start, tp.Last()}
		for i, col := range []int{colStart, colEnd} {
			if !r.has[col] {
				continue
			}
			d, err := readDay(r.cells[col])
			if err != nil {
				if err := ps.addErr(r.line, err); err != nil {
					return nil, nil, nil, err
				}
			}
			days[i] = d
		}
		tp = tp.Moved(days[0], days[1])
		if r.has[colSegment] {
			tp.Segment = r.cells[colSegment]
		}
		if seg, ok := chorus.FindSegment(c.WS.Segments, tp.Segment); ok {
			tp.Segment = seg // as the workspace spells it
		}
		if r.has[colStage] {
			tp.Stage = ""
		}
		if v := r.cells[colStage]; v != "" {
			st, ok := chorus.ParseStage(v)
			if !ok {
				st = chorus.Stage(v)
			}
			tp.Stage = st
		}
		if len(*ps) == n {
			if err := tp.Validate(c.WS.CustomKinds, c.WS.Segments); err != nil {
				if err := ps.addErr(r.line, err); err != nil {
					return nil, nil, nil, err
				}
			}
		}
		if len(*ps) > n {
			continue
		}
		switch {
		case !exists:
			adds = append(adds, tp)
			changes = append(changes, change{r.line, c.T("plan.change.in", camp.Name, c.T("plan.change.touchpoint.create", tp.Channel, tp.Start.String(), feature.Mention(tp.Owner)))})
		case tp.Channel != base.Channel || tp.Start != base.Start || tp.Last() != base.Last() || tp.Segment != base.Segment || tp.Stage != base.Stage || tp.Owner != base.Owner:
			edits = append(edits, tp)
			changes = append(changes, change{r.line, c.T("plan.change.in", camp.Name, c.T("plan.change.touchpoint.update", tp.ID, c.diffs(
				diff("channel", base.Channel, tp.Channel), diff("start", base.Start.String(), tp.Start.String()),
				diff("end", base.Last().String(), tp.Last().String()), diff("segment", base.Segment, tp.Segment),
				diff("stage", c.T("stage."+string(base.Stage)), c.T("stage."+string(tp.Stage))),
				diff("owner", feature.Mention(base.Owner), feature.Mention(tp.Owner)))))})
		}
	}
	return adds, edits, changes, nil
}
