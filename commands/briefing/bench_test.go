package briefing_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/internal/commandstest"
)

// BenchmarkNudges measures what the scheduler asks at every tick (30 s): 20 sent briefings of
// 2 channels × 25 people, none acknowledged, all due for their reminder, and 100 questions, half
// of them past their escalation delay. Numbers in docs/benchmarks.md.
func BenchmarkNudges(b *testing.B) {
	e := commandstest.New(b)
	ctx := context.Background()
	now := time.Date(2027, 6, 30, 12, 0, 0, 0, chorus.LoadLocation("Europe/Paris"))
	for i := range 20 {
		slug := fmt.Sprintf("camp-%d", i)
		if _, err := e.Store.CreateCampaign(ctx, chorus.Campaign{WorkspaceID: "T1", Slug: slug, Name: slug, Message: "-30 %",
			Leads: []string{"lea"}, Start: chorus.Date{Year: 2027, Month: 7, Day: 1}, TimeZone: "Europe/Paris", Lang: chorus.French,
			Status: chorus.StatusActive, CreatedBy: "lea"}); err != nil {
			b.Fatal(err)
		}
		br := chorus.Briefing{WorkspaceID: "T1", Campaign: slug, Edition: 1, SentBy: "lea", SentAt: now.Add(-72 * time.Hour), GoLive: now.Add(12 * time.Hour)}
		for c := range 2 {
			d := chorus.Delivery{Channel: fmt.Sprintf("C%d", c), Kind: "magasins", TS: "1.1"}
			for u := range 25 {
				d.Members = append(d.Members, chorus.Member{User: fmt.Sprintf("u%d-%d", c, u), TimeZone: "Europe/Paris"})
			}
			br.Deliveries = append(br.Deliveries, d)
		}
		if _, err := e.Store.SaveBriefing(ctx, br); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 100 {
		q := chorus.Question{WorkspaceID: "T1", ID: fmt.Sprintf("C0/%d", i), Campaign: fmt.Sprintf("camp-%d", i%20), Channel: "C0",
			Thread: "1.1", TS: fmt.Sprint(i), Asker: "ana", Text: "Livraison ?", At: now.Add(-time.Duration(i) * 3 * time.Minute)}
		if err := e.Store.AddQuestion(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	ns, err := e.Svc.Nudges(ctx, now)
	if err != nil || len(ns) == 0 {
		b.Fatalf("nudges = %d, %v", len(ns), err)
	}
	b.ReportMetric(float64(len(ns)), "nudges")
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.Svc.Nudges(ctx, now); err != nil {
			b.Fatal(err)
		}
	}
}
