// Package i18n holds Chorus's message catalogs: every text a user reads, in French and English.
//
// Each package that talks to users embeds its own catalog files (locales/fr.json and
// locales/en.json, flat objects from message key to text) and loads them with Load. Texts are
// fmt formats; they use explicit argument indexes (%[1]s) when the languages order words
// differently. CheckComplete, run by each package's tests, makes sure both languages have the
// same keys and the same arguments, so no user ever meets a missing translation.
package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/chorus-hq/chorus"
)

// Catalog maps message keys to their text in each language.
type Catalog struct {
	texts map[chorus.Lang]map[string]string
}

// Load reads dir/fr.json and dir/en.json from fsys, plus any dir/<part>.fr.json and
// dir/<part>.en.json, so each feature of a package keeps its texts in its own file. A key defined
// in two files of one language is an error: one of the texts would silently never show.
func Load(fsys fs.FS, dir string) (*Catalog, error) {
	c := &Catalog{texts: map[chorus.Lang]map[string]string{}}
	for _, lang := range chorus.Langs {
		parts, err := fs.Glob(fsys, dir+"/*."+string(lang)+".json")
		if err != nil {
			return nil, fmt.Errorf("load catalog: %w", err)
		}
		c.texts[lang] = map[string]string{}
		for _, name := range append([]string{dir + "/" + string(lang) + ".json"}, parts...) {
			b, err := fs.ReadFile(fsys, name)
			if err != nil {
				return nil, fmt.Errorf("load catalog: %w", err)
			}
			m := map[string]string{}
			if err := json.Unmarshal(b, &m); err != nil {
				return nil, fmt.Errorf("load catalog %s: %w", name, err)
			}
			for k, v := range m {
				if _, dup := c.texts[lang][k]; dup {
					return nil, fmt.Errorf("load catalog %s: key %q is defined twice", name, k)
				}
				c.texts[lang][k] = v
			}
		}
	}
	return c, nil
}

// MustLoad is Load for catalogs embedded in the binary, where an error is a build mistake.
func MustLoad(fsys fs.FS, dir string) *Catalog {
	c, err := Load(fsys, dir)
	if err != nil {
		panic(err)
	}
	return c
}

// Merge returns a catalog with the keys of all cs; later catalogs win on equal keys.
func Merge(cs ...*Catalog) *Catalog {
	out := &Catalog{texts: map[chorus.Lang]map[string]string{}}
	for _, lang := range chorus.Langs {
		out.texts[lang] = map[string]string{}
		for _, c := range cs {
			maps.Copy(out.texts[lang], c.texts[lang])
		}
	}
	return out
}

// Has reports whether key exists.
func (c *Catalog) Has(key string) bool {
	_, ok := c.texts[chorus.English][key]
	return ok
}

// T returns the text of key in lang, formatted with args. An unknown language falls back to
// French; an unknown key yields the key itself, so a mistake shows instead of an empty reply.
func (c *Catalog) T(lang chorus.Lang, key string, args ...any) string {
	m, ok := c.texts[lang]
	if !ok {
		m = c.texts[chorus.French]
	}
	f, ok := m[key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return strings.ReplaceAll(f, "%%", "%")
	}
	return fmt.Sprintf(f, args...)
}

var verbRE = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// Problems lists what is wrong with the catalog: keys missing in one language, or texts whose
// format verbs differ between languages.
func (c *Catalog) Problems() []string {
	var out []string
	fr, en := c.texts[chorus.French], c.texts[chorus.English]
	for _, k := range slices.Sorted(maps.Keys(fr)) {
		e, ok := en[k]
		if !ok {
			out = append(out, fmt.Sprintf("%q has no English text", k))
			continue
		}
		if a, b := verbs(fr[k]), verbs(e); a != b {
			out = append(out, fmt.Sprintf("%q: French uses %s, English %s", k, a, b))
		}
		if strings.TrimSpace(fr[k]) == "" || strings.TrimSpace(e) == "" {
			out = append(out, fmt.Sprintf("%q has an empty text", k))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(en)) {
		if _, ok := fr[k]; !ok {
			out = append(out, fmt.Sprintf("%q has no French text", k))
		}
	}
	return out
}

// verbs returns the format verbs of f, normalised to their argument index, sorted.
func verbs(f string) string {
	var vs []string
	n := 0
	for _, v := range verbRE.FindAllString(f, -1) {
		if v == "%%" {
			continue
		}
		if !strings.HasPrefix(v, "%[") {
			n++
			v = fmt.Sprintf("%%[%d]%s", n, v[1:])
		}
		vs = append(vs, v)
	}
	slices.Sort(vs)
	vs = slices.Compact(vs)
	return "[" + strings.Join(vs, " ") + "]"
}

// TB is the part of testing.TB that CheckComplete uses.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

// CheckComplete fails t for every problem of c.
func CheckComplete(t TB, c *Catalog) {
	t.Helper()
	for _, p := range c.Problems() {
		t.Errorf("catalog: %s", p)
	}
}
