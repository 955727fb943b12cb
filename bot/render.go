package bot

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/chorus-hq/chorus/reply"
	"github.com/slack-go/slack"
)

// Slack's Block Kit limits (see ../shared/slack/rules.md, section 6). Lengths are counted in
// UTF-16 code units, as Slack's JavaScript does, which is never less than the rune count.
const (
	maxMessageBlocks  = 50
	maxViewBlocks     = 100
	maxMessageText    = 40000
	maxSectionText    = 3000
	maxFieldText      = 2000
	maxFields         = 10
	maxHeaderText     = 150
	maxContextText    = 3000
	maxImageText      = 2000 // an image block's alt text and title
	maxActionElements = 25
	maxButtonText     = 75
	maxButtonValue    = 2000
	maxActionID       = 255
	maxViewTitle      = 24
	maxViewButton     = 24
	maxCallbackID     = 255
	maxPrivateMeta    = 3000
	maxInputLabel     = 2000
	maxPlaceholder    = 150
	maxInputText      = 3000
	maxOptions        = 100
	maxOptionText     = 75
	maxOptionValue    = 150
)

// ellipsis marks text that was cut to fit a limit.
const ellipsis = "…"

// truncate cuts s to at most n UTF-16 code units, ending it with an ellipsis when it was cut. It
// never splits a rune, and it does not leave half of a Slack entity such as <@U123> or <url|label>
// behind, since a dangling "<" would show as garbage.
func truncate(s string, n int) string {
	if utf16Len(s) <= n {
		return s
	}
	budget := n - 1 // the ellipsis is one code unit
	used, cut := 0, 0
	for i, r := range s {
		w := utf16.RuneLen(r)
		if w < 0 {
			w = 1
		}
		if used+w > budget {
			break
		}
		used += w
		cut = i + len(string(r))
	}
	head := s[:cut]
	if lt := strings.LastIndexByte(head, '<'); lt >= 0 && strings.IndexByte(head[lt:], '>') < 0 {
		head = head[:lt]
	}
	return strings.TrimRight(head, " \t\n") + ellipsis
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if w := utf16.RuneLen(r); w > 0 {
			n += w
		} else {
			n++
		}
	}
	return n
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

func mrkdwn(s string, limit int) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, truncate(toSlack(s), limit), false, false)
}

func plain(s string, limit int) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, truncate(toSlack(s), limit), true, false)
}

// RenderMessage renders a message's fallback text and blocks, within the limits of one message.
// When text is empty the first block's text stands in, because Slack shows the text in
// notifications and screen readers.
func RenderMessage(text string, blocks []reply.Block) (string, []slack.Block) {
	bs := RenderBlocks(blocks, maxMessageBlocks)
	if blank(text) {
		for _, b := range blocks {
			if !blank(b.Text) {
				text = b.Text
				break
			}
		}
	}
	return truncate(toSlack(text), maxMessageText), bs
}

// RenderBlocks renders blocks as Block Kit, with at most limit blocks: a longer list is cut and
// ends with a context block holding an ellipsis. Blocks Slack would reject for being empty (a
// section without text or fields, a header without text, actions without buttons) are left out;
// fields beyond 10 and buttons beyond 25 continue in further blocks.
func RenderBlocks(blocks []reply.Block, limit int) []slack.Block {
	var out []slack.Block
	for _, b := range blocks {
		out = append(out, renderBlock(b)...)
	}
	if limit > 0 && len(out) > limit {
		out = append(out[:limit-1], slack.NewContextBlock("", mrkdwn(ellipsis, maxContextText)))
	}
	return out
}

func renderBlock(b reply.Block) []slack.Block {
	switch b.Kind {
	case reply.Header:
		if blank(b.Text) {
			return nil
		}
		return []slack.Block{slack.NewHeaderBlock(plain(b.Text, maxHeaderText))}
	case reply.Divider:
		return []slack.Block{slack.NewDividerBlock()}
	case reply.Context:
		if blank(b.Text) {
			return nil
		}
		return []slack.Block{slack.NewContextBlock("", mrkdwn(b.Text, maxContextText))}
	case reply.Actions:
		return renderActions(b.Buttons)
	case reply.Picture:
		return renderPicture(b.Image)
	default: // Section, and any kind this package does not know yet
		return renderSection(b)
	}
}

// renderPicture shows an uploaded picture (Client.withPictures gave it its file id) as an image
// block; a picture Slack does not hold is said in words.
func renderPicture(img *reply.Image) []slack.Block {
	switch {
	case img == nil:
		return nil
	case img.Ref == "":
		return []slack.Block{slack.NewContextBlock("", mrkdwn("🖼️ "+toSlack(img.Alt), maxContextText))}
	}
	var title *slack.TextBlockObject
	if !blank(img.Title) {
		title = plain(img.Title, maxImageText)
	}
	return []slack.Block{slack.NewImageBlockSlackFile(&slack.SlackFileObject{ID: img.Ref}, truncate(img.Alt, maxImageText), "", title)}
}

func renderSection(b reply.Block) []slack.Block {
	var fields []*slack.TextBlockObject
	for _, f := range b.Fields {
		if !blank(f) {
			fields = append(fields, mrkdwn(f, maxFieldText))
		}
	}
	var text *slack.TextBlockObject
	if !blank(b.Text) {
		text = mrkdwn(b.Text, maxSectionText)
	}
	var acc *slack.Accessory
	if b.Accessory != nil {
		acc = slack.NewAccessory(renderButton(*b.Accessory, b.Accessory.ActionID))
	}
	if text == nil && len(fields) == 0 {
		if acc == nil {
			return nil
		}
		// A section needs text or fields; an accessory alone is kept with a neutral text.
		text = mrkdwn(ellipsis, maxSectionText)
	}
	var out []slack.Block
	for first := true; first || len(fields) > 0; first = false {
		n := min(len(fields), maxFields)
		s := slack.NewSectionBlock(nil, fields[:n:n], nil)
		if first {
			s.Text, s.Accessory = text, acc
		}
		if len(s.Fields) == 0 {
			s.Fields = nil
		}
		out = append(out, s)
		fields = fields[n:]
	}
	return out
}

func renderActions(buttons []reply.Button) []slack.Block {
	var out []slack.Block
	for start := 0; start < len(buttons); start += maxActionElements {
		chunk := buttons[start:min(start+maxActionElements, len(buttons))]
		seen := map[string]int{}
		elems := make([]slack.BlockElement, 0, len(chunk))
		for _, btn := range chunk {
			id := btn.ActionID
			// Slack wants action ids unique within a block; a repeat gets a suffix that
			// decodeActionID removes again.
			if n := seen[btn.ActionID]; n > 0 {
				id = btn.ActionID + actionIDSep + strconv.Itoa(n+1)
			}
			seen[btn.ActionID]++
			elems = append(elems, renderButton(btn, id))
		}
		out = append(out, slack.NewActionBlock("", elems...))
	}
	return out
}

// actionIDSep separates an action id from the counter that makes it unique within a block.
const actionIDSep = "|"

// decodeActionID undoes the suffix renderActions adds to repeated action ids.
func decodeActionID(id string) string {
	i := strings.LastIndex(id, actionIDSep)
	if i < 0 {
		return id
	}
	if _, err := strconv.Atoi(id[i+1:]); err != nil {
		return id
	}
	return id[:i]
}

func renderButton(b reply.Button, actionID string) *slack.ButtonBlockElement {
	text := b.Text
	if blank(text) {
		text = ellipsis
	}
	e := slack.NewButtonBlockElement(truncateID(actionID, maxActionID), truncateID(b.Value, maxButtonValue), plain(text, maxButtonText))
	switch b.Style {
	case "primary":
		e.Style = slack.StylePrimary
	case "danger":
		e.Style = slack.StyleDanger
	}
	return e
}

// truncateID cuts an identifier without an ellipsis: it is data, not prose.
func truncateID(s string, n int) string {
	if utf16Len(s) <= n {
		return s
	}
	used := 0
	for i, r := range s {
		used += max(utf16.RuneLen(r), 1)
		if used > n {
			return s[:i]
		}
	}
	return s
}

// RenderHome renders the App Home tab.
func RenderHome(v reply.View) slack.HomeTabViewRequest {
	return slack.HomeTabViewRequest{
		Type:   slack.VTHomeTab,
		Blocks: slack.Blocks{BlockSet: nonNil(RenderBlocks(v.Blocks, maxViewBlocks))},
	}
}

func nonNil(bs []slack.Block) []slack.Block {
	if bs == nil {
		return []slack.Block{}
	}
	return bs
}

// RenderModal renders a modal. It fails only when PrivateMetadata is too long to send, because
// cutting it would corrupt what commands needs back on submission.
func RenderModal(m reply.Modal) (slack.ModalViewRequest, error) {
	return renderModal(m, "")
}

// modalState is what the transport keeps in a modal's private_metadata besides commands' own
// PrivateMetadata: the channel the modal was opened from, so the submission's reply goes there.
type modalState struct {
	Version  int    `json:"chorus"`
	Channel  string `json:"ch,omitempty"`
	Metadata string `json:"pm,omitempty"`
}

const modalStatePrefix = `{"chorus":1,`

func renderModal(m reply.Modal, channel string) (slack.ModalViewRequest, error) {
	meta := m.PrivateMetadata
	if channel != "" {
		b, err := json.Marshal(modalState{Version: 1, Channel: channel, Metadata: m.PrivateMetadata})
		if err != nil {
			return slack.ModalViewRequest{}, fmt.Errorf("render modal %s: %w", m.CallbackID, err)
		}
		if len(b) <= maxPrivateMeta {
			meta = string(b)
		}
	}
	if utf16Len(meta) > maxPrivateMeta {
		return slack.ModalViewRequest{}, fmt.Errorf("render modal %s: private metadata is %d characters, Slack takes %d", m.CallbackID, utf16Len(meta), maxPrivateMeta)
	}
	var blocks []slack.Block
	if !blank(m.Intro) {
		blocks = append(blocks, renderSection(reply.Block{Kind: reply.Section, Text: m.Intro})...)
	}
	for _, in := range m.Inputs {
		blocks = append(blocks, renderInput(in))
	}
	if len(blocks) > maxViewBlocks {
		blocks = blocks[:maxViewBlocks]
	}
	title := m.Title
	if blank(title) {
		title = ellipsis
	}
	v := slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           plain(title, maxViewTitle),
		Blocks:          slack.Blocks{BlockSet: nonNil(blocks)},
		PrivateMetadata: meta,
		CallbackID:      truncateID(m.CallbackID, maxCallbackID),
	}
	if !blank(m.Close) {
		v.Close = plain(m.Close, maxViewButton)
	}
	hasInputs := len(m.Inputs) > 0
	switch {
	case !blank(m.Submit):
		v.Submit = plain(m.Submit, maxViewButton)
	case hasInputs:
		// Slack refuses a modal with inputs and no submit button.
		v.Submit = plain("OK", maxViewButton)
	}
	return v, nil
}

func renderInput(in reply.Input) slack.Block {
	id := truncateID(in.ID, maxActionID)
	var placeholder *slack.TextBlockObject
	if !blank(in.Placeholder) {
		placeholder = plain(in.Placeholder, maxPlaceholder)
	}
	label := in.Label
	if blank(label) {
		label = in.ID
	}
	var el slack.BlockElement
	switch in.Kind {
	case reply.DateInput:
		d := slack.NewDatePickerBlockElement(id)
		d.Placeholder = placeholder
		if _, err := time.Parse(time.DateOnly, in.Initial); err == nil {
			d.InitialDate = in.Initial
		}
		el = d
	case reply.UserInput:
		s := slack.NewOptionsSelectBlockElement(slack.OptTypeUser, placeholder, id)
		s.InitialUser = in.Initial
		el = s
	case reply.UsersInput:
		s := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeUser, placeholder, id)
		initial := in.InitialList
		if len(initial) == 0 && in.Initial != "" {
			initial = splitList(in.Initial)
		}
		s.InitialUsers = initial
		el = s
	case reply.ChannelInput:
		s := slack.NewOptionsSelectBlockElement(slack.OptTypeConversations, placeholder, id)
		s.Filter = &slack.SelectBlockElementFilter{Include: []string{"public", "private"}, ExcludeBotUsers: true}
		s.InitialConversation = in.Initial
		el = s
	case reply.SelectInput:
		if len(in.Options) == 0 {
			el = textInput(in, id, placeholder)
			break
		}
		var opts []*slack.OptionBlockObject
		var initial *slack.OptionBlockObject
		for _, o := range in.Options[:min(len(in.Options), maxOptions)] {
			text := o.Text
			if blank(text) {
				text = o.Value
			}
			ob := slack.NewOptionBlockObject(truncateID(o.Value, maxOptionValue), plain(text, maxOptionText), nil)
			opts = append(opts, ob)
			if o.Value == in.Initial && initial == nil {
				initial = ob
			}
		}
		s := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, placeholder, id, opts...)
		s.InitialOption = initial
		el = s
	default: // TextInput, MultilineInput
		el = textInput(in, id, placeholder)
	}
	b := slack.NewInputBlock(id, plain(label, maxInputLabel), nil, el)
	b.Optional = in.Optional
	return b
}

func textInput(in reply.Input, id string, placeholder *slack.TextBlockObject) *slack.PlainTextInputBlockElement {
	t := slack.NewPlainTextInputBlockElement(placeholder, id)
	t.Multiline = in.Kind == reply.MultilineInput
	limit := maxInputText
	if in.MaxLength > 0 && in.MaxLength < limit {
		limit = in.MaxLength
	}
	if in.MaxLength > 0 {
		t.MaxLength = limit
	}
	t.InitialValue = truncateID(in.Initial, limit)
	return t
}

func splitList(s string) []string {
	var out []string
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// decodeSubmission reads a submitted modal: its values by input id (block id), commands'
// private metadata, and the channel the modal was opened from.
func decodeSubmission(v slack.View) (reply.Submission, string) {
	s := reply.Submission{CallbackID: v.CallbackID, PrivateMetadata: v.PrivateMetadata, Values: map[string]string{}}
	channel := ""
	if strings.HasPrefix(v.PrivateMetadata, modalStatePrefix) {
		var st modalState
		if err := json.Unmarshal([]byte(v.PrivateMetadata), &st); err == nil && st.Version == 1 {
			s.PrivateMetadata, channel = st.Metadata, st.Channel
		}
	}
	if v.State == nil {
		return s, channel
	}
	for blockID, actions := range v.State.Values {
		for _, a := range actions {
			s.Values[blockID] = actionValue(a)
		}
	}
	return s, channel
}

func actionValue(a slack.BlockAction) string {
	switch a.Type {
	case "datepicker":
		return a.SelectedDate
	case "users_select":
		return a.SelectedUser
	case "multi_users_select":
		return strings.Join(a.SelectedUsers, ",")
	case "conversations_select":
		return a.SelectedConversation
	case "multi_conversations_select":
		return strings.Join(a.SelectedConversations, ",")
	case "channels_select":
		return a.SelectedChannel
	case "multi_channels_select":
		return strings.Join(a.SelectedChannels, ",")
	case "static_select", "external_select":
		return a.SelectedOption.Value
	case "multi_static_select", "multi_external_select":
		vals := make([]string, len(a.SelectedOptions))
		for i, o := range a.SelectedOptions {
			vals[i] = o.Value
		}
		return strings.Join(vals, ",")
	default:
		return a.Value
	}
}
