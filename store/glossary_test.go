package store_test

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/chorus-hq/chorus"
)

func TestTermKeys(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	in := chorus.GlossaryTerm{
		WorkspaceID: "T1", Term: "Éclat", Lang: chorus.French, Definition: "gamme soin",
		Forbidden: []string{"Eclat+", "ÉCLAT"}, Note: "nom de marque", MatchCase: true, CreatedBy: "alice",
	}
	got, err := s.CreateTerm(ctx, in)
	wantErr(t, err, nil)
	if got.Version != 1 || !reflect.DeepEqual(got.Forbidden, in.Forbidden) || !got.MatchCase || got.MatchAccent {
		t.Fatalf("CreateTerm = %+v", got)
	}

	cases := []struct {
		name string
		term chorus.GlossaryTerm
		want error
	}{
		{"same word without accent", term("T1", chorus.French, "eclat"), chorus.ErrConflict},
		{"same word other case and spaces", term("T1", chorus.French, " ÉCLAT "), chorus.ErrConflict},
		{"same word in English", term("T1", chorus.English, "Eclat"), nil},
		{"word with a slash", term("T1", chorus.French, "drive/retrait"), nil},
		{"word the slash could mimic", term("T1", chorus.French, "drive%2Fretrait"), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.CreateTerm(ctx, c.term)
			wantErr(t, err, c.want)
		})
	}

	read, err := s.Term(ctx, "T1", chorus.TermKey(chorus.French, "ECLAT"))
	if err != nil || !reflect.DeepEqual(read, got) {
		t.Fatalf("Term = %+v, %v; want %+v", read, err, got)
	}
	gs, err := s.Terms(ctx, "T1")
	wantErr(t, err, nil)
	keys := labels(gs, chorus.GlossaryTerm.Key)
	if want := []string{"en:eclat", "fr:drive%2fretrait", "fr:drive/retrait", "fr:eclat"}; !slices.Equal(keys, want) {
		t.Fatalf("Terms keys = %q, want %q", keys, want)
	}

	t.Run("rewording to another key is not an update", func(t *testing.T) {
		edit := read
		edit.Term = "Éclat Pro"
		_, err := s.UpdateTerm(ctx, edit)
		wantErr(t, err, chorus.ErrNotFound)
	})
	t.Run("rewording within the key is", func(t *testing.T) {
		edit := read
		edit.Term = "ÉCLAT"
		g, err := s.UpdateTerm(ctx, edit)
		if err != nil || g.Version != 2 || g.Term != "ÉCLAT" {
			t.Fatalf("UpdateTerm = %+v, %v", g, err)
		}
	})
}
