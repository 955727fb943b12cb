package main

import (
	"strings"
	"testing"
)

// TestConsoleMinutes plays a meeting in the console end to end: lines by prefix, thread reply
// and reaction, an edit and a deletion, a missing owner completed through the form, the posted
// minutes with their tasks, and minutes built from a thread.
func TestConsoleMinutes(t *testing.T) {
	script := strings.Join([]string{
		`/campaign create ete-literie "Soldes d'été literie"`,
		`/in #reunion`,
		`/minutes start Réunion créa ete-literie`,
		`/say Faut-il garder le bleu nuit ?`, // ts 1800000001
		`/as sami`,
		`/reply 1800000001.000000 décision: on garde le bleu nuit`, // ts …2
		`/say Commander les échantillons`,                          // ts …3
		`/react point_right 1800000003.000000`,
		`1`,
		`emma`,
		`demain 10h`,
		`/react memo 1800000001.000000`,
		`/say note: budget 10 k€`, // ts …4
		`/edit 1800000004.000000 note: budget 12 k€`,
		`/say note: ligne à supprimer`, // ts …5
		`/delete 1800000005.000000`,
		`/say action: @sami visuels demain`, // ts …6
		`/say action: @sami affiche 01/01/2020`,
		`/minutes end`,
		`/as alice`,
		`/minutes end`,
		`/minutes end`,
		`/minutes thread 1800000002.000000`,
		``,
		`ete-literie`,
		``,
		`/campaign task list ete-literie`,
	}, "\n") + "\n"
	env, _ := testEnv(t, nil, script)
	out := runLines(t, env, "console")
	mustContain(t, out,
		"Réunion « Réunion créa » ouverte par @alice",
		"Action « Commander les échantillons » : il manque le responsable et l'échéance.",
		"Action « Commander les échantillons » : @emma, pour le",
		"l'échéance 2020-01-01 18:00 est déjà passée",
		"seuls @alice, qui a ouvert « Réunion créa », et les responsables peuvent clôturer",
		"Réunion « Réunion créa » clôturée — 2 tâche(s) créée(s).",
		"*Participants :* @alice, @sami",
		"• Faut-il garder le bleu nuit ? _(@alice)_",
		"• on garde le bleu nuit _(@sami)_",
		"• budget 12 k€ _(@sami)_",
		"• Commander les échantillons — @emma — ",
		"• visuels — @sami — ",
		"aucune réunion n'est ouverte dans ce canal",
		"┌─ Compte rendu du fil",
		"Compte rendu « Faut-il garder le bleu nuit ? » enregistré",
		"→ #reunion",
		"*Commander les échantillons* — @emma",
		"*visuels* — @sami",
	)
	for _, gone := range []string{"budget 10 k€ _(", "ligne à supprimer _(", "erreur interne"} {
		if strings.Contains(out, gone) {
			t.Errorf("output shows %q:\n%s", gone, out)
		}
	}
}

// TestDemoMinutes: the demo's meeting, in French and in English, posts its minutes with two
// notes, two decisions and three action items, and creates three tasks with owners and dates.
func TestDemoMinutes(t *testing.T) {
	tests := []struct {
		lang string
		want []string
	}{
		{"fr", []string{"clôturée — 3 tâche(s) créée(s)", "*Notes*", "*Décisions*", "*Actions*",
			"• Stories Instagram du lancement — @sami — vendredi 4 juin 2027 à 17:00 — tâche ",
			"• relecture finale de la newsletter — @emma — vendredi 25 juin 2027 à 18:00 — tâche ",
			"• PLV des magasins — @rui — vendredi 18 juin 2027 à 18:00 — tâche ",
			"remplacé par la décision de la réunion", "# Point hebdo soldes d'été"}},
		{"en", []string{"closed — 3 task(s) created", "*Decisions*", "*Action items*",
			"• Stories Instagram du lancement — @sami — Friday 4 June 2027 at 17:00 — task ",
			"• PLV des magasins — @rui — Friday 18 June 2027 at 18:00 — task ",
			"replaced by the decision of the meeting"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			env, _ := testEnv(t, nil, "")
			out := runLines(t, env, "demo", "--lang", tt.lang)
			mustContain(t, out, tt.want...)
			if strings.Contains(out, "erreur interne") || strings.Contains(out, "internal error") || strings.Contains(out, "went wrong") {
				t.Errorf("the demo hit an internal error:\n%s", out)
			}
		})
	}
}
