package bot

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/chorus-hq/chorus/i18n"
	"github.com/chorus-hq/chorus/reply"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// golden compares v, as indented JSON, with testdata/name; -update rewrites the file.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep Slack's <@U123> entities readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	got := buf.Bytes()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; got:\n%s", name, got)
	}
}

func campaignCard() reply.Reply {
	return reply.Reply{
		Text: "Campagne *printemps-2026* : 3 canaux, 2 tâches ouvertes",
		Blocks: []reply.Block{
			{Kind: reply.Header, Text: "🌷 Printemps 2026 — lancement"},
			{Kind: reply.Section, Text: "*Message global*\nNouvelle collection disponible le <!date^1772442000^{date}|2 mars>. Merci <@U024BE7LH> !",
				Accessory: &reply.Button{Text: "Modifier", ActionID: "campaign.edit", Value: "printemps-2026"}},
			{Kind: reply.Section, Fields: []string{"*Statut*\nEn cours", "*Responsable*\n<@U024BE7LH>", "*Canaux*\n<#C111> <#C222> <#C333>", "*Échéance*\n15/03/2026"}},
			{Kind: reply.Divider},
			{Kind: reply.Context, Text: "Fuseau Europe/Paris · mis à jour par <@U0G9QF9C6>"},
			{Kind: reply.Actions, Buttons: []reply.Button{
				{Text: "Approuver", ActionID: "campaign.approve", Value: "printemps-2026", Style: "primary"},
				{Text: "Tâches", ActionID: "tasks.page", Value: "1"},
				{Text: "Tâches suivantes", ActionID: "tasks.page", Value: "2"},
				{Text: "Archiver", ActionID: "campaign.archive", Value: "printemps-2026", Style: "danger"},
			}},
		},
		Visibility: reply.InChannel,
	}
}

func campaignModal() reply.Modal {
	return reply.Modal{
		CallbackID:      "campaign.create",
		Title:           "Nouvelle campagne de printemps", // 30 characters: cut to 24
		Submit:          "Créer",
		Close:           "Annuler",
		PrivateMetadata: "ws=T111",
		Intro:           "Décrivez la campagne. Le *message global* sera relu par les responsables.",
		Inputs: []reply.Input{
			{ID: "slug", Label: "Identifiant", Kind: reply.TextInput, Placeholder: "printemps-2026", MaxLength: 40},
			{ID: "message", Label: "Message global", Kind: reply.MultilineInput, Initial: "Bonjour à tous"},
			{ID: "due", Label: "Échéance", Kind: reply.DateInput, Initial: "2026-03-15"},
			{ID: "lead", Label: "Responsable", Kind: reply.UserInput, Initial: "U024BE7LH"},
			{ID: "reviewers", Label: "Relecteurs", Kind: reply.UsersInput, InitialList: []string{"U1", "U2"}, Optional: true},
			{ID: "channel", Label: "Canal", Kind: reply.ChannelInput},
			{ID: "lang", Label: "Langue", Kind: reply.SelectInput, Initial: "en", Options: []reply.Option{{Text: "Français", Value: "fr"}, {Text: "English", Value: "en"}}},
		},
	}
}

func TestRenderGolden(t *testing.T) {
	t.Run("campaign card", func(t *testing.T) {
		text, blocks := RenderMessage(campaignCard().Text, campaignCard().Blocks)
		golden(t, "campaign_card.json", map[string]any{"text": text, "blocks": blocks})
	})
	t.Run("modal", func(t *testing.T) {
		v, err := renderModal(campaignModal(), "C111")
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "campaign_modal.json", v)
	})
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		n    int
		want string
	}{
		{"fits", "bonjour", 7, "bonjour"},
		{"ascii", "bonjour", 5, "bonj…"},
		{"accents are one unit", "éééééé", 4, "ééé…"},
		{"emoji take two units", "😀😀😀", 4, "😀…"},
		{"no half emoji", "a😀😀", 3, "a…"},
		{"entity not cut", "hello <@U024BE7LH> there", 14, "hello…"},
		{"closed entity kept", "hi <@U1> and more text", 12, "hi <@U1> an…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := truncate(tt.in, tt.n)
			if got != tt.want {
				t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
			if utf16Len(got) > tt.n {
				t.Errorf("truncate(%q, %d) is %d units long", tt.in, tt.n, utf16Len(got))
			}
		})
	}
}

// blockJSON is the subset of Block Kit JSON the limit checks read.
type blockJSON struct {
	Type      string            `json:"type"`
	Text      *textJSON         `json:"text"`
	Fields    []textJSON        `json:"fields"`
	Elements  []json.RawMessage `json:"elements"`
	Accessory *elemJSON         `json:"accessory"`
	Label     *textJSON         `json:"label"`
	Element   *elemJSON         `json:"element"`
}

type textJSON struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type elemJSON struct {
	Type     string    `json:"type"`
	Text     *textJSON `json:"text"`
	ActionID string    `json:"action_id"`
	Value    string    `json:"value"`
}

// checkLimits fails t for anything in blocks that Slack would reject for size or emptiness.
func checkLimits(t *testing.T, blocks []slack.Block, maxBlocks int) {
	t.Helper()
	raw, err := json.Marshal(blocks)
	if err != nil {
		t.Fatal(err)
	}
	var bs []blockJSON
	if err := json.Unmarshal(raw, &bs); err != nil {
		t.Fatal(err)
	}
	if len(bs) > maxBlocks {
		t.Errorf("%d blocks, limit %d", len(bs), maxBlocks)
	}
	for i, b := range bs {
		switch b.Type {
		case "header":
			if b.Text == nil || blank(b.Text.Text) || utf16Len(b.Text.Text) > maxHeaderText || b.Text.Type != "plain_text" {
				t.Errorf("block %d: bad header %+v", i, b.Text)
			}
		case "section":
			if (b.Text == nil || blank(b.Text.Text)) && len(b.Fields) == 0 {
				t.Errorf("block %d: empty section", i)
			}
			if b.Text != nil && utf16Len(b.Text.Text) > maxSectionText {
				t.Errorf("block %d: section text %d long", i, utf16Len(b.Text.Text))
			}
			if len(b.Fields) > maxFields {
				t.Errorf("block %d: %d fields", i, len(b.Fields))
			}
			for _, f := range b.Fields {
				if utf16Len(f.Text) > maxFieldText {
					t.Errorf("block %d: field %d long", i, utf16Len(f.Text))
				}
			}
		case "actions":
			if len(b.Elements) == 0 || len(b.Elements) > maxActionElements {
				t.Errorf("block %d: %d action elements", i, len(b.Elements))
			}
			seen := map[string]bool{}
			for _, raw := range b.Elements {
				var e elemJSON
				if err := json.Unmarshal(raw, &e); err != nil {
					t.Fatal(err)
				}
				if e.Text == nil || blank(e.Text.Text) || utf16Len(e.Text.Text) > maxButtonText {
					t.Errorf("block %d: bad button text %+v", i, e.Text)
				}
				if seen[e.ActionID] {
					t.Errorf("block %d: action_id %q repeated", i, e.ActionID)
				}
				seen[e.ActionID] = true
			}
		case "context":
			if len(b.Elements) == 0 || len(b.Elements) > 10 {
				t.Errorf("block %d: %d context elements", i, len(b.Elements))
			}
			for _, raw := range b.Elements {
				var e textJSON
				if err := json.Unmarshal(raw, &e); err != nil {
					t.Fatal(err)
				}
				if blank(e.Text) || utf16Len(e.Text) > maxContextText {
					t.Errorf("block %d: context text %d long", i, utf16Len(e.Text))
				}
			}
		}
	}
}

func TestRenderLimits(t *testing.T) {
	long := strings.Repeat("é", 5000)
	many := func(n int, b reply.Block) []reply.Block {
		out := make([]reply.Block, n)
		for i := range out {
			out[i] = b
		}
		return out
	}
	buttons := func(n int) []reply.Button {
		out := make([]reply.Button, n)
		for i := range out {
			out[i] = reply.Button{Text: strings.Repeat("b", 100), ActionID: "task.done", Value: "t"}
		}
		return out
	}
	fields := make([]string, 23)
	for i := range fields {
		fields[i] = long
	}
	tests := []struct {
		name       string
		blocks     []reply.Block
		wantBlocks int
	}{
		{"60 sections cut to 50 with an ellipsis", many(60, reply.Block{Kind: reply.Section, Text: "x"}), 50},
		{"long texts", []reply.Block{{Kind: reply.Header, Text: long}, {Kind: reply.Section, Text: long}, {Kind: reply.Context, Text: long}}, 3},
		{"30 buttons make two actions blocks", []reply.Block{{Kind: reply.Actions, Buttons: buttons(30)}}, 2},
		{"23 fields make three sections", []reply.Block{{Kind: reply.Section, Text: "t", Fields: fields}}, 3},
		{"empty blocks are dropped", []reply.Block{{Kind: reply.Header}, {Kind: reply.Section, Text: "  "}, {Kind: reply.Actions}, {Kind: reply.Context}}, 0},
		{"accessory alone gets a text", []reply.Block{{Kind: reply.Section, Accessory: &reply.Button{Text: "Go", ActionID: "go"}}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RenderBlocks(tt.blocks, maxMessageBlocks)
			if len(got) != tt.wantBlocks {
				t.Errorf("%d blocks, want %d", len(got), tt.wantBlocks)
			}
			checkLimits(t, got, maxMessageBlocks)
		})
	}
	t.Run("home view keeps 100 blocks", func(t *testing.T) {
		v := RenderHome(reply.View{Blocks: many(150, reply.Block{Kind: reply.Divider})})
		if n := len(v.Blocks.BlockSet); n != maxViewBlocks {
			t.Errorf("%d blocks, want %d", n, maxViewBlocks)
		}
	})
	t.Run("message text", func(t *testing.T) {
		text, _ := RenderMessage(strings.Repeat("a", 50000), nil)
		if utf16Len(text) != maxMessageText {
			t.Errorf("text is %d long, want %d", utf16Len(text), maxMessageText)
		}
		text, _ = RenderMessage("", []reply.Block{{Kind: reply.Divider}, {Kind: reply.Section, Text: "fallback"}})
		if text != "fallback" {
			t.Errorf("fallback text = %q", text)
		}
	})
	t.Run("modal", func(t *testing.T) {
		m := campaignModal()
		m.Title, m.Submit = strings.Repeat("T", 40), ""
		m.Inputs[0].Placeholder = long
		v, err := RenderModal(m)
		if err != nil {
			t.Fatal(err)
		}
		ph := v.Blocks.BlockSet[1].(*slack.InputBlock).Element.(*slack.PlainTextInputBlockElement).Placeholder.Text
		if utf16Len(v.Title.Text) != maxViewTitle || v.Submit == nil || utf16Len(ph) != maxPlaceholder {
			t.Errorf("title %q, submit %v, placeholder %d long", v.Title.Text, v.Submit, utf16Len(ph))
		}
		m.PrivateMetadata = strings.Repeat("m", 3001)
		if _, err := RenderModal(m); err == nil {
			t.Error("a 3001-character private_metadata was accepted")
		}
	})
}

func TestActionIDsRoundTrip(t *testing.T) {
	bs := RenderBlocks([]reply.Block{{Kind: reply.Actions, Buttons: []reply.Button{
		{Text: "1", ActionID: "tasks.page", Value: "1"},
		{Text: "2", ActionID: "tasks.page", Value: "2"},
		{Text: "3", ActionID: "a|b", Value: "3"},
	}}}, maxMessageBlocks)
	ab := bs[0].(*slack.ActionBlock)
	var ids []string
	for _, e := range ab.Elements.ElementSet {
		id := e.(*slack.ButtonBlockElement).ActionID
		ids = append(ids, id)
	}
	if ids[0] == ids[1] {
		t.Fatalf("repeated action ids: %v", ids)
	}
	for i, want := range []string{"tasks.page", "tasks.page", "a|b"} {
		if got := decodeActionID(ids[i]); got != want {
			t.Errorf("decodeActionID(%q) = %q, want %q", ids[i], got, want)
		}
	}
}

func TestDecodeSubmission(t *testing.T) {
	v, err := renderModal(campaignModal(), "C111")
	if err != nil {
		t.Fatal(err)
	}
	state := &slack.ViewState{Values: map[string]map[string]slack.BlockAction{
		"slug":      {"slug": {Type: "plain_text_input", Value: "printemps"}},
		"due":       {"due": {Type: "datepicker", SelectedDate: "2026-03-15"}},
		"lead":      {"lead": {Type: "users_select", SelectedUser: "U9"}},
		"reviewers": {"reviewers": {Type: "multi_users_select", SelectedUsers: []string{"U1", "U2"}}},
		"channel":   {"channel": {Type: "conversations_select", SelectedConversation: "C7"}},
		"lang":      {"lang": {Type: "static_select", SelectedOption: slack.OptionBlockObject{Value: "fr"}}},
	}}
	sub, channel := decodeSubmission(slack.View{CallbackID: v.CallbackID, PrivateMetadata: v.PrivateMetadata, State: state})
	if channel != "C111" || sub.PrivateMetadata != "ws=T111" || sub.CallbackID != "campaign.create" {
		t.Errorf("channel %q, submission %+v", channel, sub)
	}
	want := map[string]string{"slug": "printemps", "due": "2026-03-15", "lead": "U9", "reviewers": "U1,U2", "channel": "C7", "lang": "fr"}
	for k, w := range want {
		if sub.Values[k] != w {
			t.Errorf("value %s = %q, want %q", k, sub.Values[k], w)
		}
	}
	plain, _ := decodeSubmission(slack.View{PrivateMetadata: `{"other":1}`})
	if plain.PrivateMetadata != `{"other":1}` {
		t.Errorf("foreign metadata altered: %q", plain.PrivateMetadata)
	}
}

func TestCatalogComplete(t *testing.T) {
	i18n.CheckComplete(t, i18n.MustLoad(localeFS, "locales"))
}
