package commands_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands"
	"github.com/chorus-hq/chorus/internal/commandstest"
	"github.com/chorus-hq/chorus/scheduler"
)

// recSender records what the scheduler sends, with the clock's time.
type recSender struct {
	mu   sync.Mutex
	now  func() time.Time
	sent []string
}

func (s *recSender) Send(_ context.Context, m scheduler.Message) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, s.now().UTC().Format(time.RFC3339)+" "+m.Channel+" "+m.Text)
	return "1800000000.000001", nil
}

func (s *recSender) Find(context.Context, string, string, string, string, time.Time) (string, bool, error) {
	return "", false, nil
}

func (s *recSender) about(words string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, m := range s.sent {
		if strings.Contains(m, words) {
			out = append(out, m)
		}
	}
	return out
}

// A task moved to a later date is reminded for the new date, not the old one; a cancelled task
// is reminded no more. The scheduler hears of both through commands.Watch.
func TestTaskChangesReachTheScheduler(t *testing.T) {
	base := commandstest.New(t)
	ctx := context.Background()
	feed := &scheduler.Feed{}
	svc := commands.New(commands.Watch(base.Store, feed), slog.New(slog.DiscardHandler), base.Clock.Now, commands.Options{Leads: []string{"lea"}})
	e := &env{&commandstest.Env{Svc: svc, Store: base.Store, Clock: base.Clock}}
	e.Setup(t)
	snd := &recSender{now: base.Clock.Now}
	sched, err := scheduler.New(scheduler.Options{Store: base.Store, Sender: snd, Composer: svc, Now: base.Clock.Now, Feed: feed,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := sched.Load(ctx); err != nil {
		t.Fatal(err)
	}
	advance := func(to time.Time) {
		for {
			next, ok := sched.NextDue()
			if !ok || next.After(to) {
				break
			}
			if next.After(base.Clock.Now()) {
				base.Clock.Set(next)
			}
			sched.Tick(ctx)
			sched.Wait()
		}
		base.Clock.Set(to)
		sched.Tick(ctx)
		sched.Wait()
	}
	e.Do(t, "lea", `/campaign task add ete-literie - "Brief agence" @sami 04/06 18h`)
	e.Do(t, "lea", `/campaign task add ete-literie - "Kakemonos" @sami 04/06 18h`)
	tasks, err := base.Store.Tasks(ctx, "T1", chorus.TaskFilter{Campaign: "ete-literie"})
	if err != nil || len(tasks) != 2 {
		t.Fatalf("tasks = %+v, %v", tasks, err)
	}
	ids := map[string]string{}
	for _, task := range tasks {
		ids[task.Title] = task.ID
	}
	mustSay(t, e.Do(t, "sami", "/campaign task edit "+ids["Brief agence"]+" due 11/06 18h"), "vendredi 11 juin 2027 à 18:00")
	mustSay(t, e.Do(t, "sami", "/campaign task cancel "+ids["Kakemonos"]+" plus de stand"), "annulée")

	paris := chorus.LoadLocation("Europe/Paris")
	advance(time.Date(2027, 6, 5, 12, 0, 0, 0, paris))
	if got := snd.about("Brief agence"); len(got) != 0 {
		t.Errorf("reminded for the old due date: %q", got)
	}
	advance(time.Date(2027, 6, 12, 12, 0, 0, 0, paris))
	got := snd.about("Brief agence")
	if len(got) == 0 {
		t.Fatalf("no reminder for the new due date; sent: %q", snd.sent)
	}
	for _, m := range got {
		if !strings.Contains(m, "11 juin") {
			t.Errorf("a reminder not about the new date: %s", m)
		}
	}
	if got := snd.about("Kakemonos"); len(got) != 0 {
		t.Errorf("a cancelled task was reminded: %q", got)
	}
}
