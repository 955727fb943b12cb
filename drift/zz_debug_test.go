package drift

import (
	"fmt"
	"os"
	"testing"
)

func TestZZText(t *testing.T) {
	text := os.Getenv("ZZTEXT")
	if text == "" {
		t.Skip()
	}
	d := newDoc(text, 2027)
	d.extract(baseTrie())
	for _, f := range d.facts {
		fmt.Printf("F %s %s %v %s %v-%v %q\n", f.Kind, f.Role, f.Value, f.Unit, f.From, f.To, f.Quote)
	}
	fmt.Printf("scope %+v\n", d.scopeSt)
	for _, u := range d.units {
		fmt.Printf("%s ", u.id)
	}
	fmt.Println()
}
