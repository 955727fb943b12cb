package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/xuri/excelize/v2"
)

// TestPlanThroughSlack plays the plan's round trip as Slack does it, against chorus serve and
// the fake Slack: /campaign export uploads an .xlsx to the channel; the lead edits it and
// shares it back with « importer »; Chorus downloads it with its token, shows her the preview,
// and applies it when she confirms.
func TestPlanThroughSlack(t *testing.T) {
	srv := startServer(t, nil)
	fake := srv.fake
	slash := func(user, text, respond string) string {
		t.Helper()
		if resp := srv.post(t, http.DefaultClient, "application/x-www-form-urlencoded", srv.slashForm(user, text, respond), time.Now(), ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("slash command %q: status %d", text, resp.StatusCode)
		}
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) {
			for _, c := range fake.Calls("respond") {
				if c.Path == "/respond/"+respond {
					return string(c.Body)
				}
			}
			_, _ = fake.WaitFor("respond", len(fake.Calls("respond"))+1, 200*time.Millisecond)
		}
		t.Fatalf("no answer to %q", text)
		return ""
	}
	mustContain(t, slash("U0LEA", `create ete-literie "Soldes d'été literie" 2031-07-01 2031-07-15`, "create"), "créée")
	mustContain(t, slash("U0LEA", `task add ete-literie - "Visuels" @U0LEA 2031-06-15 17h`, "task"), "Visuels")

	mustContain(t, slash("U0LEA", "export ete-literie", "export"), "Plan partagé ici", ".xlsx")
	up := fake.Uploaded()
	if len(up) != 1 || up[0].Channel != "C0GENERAL" || !strings.HasSuffix(up[0].Name, ".xlsx") {
		t.Fatalf("uploaded %+v", up)
	}
	f, err := excelize.OpenReader(bytes.NewReader(up[0].Data))
	if err != nil {
		t.Fatalf("the uploaded export is no workbook: %v", err)
	}
	rows, err := f.GetRows("Plan")
	if err != nil || len(rows) != 3 || rows[0][0] != "Campagne" || rows[2][3] != "Visuels" {
		t.Fatalf("rows %q, %v", rows, err)
	}
	if err := f.SetCellStr("Plan", "J3", "2031-06-16 10:00"); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	shared := fake.AddFile("plan-v2.xlsx", buf.Bytes())

	// the lead shares it in the channel, asking for the import
	ev := map[string]any{"token": "x", "team_id": "T0CHORUS", "api_app_id": "A1", "type": "event_callback", "event_id": "Ev0PLAN1", "event_time": 1700000000,
		"event": map[string]any{"type": "message", "subtype": "file_share", "user": "U0LEA", "channel": "C0GENERAL", "channel_type": "channel",
			"text": "importer", "ts": "1700000000.000100", "event_ts": "1700000000.000100", "upload": true,
			"files": []any{map[string]any{"id": shared.ID, "name": shared.Name, "size": len(shared.Data), "url_private": shared.URL, "url_private_download": shared.URL}}}}
	body, _ := json.Marshal(ev)
	if resp := srv.post(t, http.DefaultClient, "application/json", string(body), time.Now(), ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("event: status %d", resp.StatusCode)
	}
	calls, err := fake.WaitFor("chat.postEphemeral", 1, 15*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	preview := calls[0].Form["text"] + calls[0].Form["blocks"]
	mustContain(t, preview, "Import de « plan-v2.xlsx » : 0 création(s), 1 modification(s)", "lundi 16 juin 2031 à 10:00")
	if calls[0].Form["user"] != "U0LEA" || calls[0].Form["channel"] != "C0GENERAL" {
		t.Errorf("the preview went to %v", calls[0].Form)
	}
	token := regexp.MustCompile(`import confirm ([0-9a-f]+\.[0-9a-f]+)`).FindStringSubmatch(preview)
	if token == nil {
		t.Fatalf("no confirmation in %s", preview)
	}
	st := srv.app.store
	tasks, _ := st.Tasks(context.Background(), "T0CHORUS", chorus.TaskFilter{Campaign: "ete-literie"})
	if len(tasks) != 1 || tasks[0].Due.Hour() != 15 {
		t.Fatalf("the preview changed the task: %+v", tasks)
	}
	mustContain(t, slash("U0LEA", "import confirm "+token[1], "confirm"), "appliqué")
	tasks, _ = st.Tasks(context.Background(), "T0CHORUS", chorus.TaskFilter{Campaign: "ete-literie"})
	if len(tasks) != 1 || tasks[0].Due.In(chorus.LoadLocation("Europe/Paris")).Format("2006-01-02 15:04") != "2031-06-16 10:00" {
		t.Fatalf("after the import: %+v", tasks)
	}
}
