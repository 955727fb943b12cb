package configs

import (
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestExampleFile checks that the example loads without problems, states exactly the defaults,
// lists every setting (and no other) and names the environment variable of each.
func TestExampleFile(t *testing.T) {
	c := mustLoad(t, nil, "chorus.example.yaml")
	if !reflect.DeepEqual(c, Default()) {
		t.Errorf("the example does not state the defaults:\nexample  %v\ndefaults %v", c, Default())
	}

	// Keys are collected from the raw document: parseYAML drops empty values, the example must
	// still show them.
	var doc map[string]any
	if err := yaml.Unmarshal(Example, &doc); err != nil {
		t.Fatal(err)
	}
	var present []string
	for k, v := range doc {
		if section, ok := v.(map[string]any); ok {
			for sub := range section {
				present = append(present, k+"."+sub)
			}
			continue
		}
		present = append(present, k)
	}
	sort.Strings(present)
	var want []string
	for _, s := range settings {
		want = append(want, s.key)
		if !strings.Contains(string(Example), "# "+s.env+" —") {
			t.Errorf("example does not document %s", s.env)
		}
	}
	sort.Strings(want)
	if !slices.Equal(present, want) {
		t.Errorf("example keys differ from the settings:\nexample  %v\nsettings %v", present, want)
	}
}
