package drift

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/chorus-hq/chorus"
)

func TestZZCase(t *testing.T) {
	id := os.Getenv("ZZCASE")
	if id == "" {
		t.Skip()
	}
	set := os.Getenv("ZZSET")
	b, _ := os.ReadFile("/work/shared/drift/" + set + "/campaigns.json")
	var raw struct {
		Glossary []struct {
			Term      string
			Forbidden []string
			Note      string
		}
		Campaigns []struct {
			ID, Lang, Message string
			Year              int
			MustInclude       []string `json:"must_include"`
		}
	}
	json.Unmarshal(b, &raw)
	var gl []chorus.GlossaryTerm
	for _, g := range raw.Glossary {
		gl = append(gl, chorus.GlossaryTerm{Term: g.Term, Forbidden: g.Forbidden, Note: g.Note})
	}
	cb, _ := os.ReadFile("/work/shared/drift/" + set + "/cases.jsonl")
	for _, line := range splitLines(string(cb)) {
		var cs struct{ ID, Campaign, Text, Lang string }
		json.Unmarshal([]byte(line), &cs)
		if cs.ID != id {
			continue
		}
		for _, c := range raw.Campaigns {
			if c.ID != cs.Campaign {
				continue
			}
			r := Compile(chorus.Campaign{Lang: chorus.Lang(c.Lang), Message: c.Message, MustInclude: c.MustInclude}, gl, c.Year)
			d := newDoc(cs.Text, r.year)
			d.extract(r.trie)
			for _, f := range d.facts {
				fmt.Printf("F %s %s %v %s %q ctx=%v\n", f.Kind, f.Role, f.Value, f.Unit, f.Quote, f.ctx)
			}
			ch := &check{r: r, d: d, lang: chorus.Lang(cs.Lang), set: map[string]bool{}}
			for _, s := range d.sentences() {
				fmt.Printf("S [%d,%d) touches=%v %q\n", s[0], s[1], ch.touches(s[0], s[1]), quote(d.text, d.toks, s[0], s[1]-1))
			}
			v := r.Check(cs.Text, chorus.Lang(cs.Lang))
			fmt.Printf("%+v\n", v.Findings)
		}
	}
}

func splitLines(s string) []string {
	var out []string
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] != '\n' {
			i++
		}
		out = append(out, s[:i])
		if i < len(s) {
			i++
		}
		s = s[i:]
	}
	return out
}
