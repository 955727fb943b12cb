package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestDemoDriftFlow: the tour plays the whole approval flow, in order: flag, refusal of a
// non-lead, changes requested, fixed copy passes, approval, message change, out of date.
func TestDemoDriftFlow(t *testing.T) {
	env, _ := testEnv(t, nil, "")
	out := runLines(t, env, "demo")
	steps := []string{
		"Vérification automatique activée dans #social",
		"2 écart(s) avec le message global",
		"« Douce Nuit » est proscrit par le glossaire",
		"[1] Demander des modifications",
		"seuls les responsables de « Soldes d'été literie » (@lea) peuvent valider ses textes",
		"Modifications demandées à @sami",
		"✅ Aligné sur le message global",
		"✅ Texte de @sami validé",
		"Point manquant",
		"Textes à valider (1)",
		"Compris : -35 %",
		"votre texte validé (social) est périmé",
		"périmé (message global modifié)",
	}
	rest := out
	for _, s := range steps {
		i := strings.Index(rest, s)
		if i < 0 {
			t.Fatalf("the demo lacks %q after the previous step:\n%s", s, out)
		}
		rest = rest[i+len(s):]
	}
}

// TestConsoleWithJudge wires the LLM judge from OPENAI_BASE_URL, as in production, against a
// local OpenAI-compatible server: a borderline verdict gets its validated finding and rewrite.
func TestConsoleWithJudge(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/chat/completions" {
			http.NotFound(w, r)
			return
		}
		calls.Add(1)
		answer, _ := json.Marshal(map[string]any{
			"drift": true,
			"findings": []any{map[string]any{"kind": "off_message", "quote": "nouvelle collection",
				"global_quote": "-30 % sur toute la literie", "reason": "la collection passe avant l'offre", "suggestion": ""}},
			"rewrite": "-30 % sur toute la literie du 1er au 15 juillet 2027, en magasin et en ligne.",
		})
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"id": "c1", "object": "chat.completion", "model": "m",
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": string(answer)}}}})
	}))
	t.Cleanup(srv.Close)
	script := strings.Join([]string{
		`/campaign create ete-literie "Soldes d'été literie" 2027-07-01 2027-07-15`,
		`/campaign message ete-literie Du 1er au 15 juillet 2027, -30 % sur toute la literie, en magasin et en ligne.`,
		`/campaign points ete-literie -30 % sur toute la literie ; du 1er au 15 juillet 2027 ; en magasin et en ligne`,
		`/campaign channel add ete-literie social #social @sami`,
		`/campaign submit ete-literie social Découvrez notre nouvelle collection ! -30 % sur toute la literie et les canapés du 1er au 15 juillet 2027.`,
	}, "\n") + "\n"
	env, _ := testEnv(t, map[string]string{"OPENAI_BASE_URL": srv.URL + "/v1", "OPENAI_MODEL": "local"}, script)
	out := runLines(t, env, "console")
	mustContain(t, out, "Point manquant", "🤖", "la collection passe avant l'offre", "Proposition de réécriture",
		"> -30 % sur toute la literie du 1er au 15 juillet 2027, en magasin et en ligne.")
	if calls.Load() == 0 {
		t.Fatal("the judge was never asked")
	}
}
