package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/reply"
	"github.com/chorus-hq/chorus/store"
)

// TestHomeCountsTheRest: the App Home shows the first 10 of the user's open tasks (soonest due
// first), of their campaigns (by slug) and of the copy awaiting their approval (latest first),
// and says exactly how many more of each there are and which command lists them; closed
// campaigns, tasks done, copy decided and other people's are not counted.
func TestHomeCountsTheRest(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	st := e.Store
	now := e.Clock.Now()
	for i := range 34 {
		c := chorus.Campaign{WorkspaceID: "T1", Slug: fmt.Sprintf("camp-%02d", i), Name: fmt.Sprintf("Campagne %02d", i),
			TimeZone: chorus.DefaultTimeZone, Lang: chorus.French, Status: chorus.StatusActive, Leads: []string{"lea"}, Message: "-30 % sur tout",
			Channels: []chorus.Channel{{Kind: "social", SlackChannel: "C1", Owner: "sami"}}, CreatedBy: "lea"}
		switch {
		case i == 0:
			c.Status, c.Leads = chorus.StatusClosed, []string{"lea", "sami"} // not listed, not counted
		case i == 33:
			c.Channels[0].Owner = "emma" // not sami's
		case i < 3:
			c.Leads = append(c.Leads, "sami")
		}
		if _, err := st.CreateCampaign(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 36 {
		task := chorus.Task{WorkspaceID: "T1", Campaign: "camp-01", Title: fmt.Sprintf("Tâche %02d", i), Owner: "sami",
			Due: now.Add(time.Duration(i+1) * time.Hour), Status: chorus.TaskOpen, CreatedBy: "lea"}
		switch i {
		case 34:
			task.Status = chorus.TaskDone
		case 35:
			task.Owner = "emma"
		}
		if _, err := st.CreateTask(ctx, task); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 26 {
		e.Clock.Set(e.Clock.Now().Add(time.Minute)) // the latest first
		sub := chorus.Submission{WorkspaceID: "T1", Campaign: []string{"camp-01", "camp-02"}[i%2], ChannelKind: "social",
			Text: fmt.Sprintf("Texte %02d", i), Author: "emma", Status: chorus.SubmissionPending, CampaignVersion: 1}
		switch i {
		case 22:
			sub.Status = chorus.SubmissionApproved
		case 23:
			sub.Campaign = "camp-05" // sami does not lead it
		case 24:
			sub.Status = chorus.SubmissionFlagged
		case 25:
			sub.Campaign = "camp-00" // closed
		}
		if _, err := st.CreateSubmission(ctx, sub); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name        string
		user        string
		lang        chorus.Lang
		says, omits []string
	}{
		{"fr", "sami", chorus.French, []string{"Mes tâches ouvertes (34)", "Tâche 00", "Tâche 09", "… et 24 de plus : /campaign task list mine",
			"Mes campagnes (32)", "`camp-01`", "`camp-10`", "… et 22 de plus : /campaign list mine",
			"Textes à valider (23)", "Texte 24", "Texte 13", "… et 13 de plus : /campaign submissions mine"},
			[]string{"Tâche 10", "Tâche 34", "Tâche 35", "`camp-00`", "`camp-11`", "Texte 12", "Texte 22", "Texte 23", "Texte 25"}},
		{"en", "sami", chorus.English, []string{"My open tasks (34)", "… and 24 more: /campaign task list mine", "My campaigns (32)",
			"… and 22 more: /campaign list mine", "Copy to approve (23)", "… and 13 more: /campaign submissions mine"}, nil},
		// emma owns one campaign's channel and one task, and leads nothing: no "more", no copy to approve
		{"fr, nothing more", "emma", chorus.French, []string{"Mes tâches ouvertes (1)", "Tâche 35", "Mes campagnes (1)", "`camp-33`"},
			[]string{"de plus", "Textes à valider", "vous êtes responsable"}},
		{"en, nothing more", "emma", chorus.English, []string{"My open tasks (1)", "My campaigns (1)"}, []string{"more", "Copy to approve"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := e.Svc.Home(ctx, reply.Request{Workspace: "T1", User: tt.user, Lang: tt.lang})
			r := reply.Reply{Blocks: v.Blocks}
			mustSay(t, r, tt.says...)
			text := fmt.Sprint(v.Blocks)
			for _, w := range tt.omits {
				if strings.Contains(text, w) {
					t.Errorf("the Home shows %q", w)
				}
			}
		})
	}
}

// BenchmarkHome opens the App Home of a user who has more than it shows of everything (40 open
// tasks, 40 campaigns, 20 copies to approve) in a workspace of 200 campaigns and in one of 2,000
// (ten times the history: campaigns, most of them closed, with their tasks done and copy
// decided): the time per opening should not grow with the workspace (docs/benchmarks.md,
// « App Home, fourth pass »).
//
//	go test ./commands -run '^$' -bench Home -benchtime 2000x
func BenchmarkHome(b *testing.B) {
	for _, n := range []int{200, 2000} {
		b.Run(fmt.Sprintf("%d campaigns", n), func(b *testing.B) {
			e := newEnv(b)
			ctx := context.Background()
			now := e.Clock.Now()
			var batch store.Batch
			for i := range n {
				// sami leads the first 20 and owns a channel of the next 20; of the others, two
				// in three are closed
				c := chorus.Campaign{WorkspaceID: "T1", Slug: fmt.Sprintf("camp-%04d", i), Name: fmt.Sprintf("Campagne %d", i),
					TimeZone: chorus.DefaultTimeZone, Lang: chorus.French, Status: chorus.StatusActive, Leads: []string{"lea"},
					Message: "-30 % sur tout", Channels: []chorus.Channel{{Kind: "social", SlackChannel: "C1", Owner: "emma"}},
					Version: 1, CreatedBy: "lea", CreatedAt: now, UpdatedBy: "lea", UpdatedAt: now}
				switch {
				case i < 20:
					c.Leads = append(c.Leads, "sami")
				case i < 40:
					c.Channels[0].Owner = "sami"
				case i%3 != 0:
					c.Status = chorus.StatusClosed
				}
				batch.Campaigns = append(batch.Campaigns, c)
				for j := range 10 { // ten tasks and ten copies a campaign: one open, one awaiting
					at := now.Add(time.Duration(i*10+j) * time.Minute)
					task := chorus.Task{WorkspaceID: "T1", ID: fmt.Sprintf("t%05d", i*10+j), Campaign: c.Slug, Title: "Visuel",
						Owner: "emma", Due: at.Add(24 * time.Hour), Status: chorus.TaskDone,
						Version: 1, CreatedBy: "lea", CreatedAt: at, UpdatedBy: "lea", UpdatedAt: at}
					sub := chorus.Submission{WorkspaceID: "T1", ID: fmt.Sprintf("s%05d", i*10+j), Campaign: c.Slug, ChannelKind: "social",
						Text: "Texte", Author: "emma", Status: chorus.SubmissionApproved,
						CampaignVersion: 1, MessageHash: "h", Version: 1, CreatedAt: at, UpdatedBy: "emma", UpdatedAt: at}
					if j == 0 {
						task.Status, sub.Status = chorus.TaskOpen, chorus.SubmissionPending
						if i < 40 {
							task.Owner = "sami"
						}
					}
					batch.Tasks, batch.Submissions = append(batch.Tasks, task), append(batch.Submissions, sub)
				}
			}
			if err := e.Store.Import(ctx, batch); err != nil {
				b.Fatal(err)
			}
			req := reply.Request{Workspace: "T1", User: "sami"}
			mustSay(b, reply.Reply{Blocks: e.Svc.Home(ctx, req).Blocks}, "(40)", "… et 30 de plus : /campaign task list mine",
				"… et 30 de plus : /campaign list mine", "Textes à valider (20)", "… et 10 de plus : /campaign submissions mine")
			b.ResetTimer()
			for range b.N {
				e.Svc.Home(ctx, req)
			}
		})
	}
}
