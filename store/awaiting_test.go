package store_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/store"
)

// TestReadModelAwaitingDecision: the copy awaiting a lead's decision, from the read model's
// trees per campaign merged, is the server's page and count — after decisions, copy sent back
// for review, a lead removed, a campaign closed, and in another workspace's campaign of the
// same slug.
func TestReadModelAwaitingDecision(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	s := e.Store
	plain := e.plain(t)
	camps := map[string]chorus.Campaign{}
	for i, slug := range []string{"a", "b", "c", "d", "e"} {
		c := campaign("T1", slug)
		c.Leads = []string{"lea", []string{"bob", "sami"}[i%2]}
		c, err := s.CreateCampaign(ctx, c)
		wantErr(t, err, nil)
		camps[slug] = c
	}
	other := campaign("T2", "a")
	other.Leads = []string{"lea"}
	_, err := s.CreateCampaign(ctx, other)
	wantErr(t, err, nil)
	var subs []chorus.Submission
	for i := range 14 {
		e.Clock.Advance(time.Minute)
		sub := newSubmission("")
		sub.Campaign = []string{"a", "b", "c", "d", "e"}[i%5]
		sub.Status = []chorus.SubmissionStatus{chorus.SubmissionPending, chorus.SubmissionFlagged, chorus.SubmissionApproved}[i%3]
		if i == 13 {
			sub.WorkspaceID, sub.Campaign = "T2", "a"
		}
		sub, err := s.CreateSubmission(ctx, sub)
		wantErr(t, err, nil)
		subs = append(subs, sub)
	}
	decide := func(i int, st chorus.SubmissionStatus) {
		e.Clock.Advance(time.Minute)
		subs[i].Status = st
		sub, err := s.UpdateSubmission(ctx, subs[i])
		wantErr(t, err, nil)
		subs[i] = sub
	}
	decide(0, chorus.SubmissionApproved)  // no longer awaited
	decide(2, chorus.SubmissionPending)   // awaited again, now the latest
	decide(4, chorus.SubmissionFlagged)   // still awaited, moved first
	decide(6, chorus.SubmissionOutOfDate) // no longer awaited
	edit := func(slug string, change func(*chorus.Campaign)) {
		c := camps[slug]
		change(&c)
		c, err := s.UpdateCampaign(ctx, c)
		wantErr(t, err, nil)
		camps[slug] = c
	}
	edit("c", func(c *chorus.Campaign) { c.Leads = []string{"emma"} })
	edit("d", func(c *chorus.Campaign) { c.Status = chorus.StatusClosed })
	ids := func(ss []chorus.Submission) []string {
		var out []string
		for _, sub := range ss {
			out = append(out, sub.Campaign+"/"+sub.ID+"@"+strconv.Itoa(sub.Version))
		}
		return out
	}
	for _, lead := range []string{"lea", "bob", "sami", "emma", "zoe"} {
		for _, limit := range []int{0, 1, 2, 3, 10} {
			t.Run(lead+" "+strconv.Itoa(limit), func(t *testing.T) {
				got, gotTotal, err := s.AwaitingDecision(ctx, "T1", lead, limit)
				wantErr(t, err, nil)
				want, wantTotal, err := plain.AwaitingDecision(ctx, "T1", lead, limit)
				wantErr(t, err, nil)
				if !slices.Equal(ids(got), ids(want)) || gotTotal != wantTotal {
					t.Fatalf("read model: %v of %d; server: %v of %d", ids(got), gotTotal, ids(want), wantTotal)
				}
			})
		}
	}
	// lea leads a, b and e (c is emma's now, d closed): of their copy, sub 1 (b, flagged), 4 (e,
	// flagged again last), 9 (e, pending) and 10 (a, flagged) await her; 0 and 6 were decided,
	// 5 and 11 approved from the start
	got, total, err := s.AwaitingDecision(ctx, "T1", "lea", 2)
	wantErr(t, err, nil)
	if want := []string{"e/" + subs[4].ID + "@2", "a/" + subs[10].ID + "@1"}; total != 4 || !slices.Equal(ids(got), want) {
		t.Fatalf("lea awaits %v of %d, want %v of 4 (subs 1, 4, 9, 10)", ids(got), total, want)
	}
}

// BenchmarkAwaitingDecision: the copy awaiting a lead's decision costs a look per campaign
// they lead and the page, not what the workspace holds: with as many campaigns led, ten times
// the campaigns and the decided copy cost the same; ten times the campaigns led cost more.
//
//	go test ./store -run '^$' -bench AwaitingDecision
func BenchmarkAwaitingDecision(b *testing.B) {
	for _, tc := range []struct{ campaigns, every int }{{200, 10}, {2000, 100}, {2000, 10}} {
		b.Run(fmt.Sprintf("%d led of %d campaigns", tc.campaigns/tc.every, tc.campaigns), func(b *testing.B) {
			e := newEnv(b, true)
			ctx := context.Background()
			now := e.Clock.Now()
			var batch store.Batch
			for i := range tc.campaigns {
				c := campaign("T1", fmt.Sprintf("c%04d", i))
				c.Leads, c.Version, c.CreatedAt, c.UpdatedAt = []string{"lea"}, 1, now, now
				if i%tc.every == 0 {
					c.Leads = append(c.Leads, "sami")
				}
				batch.Campaigns = append(batch.Campaigns, c)
				for j := range 10 { // one copy awaiting a decision, nine decided
					at := now.Add(time.Duration(i*10+j) * time.Minute)
					sub := newSubmission("")
					sub.ID, sub.Campaign, sub.Version, sub.CreatedAt, sub.UpdatedAt = fmt.Sprintf("s%05d", i*10+j), c.Slug, 1, at, at
					sub.Status = []chorus.SubmissionStatus{chorus.SubmissionPending, chorus.SubmissionApproved}[min(j, 1)]
					batch.Submissions = append(batch.Submissions, sub)
				}
			}
			if err := e.Store.Import(ctx, batch); err != nil {
				b.Fatal(err)
			}
			if _, total, err := e.Store.AwaitingDecision(ctx, "T1", "sami", 10); err != nil || total != tc.campaigns/tc.every {
				b.Fatalf("sami awaits %d, %v; want %d", total, err, tc.campaigns/tc.every)
			}
			b.ResetTimer()
			for range b.N {
				e.Store.AwaitingDecision(ctx, "T1", "sami", 10)
			}
		})
	}
}
