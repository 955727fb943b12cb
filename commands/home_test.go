package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/reply"
)

// TestHomeCountsTheRest: the App Home shows the first 30 of the user's open tasks (soonest due
// first) and of their campaigns (by slug), the first 20 copies awaiting their approval (latest
// first), and says exactly how many more of each there are; closed campaigns, tasks done,
// copy decided and other people's are not counted.
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
		lang        chorus.Lang
		says, omits []string
	}{
		{chorus.French, []string{"Mes tâches ouvertes (34)", "Tâche 00", "Tâche 29", "… et 4 de plus.",
			"Mes campagnes (32)", "`camp-01`", "`camp-30`", "… et 2 de plus.",
			"Textes à valider (23)", "Texte 24", "Texte 03", "… et 3 de plus."},
			[]string{"Tâche 30", "Tâche 34", "Tâche 35", "`camp-00`", "`camp-31`", "Texte 02", "Texte 22", "Texte 23", "Texte 25"}},
		{chorus.English, []string{"(34)", "… and 4 more.", "(32)", "… and 2 more.", "Copy to approve (23)", "… and 3 more."}, nil},
	}
	for _, tt := range tests {
		t.Run(string(tt.lang), func(t *testing.T) {
			v := e.Svc.Home(ctx, reply.Request{Workspace: "T1", User: "sami", Lang: tt.lang})
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
