// Package console is a terminal transport that stands in for Slack: people type slash commands,
// click buttons by number and fill modals field by field, and read replies, reminders and digests
// as text. It drives the same commands.Service as Slack does, so a scripted console session is an
// end-to-end test of everything but Slack's wire format.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/reply"
)

// Handler is what the console needs from the commands service.
type Handler interface {
	Command(ctx context.Context, req reply.Request) reply.Reply
	Action(ctx context.Context, req reply.Request, a reply.Action) reply.Reply
	Submit(ctx context.Context, req reply.Request, s reply.Submission) reply.Reply
	Home(ctx context.Context, req reply.Request) reply.View
	Message(ctx context.Context, ev reply.MessageEvent) []reply.Post
	Reaction(ctx context.Context, ev reply.ReactionEvent) []reply.Post
}

// Options configure a console session.
type Options struct {
	Workspace   string      // workspace id, such as "console"
	User        string      // acting user at start ("/as" changes it)
	Admins      []string    // users treated as Slack workspace admins
	Lang        chorus.Lang // the users' language as Slack would report it; "" = workspace default
	Channel     string      // the channel the session types in, such as "#general"
	Interactive bool        // a person is typing: show prompts and the welcome text
	// PictureDir is where pictures a reply shows (the calendar's timeline) are written, their
	// path printed in their place; "" is a "chorus-pictures" folder in the system's temporary
	// folder.
	PictureDir string
	// Directive, when set, sees each line first (the demo's "/clock +1d" moves its simulated
	// clock) and reports whether it handled it; print writes a line of the session.
	Directive func(ctx context.Context, word, rest string, print func(string)) bool
}

// Console is one terminal session. Its methods are safe for concurrent use, so a scheduler can
// deliver reminders while the user types.
type Console struct {
	h    Handler
	opts Options
	in   *bufio.Scanner

	mu      sync.Mutex
	out     io.Writer
	buttons []reply.Button    // buttons of the last reply, numbered from 1
	pending string            // a command typed in place of a modal field, run next
	said    int               // messages said with /say or /reply, numbering their timestamps
	authors map[string]string // author of each message said, by timestamp
}

// New returns a console reading in and writing out.
func New(h Handler, in io.Reader, out io.Writer, opts Options) *Console {
	if opts.User == "" {
		opts.User = "alice"
	}
	if opts.Channel == "" {
		opts.Channel = "#general"
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	return &Console{h: h, opts: opts, in: sc, out: out}
}

// Run reads lines until the input ends, ctx is cancelled, or the user types /quit.
func (c *Console) Run(ctx context.Context) error {
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		defer close(lines)
		for c.in.Scan() {
			select {
			case lines <- c.in.Text():
			case <-ctx.Done():
				return
			}
		}
		errc <- c.in.Err()
	}()
	c.prompt()
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				select {
				case err := <-errc:
					return err
				default:
					return nil
				}
			}
			if quit := c.Line(ctx, line, lines); quit {
				return nil
			}
			// A command typed while a modal asked for a field closed that modal; run it now.
			for c.pending != "" {
				p := c.pending
				c.pending = ""
				if quit := c.Line(ctx, p, lines); quit {
					return nil
				}
			}
			c.prompt()
		}
	}
}

func (c *Console) prompt() {
	if c.opts.Interactive {
		c.printf("%s> ", c.opts.User)
	}
}

func (c *Console) printf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.out, format, args...)
}

// Line handles one typed line. more supplies the following lines when a modal asks for its
// fields. It reports whether the user asked to quit.
func (c *Console) Line(ctx context.Context, line string, more <-chan string) (quit bool) {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "#!") && !c.opts.Interactive {
		return false // blank lines and comments in scripts
	}
	if !c.opts.Interactive {
		c.printf("%s> %s\n", c.opts.User, line)
	}
	word, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	if c.opts.Directive != nil && c.opts.Directive(ctx, word, rest, func(s string) { c.printf("%s\n", s) }) {
		return false
	}
	switch word {
	case "/quit", "/exit", "/quitter":
		return true
	case "/as":
		if u := strings.TrimPrefix(rest, "@"); chorus.ValidUserID(u) {
			c.mu.Lock()
			c.opts.User = u
			c.mu.Unlock()
			c.printf("(%s)\n", u)
		} else {
			c.printf("⚠️ /as <user>: %q n'est pas un nom d'utilisateur / is not a user name\n", rest)
		}
		return false
	case "/in":
		if strings.HasPrefix(rest, "#") && chorus.ValidChannelID(rest) {
			c.mu.Lock()
			c.opts.Channel = rest
			c.mu.Unlock()
			c.printf("(%s)\n", rest)
		} else {
			c.printf("⚠️ /in #channel\n")
		}
		return false
	case "/say", "/reply", "/edit", "/delete", "/react":
		c.converse(ctx, word, rest)
		return false
	case "/home":
		v := c.h.Home(ctx, c.request("", ""))
		c.show(reply.Reply{Blocks: v.Blocks})
		return false
	}
	if n, err := strconv.Atoi(strings.TrimPrefix(word, "/click")); err == nil || word == "/click" {
		if word == "/click" {
			n, err = strconv.Atoi(rest)
		}
		c.click(ctx, n, err, more)
		return false
	}
	if !strings.HasPrefix(word, "/") {
		c.printf("%s\n", consoleHelp)
		return false
	}
	r := c.h.Command(ctx, c.request(word, rest))
	c.handle(ctx, r, more)
	return false
}

const consoleHelp = "Tapez une commande Slack (/campaign help, /glossary help, /chorus help), un numéro de bouton, /as <utilisateur>, /in #canal, /home ou /quit.\n" +
	"Messages du canal : /say <texte>, /reply <ts> <texte>, /edit <ts> <texte>, /delete <ts>, /react <emoji> <ts>.\n" +
	"Type a Slack command (/campaign help, /glossary help, /chorus help), a button number, /as <user>, /in #channel, /home or /quit.\n" +
	"Channel messages: /say <text>, /reply <ts> <text>, /edit <ts> <text>, /delete <ts>, /react <emoji> <ts>."

// converse plays a conversation event in the current channel, as if the acting user wrote,
// edited, deleted or reacted to a message in Slack, and shows what Chorus posts in answer.
func (c *Console) converse(ctx context.Context, word, rest string) {
	req := c.request("", "")
	first, after, _ := strings.Cut(rest, " ")
	after = strings.TrimSpace(after)
	ok := map[string]bool{
		"/say": rest != "", "/reply": first != "" && after != "", "/edit": first != "" && after != "",
		"/delete": first != "", "/react": first != "" && after != "",
	}[word]
	if !ok {
		c.printf("%s\n", consoleHelp)
		return
	}
	if word == "/react" {
		for _, p := range c.h.Reaction(ctx, reply.ReactionEvent{
			Workspace: req.Workspace, Channel: req.Channel, User: req.User,
			Reaction: strings.Trim(first, ":"), ItemUser: c.author(after), TS: after,
		}) {
			c.Deliver(p)
		}
		return
	}
	ev := reply.MessageEvent{Workspace: req.Workspace, Channel: req.Channel, User: req.User}
	switch word {
	case "/say", "/reply":
		c.mu.Lock()
		c.said++
		ev.TS = fmt.Sprintf("%d.%06d", consoleEpoch+c.said, 0)
		if c.authors == nil {
			c.authors = map[string]string{}
		}
		c.authors[ev.TS] = req.User
		c.mu.Unlock()
		ev.Text = rest
		if word == "/reply" {
			ev.ThreadTS, ev.Text = first, after
		}
		c.printf("(ts %s)\n", ev.TS)
	case "/edit":
		ev.TS, ev.Text, ev.Edited, ev.User = first, after, true, c.author(first)
	case "/delete":
		ev.TS, ev.Deleted, ev.User = first, true, c.author(first)
	}
	for _, p := range c.h.Message(ctx, ev) {
		c.Deliver(p)
	}
}

func (c *Console) author(ts string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.authors[ts]
}

// consoleEpoch numbers console message timestamps like Slack's (seconds since 1970), in 2027.
const consoleEpoch = 1_800_000_000

func (c *Console) request(cmd, text string) reply.Request {
	c.mu.Lock()
	defer c.mu.Unlock()
	return reply.Request{
		Workspace: c.opts.Workspace, User: c.opts.User, Channel: c.opts.Channel, Lang: c.opts.Lang,
		IsAdmin: slices.Contains(c.opts.Admins, c.opts.User), Command: cmd, Text: text,
	}
}

func (c *Console) click(ctx context.Context, n int, err error, more <-chan string) {
	c.mu.Lock()
	buttons := c.buttons
	c.mu.Unlock()
	if err != nil || n < 1 || n > len(buttons) {
		c.printf("⚠️ pas de bouton %d / no button %d\n", n, n)
		return
	}
	b := buttons[n-1]
	r := c.h.Action(ctx, c.request("", ""), reply.Action{ActionID: b.ActionID, Value: b.Value})
	c.handle(ctx, r, more)
}

// handle shows a reply, or fills the modal it opens and submits it until it is accepted or
// the user leaves a field with "/cancel" or types another command.
func (c *Console) handle(ctx context.Context, r reply.Reply, more <-chan string) {
	for r.Modal != nil {
		m := r.Modal
		sub, ok := c.fill(m, r.FieldErrors, more)
		if !ok {
			c.printf("(annulé / cancelled)\n")
			return
		}
		r = c.h.Submit(ctx, c.request("", ""), sub)
		if r.FieldErrors != nil {
			// ask again with what was typed as each field's default: Enter keeps it, and only
			// the fields at fault need new words, as the modal in Slack keeps them
			again := *m
			again.Inputs = make([]reply.Input, len(m.Inputs))
			for i, in := range m.Inputs {
				if v := sub.Values[in.ID]; v != "" {
					in.Initial = strings.ReplaceAll(v, "\n", " | ")
				}
				again.Inputs[i] = in
			}
			r.Modal = &again
		}
	}
	c.show(r)
}

// fill asks for each input of m on the console and returns the submission.
func (c *Console) fill(m *reply.Modal, errs map[string]string, more <-chan string) (reply.Submission, bool) {
	sub := reply.Submission{CallbackID: m.CallbackID, PrivateMetadata: m.PrivateMetadata, Values: map[string]string{}}
	c.printf("┌─ %s\n", m.Title)
	if m.Intro != "" {
		c.printf("│ %s\n", m.Intro)
	}
	for _, in := range m.Inputs {
		if e, ok := errs[in.ID]; ok {
			c.printf("│ ⚠️ %s\n", e)
		}
		hint := in.Placeholder
		if in.Kind == reply.SelectInput {
			opts := make([]string, len(in.Options))
			for i, o := range in.Options {
				opts[i] = o.Value
			}
			hint = strings.Join(opts, " | ")
		}
		if in.Initial != "" {
			hint = strings.TrimSpace(hint + " [" + in.Initial + "]")
		}
		if in.Optional {
			hint = strings.TrimSpace(hint + " (optionnel / optional)")
		}
		c.printf("│ %s %s: ", in.Label, hint)
		if !c.opts.Interactive {
			c.printf("\n")
		}
		line, ok := <-more
		if !ok || strings.TrimSpace(line) == "/cancel" {
			return sub, false
		}
		if strings.HasPrefix(strings.TrimSpace(line), "/") {
			// Scripts and hurried users type the next command instead of a field value:
			// close the modal, as Slack does when the user goes elsewhere, and run it.
			c.pending = line
			return sub, false
		}
		if !c.opts.Interactive {
			c.printf("│   %s\n", line)
		}
		v := strings.TrimSpace(line)
		if v == "" {
			v = in.Initial
		}
		if in.Kind == reply.MultilineInput {
			v = strings.ReplaceAll(v, " | ", "\n") // one console line holds several lines
		}
		if in.Kind == reply.UserInput || in.Kind == reply.UsersInput {
			v = strings.TrimPrefix(v, "@")
		}
		sub.Values[in.ID] = v
	}
	c.printf("└─ %s\n", m.Submit)
	return sub, true
}

// show prints a reply and remembers its buttons for the next number typed.
func (c *Console) show(r reply.Reply) {
	text, buttons := Render(c.pictures(r.Blocks), r.Text)
	c.mu.Lock()
	if len(buttons) > 0 {
		// A reply without buttons leaves the earlier ones clickable, as in Slack.
		c.buttons = buttons
	}
	fmt.Fprint(c.out, text)
	c.mu.Unlock()
	for _, p := range r.Posts {
		c.Deliver(p)
	}
}

// Deliver prints a message the bot posts somewhere else (a channel, a direct message).
func (c *Console) Deliver(p reply.Post) {
	text, buttons := Render(c.pictures(p.Blocks), p.Text)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(buttons) > 0 {
		c.buttons = buttons // a reminder's or approval card's buttons are clicked like a reply's
	}
	dest := destination(p.Channel)
	if p.EphemeralTo != "" {
		dest += " (visible par @" + p.EphemeralTo + " seul / only @" + p.EphemeralTo + " sees it)"
	}
	fmt.Fprintf(c.out, "→ %s\n%s", dest, indent(text))
}

// pictures writes the pictures of blocks to files and puts, in each one's place, its title and
// the file's path, with what it shows in words. A picture that cannot be written is said in
// words only.
func (c *Console) pictures(blocks []reply.Block) []reply.Block {
	out := make([]reply.Block, 0, len(blocks))
	for _, b := range blocks {
		if b.Kind != reply.Picture || b.Image == nil {
			out = append(out, b)
			continue
		}
		img := b.Image
		dir := c.opts.PictureDir
		if dir == "" {
			dir = filepath.Join(os.TempDir(), "chorus-pictures")
		}
		path := filepath.Join(dir, filepath.Base(filepath.Clean("/"+img.Name)))
		err := os.MkdirAll(dir, 0o755)
		if err == nil {
			err = os.WriteFile(path, img.PNG, 0o644)
		}
		text := "🖼️ " + img.Title + " → " + path
		if err != nil {
			text = "🖼️ " + img.Title + " (" + err.Error() + ")"
		}
		out = append(out, reply.Block{Kind: reply.Section, Text: text}, reply.Block{Kind: reply.Context, Text: img.Alt})
	}
	return out
}

func destination(ch string) string {
	if strings.HasPrefix(ch, "#") || strings.HasPrefix(ch, "C") || strings.HasPrefix(ch, "G") {
		return ch
	}
	return "@" + ch + " (message privé / direct message)"
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return "  " + strings.Join(lines, "\n  ") + "\n"
}

// consoleRefs shows the references of a reply as the console's users type them: @name,
// #channel, and a link as its label and address.
var consoleRefs = reply.Renderer{
	User:    func(id string) string { return "@" + id },
	Channel: func(id string) string { return "#" + id },
	Link:    func(url, label string) string { return label + " (" + url + ")" },
}

// plain turns the references of a reply into console text.
func plain(s string) string { return consoleRefs.Render(s) }

// Render writes blocks as terminal text and returns the buttons in the order it numbered them.
// With no blocks it writes fallback.
func Render(blocks []reply.Block, fallback string) (string, []reply.Button) {
	var b strings.Builder
	var buttons []reply.Button
	button := func(btn reply.Button) string {
		buttons = append(buttons, btn)
		return fmt.Sprintf("[%d] %s", len(buttons), btn.Text)
	}
	if len(blocks) == 0 && fallback != "" {
		b.WriteString(plain(fallback) + "\n")
	}
	for _, bl := range blocks {
		switch bl.Kind {
		case reply.Header:
			b.WriteString("━━ " + plain(bl.Text) + " ━━\n")
		case reply.Divider:
			b.WriteString("────────\n")
		case reply.Context:
			b.WriteString("  · " + plain(bl.Text) + "\n")
		case reply.Actions:
			parts := make([]string, len(bl.Buttons))
			for i, btn := range bl.Buttons {
				parts[i] = button(btn)
			}
			b.WriteString("  " + strings.Join(parts, "  ") + "\n")
		default:
			if bl.Text != "" {
				b.WriteString(plain(bl.Text))
				if bl.Accessory != nil {
					b.WriteString("  " + button(*bl.Accessory))
				}
				b.WriteString("\n")
			}
			for _, f := range bl.Fields {
				b.WriteString("  " + strings.ReplaceAll(plain(f), "\n", " ") + "\n")
			}
		}
	}
	return b.String(), buttons
}
