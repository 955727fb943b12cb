package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/chorus-hq/chorus/reply"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// ErrFileTooLarge reports a shared file over the size its reader accepts.
var ErrFileTooLarge = errors.New("bot: file too large")

// UploadFile shares data as a file named filename in channel (in thread when thread is not ""),
// through Slack's external upload: files.getUploadURLExternal, the upload, then
// files.completeUploadExternal.
func (c *Client) UploadFile(ctx context.Context, channel, thread, filename, title string, data []byte) error {
	if len(data) == 0 {
		return errors.New("bot: upload of an empty file")
	}
	return c.callChannel(ctx, "files.upload", channel, false, func(ctx context.Context) error {
		_, err := c.api.UploadFileContext(ctx, slack.UploadFileParameters{
			Filename: filename, Title: title, Reader: bytes.NewReader(data), FileSize: len(data),
			Channel: channel, ThreadTimestamp: thread,
		})
		return err
	})
}

// DownloadFile reads a file shared in Slack from its url_private, with the bot token (slack-go
// sends it only to Slack's hosts and the API's); a file over max bytes is ErrFileTooLarge.
func (c *Client) DownloadFile(ctx context.Context, url string, max int) ([]byte, error) {
	w := &limitedBuffer{max: max}
	err := c.call(ctx, "files.download", func(ctx context.Context) error {
		w.buf.Reset()
		return c.api.GetFileContext(ctx, url, w)
	})
	if errors.Is(err, ErrFileTooLarge) || w.over {
		return nil, ErrFileTooLarge
	}
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", url, err)
	}
	return w.buf.Bytes(), nil
}

// limitedBuffer keeps at most max bytes and fails past them.
type limitedBuffer struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if l.buf.Len()+len(p) > l.max {
		l.over = true
		return 0, ErrFileTooLarge
	}
	return l.buf.Write(p)
}

// sharedFile is the first file of a new message, as the features read it.
func sharedFile(e *slackevents.MessageEvent) reply.File {
	if e.Message == nil || e.SubType == "message_changed" || e.SubType == "message_deleted" || len(e.Message.Files) == 0 {
		return reply.File{}
	}
	f := e.Message.Files[0]
	out := reply.File{ID: f.ID, Name: f.Name, URL: f.URLPrivateDownload, Size: f.Size}
	if out.URL == "" {
		out.URL = f.URLPrivate
	}
	return out
}
