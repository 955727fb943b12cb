package imports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// module is the project's import path; rules name the project's packages relative to it.
const module = "github.com/chorus-hq/chorus"

// dep is an imported package: a project package by its path relative to the module ("" for the
// domain), any other by its import path.
type dep struct {
	path    string
	project bool
}

// pkg is what the rules read of one package of `go list -deps -json`.
type pkg struct {
	ImportPath string
	Imports    []string // direct imports
	Deps       []string // every package it depends on, transitively
	Standard   bool
}

// rule forbids the packages in its scope to import some packages.
type rule struct {
	name string
	// applies reports whether the rule governs the project package p (relative path, "" for the
	// domain package).
	applies func(p string) bool
	// forbidden reports whether importing imp breaks the rule for package p.
	forbidden func(p string, imp dep) bool
	// transitive checks every dependency, not only the direct imports.
	transitive bool
}

// The import rules, also listed in docs/architecture.md ("Import rules"). Project packages are
// named relative to the module: "" is the domain (package chorus), "commands/review" a feature.
var rules = []rule{
	{
		name:      "only store and its subpackages import the MongoDB driver",
		applies:   func(p string) bool { return !under(p, "store") },
		forbidden: func(_ string, imp dep) bool { return strings.HasPrefix(imp.path, "go.mongodb.org/mongo-driver") },
	},
	{
		name:      "only bot imports slack-go",
		applies:   func(p string) bool { return p != "bot" },
		forbidden: func(_ string, imp dep) bool { return strings.HasPrefix(imp.path, "github.com/slack-go/slack") },
	},
	{
		name:      "only the LLM adapter (drift/llm) imports go-openai",
		applies:   func(p string) bool { return p != "drift/llm" },
		forbidden: func(_ string, imp dep) bool { return strings.HasPrefix(imp.path, "github.com/sashabaranov/go-openai") },
	},
	{
		name:      "only the plan's spreadsheets (commands/plan) import the xlsx library (excelize)",
		applies:   func(p string) bool { return !under(p, "commands/plan") },
		forbidden: func(_ string, imp dep) bool { return strings.HasPrefix(imp.path, "github.com/xuri/") },
	},
	{
		name:      "the drift detector, the collision radar and the timeline picture do no I/O: no network, file, process or database package",
		applies:   func(p string) bool { return slices.Contains(pure, p) },
		forbidden: func(_ string, imp dep) bool { return !imp.project && doesIO(imp.path) },
	},
	{
		name:       "the scheduler imports neither commands nor a feature",
		applies:    func(p string) bool { return under(p, "scheduler") },
		forbidden:  func(_ string, imp dep) bool { return imp.project && under(imp.path, "commands") },
		transitive: true,
	},
	{
		name:    "a feature imports no other feature and no transport (bot, console)",
		applies: isFeature,
		forbidden: func(p string, imp dep) bool {
			if !imp.project {
				return false
			}
			return (isFeature(imp.path) && feature(imp.path) != feature(p)) || under(imp.path, "bot") || under(imp.path, "console")
		},
		transitive: true,
	},
	{
		name:       "the domain (package chorus) imports nothing of the project",
		applies:    func(p string) bool { return p == "" },
		forbidden:  func(_ string, imp dep) bool { return imp.project },
		transitive: true,
	},
}

// pure are the packages that compute only: what they need comes in as arguments.
var pure = []string{"drift", "radar", "timeline"}

// shared are the packages under commands that are not features: every feature may import them.
var shared = []string{"commands/feature"}

// under reports whether p is dir or a package below it.
func under(p, dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }

// isFeature reports whether p is a feature package: commands/<feature> and below, but not the
// shared packages.
func isFeature(p string) bool {
	if !strings.HasPrefix(p, "commands/") {
		return false
	}
	return !slices.ContainsFunc(shared, func(s string) bool { return under(p, s) })
}

// feature is the feature a feature package belongs to: "commands/minutes" for
// "commands/minutes/x".
func feature(p string) string {
	parts := strings.SplitN(p, "/", 3)
	return parts[0] + "/" + parts[1]
}

// doesIO reports whether a standard package talks to the outside world.
func doesIO(imp string) bool {
	for _, p := range []string{"net", "os", "database", "syscall", "io/ioutil", "plugin", "log/syslog", "crypto/tls"} {
		if under(imp, p) {
			return true
		}
	}
	if slices.ContainsFunc(pureLibraries, func(l string) bool { return under(imp, l) }) {
		return false
	}
	return strings.Contains(imp, ".") // a third-party driver or client
}

// pureLibraries are third-party packages that compute only (no file, network or process):
// Unicode tables, the Snowball stemmers, and the Go team's image and font packages (the
// timeline's drawing, with fonts compiled in), and a bounded LRU map (golang-lru).
var pureLibraries = []string{"golang.org/x/text", "github.com/kljensen/snowball", "golang.org/x/image", "github.com/hashicorp/golang-lru/v2"}

// relative names a project package by its path inside the module ("" for the root).
func relative(imp string) dep {
	if imp == module {
		return dep{path: "", project: true}
	}
	if r, ok := strings.CutPrefix(imp, module+"/"); ok {
		return dep{path: r, project: true}
	}
	return dep{path: imp}
}

// check returns the broken rules, one line per offending import.
func check(pkgs []pkg) []string {
	var out []string
	for _, p := range pkgs {
		self := relative(p.ImportPath)
		if p.Standard || !self.project {
			continue
		}
		rel := self.path
		for _, r := range rules {
			if !r.applies(rel) {
				continue
			}
			imports := p.Imports
			if r.transitive {
				imports = p.Deps
			}
			for _, imp := range imports {
				if r.forbidden(rel, relative(imp)) {
					out = append(out, fmt.Sprintf("%s imports %s: %s", p.ImportPath, imp, r.name))
				}
			}
		}
	}
	return out
}

// listPackages runs `go list -deps -json` over the whole module.
func listPackages(t testing.TB) []pkg {
	t.Helper()
	touchSources(t, filepath.Join("..", ".."))
	cmd := exec.Command("go", "list", "-deps", "-json", module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(b))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// touchSources reads the size and time of every Go file and go.mod under root. The test cache
// does not see what `go list` reads, but it keys a result on the files a test opens or stats:
// so a changed import makes the rules run again instead of replaying a cached pass.
func touchSources(t testing.TB, root string) {
	t.Helper()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".go") || d.Name() == "go.mod") {
			_, err = os.Stat(p)
		}
		return err
	})
	if err != nil {
		t.Fatalf("read the sources: %v", err)
	}
}

// TestImportRules checks every rule of the table on the project as it is.
func TestImportRules(t *testing.T) {
	pkgs := listPackages(t)
	var found []string
	for _, p := range pkgs {
		if d := relative(p.ImportPath); d.project {
			found = append(found, d.path)
		}
	}
	if !slices.Contains(found, "commands") || !slices.Contains(found, "scheduler") || !slices.Contains(found, "") {
		t.Fatalf("go list found the project packages %q: is this the chorus module?", found)
	}
	for _, v := range check(pkgs) {
		t.Error(v)
	}
}

// TestRulesCatch feeds the rules made-up packages that break each of them, and some that keep
// them, so a rule that stops matching anything is noticed.
func TestRulesCatch(t *testing.T) {
	m := func(rel string) string {
		if rel == "" {
			return module
		}
		return module + "/" + rel
	}
	tests := []struct {
		name     string
		pkg      pkg
		breaking bool
	}{
		{"commands imports mongo", pkg{ImportPath: m("commands"), Imports: []string{"go.mongodb.org/mongo-driver/v2/mongo"}}, true},
		{"store/x imports mongo", pkg{ImportPath: m("store/x"), Imports: []string{"go.mongodb.org/mongo-driver/v2/bson"}}, false},
		{"console imports slack-go", pkg{ImportPath: m("console"), Imports: []string{"github.com/slack-go/slack"}}, true},
		{"bot imports slack-go", pkg{ImportPath: m("bot"), Imports: []string{"github.com/slack-go/slack/slackevents"}}, false},
		{"drift imports go-openai", pkg{ImportPath: m("drift"), Imports: []string{"github.com/sashabaranov/go-openai"}}, true},
		{"drift/llm imports go-openai", pkg{ImportPath: m("drift/llm"), Imports: []string{"github.com/sashabaranov/go-openai"}}, false},
		{"commands/campaign imports excelize", pkg{ImportPath: m("commands/campaign"), Imports: []string{"github.com/xuri/excelize/v2"}}, true},
		{"commands/plan imports excelize", pkg{ImportPath: m("commands/plan"), Imports: []string{"github.com/xuri/excelize/v2"}}, false},
		{"drift imports os", pkg{ImportPath: m("drift"), Imports: []string{"os"}}, true},
		{"drift imports net/http", pkg{ImportPath: m("drift"), Imports: []string{"net/http"}}, true},
		{"drift imports strings", pkg{ImportPath: m("drift"), Imports: []string{"strings", m("")}}, false},
		{"drift imports a stemmer", pkg{ImportPath: m("drift"), Imports: []string{"github.com/kljensen/snowball/french"}}, false},
		{"drift imports a driver", pkg{ImportPath: m("drift"), Imports: []string{"github.com/lib/pq"}}, true},
		{"radar imports os", pkg{ImportPath: m("radar"), Imports: []string{"os"}}, true},
		{"radar imports the domain", pkg{ImportPath: m("radar"), Imports: []string{"slices", m("")}}, false},
		{"timeline imports net/http", pkg{ImportPath: m("timeline"), Imports: []string{"net/http"}}, true},
		{"timeline imports the Go fonts", pkg{ImportPath: m("timeline"), Imports: []string{"golang.org/x/image/font/opentype", "image/png"}}, false},
		{"scheduler depends on commands", pkg{ImportPath: m("scheduler"), Deps: []string{m("reply"), m("commands")}}, true},
		{"scheduler depends on a feature", pkg{ImportPath: m("scheduler"), Deps: []string{m("commands/review")}}, true},
		{"scheduler depends on reply", pkg{ImportPath: m("scheduler"), Deps: []string{m("reply"), m("")}}, false},
		{"a feature depends on another", pkg{ImportPath: m("commands/minutes"), Deps: []string{m("commands/campaign")}}, true},
		{"a feature depends on bot", pkg{ImportPath: m("commands/minutes"), Deps: []string{m("bot")}}, true},
		{"a feature depends on the console", pkg{ImportPath: m("commands/review"), Deps: []string{m("console")}}, true},
		{"a feature depends on its own subpackage and the shared base", pkg{ImportPath: m("commands/minutes"), Deps: []string{m("commands/minutes/x"), m("commands/feature"), m("reply")}}, false},
		{"the domain depends on i18n", pkg{ImportPath: m(""), Deps: []string{m("i18n")}}, true},
		{"the domain depends on cron", pkg{ImportPath: m(""), Deps: []string{"github.com/robfig/cron/v3"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := check([]pkg{tt.pkg})
			if (len(got) > 0) != tt.breaking {
				t.Errorf("violations %q, want breaking=%v", got, tt.breaking)
			}
		})
	}
}
