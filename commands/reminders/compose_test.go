package reminders_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/reminders"
	"github.com/chorus-hq/chorus/i18n"
)

func TestBuildDigestLimits(t *testing.T) {
	d := chorus.DigestSchedule{WorkspaceID: "T1", Channel: "#magasins", Spec: "0 9 * * 1", TimeZone: "Europe/Paris", Lang: chorus.English}
	slot := time.Date(2027, 6, 7, 9, 0, 0, 0, chorus.LoadLocation("Europe/Paris"))
	task := func(i int) chorus.Task {
		return chorus.Task{WorkspaceID: "T1", ID: fmt.Sprintf("t%05d", i), Campaign: "ete-literie", ChannelKind: "retail",
			Title: strings.Repeat("Long title ", 8), Owner: "rui", Due: slot.Add(time.Duration(i) * time.Minute), Status: chorus.TaskOpen}
	}
	camp := chorus.Campaign{WorkspaceID: "T1", Slug: "ete-literie", Name: "Summer bedding", Status: chorus.StatusActive}
	tests := []struct {
		name      string
		tasks     int
		wantParts int
		wantMore  bool
	}{
		{"small", 3, 1, false},
		{"two messages", 1200, 2, false},
		{"too long: the rest is on the Home tab", 6000, reminders.MaxDigestParts, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := reminders.DigestInput{Schedule: d, Slot: slot, Campaigns: []chorus.Campaign{camp}}
			for i := range tt.tasks {
				in.DueSoon = append(in.DueSoon, task(i))
			}
			parts := reminders.BuildDigest(in)
			if len(parts) != tt.wantParts {
				t.Fatalf("%d parts, want %d", len(parts), tt.wantParts)
			}
			shown := 0
			for i, p := range parts {
				if len(p.Blocks) > reminders.MaxBlocks {
					t.Errorf("part %d has %d blocks", i, len(p.Blocks))
				}
				for _, b := range p.Blocks {
					if n := len([]rune(b.Text)); n > 3000 {
						t.Errorf("part %d has a %d-character block", i, n)
					}
					shown += strings.Count(b.Text, "◻️")
				}
			}
			last := parts[len(parts)-1].Blocks
			more := strings.Contains(last[len(last)-1].Text, "Home tab")
			if more != tt.wantMore {
				t.Fatalf("pointer to the Home tab = %v, want %v", more, tt.wantMore)
			}
			if !more && shown != tt.tasks {
				t.Errorf("%d tasks shown, want all %d", shown, tt.tasks)
			}
			if more && !strings.Contains(last[len(last)-1].Text, fmt.Sprint(tt.tasks-shown)) {
				t.Errorf("the pointer %q does not count the %d lines left out", last[len(last)-1].Text, tt.tasks-shown)
			}
		})
	}
	if !(reminders.DigestInput{Schedule: d, Slot: slot}).Empty() {
		t.Error("a digest with nothing is not Empty")
	}
}

func TestCatalogComplete(t *testing.T) { i18n.CheckComplete(t, reminders.Catalog()) }

// TestEmptyNote: the "nothing to report" of an empty digest says which digest, when, why, and
// what the next empty ones will do, in the schedule's language.
func TestEmptyNote(t *testing.T) {
	slot := time.Date(2027, 6, 7, 9, 0, 0, 0, chorus.LoadLocation("Europe/Paris"))
	tests := []struct {
		name   string
		d      chorus.DigestSchedule
		reason string
		want   []string
		not    []string
	}{
		{"team, French, first", chorus.DigestSchedule{Channel: "#general", Lang: chorus.French}, reminders.EmptyNoCampaign,
			[]string{"📋 Point d'équipe — #general — lundi 7 juin 2027 à 09:00 : rien à signaler, aucune campagne n'utilise #general.",
				"Les points vides suivants ne seront pas publiés", "`/chorus digest vide:toujours`"}, nil},
		{"team, English, always", chorus.DigestSchedule{Channel: "#general", Lang: chorus.English, Empty: chorus.EmptyDigestAlways}, reminders.EmptyInactive,
			[]string{"📋 Team digest — #general — Monday 7 June 2027 at 09:00: nothing to report, the campaigns of #general are drafts or closed.",
				"`/chorus digest empty:first`"}, nil},
		{"leads, French, never (posted by the workspace's setting)", chorus.DigestSchedule{Channel: "#direction", Lead: true, Lang: chorus.French, Empty: chorus.EmptyDigestNever}, reminders.EmptyNoCampaign,
			[]string{"Point des responsables — toutes les équipes — lundi 7 juin 2027 à 09:00 : rien à signaler, aucune campagne dans cet espace."},
			[]string{"vide:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.d.WorkspaceID, tt.d.Spec, tt.d.TimeZone = "T1", "0 9 * * 1", "Europe/Paris"
			p := reminders.EmptyNote(tt.d, slot, tt.reason)
			all := p.Text
			for _, b := range p.Blocks {
				all += "\n" + b.Text
			}
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("note lacks %q:\n%s", w, all)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(all, n) {
					t.Errorf("note says %q:\n%s", n, all)
				}
			}
		})
	}
}
