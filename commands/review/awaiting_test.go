package review_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands"
)

// TestSubmissionsMine: « /campaign submissions mine » lists the copy awaiting the caller's
// decision in the campaigns they lead, the latest first, 30 of them and how many more; someone
// who awaits none is told so.
func TestSubmissionsMine(t *testing.T) {
	e := newDriftEnv(t, commands.Options{})
	ctx := context.Background()
	for i := range 34 {
		e.Clock.Set(e.Clock.Now().Add(time.Minute))
		sub := chorus.Submission{WorkspaceID: "T1", Campaign: "ete-literie", ChannelKind: "social", Text: fmt.Sprintf("Texte %02d", i),
			Author: "sami", Status: chorus.SubmissionPending, CampaignVersion: 1}
		if i == 33 {
			sub.Status = chorus.SubmissionApproved
		}
		if _, err := e.Store.CreateSubmission(ctx, sub); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		user    string
		lang    chorus.Lang
		want    []string
		wantNot []string
	}{
		{"lea", "", []string{"Textes à valider (33)", "Texte 32", "Texte 03", "Soldes d'été literie",
			"… et 3 de plus : /campaign submissions <campagne> pour chacune"}, []string{"Texte 02", "Texte 33"}},
		{"lea", chorus.English, []string{"Copy to approve (33)", "… and 3 more: /campaign submissions <campaign> for each"}, nil},
		{"sami", "", []string{"Aucun texte n'attend votre validation."}, []string{"Texte"}},
		{"sami", chorus.English, []string{"No copy awaits your approval."}, nil},
	} {
		t.Run(tc.user+" "+string(tc.lang), func(t *testing.T) {
			r := e.DoLang(t, tc.user, tc.lang, "/campaign submissions mine")
			mustSay(t, r, tc.want...)
			for _, w := range tc.wantNot {
				if strings.Contains(r.Text+fmt.Sprint(r.Blocks), w) {
					t.Errorf("the list shows %q:\n%s", w, r.Text)
				}
			}
		})
	}
}
