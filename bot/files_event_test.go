package bot

import (
	"net/http"
	"testing"

	"github.com/chorus-hq/chorus/reply"
)

// A message sharing files reaches the features with its first file, as Slack describes it
// (file_share); an edit of such a message carries none, so a file is read once.
func TestMessageSharingAFile(t *testing.T) {
	files := []any{
		map[string]any{"id": "F0PLAN", "name": "plan.xlsx", "size": 7000, "url_private": "https://files.slack.com/files-pri/T111-F0PLAN/plan.xlsx",
			"url_private_download": "https://files.slack.com/files-pri/T111-F0PLAN/download/plan.xlsx"},
		map[string]any{"id": "F0OTHER", "name": "photo.png"},
	}
	for i, tt := range []struct {
		name string
		edit func(map[string]any)
		want reply.File
	}{
		{"shared", func(ev map[string]any) {
			ev["subtype"], ev["text"], ev["files"], ev["upload"] = "file_share", "importer", files, true
		}, reply.File{ID: "F0PLAN", Name: "plan.xlsx", Size: 7000, URL: "https://files.slack.com/files-pri/T111-F0PLAN/download/plan.xlsx"}},
		{"edited", func(ev map[string]any) {
			ev["subtype"] = "message_changed"
			ev["message"] = map[string]any{"type": "message", "user": "W111", "text": "importer !", "ts": "1596183880.004200", "files": files}
			ev["previous_message"] = map[string]any{"type": "message", "user": "W111", "text": "importer", "ts": "1596183880.004200"}
		}, reply.File{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			if rec := r.post(t, jsonType, eventBody(t, "EvF"+string(rune('0'+i)), tt.edit)); rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			r.wait(t)
			got := r.sink.gotMessages()
			if len(got) != 1 || got[0].File != tt.want {
				t.Fatalf("messages = %+v, want the file %+v", got, tt.want)
			}
		})
	}
}
