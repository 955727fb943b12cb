package feature_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/i18n"
	"github.com/chorus-hq/chorus/reply"
)

func TestArgs(t *testing.T) {
	for _, tt := range []struct {
		name   string
		fn     func(string) (string, bool)
		in     string
		want   string
		wantOK bool
	}{
		{"user from a transport", feature.UserArg, reply.User("U0SAM"), "U0SAM", true},
		{"user typed", feature.UserArg, "@sami", "sami", true},
		{"not a user", feature.UserArg, "sami et léa", "sami et léa", false},
		{"channel from a transport", feature.ChannelArg, reply.Channel("C0SOC"), "C0SOC", true},
		{"channel typed", feature.ChannelArg, "#social", "#social", true},
		{"not a channel", feature.ChannelArg, "social", "social", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.fn(tt.in)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("got %q, %v; want %q, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestText(t *testing.T) {
	if got := feature.After("  message ete-literie  Du 1er\njuillet « ok »", 2); got != "Du 1er\njuillet « ok »" {
		t.Errorf("After = %q", got)
	}
	if got := feature.Unquote("« Soldes d'été »"); got != "Soldes d'été" {
		t.Errorf("Unquote = %q", got)
	}
	if got := feature.SplitList("a ; - b ;; c", ";"); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("SplitList = %q", got)
	}
	if got := feature.Verb([]string{"Créer"}, 0); got != "create" {
		t.Errorf("Verb(Créer) = %q", got)
	}
	if got := feature.Verb([]string{"frobnicate"}, 0); got != "?frobnicate" {
		t.Errorf("Verb(frobnicate) = %q", got)
	}
	if got := feature.Ellipsis("un  deux trois", 8); got != "un deux…" {
		t.Errorf("Ellipsis = %q", got)
	}
}

func TestTurn(t *testing.T) {
	cat := i18n.Merge()
	turn := &feature.Turn{
		Req:     reply.Request{Workspace: "T1", User: "sami"},
		Lang:    chorus.French,
		WS:      chorus.Workspace{ID: "T1", TimeZone: "Europe/Paris", Leads: []string{"lea"}},
		Catalog: cat,
		Clock:   func() time.Time { return time.Date(2027, 6, 1, 9, 0, 0, 0, time.UTC) },
	}
	if turn.IsWorkspaceLead() {
		t.Error("sami leads the workspace")
	}
	camp := chorus.Campaign{Name: "Soldes", Leads: []string{"lea"}, Channels: []chorus.Channel{{Kind: "social", Owner: "sami"}}}
	if err := turn.LeadOnly(camp); !errors.Is(err, chorus.ErrForbidden) {
		t.Errorf("LeadOnly = %v", err)
	}
	if err := turn.CanManageTasks(camp, "social"); err != nil {
		t.Errorf("the owner of social may not manage its tasks: %v", err)
	}
	if err := turn.CanManageTasks(camp, ""); !errors.Is(err, chorus.ErrForbidden) {
		t.Errorf("CanManageTasks(campaign-wide) = %v", err)
	}
	if en := turn.WithLang(chorus.English); en.Lang != chorus.English || turn.Lang != chorus.French {
		t.Error("WithLang changed the original turn")
	}
	if got := turn.Mentions([]string{"lea", "sami"}); got != reply.User("lea")+", "+reply.User("sami") {
		t.Errorf("Mentions = %q", got)
	}
	if got := turn.When(time.Date(2027, 7, 15, 15, 0, 0, 0, time.UTC)); !strings.Contains(got, "17:00") {
		t.Errorf("When is not in the workspace's zone: %q", got)
	}
	err := feature.WithField(chorus.Errorf(chorus.ErrInvalid, "date.invalid"), "due")
	if ps := chorus.ProblemsOf(err); len(ps) != 1 || ps[0].Field != "due" {
		t.Errorf("WithField = %+v", ps)
	}
}

func TestIsolate(t *testing.T) {
	for in, want := range map[string]string{
		"Soldes d'été":  "Soldes d'été",
		"تخفيضات الصيف": "\u2068تخفيضات الصيف\u2069",
		"מבצע קיץ 2027": "\u2068מבצע קיץ 2027\u2069",
	} {
		if got := feature.Isolate(in); got != want {
			t.Errorf("Isolate(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTurnLocation: a turn's dates follow a change of the workspace's zone within the turn
// (chorus.LoadLocation remembers the zones it loaded); an unknown or empty zone is Europe/Paris.
func TestTurnLocation(t *testing.T) {
	turn := &feature.Turn{Lang: chorus.English, Catalog: i18n.Merge(), WS: chorus.Workspace{ID: "T1", TimeZone: "Europe/Paris"}}
	at := time.Date(2027, 7, 15, 15, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		zone, want string
	}{
		{"Europe/Paris", "17:00"},
		{"Europe/Paris", "17:00"},
		{"America/New_York", "11:00"},
		{"Asia/Tokyo", "00:00"},
		{"Nowhere/Atlantis", "17:00"},
		{"", "17:00"},
		{"Europe/London", "16:00"},
	} {
		t.Run(tt.zone, func(t *testing.T) {
			turn.WS.TimeZone = tt.zone
			if got := turn.When(at); !strings.Contains(got, tt.want) {
				t.Errorf("When = %q, want %s", got, tt.want)
			}
		})
	}
}
