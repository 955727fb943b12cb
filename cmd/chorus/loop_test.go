package main

import (
	"strings"
	"testing"
)

// TestConsoleCloseTheLoop plays issue 14 in the console: a new message proposes the point it
// contradicts and the lead accepts it; the right copy passes and the old one is flagged; a
// two-step chain (legal, then the leads); a lead cannot approve her own copy; the audit trail
// shows it all, with versions and reasons.
func TestConsoleCloseTheLoop(t *testing.T) {
	script := strings.Join([]string{
		`/campaign create ete-literie "Soldes d'été literie" 2027-07-01 2027-07-15`,
		`/campaign message ete-literie Du 1er au 15 juillet 2027, -30 % sur toute la literie, en magasin et en ligne.`,
		`/campaign points ete-literie -30 % sur toute la literie ; du 1er au 15 juillet 2027 ; en magasin et en ligne`,
		`/campaign channel add ete-literie social #social @sami`,
		`/campaign lead add ete-literie @emma`,
		`/campaign chain ete-literie juridique @jo`,
		`/campaign message ete-literie Du 1er au 15 juillet 2027, -40 % sur toute la literie, en magasin et en ligne.`,
		`1`, // accept the proposed point
		`/as sami`,
		`/campaign submit ete-literie social -30 % sur toute la literie du 1er au 15 juillet 2027, en magasin et en ligne !`,
		`/campaign submit ete-literie social -40 % sur toute la literie du 1er au 15 juillet 2027, en magasin et en ligne !`,
		`/as jo`,
		`1`, // the legal step approves
		`/as emma`,
		`1`, // the leads' step approves
		`/as alice`,
		`/campaign chain ete-literie off`,
		`/campaign submit ete-literie social ☀️ -40 % sur toute la literie du 1er au 15 juillet 2027, en magasin et en ligne.`,
		`1`, // alice clicks the approval of her own copy: refused
		`/campaign audit ete-literie`,
	}, "\n") + "\n"
	env, _ := testEnv(t, nil, script)
	out := runLines(t, env, "console")
	steps := []string{
		"« -30 % sur toute la literie » dit encore « -30 % ». Proposition : « -40 % sur toute la literie »",
		"1 point(s) remplacé(s)",
		"• -40 % sur toute la literie",
		"-30 % ≠ -40 % du message global",
		"✅ Aligné sur le message global",
		"Étape 1/2 : juridique (@jo)",
		"approuvé à l'étape « juridique » : il passe à l'étape « responsables »",
		"Étape 2/2 : responsables (@alice, @emma)",
		"✅ Texte de @sami validé",
		"Vous êtes l'auteur de ce texte : quatre yeux, @emma l'approuve",
		"vous êtes l'auteur de ce texte de « Soldes d'été literie » : quatre yeux, un autre responsable (@emma) doit l'approuver. Rien n'a changé.",
		"Journal de « Soldes d'été literie »",
		"*texte approuvé*",
		"[responsables]",
		"[juridique]",
		"*points proposés acceptés* · v7 → v8",
		"*message global* · v6 → v7",
		"*création* · v1",
	}
	rest := out
	for _, s := range steps {
		i := strings.Index(rest, s)
		if i < 0 {
			t.Fatalf("the console lacks %q after the previous step:\n%s", s, out)
		}
		rest = rest[i+len(s):]
	}
	if strings.Contains(out, "erreur interne") {
		t.Errorf("internal error:\n%s", out)
	}
}
