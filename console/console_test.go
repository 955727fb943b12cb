package console_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chorus-hq/chorus/console"
	"github.com/chorus-hq/chorus/reply"
)

// recorder is a commands handler that answers from a table and remembers what it was asked.
type recorder struct {
	mu        sync.Mutex
	requests  []reply.Request
	actions   []reply.Action
	subs      []reply.Submission
	messages  []reply.MessageEvent
	reactions []reply.ReactionEvent
	reply     func(req reply.Request) reply.Reply
	submit    func(s reply.Submission) reply.Reply
}

func (r *recorder) Command(_ context.Context, req reply.Request) reply.Reply {
	r.mu.Lock()
	r.requests = append(r.requests, req)
	r.mu.Unlock()
	if r.reply != nil {
		return r.reply(req)
	}
	return reply.Reply{Text: "ok " + req.Command + " " + req.Text}
}

func (r *recorder) Action(_ context.Context, req reply.Request, a reply.Action) reply.Reply {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.actions = append(r.actions, a)
	return reply.Reply{Text: "clicked " + a.ActionID + "=" + a.Value + " by " + req.User}
}

func (r *recorder) Submit(_ context.Context, _ reply.Request, s reply.Submission) reply.Reply {
	r.mu.Lock()
	r.subs = append(r.subs, s)
	r.mu.Unlock()
	if r.submit != nil {
		return r.submit(s)
	}
	return reply.Reply{Text: "saved " + s.Values["name"]}
}

func (r *recorder) Home(context.Context, reply.Request) reply.View {
	return reply.View{Blocks: []reply.Block{{Kind: reply.Header, Text: "Home"}}}
}

func (r *recorder) Message(_ context.Context, ev reply.MessageEvent) []reply.Post {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.messages = append(r.messages, ev)
	return []reply.Post{{Channel: ev.Channel, Thread: ev.TS, Text: "seen " + ev.Text}}
}

func (r *recorder) Reaction(_ context.Context, ev reply.ReactionEvent) []reply.Post {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reactions = append(r.reactions, ev)
	return nil
}

func runScript(t testing.TB, h console.Handler, script string, opts console.Options) string {
	t.Helper()
	var out bytes.Buffer
	c := console.New(h, strings.NewReader(script), &out, opts)
	if err := c.Run(context.Background()); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return out.String()
}

func TestScriptedSession(t *testing.T) {
	rec := &recorder{}
	out := runScript(t, rec, "# a comment\n\n/campaign list\n/as bob\n/glossary lookup drive\n/as not a user!\nhello\n/quit\n/campaign never\n",
		console.Options{Workspace: "W", User: "alice", Admins: []string{"alice"}})
	for _, want := range []string{
		"alice> /campaign list\nok /campaign list\n",
		"(bob)\n",
		"bob> /glossary lookup drive\nok /glossary lookup drive\n",
		"n'est pas un nom d'utilisateur / is not a user name",
		"Type a Slack command",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "never") {
		t.Errorf("a line after /quit ran:\n%s", out)
	}
	if strings.Contains(out, "a comment") {
		t.Errorf("a script comment was echoed:\n%s", out)
	}
	if len(rec.requests) != 2 {
		t.Fatalf("requests = %+v, want 2", rec.requests)
	}
	if r := rec.requests[0]; r.Workspace != "W" || r.User != "alice" || !r.IsAdmin || r.Channel != "#general" {
		t.Errorf("first request = %+v", r)
	}
	if r := rec.requests[1]; r.User != "bob" || r.IsAdmin {
		t.Errorf("second request = %+v, want bob, not admin", r)
	}
}

func TestButtonsAreClickedByNumber(t *testing.T) {
	rec := &recorder{reply: func(reply.Request) reply.Reply {
		return reply.Reply{Blocks: []reply.Block{
			{Kind: reply.Section, Text: "Task " + reply.User("U1"), Accessory: &reply.Button{Text: "Done", ActionID: "task.done", Value: "t1"}},
			{Kind: reply.Actions, Buttons: []reply.Button{{Text: "Next", ActionID: "page", Value: "2"}}},
		}}
	}}
	out := runScript(t, rec, "/campaign task list\n2\n/click 1\n7\n", console.Options{User: "alice"})
	for _, want := range []string{"Task @U1  [1] Done\n", "  [2] Next\n", "clicked page=2 by alice", "clicked task.done=t1", "no button 7"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func campaignModal() *reply.Modal {
	return &reply.Modal{CallbackID: "campaign.create", Title: "New campaign", Submit: "Create", Inputs: []reply.Input{
		{ID: "name", Label: "Name", Kind: reply.TextInput},
		{ID: "points", Label: "Points", Kind: reply.MultilineInput, Optional: true},
		{ID: "lead", Label: "Lead", Kind: reply.UserInput, Initial: "alice"},
	}}
}

func TestModalIsFilledLineByLine(t *testing.T) {
	tries := 0
	rec := &recorder{
		reply: func(reply.Request) reply.Reply { return reply.Reply{Modal: campaignModal()} },
		submit: func(s reply.Submission) reply.Reply {
			tries++
			if tries == 1 {
				return reply.Reply{FieldErrors: map[string]string{"name": "too short"}}
			}
			return reply.Reply{Text: "saved " + s.Values["name"]}
		},
	}
	out := runScript(t, rec, "/campaign create\nx\na | b\n\nSoldes d'été\n\n@zoe\n", console.Options{User: "alice"})
	if len(rec.subs) != 2 {
		t.Fatalf("submissions = %+v, want 2", rec.subs)
	}
	first, second := rec.subs[0], rec.subs[1]
	if first.Values["points"] != "a\nb" || first.Values["lead"] != "alice" {
		t.Errorf("first submission = %+v: want points split on \" | \" and the initial lead kept", first.Values)
	}
	if second.Values["name"] != "Soldes d'été" || second.Values["lead"] != "zoe" || second.Values["points"] != "a\nb" {
		t.Errorf("second submission = %+v: want what was typed the first time kept on Enter", second.Values)
	}
	for _, want := range []string{"┌─ New campaign", "⚠️ too short", "saved Soldes d'été"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestCommandTypedInPlaceOfAFieldClosesTheModal(t *testing.T) {
	rec := &recorder{reply: func(req reply.Request) reply.Reply {
		if req.Text == "create" {
			return reply.Reply{Modal: campaignModal()}
		}
		return reply.Reply{Text: "ok " + req.Text}
	}}
	out := runScript(t, rec, "/campaign create\n/campaign list\n", console.Options{User: "alice"})
	if len(rec.subs) != 0 {
		t.Errorf("the modal was submitted: %+v", rec.subs)
	}
	if !strings.Contains(out, "(annulé / cancelled)") || !strings.Contains(out, "ok list") {
		t.Errorf("want the modal cancelled and the command run:\n%s", out)
	}
	out = runScript(t, rec, "/campaign create\n/cancel\n", console.Options{User: "alice"})
	if !strings.Contains(out, "(annulé / cancelled)") || len(rec.subs) != 0 {
		t.Errorf("/cancel did not cancel:\n%s", out)
	}
}

func TestConversationEvents(t *testing.T) {
	rec := &recorder{}
	out := runScript(t, rec, "/in #social\n/say -25 % sur la literie\n/as bob\n/reply 1800000001.000000 action: visuels\n/react memo 1800000001.000000\n/edit 1800000001.000000 -30 % sur la literie\n/delete 1800000002.000000\n/edit 1800000001.000000\n/in social\n",
		console.Options{Workspace: "W", User: "alice"})
	if len(rec.messages) != 4 {
		t.Fatalf("messages = %+v, want say, reply, edit, delete", rec.messages)
	}
	say, reply, edit, del := rec.messages[0], rec.messages[1], rec.messages[2], rec.messages[3]
	if say.Channel != "#social" || say.User != "alice" || say.TS != "1800000001.000000" || say.Text != "-25 % sur la literie" {
		t.Errorf("say = %+v", say)
	}
	if reply.ThreadTS != say.TS || reply.User != "bob" || reply.Text != "action: visuels" || reply.TS == say.TS {
		t.Errorf("reply = %+v", reply)
	}
	// An edit or a deletion keeps the message's author, whoever the console acts as.
	if !edit.Edited || edit.User != "alice" || edit.Text != "-30 % sur la literie" {
		t.Errorf("edit = %+v", edit)
	}
	if !del.Deleted || del.User != "bob" || del.TS != reply.TS {
		t.Errorf("delete = %+v", del)
	}
	if len(rec.reactions) != 1 || rec.reactions[0].Reaction != "memo" || rec.reactions[0].ItemUser != "alice" || rec.reactions[0].User != "bob" {
		t.Errorf("reactions = %+v", rec.reactions)
	}
	for _, want := range []string{"(ts 1800000001.000000)", "→ #social\n  seen -25 % sur la literie", "⚠️ /in #channel"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestRender(t *testing.T) {
	text, buttons := console.Render([]reply.Block{
		{Kind: reply.Header, Text: "Campagne"},
		{Kind: reply.Section, Text: "Owner " + reply.User("U1") + " in " + reply.Channel("C1"), Fields: []string{"*A*\n1", "*B*"}},
		{Kind: reply.Divider},
		{Kind: reply.Context, Text: "v2"},
		{Kind: reply.Actions, Buttons: []reply.Button{{Text: "Voir", ActionID: "a"}, {Text: "Suivant", ActionID: "b"}}},
	}, "fallback")
	want := "━━ Campagne ━━\nOwner @U1 in #C1\n  *A* 1\n  *B*\n────────\n  · v2\n  [1] Voir  [2] Suivant\n"
	if text != want {
		t.Errorf("Render =\n%q\nwant\n%q", text, want)
	}
	if len(buttons) != 2 || buttons[1].ActionID != "b" {
		t.Errorf("buttons = %+v", buttons)
	}
	if text, _ := console.Render(nil, "just "+reply.User("U2")); text != "just @U2\n" {
		t.Errorf("fallback render = %q", text)
	}
}

// TestPicturesAreSaved: a picture in a reply is written to a file whose path is printed, with
// what it shows in words.
func TestPicturesAreSaved(t *testing.T) {
	dir := t.TempDir()
	png := []byte("\x89PNG\r\n\x1a\nnot really")
	rec := &recorder{reply: func(reply.Request) reply.Reply {
		return reply.Reply{Blocks: []reply.Block{
			{Kind: reply.Header, Text: "Calendrier"},
			{Kind: reply.Picture, Image: &reply.Image{Name: "../cal.png", Title: "Juillet", Alt: "3 campagnes", PNG: png}},
		}}
	}}
	out := runScript(t, rec, "/campaign calendar\n", console.Options{Workspace: "W", PictureDir: dir})
	path := filepath.Join(dir, "cal.png")
	b, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(b, png) {
		t.Fatalf("picture file = %q, %v", b, err)
	}
	for _, want := range []string{"━━ Calendrier ━━", "🖼️ Juillet → " + path, "· 3 campagnes"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
