package review_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands"
	"github.com/chorus-hq/chorus/drift"
	"github.com/chorus-hq/chorus/reply"
)

// newDriftEnv is newEnv with opts (such as a Judge), and the campaign of setup with its
// glossary, must-include points and automatic checks in #social.
func newDriftEnv(t testing.TB, opts commands.Options) *env {
	t.Helper()
	e := newEnvWith(t, opts)
	e.Setup(t)
	for _, line := range []string{
		`/campaign points ete-literie -30 % sur toute la literie ; du 1er au 15 juillet 2027 ; en magasin et en ligne`,
		`/campaign channel add ete-literie email #email @emma`,
		`/glossary define DouceNuit Nom de la marque`,
		`/glossary forbid DouceNuit "Douce Nuit"`,
		`/campaign autocheck ete-literie social on`,
	} {
		if r := e.Do(t, "lea", line); strings.Contains(r.Text, "⚠️") {
			t.Fatalf("%s: %s", line, r.Text)
		}
	}
	return e
}

const (
	drifting = "Jusqu'à -20 % sur la literie Douce Nuit du 1er au 15 juillet, en magasin et en ligne !"
	aligned  = "☀️ -30 % sur toute la literie DouceNuit du 1er au 15 juillet 2027, en magasin et en ligne. #soldes"
)

// post plays a message posted (or edited) in #social.
func driftPost(e *env, user, ts, text string, edited bool) []reply.Post {
	return e.Svc.Message(context.Background(), reply.MessageEvent{Workspace: "T1", Channel: "#social", User: user, TS: ts, Text: text, Edited: edited})
}

func driftClick(e *env, user, action, value string) reply.Reply {
	return e.Svc.Action(context.Background(), reply.Request{Workspace: "T1", User: user, Channel: "#social"}, reply.Action{ActionID: action, Value: value})
}

func driftSubmit(e *env, user string, m *reply.Modal, values map[string]string) reply.Reply {
	return e.Svc.Submit(context.Background(), reply.Request{Workspace: "T1", User: user},
		reply.Submission{CallbackID: m.CallbackID, PrivateMetadata: m.PrivateMetadata, Values: values})
}

// postsTo returns the posts sent to channel.
func driftPostsTo(ps []reply.Post, channel string) []reply.Post {
	var out []reply.Post
	for _, p := range ps {
		if p.Channel == channel {
			out = append(out, p)
		}
	}
	return out
}

// button returns the button with action id in the blocks, failing the test without one.
func driftButton(t testing.TB, blocks []reply.Block, action string) reply.Button {
	t.Helper()
	for _, b := range blocks {
		for _, btn := range b.Buttons {
			if btn.ActionID == action {
				return btn
			}
		}
		if b.Accessory != nil && b.Accessory.ActionID == action {
			return *b.Accessory
		}
	}
	t.Fatalf("no %s button in %+v", action, blocks)
	return reply.Button{}
}

func driftMustPost(t testing.TB, p reply.Post, want ...string) {
	t.Helper()
	mustSay(t, reply.Reply{Text: p.Text, Blocks: p.Blocks}, want...)
}

func (e *env) driftSubmission(t testing.TB, ts string) chorus.Submission {
	t.Helper()
	s, err := e.Store.SubmissionByMessage(context.Background(), "T1", "#social", ts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (e *env) driftAudit(t testing.TB) string {
	t.Helper()
	entries, err := e.Store.Audit(context.Background(), "T1", "")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range entries {
		out = append(out, a.Action)
	}
	return strings.Join(out, " ")
}

// TestApprovalFlow is the whole flow of the issue: submit, flag, changes requested, fixed copy
// passes, approval, global message changes, approval out of date.
func TestApprovalFlow(t *testing.T) {
	e := newDriftEnv(t, commands.Options{})
	ctx := context.Background()
	const ts = "1800000001.000000"

	posts := driftPost(e, "sami", ts, drifting, false)
	thread := driftPostsTo(posts, "#social")
	if len(thread) != 1 || thread[0].Thread != ts {
		t.Fatalf("want one answer in the message's thread, got %+v", posts)
	}
	driftMustPost(t, thread[0], "⚠️ 2 écart(s)", "jusqu'à -20 % ≠ -30 % du message global", "« Douce Nuit » est proscrit", "💡 DouceNuit")
	cards := driftPostsTo(posts, "lea")
	if len(cards) != 1 {
		t.Fatalf("want one card for the lead, got %+v", posts)
	}
	driftMustPost(t, cards[0], "À valider")
	if b := driftButton(t, cards[0].Blocks, reply.ActDriftException); b.Text != "Valider avec exception" {
		t.Fatalf("exception button %+v", b)
	}
	if s := e.driftSubmission(t, ts); s.Status != chorus.SubmissionFlagged || s.Author != "sami" || !s.Verdict.Drift || s.Verdict.Findings != 2 {
		t.Fatalf("submission after the post: %+v", s)
	}
	changes := driftButton(t, cards[0].Blocks, reply.ActDriftChanges)

	// Only a lead decides: sami's click is refused and changes nothing.
	r := driftClick(e, "sami", reply.ActDriftChanges, changes.Value)
	mustSay(t, r, "⚠️", "seuls les responsables")
	if r.Modal != nil || r.Visibility != reply.Ephemeral {
		t.Fatalf("refusal = %+v", r)
	}
	r = driftClick(e, "sami", reply.ActDriftException, changes.Value)
	mustSay(t, r, "seuls les responsables")
	if s := e.driftSubmission(t, ts); s.Version != 1 {
		t.Fatalf("a refused click changed the submission: %+v", s)
	}

	// lea requests changes; the modal needs a comment.
	r = driftClick(e, "lea", reply.ActDriftChanges, changes.Value)
	if r.Modal == nil || r.Modal.CallbackID != reply.ModalDriftChanges {
		t.Fatalf("Request changes opens no modal: %+v", r)
	}
	m := r.Modal
	if r = driftSubmit(e, "lea", m, map[string]string{"comment": " "}); r.FieldErrors["comment"] == "" {
		t.Fatalf("empty comment accepted: %+v", r)
	}
	r = driftSubmit(e, "lea", m, map[string]string{"comment": "-30 % sur toute la literie, et DouceNuit en un mot."})
	mustSay(t, r, "Modifications demandées à @{sami}")
	told := driftPostsTo(r.Posts, "#social")
	if len(told) != 1 || told[0].Thread != ts {
		t.Fatalf("the author is not told in the thread: %+v", r.Posts)
	}
	driftMustPost(t, told[0], "@{sami}", "demande des modifications", "DouceNuit en un mot", "Modifiez le message")
	if s := e.driftSubmission(t, ts); s.Status != chorus.SubmissionChangesRequested || s.Version != 2 {
		t.Fatalf("after changes requested: %+v", s)
	}
	// The old card is now stale.
	mustSay(t, driftClick(e, "lea", reply.ActDriftException, changes.Value), "⚠️", "n'est plus à jour")

	// sami edits the message: it is checked again and passes.
	posts = driftPost(e, "sami", ts, aligned, true)
	driftMustPost(t, driftPostsTo(posts, "#social")[0], "✅ Aligné sur le message global")
	cards = driftPostsTo(posts, "lea")
	if len(cards) != 1 {
		t.Fatalf("no new card after the edit: %+v", posts)
	}
	s := e.driftSubmission(t, ts)
	if s.Status != chorus.SubmissionPending || s.Text != aligned || s.Verdict.Drift {
		t.Fatalf("after the edit: %+v", s)
	}
	// An edit that does not change the text (an unfurl) is not checked again.
	if again := driftPost(e, "sami", ts, aligned, true); len(again) != 0 {
		t.Fatalf("unchanged text checked again: %+v", again)
	}

	r = driftClick(e, "lea", reply.ActDriftApprove, driftButton(t, cards[0].Blocks, reply.ActDriftApprove).Value)
	mustSay(t, r, "✅", "validé")
	if !r.ReplaceOriginal {
		t.Error("the decision does not replace the card")
	}
	driftMustPost(t, driftPostsTo(r.Posts, "#social")[0], "@{sami}", "a validé votre texte")
	if s := e.driftSubmission(t, ts); s.Status != chorus.SubmissionApproved {
		t.Fatalf("after approval: %+v", s)
	}
	ds, err := e.Store.Decisions(ctx, "T1", s.ID)
	if err != nil || len(ds) != 2 || ds[0].Kind != chorus.DecisionRequestChanges || ds[1].Kind != chorus.DecisionApprove || ds[1].Author != "lea" {
		t.Fatalf("decisions = %+v, %v", ds, err)
	}

	// The global message changes: the approval goes out of date and sami is told.
	r = e.Do(t, "lea", "/campaign message ete-literie Du 1er au 15 juillet 2027, -40 % sur toute la literie, en magasin et en ligne.")
	mustSay(t, r, "Compris : -40 %")
	told = driftPostsTo(r.Posts, "sami")
	if len(told) != 1 {
		t.Fatalf("the author of the approved copy is not told: %+v", r.Posts)
	}
	driftMustPost(t, told[0], "votre texte validé (social) est périmé")
	if s := e.driftSubmission(t, ts); s.Status != chorus.SubmissionOutOfDate {
		t.Fatalf("after the message changed: %+v", s)
	}
	// A change of channels is no change of message: nothing more goes out of date.
	if r := e.Do(t, "lea", "/campaign channel add ete-literie retail #magasins @rui"); len(r.Posts) != 0 {
		t.Fatalf("posts after a channel change: %+v", r.Posts)
	}
	for _, want := range []string{"submission.create", "submission.request_changes", "submission.recheck", "submission.approve", "submission.out_of_date", "campaign.autocheck.on"} {
		if !strings.Contains(e.driftAudit(t), want) {
			t.Errorf("no %s in the audit: %s", want, e.driftAudit(t))
		}
	}
}

func TestSubmitCommand(t *testing.T) {
	e := newDriftEnv(t, commands.Options{})
	r := e.Do(t, "emma", "/campaign submit ete-literie email Chère cliente, -30 % sur toute la literie DouceNuit du 1er au 15 juillet 2027 !")
	mustSay(t, r, "Texte de @{emma}", "Point manquant", "en magasin et en ligne")
	if r.Visibility != reply.InChannel || len(driftPostsTo(r.Posts, "lea")) != 1 {
		t.Fatalf("reply = %+v", r)
	}
	subs, err := e.Store.Submissions(context.Background(), "T1", chorus.SubmissionFilter{Campaign: "ete-literie"})
	if err != nil || len(subs) != 1 || subs[0].SlackTS != "" || subs[0].Author != "emma" || subs[0].ChannelKind != "email" {
		t.Fatalf("submissions = %+v, %v", subs, err)
	}

	// The French alias, without text: the form opens, then checks.
	r = e.Do(t, "emma", "/campaign soumettre ete-literie")
	if r.Modal == nil || r.Modal.CallbackID != reply.ModalDriftSubmit {
		t.Fatalf("no form: %+v", r)
	}
	r = driftSubmit(e, "emma", r.Modal, map[string]string{"kind": "email", "text": aligned})
	mustSay(t, r, "✅ Aligné")

	tests := []struct{ line, want string }{
		{"/campaign submit ete-literie tiktok Bonjour", "n'est pas un canal"},
		{"/campaign submit inconnue social Bonjour", "inconnue"},
		{"/campaign submit", "syntaxe"},
		{"/campaign submit ete-literie social " + strings.Repeat("mot ", chorus.MaxCopyLen/3), "limite"},
	}
	for _, tt := range tests {
		t.Run(tt.line[:min(len(tt.line), 40)], func(t *testing.T) {
			r := e.Do(t, "emma", tt.line)
			mustSay(t, r, "⚠️", tt.want)
			if len(r.Posts) != 0 {
				t.Fatalf("a refused submission posted: %+v", r.Posts)
			}
		})
	}
	r = e.DoLang(t, "emma", chorus.English, "/campaign submit ete-literie email Dear customer, 30% off all bedding, July 1–15, 2027, in store and online.")
	mustSay(t, r, "Aligned with the global message")
}

func TestApproveWithException(t *testing.T) {
	e := newDriftEnv(t, commands.Options{})
	const local = "Chez DouceNuit Lyon : -30 % sur toute la literie du 1er au 15 juillet 2027, en magasin seulement."
	r := e.Do(t, "rui", "/campaign submit ete-literie social "+local)
	mustSay(t, r, "⚠️")
	card := driftPostsTo(r.Posts, "lea")[0]
	for _, b := range card.Blocks {
		for _, btn := range b.Buttons {
			if btn.ActionID == reply.ActDriftApprove {
				t.Fatal("flagged copy offers a plain approval")
			}
		}
	}
	// A plain approval of flagged copy is refused even with a forged button.
	exc := driftButton(t, card.Blocks, reply.ActDriftException)
	mustSay(t, driftClick(e, "lea", reply.ActDriftApprove, exc.Value), "⚠️", "présente des écarts")

	m := driftClick(e, "lea", reply.ActDriftException, exc.Value).Modal
	if m == nil {
		t.Fatal("no exception form")
	}
	r = driftSubmit(e, "lea", m, map[string]string{"comment": "Le magasin de Lyon n'a pas de vente en ligne."})
	mustSay(t, r, "validé avec exception", "ne sera plus signalé")

	// The same text is not flagged again…
	r = e.Do(t, "rui", "/campaign submit ete-literie social "+local)
	mustSay(t, r, "Exception accordée par @{lea}", "Le magasin de Lyon")
	if strings.Contains(r.Text, "⚠️") {
		t.Fatalf("excepted text flagged again: %s", r.Text)
	}
	// …until the global message changes.
	e.Do(t, "lea", "/campaign message ete-literie Du 1er au 15 juillet 2027, -30 % sur toute la literie, en magasin et en ligne ; livraison offerte.")
	r = e.Do(t, "rui", "/campaign submit ete-literie social "+local)
	mustSay(t, r, "⚠️")
}

func TestCheckCopyShortcut(t *testing.T) {
	e := newDriftEnv(t, commands.Options{})
	ctx := context.Background()
	shortcut := func(user, channel, ts, text string) reply.Reply {
		return e.Svc.Action(ctx, reply.Request{Workspace: "T1", User: user, Channel: channel},
			reply.Action{ActionID: reply.ActCheckCopy, Value: ts, Message: &reply.MessageEvent{Workspace: "T1", Channel: channel, User: "emma", TS: ts, Text: text}})
	}
	r := shortcut("lea", "#email", "1800000010.000000", drifting)
	mustSay(t, r, "verdict est dans le fil")
	thread := driftPostsTo(r.Posts, "#email")
	if len(thread) != 1 || thread[0].Thread != "1800000010.000000" {
		t.Fatalf("posts = %+v", r.Posts)
	}
	s, err := e.Store.SubmissionByMessage(ctx, "T1", "#email", "1800000010.000000")
	if err != nil || s.Author != "emma" || s.ChannelKind != "email" || s.UpdatedBy != "lea" {
		t.Fatalf("submission = %+v, %v", s, err)
	}
	// Used twice on one message, it checks the same submission again.
	shortcut("lea", "#email", "1800000010.000000", aligned)
	if s2, _ := e.Store.SubmissionByMessage(ctx, "T1", "#email", "1800000010.000000"); s2.ID != s.ID || s2.Version != 2 || s2.Status != chorus.SubmissionPending {
		t.Fatalf("second check = %+v", s2)
	}

	mustSay(t, shortcut("lea", "#general", "1800000011.000000", aligned), "⚠️", "n'est le canal d'aucune campagne")
	mustSay(t, shortcut("lea", "#email", "1800000012.000000", ""), "⚠️", "pas de texte")

	// A channel shared by two campaigns: the user picks one.
	for _, line := range []string{
		`/campaign create noel "Noël" 2027-12-01 2027-12-24`,
		`/campaign message noel -20 % sur les couettes DouceNuit jusqu'au 24 décembre.`,
		`/campaign channel add noel email #email @emma`,
	} {
		e.Do(t, "lea", line)
	}
	r = shortcut("emma", "#email", "1800000013.000000", "-20 % sur les couettes DouceNuit jusqu'au 24 décembre.")
	if r.Modal == nil || r.Modal.CallbackID != reply.ModalDriftPick || len(r.Modal.Inputs[0].Options) != 2 {
		t.Fatalf("no campaign picker: %+v", r)
	}
	r = driftSubmit(e, "emma", r.Modal, map[string]string{"target": "noel/email"})
	mustSay(t, r, "« Noël »")
	if s, err := e.Store.SubmissionByMessage(ctx, "T1", "#email", "1800000013.000000"); err != nil || s.Campaign != "noel" || s.Verdict.Drift {
		t.Fatalf("picked submission = %+v, %v", s, err)
	}
}

func TestAutoCheckOptIn(t *testing.T) {
	e := newDriftEnv(t, commands.Options{})
	tests := []struct {
		name    string
		channel string
		thread  string
		text    string
		checked bool
	}{
		{"copy in the opted-in channel", "#social", "", drifting, true},
		{"short chat", "#social", "", "ok pour moi, on publie demain", false},
		{"a question", "#social", "", "On annonce bien -30 % sur toute la literie DouceNuit en magasin et en ligne ?", false},
		{"a thread reply", "#social", "1800000001.000000", drifting, false},
		{"a channel without opt-in", "#email", "", drifting, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := fmt.Sprintf("18000001%02d.000000", i)
			ps := e.Svc.Message(context.Background(), reply.MessageEvent{Workspace: "T1", Channel: tt.channel, User: "sami", TS: ts, ThreadTS: tt.thread, Text: tt.text})
			_, err := e.Store.SubmissionByMessage(context.Background(), "T1", tt.channel, ts)
			if got := err == nil; got != tt.checked || (len(ps) > 0) != tt.checked {
				t.Fatalf("checked = %v with %d posts, want %v (err %v)", got, len(ps), tt.checked, err)
			}
		})
	}
	// Only a lead turns it on or off; off stops the checks.
	mustSay(t, e.Do(t, "sami", "/campaign autocheck ete-literie social off"), "⚠️", "seuls les responsables")
	mustSay(t, e.Do(t, "lea", "/campaign autocheck ete-literie email on"), "✅", "#email")
	mustSay(t, e.Do(t, "lea", "/campaign autocheck ete-literie email on"), "rien ne change")
	// a second campaign in the same channel says which one the channel leaves
	mustSay(t, e.Do(t, "lea", `/campaign create rentree "Rentrée" 2027-08-20 2027-09-10`), "✅")
	mustSay(t, e.Do(t, "lea", "/campaign channel add rentree social #social @sami"), "✅")
	mustSay(t, e.Do(t, "lea", "/campaign autocheck rentree social on"), "✅", "vérifiait jusqu'ici les textes contre la campagne ete-literie (social)")
	mustSay(t, e.Do(t, "lea", "/campaign autocheck rentree social off"), "désactivée")
	if ps := driftPost(e, "sami", "1800000200.000000", drifting, false); len(ps) != 0 {
		t.Fatalf("checked after opting out: %+v", ps)
	}
}

func TestHomeListsApprovals(t *testing.T) {
	e := newDriftEnv(t, commands.Options{})
	driftPost(e, "sami", "1800000001.000000", drifting, false)
	v := e.Svc.Home(context.Background(), reply.Request{Workspace: "T1", User: "lea"})
	r := reply.Reply{Blocks: v.Blocks}
	mustSay(t, r, "Textes à valider (1)", "@{sami}", "écarts signalés")
	show := driftButton(t, v.Blocks, reply.ActDriftShow)
	card := driftClick(e, "lea", reply.ActDriftShow, show.Value)
	mustSay(t, card, "À valider", "écart(s)")
	driftButton(t, card.Blocks, reply.ActDriftChanges)

	v = e.Svc.Home(context.Background(), reply.Request{Workspace: "T1", User: "sami"})
	if strings.Contains(reply.Reply{Blocks: v.Blocks}.Text+fmt.Sprint(v.Blocks), "Textes à valider") {
		t.Fatal("a non-lead sees the approvals")
	}
}

// fakeJudge is a commands.Judge answering with a fixed opinion or error, counting its calls.
type fakeJudge struct {
	mu    sync.Mutex
	calls int
	op    commands.JudgeOpinion
	err   error
}

func (j *fakeJudge) Borderline(v drift.Verdict) bool { return v.Drift }

func (j *fakeJudge) Judge(_ context.Context, q commands.JudgeQuery) (commands.JudgeOpinion, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.calls++
	if q.Reference == nil || q.Text == "" || q.Lang == "" {
		return commands.JudgeOpinion{}, errors.New("incomplete query")
	}
	return j.op, j.err
}

func TestJudge(t *testing.T) {
	t.Run("borderline verdicts get the judge's findings and rewrite", func(t *testing.T) {
		j := &fakeJudge{op: commands.JudgeOpinion{
			Findings: []commands.JudgeFinding{{Kind: drift.KindOffMessage, Quote: "Jusqu'à", Reason: "le ton promet moins que l'offre"}},
			Rewrite:  "-30 % sur toute la literie DouceNuit du 1er au 15 juillet 2027, en magasin et en ligne !",
		}}
		e := newDriftEnv(t, commands.Options{Judge: j})
		r := e.Do(t, "emma", "/campaign submit ete-literie email "+drifting)
		mustSay(t, r, "🤖", "le ton promet moins", "Proposition de réécriture", "-30 % sur toute la literie DouceNuit du 1er")
		subs, _ := e.Store.Submissions(context.Background(), "T1", chorus.SubmissionFilter{})
		if len(subs) != 1 || !subs[0].Verdict.Judged || subs[0].Verdict.Findings != 3 {
			t.Fatalf("stored verdict = %+v", subs)
		}
		// Aligned copy is not borderline: no call, and a button asks on request.
		calls := j.calls
		r = e.Do(t, "emma", "/campaign submit ete-literie email "+aligned)
		if j.calls != calls {
			t.Fatal("the judge was asked about aligned copy")
		}
		r = driftClick(e, "emma", reply.ActDriftJudge, driftButton(t, r.Blocks, reply.ActDriftJudge).Value)
		mustSay(t, r, "Second avis du juge LLM", "le ton promet moins")
	})
	t.Run("a failing judge leaves the offline verdict", func(t *testing.T) {
		j := &fakeJudge{err: errors.New("llm: timeout")}
		e := newDriftEnv(t, commands.Options{Judge: j})
		r := e.Do(t, "emma", "/campaign submit ete-literie email "+drifting)
		mustSay(t, r, "⚠️ 2 écart(s)", "jusqu'à -20 %")
		if j.calls != 1 {
			t.Fatalf("judge calls = %d", j.calls)
		}
		r = driftClick(e, "emma", reply.ActDriftJudge, driftButton(t, r.Blocks, reply.ActDriftJudge).Value)
		mustSay(t, r, "n'a pas répondu à temps")
	})
	t.Run("no judge, no button", func(t *testing.T) {
		e := newDriftEnv(t, commands.Options{})
		r := e.Do(t, "emma", "/campaign submit ete-literie email "+drifting)
		for _, b := range r.Blocks {
			if len(b.Buttons) > 0 {
				t.Fatalf("buttons without a judge: %+v", b.Buttons)
			}
		}
		mustSay(t, driftClick(e, "emma", reply.ActDriftJudge, "abc@1"), "⚠️", "aucun juge")
	})
}

func TestEnglishCards(t *testing.T) {
	e := newDriftEnv(t, commands.Options{})
	e.Do(t, "lea", "/chorus lang en")
	posts := driftPost(e, "sami", "1800000001.000000", drifting, false)
	card := driftPostsTo(posts, "lea")[0]
	driftMustPost(t, card, "To approve", "Contradicted fact")
	if b := driftButton(t, card.Blocks, reply.ActDriftChanges); b.Text != "Request changes" {
		t.Fatalf("changes button %+v", b)
	}
	driftMustPost(t, driftPostsTo(posts, "#social")[0], "écart(s)") // sami reads French
}

// TestDigestExtras: a team's digest lists the copy of its own channel that awaits a lead or
// still drifts; a lead digest lists all of it.

// A lead's « pas une dérive » records the flagged wordings on the campaign (a new version, in
// its history and audit), approves the copy, and the same wordings are not flagged again; other
// drift still is, and only a lead may say it.
func TestNotADrift(t *testing.T) {
	e := newDriftEnv(t, commands.Options{})
	ctx := context.Background()
	const ts = "1800000003.000000"
	// « -30 % sur toute la literie » stated, but « en magasin » alone contradicts the scope
	flagged := "☀️ -30 % sur toute la literie DouceNuit du 1er au 15 juillet 2027, uniquement en magasin."
	posts := driftPost(e, "sami", ts, flagged, false)
	cards := driftPostsTo(posts, "lea")
	if len(cards) != 1 {
		t.Fatalf("want one card for the lead, got %+v", posts)
	}
	btn := driftButton(t, cards[0].Blocks, reply.ActDriftNotDrift)
	if btn.Text != "🙅 Pas une dérive" {
		t.Fatalf("button %+v", btn)
	}
	before, err := e.Store.Campaign(ctx, "T1", "ete-literie")
	if err != nil {
		t.Fatal(err)
	}

	mustSay(t, driftClick(e, "sami", reply.ActDriftNotDrift, btn.Value), "⚠️", "seuls les responsables")
	if c, _ := e.Store.Campaign(ctx, "T1", "ete-literie"); c.Version != before.Version || len(c.Accepted) != 0 {
		t.Fatalf("a refused click changed the campaign: %+v", c)
	}

	r := driftClick(e, "lea", reply.ActDriftNotDrift, btn.Value)
	mustSay(t, r, "@{sami}")
	s := e.driftSubmission(t, ts)
	if s.Status != chorus.SubmissionApproved || s.Verdict.Drift {
		t.Fatalf("after « pas une dérive »: %+v", s)
	}
	after, err := e.Store.Campaign(ctx, "T1", "ete-literie")
	if err != nil {
		t.Fatal(err)
	}
	if after.Version != before.Version+1 || len(after.Accepted) != 1 || after.Accepted[0].Kind != "fact" || after.Accepted[0].By != "lea" {
		t.Fatalf("campaign after « pas une dérive »: v%d, %+v", after.Version, after.Accepted)
	}
	mustSay(t, e.Do(t, "lea", "/campaign history ete-literie"), "« pas une dérive » (fait)")
	if !strings.Contains(e.driftAudit(t), "campaign.accept") {
		t.Fatalf("no audit entry: %s", e.driftAudit(t))
	}

	// The same wording, posted again in another message, passes; another drift does not.
	driftMustPost(t, driftPostsTo(driftPost(e, "sami", "1800000004.000000", flagged, false), "#social")[0], "✅")
	driftMustPost(t, driftPostsTo(driftPost(e, "sami", "1800000005.000000", "☀️ -40 % sur toute la literie DouceNuit du 1er au 15 juillet 2027, uniquement en magasin.", false), "#social")[0], "⚠️", "-40 %")
}

// Low-confidence findings go to the leads' card as « à vérifier », never to the channel.
func TestReviewTierToLeads(t *testing.T) {
	e := newDriftEnv(t, commands.Options{})
	const ts = "1800000006.000000"
	posts := driftPost(e, "sami", ts, "☀️ -30 % sur toute la literie et les canapés DouceNuit du 1er au 15 juillet 2027, en magasin et en ligne.", false)
	thread := driftPostsTo(posts, "#social")
	if len(thread) != 1 {
		t.Fatalf("want one answer in the thread, got %+v", posts)
	}
	driftMustPost(t, thread[0], "✅ Aligné")
	if strings.Contains(thread[0].Text+fmt.Sprint(thread[0].Blocks), "canapés") {
		t.Fatalf("the channel sees a low-confidence finding: %+v", thread[0])
	}
	cards := driftPostsTo(posts, "lea")
	if len(cards) != 1 {
		t.Fatalf("want one card for the lead, got %+v", posts)
	}
	driftMustPost(t, cards[0], "À vérifier", "« canapés »")
	if s := e.driftSubmission(t, ts); s.Verdict.Drift || s.Verdict.ToCheck != 1 {
		t.Fatalf("verdict %+v, want no drift and one finding to check", s.Verdict)
	}
}

// Copy submitted to a campaign without channels says what to do, instead of a form that can
// never be filled in.
func TestSubmitWithoutChannels(t *testing.T) {
	e := newEnv(t)
	mustSay(t, e.Do(t, "lea", `/campaign create vide "Vide" 2027-07-01 2027-07-15`), "✅")
	mustSay(t, e.Do(t, "lea", "/campaign message vide -10 % sur tout."), "✅")
	for _, line := range []string{"/campaign submit vide", "/campaign submit vide social -10 % sur tout."} {
		r := e.Do(t, "lea", line)
		mustSay(t, r, "⚠️", "n'a encore aucun canal", "/campaign channel add vide")
		if r.Modal != nil {
			t.Fatalf("%s opens a form: %+v", line, r.Modal)
		}
	}
}

// A message that cannot be checked (50 KB of copy) is answered to its author only.
func TestMessageErrorIsTheAuthors(t *testing.T) {
	e := newDriftEnv(t, commands.Options{})
	posts := driftPost(e, "sami", "1800000007.000000", strings.Repeat("literie ", 6500), false)
	if len(posts) != 1 || posts[0].EphemeralTo != "sami" || !strings.Contains(posts[0].Text, "⚠️") {
		t.Fatalf("posts = %+v, want one error shown to sami only", posts)
	}
}
