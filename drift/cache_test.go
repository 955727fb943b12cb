package drift

import (
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/chorus-hq/chorus"
)

func TestCache(t *testing.T) {
	camp := chorus.Campaign{Message: "Soldes d'été : -30 % sur la literie DouceNuit du 1er au 15 juillet, en magasin.", Lang: chorus.French}
	edited := camp
	edited.Message = "Soldes d'été : -40 % sur la literie DouceNuit du 1er au 15 juillet, en magasin."
	withTerm := append(slices.Clone(testGlossary), chorus.GlossaryTerm{Term: "literie", Lang: chorus.French, Forbidden: []string{"matelas"}, Version: 1})
	newVariant := slices.Clone(withTerm)
	newVariant[len(newVariant)-1].Forbidden = []string{"matelas", "sommier"}
	newVariant[len(newVariant)-1].Version = 2
	tests := []struct {
		name     string
		camp     chorus.Campaign
		glossary []chorus.GlossaryTerm
		year     int
		shared   bool   // the first compilation's Reference is returned again
		flagged  string // a copy the returned Reference must flag ("" for none)
	}{
		{"same campaign and glossary", camp, testGlossary, 0, true, ""},
		{"another year", camp, testGlossary, 2031, false, ""},
		{"edited message", edited, testGlossary, 0, false, ""},
		{"a term added", camp, withTerm, 0, false, "-30 % sur les matelas DouceNuit du 1er au 15 juillet, en magasin."},
		{"a variant added to a term", camp, newVariant, 0, false, "-30 % sur les sommiers DouceNuit du 1er au 15 juillet, en magasin."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := NewCache(8)
			first := k.Compile(camp, testGlossary, 0)
			got := k.Compile(tt.camp, tt.glossary, tt.year)
			if (got == first) != tt.shared {
				t.Fatalf("shared the first Reference: %v, want %v", got == first, tt.shared)
			}
			if again := k.Compile(tt.camp, tt.glossary, tt.year); again != got {
				t.Fatal("the same inputs compiled twice")
			}
			if tt.flagged == "" {
				return
			}
			if v := got.Check(tt.flagged, chorus.French); !slices.ContainsFunc(v.Findings, func(f Finding) bool { return f.Kind == KindGlossary }) {
				t.Errorf("no glossary finding in %q: %+v", tt.flagged, v.Findings)
			}
		})
	}
}

// TestCacheByVersion: a glossary named by its version is read only when the entry must be
// compiled; the same version and campaign find the first Reference, another version or
// campaign compiles anew with the terms it reads, no version hashes the terms, and an error
// reading them is returned.
func TestCacheByVersion(t *testing.T) {
	camp := chorus.Campaign{Message: "Soldes d'été : -30 % sur la literie DouceNuit du 1er au 15 juillet, en magasin.", Lang: chorus.French}
	edited := camp
	edited.Message = "Soldes d'été : -40 % sur la literie DouceNuit du 1er au 15 juillet, en magasin."
	withTerm := append(slices.Clone(testGlossary), chorus.GlossaryTerm{Term: "literie", Lang: chorus.French, Forbidden: []string{"matelas"}, Version: 1})
	failing := errors.New("glossary unreachable")
	tests := []struct {
		name     string
		camp     chorus.Campaign
		version  string
		glossary []chorus.GlossaryTerm
		err      error // what reading the glossary fails with
		reads    int   // how many times the glossary is read by the two calls
		shared   bool  // the first compilation's Reference is returned
		flagged  string
	}{
		{"same version and campaign", camp, "T1.a.1", testGlossary, nil, 0, true, ""},
		{"another version", camp, "T1.a.2", withTerm, nil, 1, false, "-30 % sur les matelas DouceNuit du 1er au 15 juillet, en magasin."},
		{"another campaign", edited, "T1.a.1", testGlossary, nil, 1, false, ""},
		{"another year", camp, "T1.a.1", testGlossary, nil, 1, false, ""},
		{"no version: the terms decide", camp, "", withTerm, nil, 2, false, "-30 % sur les matelas DouceNuit du 1er au 15 juillet, en magasin."},
		{"a new version the glossary fails to give", camp, "T1.a.3", nil, failing, 2, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := NewCache(8)
			first, err := k.CompileVersion(camp, "T1.a.1", func() ([]chorus.GlossaryTerm, error) { return testGlossary, nil }, 0)
			if err != nil {
				t.Fatal(err)
			}
			reads := 0
			glossary := func() ([]chorus.GlossaryTerm, error) { reads++; return tt.glossary, tt.err }
			year := 0
			if tt.name == "another year" {
				year = 2031
			}
			var got *Reference
			for range 2 {
				r, err := k.CompileVersion(tt.camp, tt.version, glossary, year)
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				if got != nil && r != got {
					t.Fatal("the same inputs compiled twice")
				}
				got = r
			}
			if reads != tt.reads {
				t.Errorf("the glossary was read %d times, want %d", reads, tt.reads)
			}
			if tt.err != nil {
				return
			}
			if (got == first) != tt.shared {
				t.Fatalf("shared the first Reference: %v, want %v", got == first, tt.shared)
			}
			if tt.flagged != "" {
				if v := got.Check(tt.flagged, chorus.French); !slices.ContainsFunc(v.Findings, func(f Finding) bool { return f.Kind == KindGlossary }) {
					t.Errorf("no glossary finding in %q: %+v", tt.flagged, v.Findings)
				}
			}
		})
	}
}

func TestCacheKeepsAtMostSize(t *testing.T) {
	k := NewCache(2)
	camps := []chorus.Campaign{{Message: "-10 % sur tout"}, {Message: "-20 % sur tout"}, {Message: "-30 % sur tout"}}
	first := k.Compile(camps[0], nil, 0)
	k.Compile(camps[1], nil, 0)
	k.Compile(camps[2], nil, 0)
	if n := k.refs.Len(); n != 2 {
		t.Fatalf("%d entries, want 2", n)
	}
	if k.Compile(camps[0], nil, 0) == first {
		t.Error("the oldest entry was kept past the size")
	}
}

// TestHashTermCoversEveryField fails when GlossaryTerm gains a field: hashTerm must then say
// whether it changes what the term enforces (hash it) or not (list it below).
func TestHashTermCoversEveryField(t *testing.T) {
	hashed := []string{"WorkspaceID", "Term", "Lang", "Definition", "Forbidden", "Exceptions", "Note", "MatchCase", "MatchAccent", "Retired", "Equivalent", "Version"}
	ignored := []string{"CreatedBy", "CreatedAt", "UpdatedBy", "UpdatedAt"} // who and when: not what is enforced
	typ := reflect.TypeFor[chorus.GlossaryTerm]()
	for i := range typ.NumField() {
		name := typ.Field(i).Name
		if !slices.Contains(hashed, name) && !slices.Contains(ignored, name) {
			t.Errorf("GlossaryTerm.%s is neither hashed by hashTerm nor listed as ignored", name)
		}
	}
}

// TestCacheSharedByConcurrentChecks: one cached Reference serves checks running at once (run
// with -race), each with the verdict of a Reference of its own.
func TestCacheSharedByConcurrentChecks(t *testing.T) {
	camp := chorus.Campaign{Message: "Soldes d'été : -30 % sur la literie DouceNuit du 1er au 15 juillet, en magasin.", Lang: chorus.French}
	texts := []string{"-40 % sur la literie Douce Nuit, en magasin.", "-30 % sur la literie DouceNuit du 1er au 15 juillet.", "Livraison offerte sur tout le site."}
	want := make([]Verdict, len(texts))
	for i, text := range texts {
		want[i] = Compile(camp, testGlossary, 0).Check(text, "")
	}
	k := NewCache(4)
	var wg sync.WaitGroup
	got := make([][]Verdict, 8)
	for g := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, text := range texts {
				got[g] = append(got[g], k.Compile(camp, testGlossary, 0).Check(text, ""))
			}
		}()
	}
	wg.Wait()
	for g := range got {
		for i := range texts {
			if !reflect.DeepEqual(got[g][i], want[i]) {
				t.Fatalf("goroutine %d, %q: %+v, want %+v", g, texts[i], got[g][i], want[i])
			}
		}
	}
}
