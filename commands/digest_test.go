package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands"
	"github.com/chorus-hq/chorus/reply"
)

func newDriftEnv(t testing.TB, opts commands.Options) *env {
	t.Helper()
	e := newEnvWith(t, opts)
	e.Setup(t)
	for _, line := range []string{
		`/campaign points ete-literie -30 % sur toute la literie ; du 1er au 15 juillet 2027 ; en magasin et en ligne`,
		`/campaign channel add ete-literie email #email @emma`,
		`/glossary define DouceNuit Nom de la marque`,
		`/glossary forbid DouceNuit "Douce Nuit"`,
		`/campaign autocheck ete-literie social on`,
	} {
		if r := e.Do(t, "lea", line); strings.Contains(r.Text, "⚠️") {
			t.Fatalf("%s: %s", line, r.Text)
		}
	}
	return e
}

const (
	drifting = "Jusqu'à -20 % sur la literie Douce Nuit du 1er au 15 juillet, en magasin et en ligne !"
	aligned  = "☀️ -30 % sur toute la literie DouceNuit du 1er au 15 juillet 2027, en magasin et en ligne. #soldes"
)

func TestDigestExtras(t *testing.T) {
	e := newDriftEnv(t, commands.Options{})
	ctx := context.Background()
	e.Do(t, "sami", "/campaign submit ete-literie social "+drifting)
	e.Do(t, "emma", "/campaign submit ete-literie email "+aligned)
	// aligned, with an item the detector cannot settle: the leads' « à vérifier »
	e.Do(t, "emma", "/campaign submit ete-literie email ☀️ -30 % sur toute la literie et les canapés DouceNuit du 1er au 15 juillet 2027, en magasin et en ligne.")
	camps, err := e.Store.Campaigns(ctx, "T1")
	if err != nil {
		t.Fatal(err)
	}
	text := func(blocks []reply.Block) string {
		var b strings.Builder
		for _, bl := range blocks {
			b.WriteString(bl.Text + "\n")
		}
		return b.String()
	}
	tests := []struct {
		name, channel string
		lead          bool
		lang          chorus.Lang
		want, not     []string
	}{
		{"social team", "#social", false, chorus.French, []string{"Écarts à corriger (1)", "@{sami}", "Soldes d'été literie"}, []string{"@{emma}", "attente"}},
		{"email team", "#email", false, chorus.English, []string{"Copy awaiting approval (2)", "@{emma}"}, []string{"@{sami}", "Drift to fix", "To check"}},
		{"leads", "#leads", true, chorus.French, []string{"Textes en attente de validation (2)", "Écarts à corriger (1)", "À vérifier (1)"}, nil},
		{"a channel of no campaign", "#general", false, chorus.French, nil, []string{"@"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			blocks, err := commands.DigestExtras(e.Svc, ctx, "T1", tt.channel, tt.lead, camps, tt.lang)
			if err != nil {
				t.Fatal(err)
			}
			got := text(blocks)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("digest extras lack %q:\n%s", w, got)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(got, w) {
					t.Errorf("digest extras hold %q:\n%s", w, got)
				}
			}
		})
	}
}

// A point left stating an old value of the message is said in the lead digest until a lead
// resolves it, and only there.
func TestDigestStalePoints(t *testing.T) {
	e := newDriftEnv(t, commands.Options{})
	ctx := context.Background()
	e.Do(t, "lea", "/campaign message ete-literie Du 1er au 15 juillet 2027, -40 % sur toute la literie, en magasin et en ligne.")
	camps, err := e.Store.Campaigns(ctx, "T1")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		lead bool
		lang chorus.Lang
		want string
	}{
		{true, chorus.French, "Points obligatoires qui contredisent le message (1)"},
		{true, chorus.English, `"-30 % sur toute la literie" still says "-30 %"`},
		{false, chorus.French, ""},
	} {
		blocks, err := commands.DigestExtras(e.Svc, ctx, "T1", "#social", tt.lead, camps, tt.lang)
		if err != nil {
			t.Fatal(err)
		}
		var got strings.Builder
		for _, b := range blocks {
			got.WriteString(b.Text + "\n")
		}
		if tt.want == "" && strings.Contains(got.String(), "-30 % sur toute") || tt.want != "" && !strings.Contains(got.String(), tt.want) {
			t.Errorf("lead=%v %s: digest extras = %s, want %q", tt.lead, tt.lang, got.String(), tt.want)
		}
	}
}
