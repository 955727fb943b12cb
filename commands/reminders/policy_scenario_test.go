package reminders_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/reply"
)

// storedPolicy returns the policy stored for campaign ("" for the workspace's), failing the test
// on any error but not-found, reported by ok.
func storedPolicy(t testing.TB, e *env, campaign string) (chorus.ReminderPolicy, bool) {
	t.Helper()
	p, err := e.Store.ReminderPolicy(context.Background(), "T1", campaign)
	if errors.Is(err, chorus.ErrNotFound) {
		return p, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return p, true
}

// samePolicy compares what a policy says, not its identity or version.
func samePolicy(a, b chorus.ReminderPolicy) bool {
	return slices.Equal(a.Offsets, b.Offsets) && a.Morning == b.Morning && a.MorningAt == b.MorningAt &&
		a.Overdue == b.Overdue && a.OverdueAt == b.OverdueAt && a.OverdueDays == b.OverdueDays &&
		a.QuietStart == b.QuietStart && a.QuietEnd == b.QuietEnd && a.SkipWeekends == b.SkipWeekends && a.Inherit == b.Inherit
}

func TestRemindersShowDefault(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		lang chorus.Lang
		line string
		want []string
	}{
		{chorus.French, "/chorus reminders", []string{
			"Rappels de l'espace, réglage par défaut (heure de Europe/Paris)",
			"3 jours et 1 jour avant, le matin de l'échéance à 09:00, relance quotidienne en retard à 09:00 pendant 5 jours ; pas de rappel de 20:00 à 08:00 ni le week-end",
			"/chorus reminders 3j 1j matin 9h"}},
		{chorus.French, "/chorus rappels", []string{"3 jours et 1 jour avant"}},
		{chorus.English, "/chorus reminders", []string{
			"Workspace reminders, default setting (Europe/Paris time)",
			"3 days and 1 day before, on the morning of the due day at 09:00, a daily overdue nudge at 09:00 for 5 days; no reminders from 20:00 to 08:00 nor at weekends"}},
		{chorus.French, "/chorus reminders aide", []string{"`/campaign reminders <identifiant> default`", "`week-end sauter|garder`"}},
		{chorus.English, "/chorus reminders help", []string{"`weekends skip|keep`", "`overdue 9:00 for 5d`"}},
		{chorus.French, "/chorus help", []string{"`/chorus reminders`"}},
		{chorus.English, "/campaign help", []string{"`/campaign reminders <id> [<setting> | default]`"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.lang)+" "+tt.line, func(t *testing.T) {
			mustSay(t, e.DoLang(t, "zoe", tt.lang, tt.line), tt.want...)
		})
	}
	if _, ok := storedPolicy(t, e, ""); ok {
		t.Fatal("showing the policy stored one")
	}
}

// TestRemindersSpec sets the workspace policy from a fresh default with every kind of spec.
func TestRemindersSpec(t *testing.T) {
	def := chorus.DefaultReminderPolicy("T1")
	with := func(edit func(p *chorus.ReminderPolicy)) chorus.ReminderPolicy {
		p := def
		p.Offsets = slices.Clone(def.Offsets)
		edit(&p)
		return p
	}
	h := time.Hour
	tests := []struct {
		name string
		lang chorus.Lang
		spec string
		want chorus.ReminderPolicy
		say  []string
	}{
		{"offsets FR", chorus.French, "3j 1j 12h", with(func(p *chorus.ReminderPolicy) { p.Offsets = []time.Duration{72 * h, 24 * h, 12 * h} }),
			[]string{"✅ Rappels de l'espace enregistrés (heure de Europe/Paris) : 3 jours, 1 jour et 12 heures avant, le matin"}},
		{"offsets EN, any order, sorted", chorus.English, "12h 3d", with(func(p *chorus.ReminderPolicy) { p.Offsets = []time.Duration{72 * h, 12 * h} }),
			[]string{"✅ Workspace reminders saved (Europe/Paris time): 3 days and 12 hours before"}},
		{"commas and compound offsets", chorus.French, "2j, 1j12h, 90m", with(func(p *chorus.ReminderPolicy) {
			p.Offsets = []time.Duration{48 * h, 36 * h, 90 * time.Minute}
		}), []string{"2 jours, 1 jour 12 heures et 1 heure 30 minutes avant"}},
		{"morning and overdue FR", chorus.French, "matin 8h30 retard 10h pendant 3j", with(func(p *chorus.ReminderPolicy) {
			p.MorningAt, p.OverdueAt, p.OverdueDays = 8*60+30, 10*60, 3
		}), []string{"le matin de l'échéance à 08:30, relance quotidienne en retard à 10:00 pendant 3 jours"}},
		{"overdue for days EN", chorus.English, "overdue 17:15 for 1 day", with(func(p *chorus.ReminderPolicy) { p.OverdueAt, p.OverdueDays = 17*60+15, 1 }),
			[]string{"one overdue nudge the day after at 17:15"}},
		{"morning 9am", chorus.English, "morning 9am", with(func(p *chorus.ReminderPolicy) { p.MorningAt = 9 * 60 }), nil},
		{"morning and overdue off", chorus.English, "morning off overdue off", with(func(p *chorus.ReminderPolicy) { p.Morning, p.Overdue = false, false }),
			[]string{"3 days and 1 day before; no reminders from 20:00 to 08:00 nor at weekends"}},
		{"quiet hours with spaces", chorus.French, "calme 21h - 7h", with(func(p *chorus.ReminderPolicy) { p.QuietStart, p.QuietEnd = 21*60, 7*60 }),
			[]string{"pas de rappel de 21:00 à 07:00 ni le week-end"}},
		{"silence 22:00-06:30", chorus.French, "silence 22:00-06:30", with(func(p *chorus.ReminderPolicy) { p.QuietStart, p.QuietEnd = 22*60, 6*60+30 }), nil},
		{"no quiet hours, weekends kept", chorus.English, "quiet off weekends keep", with(func(p *chorus.ReminderPolicy) {
			p.QuietStart, p.QuietEnd, p.SkipWeekends = 0, 0, false
		}), []string{"reminders at any hour, weekends included"}},
		{"week end garder", chorus.French, "week end garder", with(func(p *chorus.ReminderPolicy) { p.SkipWeekends = false }),
			[]string{"pas de rappel de 20:00 à 08:00, mais des rappels le week-end"}},
		{"no offsets", chorus.French, "avant off", with(func(p *chorus.ReminderPolicy) { p.Offsets = nil }),
			[]string{"enregistrés (heure de Europe/Paris) : le matin de l'échéance à 09:00, relance"}},
		{"off", chorus.French, "off", with(func(p *chorus.ReminderPolicy) { p.Offsets, p.Morning, p.Overdue = nil, false, false }),
			[]string{"Rappels de l'espace enregistrés (heure de Europe/Paris) : aucun rappel."}},
		{"off EN", chorus.English, "off", with(func(p *chorus.ReminderPolicy) { p.Offsets, p.Morning, p.Overdue = nil, false, false }),
			[]string{": no reminders."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			r := e.DoLang(t, "lea", tt.lang, "/chorus reminders "+tt.spec)
			mustSay(t, r, append([]string{"✅"}, tt.say...)...)
			got, ok := storedPolicy(t, e, "")
			if !ok || !samePolicy(got, tt.want) || got.UpdatedBy != "lea" || got.Version != 1 {
				t.Fatalf("stored %+v, want %+v", got, tt.want)
			}
			audit, err := e.Store.Audit(context.Background(), "T1", "reminders:workspace:T1")
			if err != nil || len(audit) != 1 || audit[0].Action != "reminders.set" || audit[0].Actor != "lea" || audit[0].After != 1 {
				t.Fatalf("audit = %+v, %v", audit, err)
			}
		})
	}
}

// TestRemindersBadSpec sends bad specs and roles refused: each gets a clear, localized answer
// naming the token, in French and English, and nothing is stored.
func TestRemindersBadSpec(t *testing.T) {
	e := newEnv(t)
	e.Setup(t) // lea leads ete-literie and the workspace
	mustSay(t, e.Do(t, "lea", "/chorus settings leads add @max"), "✅")
	tests := []struct {
		user, line string
		fr, en     []string
	}{
		{"lea", "/chorus reminders 3j demain", []string{"je ne comprends pas « demain »"}, []string{`I don't understand "demain"`}},
		{"lea", "/chorus reminders matin 25h", []string{"« 25h » n'est pas une heure pour « matin »"}, []string{`"25h" is not a time for "matin"`}},
		{"lea", "/chorus reminders morning 9h61", []string{"« 9h61 » n'est pas une heure"}, []string{`"9h61" is not a time`}},
		{"lea", "/chorus reminders matin", []string{"« matin » attend une valeur"}, []string{`"matin" needs a value`}},
		{"lea", "/chorus reminders retard calme 20h-8h", []string{"« retard » attend une valeur"}, []string{`"retard" needs a value`}},
		{"lea", "/chorus reminders calme 20h", []string{"« 20h » n'est pas une plage pour « calme »"}, []string{`"20h" is not a time range for "calme"`}},
		{"lea", "/chorus reminders quiet 8h-8h", []string{"« 8h-8h » n'est pas une plage"}, []string{`"8h-8h" is not a time range`}},
		{"lea", "/chorus reminders week-end parfois", []string{"« parfois » : après « week-end », écrivez sauter ou garder"}, []string{`"parfois": after "week-end", write skip or keep`}},
		{"lea", "/chorus reminders 31j", []string{"délai « 31j » hors limites"}, []string{`offset "31j" out of range`}},
		{"lea", "/chorus reminders 0h", []string{"délai « 0h » hors limites"}, []string{`offset "0h" out of range`}},
		{"lea", "/chorus reminders 1d 2d 3d 4d 5d 6d 7d", []string{"au plus 6 rappels"}, []string{"at most 6 reminders"}},
		{"lea", "/chorus reminders off matin 9h", []string{"« off » coupe tous les rappels : écrivez-le seul"}, []string{`"off" stops every reminder: write it alone`}},
		{"lea", "/chorus reminders matin 9h matin 10h", []string{"« matin » est donné deux fois"}, []string{`"matin" is given twice`}},
		{"lea", "/chorus reminders 3j avant off", []string{"« avant off » est donné deux fois"}, []string{`"avant off" is given twice`}},
		{"lea", "/chorus reminders retard 9h pendant 40j", []string{"« 40j » : combien de jours de relance ? De 1 à 30"}, []string{`"40j": for how many days? From 1 to 30`}},
		{"lea", "/chorus reminders retard 9h pendant", []string{"combien de jours"}, []string{"for how many days"}},
		{"lea", "/chorus reminders frob matin 99h", []string{"« frob »", "« 99h »"}, []string{`"frob"`, `"99h"`}},
		{"sami", "/chorus reminders 3j", []string{"seuls les admins de l'espace et les responsables omnicanal peuvent changer les rappels"},
			[]string{"only workspace admins and omnichannel leads can change the workspace reminders"}},
		{"sami", "/chorus reminders default", []string{"seuls les admins"}, []string{"only workspace admins"}},
		{"sami", "/campaign reminders ete-literie 1j", []string{"seuls les responsables de « Soldes d'été literie » (@{lea}) peuvent changer ses rappels"},
			[]string{`only the leads of "Soldes d'été literie" (@{lea}) can change its reminders`}},
		{"max", "/campaign reminders ete-literie off", []string{"seuls les responsables de « Soldes d'été literie »"}, []string{`only the leads of "Soldes d'été literie"`}},
		{"lea", "/campaign reminders inconnue 1j", []string{"je ne trouve pas de campagne « inconnue »"}, []string{`I can't find a campaign "inconnue"`}},
		{"lea", "/campaign reminders ete-literie 1j 2x", []string{"je ne comprends pas « 2x »"}, []string{`I don't understand "2x"`}},
		{"lea", "/campaign reminders", []string{"syntaxe : /campaign reminders <identifiant>"}, []string{"usage: /campaign reminders <id>"}},
	}
	before := e.Snapshot(t)
	for _, tt := range tests {
		t.Run(tt.user+" "+tt.line, func(t *testing.T) {
			mustSay(t, e.Do(t, tt.user, tt.line), append([]string{"⚠️"}, tt.fr...)...)
			mustSay(t, e.DoLang(t, tt.user, chorus.English, tt.line), append([]string{"⚠️"}, tt.en...)...)
		})
	}
	for _, campaign := range []string{"", "ete-literie"} {
		if p, ok := storedPolicy(t, e, campaign); ok {
			t.Fatalf("a refused command stored %+v", p)
		}
	}
	if after := e.Snapshot(t); after != before {
		t.Fatalf("bad input changed the store:\nbefore %s\nafter  %s", before, after)
	}
	audit, err := e.Store.Audit(context.Background(), "T1", "reminders:workspace:T1")
	if err != nil || len(audit) != 0 {
		t.Fatalf("audit = %+v, %v", audit, err)
	}
}

// TestRemindersRoles: workspace admins and leads set the workspace policy; a campaign's leads,
// and only they, set the campaign's.
func TestRemindersRoles(t *testing.T) {
	e := newEnv(t)
	e.Setup(t)
	mustSay(t, e.Do(t, "lea", "/chorus settings leads add @max"), "✅")
	admin := e.Svc.Command(context.Background(), reply.Request{Workspace: "T1", User: "ada", IsAdmin: true, Command: "/chorus", Text: "reminders 2j"})
	mustSay(t, admin, "✅", "2 jours avant")
	mustSay(t, e.Do(t, "max", "/chorus rappels calme 21h-7h"), "✅", "2 jours avant", "pas de rappel de 21:00 à 07:00")
	p, _ := storedPolicy(t, e, "")
	if p.Version != 2 || p.UpdatedBy != "max" || !slices.Equal(p.Offsets, []time.Duration{48 * time.Hour}) || p.QuietStart != 21*60 {
		t.Fatalf("workspace policy %+v", p)
	}
	mustSay(t, e.Do(t, "lea", "/campaign reminders ete-literie 1j"), "✅")
	if p, ok := storedPolicy(t, e, "ete-literie"); !ok || p.UpdatedBy != "lea" {
		t.Fatalf("campaign policy %+v", p)
	}
}

// TestRemindersCampaignOverride gives a campaign its own policy, shows it, then drops it: the
// campaign follows the workspace again, including the workspace's later changes.
func TestRemindersCampaignOverride(t *testing.T) {
	e := newEnv(t)
	e.Setup(t)
	ctx := context.Background()
	steps := []struct {
		lang  chorus.Lang
		line  string
		want  []string
		check func(t *testing.T)
	}{
		{chorus.French, "/campaign reminders ete-literie", []string{"La campagne « Soldes d'été literie » suit les rappels de l'espace (heure de Europe/Paris) : 3 jours et 1 jour avant"}, nil},
		{chorus.French, "/chorus reminders calme 21h-7h", []string{"✅", "pas de rappel de 21:00 à 07:00"}, nil},
		{chorus.French, "/campaign rappels ete-literie 1j matin off", []string{"✅ Rappels de la campagne « Soldes d'été literie » enregistrés (heure de Europe/Paris) : 1 jour avant, relance quotidienne en retard à 09:00 pendant 5 jours ; pas de rappel de 21:00 à 07:00 ni le week-end"},
			func(t *testing.T) {
				p, ok := storedPolicy(t, e, "ete-literie")
				want := chorus.DefaultReminderPolicy("T1")
				want.Offsets, want.Morning, want.QuietStart, want.QuietEnd = []time.Duration{24 * time.Hour}, false, 21*60, 7*60
				if !ok || p.Campaign != "ete-literie" || !samePolicy(p, want) {
					t.Fatalf("campaign policy %+v", p)
				}
			}},
		{chorus.English, "/campaign reminders ete-literie", []string{`Reminders of its own for campaign "Soldes d'été literie" (Europe/Paris time): 1 day before, a daily overdue nudge`}, nil},
		{chorus.English, "/campaign reminders ete-literie overdue off", []string{`✅ Reminders of campaign "Soldes d'été literie" saved (Europe/Paris time): 1 day before; no reminders from 21:00 to 07:00 nor at weekends`}, nil},
		{chorus.French, "/campaign reminders ete-literie default", []string{"✅ La campagne « Soldes d'été literie » suit de nouveau les rappels de l'espace (heure de Europe/Paris) : 3 jours et 1 jour avant"},
			func(t *testing.T) {
				p, ok := storedPolicy(t, e, "ete-literie")
				if !ok || !p.Inherit || p.Version != 3 {
					t.Fatalf("campaign policy after reset %+v", p)
				}
			}},
		{chorus.French, "/campaign reminders ete-literie par défaut", []string{"suit déjà les rappels de l'espace"}, nil},
		{chorus.French, "/chorus reminders 2j", []string{"✅"}, nil},
		{chorus.French, "/campaign reminders ete-literie", []string{"suit les rappels de l'espace (heure de Europe/Paris) : 2 jours avant"}, nil},
		{chorus.English, "/campaign reminders ete-literie weekends keep", []string{"✅", "2 days before", "but reminders at weekends"},
			func(t *testing.T) {
				if p, _ := storedPolicy(t, e, "ete-literie"); p.Inherit || p.SkipWeekends || p.Version != 4 {
					t.Fatalf("override after reset %+v", p)
				}
			}},
		{chorus.French, "/chorus reminders default", []string{"✅ Rappels de l'espace remis au réglage par défaut", "3 jours et 1 jour avant"},
			func(t *testing.T) {
				if p, _ := storedPolicy(t, e, ""); !p.Inherit {
					t.Fatalf("workspace policy after reset %+v", p)
				}
			}},
		{chorus.French, "/chorus reminders", []string{"réglage par défaut"}, nil},
		{chorus.French, "/chorus reminders default", []string{"L'espace suit déjà le réglage par défaut"}, nil},
	}
	for _, st := range steps {
		t.Run(st.line, func(t *testing.T) {
			mustSay(t, e.DoLang(t, "lea", st.lang, st.line), st.want...)
			if st.check != nil {
				st.check(t)
			}
		})
	}
	audit, err := e.Store.Audit(ctx, "T1", "reminders:campaign:ete-literie")
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, a := range audit {
		actions = append(actions, a.Action)
	}
	if want := []string{"reminders.set", "reminders.set", "reminders.reset", "reminders.set"}; !slices.Equal(actions, want) {
		t.Fatalf("audit %v, want %v", actions, want)
	}
}

// TestRemindersNextReminder: the reply says when the caller's next reminder comes under the new
// policy.
func TestRemindersNextReminder(t *testing.T) {
	e := newEnv(t)
	e.Setup(t)
	mustSay(t, e.Do(t, "lea", `/campaign task add ete-literie social "Story soldes" @lea vendredi`), "Story soldes")
	tests := []struct {
		lang chorus.Lang
		line string
		want string
	}{
		{chorus.French, "/chorus reminders 1j", "Votre prochain rappel : « Story soldes », jeudi 3 juin 2027 à 18:00."},
		{chorus.English, "/campaign reminders ete-literie 2d", `Your next reminder: "Story soldes", Wednesday 2 June 2027 at 18:00.`},
		{chorus.French, "/campaign reminders ete-literie avant off", "Votre prochain rappel : « Story soldes », vendredi 4 juin 2027 à 09:00."},
		{chorus.French, "/campaign reminders ete-literie off", "Aucun rappel à venir pour vos tâches ouvertes."},
		{chorus.English, "/campaign reminders ete-literie default", `Your next reminder: "Story soldes", Thursday 3 June 2027 at 18:00.`},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			mustSay(t, e.DoLang(t, "lea", tt.lang, tt.line), "✅", tt.want)
		})
	}
}
