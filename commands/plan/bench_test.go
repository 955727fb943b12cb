package plan_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands"
	"github.com/chorus-hq/chorus/internal/commandstest"
)

// benchPlan is a workspace's plan at a large team's size: 20 campaigns of 4 channels and
// 50 tasks each (1,101 rows with the header), written straight to the store.
func benchPlan(b *testing.B) (*env, int) {
	b.Helper()
	dir := b.TempDir()
	e := &env{Env: commandstest.NewWith(b, commands.Options{PlanFiles: dirFiles{dir}}), dir: dir}
	ctx := context.Background()
	start := chorus.Date{Year: 2027, Month: time.September, Day: 1}
	for i := range 20 {
		slug := fmt.Sprintf("campagne-%02d", i)
		camp := chorus.Campaign{WorkspaceID: "T1", Slug: slug, Name: "Campagne " + slug, TimeZone: "Europe/Paris", Lang: chorus.French,
			Status: chorus.StatusActive, Leads: []string{"lea"}, Start: start, End: start.AddDays(14), CreatedBy: "lea"}
		for _, k := range []string{"social", "email", "retail", "web"} {
			camp.Channels = append(camp.Channels, chorus.Channel{Kind: k, SlackChannel: "#" + k, Owner: "sami"})
		}
		if _, err := e.Store.CreateCampaign(ctx, camp); err != nil {
			b.Fatal(err)
		}
		for j := range 50 {
			t := chorus.Task{WorkspaceID: "T1", Campaign: slug, ChannelKind: camp.Channels[j%4].Kind, Title: fmt.Sprintf("Tâche %d", j),
				Owner: "sami", Status: chorus.TaskOpen, Relative: j%2 == 0, Offset: -j,
				Due: chorus.RelativeDue(start, -j, time.Time{}, chorus.LoadLocation("Europe/Paris")), CreatedBy: "lea"}
			if _, err := e.Store.CreateTask(ctx, t); err != nil {
				b.Fatal(err)
			}
		}
	}
	return e, 1 + 20*(1+4+50)
}

// BenchmarkExportAll measures /campaign export --all of the whole plan: store reads, the
// workbook, the file.
func BenchmarkExportAll(b *testing.B) {
	e, rows := benchPlan(b)
	var path string
	for b.Loop() {
		path = e.export(b, chorus.French, "/campaign export --all")
	}
	if got := len(cells(b, path)); got != rows {
		b.Fatalf("%d rows, want %d", got, rows)
	}
	info, _ := os.Stat(path)
	b.ReportMetric(float64(info.Size())/1024, "KiB")
}

// BenchmarkImportUnchanged measures reading that export back: parse, check every row against
// the store, preview (nothing to change).
func BenchmarkImportUnchanged(b *testing.B) {
	e, _ := benchPlan(b)
	path := e.export(b, chorus.French, "/campaign export --all")
	for b.Loop() {
		if r := e.Do(b, "lea", "/campaign import "+path); !strings.Contains(r.Text, "rien à changer") {
			b.Fatal(r.Text)
		}
	}
}

// BenchmarkImportCSV measures a .csv of the same plan read back.
func BenchmarkImportCSV(b *testing.B) {
	e, _ := benchPlan(b)
	rows := cells(b, e.export(b, chorus.French, "/campaign export --all"))
	var sb strings.Builder
	for _, r := range rows {
		sb.WriteString(strings.Join(r, ";") + "\n")
	}
	path := filepath.Join(e.dir, "plan.csv")
	if err := os.WriteFile(path, []byte(sb.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if r := e.Do(b, "lea", "/campaign import "+path); !strings.Contains(r.Text, "rien à changer") {
			b.Fatal(r.Text)
		}
	}
}
