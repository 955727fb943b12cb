package calendar_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/calendar"
	"github.com/chorus-hq/chorus/i18n"
	"github.com/chorus-hq/chorus/internal/commandstest"
	"github.com/chorus-hq/chorus/reply"
)

func TestMain(m *testing.M) { commandstest.Main(m) }

func TestCatalogComplete(t *testing.T) { i18n.CheckComplete(t, calendar.Catalog()) }

var mustSay = commandstest.MustSay

func day(y int, m time.Month, d int) chorus.Date { return chorus.Date{Year: y, Month: m, Day: d} }

// setup is the shared campaign (led by lea, 1–15 July 2027, clock on 1 June) and three segments.
func setup(t testing.TB) *commandstest.Env {
	t.Helper()
	e := commandstest.New(t)
	e.Setup(t)
	for _, seg := range []string{`"clients fidélité"`, "prospects", "B2B"} {
		r := e.Do(t, "lea", "/chorus segment add "+seg)
		mustSay(t, r, "✅")
	}
	return e
}

// snapshot is what a refused command must leave unchanged: touchpoints and the workspace.
func snapshot(t testing.TB, e *commandstest.Env) string {
	t.Helper()
	ctx := context.Background()
	tps, err := e.Store.Touchpoints(ctx, "T1", chorus.Date{}, chorus.Date{})
	if err != nil {
		t.Fatal(err)
	}
	w, err := e.Store.Workspace(ctx, "T1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal([]any{tps, w, e.Snapshot(t)})
	return string(b)
}

func onlyTouchpoint(t testing.TB, e *commandstest.Env) chorus.Touchpoint {
	t.Helper()
	tps, err := e.Store.CampaignTouchpoints(context.Background(), "T1", "ete-literie")
	if err != nil || len(tps) != 1 {
		t.Fatalf("touchpoints = %+v, %v; want one", tps, err)
	}
	return tps[0]
}

func TestTouchpointLifecycle(t *testing.T) {
	e := setup(t)
	ctx := context.Background()

	// Words in any order after the slug; a two-word segment without quotes; a range.
	r := e.Do(t, "lea", "/campaign touchpoint add ete-literie email 03/07..09/07 clients fidélité achat @sami")
	mustSay(t, r, "Point de contact ajouté", "*email*", "3 juillet 2027 → 9 juillet 2027", "clients fidélité", "achat", "@{sami}")
	tp := onlyTouchpoint(t, e)
	want := chorus.Touchpoint{Campaign: "ete-literie", Channel: "email", Start: day(2027, 7, 3), End: day(2027, 7, 9),
		Segment: "clients fidélité", Stage: chorus.StagePurchase, Owner: "sami"}
	if tp.Channel != want.Channel || tp.Start != want.Start || tp.End != want.End || tp.Segment != want.Segment ||
		tp.Stage != want.Stage || tp.Owner != want.Owner || tp.CreatedBy != "lea" {
		t.Fatalf("stored %+v, want %+v", tp, want)
	}
	if b := r.Blocks[1]; b.Kind != reply.Actions || b.Buttons[0].ActionID != reply.ActTouchpointMove || b.Buttons[0].Value != tp.ID {
		t.Fatalf("no Move button carrying the id: %+v", r.Blocks)
	}

	r = e.Do(t, "lea", "/campaign show ete-literie")
	mustSay(t, r, "Points de contact (1)", "`"+tp.ID+"`", "3 juillet 2027 → 9 juillet 2027")
	r = e.DoLang(t, "sami", chorus.English, "/campaign touchpoint list ete-literie")
	mustSay(t, r, "Touchpoints of \"Soldes d'été literie\"", "`"+tp.ID+"`", "3 July 2027 → 9 July 2027", "purchase")

	r = e.Do(t, "lea", "/campaign touchpoint move "+tp.ID+" 10/07")
	mustSay(t, r, "déplacé", "3 juillet 2027 → 9 juillet 2027 → 10 juillet 2027")
	if got := onlyTouchpoint(t, e); got.Start != (day(2027, 7, 10)) || !got.SingleDay() || got.Version != 2 {
		t.Fatalf("after move: %+v", got)
	}

	r = e.DoLang(t, "lea", chorus.English, "/campaign history ete-literie")
	mustSay(t, r, "Calendar", "moved", "added", "(was: 3 July 2027 → 9 July 2027)")

	r = e.Svc.Action(ctx, reply.Request{Workspace: "T1", User: "lea"}, reply.Action{ActionID: reply.ActTouchpointRemove, Value: tp.ID})
	mustSay(t, r, "Retiré du calendrier")
	if !r.ReplaceOriginal {
		t.Error("the Remove button's answer should replace the card that held it")
	}
	if tps, _ := e.Store.CampaignTouchpoints(ctx, "T1", "ete-literie"); len(tps) != 0 {
		t.Fatalf("removed touchpoint still listed: %+v", tps)
	}
	r = e.Do(t, "lea", "/campaign history ete-literie")
	mustSay(t, r, "retrait", "déplacement", "ajout")
	r = e.Do(t, "lea", "/campaign audit ete-literie")
	mustSay(t, r, "point de contact ajouté", "point de contact déplacé", "point de contact retiré", "point de contact "+tp.ID+" (email)")
}

func TestTouchpointRefusalsChangeNothing(t *testing.T) {
	e := setup(t)
	r := e.Do(t, "lea", "/campaign touchpoint add ete-literie social 05/07 prospects decouverte")
	mustSay(t, r, "✅")
	id := onlyTouchpoint(t, e).ID
	before := snapshot(t, e)

	tests := []struct {
		name, user string
		lang       chorus.Lang
		line       string
		want       []string
	}{
		{"not a lead", "sami", "", "/campaign touchpoint add ete-literie email 05/07 prospects achat", []string{"⚠️", "seuls les responsables", "points de contact"}},
		{"not a lead moves", "sami", "", "/campaign touchpoint move " + id + " 06/07", []string{"⚠️", "seuls les responsables"}},
		{"not a lead removes", "sami", chorus.English, "/campaign touchpoint remove " + id, []string{"⚠️", "only the leads"}},
		{"unknown segment", "lea", "", "/campaign touchpoint add ete-literie email 05/07 étudiants achat", []string{"⚠️", "« étudiants »"}},
		{"missing segment", "lea", chorus.English, "/campaign touchpoint add ete-literie email 2027-07-05 purchase", []string{"⚠️", "segment is missing"}},
		{"missing stage", "lea", "", "/campaign touchpoint add ete-literie email 05/07 B2B", []string{"⚠️", "étape inconnue"}},
		{"past day", "lea", "", "/campaign touchpoint add ete-literie email 2027-05-20 B2B achat", []string{"⚠️", "20 mai 2027 est déjà passé"}},
		{"no such day", "lea", "", "/campaign touchpoint add ete-literie email 31/06 B2B achat", []string{"⚠️", "n'existe pas"}},
		{"end before start", "lea", chorus.English, "/campaign touchpoint add ete-literie email 2027-07-09..2027-07-03 B2B purchase", []string{"⚠️", "before the start"}},
		{"three days", "lea", "", "/campaign touchpoint add ete-literie email 05/07 06/07 07/07 B2B achat", []string{"⚠️", "donnez un jour ou une période"}},
		{"unknown campaign", "lea", "", "/campaign touchpoint add hiver email 05/07 B2B achat", []string{"⚠️", "hiver"}},
		{"unknown touchpoint", "lea", "", "/campaign touchpoint move zzzzzz 06/07", []string{"⚠️", "zzzzzz"}},
		{"same day", "lea", "", "/campaign touchpoint move " + id + " 05/07", []string{"⚠️", "rien n'a changé"}},
		{"segment: not a lead", "sami", "", "/chorus segment add étudiants", []string{"⚠️", "seuls les responsables omnicanal"}},
		{"segment: duplicate", "lea", "", "/chorus segment add Prospects", []string{"⚠️", "existe déjà"}},
		{"segment: in use", "lea", chorus.English, "/chorus segment remove prospects", []string{"⚠️", "still reached by 1 touchpoint", id}},
		{"segment: unknown", "lea", "", "/chorus segment remove étudiants", []string{"⚠️", "segment inconnu"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.DoLang(t, tt.user, tt.lang, tt.line)
			mustSay(t, r, tt.want...)
			if after := snapshot(t, e); after != before {
				t.Fatalf("a refused command changed the store:\n%s\n%s", before, after)
			}
		})
	}

	t.Run("closed campaign", func(t *testing.T) {
		mustSay(t, e.Do(t, "lea", "/campaign close ete-literie confirm"), "clôturée")
		r := e.Do(t, "lea", "/campaign touchpoint move "+id+" 06/07")
		mustSay(t, r, "⚠️", "est close")
		if got := onlyTouchpoint(t, e); got.Version != 1 {
			t.Fatalf("moved on a closed campaign: %+v", got)
		}
	})
}

func TestTouchpointForms(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	lea := reply.Request{Workspace: "T1", User: "lea"}

	r := e.Do(t, "lea", "/campaign touchpoint add ete-literie")
	m := r.Modal
	if m == nil || m.CallbackID != reply.ModalTouchpointAdd || m.PrivateMetadata != "ete-literie" {
		t.Fatalf("no add form: %+v", r)
	}
	if len(m.Inputs) != 6 || len(m.Inputs[3].Options) != 3 || len(m.Inputs[4].Options) != 4 || m.Inputs[1].Initial != "2027-07-01" {
		t.Fatalf("form inputs: %+v", m.Inputs)
	}

	// Problems stay in the form, under their fields, and nothing is stored.
	bad := map[string]string{"channel": "email", "start": "2027-07-09", "end": "2027-07-03", "segment": "B2B", "stage": "", "owner": "sami"}
	r = e.Svc.Submit(ctx, lea, reply.Submission{CallbackID: reply.ModalTouchpointAdd, PrivateMetadata: "ete-literie", Values: bad})
	if r.FieldErrors["end"] == "" || r.FieldErrors["stage"] == "" {
		t.Fatalf("field errors = %v", r.FieldErrors)
	}
	if tps, _ := e.Store.CampaignTouchpoints(ctx, "T1", "ete-literie"); len(tps) != 0 {
		t.Fatalf("an invalid form stored %+v", tps)
	}

	good := map[string]string{"channel": "email", "start": "2027-07-03", "end": "", "segment": "B2B", "stage": "achat", "owner": "sami"}
	r = e.Svc.Submit(ctx, lea, reply.Submission{CallbackID: reply.ModalTouchpointAdd, PrivateMetadata: "ete-literie", Values: good})
	mustSay(t, r, "Point de contact ajouté", "3 juillet 2027")
	tp := onlyTouchpoint(t, e)

	r = e.Svc.Action(ctx, lea, reply.Action{ActionID: reply.ActTouchpointMove, Value: tp.ID})
	if r.Modal == nil || r.Modal.CallbackID != reply.ModalTouchpointMove || r.Modal.Inputs[0].Initial != "2027-07-03" {
		t.Fatalf("no move form: %+v", r)
	}
	r = e.Svc.Submit(ctx, lea, reply.Submission{CallbackID: reply.ModalTouchpointMove, PrivateMetadata: tp.ID,
		Values: map[string]string{"start": "2027-07-04", "end": "2027-07-06"}})
	mustSay(t, r, "déplacé")
	if got := onlyTouchpoint(t, e); got.Start != (day(2027, 7, 4)) || got.Last() != (day(2027, 7, 6)) {
		t.Fatalf("after the move form: %+v", got)
	}

	t.Run("no segment yet", func(t *testing.T) {
		e := commandstest.New(t)
		e.Setup(t)
		mustSay(t, e.DoLang(t, "lea", chorus.English, "/campaign touchpoint add ete-literie"), "⚠️", "/chorus segment add")
	})
}

func TestSegments(t *testing.T) {
	e := setup(t)
	r := e.DoLang(t, "sami", chorus.English, "/chorus segment")
	mustSay(t, r, "Audience segments (3)", "clients fidélité", "prospects", "B2B")
	r = e.Do(t, "lea", "/chorus segment remove b2b")
	mustSay(t, r, "Segment « b2b » retiré", "Segments d'audience (2)")
	w, err := e.Store.Workspace(context.Background(), "T1")
	if err != nil || len(w.Segments) != 2 {
		t.Fatalf("segments = %q, %v", w.Segments, err)
	}
}
