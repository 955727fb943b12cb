package drift

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestZZText(t *testing.T) {
	for _, text := range strings.Split(os.Getenv("ZZTEXTS"), "|") {
		if text == "" {
			continue
		}
		d := newDoc(text, 2027)
		d.extract(baseTrie())
		fmt.Printf("%-50q →", text)
		for _, f := range d.facts {
			fmt.Printf(" [%s %s %v %v %s]", f.Kind, f.Role, f.Value, f.To, f.Unit)
		}
		fmt.Println()
	}
}
