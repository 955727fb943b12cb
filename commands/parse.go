package commands

import (
	"strings"

	"github.com/chorus-hq/chorus"
)

// tokenize splits command text into words. Double quotes, « guillemets » and “curly quotes” group
// words, as people paste titles with spaces from their documents.
func tokenize(s string) ([]string, error) {
	var (
		out []string
		b   strings.Builder
		in  rune // closing quote we wait for, 0 outside quotes
		had bool
	)
	closing := map[rune]rune{'"': '"', '«': '»', '“': '”', '„': '“'}
	for _, r := range s {
		switch {
		case in != 0 && r == in:
			in = 0
		case in == 0 && closing[r] != 0 && b.Len() == 0:
			in, had = closing[r], true
		case in == 0 && (r == ' ' || r == '\t' || r == '\n' || r == '\u00a0'):
			if b.Len() > 0 || had {
				out = append(out, strings.TrimSpace(b.String()))
				b.Reset()
				had = false
			}
		default:
			b.WriteRune(r)
		}
	}
	if in != 0 {
		return nil, chorus.Errorf(chorus.ErrInvalid, "parse.quote")
	}
	if b.Len() > 0 || had {
		out = append(out, strings.TrimSpace(b.String()))
	}
	return out, nil
}
