package review_test

// Scenarios of the approval flow: four eyes, the glossary's retired terms, approval chains.

import (
	"context"
	"strings"
	"testing"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands"
	"github.com/chorus-hq/chorus/reply"
)

// TestFourEyes: the author of a copy never approves it, not even as a lead; when she is the
// campaign's only lead, a workspace lead or an admin approves it; with another lead, that lead
// does. Every refusal says why and changes nothing.
func TestFourEyes(t *testing.T) {
	e := newDriftEnv(t, commands.Options{})
	ctx := context.Background()
	subOf := func(t testing.TB, card reply.Button) chorus.Submission {
		t.Helper()
		id, _, _ := strings.Cut(card.Value, "@")
		sub, err := e.Store.Submission(ctx, "T1", id)
		if err != nil {
			t.Fatal(err)
		}
		return sub
	}
	act := func(user string, admin bool, lang chorus.Lang, b reply.Button) reply.Reply {
		return e.Svc.Action(ctx, reply.Request{Workspace: "T1", User: user, IsAdmin: admin, Lang: lang}, reply.Action{ActionID: b.ActionID, Value: b.Value})
	}

	// lea, the campaign's only lead, submits aligned copy: her card cannot approve it.
	r := e.Do(t, "lea", "/campaign submit ete-literie social "+aligned)
	cards := driftPostsTo(r.Posts, "lea")
	if len(cards) != 1 {
		t.Fatalf("posts = %+v", r.Posts)
	}
	// her card offers no approval, and says who approves instead; a click forged from another
	// card is refused all the same
	driftMustPost(t, cards[0], "Vous êtes l'auteur de ce texte : quatre yeux, un responsable de l'espace ou un administrateur l'approuve")
	for _, b := range cards[0].Blocks {
		for _, btn := range b.Buttons {
			if btn.ActionID != reply.ActDriftChanges {
				t.Fatalf("the author's card offers %s", btn.ActionID)
			}
		}
	}
	approve := driftButton(t, cards[0].Blocks, reply.ActDriftChanges)
	approve.ActionID = reply.ActDriftApprove
	before := subOf(t, approve)
	mustSay(t, act("lea", false, "", approve), "⚠️", "vous êtes l'auteur de ce texte et le seul responsable", "un administrateur doit l'approuver", "Rien n'a changé")
	mustSay(t, act("lea", false, chorus.English, approve), "⚠️", "you wrote this copy and are the only lead", "an admin must approve it")
	mustSay(t, act("lea", true, "", approve), "⚠️", "vous êtes l'auteur") // an admin who wrote it neither
	mustSay(t, act("zoe", false, "", approve), "⚠️", "seuls les responsables")
	if got := subOf(t, approve); got.Version != before.Version || got.Status != before.Status {
		t.Fatalf("a refused approval changed the submission: %+v", got)
	}
	// an admin who is no lead may, since the author is the only lead
	mustSay(t, act("adam", true, "", approve), "✅")
	if got := subOf(t, approve); got.Status != chorus.SubmissionApproved {
		t.Fatalf("status after the admin's approval = %s", got.Status)
	}

	// With emma as a second lead, lea's flagged copy goes to emma, and only emma decides.
	mustSay(t, e.Do(t, "lea", "/campaign lead add ete-literie @emma"), "✅")
	r = e.Do(t, "lea", "/campaign submit ete-literie social "+drifting)
	cards = driftPostsTo(r.Posts, "lea")
	if len(cards) != 1 || len(driftPostsTo(r.Posts, "emma")) != 1 {
		t.Fatalf("posts = %+v", r.Posts)
	}
	snap := e.Snapshot(t)
	before = subOf(t, driftButton(t, cards[0].Blocks, reply.ActDriftChanges))
	driftMustPost(t, cards[0], "quatre yeux, @{emma} l'approuve")
	emmaCard := driftPostsTo(r.Posts, "emma")[0]
	for _, action := range []string{reply.ActDriftException, reply.ActDriftNotDrift} {
		b := driftButton(t, emmaCard.Blocks, action)
		mustSay(t, act("lea", false, "", b), "⚠️", "vous êtes l'auteur de ce texte", "un autre responsable (@{emma}) doit l'approuver")
		mustSay(t, act("adam", true, "", b), "⚠️", "seuls les responsables") // a lead other than the author exists
	}
	if got := subOf(t, driftButton(t, cards[0].Blocks, reply.ActDriftChanges)); e.Snapshot(t) != snap || got.Version != before.Version {
		t.Fatalf("a refused decision changed something: %+v", got)
	}
	// asking for changes on one's own copy is no approval: it stays allowed
	changes := driftButton(t, cards[0].Blocks, reply.ActDriftChanges)
	if m := act("lea", false, "", changes).Modal; m == nil {
		t.Fatal("the author-lead cannot request changes on her own copy")
	}
	m := act("emma", false, "", driftButton(t, emmaCard.Blocks, reply.ActDriftException)).Modal
	if m == nil {
		t.Fatal("no exception form for emma")
	}
	mustSay(t, driftSubmit(e, "emma", m, map[string]string{"comment": "Validé avec le juridique"}), "☑️")
	if got := subOf(t, changes); got.Status != chorus.SubmissionApprovedWithException {
		t.Fatalf("status after emma's exception = %s", got.Status)
	}
}

// A forbidden variant allowed again, or its term retired, no longer flags copy; a retired term
// stays in the glossary's history and comes back when restored. Only the glossary's editors may,
// and a refusal changes nothing.
func TestGlossaryUnforbidAndRetire(t *testing.T) {
	e := newDriftEnv(t, commands.Options{})
	copyText := strings.Replace(aligned, "DouceNuit", "Douce Nuit", 1)
	flagged := func(t *testing.T) bool {
		t.Helper()
		r := e.Do(t, "sami", "/campaign submit ete-literie social "+copyText)
		return strings.Contains(r.Text, "⚠️")
	}
	if !flagged(t) {
		t.Fatal("the forbidden variant is not flagged to begin with")
	}
	before := e.Snapshot(t)
	mustSay(t, e.Do(t, "sami", `/glossary unforbid DouceNuit "Douce Nuit"`), "⚠️", "seuls les responsables omnicanal")
	mustSay(t, e.Do(t, "sami", `/glossary retire DouceNuit`), "⚠️", "seuls les responsables omnicanal")
	mustSay(t, e.Do(t, "lea", `/glossary unforbid DouceNuit "Nuit Douce"`), "⚠️", "« Nuit Douce » n'est pas une variante interdite de « DouceNuit »", "« Douce Nuit »")
	mustSay(t, e.Do(t, "lea", `/glossary restore DouceNuit`), "⚠️", "n'est pas retiré")
	mustSay(t, e.Do(t, "lea", `/glossary unforbid`), "⚠️", "/glossary unforbid")
	if e.Snapshot(t) != before {
		t.Fatal("a refused command changed the glossary")
	}

	mustSay(t, e.Do(t, "lea", "/glossary retire DouceNuit"), "retiré du glossaire", "plus appliqué")
	if flagged(t) {
		t.Error("a retired term still flags copy")
	}
	mustSay(t, e.Do(t, "sami", "/glossary list"), "~DouceNuit~", "retiré, plus appliqué")
	if r := e.Do(t, "sami", `/glossary lookup "Douce Nuit"`); strings.Contains(r.Text, "est interdit") {
		t.Errorf("lookup still forbids the variant of a retired term: %s", r.Text)
	}
	mustSay(t, e.DoLang(t, "sami", chorus.English, "/glossary history DouceNuit"), "v2 → v3 · retired", "*v1*")
	mustSay(t, e.Do(t, "lea", "/glossary retire DouceNuit"), "⚠️", "déjà retiré")

	mustSay(t, e.DoLang(t, "lea", chorus.English, "/glossary restore DouceNuit"), "is restored")
	if !flagged(t) {
		t.Error("a restored term does not flag copy again")
	}
	mustSay(t, e.Do(t, "lea", `/glossary unforbid DouceNuit "douce nuit"`), "de nouveau permis", "version 5")
	if flagged(t) {
		t.Error("an allowed variant still flags copy")
	}
	mustSay(t, e.Do(t, "sami", "/glossary history DouceNuit"), "variantes interdites retirées : « Douce Nuit »", "rétabli")
}

// TestApprovalChain: a campaign's chain (legal, then the leads) takes copy step by step, each
// step's approvers only; « request changes » at any step sends it back to its author with the
// reason, and the chain starts again; the audit trail shows every step.
func TestApprovalChain(t *testing.T) {
	e := newDriftEnv(t, commands.Options{})
	ctx := context.Background()
	mustSay(t, e.Do(t, "sami", "/campaign chain ete-literie juridique @jo"), "⚠️", "peuvent changer son circuit d'approbation")
	mustSay(t, e.Do(t, "lea", "/campaign chain ete-literie Jurid!que @jo"), "⚠️", "ne peut pas nommer une étape")
	mustSay(t, e.Do(t, "lea", "/campaign chain ete-literie juridique @jo"), "Circuit d'approbation de « Soldes d'été literie » : juridique (@{jo}) → responsables (@{lea})")
	mustSay(t, e.DoLang(t, "sami", chorus.English, "/campaign show ete-literie"), "Approval chain", "juridique (@{jo}) → leads (@{lea})")
	subOf := func(b reply.Button) chorus.Submission {
		t.Helper()
		id, _, _ := strings.Cut(b.Value, "@")
		sub, err := e.Store.Submission(ctx, "T1", id)
		if err != nil {
			t.Fatal(err)
		}
		return sub
	}

	r := e.Do(t, "sami", "/campaign submit ete-literie social "+aligned)
	if len(driftPostsTo(r.Posts, "lea")) != 0 || len(driftPostsTo(r.Posts, "jo")) != 1 {
		t.Fatalf("the first card must go to the legal step only: %+v", r.Posts)
	}
	card := driftPostsTo(r.Posts, "jo")[0]
	driftMustPost(t, card, "Étape 1/2 : juridique (@{jo})")
	approve := driftButton(t, card.Blocks, reply.ActDriftApprove)
	mustSay(t, driftClick(e, "lea", approve.ActionID, approve.Value), "⚠️", "seules les personnes de l'étape « juridique » (@{jo})")
	mustSay(t, driftClick(e, "sami", approve.ActionID, approve.Value), "⚠️")
	if sub := subOf(approve); sub.Step != 0 || sub.Status != chorus.SubmissionPending {
		t.Fatalf("a refused click moved the copy: %+v", sub)
	}

	r = driftClick(e, "jo", approve.ActionID, approve.Value)
	mustSay(t, r, "approuvé à l'étape « juridique » : il passe à l'étape « responsables » (@{lea})")
	if len(driftPostsTo(r.Posts, "sami")) != 1 || len(driftPostsTo(r.Posts, "lea")) != 1 {
		t.Fatalf("posts after the legal step = %+v", r.Posts)
	}
	driftMustPost(t, driftPostsTo(r.Posts, "sami")[0], "@{jo} a approuvé votre texte à l'étape « juridique »")
	if sub := subOf(approve); sub.Step != 1 || sub.Status != chorus.SubmissionPending {
		t.Fatalf("after the legal step: %+v", sub)
	}
	mustSay(t, driftClick(e, "jo", approve.ActionID, approve.Value), "⚠️") // the card was outgrown
	leadCard := driftPostsTo(r.Posts, "lea")[0]
	driftMustPost(t, leadCard, "Étape 2/2 : responsables (@{lea})")
	final := driftButton(t, leadCard.Blocks, reply.ActDriftApprove)
	mustSay(t, driftClick(e, "jo", final.ActionID, final.Value), "⚠️", "seuls les responsables")
	mustSay(t, driftClick(e, "lea", final.ActionID, final.Value), "✅")
	if sub := subOf(final); sub.Status != chorus.SubmissionApproved {
		t.Fatalf("after the leads' step: %+v", sub)
	}

	// Changes requested at the legal step: back to the author, with the reason.
	r = e.Do(t, "sami", "/campaign submit ete-literie email Chère cliente, -30 % sur toute la literie DouceNuit du 1er au 15 juillet 2027, en magasin et en ligne.")
	changes := driftButton(t, driftPostsTo(r.Posts, "jo")[0].Blocks, reply.ActDriftChanges)
	m := driftClick(e, "jo", changes.ActionID, changes.Value).Modal
	if m == nil {
		t.Fatal("no form to request changes")
	}
	r = driftSubmit(e, "jo", m, map[string]string{"comment": "Mention légale manquante"})
	mustSay(t, r, "Modifications demandées")
	if sub := subOf(changes); sub.Status != chorus.SubmissionChangesRequested || sub.Step != 0 {
		t.Fatalf("after changes requested: %+v", sub)
	}
	if ps := driftPostsTo(r.Posts, "sami"); len(ps) != 1 || !strings.Contains(ps[0].Text, "Mention légale manquante") {
		t.Fatalf("the author is not told the reason: %+v", r.Posts)
	}

	mustSay(t, e.Do(t, "lea", "/campaign audit ete-literie"), "*texte approuvé* · texte", "[juridique]", "[responsables]",
		"motif : « [juridique] Mention légale manquante »", "*circuit d'approbation*")

	mustSay(t, e.Do(t, "lea", "/campaign chain ete-literie off"), "responsables (@{lea})")
	r = e.Do(t, "sami", "/campaign submit ete-literie social "+aligned+" !")
	if len(driftPostsTo(r.Posts, "lea")) != 1 || len(driftPostsTo(r.Posts, "jo")) != 0 {
		t.Fatalf("without a chain the leads get the card: %+v", r.Posts)
	}
}
