package commands_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/reply"
)

// everything is what the workspace T1 holds, in every kind a command writes: heads, minutes,
// copy, the audit trail (which every write adds to), the settings and lea's language.
func (e *env) everything(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	meetings, err := e.Store.Meetings(ctx, "T1", chorus.MeetingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	subs, err := e.Store.Submissions(ctx, "T1", chorus.SubmissionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	audit, err := e.Store.Audit(ctx, "T1", "")
	if err != nil {
		t.Fatal(err)
	}
	ws, _ := e.Store.Workspace(ctx, "T1")
	lang, _ := e.Store.UserLang(ctx, "T1", "lea")
	b, err := json.Marshal([]any{e.Snapshot(t), meetings, subs, audit, ws, lang})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestReads checks which commands the router calls reads, and that each one it calls so
// changes nothing in the store: its answer travels in the acknowledgement with no inbox item,
// so a write it made would be made outside the crash-safe path.
func TestReads(t *testing.T) {
	e := newEnv(t)
	e.Setup(t)
	for _, line := range []string{
		`/campaign task add ete-literie social "Affiches" @sami 2027-06-20`,
		`/glossary define DouceNuit "Notre matelas"`,
		`/minutes start Point hebdo`,
		`/minutes note On garde -30 %`,
		`/minutes end`,
		`/campaign submit ete-literie social Du 1er au 15 juillet, -30 % sur la literie.`,
	} {
		cmd, text, _ := cutLine(line)
		r := e.Svc.Command(context.Background(), reply.Request{Workspace: "T1", User: "lea", Channel: "#reunion", Command: cmd, Text: text})
		if strings.Contains(r.Text, "⚠️") {
			t.Fatalf("%s: %s", line, r.Text)
		}
	}
	tests := []struct {
		line  string
		reads bool
	}{
		{"/campaign", true},
		{"/campaign help", true},
		{"/campagne aide", true},
		{"/campaign list", true},
		{"/campaign list archived", true},
		{"/campaign show ete-literie", true},
		{"/campaign show nope", true},
		{"/campaign history ete-literie", true},
		{"/campaign audit ete-literie", true},
		{"/campaign task list", true},
		{"/campaign task list ete-literie", true},
		{"/campaign submissions ete-literie", true},
		{"/campaign frobnicate", true},
		{"/glossary", true},
		{"/glossary lookup matelas", true},
		{"/glossary list", true},
		{"/glossary history DouceNuit lang:fr", true},
		{"/minutes", true},
		{"/minutes list", true},
		{"/minutes search hebdo", true},
		{"/chorus", true},
		{"/chorus settings", true},
		{"/nope", true},
		{`/campaign show "unterminated`, true},

		{"/campaign create x \"X\" 2027-07-01 2027-07-15", false},
		{"/campaign message ete-literie Autre chose", false},
		{"/campaign close ete-literie", false},
		{"/campaign task done ete-literie-1", false},
		{"/campaign task add ete-literie", false},
		{"/campaign submit ete-literie social Texte", false},
		{"/campaign reminders", false},
		{"/campaign calendar", false},
		{"/glossary define X Y", false},
		{"/glossary lookup lang:en", true},
		{"/minutes start X", false},
		{"/minutes export 1", false},
		{"/chorus lang en", false},
		{"/chorus settings timezone Europe/Brussels", false},
		{"/chorus digest", false},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			cmd, text, _ := cutLine(tt.line)
			req := reply.Request{Workspace: "T1", User: "lea", Command: cmd, Text: text}
			if got := e.Svc.Reads(req); got != tt.reads {
				t.Fatalf("Reads = %v, want %v", got, tt.reads)
			}
			if !tt.reads {
				return
			}
			before := e.everything(t)
			r := e.Do(t, "lea", tt.line)
			if r.Modal != nil || len(r.Posts) > 0 {
				t.Errorf("a read answered with a modal or posts: %+v", r)
			}
			if after := e.everything(t); after != before {
				t.Errorf("a read changed the store:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
	// The check above can fail: a write changes what it compares.
	before := e.everything(t)
	e.Do(t, "lea", "/campaign task done "+e.Task(t, "ete-literie", "Affiches").ID)
	if e.everything(t) == before {
		t.Fatal("a write left the compared state unchanged: the check cannot see writes")
	}
}

func cutLine(line string) (cmd, text string, ok bool) {
	for i := range line {
		if line[i] == ' ' {
			return line[:i], line[i+1:], true
		}
	}
	return line, "", false
}
