package main

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/store"
)

// yearShape is how much a 40-person marketing department produces in a year, at scale 1
// (issue 17): `chorus bench --scale 10` multiplies every count.
type yearShape struct {
	workspaces  int
	people      int
	campaigns   int
	channels    int // per campaign
	tasks       int
	submissions int
	meetings    int
	lines       int
	audit       int
	terms       int
}

func yearOf(scale float64) yearShape {
	n := func(base int, least int) int { return max(least, int(float64(base)*scale)) }
	return yearShape{workspaces: 3, people: 40, channels: 8,
		campaigns: n(200, 6), tasks: n(5000, 1), submissions: n(20000, 1),
		meetings: n(2000, 1), lines: n(40000, 1), audit: n(100000, 1), terms: n(300, 3)}
}

// benchWorkspaces are the generated workspaces; the first is the one the measures act in.
func benchWorkspace(i int) string { return fmt.Sprintf("T%d", i+1) }

func benchPerson(i int) string { return fmt.Sprintf("u%02d", i%40+1) }

func benchCampaign(i int) string { return fmt.Sprintf("camp-%04d", i) }

// benchMessage is the global message of the i-th campaign.
func benchMessage(i int) string {
	return fmt.Sprintf("Du 1er au 15 du mois, -%d %% sur toute la literie DouceNuit, en magasin et en ligne.", 10+i%40)
}

// benchID is the i-th generated id of a kind: a letter and five characters of the alphabet of
// the ids people type (no 0, 1, 8, 9), as the store generates them.
func benchID(kind byte, i int) string {
	id := []byte{kind, 'a', 'a', 'a', 'a', 'a'}
	for p := 5; p > 0 && i > 0; p-- {
		id[p] = base32Chars[i%32]
		i /= 32
	}
	return string(id)
}

// benchKinds are the eight channel kinds of every generated campaign: the built-in six and two
// custom ones each workspace declares.
var benchKinds = []string{"social", "email", "retail", "pr", "events", "web", "sms", "app"}

// generateYear builds a year of data ending at now. Entities are spread round-robin over the
// workspaces, so each holds a third; the random source is seeded, so two runs generate the same
// year.
func generateYear(y yearShape, now time.Time) store.Batch {
	rng := rand.New(rand.NewPCG(17, 2027))
	start := now.AddDate(-1, 0, 0)
	at := func(i, n int) time.Time { // i-th of n instants spread over the year
		step := now.Sub(start) / time.Duration(max(n, 1))
		return start.Add(time.Duration(i) * step).UTC().Truncate(time.Millisecond)
	}
	var b store.Batch
	for w := range y.workspaces {
		b.Workspaces = append(b.Workspaces, chorus.Workspace{ID: benchWorkspace(w), TimeZone: chorus.DefaultTimeZone,
			Lang: chorus.French, Leads: []string{"lea"}, CustomKinds: []string{"sms", "app"}, Version: 1, UpdatedBy: "lea", UpdatedAt: start})
	}
	for i := range y.campaigns {
		t := at(i, y.campaigns)
		day := chorus.DateOf(t.AddDate(0, 0, 20))
		c := chorus.Campaign{WorkspaceID: benchWorkspace(i % y.workspaces), Slug: benchCampaign(i),
			Name: fmt.Sprintf("Campagne %d", i), Lang: chorus.French, TimeZone: chorus.DefaultTimeZone,
			Message:     benchMessage(i),
			MustInclude: []string{fmt.Sprintf("-%d %%", 10+i%40), "en magasin et en ligne"},
			Leads:       []string{"lea", benchPerson(i + 1)}, Start: day, End: chorus.DateOf(t.AddDate(0, 0, 34)),
			Status: chorus.StatusActive, Version: 1, CreatedBy: "lea", CreatedAt: t, UpdatedBy: "lea", UpdatedAt: t}
		if t.Before(now.AddDate(0, -2, 0)) {
			c.Status = chorus.StatusClosed
		}
		for k := range y.channels {
			c.Channels = append(c.Channels, chorus.Channel{Kind: benchKinds[k%len(benchKinds)],
				SlackChannel: fmt.Sprintf("C%03d", k), Owner: benchPerson(i + k)})
		}
		b.Campaigns = append(b.Campaigns, c)
	}
	for i := range y.tasks {
		camp := i % y.campaigns
		t := at(i, y.tasks)
		due := t.Add(time.Duration(rng.IntN(30*24)) * time.Hour)
		status := chorus.TaskDone
		if due.After(now.AddDate(0, 0, -7)) || rng.IntN(10) == 0 {
			status = chorus.TaskOpen
		}
		b.Tasks = append(b.Tasks, chorus.Task{WorkspaceID: benchWorkspace(camp % y.workspaces), ID: benchID('t', i),
			Campaign: benchCampaign(camp), ChannelKind: benchKinds[i%len(benchKinds)], Title: fmt.Sprintf("Visuel %d", i),
			Owner: benchPerson(i), Due: due, Status: status, Version: 1, CreatedBy: "lea", CreatedAt: t, UpdatedBy: "lea", UpdatedAt: t})
	}
	for i := range y.submissions {
		camp := i % y.campaigns
		t := at(i, y.submissions)
		status := chorus.SubmissionApproved
		if i%50 == 0 {
			status = chorus.SubmissionPending
		}
		b.Submissions = append(b.Submissions, chorus.Submission{WorkspaceID: benchWorkspace(camp % y.workspaces),
			ID: benchID('s', i), Campaign: benchCampaign(camp), ChannelKind: benchKinds[i%len(benchKinds)],
			Text: fmt.Sprintf("Jusqu'à -%d %% sur la literie DouceNuit, en magasin et en ligne !", 10+camp%40), Author: benchPerson(i),
			SlackChannel: fmt.Sprintf("C%03d", i%8), SlackTS: fmt.Sprintf("%d.%06d", t.Unix(), i%1000000),
			CampaignVersion: 1, MessageHash: "h", Status: status, Version: 1, CreatedAt: t, UpdatedBy: benchPerson(i), UpdatedAt: t})
	}
	for i := range y.meetings {
		t := at(i, y.meetings)
		b.Meetings = append(b.Meetings, chorus.Meeting{WorkspaceID: benchWorkspace(i % y.workspaces), ID: benchID('m', i),
			Channel: fmt.Sprintf("C%03d", i%8), Title: fmt.Sprintf("Point hebdo %d", i), Campaign: benchCampaign(i % y.campaigns),
			Status: chorus.MeetingClosed, Lang: chorus.French, StartedBy: benchPerson(i), StartedAt: t, EndedAt: t.Add(time.Hour),
			Version: 1, UpdatedBy: benchPerson(i), UpdatedAt: t.Add(time.Hour)})
	}
	for i := range y.lines {
		m := i % y.meetings
		t := at(m, y.meetings).Add(time.Duration(i/y.meetings) * time.Minute)
		b.Lines = append(b.Lines, chorus.Line{WorkspaceID: benchWorkspace(m % y.workspaces), MeetingID: benchID('m', m),
			TS: fmt.Sprintf("%d.%06d", t.Unix(), i%1000000), Channel: fmt.Sprintf("C%03d", m%8), Kind: chorus.LineNote,
			Text: fmt.Sprintf("Le stock arrive le %d", i%28+1), Author: benchPerson(i), Order: fmt.Sprintf("%012x%08x", t.UnixMilli(), i),
			Version: 1, CreatedAt: t, UpdatedBy: benchPerson(i), UpdatedAt: t})
	}
	// the audit trail: a fifth about campaigns, the rest about their tasks and submissions,
	// with the targets /campaign audit reads
	for i := range y.audit {
		e := chorus.AuditEntry{ID: fmt.Sprintf("%012x%08xbench", at(i, y.audit).UnixMilli(), i), At: at(i, y.audit),
			Actor: benchPerson(i), Before: 1, After: 2}
		switch i % 5 {
		case 0:
			camp := i / 5 % y.campaigns
			e.WorkspaceID, e.Action, e.Target = benchWorkspace(camp%y.workspaces), "campaign.edit", "campaign:"+benchCampaign(camp)
		case 1, 2:
			t := b.Tasks[i/5%len(b.Tasks)]
			e.WorkspaceID, e.Action, e.Target = t.WorkspaceID, "task.done", "task:"+t.ID
		default:
			sub := b.Submissions[i/5%len(b.Submissions)]
			e.WorkspaceID, e.Action, e.Target = sub.WorkspaceID, "submission.approve", "submission:"+sub.ID
		}
		b.Audit = append(b.Audit, e)
	}
	for i := range y.terms {
		t := at(i, y.terms)
		b.Terms = append(b.Terms, chorus.GlossaryTerm{WorkspaceID: benchWorkspace(i % y.workspaces), Term: fmt.Sprintf("Marque%d", i),
			Lang: chorus.French, Definition: "nom officiel", Forbidden: []string{fmt.Sprintf("marq%d", i)},
			Version: 1, CreatedBy: "lea", CreatedAt: t, UpdatedBy: "lea", UpdatedAt: t})
	}
	return b
}
