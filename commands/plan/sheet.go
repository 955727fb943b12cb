package plan

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/chorus-hq/chorus"
	"github.com/xuri/excelize/v2"
)

// The columns of the plan's one table, in order. A spreadsheet of plans is one table whatever
// the row: a campaign, one of its channels, tasks or touchpoints, so that a .csv (one table) and
// an .xlsx share the layout, and a planner can sort and filter it as they do today.
const (
	colCampaign = iota // the campaign's slug, on every row
	colRow             // what the row is: campaign, channel, task
	colID              // a task's or a touchpoint's number; empty on a new one
	colName            // the campaign's name, a task's title
	colChannel         // a channel's kind; a task's channel ("" for campaign-wide); a touchpoint's
	colOwner           // a channel's, a task's or a touchpoint's owner; the campaign's leads (read-only)
	colSlack           // a channel's Slack channel
	colStart           // the campaign's or a touchpoint's first day
	colEnd             // the campaign's or a touchpoint's last day
	colDue             // a task's deadline, date and time in the campaign's time zone
	colOffset          // a task's deadline relative to the start: J-30 (D-30 in English)
	colSegment         // a touchpoint's audience segment
	colStage           // a touchpoint's journey stage
	colStatus          // the campaign's (read-only) or the task's status
	colApproval        // the approval state of the channel's copy, of the campaign's (read-only)
	numCols
)

// colKeys are the columns' catalog keys (plan.col.<key>), which are also their names in every
// language an import accepts.
var colKeys = [numCols]string{"campaign", "row", "id", "name", "channel", "owner", "slack_channel", "start", "end", "due", "offset", "segment", "stage", "status", "approval"}

// The kinds of row, by catalog key (plan.row.<key>).
const (
	rowCampaign = "campaign"
	rowChannel  = "channel"
	rowTask     = "task"
	rowTouch    = "touchpoint"
)

var rowKinds = []string{rowCampaign, rowChannel, rowTask, rowTouch}

// Limits on a file to import: a workspace's whole plan is a few hundred rows; beyond these it is
// not a plan, and reading it would cost the service more than it is worth.
const (
	MaxFileBytes = 4 << 20
	MaxRows      = 5000
	maxCellRunes = chorus.MaxMessageLen
	dueLayout    = "2006-01-02 15:04"
	sheetName    = "Plan"
)

// errNotSheet is the error of a file that is neither a readable .xlsx nor a .csv.
var errNotSheet = chorus.Errorf(chorus.ErrInvalid, "plan.file.unreadable")

// writeXLSX lays rows out as an .xlsx workbook: one sheet, the header row in bold and frozen,
// a filter on every column, widths that fit.
func writeXLSX(rows [][]string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), sheetName); err != nil {
		return nil, fmt.Errorf("xlsx sheet: %w", err)
	}
	width := make([]int, numCols)
	for i, r := range rows {
		cells := make([]any, len(r))
		for j, v := range r {
			cells[j] = v
			width[j] = max(width[j], utf8.RuneCountInString(v))
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheetName, cell, &cells); err != nil {
			return nil, fmt.Errorf("xlsx row %d: %w", i+1, err)
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE4EE"}}})
	if err != nil {
		return nil, fmt.Errorf("xlsx style: %w", err)
	}
	if err := f.SetRowStyle(sheetName, 1, 1, bold); err != nil {
		return nil, fmt.Errorf("xlsx style: %w", err)
	}
	for j, w := range width {
		col, _ := excelize.ColumnNumberToName(j + 1)
		if err := f.SetColWidth(sheetName, col, col, float64(min(max(w, 8), 60))+2); err != nil {
			return nil, fmt.Errorf("xlsx width: %w", err)
		}
	}
	if err := f.SetPanes(sheetName, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, fmt.Errorf("xlsx panes: %w", err)
	}
	last, _ := excelize.CoordinatesToCellName(numCols, max(len(rows), 2))
	if err := f.AutoFilter(sheetName, "A1:"+last, nil); err != nil {
		return nil, fmt.Errorf("xlsx filter: %w", err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("xlsx write: %w", err)
	}
	return buf.Bytes(), nil
}

// readSheet reads the first sheet of an .xlsx, or a .csv (comma or semicolon separated, as
// French spreadsheets save it, with or without a byte-order mark), into rows of cells.
func readSheet(name string, data []byte) ([][]string, error) {
	if len(data) > MaxFileBytes {
		return nil, chorus.Errorf(chorus.ErrInvalid, "plan.file.large", MaxFileBytes>>20)
	}
	var rows [][]string
	var err error
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		rows, err = readXLSX(data)
	case strings.HasSuffix(strings.ToLower(name), ".xlsx"), strings.HasSuffix(strings.ToLower(name), ".xls"):
		return nil, errNotSheet
	default:
		rows, err = readCSV(data)
	}
	if err != nil {
		return nil, err
	}
	if len(rows) > MaxRows+1 {
		return nil, chorus.Errorf(chorus.ErrInvalid, "plan.file.rows", MaxRows)
	}
	return rows, nil
}

func readXLSX(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return nil, errNotSheet
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errNotSheet
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		return nil, errNotSheet
	}
	return rows, nil
}

func readCSV(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, chorus.Errorf(chorus.ErrInvalid, "plan.file.encoding")
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	var rows [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, errNotSheet
		}
		rows = append(rows, rec)
		if len(rows) > MaxRows+1 {
			return rows, nil
		}
	}
}
