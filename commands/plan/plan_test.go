package plan_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands"
	"github.com/chorus-hq/chorus/commands/plan"
	"github.com/chorus-hq/chorus/i18n"
	"github.com/chorus-hq/chorus/internal/commandstest"
	"github.com/chorus-hq/chorus/reply"
	"github.com/xuri/excelize/v2"
)

func TestMain(m *testing.M) { commandstest.Main(m) }

func TestCatalogComplete(t *testing.T) { i18n.CheckComplete(t, plan.Catalog()) }

// dirFiles is the console's way with files: exports are written to dir, imports read from it.
type dirFiles struct{ dir string }

func (d dirFiles) Share(_ context.Context, _ reply.Request, name, _ string, data []byte) (string, error) {
	p := filepath.Join(d.dir, name)
	return p, os.WriteFile(p, data, 0o600)
}

func (d dirFiles) Fetch(_ context.Context, ref string) ([]byte, error) { return os.ReadFile(ref) }

type env struct {
	*commandstest.Env
	dir string
}

func newEnv(t testing.TB) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{Env: commandstest.NewWith(t, commands.Options{PlanFiles: dirFiles{dir}}), dir: dir}
	e.Setup(t)
	for _, line := range []string{
		`/campaign channel add ete-literie email #email @nina`,
		`/campaign task add ete-literie social "Visuels Instagram" @sami 15/06 17h`,
		`/campaign task add ete-literie email "Newsletter" @nina 29/06 10h`,
		`/campaign create noel "Noël 2027" 2027-12-01 2027-12-24`,
		`/chorus segment add prospects`,
		`/chorus segment add clients fidélité`,
		`/campaign touchpoint add ete-literie email 03/07..09/07 prospects achat @nina`,
	} {
		if r := e.Do(t, "lea", line); strings.Contains(r.Text, "⚠️") {
			t.Fatalf("%s: %s", line, r.Text)
		}
	}
	// one task dated from the start (J-30), as a template copy makes them
	e.Do(t, "lea", `/campaign create ete-2028 "Été 2028" --from ete-literie 2028-07-01 2028-07-15`)
	return e
}

var writtenRE = regexp.MustCompile(`(/\S+\.xlsx)`)

// export runs line and returns the path of the file it wrote.
func (e *env) export(t testing.TB, lang chorus.Lang, line string) string {
	t.Helper()
	r := e.DoLang(t, "lea", lang, line)
	m := writtenRE.FindStringSubmatch(r.Text)
	if m == nil {
		t.Fatalf("%s wrote no file: %s", line, r.Text)
	}
	return m[1]
}

// cells opens an .xlsx with excelize and returns its first sheet.
func cells(t testing.TB, path string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("excelize cannot open %s: %v", path, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 1 || sheets[0] != "Plan" {
		t.Fatalf("sheets = %v", sheets)
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// edit rewrites cells of an .xlsx: "C4" → value, and appends rows.
func edit(t testing.TB, path, out string, set map[string]string, add ...[]any) string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for cell, v := range set {
		if err := f.SetCellStr("Plan", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	rows, _ := f.GetRows("Plan")
	for i, r := range add {
		cell, _ := excelize.CoordinatesToCellName(1, len(rows)+i+1)
		if err := f.SetSheetRow("Plan", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(out); err != nil {
		t.Fatal(err)
	}
	return out
}

// rowOf is the number (from 1) of the first row whose cells hold every want.
func rowOf(t testing.TB, rows [][]string, want ...string) int {
	t.Helper()
	for i, r := range rows {
		all := strings.Join(r, "|")
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(all, w)
		}
		if ok {
			return i + 1
		}
	}
	t.Fatalf("no row with %v in %v", want, rows)
	return 0
}

func TestExportLayoutInBothLanguages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sub := `/campaign submit ete-literie social Du 1er au 15 juillet 2027, -30 % sur toute la literie, en magasin et en ligne.`
	mustSay(t, e.Do(t, "sami", sub), "ete-literie")
	for _, c := range []struct {
		lang   chorus.Lang
		header []string
		words  []string
	}{
		{chorus.French, []string{"Campagne", "Type", "N°", "Nom", "Canal", "Responsable", "Canal Slack", "Début", "Fin", "Échéance", "Échéance relative", "Segment", "Étape", "Statut", "Approbation"},
			[]string{"campagne", "canal", "tâche", "ouverte", "brouillon", "J-16", "point de contact|", "|prospects|achat"}},
		{chorus.English, []string{"Campaign", "Type", "No.", "Name", "Channel", "Owner", "Slack channel", "Start", "End", "Due", "Relative due", "Segment", "Stage", "Status", "Approval"},
			[]string{"campaign", "channel", "task", "open", "draft", "D-16", "touchpoint|", "|prospects|purchase"}},
	} {
		t.Run(string(c.lang), func(t *testing.T) {
			path := e.export(t, c.lang, "/campaign export --all")
			rows := cells(t, path)
			if strings.Join(rows[0], "|") != strings.Join(c.header, "|") {
				t.Fatalf("header = %q", rows[0])
			}
			all := ""
			for _, r := range rows {
				all += strings.Join(r, "|") + "\n"
			}
			for _, w := range c.words {
				if !strings.Contains(all, w) {
					t.Errorf("the export lacks %q:\n%s", w, all)
				}
			}
			// the campaign, its channels with owners and approval state, its tasks with deadlines
			camp := rows[rowOf(t, rows, "ete-literie", "Soldes d'été literie")-1]
			if camp[7] != "2027-07-01" || camp[8] != "2027-07-15" || camp[5] != "lea" {
				t.Errorf("campaign row %q", camp)
			}
			social := rows[rowOf(t, rows, "ete-literie", "social", "sami")-1]
			if social[6] != "#social" || social[14] == "" {
				t.Errorf("social row %q", social)
			}
			visuals := rows[rowOf(t, rows, "ete-literie", "Visuels Instagram")-1]
			if visuals[9] != "2027-06-15 17:00" || visuals[10] != "" || visuals[5] != "sami" || visuals[4] != "social" || len(visuals[2]) != 6 {
				t.Errorf("task row %q", visuals)
			}
			copied := rows[rowOf(t, rows, "ete-2028", "Visuels Instagram")-1]
			if copied[9] != "2028-06-15 17:00" || !strings.HasSuffix(copied[10], "-16") {
				t.Errorf("relative task row %q", copied)
			}
			rowOf(t, rows, "noel", "Noël 2027", "2027-12-01")
			tp := rows[rowOf(t, rows, "ete-literie", "email", "2027-07-03")-1]
			if tp[7] != "2027-07-03" || tp[8] != "2027-07-09" || tp[5] != "nina" || tp[11] != "prospects" || len(tp[2]) != 6 {
				t.Errorf("touchpoint row %q", tp)
			}
			if c.lang == chorus.French {
				// a look at the file as a planner opens it
				t.Logf("cells of %s:\n%s", filepath.Base(path), all)
			}
		})
	}
	// one campaign's export holds that campaign only
	rows := cells(t, e.export(t, chorus.French, "/campaign export noel"))
	if len(rows) != 2 || rows[1][0] != "noel" {
		t.Fatalf("export of noel = %q", rows)
	}
	camps, _ := e.Store.Campaigns(ctx, "T1")
	if len(camps) != 3 {
		t.Fatalf("campaigns = %d", len(camps))
	}
}

var mustSay = commandstest.MustSay
