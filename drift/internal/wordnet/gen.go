//go:build ignore

// gen writes drift/antonyms.txt, the English antonym pairs of WordNet 3.0 (Princeton
// University, WordNet 3.0 license: free use, copy and distribution with the copyright notice),
// from Debian's wordnet-base package:
//
//	apt-get install wordnet-base
//	go run ./drift/internal/wordnet/gen.go /usr/share/wordnet > drift/antonyms.txt
//
// Only direct antonyms of adjectives, verbs and adverbs are kept ("wide"/"narrow",
// "increase"/"decrease"), one pair a line, single words only: the pairs whose swap turns a
// statement into its opposite.
package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

type synset struct {
	words []string
	ants  []struct {
		target string
		src    int
		dst    int
	}
}

func main() {
	dir := os.Args[1]
	sets := map[string]*synset{}
	for _, pos := range []string{"adj", "verb", "adv"} {
		f, err := os.Open(filepath.Join(dir, "data."+pos))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "  ") {
				continue
			}
			p := strings.Fields(line)
			wc, _ := strconv.ParseInt(p[3], 16, 32)
			s := &synset{}
			for i := 0; i < int(wc); i++ {
				w := strings.ToLower(p[4+2*i])
				if k := strings.IndexByte(w, '('); k >= 0 {
					w = w[:k]
				}
				s.words = append(s.words, w)
			}
			i := 4 + 2*int(wc)
			pc, _ := strconv.Atoi(p[i])
			i++
			for k := 0; k < pc; k++ {
				sym, off, ppos, st := p[i], p[i+1], p[i+2], p[i+3]
				i += 4
				if sym != "!" {
					continue
				}
				if ppos == "s" {
					ppos = "a"
				}
				src, _ := strconv.ParseInt(st[:2], 16, 32)
				dst, _ := strconv.ParseInt(st[2:], 16, 32)
				s.ants = append(s.ants, struct {
					target string
					src    int
					dst    int
				}{off + ppos, int(src), int(dst)})
			}
			key := p[0] + p[2]
			if key[len(key)-1] == 's' {
				key = key[:len(key)-1] + "a"
			}
			sets[key] = s
		}
		f.Close()
	}
	pairs := map[string]bool{}
	for _, s := range sets {
		for _, a := range s.ants {
			t := sets[a.target]
			if t == nil || a.src == 0 || a.dst == 0 || a.src > len(s.words) || a.dst > len(t.words) {
				continue
			}
			x, y := s.words[a.src-1], t.words[a.dst-1]
			if strings.ContainsAny(x, "_-") || strings.ContainsAny(y, "_-") || x == y {
				continue
			}
			if x > y {
				x, y = y, x
			}
			pairs[x+" "+y] = true
		}
	}
	out := make([]string, 0, len(pairs))
	for p := range pairs {
		out = append(out, p)
	}
	sort.Strings(out)
	fmt.Println("# English antonym pairs from WordNet 3.0 (c) 2006 Princeton University; see drift/internal/wordnet/gen.go")
	for _, p := range out {
		fmt.Println(p)
	}
}
