package plan

import (
	"fmt"
	"testing"
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
