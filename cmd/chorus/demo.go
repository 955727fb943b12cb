package main

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/chorus-hq/chorus/console"
	"github.com/chorus-hq/chorus/scheduler"
)

// demoFS holds the tour, one script per feature, played in file-name order: a lead sets up a
// campaign and its glossary, teams get tasks, and the roles and bad inputs show their answers.
// Each line is typed as in the console.
//
//go:embed demo/*.txt
var demoFS embed.FS

// demoScript returns the tour's scripts joined in file-name order.
func demoScript() (string, error) {
	names, err := fs.Glob(demoFS, "demo/*.txt")
	if err != nil {
		return "", err
	}
	slices.Sort(names)
	var b strings.Builder
	for _, n := range names {
		data, err := demoFS.ReadFile(n)
		if err != nil {
			return "", err
		}
		b.Write(data)
		b.WriteString("\n")
	}
	return b.String(), nil
}

// demoStart is the simulated "now" of the tour: a June morning before a July campaign.
var demoStart = time.Date(2027, 6, 1, 9, 0, 0, 0, time.UTC)

func runDemo(ctx context.Context, env environment, args []string) error {
	fs := newFlags("chorus demo", env)
	lang := fs.String("lang", "fr", "language of the tour: fr or en")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *lang != "fr" && *lang != "en" {
		return fmt.Errorf("--lang %q: choose fr or en", *lang)
	}
	dir, err := os.MkdirTemp("", "chorus-demo-")
	if err != nil {
		return fmt.Errorf("demo data dir: %w", err)
	}
	defer os.RemoveAll(dir)
	demoEnv := env
	demoEnv.getenv = func(k string) string {
		switch k {
		case "CHORUS_DATA_DIR":
			return dir
		case "CHORUS_MONGODB_URI", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "OPENAI_API_KEY":
			return "" // the demo never touches a real store, Slack or LLM
		case "CHORUS_LANG":
			return *lang
		case "CHORUS_LOG_LEVEL":
			return "error"
		}
		return env.getenv(k)
	}
	clk := &simClock{t: demoStart} // "/clock +1d" moves it (scheduler.go)
	demoEnv.now = clk.Now
	a, err := newApp(ctx, demoEnv, "")
	if err != nil {
		return err
	}
	defer a.close()
	fmt.Fprintf(env.stdout, "Chorus demo — %s (simulated clock)\n\n", clk.Now().In(a.cfg.Location()).Format("2006-01-02 15:04 MST"))
	script, err := demoScript()
	if err != nil {
		return fmt.Errorf("demo script: %w", err)
	}
	var sched *scheduler.Scheduler
	out := newConsoleSender(nil, clk.Now)
	out.buffer, out.loc, out.lang = true, a.cfg.Location(), a.cfg.Lang
	c := console.New(a.commands, strings.NewReader(script), env.stdout, console.Options{
		Workspace: "demo", User: "lea", Admins: []string{"lea"},
		Directive: clockDirective(clk, func() *scheduler.Scheduler { return sched }, out),
	})
	out.deliver = c.Deliver
	if sched, err = a.newScheduler(ctx, out, clk.Now, "demo"); err != nil {
		return err
	}
	if err := sched.Load(ctx); err != nil {
		return err
	}
	defer sched.Wait()
	if err := c.Run(ctx); err != nil {
		return err
	}
	// the tour says it is over, and what to do next, rather than stop on its last command
	fmt.Fprintf(env.stdout, "\n%s\n", demoEnd[*lang])
	return nil
}

// demoEnd closes the tour, in its language.
var demoEnd = map[string]string{
	"fr": "Fin de la visite. Pour essayer vous-même : go run ./cmd/chorus (la console, données dans ./data), puis /campaign help.",
	"en": "End of the tour. To try it yourself: go run ./cmd/chorus (the console, data in ./data), then /campaign help.",
}
