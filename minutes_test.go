package chorus_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
)

func TestParsePrefix(t *testing.T) {
	tests := []struct {
		in   string
		kind chorus.LineKind
		text string
		ok   bool
	}{
		{"note: le stock arrive lundi", chorus.LineNote, "le stock arrive lundi", true},
		{"Décision : on garde -30 %", chorus.LineDecision, "on garde -30 %", true},
		{"DECISION: keep the offer", chorus.LineDecision, "keep the offer", true},
		{"*décision* : gras", chorus.LineDecision, "gras", true},
		{"action: <@U123> brief vendredi", chorus.LineAction, "<@U123> brief vendredi", true},
		{"todo: send it", chorus.LineAction, "send it", true},
		{"À faire : relancer", chorus.LineAction, "relancer", true},
		{"note: first\nsecond line", chorus.LineNote, "first\nsecond line", true},
		{"action:   ", chorus.LineAction, "", false},
		{"Bonjour à tous", "", "", false},
		{"https://example.com", "", "", false},
		{"Remarque importante: rien", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			kind, text, ok := chorus.ParsePrefix(tt.in)
			if kind != tt.kind || text != tt.text || ok != tt.ok {
				t.Fatalf("ParsePrefix(%q) = %q, %q, %v; want %q, %q, %v", tt.in, kind, text, ok, tt.kind, tt.text, tt.ok)
			}
		})
	}
}

func TestReactionKind(t *testing.T) {
	for emoji, want := range map[string]chorus.LineKind{
		"memo": chorus.LineNote, "white_check_mark": chorus.LineDecision, ":point_right:": chorus.LineAction,
		"point_right::skin-tone-3": chorus.LineAction, "thumbsup": "",
	} {
		got, ok := chorus.ReactionKind(emoji)
		if got != want || ok != (want != "") {
			t.Errorf("ReactionKind(%q) = %q, %v; want %q", emoji, got, ok, want)
		}
	}
}

func TestParseMessageChange(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"message: -40 % sur la literie", "-40 % sur la literie", true},
		{"Nouveau message global : Dormez mieux", "Dormez mieux", true},
		{"new global message: Sleep better", "Sleep better", true},
		{"message:", "message:", false},
		{"on garde le message", "on garde le message", false},
	}
	for _, tt := range tests {
		got, ok := chorus.ParseMessageChange(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseMessageChange(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseAction(t *testing.T) {
	paris := chorus.LoadLocation("Europe/Paris")
	now := time.Date(2027, 6, 1, 11, 0, 0, 0, paris) // a Tuesday
	at := func(m time.Month, d, h int) time.Time { return time.Date(2027, m, d, h, 0, 0, 0, paris) }
	tests := []struct {
		in    string
		title string
		owner string
		due   time.Time
		code  string
	}{
		{"@{U0SAMI} visuels stories pour vendredi", "visuels stories", "U0SAMI", at(6, 4, 18), ""},
		{"@emma newsletter by next tuesday 9am", "newsletter", "emma", at(6, 8, 9), ""},
		{"PLV magasins @rui 15/06 17h", "PLV magasins", "rui", at(6, 15, 17), ""},
		{"@{U0RUI} Check stock", "Check stock", "U0RUI", time.Time{}, ""},
		{"Relire la charte demain", "Relire la charte", "", at(6, 2, 18), ""},
		{"Brief agence", "Brief agence", "", time.Time{}, ""},
		{"@sami story 01/05/2027", "", "", time.Time{}, "when.past"},
		{"@sami vendredi", "", "", time.Time{}, "minutes.action.no_text"},
		{"write to bob@example.com", "write to bob@example.com", "", time.Time{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			a, err := chorus.ParseAction(tt.in, paris, now)
			if tt.code != "" {
				var e *chorus.Error
				if !errors.As(err, &e) || e.Code != tt.code || !errors.Is(err, chorus.ErrInvalid) {
					t.Fatalf("ParseAction(%q) error = %v, want %s", tt.in, err, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.Title != tt.title || a.Owner != tt.owner || !a.Due.Equal(tt.due) {
				t.Fatalf("ParseAction(%q) = %+v; want %q %q %v", tt.in, a, tt.title, tt.owner, tt.due)
			}
		})
	}
}

func TestMeetingAndLineValidate(t *testing.T) {
	good := chorus.Meeting{WorkspaceID: "T1", ID: "abcdef", Channel: "C0123", Title: "Point", Status: chorus.MeetingOpen,
		Lang: chorus.French, StartedBy: "U0LEA"}
	if err := good.Validate(); err != nil {
		t.Fatalf("valid meeting: %v", err)
	}
	bad := good
	bad.Title, bad.Channel, bad.Campaign, bad.Status, bad.Lang, bad.StartedBy = " ", "general", "BAD!", "paused", "de", "not a user"
	if got := codes(bad.Validate()); got != "text.empty channel.id.invalid campaign.slug.syntax minutes.status.invalid lang.invalid user.invalid" {
		t.Fatalf("meeting problems = %s", got)
	}
	l := chorus.Line{WorkspaceID: "T1", MeetingID: "abcdef", TS: "1700000000.000100", Kind: chorus.LineAction, Text: "Brief", Author: "U0LEA"}
	if err := l.Validate(); err != nil {
		t.Fatalf("valid line: %v", err)
	}
	if m := l.Missing(); strings.Join(m, ",") != "owner,due" {
		t.Fatalf("missing = %v", m)
	}
	badLine := l
	badLine.Kind, badLine.Text, badLine.Author, badLine.TS, badLine.ChangesMessage = "idea", "", "?", "a:b", true
	if got := codes(badLine.Validate()); got != "minutes.kind.invalid text.empty user.invalid minutes.ts.invalid minutes.message_change.not_decision text.empty" {
		t.Fatalf("line problems = %s", got)
	}
	deleted := l
	deleted.Text, deleted.Deleted = "", true
	if err := deleted.Validate(); err != nil {
		t.Fatalf("a deleted line needs no text: %v", err)
	}
	if m, ts, ok := chorus.SplitLineKey(l.Key()); !ok || m != "abcdef" || ts != l.TS {
		t.Fatalf("SplitLineKey(%q) = %q %q %v", l.Key(), m, ts, ok)
	}
	if !chorus.ValidMeetingID("q3x7mz") || chorus.ValidMeetingID("Q3X7MZ") || chorus.ValidMeetingID("ab") {
		t.Fatal("ValidMeetingID")
	}
}

func codes(err error) string {
	var out []string
	for _, p := range chorus.ProblemsOf(err) {
		out = append(out, p.Code)
	}
	return strings.Join(out, " ")
}
