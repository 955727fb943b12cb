package chorus_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/chorus-hq/chorus"
)

func validCampaign() chorus.Campaign {
	return chorus.Campaign{
		WorkspaceID: "T1", Slug: "ete-literie", Name: "Soldes d'été literie", Message: "-30 % sur toute la literie",
		MustInclude: []string{"-30 %"}, Channels: []chorus.Channel{{Kind: "social", SlackChannel: "C0123", Owner: "U0123"}},
		Leads: []string{"U0999"}, Start: chorus.Date{2027, 7, 1}, End: chorus.Date{2027, 7, 15},
		TimeZone: "Europe/Paris", Lang: chorus.French, Status: chorus.StatusDraft,
	}
}

func TestCampaignValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*chorus.Campaign)
		codes  []string // every problem expected, in order; nil means valid
	}{
		{"valid", func(*chorus.Campaign) {}, nil},
		{"custom kind allowed", func(c *chorus.Campaign) { c.Channels[0].Kind = "influence" }, nil},
		{"empty slug", func(c *chorus.Campaign) { c.Slug = "" }, []string{"campaign.slug.empty"}},
		{"bad slug", func(c *chorus.Campaign) { c.Slug = "BAD SLUG!" }, []string{"campaign.slug.syntax"}},
		{"accented slug", func(c *chorus.Campaign) { c.Slug = "été" }, []string{"campaign.slug.syntax"}},
		{"long slug", func(c *chorus.Campaign) { c.Slug = strings.Repeat("a", 41) }, []string{"campaign.slug.long"}},
		{"empty name", func(c *chorus.Campaign) { c.Name = "  " }, []string{"text.empty"}},
		{"long message", func(c *chorus.Campaign) { c.Message = strings.Repeat("é", chorus.MaxMessageLen+1) }, []string{"text.long"}},
		{"control char", func(c *chorus.Campaign) { c.Name = "a\x00b" }, []string{"text.control"}},
		{"end before start", func(c *chorus.Campaign) { c.End = chorus.Date{2027, 6, 30} }, []string{"campaign.end.before_start"}},
		{"unknown kind", func(c *chorus.Campaign) { c.Channels[0].Kind = "tiktok" }, []string{"channel.kind.unknown"}},
		{"duplicate kind", func(c *chorus.Campaign) { c.Channels = append(c.Channels, c.Channels[0]) }, []string{"channel.kind.duplicate"}},
		{"bad zone", func(c *chorus.Campaign) { c.TimeZone = "Europe/Pariss" }, []string{"timezone.invalid"}},
		{"bad lead", func(c *chorus.Campaign) { c.Leads = []string{"not a user"} }, []string{"user.invalid"}},
		{"several at once", func(c *chorus.Campaign) { c.Slug = "X"; c.Name = ""; c.TimeZone = "Mars/Olympus" },
			[]string{"campaign.slug.syntax", "text.empty", "timezone.invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validCampaign()
			tt.change(&c)
			err := c.Validate([]string{"influence"})
			var got []string
			for _, p := range chorus.ProblemsOf(err) {
				got = append(got, p.Code)
			}
			if !slices.Equal(got, tt.codes) {
				t.Fatalf("Validate() codes = %v, want %v (err %v)", got, tt.codes, err)
			}
			if tt.codes != nil && !errors.Is(err, chorus.ErrInvalid) {
				t.Fatalf("Validate() = %v, want it to match ErrInvalid", err)
			}
		})
	}
}

func TestTermValidate(t *testing.T) {
	g := chorus.GlossaryTerm{Term: "Click & Collect", Lang: chorus.French, Forbidden: []string{"Drive", "click  &  COLLECT"}}
	ps := chorus.ProblemsOf(g.Validate())
	if len(ps) != 1 || ps[0].Code != "glossary.variant.is_term" {
		t.Fatalf("Validate() = %v, want one glossary.variant.is_term problem", ps)
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Éclat":                  "eclat",
		"L’été\u00a0 -30\u202f%": "l'ete -30 %",
		"  Click &  Collect ":    "click & collect",
	} {
		if got := chorus.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]chorus.Lang{"fr": chorus.French, "fr-BE": chorus.French, "FR_fr": chorus.French, "français": chorus.French, "en-GB": chorus.English, "English": chorus.English} {
		if got, ok := chorus.ParseLang(in); !ok || got != want {
			t.Errorf("ParseLang(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := chorus.ParseLang("de"); ok {
		t.Error(`ParseLang("de") accepted`)
	}
}
