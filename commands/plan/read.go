package plan

import (
	"strings"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
)

// sheetRow is one row of a spreadsheet as read: its number as the spreadsheet shows it
// (the header is row 1) and its cells by column.
type sheetRow struct {
	line  int
	cells [numCols]string
	has   [numCols]bool // the file has the column
	kind  string
}

// rowProblem is what is wrong with one row.
type rowProblem struct {
	line int
	err  *chorus.Error
}

// problems collects what is wrong with a file, row by row.
type problems []rowProblem

func (ps *problems) add(line int, code string, args ...any) {
	*ps = append(*ps, rowProblem{line: line, err: chorus.Errorf(chorus.ErrInvalid, code, args...)})
}

// addErr adds the domain problems of err to line; an error that is no domain problem is
// returned, for the caller to fail with.
func (ps *problems) addErr(line int, err error) error {
	list := chorus.ProblemsOf(err)
	if len(list) == 0 {
		return err
	}
	for _, p := range list {
		*ps = append(*ps, rowProblem{line: line, err: p})
	}
	return nil
}

// words maps what a cell may say, in French or English, to the key it means: the columns'
// names, the kinds of row, the task statuses.
func (c *call) words(prefix string, keys []string) map[string]string {
	out := map[string]string{}
	for _, k := range keys {
		out[chorus.Fold(k)] = k
		for _, lang := range chorus.Langs {
			out[chorus.Fold(c.Catalog.T(lang, prefix+k))] = k
		}
	}
	return out
}

var taskStatuses = []string{string(chorus.TaskOpen), string(chorus.TaskDone), string(chorus.TaskCancelled)}

// readRows finds the columns by their header (in either language, in any order; unknown
// columns are the planner's own and are ignored) and reads every row after it. Blank rows are
// skipped; so are rows with problems, which are reported, and the rest are still read so that
// every bad row is reported at once. ok is false when the header itself is wrong.
func (c *call) readRows(rows [][]string) (out []sheetRow, ps problems, ok bool) {
	if len(rows) == 0 {
		ps.add(1, "plan.file.empty")
		return nil, ps, false
	}
	names := c.words("plan.col.", colKeys[:])
	index := map[int]int{} // file column → our column
	seen := map[int]bool{}
	for i, h := range rows[0] {
		if col, ok := names[chorus.Fold(strings.TrimSpace(h))]; ok {
			j := indexOf(col)
			if seen[j] {
				ps.add(1, "plan.col.twice", strings.TrimSpace(h))
			}
			seen[j], index[i] = true, j
		}
	}
	for _, need := range []int{colCampaign, colRow} {
		if !seen[need] {
			ps.add(1, "plan.col.missing", c.T("plan.col."+colKeys[need]))
		}
	}
	if len(ps) > 0 {
		return nil, ps, false
	}
	kinds := c.words("plan.row.", rowKinds)
	for n, cells := range rows[1:] {
		r := sheetRow{line: n + 2}
		for _, j := range index {
			r.has[j] = true
		}
		blank := true
		for i, v := range cells {
			v = strings.TrimSpace(chorus.CleanText(v))
			if j, ok := index[i]; ok {
				r.cells[j] = v
			}
			blank = blank && v == ""
		}
		if blank {
			continue
		}
		n := len(ps)
		for _, v := range r.cells {
			if len([]rune(v)) > maxCellRunes {
				ps.add(r.line, "plan.cell.long", maxCellRunes)
				break
			}
		}
		r.kind = kinds[chorus.Fold(r.cells[colRow])]
		switch {
		case r.cells[colCampaign] == "":
			ps.add(r.line, "plan.row.no_campaign")
		case !chorus.ValidSlug(r.cells[colCampaign]):
			ps.add(r.line, "campaign.slug.syntax", r.cells[colCampaign])
		case r.kind == "":
			words := make([]string, len(rowKinds))
			for i, k := range rowKinds {
				words[i] = c.T("plan.row." + k)
			}
			ps.add(r.line, "plan.row.kind", r.cells[colRow], strings.Join(words, ", "))
		}
		if len(ps) == n {
			out = append(out, r)
		}
	}
	return out, ps, true
}

func indexOf(key string) int {
	for i, k := range colKeys {
		if k == key {
			return i
		}
	}
	return -1
}

// readDay reads a campaign's day as people write it (ReadDay), "" being no date.
func readDay(s string) (chorus.Date, error) {
	if s == "" {
		return chorus.Date{}, nil
	}
	if d, err := chorus.ParseDate(s); err == nil {
		return d, nil
	}
	// a spreadsheet's date cell read with its time: "2027-07-01 00:00"
	if t, err := time.Parse(dueLayout, s); err == nil {
		return chorus.DateOf(t), nil
	}
	return chorus.ReadDay(s)
}

// readDue reads a task's deadline in loc: the export's "2027-06-15 17:00", or anything people
// type (ParseMoment: « 15/06 17h », "June 15 5pm").
func readDue(s string, loc *time.Location, now time.Time) (time.Time, error) {
	if t, err := time.ParseInLocation(dueLayout, s, loc); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return t.Add(chorus.DefaultDueClock).UTC(), nil
	}
	m, err := chorus.ParseMoment(s, loc, now)
	if err != nil {
		return time.Time{}, err
	}
	return m.Time.UTC(), nil
}

// readOwner reads a user as the export writes them (an id) or as typed (@alice).
func readOwner(s string) (string, bool) {
	u, ok := feature.UserArg(s)
	return u, ok && chorus.ValidUserID(u)
}

// ownerCell is the owner of a task or touchpoint row: the user the cell names, or the cell as
// typed, which the domain's validation then refuses (empty, or no user).
func ownerCell(r sheetRow) string {
	if u, ok := readOwner(r.cells[colOwner]); ok {
		return u
	}
	return r.cells[colOwner]
}
