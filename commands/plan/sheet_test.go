package plan

import (
	"fmt"
	"testing"

	"github.com/chorus-hq/chorus"
)

// benchRows is a plan of 1,101 rows of 15 cells, as a large workspace's export.
func benchRows() [][]string {
	rows := [][]string{colKeys[:]}
	for i := range 1100 {
		r := make([]string, numCols)
		r[colCampaign], r[colRow], r[colID], r[colName] = fmt.Sprintf("campagne-%02d", i/55), "tâche", fmt.Sprintf("t%05d", i), fmt.Sprintf("Tâche %d", i)
		r[colChannel], r[colOwner], r[colDue], r[colOffset], r[colStatus] = "social", "sami", "2027-08-15 09:00", "J-17", "ouverte"
		rows = append(rows, r)
	}
	return rows
}

// The workbook reads back cell for cell, whatever the row.
func TestSheetRoundTrip(t *testing.T) {
	rows := benchRows()
	rows[3][colName] = "Visuels « été » ; -30 %, \"quoted\"\nsecond line"
	data, err := writeXLSX(rows)
	if err != nil {
		t.Fatal(err)
	}
	back, err := readSheet("plan.xlsx", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(rows) {
		t.Fatalf("%d rows back, want %d", len(back), len(rows))
	}
	for i := range rows {
		for j := range rows[i] {
			got := ""
			if j < len(back[i]) {
				got = back[i][j]
			}
			if got != rows[i][j] {
				t.Fatalf("cell %d,%d = %q, want %q", i+1, j+1, got, rows[i][j])
			}
		}
	}
}

func BenchmarkWriteXLSX(b *testing.B) {
	rows := benchRows()
	for b.Loop() {
		if _, err := writeXLSX(rows); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadXLSX(b *testing.B) {
	data, err := writeXLSX(benchRows())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := readSheet("plan.xlsx", data); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSheetLimits(t *testing.T) {
	var big []byte
	for range MaxRows + 2 {
		big = append(big, "a;b\n"...)
	}
	for _, c := range []struct {
		name string
		data []byte
		code string
	}{
		{"rows.csv", big, "plan.file.rows"},
		{"large.csv", make([]byte, MaxFileBytes+1), "plan.file.large"},
		{"plan.xlsx", []byte("not a workbook"), "plan.file.unreadable"},
		{"latin1.csv", []byte("Campagne;Nom\n\xe9t\xe9;x\n"), "plan.file.encoding"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := readSheet(c.name, c.data); !chorus.HasCode(err, c.code) {
				t.Fatalf("err = %v, want %s", err, c.code)
			}
		})
	}
	rows, err := readSheet("plan.csv", []byte("\ufeffCampagne,Type\nete,tâche\n"))
	if err != nil || len(rows) != 2 || rows[0][0] != "Campagne" || rows[1][1] != "tâche" {
		t.Fatalf("a comma-separated file with a byte-order mark: %q, %v", rows, err)
	}
}
