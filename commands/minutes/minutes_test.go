package minutes

import (
	"strings"
	"testing"

	"github.com/chorus-hq/chorus/i18n"
)

func TestCatalogComplete(t *testing.T) { i18n.CheckComplete(t, Catalog()) }

func TestChunks(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   string
		n    int
		want int
	}{
		{"short", "a\nb", 10, 1},
		{"at line breaks", strings.Repeat("abcd\n", 10), 12, 5},
		{"long line", strings.Repeat("é", 20), 9, 5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := chunks(tt.in, tt.n)
			if len(got) != tt.want {
				t.Errorf("chunks(%q, %d) = %q, want %d chunks", tt.in, tt.n, got, tt.want)
			}
			for _, c := range got {
				if len(c) > tt.n {
					t.Errorf("chunk %q is over %d bytes", c, tt.n)
				}
			}
		})
	}
}
