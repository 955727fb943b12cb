package minutes_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands"
	"github.com/chorus-hq/chorus/commands/minutes"
	"github.com/chorus-hq/chorus/reply"
)

// newMinutesEnv is newEnv with the minutes' optional services set in opts.
func newMinutesEnv(t testing.TB, opts commands.Options) *env {
	t.Helper()
	e := newEnvWith(t, opts)
	return e
}

const room = "#reunion"

// in runs a slash command line typed in the meeting room.
func (e *env) in(t testing.TB, user string, lang chorus.Lang, line string) reply.Reply {
	t.Helper()
	cmd, text, _ := strings.Cut(line, " ")
	return e.Svc.Command(context.Background(), reply.Request{Workspace: "T1", User: user, Channel: room, Lang: lang, Command: cmd, Text: text})
}

// say plays a message posted in the room (in thread when thread is set).
func (e *env) say(user, ts, thread, text string) []reply.Post {
	return e.Svc.Message(context.Background(), reply.MessageEvent{Workspace: "T1", Channel: room, User: user, TS: ts, ThreadTS: thread, Text: text})
}

func (e *env) meetingLines(t testing.TB, id string) []chorus.Line {
	t.Helper()
	ls, err := e.Store.Lines(context.Background(), "T1", id)
	if err != nil {
		t.Fatal(err)
	}
	return ls
}

func (e *env) openMeeting(t testing.TB) chorus.Meeting {
	t.Helper()
	m, err := e.Store.OpenMeeting(context.Background(), "T1", room)
	if err != nil {
		t.Fatalf("no open meeting: %v", err)
	}
	return m
}

func postsSay(t testing.TB, posts []reply.Post, want ...string) {
	t.Helper()
	var r reply.Reply
	for _, p := range posts {
		r.Text += "\n" + p.Text
		r.Blocks = append(r.Blocks, p.Blocks...)
	}
	mustSay(t, r, want...)
}

// button returns the first button of r (or of posts) with the given action id.
func button(t testing.TB, action string, blocks []reply.Block) reply.Button {
	t.Helper()
	for _, b := range blocks {
		if b.Accessory != nil && b.Accessory.ActionID == action {
			return *b.Accessory
		}
		for _, btn := range b.Buttons {
			if btn.ActionID == action {
				return btn
			}
		}
	}
	t.Fatalf("no %s button in %+v", action, blocks)
	return reply.Button{}
}

// TestMinutesLiveMeeting is the scenario: a meeting with notes, two decisions and three
// action items, captured by command, prefix and reaction, posts its minutes and creates three
// tasks with owners and due dates.
func TestMinutesLiveMeeting(t *testing.T) {
	e := newMinutesEnv(t, commands.Options{})
	e.Setup(t)
	ctx := context.Background()

	r := e.in(t, "lea", "", "/minutes start Point lancement soldes ete-literie")
	mustSay(t, r, "Réunion « Point lancement soldes » ouverte par @{lea}", "campagne ete-literie")
	if r.Visibility != reply.InChannel {
		t.Error("the start is not announced in the channel")
	}
	m := e.openMeeting(t)
	if m.Campaign != "ete-literie" || m.Title != "Point lancement soldes" {
		t.Fatalf("meeting = %+v", m)
	}

	mustSay(t, e.in(t, "sami", "", "/minutes note Le stock de matelas arrive le 20 juin"), "Note ajoutée")
	if p := e.say("emma", "1800000001.000100", "", "Bonjour à tous"); p != nil {
		t.Fatalf("a plain message was answered: %+v", p)
	}
	// A reaction turns the plain message above into a note; a prefix in a thread a decision.
	if p := e.Svc.Reaction(ctx, reply.ReactionEvent{Workspace: "T1", Channel: room, User: "lea", Reaction: "memo", TS: "1800000001.000100"}); p != nil {
		t.Fatalf("reaction answered: %+v", p)
	}
	if p := e.say("rui", "1800000002.000100", "1800000001.000100", "Décision : on garde -30 % sur toute la literie"); p != nil {
		t.Fatalf("decision answered: %+v", p)
	}
	mustSay(t, e.in(t, "lea", chorus.English, "/minutes decision Free delivery from 500 €"), "Decision added")
	// Three action items: complete by command, complete by prefix, and one missing its owner.
	mustSay(t, e.in(t, "lea", "", "/minutes action @sami Visuels stories pour vendredi 17h"), "Action ajoutée")
	if p := e.say("emma", "1800000003.000100", "", "action: @{emma} newsletter de lancement 15/06"); p != nil {
		t.Fatalf("complete action answered: %+v", p)
	}
	e.say("rui", "1800000004.000100", "", "PLV en magasin")
	posts := e.Svc.Reaction(ctx, reply.ReactionEvent{Workspace: "T1", Channel: room, User: "lea", Reaction: "point_right", TS: "1800000004.000100"})
	postsSay(t, posts, "Action « PLV en magasin » : il manque le responsable et l'échéance.")
	if posts[0].Thread != "1800000004.000100" || posts[0].Channel != room {
		t.Fatalf("question not asked in the message's thread: %+v", posts[0])
	}
	// The follow-up: the button opens a form; a past date is refused, then it is completed.
	btn := button(t, reply.ActMinutesComplete, posts[0].Blocks)
	req := reply.Request{Workspace: "T1", User: "rui", Channel: room}
	r = e.Svc.Action(ctx, req, reply.Action{ActionID: btn.ActionID, Value: btn.Value})
	if r.Modal == nil || r.Modal.CallbackID != reply.ModalMinutesComplete {
		t.Fatalf("no completion form: %+v", r)
	}
	r = e.Svc.Submit(ctx, req, reply.Submission{CallbackID: r.Modal.CallbackID, PrivateMetadata: r.Modal.PrivateMetadata,
		Values: map[string]string{"owner": "rui", "due": "01/05/2027"}})
	if !strings.Contains(r.FieldErrors["due"], "déjà passée") {
		t.Fatalf("past date not refused: %+v", r)
	}
	r = e.Svc.Submit(ctx, req, reply.Submission{CallbackID: reply.ModalMinutesComplete, PrivateMetadata: btn.Value,
		Values: map[string]string{"owner": "rui", "due": "mardi 8/06 12h"}})
	mustSay(t, r, "PLV en magasin", "@{rui}", "mardi 8 juin 2027 à 12:00")

	ls := e.meetingLines(t, m.ID)
	if len(ls) != 7 {
		t.Fatalf("%d lines, want 7: %+v", len(ls), ls)
	}

	r = e.in(t, "lea", "", "/minutes end")
	mustSay(t, r, "clôturée — 3 tâche(s) créée(s)", "Participants :", "@{lea}", "@{sami}", "@{emma}", "@{rui}",
		"*Notes*", "Le stock de matelas", "Bonjour à tous", "*Décisions*", "on garde -30 %", "Free delivery",
		"*Actions*", "Visuels stories — @{sami} — vendredi 4 juin 2027 à 17:00",
		"newsletter de lancement — @{emma} — mardi 15 juin 2027 à 18:00", "PLV en magasin — @{rui} — mardi 8 juin 2027 à 12:00")
	if r.Visibility != reply.InChannel {
		t.Error("minutes are not posted in the channel")
	}
	if len(r.Posts) != 1 || r.Posts[0].Channel != "lea" {
		t.Fatalf("minutes not sent to the campaign's lead: %+v", r.Posts)
	}
	tasks, err := e.Store.Tasks(ctx, "T1", chorus.TaskFilter{Campaign: "ete-literie"})
	if err != nil || len(tasks) != 3 {
		t.Fatalf("tasks = %+v, %v", tasks, err)
	}
	owners := map[string]time.Time{}
	for _, task := range tasks {
		owners[task.Owner] = task.Due
	}
	paris := chorus.LoadLocation("Europe/Paris")
	for owner, due := range map[string]time.Time{
		"sami": time.Date(2027, 6, 4, 17, 0, 0, 0, paris), "emma": time.Date(2027, 6, 15, 18, 0, 0, 0, paris),
		"rui": time.Date(2027, 6, 8, 12, 0, 0, 0, paris),
	} {
		if !owners[owner].Equal(due) {
			t.Errorf("task of %s due %v, want %v", owner, owners[owner], due)
		}
	}
	for _, l := range e.meetingLines(t, m.ID) {
		if l.Kind == chorus.LineAction && l.TaskID == "" {
			t.Errorf("action %q has no task", l.Text)
		}
	}
	// The channel is free again; lines after the end are not captured.
	if p := e.say("sami", "1800000009.000100", "", "note: trop tard"); p != nil {
		t.Fatalf("a line after the end was answered: %+v", p)
	}
	if n := len(e.meetingLines(t, m.ID)); n != 7 {
		t.Fatalf("%d lines after the end", n)
	}
	mustSay(t, e.in(t, "sami", "", "/minutes start Suite"), "ouverte par @{sami}")

	// Find them again.
	mustSay(t, e.in(t, "sami", "", "/minutes list ete-literie"), "Point lancement soldes", "`"+m.ID+"`")
	mustSay(t, e.in(t, "sami", chorus.English, "/minutes search Frée DELIVERY"), "Point lancement soldes")
	mustSay(t, e.in(t, "sami", "", "/minutes search decision matelas"), "Rien trouvé") // the words must all match one meeting
	mustSay(t, e.in(t, "sami", "", "/minutes search matelas"), "Point lancement soldes", "Le stock de matelas")
	r = e.in(t, "sami", "", "/minutes show "+m.ID)
	mustSay(t, r, "Point lancement soldes", "tâche ")
	r = e.in(t, "sami", chorus.English, "/minutes export "+m.ID)
	mustSay(t, r, "# Point lancement soldes", "## Decisions", "- [ ] Visuels stories — @sami — Friday 4 June 2027 at 17:00")
	// once its task is done, the export ticks the action
	tasks, err = e.Store.Tasks(context.Background(), "T1", chorus.TaskFilter{Campaign: "ete-literie"})
	if err != nil || len(tasks) == 0 {
		t.Fatalf("tasks = %+v, %v", tasks, err)
	}
	mustSay(t, e.in(t, "sami", "", "/campaign task done "+tasks[0].ID), "✅")
	mustSay(t, e.in(t, "sami", chorus.English, "/minutes export "+m.ID), "- [x] Visuels stories — @sami")
}

// TestMinutesEditAndDelete: an edited message changes its line, a deleted one drops out.
func TestMinutesEditAndDelete(t *testing.T) {
	e := newMinutesEnv(t, commands.Options{})
	e.Setup(t)
	ctx := context.Background()
	e.in(t, "lea", "", "/minutes start Point ete-literie")
	m := e.openMeeting(t)
	e.say("sami", "1800000001.000100", "", "note: budget 10 k€")
	e.say("emma", "1800000002.000100", "", "action: newsletter")
	e.say("rui", "1800000003.000100", "", "note: à supprimer")

	edit := func(ts, user, text string) []reply.Post {
		return e.Svc.Message(ctx, reply.MessageEvent{Workspace: "T1", Channel: room, User: user, TS: ts, Text: text, Edited: true})
	}
	if p := edit("1800000001.000100", "sami", "note: budget 12 k€"); p != nil {
		t.Fatalf("edit answered: %+v", p)
	}
	// Editing the action adds its owner and date; editing to a past date is refused in thread.
	postsSay(t, edit("1800000002.000100", "emma", "action: @emma newsletter 01/05/2027"), "déjà passée")
	if p := edit("1800000002.000100", "emma", "action: @emma newsletter vendredi"); p != nil {
		t.Fatalf("completed action answered: %+v", p)
	}
	// A message edited into a prefixed one becomes a line.
	e.say("lea", "1800000004.000100", "", "on valide ?")
	edit("1800000004.000100", "lea", "décision: on valide")
	e.Svc.Message(ctx, reply.MessageEvent{Workspace: "T1", Channel: room, TS: "1800000003.000100", Deleted: true})

	ls := e.meetingLines(t, m.ID)
	got := map[string]chorus.Line{}
	for _, l := range ls {
		got[l.TS] = l
	}
	if l := got["1800000001.000100"]; l.Text != "budget 12 k€" || l.Version != 2 || l.Author != "sami" {
		t.Errorf("edited note = %+v", l)
	}
	if l := got["1800000002.000100"]; l.Owner != "emma" || l.Due.IsZero() || l.Text != "newsletter" {
		t.Errorf("edited action = %+v", l)
	}
	if l := got["1800000003.000100"]; !l.Deleted {
		t.Errorf("deleted note = %+v", l)
	}
	if l := got["1800000004.000100"]; l.Kind != chorus.LineDecision || l.Text != "on valide" {
		t.Errorf("decision added by an edit = %+v", l)
	}
	r := e.in(t, "lea", "", "/minutes end")
	mustSay(t, r, "budget 12 k€", "on valide", "1 tâche(s)")
	if all := r.Text + fmt.Sprint(r.Blocks); strings.Contains(all, "à supprimer") || strings.Contains(all, "10 k€") {
		t.Fatalf("minutes show a deleted or outdated line:\n%s", all)
	}
}

// TestMinutesConcurrentLines: 20 people posting lines at once lose none.
func TestMinutesConcurrentLines(t *testing.T) {
	e := newMinutesEnv(t, commands.Options{})
	e.in(t, "lea", "", "/minutes start Brainstorm")
	m := e.openMeeting(t)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := fmt.Sprintf("user%02d", i)
			if i%2 == 0 {
				e.say(user, fmt.Sprintf("1800000100.%06d", i), "", fmt.Sprintf("note: idée %d", i))
				return
			}
			if r := e.in(t, user, "", fmt.Sprintf("/minutes decision choix %d", i)); !strings.Contains(r.Text, "✅") {
				t.Errorf("%s: %s", user, r.Text)
			}
		}()
	}
	wg.Wait()
	if ls := e.meetingLines(t, m.ID); len(ls) != 20 {
		t.Fatalf("%d lines stored, want 20", len(ls))
	}
	r := e.in(t, "lea", "", "/minutes end")
	for i := range 20 {
		mustSay(t, r, fmt.Sprintf("@{user%02d}", i))
	}
}

// TestMinutesBadInput: each mistake gets a clear French and English answer and changes nothing.
func TestMinutesBadInput(t *testing.T) {
	e := newMinutesEnv(t, commands.Options{})
	e.Setup(t)
	tests := []struct {
		user, line string
		fr, en     string
	}{
		{"lea", "/minutes end", "aucune réunion n'est ouverte", "no meeting is open"},
		{"lea", "/minutes note rien", "aucune réunion n'est ouverte", "no meeting is open"},
		{"lea", "/minutes frobnicate", "je ne connais pas « frobnicate »", `I don't know "frobnicate"`},
		{"lea", "/minutes start", "syntaxe", "usage"},
		{"lea", "/minutes show zzzzzz", "je ne trouve pas de compte rendu", "I can't find minutes"},
		{"lea", "/minutes thread pas-un-lien", "n'est ni un lien", "is neither a link"},
		{"zoe", "/minutes start Réunion ete-literie", "seuls les responsables de « Soldes d'été literie »", `only the leads of "Soldes d'été literie"`},
	}
	before := minutesSnapshot(t, e)
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			mustSay(t, e.in(t, tt.user, "", tt.line), "⚠️", tt.fr)
			mustSay(t, e.in(t, tt.user, chorus.English, tt.line), "⚠️", tt.en)
		})
	}
	if after := minutesSnapshot(t, e); after != before {
		t.Fatalf("bad input changed the store:\n%s\n%s", before, after)
	}

	mustSay(t, e.in(t, "lea", "", "/minutes start Point ete-literie"), "ouverte par @{lea}")
	in := []struct {
		user, line string
		fr, en     string
	}{
		{"sami", "/minutes start Autre", "est déjà en cours dans ce canal", "is already running in this channel"},
		{"sami", "/minutes action", "l'action n'a pas de texte", "the action item has no text"},
		{"sami", "/minutes action @sami vendredi", "l'action n'a pas de texte", "the action item has no text"},
		{"sami", "/minutes action @sami story 01/05/2027", "est déjà passée", "has already passed"},
		{"sami", "/minutes decision", "la décision est vide", "the decision is empty"},
		{"sami", "/minutes end", "seuls @{lea}, qui a ouvert « Point »", `only @{lea}, who opened "Point"`},
	}
	before = minutesSnapshot(t, e)
	for _, tt := range in {
		t.Run(tt.line, func(t *testing.T) {
			mustSay(t, e.in(t, tt.user, "", tt.line), "⚠️", tt.fr)
			mustSay(t, e.in(t, tt.user, chorus.English, tt.line), "⚠️", tt.en)
		})
	}
	// The same mistakes typed in the channel are answered in thread.
	postsSay(t, e.say("sami", "1800000001.000100", "", "action: "), "l'action n'a pas de texte")
	postsSay(t, e.say("sami", "1800000002.000100", "", "action: @sami story 01/05/2027"), "est déjà passée")
	if after := minutesSnapshot(t, e); after != before {
		t.Fatalf("bad input changed the store:\n%s\n%s", before, after)
	}
}

// minutesSnapshot summarises the meetings, lines and tasks of workspace T1.
func minutesSnapshot(t testing.TB, e *env) string {
	t.Helper()
	ctx := context.Background()
	ms, err := e.Store.Meetings(ctx, "T1", chorus.MeetingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var lines []chorus.Line
	for _, m := range ms {
		lines = append(lines, e.meetingLines(t, m.ID)...)
	}
	b, _ := json.Marshal([]any{ms, lines, e.Snapshot(t)})
	return string(b)
}

// fakeSource is a Slack that holds one thread and gives permalinks.
type fakeSource struct {
	mu       sync.Mutex
	thread   []reply.SourceMessage
	uploaded []string
}

func (f *fakeSource) Thread(_ context.Context, _, channel, ts string) ([]reply.SourceMessage, error) {
	if channel != "C0ROOM" || (ts != f.thread[0].TS && ts != f.thread[2].TS) {
		return nil, errors.New("thread_not_found")
	}
	return f.thread, nil
}

func (f *fakeSource) Message(_ context.Context, _, _, ts string) (reply.SourceMessage, error) {
	for _, m := range f.thread {
		if m.TS == ts {
			return m, nil
		}
	}
	return reply.SourceMessage{}, errors.New("message_not_found")
}

func (f *fakeSource) Permalink(_ context.Context, _, channel, ts string) (string, error) {
	return "https://chorus.slack.com/archives/" + channel + "/p" + strings.ReplaceAll(ts, ".", ""), nil
}

func (f *fakeSource) Upload(_ context.Context, channel, thread, filename, title, content string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.uploaded = append(f.uploaded, channel+" "+filename+" "+title+"\n"+content)
	return nil
}

// TestMinutesFromThread: the "save_minutes" shortcut previews a thread classified by prefix and
// reaction, and saving the (edited) preview posts minutes in the thread and creates the tasks.
func TestMinutesFromThread(t *testing.T) {
	src := &fakeSource{thread: []reply.SourceMessage{
		{User: "U0LEA", TS: "1700000000.000100", Text: "Réunion créa du 1er juin", Permalink: "https://x/p1"},
		{User: "U0SAM", TS: "1700000001.000100", ThreadTS: "1700000000.000100", Text: "on part sur du bleu nuit", Reactions: []string{"white_check_mark"}},
		{User: "U0EMM", TS: "1700000002.000100", ThreadTS: "1700000000.000100", Text: "todo: @{U0EMM} maquette newsletter vendredi"},
		{User: "U0RUI", TS: "1700000003.000100", ThreadTS: "1700000000.000100", Text: "ok pour moi", Reactions: []string{"memo"}},
		{User: "", TS: "1700000004.000100", ThreadTS: "1700000000.000100", Text: "a bot post"},
	}}
	e := newMinutesEnv(t, commands.Options{Minutes: minutes.Options{Messages: src, Files: src}})
	e.Setup(t)
	ctx := context.Background()
	e.Do(t, "lea", "/campaign lead add ete-literie U0LEA")
	req := reply.Request{Workspace: "T1", User: "U0LEA", Channel: "C0ROOM"}
	msg := &reply.MessageEvent{Workspace: "T1", Channel: "C0ROOM", User: "U0SAM", TS: "1700000002.000100", ThreadTS: "1700000000.000100"}
	r := e.Svc.Action(ctx, req, reply.Action{ActionID: reply.ActSaveMinutes, Value: msg.TS, Message: msg})
	if r.Modal == nil || r.Modal.CallbackID != reply.ModalMinutesThread {
		t.Fatalf("no preview: %+v", r)
	}
	values := map[string]string{}
	for _, in := range r.Modal.Inputs {
		values[in.ID] = in.Initial
	}
	want := "note: Réunion créa du 1er juin\ndécision: on part sur du bleu nuit\naction: @{U0EMM} maquette newsletter vendredi\nnote: ok pour moi"
	if values["lines"] != want || values["title"] != "Réunion créa du 1er juin" {
		t.Fatalf("preview = %q / %q, want\n%s", values["title"], values["lines"], want)
	}
	// A date in the past in the edited preview keeps the form open with the line named.
	bad := map[string]string{"title": "Créa", "campaign": "ete-literie", "lines": values["lines"] + "\naction: @sami story 01/05/2027"}
	r = e.Svc.Submit(ctx, req, reply.Submission{CallbackID: reply.ModalMinutesThread, PrivateMetadata: r.Modal.PrivateMetadata, Values: bad})
	if !strings.Contains(r.FieldErrors["lines"], "ligne 5") || !strings.Contains(r.FieldErrors["lines"], "déjà passée") {
		t.Fatalf("field errors = %v", r.FieldErrors)
	}
	if ms, _ := e.Store.Meetings(ctx, "T1", chorus.MeetingFilter{}); len(ms) != 0 {
		t.Fatalf("a refused form saved %+v", ms)
	}
	// The user drops the first note, adds an action without a date, and saves.
	lines := strings.Join(strings.Split(values["lines"], "\n")[1:], "\n") + "\naction: @sami visuels"
	r = e.Svc.Submit(ctx, req, reply.Submission{CallbackID: reply.ModalMinutesThread, PrivateMetadata: "C0ROOM 1700000000.000100",
		Values: map[string]string{"title": "Créa juin", "campaign": "ete-literie", "lines": lines}})
	mustSay(t, r, "Compte rendu « Créa juin » enregistré", "1 tâche(s)")
	var inThread *reply.Post
	for i, p := range r.Posts {
		if p.Channel == "C0ROOM" {
			inThread = &r.Posts[i]
		}
	}
	if inThread == nil || inThread.Thread != "1700000000.000100" {
		t.Fatalf("minutes not posted in the thread: %+v", r.Posts)
	}
	postsSay(t, []reply.Post{*inThread}, "Créa juin", "@{U0SAM}", "@{U0EMM}", "@{U0RUI}", "bleu nuit", "maquette newsletter — @{U0EMM}",
		"visuels — @{sami} — ⚠️ l'échéance", "https://chorus.slack.com/archives/C0ROOM/p1700000001000100")
	ms, err := e.Store.Meetings(ctx, "T1", chorus.MeetingFilter{})
	if err != nil || len(ms) != 1 || ms[0].Status != chorus.MeetingClosed || ms[0].ThreadTS != "1700000000.000100" {
		t.Fatalf("meetings = %+v, %v", ms, err)
	}
	ls := e.meetingLines(t, ms[0].ID)
	if len(ls) != 4 || ls[0].Author != "U0SAM" || ls[0].Kind != chorus.LineDecision || ls[3].Author != "U0LEA" {
		t.Fatalf("lines = %+v", ls)
	}
	// Completing the dated-less action after the meeting creates its task at once.
	btn := button(t, reply.ActMinutesComplete, inThread.Blocks)
	r = e.Svc.Submit(ctx, req, reply.Submission{CallbackID: reply.ModalMinutesComplete, PrivateMetadata: btn.Value,
		Values: map[string]string{"owner": "sami", "due": "demain"}})
	mustSay(t, r, "visuels", "@{sami}", "tâche ")
	if tasks, _ := e.Store.Tasks(ctx, "T1", chorus.TaskFilter{Campaign: "ete-literie"}); len(tasks) != 2 {
		t.Fatalf("tasks = %+v", tasks)
	}
	// The same from a link, as the transport hands it over, and the export as a file.
	r = e.Svc.Command(ctx, reply.Request{Workspace: "T1", User: "U0LEA", Channel: "C0ROOM", Command: "/minutes",
		Text: "thread " + reply.MessageRef("C0ROOM", "1700000000.000100")})
	if r.Modal == nil {
		t.Fatalf("no preview from a link: %+v", r)
	}
	r = e.Svc.Command(ctx, reply.Request{Workspace: "T1", User: "U0LEA", Channel: "C0ROOM", Command: "/minutes", Text: "export " + ms[0].ID})
	mustSay(t, r, "partagé dans le canal", "minutes-"+ms[0].ID+".md")
	if len(src.uploaded) != 1 || !strings.Contains(src.uploaded[0], "## Actions") || !strings.Contains(src.uploaded[0], "[message](https://chorus.slack.com/archives/C0ROOM/p1700000001000100)") {
		t.Fatalf("uploaded = %q", src.uploaded)
	}
}

// TestMinutesDecisionChangesMessage: a decision "message: …" is applied by a lead only, as a new
// version of the campaign's global message.
func TestMinutesDecisionChangesMessage(t *testing.T) {
	e := newMinutesEnv(t, commands.Options{})
	e.Setup(t)
	ctx := context.Background()
	e.in(t, "lea", "", "/campaign points ete-literie -30 % sur toute la literie ; en magasin et en ligne")
	// Copy checked against the current message, which the decision will replace.
	e.in(t, "sami", "", "/campaign submit ete-literie social -30 % sur toute la literie du 1er au 15 juillet 2027, en magasin et en ligne !")
	e.in(t, "lea", "", "/minutes start Arbitrage ete-literie")
	e.say("sami", "1800000001.000100", "", "décision: message: Du 1er au 15 juillet, -40 % sur toute la literie.")
	r := e.in(t, "lea", "", "/minutes end")
	mustSay(t, r, "nouveau message global : « Du 1er au 15 juillet, -40 % sur toute la literie. »")
	btn := button(t, reply.ActMinutesApply, r.Blocks)
	before, _ := e.Store.Campaign(ctx, "T1", "ete-literie")

	r = e.Svc.Action(ctx, reply.Request{Workspace: "T1", User: "sami"}, reply.Action{ActionID: btn.ActionID, Value: btn.Value})
	mustSay(t, r, "⚠️", "seuls les responsables")
	r = e.Svc.Action(ctx, reply.Request{Workspace: "T1", User: "lea"}, reply.Action{ActionID: btn.ActionID, Value: btn.Value})
	mustSay(t, r, "Message global de « Soldes d'été literie » remplacé", fmt.Sprintf("version %d", before.Version+1), "-40 %")
	// As with /campaign message, the copy checked against the old message is out of date and
	// its author is told.
	if len(r.Posts) != 1 || r.Posts[0].Channel != "sami" {
		t.Fatalf("posts after apply = %+v, want one to sami", r.Posts)
	}
	if subs, _ := e.Store.Submissions(ctx, "T1", chorus.SubmissionFilter{Campaign: "ete-literie"}); len(subs) != 1 || subs[0].Status != chorus.SubmissionOutOfDate {
		t.Fatalf("submissions after apply = %+v", subs)
	}
	after, _ := e.Store.Campaign(ctx, "T1", "ete-literie")
	if after.Version != before.Version+1 || after.Message != "Du 1er au 15 juillet, -40 % sur toute la literie." {
		t.Fatalf("campaign after apply = v%d %q", after.Version, after.Message)
	}
	r = e.Svc.Action(ctx, reply.Request{Workspace: "T1", User: "lea"}, reply.Action{ActionID: btn.ActionID, Value: btn.Value})
	mustSay(t, r, "déjà appliquée")
	if again, _ := e.Store.Campaign(ctx, "T1", "ete-literie"); again.Version != after.Version {
		t.Fatal("applying twice made another version")
	}
}

// TestMinutesDecisionProposesPoints: a decision that changes the offer leaves a point stating the
// old value; the lead is proposed the updated point in the same card, and once accepted, copy
// stating the new offer passes while copy stating the old one is flagged.
func TestMinutesDecisionProposesPoints(t *testing.T) {
	e := newMinutesEnv(t, commands.Options{})
	e.Setup(t)
	ctx := context.Background()
	e.in(t, "lea", "", "/campaign points ete-literie -30 % sur toute la literie ; en magasin et en ligne")
	e.in(t, "lea", "", "/minutes start Arbitrage ete-literie")
	e.say("lea", "1800000001.000100", "", "décision: message: Du 1er au 15 juillet 2027, -40 % sur toute la literie, en magasin et en ligne.")
	r := e.in(t, "lea", "", "/minutes end")
	apply := button(t, reply.ActMinutesApply, r.Blocks)
	r = e.Svc.Action(ctx, reply.Request{Workspace: "T1", User: "lea"}, reply.Action{ActionID: apply.ActionID, Value: apply.Value})
	mustSay(t, r, "1 point(s) obligatoire(s) contredisent le message global", "« -30 % sur toute la literie » dit encore « -30 % »",
		"Proposition : « -40 % sur toute la literie »")
	accept := button(t, reply.ActPointsAccept, r.Blocks)
	button(t, reply.ActPointsKeep, r.Blocks)
	camp, _ := e.Store.Campaign(ctx, "T1", "ete-literie")
	if len(camp.StalePoints) != 1 {
		t.Fatalf("stale points = %+v", camp.StalePoints)
	}
	// Until resolved: the card and the lead digest say so, and the stale point is not required.
	mustSay(t, e.in(t, "lea", "", "/campaign show ete-literie"), "⚠️", "contredisent le message global")
	r = e.in(t, "sami", "", "/campaign submit ete-literie social Du 1er au 15 juillet 2027, -40 % sur toute la literie, en magasin et en ligne !")
	if strings.Contains(r.Text, "-30 %") {
		t.Fatalf("copy stating the new offer is asked for the old one: %s", r.Text)
	}

	r = e.Svc.Action(ctx, reply.Request{Workspace: "T1", User: "sami"}, reply.Action{ActionID: accept.ActionID, Value: accept.Value})
	mustSay(t, r, "⚠️", "seuls les responsables", "changer ses points obligatoires")
	if again, _ := e.Store.Campaign(ctx, "T1", "ete-literie"); again.Version != camp.Version {
		t.Fatal("a refused click changed the campaign")
	}
	r = e.Svc.Action(ctx, reply.Request{Workspace: "T1", User: "lea"}, reply.Action{ActionID: accept.ActionID, Value: accept.Value})
	mustSay(t, r, "1 point(s) remplacé(s)")
	after, _ := e.Store.Campaign(ctx, "T1", "ete-literie")
	if len(after.StalePoints) != 0 || after.MustInclude[0] != "-40 % sur toute la literie" {
		t.Fatalf("after accept: points %q, stale %+v", after.MustInclude, after.StalePoints)
	}
	// The card outgrown by the accept is refused.
	mustSay(t, e.Svc.Action(ctx, reply.Request{Workspace: "T1", User: "lea"}, reply.Action{ActionID: accept.ActionID, Value: accept.Value}), "⚠️", "a changé depuis cette carte")

	r = e.in(t, "sami", "", "/campaign submit ete-literie social Du 1er au 15 juillet 2027, -40 % sur toute la literie, en magasin et en ligne !")
	if strings.Contains(r.Text, "⚠️") || strings.Contains(r.Text, "point obligatoire absent") {
		t.Fatalf("right copy flagged after accepting the points: %s", r.Text)
	}
	r = e.in(t, "sami", "", "/campaign submit ete-literie social Du 1er au 15 juillet 2027, -30 % sur toute la literie, en magasin et en ligne !")
	mustSay(t, r, "⚠️", "-30 % ≠ -40 %")
}

// fakeSummarizer answers as told: a text, an error, or nothing until its context ends.
type fakeSummarizer struct {
	text  string
	err   error
	block bool
	mu    sync.Mutex
	got   []string
	lang  chorus.Lang
}

func (f *fakeSummarizer) Summarize(ctx context.Context, lang chorus.Lang, transcript string) (string, error) {
	f.mu.Lock()
	f.got = append(f.got, transcript)
	f.lang = lang
	f.mu.Unlock()
	if _, ok := ctx.Deadline(); !ok {
		return "", errors.New("summarizer called without a deadline")
	}
	if f.block {
		<-ctx.Done()
		return "", ctx.Err()
	}
	return f.text, f.err
}

// TestMinutesSummary: a summary is added when the summarizer answers, and its failure, slowness
// or empty answer never blocks nor loses the minutes.
func TestMinutesSummary(t *testing.T) {
	tests := []struct {
		name string
		sum  *fakeSummarizer
		want string // in the minutes; "" for no summary
	}{
		{"success", &fakeSummarizer{text: "  On garde -30 % ; Sami prépare les visuels.  "}, "On garde -30 % ; Sami prépare les visuels."},
		{"timeout", &fakeSummarizer{block: true}, ""},
		{"error", &fakeSummarizer{err: errors.New("502 bad gateway")}, ""},
		{"empty answer", &fakeSummarizer{text: " \n "}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newMinutesEnv(t, commands.Options{Minutes: minutes.Options{Summarizer: tt.sum, SummaryTimeout: 50 * time.Millisecond}})
			e.in(t, "lea", chorus.English, "/minutes start Weekly")
			m := e.openMeeting(t)
			e.say("sami", "1800000001.000100", "", "decision: keep 30% off")
			r := e.in(t, "lea", chorus.English, "/minutes end")
			mustSay(t, r, "Meeting \"Weekly\" closed", "keep 30% off")
			stored, err := e.Store.Meeting(context.Background(), "T1", m.ID)
			if err != nil || stored.Status != chorus.MeetingClosed {
				t.Fatalf("meeting after end = %+v, %v", stored, err)
			}
			if stored.Summary != tt.want {
				t.Fatalf("stored summary = %q, want %q", stored.Summary, tt.want)
			}
			if tt.want != "" {
				mustSay(t, r, "Summary (automatic)", tt.want)
			} else if strings.Contains(r.Text+fmt.Sprint(r.Blocks), "Summary") {
				t.Fatalf("minutes show a summary: %s", r.Text)
			}
			// A timed-out summarizer may still be running: read what it got under its lock.
			tt.sum.mu.Lock()
			got, lang := append([]string(nil), tt.sum.got...), tt.sum.lang
			tt.sum.mu.Unlock()
			if len(got) != 1 || !strings.Contains(got[0], "[decision] sami: keep 30% off") || lang != chorus.English {
				t.Fatalf("summarizer got %q in %s", got, lang)
			}
		})
	}
}

// TestMinutesConsoleMemory: without a transport that reads conversations, reactions and
// threads use the messages the service saw.
func TestMinutesConsoleMemory(t *testing.T) {
	e := newMinutesEnv(t, commands.Options{})
	ctx := context.Background()
	e.say("sami", "1800000001.000000", "", "Faut-il garder le bleu ?")
	e.say("emma", "1800000002.000000", "1800000001.000000", "oui, on garde le bleu")
	e.say("rui", "1800000003.000000", "1800000001.000000", "action: @rui commander les échantillons demain")
	e.Svc.Reaction(ctx, reply.ReactionEvent{Workspace: "T1", Channel: room, User: "lea", Reaction: "white_check_mark", TS: "1800000002.000000"})
	r := e.in(t, "lea", "", "/minutes thread 1800000003.000000")
	if r.Modal == nil {
		t.Fatalf("no preview: %+v", r)
	}
	var lines string
	for _, in := range r.Modal.Inputs {
		if in.ID == "lines" {
			lines = in.Initial
		}
	}
	if lines != "note: Faut-il garder le bleu ?\ndécision: oui, on garde le bleu\naction: @rui commander les échantillons demain" {
		t.Fatalf("preview lines = %q", lines)
	}
	r = e.Svc.Submit(ctx, reply.Request{Workspace: "T1", User: "lea", Channel: room}, reply.Submission{
		CallbackID: reply.ModalMinutesThread, PrivateMetadata: r.Modal.PrivateMetadata,
		Values: map[string]string{"title": "Bleu", "lines": lines}})
	mustSay(t, r, "Compte rendu « Bleu » enregistré", "0 tâche(s)")
	postsSay(t, r.Posts, "1 action(s) ne sont liées à aucune campagne", "commander les échantillons — @{rui}")
}

// TestMinutesListCountsTheRest: a list shows the newest 20 meetings and says exactly how many
// more there are, for the workspace and for a campaign.
func TestMinutesListCountsTheRest(t *testing.T) {
	e := newEnvWith(t, commands.Options{})
	e.Setup(t)
	ctx := context.Background()
	for i := range 24 {
		m := chorus.Meeting{WorkspaceID: "T1", Channel: fmt.Sprintf("#c%02d", i), Title: fmt.Sprintf("Point %02d", i),
			Status: chorus.MeetingClosed, Lang: chorus.French, StartedBy: "lea", StartedAt: e.Clock.Now().Add(time.Duration(i) * time.Hour)}
		if i%8 != 0 { // 21 of them on the campaign
			m.Campaign = "ete-literie"
		}
		if _, err := e.Store.StartMeeting(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		line        string
		lang        chorus.Lang
		says, omits []string
	}{
		{"/minutes list", "", []string{"Point 23", "Point 04", "et 4 de plus"}, []string{"Point 03"}},
		{"/minutes list", chorus.English, []string{"Point 23", "and 4 more"}, []string{"Point 03"}},
		{"/minutes list ete-literie", "", []string{"Point 23", "Point 02", "et 1 de plus"}, []string{"Point 01", "Point 08", "Point 16"}},
	}
	for _, tt := range tests {
		t.Run(tt.line+" "+string(tt.lang), func(t *testing.T) {
			r := e.in(t, "sami", tt.lang, tt.line)
			mustSay(t, r, tt.says...)
			for _, w := range tt.omits {
				if strings.Contains(r.Text, w) {
					t.Errorf("%q lists %q:\n%s", tt.line, w, r.Text)
				}
			}
		})
	}
}
