package bot

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"slices"
	"strings"

	"github.com/chorus-hq/chorus/reply"
	"github.com/slack-go/slack"
)

// maxPictures bounds the file ids remembered by picture content; past it the memory starts
// again (a forgotten picture is only uploaded once more).
const maxPictures = 256

// withPictures uploads the pictures of blocks that Slack does not hold yet and returns the blocks
// with each picture's file id in Image.Ref, for an image block to show it. A picture is uploaded
// shared in no channel (files.getUploadURLExternal, the upload, files.completeUploadExternal),
// once per content: the same calendar shown again, in a reply, the App Home or a digest, reuses
// its file. A picture that cannot be uploaded keeps no id and is said in words instead.
func (c *Client) withPictures(ctx context.Context, blocks []reply.Block) []reply.Block {
	if !slices.ContainsFunc(blocks, func(b reply.Block) bool { return b.Kind == reply.Picture && b.Image != nil }) {
		return blocks
	}
	out := slices.Clone(blocks)
	for i, b := range out {
		if b.Kind != reply.Picture || b.Image == nil || b.Image.Ref != "" {
			continue
		}
		img := *b.Image
		id, err := c.uploadPicture(ctx, img)
		if err != nil {
			c.log.WarnContext(ctx, "cannot upload a picture; saying it in words", "name", img.Name, "err", err)
			continue
		}
		img.Ref = id
		out[i].Image = &img
	}
	return out
}

// sendPictures sends blocks with their pictures uploaded (withPictures). When Slack refuses
// blocks that show a picture (invalid_blocks: an image it cannot fetch yet, say), it sends them
// again once with the pictures said in words, so a picture never costs the message.
func (c *Client) sendPictures(ctx context.Context, blocks []reply.Block, send func([]reply.Block) error) error {
	shown := c.withPictures(ctx, blocks)
	err := send(shown)
	if err == nil || !strings.Contains(err.Error(), "invalid_blocks") {
		return err
	}
	words, had := withoutPictures(shown)
	if !had {
		return err
	}
	c.log.WarnContext(ctx, "Slack refused a picture; sending its description instead", "err", err)
	return send(words)
}

// withoutPictures is blocks with no picture's file id, reporting whether one had any.
func withoutPictures(blocks []reply.Block) ([]reply.Block, bool) {
	out := slices.Clone(blocks)
	had := false
	for i, b := range out {
		if b.Kind == reply.Picture && b.Image != nil && b.Image.Ref != "" {
			img := *b.Image
			img.Ref = ""
			out[i].Image = &img
			had = true
		}
	}
	return out, had
}

// uploadPicture returns the file id of img, uploading it unless it was already.
func (c *Client) uploadPicture(ctx context.Context, img reply.Image) (string, error) {
	if len(img.PNG) == 0 {
		return "", errors.New("bot: empty picture")
	}
	key := sha256.Sum256(img.PNG)
	c.picsMu.Lock()
	id, ok := c.pics[key]
	c.picsMu.Unlock()
	if ok {
		return id, nil
	}
	err := c.call(ctx, "files.upload", func(ctx context.Context) error {
		f, err := c.api.UploadFileContext(ctx, slack.UploadFileParameters{
			Filename: img.Name, Title: img.Title, AltTxt: img.Alt,
			Reader: bytes.NewReader(img.PNG), FileSize: len(img.PNG),
		})
		if err == nil {
			id = f.ID
		}
		return err
	})
	if err != nil {
		return "", err
	}
	c.picsMu.Lock()
	if len(c.pics) >= maxPictures {
		clear(c.pics)
	}
	c.pics[key] = id
	c.picsMu.Unlock()
	return id, nil
}
