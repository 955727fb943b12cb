package briefing_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands"
	"github.com/chorus-hq/chorus/commands/briefing"
	"github.com/chorus-hq/chorus/i18n"
	"github.com/chorus-hq/chorus/internal/commandstest"
	"github.com/chorus-hq/chorus/reply"
	"github.com/chorus-hq/chorus/scheduler"
)

func TestMain(m *testing.M) { commandstest.Main(m) }

func TestCatalogComplete(t *testing.T) { i18n.CheckComplete(t, briefing.Catalog()) }

var mustSay = commandstest.MustSay

// conversations records what the feature posts and answers who is in which channel; the real
// Slack path (bot.Client against the fake Slack) is played end to end in cmd/chorus.
type conversations struct {
	mu      sync.Mutex
	posts   []reply.Post
	members map[string][]string
	zones   map[string]string
}

func (c *conversations) Post(_ context.Context, channel, thread, text string, blocks []reply.Block) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.posts = append(c.posts, reply.Post{Channel: channel, Thread: thread, Text: text, Blocks: blocks})
	return fmt.Sprintf("1800000000.%06d", len(c.posts)), nil
}

func (c *conversations) Members(_ context.Context, channel string) ([]string, error) {
	return c.members[channel], nil
}

func (c *conversations) TimeZone(_ context.Context, user string) (string, error) {
	return c.zones[user], nil
}

// posted returns everything posted since n, all text joined per post.
func (c *conversations) since(n int) []reply.Post {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.posts[n:])
}

func allText(p reply.Post) string {
	s := p.Text
	for _, b := range p.Blocks {
		s += "\n" + b.Text
		for _, btn := range b.Buttons {
			s += "\n[" + btn.Text + "]"
		}
	}
	return s
}

func button(t testing.TB, blocks []reply.Block, action string) reply.Button {
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

// composedNudge is a nudge due, written as the scheduler would send it.
type composedNudge struct {
	scheduler.Message
	id string
	at time.Time
}

// composed lists the nudges due at at and writes each.
func composed(t testing.TB, e *commandstest.Env, at time.Time) []composedNudge {
	t.Helper()
	ns, err := e.Svc.Nudges(context.Background(), at)
	if err != nil {
		t.Fatal(err)
	}
	var out []composedNudge
	for _, n := range ns {
		m, err := n.Compose(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, composedNudge{Message: m, id: n.ID, at: n.At})
	}
	return out
}

func click(e *commandstest.Env, user, action, value string) reply.Reply {
	return e.Svc.Action(context.Background(), reply.Request{Workspace: "T1", User: user, Channel: "#magasins"}, reply.Action{ActionID: action, Value: value})
}

func postsTo(ps []reply.Post, channel string) []reply.Post {
	var out []reply.Post
	for _, p := range ps {
		if p.Channel == channel {
			out = append(out, p)
		}
	}
	return out
}

// setup is the campaign of the tests with its approved social copy, two front-line channels of
// five people, and the draft briefing lea received on approving.
func setup(t *testing.T) (*commandstest.Env, *conversations, reply.Post) {
	t.Helper()
	conv := &conversations{
		members: map[string][]string{"#magasins": {"ana", "ben", "cleo"}, "#service-client": {"dan", "eve"}},
		zones:   map[string]string{"eve": "America/Montreal"},
	}
	e := commandstest.NewWith(t, commands.Options{Conversations: conv})
	e.Setup(t)
	for _, line := range []string{
		`/campaign points ete-literie -30 % sur toute la literie ; code LITERIE30 en caisse`,
		`/glossary define "Click & Collect" Service de retrait en magasin`,
		`/glossary forbid "Click & Collect" Drive`,
		`/chorus settings frontline add #magasins magasins`,
		`/chorus settings frontline add #service-client service-client`,
	} {
		if r := e.Do(t, "lea", line); strings.Contains(r.Text, "⚠️") {
			t.Fatalf("%s: %s", line, r.Text)
		}
	}
	r := e.Do(t, "sami", "/campaign submit ete-literie social Du 1er au 15 juillet 2027, -30 % sur toute la literie avec le code LITERIE30, en magasin et en ligne, et en Click & Collect !")
	cards := postsTo(r.Posts, "lea")
	if len(cards) != 1 {
		t.Fatalf("no card for lea: %+v", r)
	}
	r = click(e, "lea", reply.ActDriftApprove, button(t, cards[0].Blocks, reply.ActDriftApprove).Value)
	drafts := postsTo(r.Posts, "lea")
	if len(drafts) != 1 {
		t.Fatalf("approval drafts no briefing for lea: %+v", r.Posts)
	}
	return e, conv, drafts[0]
}

// TestBriefingFlow plays the issue: the approval drafts the briefing, the lead sends it to two
// front-line channels, 3 of 5 acknowledge, the 2 others are reminded on the eve of go-live on
// their own time, the message changes, an updated edition says what changed and asks everyone
// again.
func TestBriefingFlow(t *testing.T) {
	e, conv, draft := setup(t)
	d := allText(draft)
	for _, want := range []string{"Brouillon de la fiche promo", "Fiche promo — Soldes d'été literie", "-30 % sur toute la literie, en magasin",
		"*Dates :* 1er juillet 2027 → 15 juillet 2027", "code LITERIE30 en caisse", "`LITERIE30`", "« Click & Collect »", "« Drive » → dites « Click & Collect »",
		"*social* — « Du 1er au 15 juillet", "Envoyer aux canaux terrain"} {
		if !strings.Contains(d, want) {
			t.Errorf("draft lacks %q:\n%s", want, d)
		}
	}
	// Only a lead sends; sami is refused and nothing is posted.
	send := button(t, draft.Blocks, reply.ActBriefingSend)
	mustSay(t, click(e, "sami", send.ActionID, send.Value), "⚠️", "envoyer sa fiche promo")
	if len(conv.since(0)) != 0 {
		t.Fatal("a refused send posted")
	}
	r := click(e, "lea", send.ActionID, send.Value)
	mustSay(t, r, "📣", "envoyée dans #magasins, #service-client", "édition n°1")
	if !r.ReplaceOriginal {
		t.Error("the sent draft stays with its button")
	}
	sent := conv.since(0)
	if len(sent) != 2 || sent[0].Channel != "#magasins" || sent[1].Channel != "#service-client" {
		t.Fatalf("sent = %+v", sent)
	}
	ack := button(t, sent[0].Blocks, reply.ActBriefingAck)
	if ack.Text != "✅ Lu et compris" {
		t.Errorf("ack button %q", ack.Text)
	}
	for _, u := range []string{"ana", "ben", "dan"} {
		mustSay(t, click(e, u, ack.ActionID, ack.Value), "✅", "confirmée")
	}
	mustSay(t, click(e, "ana", ack.ActionID, ack.Value), "déjà confirmé")
	mustSay(t, e.Do(t, "ana", "/campaign briefing status ete-literie"), "⚠️", "voir qui a lu")
	st := e.Do(t, "lea", "/campaign briefing status ete-literie")
	if byButton := click(e, "lea", reply.ActBriefingStatus, button(t, r.Blocks, reply.ActBriefingStatus).Value); byButton.Text != st.Text {
		t.Errorf("the status button says %q, the command %q", byButton.Text, st.Text)
	}
	mustSay(t, st, "#magasins* (magasins) — 2/3 ont lu", "✅ @{ana}, @{ben}\n⏳ @{cleo}", "#service-client* (service-client) — 1/2", "⏳ @{eve}")

	// Reminders: none before the eve of go-live (1 July), then cleo at 10:00 in Paris and eve
	// at 10:00 in Montreal, once each, never the three who read it.
	paris := chorus.LoadLocation("Europe/Paris")
	type nudge struct {
		At            time.Time
		Channel, Text string
	}
	due := func(at time.Time) []nudge {
		t.Helper()
		var out []nudge
		for _, m := range composed(t, e, at) {
			out = append(out, nudge{At: m.at, Channel: m.Channel, Text: m.Text})
		}
		return out
	}
	if ns := due(time.Date(2027, 6, 30, 9, 59, 0, 0, paris)); len(ns) != 0 {
		t.Fatalf("reminders before the eve: %+v", ns)
	}
	ns := due(time.Date(2027, 6, 30, 10, 0, 0, 0, paris))
	if len(ns) != 1 || ns[0].Channel != "cleo" || !strings.Contains(ns[0].Text, "merci de lire la fiche promo dans #magasins") {
		t.Fatalf("reminders at 10:00 Paris = %+v", ns)
	}
	ns = due(time.Date(2027, 6, 30, 16, 0, 0, 0, paris)) // 10:00 in Montreal
	if len(ns) != 2 || ns[1].Channel != "eve" || !ns[1].At.Equal(time.Date(2027, 6, 30, 10, 0, 0, 0, chorus.LoadLocation("America/Montreal"))) {
		t.Fatalf("reminders at 10:00 Montreal = %+v", ns)
	}
	if ns := due(time.Date(2027, 7, 1, 0, 0, 0, 0, paris)); len(ns) != 0 {
		t.Fatalf("reminders after go-live: %+v", ns)
	}

	// The message changes: an updated edition says what changed; acknowledgements start again.
	r = e.Do(t, "lea", "/campaign message ete-literie Du 1er au 15 juillet 2027, -40 % sur toute la literie, en magasin et en ligne.")
	mustSay(t, r, "📣 Fiche promo mise à jour (édition n°2)", "#magasins, #service-client")
	upd := conv.since(2)
	if len(upd) != 2 {
		t.Fatalf("update posts = %+v", upd)
	}
	u := allText(upd[0])
	for _, want := range []string{"(mise à jour n°2)", "Ce qui change", "« Du 1er au 15 juillet 2027, -30 %", "→ « Du 1er au 15 juillet 2027, -40 %", "Condition retirée : -30 % sur toute la literie", "confirmer à nouveau"} {
		if !strings.Contains(u, want) {
			t.Errorf("update lacks %q:\n%s", want, u)
		}
	}
	mustSay(t, click(e, "ana", ack.ActionID, ack.Value), "⚠️", "mise à jour depuis", "édition n°2")
	st = e.Do(t, "lea", "/campaign briefing status ete-literie")
	mustSay(t, st, "édition n°2", "0/3 ont lu", "0/2 ont lu")
	ack2 := button(t, upd[0].Blocks, reply.ActBriefingAck)
	mustSay(t, click(e, "ana", ack2.ActionID, ack2.Value), "✅")
	mustSay(t, e.Do(t, "lea", "/campaign briefing status ete-literie"), "1/3 ont lu")
	// Sending again without a change is refused.
	mustSay(t, e.Do(t, "lea", "/campaign briefing send ete-literie"), "⚠️", "dit déjà tout cela")

	// Without front-line channels, a change of the message is saved and the lead told why the
	// front line was not.
	e.Do(t, "lea", "/chorus settings frontline remove #magasins")
	e.Do(t, "lea", "/chorus settings frontline remove #service-client")
	r = e.Do(t, "lea", "/campaign message ete-literie Du 1er au 15 juillet 2027, -50 % sur toute la literie, en magasin et en ligne.")
	mustSay(t, r, "✅", "⚠️ la fiche promo n'a pas été mise à jour", "aucun canal terrain", "/campaign briefing send ete-literie")
	if n := len(conv.since(4)); n != 0 {
		t.Errorf("%d posts without front-line channels", n)
	}
}

// TestExpertRouting: a question on delivery times in a briefing's thread goes to the logistics
// expert, is escalated to the lead when left unanswered, and once answered goes to the FAQ with
// one click.
func TestExpertRouting(t *testing.T) {
	e, conv, draft := setup(t)
	ctx := context.Background()
	send := button(t, draft.Blocks, reply.ActBriefingSend)
	click(e, "lea", send.ActionID, send.Value)
	thread := fmt.Sprintf("1800000000.%06d", 1) // the #magasins edition
	mustSay(t, e.Do(t, "lea", "/chorus experts add logistique @lou"), "Experts enregistrés", "*logistique* — experts : @{lou}")
	mustSay(t, e.Do(t, "lea", "/chorus experts delay 3h"), "après 3h")
	mustSay(t, e.Do(t, "ana", "/chorus experts add prix @ana"), "⚠️")
	mustSay(t, e.Do(t, "lea", "/chorus experts delay bientôt"), "⚠️", "bientôt")

	ask := func(user, ts, text string) []reply.Post {
		return e.Svc.Message(ctx, reply.MessageEvent{Workspace: "T1", Channel: "#magasins", User: user, TS: ts, ThreadTS: thread, Text: text})
	}
	start := e.Clock.Now()
	ps := ask("ana", "1800000100.000001", "Quels sont les délais de livraison pour les matelas commandés en ligne ?")
	if len(ps) != 1 || ps[0].Thread != thread || !strings.Contains(ps[0].Text, "@{lou}") || !strings.Contains(ps[0].Text, "logistique") {
		t.Fatalf("routing = %+v", ps)
	}
	if again := ask("ana", "1800000100.000001", "Quels sont les délais de livraison ?"); len(again) != 0 {
		t.Fatalf("an event seen twice is routed twice: %+v", again)
	}
	// Chatter that asks nothing is left alone; a message outside briefings' threads too.
	if ps := ask("ben", "1800000100.000002", "Merci !"); len(ps) != 0 {
		t.Fatalf("chatter routed: %+v", ps)
	}
	if ps := e.Svc.Message(ctx, reply.MessageEvent{Workspace: "T1", Channel: "#magasins", User: "ana", TS: "1800000100.000003", ThreadTS: "1700000000.000001", Text: "Livraison ?"}); len(ps) != 0 {
		t.Fatalf("a question outside a briefing routed: %+v", ps)
	}

	// Keywords are editable: a word nobody listed routes nothing until a lead adds it.
	if ps := ask("ben", "1800000100.000004", "Le transporteur passe demain"); len(ps) != 0 {
		t.Fatalf("routed without a keyword: %+v", ps)
	}
	mustSay(t, e.Do(t, "lea", "/chorus experts keywords logistique add Transporteur, Délai"), "transporteur", "délai")
	if ps := ask("ben", "1800000100.000005", "Le transporteur passe demain"); len(ps) != 1 || !strings.Contains(ps[0].Text, "@{lou}") {
		t.Fatalf("routing on the new keyword = %+v", ps)
	}
	mustSay(t, e.Do(t, "lea", "/chorus experts keywords logistique remove transporteur"), "Experts enregistrés")

	nudges := func(at time.Time) []string {
		var out []string
		for _, m := range composed(t, e, at) {
			if strings.HasPrefix(m.id, "question/") {
				out = append(out, m.Channel+": "+m.Text)
			}
		}
		return out
	}
	if ns := nudges(start.Add(3*time.Hour - time.Minute)); len(ns) != 0 {
		t.Fatalf("escalated early: %v", ns)
	}
	ns := nudges(start.Add(3 * time.Hour))
	if len(ns) != 2 || !strings.HasPrefix(ns[0], "lea: ⏫ Question sans réponse depuis 3h dans #magasins") || !strings.Contains(ns[0], "délais de livraison") {
		t.Fatalf("escalation = %v", ns)
	}

	// lou answers: the lead is offered the FAQ, and nothing is escalated any more.
	ps = e.Svc.Message(ctx, reply.MessageEvent{Workspace: "T1", Channel: "#magasins", User: "lou", TS: "1800000100.000009", ThreadTS: thread, Text: "72 h en France métropolitaine."})
	offers := postsTo(ps, "lea")
	if len(offers) != 1 || !strings.Contains(offers[0].Text, "@{lou} a répondu à la question de @{ana}") {
		t.Fatalf("answer = %+v", ps)
	}
	if ns := nudges(start.Add(4 * time.Hour)); len(ns) != 1 || !strings.Contains(ns[0], "posée par @{ben}") {
		t.Fatalf("after the answer to ana's, only ben's question is escalated: %v", ns)
	}
	faq := button(t, offers[0].Blocks, reply.ActBriefingFAQ)
	mustSay(t, click(e, "ana", faq.ActionID, faq.Value), "⚠️")
	r := click(e, "lea", faq.ActionID, faq.Value)
	mustSay(t, r, "✅", "1 question(s)")
	mustSay(t, click(e, "lea", faq.ActionID, faq.Value), "⚠️", "déjà dans la FAQ")
	mustSay(t, e.Do(t, "lea", "/campaign briefing ete-literie"), "1. *Quels sont les délais de livraison", "72 h en France")
	_ = conv
}

// TestBadInputChangesNothing: every bad input gets a localized message and changes nothing.
func TestBadInputChangesNothing(t *testing.T) {
	conv := &conversations{}
	e := commandstest.NewWith(t, commands.Options{Conversations: conv})
	e.Setup(t)
	before := e.Snapshot(t)
	for _, c := range []struct{ user, line, want string }{
		{"lea", "/campaign briefing send ete-literie", "aucun canal terrain"},
		{"lea", "/chorus settings frontline add magasins magasins", "n'est pas un canal"},
		{"lea", "/chorus settings frontline add #magasins Magasins!", "type de canal terrain"},
		{"lea", "/chorus settings frontline remove #inconnu", "n'est pas un canal terrain"},
		{"sami", "/chorus settings frontline add #magasins magasins", "seuls les admins"},
		{"lea", "/campaign briefing status ete-literie", "pas encore été envoyée"},
		{"lea", "/campaign briefing faq ete-literie remove 3", "pas de question n°3"},
		{"lea", "/campaign briefing faq ete-literie add \"\" \"réponse\"", "question et d'une réponse"},
		{"sami", "/campaign briefing faq ete-literie add \"Q ?\" \"R\"", "modifier la FAQ"},
		{"lea", "/campaign briefing inconnue", "inconnue"},
		{"lea", "/chorus experts keywords logistique remove fusée", "n'est pas un mot-clé"},
		{"lea", "/chorus experts remove inconnu @lou", "sujet inconnu"},
	} {
		t.Run(c.line, func(t *testing.T) {
			mustSay(t, e.Do(t, c.user, c.line), "⚠️", c.want)
		})
	}
	if after := e.Snapshot(t); after != before {
		t.Errorf("a refused command changed something")
	}
	if len(conv.since(0)) != 0 {
		t.Errorf("a refused command posted")
	}
	mustSay(t, e.DoLang(t, "lea", chorus.English, "/campaign briefing send ete-literie"), "⚠️", "no front-line channel is set")
}

// TestEnglish: the briefing and the reminders in English, for a workspace and a reader in English.
func TestEnglish(t *testing.T) {
	e, conv, draft := setup(t)
	e.Do(t, "lea", "/chorus settings lang en")
	e.Do(t, "eve", "/chorus lang en")
	send := button(t, draft.Blocks, reply.ActBriefingSend)
	click(e, "lea", send.ActionID, send.Value)
	p := allText(conv.since(0)[0])
	for _, want := range []string{"📋 Briefing — Soldes d'été literie", "The offer", "\"Drive\" → say \"Click & Collect\"", "[✅ Read and understood]", "What each channel says"} {
		if !strings.Contains(p, want) {
			t.Errorf("English briefing lacks %q:\n%s", want, p)
		}
	}
	ns := composed(t, e, time.Date(2027, 6, 30, 18, 0, 0, 0, chorus.LoadLocation("Europe/Paris")))
	var eve string
	for _, m := range ns {
		if m.Channel == "eve" {
			eve = m.Text
		}
	}
	if !strings.Contains(eve, "Before \"Soldes d'été literie\" goes live") {
		t.Errorf("eve's reminder = %q (all: %+v)", eve, ns)
	}
	mustSay(t, e.DoLang(t, "lea", chorus.English, "/campaign briefing status ete-literie"), "0/3 have read it")
}
