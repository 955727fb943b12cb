package campaign

import (
	"testing"

	"github.com/chorus-hq/chorus/i18n"
)

func TestCatalogComplete(t *testing.T) { i18n.CheckComplete(t, Catalog()) }

func TestPaginate(t *testing.T) {
	items := make([]int, 25)
	for i := range items {
		items[i] = i
	}
	for _, tt := range []struct {
		arg       string
		wantPage  int
		wantFirst int
		wantN     int
		wantMore  bool
	}{
		{"", 1, 0, pageSize, true},
		{"2", 2, pageSize, pageSize, true},
		{"3", 3, 2 * pageSize, 5, false},
		{"9", 3, 2 * pageSize, 5, false}, // past the end: the last page
		{"x", 1, 0, pageSize, true},
	} {
		page, got, more := paginate(items, tt.arg)
		if page != tt.wantPage || len(got) != tt.wantN || got[0] != tt.wantFirst || more != tt.wantMore {
			t.Errorf("paginate(%q) = %d, %v, %v", tt.arg, page, got, more)
		}
	}
	if _, got, more := paginate([]int(nil), ""); len(got) != 0 || more {
		t.Errorf("paginate(nil) = %v, %v", got, more)
	}
}
