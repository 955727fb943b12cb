package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/chorus-hq/chorus"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Collections of briefings. A briefing is versioned like a campaign (its FAQ and editions are
// edits); acknowledgements, the threads of sent editions, questions and their answers are
// documents of their own, each written once (DESIGN rule 4).
const (
	collBriefings        = "briefings"
	collBriefingVersions = "briefing_versions"
	collAcks             = "briefing_acks"
	collBriefingThreads  = "briefing_threads"
	collQuestions        = "briefing_questions"
	collAnswers          = "briefing_answers"
)

// briefingDoc is a stored briefing version or head.
type briefingDoc struct {
	ID              string        `bson:"_id"`
	Workspace       string        `bson:"workspace"`
	Campaign        string        `bson:"campaign"`
	FAQ             []faqDoc      `bson:"faq,omitempty"`
	Edition         int           `bson:"edition"`
	CampaignVersion int           `bson:"campaign_version"`
	Message         string        `bson:"message,omitempty"`
	Points          []string      `bson:"points,omitempty"`
	Start           string        `bson:"start,omitempty"`
	End             string        `bson:"end,omitempty"`
	GoLive          time.Time     `bson:"golive,omitempty"`
	Deliveries      []deliveryDoc `bson:"deliveries,omitempty"`
	SentBy          string        `bson:"sent_by,omitempty"`
	SentAt          time.Time     `bson:"sent_at,omitempty"`
	Version         int           `bson:"version"`
	UpdatedBy       string        `bson:"updated_by"`
	UpdatedAt       time.Time     `bson:"updated_at,omitempty"`
}

type faqDoc struct {
	Question string `bson:"q"`
	Answer   string `bson:"a"`
}

type deliveryDoc struct {
	Channel string      `bson:"channel"`
	Kind    string      `bson:"kind"`
	TS      string      `bson:"ts,omitempty"`
	Members []memberDoc `bson:"members,omitempty"`
}

type memberDoc struct {
	User     string `bson:"user"`
	TimeZone string `bson:"tz,omitempty"`
}

func toBriefingDoc(b chorus.Briefing) briefingDoc {
	d := briefingDoc{Workspace: b.WorkspaceID, Campaign: b.Campaign, Edition: b.Edition, CampaignVersion: b.CampaignVersion,
		Message: b.Message, Points: nilIfEmpty(b.Points), Start: dateString(b.Start), End: dateString(b.End), GoLive: storedTime(b.GoLive),
		SentBy: b.SentBy, SentAt: storedTime(b.SentAt), Version: b.Version, UpdatedBy: b.UpdatedBy, UpdatedAt: storedTime(b.UpdatedAt)}
	for _, e := range b.FAQ {
		d.FAQ = append(d.FAQ, faqDoc(e))
	}
	for _, dl := range b.Deliveries {
		dd := deliveryDoc{Channel: dl.Channel, Kind: dl.Kind, TS: dl.TS}
		for _, m := range dl.Members {
			dd.Members = append(dd.Members, memberDoc(m))
		}
		d.Deliveries = append(d.Deliveries, dd)
	}
	return d
}

func (d *briefingDoc) briefing() (chorus.Briefing, error) {
	b := chorus.Briefing{WorkspaceID: d.Workspace, Campaign: d.Campaign, Edition: d.Edition, CampaignVersion: d.CampaignVersion,
		Message: d.Message, Points: nilIfEmpty(d.Points), GoLive: storedTime(d.GoLive), SentBy: d.SentBy, SentAt: storedTime(d.SentAt),
		Version: d.Version, UpdatedBy: d.UpdatedBy, UpdatedAt: storedTime(d.UpdatedAt)}
	var err error
	if b.Start, err = parseDate("briefing start", "", d.Start); err != nil {
		return b, err
	}
	if b.End, err = parseDate("briefing end", "", d.End); err != nil {
		return b, err
	}
	for _, e := range d.FAQ {
		b.FAQ = append(b.FAQ, chorus.FAQEntry(e))
	}
	for _, dd := range d.Deliveries {
		dl := chorus.Delivery{Channel: dd.Channel, Kind: dd.Kind, TS: dd.TS}
		for _, m := range dd.Members {
			dl.Members = append(dl.Members, chorus.Member(m))
		}
		b.Deliveries = append(b.Deliveries, dl)
	}
	return b, nil
}

func (s *Store) briefingRepo() *versioned[briefingDoc] {
	return &versioned[briefingDoc]{
		s: s, what: "briefing", keyField: "campaign",
		heads: s.db.Collection(collBriefings), versions: s.db.Collection(collBriefingVersions),
		ident: func(d *briefingDoc) (string, string, int) { return d.Workspace, d.Campaign, d.Version },
		setID: func(d *briefingDoc, id string) { d.ID = id },
	}
}

// briefingIndexes are the indexes of the briefing collections; createIndexes adds them.
func briefingIndexes() []indexSpec {
	return []indexSpec{
		{collBriefingVersions, []mongo.IndexModel{uniqueIndex("workspace", "campaign", "version")}},
		// SentBriefings: a range on golive, sorted by it; edition is filtered in the index.
		{collBriefings, []mongo.IndexModel{plainIndex("golive", "_id", "edition")}}, // heads are otherwise read by _id
		{collAcks, []mongo.IndexModel{plainIndex("workspace", "campaign", "edition", "at")}},
		{collQuestions, []mongo.IndexModel{plainIndex("at", "_id"), plainIndex("workspace", "channel", "thread", "at", "_id")}},
		{collExpertVersions, []mongo.IndexModel{uniqueIndex("workspace", "version")}},
	}
}

// Briefing returns the latest version of a campaign's briefing, or ErrNotFound.
func (s *Store) Briefing(ctx context.Context, ws, campaign string) (chorus.Briefing, error) {
	d, err := s.briefingRepo().get(ctx, ws, campaign)
	if err != nil {
		return chorus.Briefing{}, err
	}
	return d.briefing()
}

// SaveBriefing stores b as version b.Version+1 (1 for a new briefing), or returns ErrConflict
// when someone stored that version first.
func (s *Store) SaveBriefing(ctx context.Context, b chorus.Briefing) (chorus.Briefing, error) {
	if err := checkIdentity("briefing", b.WorkspaceID, b.Campaign); err != nil {
		return chorus.Briefing{}, err
	}
	base := b.Version
	b.Version, b.UpdatedAt = base+1, s.clock()
	d := toBriefingDoc(b)
	repo := s.briefingRepo()
	var err error
	if base == 0 {
		err = repo.create(ctx, &d)
	} else {
		err = repo.update(ctx, &d, base, func(*briefingDoc, *briefingDoc) {})
	}
	if err != nil {
		return chorus.Briefing{}, err
	}
	return d.briefing()
}

// SentBriefings returns the latest version of every briefing sent at least once whose campaign
// goes live after liveAfter, in every workspace, soonest live first: what the scheduler's
// reminders are planned from, without reading the briefings of campaigns long live.
func (s *Store) SentBriefings(ctx context.Context, liveAfter time.Time) ([]chorus.Briefing, error) {
	ds, err := s.briefingRepo().list(ctx, headQuery[briefingDoc]{
		filter: bson.D{{Key: "golive", Value: bson.D{{Key: "$gt", Value: storedTime(liveAfter)}}}, {Key: "edition", Value: bson.D{{Key: "$gt", Value: 0}}}},
		sort:   bson.D{{Key: "golive", Value: 1}, {Key: "_id", Value: 1}},
	})
	if err != nil {
		return nil, err
	}
	out := make([]chorus.Briefing, 0, len(ds))
	for i := range ds {
		b, err := ds[i].briefing()
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

type ackDoc struct {
	ID        string    `bson:"_id"`
	Workspace string    `bson:"workspace"`
	Campaign  string    `bson:"campaign"`
	Edition   int       `bson:"edition"`
	User      string    `bson:"user"`
	At        time.Time `bson:"at"`
}

// AddAck records a « Lu et compris »; ErrConflict when that person acknowledged that edition
// already.
func (s *Store) AddAck(ctx context.Context, a chorus.Ack) error {
	if err := checkIdentity("acknowledgement", a.WorkspaceID, a.Campaign, a.User); err != nil {
		return err
	}
	if a.At.IsZero() {
		a.At = s.clock()
	}
	d := ackDoc{ID: idOf(a.WorkspaceID, a.Campaign, strconv.Itoa(a.Edition), a.User), Workspace: a.WorkspaceID,
		Campaign: a.Campaign, Edition: a.Edition, User: a.User, At: storedTime(a.At)}
	unlock := s.lock()
	defer unlock()
	_, err := s.db.Collection(collAcks).InsertOne(ctx, d)
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("%s acknowledged %s edition %d already: %w", a.User, a.Campaign, a.Edition, chorus.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: record acknowledgement: %w", err)
	}
	return nil
}

// Acks returns the acknowledgements of an edition of a campaign's briefing, oldest first.
func (s *Store) Acks(ctx context.Context, ws, campaign string, edition int) ([]chorus.Ack, error) {
	cur, err := s.db.Collection(collAcks).Find(ctx, bson.D{{Key: "workspace", Value: ws}, {Key: "campaign", Value: campaign}, {Key: "edition", Value: edition}},
		options.Find().SetSort(bson.D{{Key: "at", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("store: read acknowledgements: %w", err)
	}
	var ds []ackDoc
	if err := cur.All(ctx, &ds); err != nil {
		return nil, fmt.Errorf("store: read acknowledgements: %w", err)
	}
	out := make([]chorus.Ack, len(ds))
	for i, d := range ds {
		out[i] = chorus.Ack{WorkspaceID: d.Workspace, Campaign: d.Campaign, Edition: d.Edition, User: d.User, At: storedTime(d.At)}
	}
	return out, nil
}

type briefThreadDoc struct {
	ID       string `bson:"_id"`
	Campaign string `bson:"campaign"`
	Edition  int    `bson:"edition"`
}

// AddBriefingThread records that the message at ts in channel is an edition of a campaign's
// briefing, so that questions in its thread find their briefing. Recording it twice is harmless.
func (s *Store) AddBriefingThread(ctx context.Context, ws, channel, ts, campaign string, edition int) error {
	unlock := s.lock()
	defer unlock()
	_, err := s.db.Collection(collBriefingThreads).InsertOne(ctx, briefThreadDoc{ID: idOf(ws, channel, ts), Campaign: campaign, Edition: edition})
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("store: record briefing thread: %w", err)
	}
	return nil
}

// BriefingThread returns the campaign and edition of the briefing whose message is at ts in
// channel, or ErrNotFound.
func (s *Store) BriefingThread(ctx context.Context, ws, channel, ts string) (string, int, error) {
	var d briefThreadDoc
	err := s.db.Collection(collBriefingThreads).FindOne(ctx, bson.D{{Key: "_id", Value: idOf(ws, channel, ts)}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", 0, fmt.Errorf("briefing thread %s/%s: %w", channel, ts, chorus.ErrNotFound)
	}
	if err != nil {
		return "", 0, fmt.Errorf("store: read briefing thread: %w", err)
	}
	return d.Campaign, d.Edition, nil
}

type questionDoc struct {
	ID        string    `bson:"_id"`
	Workspace string    `bson:"workspace"`
	Question  string    `bson:"question"`
	Campaign  string    `bson:"campaign"`
	Channel   string    `bson:"channel"`
	Thread    string    `bson:"thread"`
	TS        string    `bson:"ts"`
	Asker     string    `bson:"asker"`
	Text      string    `bson:"text"`
	Topics    []string  `bson:"topics,omitempty"`
	Experts   []string  `bson:"experts,omitempty"`
	At        time.Time `bson:"at"`
}

type answerDoc struct {
	ID   string    `bson:"_id"` // the question's _id: the first answer wins
	Text string    `bson:"text"`
	By   string    `bson:"by"`
	At   time.Time `bson:"at"`
}

// AddQuestion records a question; ErrConflict when it is recorded already (an event seen twice).
func (s *Store) AddQuestion(ctx context.Context, q chorus.Question) error {
	if err := checkIdentity("question", q.WorkspaceID, q.ID, q.Campaign); err != nil {
		return err
	}
	d := questionDoc{ID: idOf(q.WorkspaceID, q.ID), Workspace: q.WorkspaceID, Question: q.ID, Campaign: q.Campaign, Channel: q.Channel,
		Thread: q.Thread, TS: q.TS, Asker: q.Asker, Text: q.Text, Topics: nilIfEmpty(q.Topics), Experts: nilIfEmpty(q.Experts), At: storedTime(q.At)}
	unlock := s.lock()
	defer unlock()
	_, err := s.db.Collection(collQuestions).InsertOne(ctx, d)
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("question %s: %w", q.ID, chorus.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: record question: %w", err)
	}
	return nil
}

// AnswerQuestion records the answer to a question; ErrConflict when it has one already.
func (s *Store) AnswerQuestion(ctx context.Context, ws, id, by, text string, at time.Time) error {
	unlock := s.lock()
	defer unlock()
	_, err := s.db.Collection(collAnswers).InsertOne(ctx, answerDoc{ID: idOf(ws, id), Text: text, By: by, At: storedTime(at)})
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("question %s has an answer: %w", id, chorus.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: record answer: %w", err)
	}
	return nil
}

// Question returns one question with its answer, or ErrNotFound.
func (s *Store) Question(ctx context.Context, ws, id string) (chorus.Question, error) {
	var d questionDoc
	err := s.db.Collection(collQuestions).FindOne(ctx, bson.D{{Key: "_id", Value: idOf(ws, id)}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return chorus.Question{}, fmt.Errorf("question %s: %w", id, chorus.ErrNotFound)
	}
	if err != nil {
		return chorus.Question{}, fmt.Errorf("store: read question: %w", err)
	}
	qs, err := s.withAnswers(ctx, []questionDoc{d})
	if err != nil {
		return chorus.Question{}, err
	}
	return qs[0], nil
}

// ThreadQuestions returns the questions asked in a briefing's thread, oldest first, with their
// answers.
func (s *Store) ThreadQuestions(ctx context.Context, ws, channel, thread string) ([]chorus.Question, error) {
	return s.questions(ctx, bson.D{{Key: "workspace", Value: ws}, {Key: "channel", Value: channel}, {Key: "thread", Value: thread}})
}

// QuestionsSince returns the questions asked since since in every workspace, oldest first, with
// their answers: what escalations are planned from.
func (s *Store) QuestionsSince(ctx context.Context, since time.Time) ([]chorus.Question, error) {
	return s.questions(ctx, bson.D{{Key: "at", Value: bson.D{{Key: "$gte", Value: storedTime(since)}}}})
}

func (s *Store) questions(ctx context.Context, filter bson.D) ([]chorus.Question, error) {
	cur, err := s.db.Collection(collQuestions).Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("store: read questions: %w", err)
	}
	var ds []questionDoc
	if err := cur.All(ctx, &ds); err != nil {
		return nil, fmt.Errorf("store: read questions: %w", err)
	}
	return s.withAnswers(ctx, ds)
}

// withAnswers joins the questions ds with their answers.
func (s *Store) withAnswers(ctx context.Context, ds []questionDoc) ([]chorus.Question, error) {
	out := make([]chorus.Question, len(ds))
	if len(ds) == 0 {
		return out, nil
	}
	ids := make(bson.A, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	cur, err := s.db.Collection(collAnswers).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return nil, fmt.Errorf("store: read answers: %w", err)
	}
	var as []answerDoc
	if err := cur.All(ctx, &as); err != nil {
		return nil, fmt.Errorf("store: read answers: %w", err)
	}
	answers := make(map[string]answerDoc, len(as))
	for _, a := range as {
		answers[a.ID] = a
	}
	for i, d := range ds {
		a := answers[d.ID]
		out[i] = chorus.Question{WorkspaceID: d.Workspace, ID: d.Question, Campaign: d.Campaign, Channel: d.Channel, Thread: d.Thread,
			TS: d.TS, Asker: d.Asker, Text: d.Text, Topics: nilIfEmpty(d.Topics), Experts: nilIfEmpty(d.Experts), At: storedTime(d.At),
			Answer: a.Text, AnsweredBy: a.By, AnsweredAt: storedTime(a.At)}
	}
	return out, nil
}
