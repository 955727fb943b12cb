package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/chorus-hq/chorus/internal/slackfake"
	"github.com/chorus-hq/chorus/reply"
)

func testPNG(t testing.TB, shade uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for x := range 40 {
		img.Set(x, 10, color.RGBA{shade, 0, 0, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestPicturesUploadOnceAndShow: a reply's picture goes through Slack's upload (the URL, the
// bytes, the completion, shared nowhere) with slack-go's real client, is shown as an image block
// by file id, and is not uploaded again when shown again, in a message or the App Home.
func TestPicturesUploadOnceAndShow(t *testing.T) {
	fake := slackfake.New(slackfake.Options{})
	defer fake.Close()
	c := NewClient(ClientOptions{Token: "xoxb-test", APIURL: fake.APIURL()})
	ctx := context.Background()
	pic := testPNG(t, 200)
	blocks := []reply.Block{
		{Kind: reply.Header, Text: "Calendrier"},
		{Kind: reply.Picture, Image: &reply.Image{Name: "calendrier.png", Title: "Juillet 2027", Alt: "3 campagnes", PNG: pic}},
	}
	if _, err := c.PostMessage(ctx, "C0CAL", "", "Calendrier", blocks, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.PublishHome(ctx, "U0LEA", reply.View{Blocks: blocks}); err != nil {
		t.Fatal(err)
	}
	if blocks[1].Image.Ref != "" {
		t.Error("the caller's blocks were changed")
	}
	ask := fake.Calls("files.getUploadURLExternal")
	if len(ask) != 1 || ask[0].Form["filename"] != "calendrier.png" || ask[0].Form["alt_txt"] != "3 campagnes" {
		t.Fatalf("upload URL asked %d times: %+v", len(ask), ask)
	}
	done := fake.Calls("files.completeUploadExternal")
	if len(done) != 1 || done[0].Form["channel_id"] != "" || done[0].Form["channels"] != "" {
		t.Fatalf("completions: %+v (a picture is shared in no channel)", done)
	}
	var files []map[string]any
	_ = json.Unmarshal([]byte(done[0].Form["files"]), &files)
	id, _ := files[0]["id"].(string)
	b, ok := fake.File(id)
	if !ok || !bytes.Equal(b, pic) {
		t.Fatalf("file %s uploaded %d bytes, want the picture's %d", id, len(b), len(pic))
	}
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		t.Fatalf("the uploaded file is no PNG: %v", err)
	}
	posted := fake.Calls("chat.postMessage")
	home := fake.Calls("views.publish")
	if len(posted) != 1 || len(home) != 1 {
		t.Fatalf("%d posts, %d home views", len(posted), len(home))
	}
	image := `"type":"image"`
	ref := `"slack_file":{"id":"` + id + `"}`
	if !strings.Contains(posted[0].Form["blocks"], image) || !strings.Contains(posted[0].Form["blocks"], ref) {
		t.Errorf("message blocks show no image of file %s: %s", id, posted[0].Form["blocks"])
	}
	if !strings.Contains(home[0].Form["view"], ref) {
		t.Errorf("home view shows no image of file %s: %s", id, home[0].Form["view"])
	}

	// Another picture is another upload.
	blocks[1].Image = &reply.Image{Name: "calendrier.png", Title: "Août", Alt: "2 campagnes", PNG: testPNG(t, 90)}
	if _, err := c.PostMessage(ctx, "C0AUG", "", "Calendrier", blocks, nil); err != nil {
		t.Fatal(err)
	}
	if n := len(fake.Calls("files.completeUploadExternal")); n != 2 {
		t.Errorf("%d uploads after a second picture, want 2", n)
	}
}

// TestPictureWithoutUploadIsSaidInWords: when the upload fails, the message still goes, with
// the picture's alt text in its place.
func TestPictureWithoutUploadIsSaidInWords(t *testing.T) {
	fake := slackfake.New(slackfake.Options{})
	defer fake.Close()
	c := NewClient(ClientOptions{Token: "xoxb-test", APIURL: fake.APIURL(), MaxAttempts: 1})
	blocks := []reply.Block{{Kind: reply.Picture, Image: &reply.Image{Name: "", Title: "Juillet", Alt: "3 campagnes, 1 alerte", PNG: []byte("x")}}}
	if _, err := c.PostMessage(context.Background(), "C0CAL", "", "Calendrier", blocks, nil); err != nil {
		t.Fatal(err)
	}
	posted := fake.Calls("chat.postMessage")
	if len(posted) != 1 || !strings.Contains(posted[0].Form["blocks"], "3 campagnes, 1 alerte") || strings.Contains(posted[0].Form["blocks"], `"type":"image"`) {
		t.Fatalf("post = %+v", posted)
	}
}

// TestRefusedPictureIsSaidInWords: when Slack refuses the image block (it could not fetch the
// file yet), the message goes again with the picture's description, once.
func TestRefusedPictureIsSaidInWords(t *testing.T) {
	fake := slackfake.New(slackfake.Options{RefuseImages: true})
	defer fake.Close()
	// the second post goes to the same channel: no spacing to wait for in a test
	c := NewClient(ClientOptions{Token: "xoxb-test", APIURL: fake.APIURL(), MaxAttempts: 1, ChannelSpacing: time.Nanosecond})
	blocks := []reply.Block{{Kind: reply.Picture, Image: &reply.Image{Name: "c.png", Title: "Juillet", Alt: "3 campagnes", PNG: testPNG(t, 10)}}}
	if _, err := c.PostMessage(context.Background(), "C0CAL", "", "Calendrier", blocks, nil); err != nil {
		t.Fatal(err)
	}
	posted := fake.Calls("chat.postMessage")
	if len(posted) != 2 || !strings.Contains(posted[0].Form["blocks"], `"type":"image"`) ||
		strings.Contains(posted[1].Form["blocks"], `"type":"image"`) || !strings.Contains(posted[1].Form["blocks"], "3 campagnes") {
		t.Fatalf("posts = %+v", posted)
	}
}
