package calendar_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/internal/commandstest"
	"github.com/chorus-hq/chorus/reply"
)

var demoPath = flag.String("demo", "", "write the demo workspace's quarter picture to this file")

// demoCampaigns are the demo workspace's 12 campaigns over the third quarter of 2027.
var demoCampaigns = []struct{ slug, name, start, end string }{
	{"ete-literie", "Soldes d'été literie", "2027-07-01", "2027-07-31"},
	{"rentree", "Rentrée des classes", "2027-08-16", "2027-09-15"},
	{"canapes", "Canapés -40 %", "2027-07-05", "2027-08-10"},
	{"fidelite", "Programme fidélité", "2027-07-01", "2027-09-30"},
	{"salon-maison", "Salon Maison & Objet", "2027-09-01", "2027-09-12"},
	{"douce-nuit", "Lancement DouceNuit", "2027-07-15", "2027-08-31"},
	{"jardin", "Jardin d'été", "2027-07-01", "2027-08-15"},
	{"cuisine", "Cuisine équipée", "2027-08-01", "2027-09-30"},
	{"b2b-hotels", "Offre B2B hôtels", "2027-07-10", "2027-09-20"},
	{"lyon-10-ans", "Anniversaire Lyon", "2027-09-10", "2027-09-25"},
	{"black-friday", "Black Friday avant-première", "2027-09-15", "2027-09-30"},
	{"eco-gestes", "Éco-gestes", "2027-07-20", "2027-09-10"},
}

var demoKinds = []string{"email", "social", "retail", "web", "pr", "events"}
var demoSegments = []string{`"clients fidélité"`, "prospects", "B2B", "étudiants"}
var demoStages = []string{"decouverte", "consideration", "achat", "fidelisation"}

// demoEnv is the demo workspace: 12 campaigns, 60 touchpoints (5 each, spread over each
// campaign's days, one in four a range), a deadline per campaign; then the clock moves to
// Monday 12 July 2027 so today's line shows.
func demoEnv(t testing.TB) *commandstest.Env {
	t.Helper()
	e := commandstest.New(t)
	do := func(line string) {
		if r := e.Do(t, "lea", line); strings.HasPrefix(r.Text, "⚠️") { // radar warnings follow a success
			t.Fatalf("%s: %s", line, r.Text)
		}
	}
	for _, s := range demoSegments {
		do("/chorus segment add " + s)
	}
	for i, c := range demoCampaigns {
		do(fmt.Sprintf(`/campaign create %s "%s" %s %s`, c.slug, c.name, c.start, c.end))
		start, _ := chorus.ParseDate(c.start)
		end, _ := chorus.ParseDate(c.end)
		span := chorus.DaysBetween(start, end)
		for j := range 5 {
			first := start.AddDays((j*span/5 + i*3) % (span + 1))
			days := first.String()
			if (i+j)%4 == 0 {
				days += ".." + first.AddDays(2+j).String()
			}
			do(fmt.Sprintf("/campaign touchpoint add %s %s %s %s %s", c.slug, demoKinds[(i+2*j)%len(demoKinds)], days,
				demoSegments[(i+j)%len(demoSegments)], demoStages[(i+j)%len(demoStages)]))
		}
		do(fmt.Sprintf(`/campaign task add %s - "Bilan %s" @lea %s 17h`, c.slug, c.slug, end.AddDays(-3)))
	}
	e.Clock.Set(time.Date(2027, 7, 12, 9, 0, 0, 0, chorus.LoadLocation("Europe/Paris")))
	return e
}

// TestDemoPicture draws the demo workspace's quarter; with -demo FILE it also writes it there
// (docs/calendar.md: go test ./commands/calendar -run TestDemoPicture -demo /tmp/demo.png).
func TestDemoPicture(t *testing.T) {
	e := demoEnv(t)
	tps, err := e.Store.Touchpoints(context.Background(), "T1", chorus.Date{}, chorus.Date{})
	if err != nil || len(tps) != 60 {
		t.Fatalf("%d touchpoints, %v; want 60", len(tps), err)
	}
	r := e.Do(t, "lea", "/campaign calendar trimestre")
	mustSay(t, r, "Calendrier du 1er juillet 2027 au 30 septembre 2027", "Radar du calendrier")
	img := picture(t, r)
	if !strings.Contains(img.Alt, "12 campagne(s), 60 point(s) de contact") {
		t.Errorf("alt text %q", img.Alt)
	}
	if *demoPath != "" {
		if err := os.WriteFile(*demoPath, img.PNG, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", *demoPath, len(img.PNG))
	}
}

// BenchmarkQuarterCalendar answers `/campaign calendar trimestre` on the demo workspace: the
// store's reads, the radar and the picture (docs/benchmarks.md).
func BenchmarkQuarterCalendar(b *testing.B) {
	e := demoEnv(b)
	ctx := context.Background()
	req := reply.Request{Workspace: "T1", User: "lea", Command: "/campaign", Text: "calendar trimestre"}
	for b.Loop() {
		r := e.Svc.Command(ctx, req)
		if len(r.Blocks) < 2 || r.Blocks[1].Image == nil {
			b.Fatalf("no picture: %s", r.Text)
		}
	}
}
