package i18n_test

import (
	"os"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/i18n"
)

func TestT(t *testing.T) {
	c, err := i18n.Load(os.DirFS("testdata"), "good")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		lang      chorus.Lang
		key, want string
		args      []any
	}{
		{chorus.French, "hello", "Bonjour Léa", []any{"Léa"}},
		{chorus.English, "hello", "Hello Léa", []any{"Léa"}},
		{chorus.French, "order", "b puis a", []any{"a", "b"}},
		{chorus.English, "pct", "100%", nil},
		{"de", "hello", "Bonjour Léa", []any{"Léa"}},
		{chorus.English, "missing.key", "missing.key", nil},
	} {
		if got := c.T(tt.lang, tt.key, tt.args...); got != tt.want {
			t.Errorf("T(%s, %s) = %q, want %q", tt.lang, tt.key, got, tt.want)
		}
	}
	if ps := c.Problems(); len(ps) != 0 {
		t.Errorf("good catalog has problems: %v", ps)
	}
}

func TestProblems(t *testing.T) {
	c, err := i18n.Load(os.DirFS("testdata"), "bad")
	if err != nil {
		t.Fatal(err)
	}
	got := c.Problems()
	want := []string{
		`"count": French uses [%[1]d], English [%[1]s]`,
		`"hello": French uses [%[1]s], English []`,
		`"only_fr" has no English text`,
		`"only_en" has no French text`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("Problems() =\n%q\nwant\n%q", got, want)
	}
}

func TestLoadParts(t *testing.T) {
	fsys := fstest.MapFS{
		"l/fr.json":         {Data: []byte(`{"a":"A fr"}`)},
		"l/en.json":         {Data: []byte(`{"a":"A en"}`)},
		"l/minutes.fr.json": {Data: []byte(`{"m":"M fr"}`)},
		"l/minutes.en.json": {Data: []byte(`{"m":"M en"}`)},
	}
	c, err := i18n.Load(fsys, "l")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T(chorus.English, "m"); got != "M en" {
		t.Errorf("part key = %q, want M en", got)
	}
	if got := c.T(chorus.French, "a"); got != "A fr" {
		t.Errorf("main key = %q, want A fr", got)
	}
	fsys["l/dup.fr.json"] = &fstest.MapFile{Data: []byte(`{"a":"again"}`)}
	if _, err := i18n.Load(fsys, "l"); err == nil {
		t.Error("a key defined twice loaded without error")
	}
}
