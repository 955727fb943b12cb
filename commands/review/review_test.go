package review

import (
	"testing"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/i18n"
)

func TestCatalogComplete(t *testing.T) { i18n.CheckComplete(t, Catalog()) }

func TestLooksLikeCopy(t *testing.T) {
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"ok pour moi", false},
		{"Du 1er au 15 juillet, -30 % sur toute la literie en magasin", true},
		{"Est-ce qu'on garde bien -30 % sur toute la literie cet été ?", false},
		{"/campaign show ete-literie avec un texte assez long pour compter", false},
	} {
		if got := looksLikeCopy(tt.text); got != tt.want {
			t.Errorf("looksLikeCopy(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestCardValue(t *testing.T) {
	v := cardValue(chorus.Submission{ID: "s1", Version: 3})
	id, version, err := parseCardValue(v)
	if err != nil || id != "s1" || version != 3 {
		t.Fatalf("parseCardValue(%q) = %q, %d, %v", v, id, version, err)
	}
	for _, bad := range []string{"", "s1", "s1@x", "@2"} {
		if _, _, err := parseCardValue(bad); err == nil {
			t.Errorf("parseCardValue(%q) took it", bad)
		}
	}
}
