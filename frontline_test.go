package chorus_test

import (
	"slices"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
)

func TestExpertsRoute(t *testing.T) {
	e := chorus.Experts{Topics: chorus.DefaultTopics()}
	for _, c := range []struct {
		text string
		want []string
	}{
		{"Quels sont les DÉLAIS de livraison ?", []string{"logistique"}},
		{"What are the delivery times for a mattress?", []string{"logistique", "produit"}},
		{"Le code promo est-il cumulable ?", []string{"prix"}},
		{"Can a customer get a refund after 30 days?", []string{"sav"}},
		{"Les CGV s'appliquent-elles en magasin ?", []string{"juridique"}},
		{"Bonjour à tous", nil},
		{"livraisons", []string{"logistique"}}, // a plural
		{"délivrance", nil},                    // no part of a word
	} {
		t.Run(c.text, func(t *testing.T) {
			var got []string
			for _, tp := range e.Route(c.text) {
				got = append(got, tp.Name)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("Route(%q) = %v, want %v", c.text, got, c.want)
			}
		})
	}
}

func TestExpertsValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		e    chorus.Experts
		code string
	}{
		{"topic syntax", chorus.Experts{Topics: []chorus.Topic{{Name: "Prix!"}}}, "experts.topic.syntax"},
		{"expert id", chorus.Experts{Topics: []chorus.Topic{{Name: "prix", Experts: []string{"@@"}}}}, "user.invalid"},
		{"delay", chorus.Experts{Escalate: 8 * 24 * time.Hour}, "experts.delay.range"},
		{"ok", chorus.Experts{Topics: chorus.DefaultTopics(), Escalate: time.Hour}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.e.Validate()
			if c.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !chorus.HasCode(err, c.code) {
				t.Errorf("Validate = %v, want %s", err, c.code)
			}
		})
	}
	if d := (chorus.Experts{}).EscalateAfter(); d != chorus.DefaultEscalation {
		t.Errorf("default delay %v", d)
	}
}

func TestWorkspaceFrontlineValidate(t *testing.T) {
	w := chorus.DefaultWorkspace("T1")
	w.Frontline = []chorus.FrontlineChannel{{Channel: "C0STORES", Kind: "magasins"}, {Channel: "nope", Kind: "Bad Kind"}}
	var codes []string
	for _, p := range chorus.ProblemsOf(w.Validate()) {
		codes = append(codes, p.Code)
	}
	if !slices.Equal(codes, []string{"channel.id.invalid", "frontline.kind.syntax"}) {
		t.Errorf("Validate = %v", codes)
	}
	if f, ok := w.FrontlineChannel("C0STORES"); !ok || f.Kind != "magasins" {
		t.Errorf("FrontlineChannel = %+v %v", f, ok)
	}
}
