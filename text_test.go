package chorus_test

import (
	"testing"

	"github.com/chorus-hq/chorus"
)

func TestCleanText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"DouceNuit", "DouceNuit"},
		{"DouceNuit\u200b", "DouceNuit"},
		{"\u200b\u200b\u200b", ""},
		{"Soldes \u202eété\u202c", "Soldes été"},
		{"Caf\u0065\u0301", "Café"}, // decomposed é is composed
		{"\ufeffBonjour", "Bonjour"},
		{"👩\u200d💻 dev", "👩\u200d💻 dev"}, // an emoji sequence keeps its joiner
		{"Douce\u200dNuit", "DouceNuit"}, // a joiner between letters means nothing
		{"ligne 1\nligne 2\tfin", "ligne 1\nligne 2\tfin"},
	} {
		if got := chorus.CleanText(tc.in); got != tc.want {
			t.Errorf("CleanText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if chorus.TermKey(chorus.French, "DouceNuit\u200b") != chorus.TermKey(chorus.French, "DouceNuit") {
		t.Error("a term with a zero-width space has a key of its own")
	}
}
