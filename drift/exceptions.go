package drift

import (
	"strings"

	"github.com/chorus-hq/chorus"
)

// defaultExceptions are expressions in which a common word that glossaries often forbid is
// innocent: « bio » forbidden as an organic claim is not the profile of « lien en bio »,
// « traitement » forbidden as a therapeutic claim is not « le traitement de votre commande ».
// Keys are folded forbidden variants.
var defaultExceptions = map[string][]string{
	"bio": {"lien en bio", "lien dans la bio", "lien dans notre bio", "lien dans ma bio", "liens en bio", "link in bio",
		"link in our bio", "link in the bio", "link in my bio"},
	"traitement": {"traitement de votre commande", "traitement de la commande", "traitement des commandes",
		"traitement de vos commandes", "traitement de votre demande", "traitement des demandes", "traitement de vos donnees",
		"traitement des donnees", "traitement de donnees", "traitement antireflet", "traitement anti reflet",
		"traitement anti rayures", "traitement des verres", "delai de traitement", "traitement de surface"},
	"traitements": {"traitements antireflet", "traitements anti reflet", "traitements des donnees"},
	"treatment": {"anti reflective treatment", "antireflective treatment", "anti glare treatment", "data treatment",
		"treatment of your data", "treatment of your order"},
	"puces":   {"marche aux puces", "puces electroniques"},
	"puce":    {"marche aux puces", "puce electronique", "carte a puce"},
	"gratuit": {"numero vert gratuit", "appel gratuit", "numero gratuit"},
}

// exceptionsOf returns the expressions in which the term's forbidden variants are innocent:
// the ones the team recorded, the ones its note quotes (« … » or "…") that contain a variant
// and say more than it, and the defaults for common words.
func exceptionsOf(t chorus.GlossaryTerm) []string {
	out := append([]string(nil), t.Exceptions...)
	folded := make([]string, 0, len(t.Forbidden))
	for _, v := range t.Forbidden {
		f := strings.Join(phraseWords(v), " ")
		folded = append(folded, f)
		out = append(out, defaultExceptions[f]...)
	}
	for _, q := range quoted(t.Note) {
		w := phraseWords(q)
		qs := " " + strings.Join(w, " ") + " "
		for _, f := range folded {
			if f != "" && len(w) > len(strings.Fields(f)) && strings.Contains(qs, " "+f+" ") {
				out = append(out, q)
				break
			}
		}
	}
	return out
}

// quoted returns the segments of s between « and » or between straight or curly double quotes.
func quoted(s string) []string {
	var out []string
	for _, pair := range [][2]string{{"«", "»"}, {"\"", "\""}, {"“", "”"}} {
		rest := s
		for {
			i := strings.Index(rest, pair[0])
			if i < 0 {
				break
			}
			rest = rest[i+len(pair[0]):]
			j := strings.Index(rest, pair[1])
			if j < 0 {
				break
			}
			if q := strings.TrimSpace(rest[:j]); q != "" {
				out = append(out, q)
			}
			rest = rest[j+len(pair[1]):]
		}
	}
	return out
}
