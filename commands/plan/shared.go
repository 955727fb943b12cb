package plan

import (
	"context"
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/reply"
)

// importWords are the words that make a spreadsheet shared in a channel an import: people
// share spreadsheets for many reasons, and only these ask Chorus to read one.
var importWords = []string{"import", "importer", "importe"}

// OnMessage reads the spreadsheets (.xlsx, .csv) shared with Chorus as imports: in a direct
// message with it, or in a channel with a message that says « importer » / "import". The
// preview, or the refusal with its bad rows, goes to the person who shared the file only.
func (f *Feature) OnMessage(ctx context.Context, ev reply.MessageEvent) []reply.Post {
	file := ev.File
	if ev.Deleted || ev.Edited || ev.User == "" || file.URL == "" || f.files == nil {
		return nil
	}
	direct := strings.HasPrefix(ev.Channel, "D")
	if !direct && !asksImport(ev.Text) {
		return nil
	}
	name := strings.ToLower(file.Name)
	if !strings.HasSuffix(name, ".xlsx") && !strings.HasSuffix(name, ".csv") {
		return nil
	}
	t, err := f.turns.EventTurn(ctx, ev.Workspace, ev.User, ev.Channel)
	if err != nil {
		f.log.Error("plan: begin", "workspace", ev.Workspace, "err", err)
		return nil
	}
	c := f.call(t)
	r, err := c.sharedFile(ctx, file)
	if err != nil {
		r = c.Fail(err) // says a domain error, logs any other
	}
	p := reply.Post{Channel: ev.Channel, Thread: ev.ThreadTS, Text: r.Text, Blocks: r.Blocks}
	if !direct {
		p.EphemeralTo = ev.User
	}
	return []reply.Post{p}
}

// asksImport reports whether a message's text asks for an import.
func asksImport(text string) bool {
	for _, w := range strings.Fields(chorus.Fold(text)) {
		for _, iw := range importWords {
			if strings.TrimRight(w, ".!:") == iw {
				return true
			}
		}
	}
	return strings.Contains(chorus.Fold(text), "/campaign import")
}

// sharedFile previews the import of a file shared in a conversation.
func (c *call) sharedFile(ctx context.Context, file reply.File) (reply.Reply, error) {
	if file.Size > MaxFileBytes {
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "plan.file.large", MaxFileBytes>>20)
	}
	data, err := c.files.Fetch(ctx, file.URL)
	if err != nil {
		return reply.Reply{}, err
	}
	return c.preview(ctx, file.Name, data)
}
