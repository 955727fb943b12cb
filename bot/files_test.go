package bot_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chorus-hq/chorus/bot"
	"github.com/chorus-hq/chorus/internal/slackfake"
)

// Files go both ways through slack-go's real client and the fake Slack: an upload in three
// steps lands whole in the channel, a shared file is read back with the bot token, within a
// size, and the token goes to no host but Slack's.
func TestUploadAndDownloadFile(t *testing.T) {
	fake := slackfake.New(slackfake.Options{})
	defer fake.Close()
	c := bot.NewClient(bot.ClientOptions{Token: "xoxb-test", APIURL: fake.APIURL()})
	ctx := context.Background()
	data := append([]byte("PK\x03\x04"), bytes.Repeat([]byte("plan"), 5000)...)
	if err := c.UploadFile(ctx, "C0PLAN", "", "chorus-plan-all.xlsx", "Plan Chorus", data); err != nil {
		t.Fatal(err)
	}
	up := fake.Uploaded()
	if len(up) != 1 || up[0].Channel != "C0PLAN" || up[0].Name != "chorus-plan-all.xlsx" || up[0].Title != "Plan Chorus" || !bytes.Equal(up[0].Data, data) {
		t.Fatalf("uploaded %+v", up)
	}
	if len(fake.Calls("files.getUploadURLExternal")) != 1 || len(fake.Calls("files.completeUploadExternal")) != 1 {
		t.Errorf("calls %v", fake.Calls(""))
	}
	if err := c.UploadFile(ctx, "C0PLAN", "", "empty.xlsx", "", nil); err == nil {
		t.Error("an empty file was uploaded")
	}

	shared := fake.AddFile("plan.csv", []byte("Campagne;Type\n"))
	for _, tc := range []struct {
		name string
		url  string
		max  int
		want string
		err  error
	}{
		{"read with the token", shared.URL, 1 << 20, "Campagne;Type\n", nil},
		{"over the size", shared.URL, 4, "", bot.ErrFileTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.DownloadFile(ctx, tc.url, tc.max)
			if !errors.Is(err, tc.err) || string(got) != tc.want {
				t.Fatalf("= %q, %v; want %q, %v", got, err, tc.want, tc.err)
			}
		})
	}

	// a url_private elsewhere never receives the token
	var leaked bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked = leaked || strings.Contains(r.Header.Get("Authorization"), "xoxb-test")
	}))
	defer other.Close()
	if _, err := c.DownloadFile(ctx, other.URL+"/files-pri/F1/plan.csv", 1<<20); err == nil || leaked {
		t.Fatalf("download elsewhere: %v, token sent: %v", err, leaked)
	}
}
