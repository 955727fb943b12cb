package store

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/chorus-hq/chorus"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Collections of meeting minutes. Meetings and lines are versioned like campaigns; meeting_open
// holds one document per channel with an open meeting, the insert of which is what makes "one
// open meeting per channel" hold under concurrency (DESIGN rule 1).
const (
	collMeetings        = "meetings"
	collMeetingVersions = "meeting_versions"
	collLines           = "minutes_lines"
	collLineVersions    = "minutes_line_versions"
	collMeetingOpen     = "meeting_open"
)

// meetingIDAttempts bounds the retries on a generated meeting id that is taken already.
const meetingIDAttempts = 8

// staleOpenClaim is how old a channel's open-meeting claim must be before a claim whose meeting
// cannot be found is taken for the leftover of a crash rather than a start still in progress.
const staleOpenClaim = time.Minute

// meetingDoc is a stored meeting version (in meeting_versions) or head (in meetings). Folded is
// the title folded with chorus.Fold, which search matches on.
type meetingDoc struct {
	ID        string    `bson:"_id"`
	Workspace string    `bson:"workspace"`
	MeetingID string    `bson:"id"`
	Channel   string    `bson:"channel"`
	ThreadTS  string    `bson:"thread_ts,omitempty"`
	Title     string    `bson:"title"`
	Folded    string    `bson:"folded"`
	Campaign  string    `bson:"campaign"`
	Status    string    `bson:"status"`
	Lang      string    `bson:"lang"`
	Summary   string    `bson:"summary,omitempty"`
	StartedBy string    `bson:"started_by"`
	StartedAt time.Time `bson:"started_at"`
	EndedAt   time.Time `bson:"ended_at,omitempty"`
	Version   int       `bson:"version"`
	UpdatedBy string    `bson:"updated_by"`
	UpdatedAt time.Time `bson:"updated_at,omitempty"`
}

func toMeetingDoc(m chorus.Meeting) meetingDoc {
	return meetingDoc{
		Workspace: m.WorkspaceID, MeetingID: m.ID, Channel: m.Channel, ThreadTS: m.ThreadTS,
		Title: m.Title, Folded: chorus.Fold(m.Title), Campaign: m.Campaign, Status: string(m.Status),
		Lang: string(m.Lang), Summary: m.Summary, StartedBy: m.StartedBy, StartedAt: storedTime(m.StartedAt),
		EndedAt: storedTime(m.EndedAt), Version: m.Version, UpdatedBy: m.UpdatedBy, UpdatedAt: storedTime(m.UpdatedAt),
	}
}

func (d *meetingDoc) meeting() chorus.Meeting {
	return chorus.Meeting{
		WorkspaceID: d.Workspace, ID: d.MeetingID, Channel: d.Channel, ThreadTS: d.ThreadTS,
		Title: d.Title, Campaign: d.Campaign, Status: chorus.MeetingStatus(d.Status), Lang: chorus.Lang(d.Lang),
		Summary: d.Summary, StartedBy: d.StartedBy, StartedAt: storedTime(d.StartedAt), EndedAt: storedTime(d.EndedAt),
		Version: d.Version, UpdatedBy: d.UpdatedBy, UpdatedAt: storedTime(d.UpdatedAt),
	}
}

// lineDoc is a stored line version or head. Key is chorus.LineKey(meeting, ts); Folded is the
// text folded with chorus.Fold, for search.
type lineDoc struct {
	ID             string    `bson:"_id"`
	Workspace      string    `bson:"workspace"`
	Key            string    `bson:"key"`
	Meeting        string    `bson:"meeting"`
	TS             string    `bson:"ts"`
	Channel        string    `bson:"channel"`
	Kind           string    `bson:"kind"`
	Text           string    `bson:"text"`
	Folded         string    `bson:"folded"`
	Author         string    `bson:"author"`
	Permalink      string    `bson:"permalink,omitempty"`
	Owner          string    `bson:"owner,omitempty"`
	Due            time.Time `bson:"due,omitempty"`
	ChangesMessage bool      `bson:"changes_message"`
	AppliedVersion int       `bson:"applied_version,omitempty"`
	TaskID         string    `bson:"task_id,omitempty"`
	Deleted        bool      `bson:"deleted"`
	Order          string    `bson:"order"`
	Version        int       `bson:"version"`
	CreatedAt      time.Time `bson:"created_at,omitempty"`
	UpdatedBy      string    `bson:"updated_by"`
	UpdatedAt      time.Time `bson:"updated_at,omitempty"`
}

func toLineDoc(l chorus.Line) lineDoc {
	return lineDoc{
		Workspace: l.WorkspaceID, Key: l.Key(), Meeting: l.MeetingID, TS: l.TS, Channel: l.Channel,
		Kind: string(l.Kind), Text: l.Text, Folded: chorus.Fold(l.Text), Author: l.Author, Permalink: l.Permalink,
		Owner: l.Owner, Due: storedTime(l.Due), ChangesMessage: l.ChangesMessage, AppliedVersion: l.AppliedVersion,
		TaskID: l.TaskID, Deleted: l.Deleted, Order: l.Order, Version: l.Version, CreatedAt: storedTime(l.CreatedAt),
		UpdatedBy: l.UpdatedBy, UpdatedAt: storedTime(l.UpdatedAt),
	}
}

func (d *lineDoc) line() chorus.Line {
	return chorus.Line{
		WorkspaceID: d.Workspace, MeetingID: d.Meeting, TS: d.TS, Channel: d.Channel, Kind: chorus.LineKind(d.Kind),
		Text: d.Text, Author: d.Author, Permalink: d.Permalink, Owner: d.Owner, Due: storedTime(d.Due),
		ChangesMessage: d.ChangesMessage, AppliedVersion: d.AppliedVersion, TaskID: d.TaskID, Deleted: d.Deleted,
		Order: d.Order, Version: d.Version, CreatedAt: storedTime(d.CreatedAt), UpdatedBy: d.UpdatedBy,
		UpdatedAt: storedTime(d.UpdatedAt),
	}
}

// openDoc marks the open meeting of a channel: {_id: workspace/channel, meeting, at}. Only its
// insert decides who opened the channel's meeting; closing the meeting deletes it.
type openDoc struct {
	ID      string    `bson:"_id"`
	Meeting string    `bson:"meeting"`
	At      time.Time `bson:"at"`
}

func (s *Store) meetingRepo() *versioned[meetingDoc] { return &s.meetings }

// newestMeetingsFirst is the order of meeting lists, for the server and for the read model.
var (
	newestMeetingsFirst = bson.D{{Key: "started_at", Value: -1}, {Key: "id", Value: 1}}
	newestMeetingFirst  = byKeys(descTime(func(d *meetingDoc) time.Time { return d.StartedAt }),
		asc(func(d *meetingDoc) string { return d.MeetingID }))
)

func (s *Store) lineRepo() *versioned[lineDoc] { return &s.lines }

// minutesIndexes are the indexes of the minutes collections; createIndexes adds them to its list.
func minutesIndexes() []indexSpec {
	return []indexSpec{
		{collMeetingVersions, []mongo.IndexModel{uniqueIndex("workspace", "id", "version")}},
		// Meetings lists newest first then by id (newestMeetingsFirst): the keys carry both.
		{collMeetings, []mongo.IndexModel{plainIndex("workspace", "-started_at", "id"), plainIndex("workspace", "campaign", "-started_at", "id")}},
		{collLineVersions, []mongo.IndexModel{uniqueIndex("workspace", "key", "version")}},
		{collLines, []mongo.IndexModel{plainIndex("workspace", "meeting", "order", "ts"), plainIndex("workspace", "deleted")}},
	}
}

// StartMeeting stores m as version 1 of a new meeting, assigning a random six-character id when
// m.ID is empty. An open meeting first claims its channel: when the channel has an open meeting
// already it returns ErrConflict and stores nothing. A claim left by a crash (its meeting closed,
// or missing for longer than a start can take) is cleared and the start goes on.
func (s *Store) StartMeeting(ctx context.Context, m chorus.Meeting) (chorus.Meeting, error) {
	generate := m.ID == ""
	now := s.clock()
	m.Version, m.UpdatedAt = 1, now
	if m.StartedAt.IsZero() {
		m.StartedAt = now
	}
	if m.UpdatedBy == "" {
		m.UpdatedBy = m.StartedBy
	}
	repo := s.meetingRepo()
	for range meetingIDAttempts {
		if generate {
			m.ID = randomString(6)
		}
		if err := checkIdentity("meeting", m.WorkspaceID, m.ID, m.Channel); err != nil {
			return chorus.Meeting{}, err
		}
		open := m.Status == chorus.MeetingOpen
		if open {
			if err := s.claimChannel(ctx, m.WorkspaceID, m.Channel, m.ID); err != nil {
				return chorus.Meeting{}, err
			}
		}
		d := toMeetingDoc(m)
		err := repo.create(ctx, &d)
		if err == nil {
			return d.meeting(), nil
		}
		if open {
			s.releaseChannel(ctx, m.WorkspaceID, m.Channel, m.ID)
		}
		if !generate || !errors.Is(err, chorus.ErrConflict) {
			return chorus.Meeting{}, err
		}
	}
	return chorus.Meeting{}, fmt.Errorf("store: no free meeting id in workspace %q after %d attempts", m.WorkspaceID, meetingIDAttempts)
}

// claimChannel records meeting as the open meeting of channel, or returns ErrConflict.
func (s *Store) claimChannel(ctx context.Context, ws, channel, meeting string) error {
	coll := s.db.Collection(collMeetingOpen)
	d := openDoc{ID: idOf(ws, channel), Meeting: meeting, At: s.clock()}
	for attempt := 0; attempt < 2; attempt++ {
		unlock := s.lock()
		_, err := coll.InsertOne(ctx, d)
		unlock()
		if err == nil {
			return nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return fmt.Errorf("store: claim channel %s for a meeting: %w", channel, err)
		}
		var cur openDoc
		err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: d.ID}}).Decode(&cur)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue // closed meanwhile: try again
		}
		if err != nil {
			return fmt.Errorf("store: read open meeting of %s: %w", channel, err)
		}
		held, err := s.Meeting(ctx, ws, cur.Meeting)
		switch {
		case err == nil && held.Status == chorus.MeetingOpen:
			return fmt.Errorf("channel %s has open meeting %q: %w", channel, cur.Meeting, chorus.ErrConflict)
		case err == nil, errors.Is(err, chorus.ErrNotFound) && d.At.Sub(cur.At) > staleOpenClaim:
			s.releaseChannel(ctx, ws, channel, cur.Meeting) // a crash's leftover
		case errors.Is(err, chorus.ErrNotFound):
			return fmt.Errorf("channel %s has a meeting starting: %w", channel, chorus.ErrConflict)
		default:
			return err
		}
	}
	return fmt.Errorf("channel %s: meeting claim contended: %w", channel, chorus.ErrConflict)
}

// releaseChannel deletes channel's open-meeting claim if meeting still holds it. A failure only
// leaves a claim that the next start finds stale, so it is logged, not returned.
func (s *Store) releaseChannel(ctx context.Context, ws, channel, meeting string) {
	unlock := s.lock()
	defer unlock()
	_, err := s.db.Collection(collMeetingOpen).DeleteOne(ctx, bson.D{{Key: "_id", Value: idOf(ws, channel)}, {Key: "meeting", Value: meeting}})
	if err != nil {
		s.log.Warn("store: open meeting claim left behind", "workspace", ws, "channel", channel, "meeting", meeting, "err", err)
	}
}

// OpenMeeting returns the open meeting of channel, or ErrNotFound. It reads two documents by
// _id, the cheapest query on the embedded server, since every captured message asks it.
func (s *Store) OpenMeeting(ctx context.Context, ws, channel string) (chorus.Meeting, error) {
	var cur openDoc
	err := s.db.Collection(collMeetingOpen).FindOne(ctx, bson.D{{Key: "_id", Value: idOf(ws, channel)}}).Decode(&cur)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return chorus.Meeting{}, fmt.Errorf("open meeting in %s: %w", channel, chorus.ErrNotFound)
	}
	if err != nil {
		return chorus.Meeting{}, fmt.Errorf("store: read open meeting of %s: %w", channel, err)
	}
	m, err := s.Meeting(ctx, ws, cur.Meeting)
	if err != nil || m.Status != chorus.MeetingOpen {
		return chorus.Meeting{}, fmt.Errorf("open meeting in %s: %w", channel, chorus.ErrNotFound)
	}
	return m, nil
}

// Meeting returns the latest version of the meeting, or ErrNotFound.
func (s *Store) Meeting(ctx context.Context, ws, id string) (chorus.Meeting, error) {
	d, err := s.meetingRepo().get(ctx, ws, id)
	if err != nil {
		return chorus.Meeting{}, err
	}
	return d.meeting(), nil
}

// UpdateMeeting stores m as version m.Version+1, keeping who started it and when. It returns
// ErrConflict when someone stored that version first (two people ending the meeting at once:
// one of them wins). A meeting stored closed releases its channel for the next meeting.
func (s *Store) UpdateMeeting(ctx context.Context, m chorus.Meeting) (chorus.Meeting, error) {
	if err := checkIdentity("meeting", m.WorkspaceID, m.ID); err != nil {
		return chorus.Meeting{}, err
	}
	base := m.Version
	m.Version, m.UpdatedAt = base+1, s.clock()
	d := toMeetingDoc(m)
	err := s.meetingRepo().update(ctx, &d, base, func(d, prev *meetingDoc) {
		d.StartedBy, d.StartedAt, d.Channel = prev.StartedBy, prev.StartedAt, prev.Channel
	})
	if err != nil {
		return chorus.Meeting{}, err
	}
	if d.Status == string(chorus.MeetingClosed) {
		s.releaseChannel(ctx, d.Workspace, d.Channel, d.MeetingID)
	}
	return d.meeting(), nil
}

// Meetings returns the latest version of the workspace's meetings that f selects, newest first.
func (s *Store) Meetings(ctx context.Context, ws string, f chorus.MeetingFilter) ([]chorus.Meeting, error) {
	ms, _, err := s.MeetingsPage(ctx, ws, f, 0)
	return ms, err
}

// MeetingsPage returns the first limit (every one when 0) of the meetings Meetings returns, and
// how many there are in all. The read model keeps each workspace's meetings, and each
// campaign's, newest first: such a page costs the page, not the workspace's meetings.
func (s *Store) MeetingsPage(ctx context.Context, ws string, f chorus.MeetingFilter, limit int) ([]chorus.Meeting, int, error) {
	q := bson.D{{Key: "workspace", Value: ws}}
	if f.Campaign != "" {
		q = append(q, bson.E{Key: "campaign", Value: f.Campaign})
	}
	if f.Channel != "" {
		q = append(q, bson.E{Key: "channel", Value: f.Channel})
	}
	if f.Status != "" {
		q = append(q, bson.E{Key: "status", Value: string(f.Status)})
	}
	hq := headQuery[meetingDoc]{filter: q, sort: newestMeetingsFirst, ws: ws, less: newestMeetingFirst,
		match: func(d *meetingDoc) bool {
			return (f.Campaign == "" || d.Campaign == f.Campaign) && (f.Channel == "" || d.Channel == f.Channel) &&
				(f.Status == "" || d.Status == string(f.Status))
		}}
	switch f {
	case chorus.MeetingFilter{}:
		hq.order = orderNewestMeetings
	case chorus.MeetingFilter{Campaign: f.Campaign}:
		hq.order, hq.group = orderCampaignMeetings, f.Campaign
	}
	ds, total, err := s.meetingRepo().page(ctx, hq, 0, limit)
	if err != nil {
		return nil, 0, err
	}
	ms := make([]chorus.Meeting, len(ds))
	for i := range ds {
		ms[i] = ds[i].meeting()
	}
	return ms, total, nil
}

// The ordered indexes of meetings: every meeting of a workspace, and a campaign's, newest first.
const (
	orderNewestMeetings   = "newest"
	orderCampaignMeetings = "campaign, newest"
)

func meetingOrders() []order[meetingDoc] {
	return []order[meetingDoc]{
		{name: orderNewestMeetings, groups: one[meetingDoc], less: newestMeetingFirst},
		{name: orderCampaignMeetings, less: newestMeetingFirst, groups: func(d *meetingDoc) []string {
			if d.Campaign == "" {
				return nil
			}
			return []string{d.Campaign}
		}},
	}
}

// AddLine stores l as version 1 of a new line of its meeting. It returns ErrConflict when the
// meeting has a line from the same message already (a second reaction, or a Slack retry).
// Lines are separate documents, so any number of people adding lines at once all land.
func (s *Store) AddLine(ctx context.Context, l chorus.Line) (chorus.Line, error) {
	if err := checkIdentity("minutes line", l.WorkspaceID, l.MeetingID, l.TS); err != nil {
		return chorus.Line{}, err
	}
	now := s.clock()
	l.Version, l.CreatedAt, l.UpdatedAt = 1, now, now
	if l.UpdatedBy == "" {
		l.UpdatedBy = l.Author
	}
	if l.Order == "" {
		l.Order = s.newAuditID(now)
	}
	d := toLineDoc(l)
	if err := s.lineRepo().create(ctx, &d); err != nil {
		return chorus.Line{}, err
	}
	return d.line(), nil
}

// Line returns the latest version of the line taken from message ts in meeting, or ErrNotFound.
func (s *Store) Line(ctx context.Context, ws, meeting, ts string) (chorus.Line, error) {
	d, err := s.lineRepo().get(ctx, ws, chorus.LineKey(meeting, ts))
	if err != nil {
		return chorus.Line{}, err
	}
	return d.line(), nil
}

// UpdateLine stores l as version l.Version+1, keeping its author, capture order and creation
// time. It returns ErrConflict when someone stored that version first.
func (s *Store) UpdateLine(ctx context.Context, l chorus.Line) (chorus.Line, error) {
	if err := checkIdentity("minutes line", l.WorkspaceID, l.MeetingID, l.TS); err != nil {
		return chorus.Line{}, err
	}
	base := l.Version
	l.Version, l.UpdatedAt = base+1, s.clock()
	d := toLineDoc(l)
	err := s.lineRepo().update(ctx, &d, base, func(d, prev *lineDoc) {
		d.Author, d.Order, d.CreatedAt, d.Channel = prev.Author, prev.Order, prev.CreatedAt, prev.Channel
	})
	if err != nil {
		return chorus.Line{}, err
	}
	return d.line(), nil
}

// LineHistory returns every version of a line, oldest first, or ErrNotFound.
func (s *Store) LineHistory(ctx context.Context, ws, meeting, ts string) ([]chorus.Line, error) {
	ds, err := s.lineRepo().history(ctx, ws, chorus.LineKey(meeting, ts))
	if err != nil {
		return nil, err
	}
	ls := make([]chorus.Line, len(ds))
	for i := range ds {
		ls[i] = ds[i].line()
	}
	return ls, nil
}

// Lines returns the latest version of every line of the meeting, deleted ones included, in the
// order they were captured.
func (s *Store) Lines(ctx context.Context, ws, meeting string) ([]chorus.Line, error) {
	ds, err := s.lineRepo().list(ctx, headQuery[lineDoc]{
		filter: bson.D{{Key: "workspace", Value: ws}, {Key: "meeting", Value: meeting}},
		sort:   bson.D{{Key: "order", Value: 1}, {Key: "ts", Value: 1}}, ws: ws, index: "meeting", values: []string{meeting},
		match: func(d *lineDoc) bool { return d.Meeting == meeting },
		less:  byKeys(asc(func(d *lineDoc) string { return d.Order }), asc(func(d *lineDoc) string { return d.TS }))})
	if err != nil {
		return nil, err
	}
	ls := make([]chorus.Line, len(ds))
	for i := range ds {
		ls[i] = ds[i].line()
	}
	return ls, nil
}

// maxSearchHits bounds what a search returns: people refine a search rather than page through it.
const maxSearchHits = 50

// SearchMeetings returns the workspace's meetings, newest first, in whose title or live lines
// every word of query appears, ignoring case and accents ("Décision" finds "decision"). It
// matches regular expressions on the folded copies of titles and texts, since the embedded
// server has no text index.
func (s *Store) SearchMeetings(ctx context.Context, ws, query string) ([]chorus.Meeting, error) {
	words := strings.Fields(chorus.Fold(query))
	if len(words) == 0 {
		return nil, nil
	}
	var found map[string]bool
	for _, w := range words {
		re := bson.D{{Key: "$regex", Value: regexp.QuoteMeta(w)}}
		var ids []string
		if err := s.db.Collection(collMeetings).Distinct(ctx, "id",
			bson.D{{Key: "workspace", Value: ws}, {Key: "folded", Value: re}}).Decode(&ids); err != nil {
			return nil, fmt.Errorf("store: search meeting titles: %w", err)
		}
		var inLines []string
		if err := s.db.Collection(collLines).Distinct(ctx, "meeting",
			bson.D{{Key: "workspace", Value: ws}, {Key: "deleted", Value: false}, {Key: "folded", Value: re}}).Decode(&inLines); err != nil {
			return nil, fmt.Errorf("store: search minutes lines: %w", err)
		}
		these := map[string]bool{}
		for _, id := range append(ids, inLines...) {
			if found == nil || found[id] {
				these[id] = true
			}
		}
		found = these
		if len(found) == 0 {
			return nil, nil
		}
	}
	// The heads found, by _id: a lookup per meeting, whose few results are sorted in memory.
	repo := s.meetingRepo()
	ids := make(bson.A, 0, len(found))
	for id := range found {
		ids = append(ids, repo.headID(ws, id))
	}
	ds, err := repo.list(ctx, headQuery[meetingDoc]{
		filter: bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}},
		sort:   newestMeetingsFirst, ws: ws, less: newestMeetingFirst,
		match: func(d *meetingDoc) bool { return found[d.MeetingID] }})
	if err != nil {
		return nil, err
	}
	ms := make([]chorus.Meeting, len(ds))
	for i := range ds {
		ms[i] = ds[i].meeting()
	}
	if len(ms) > maxSearchHits {
		ms = ms[:maxSearchHits]
	}
	return ms, nil
}
