package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/chorus-hq/chorus"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Collections of the drift approval flow. Submissions are versioned like campaigns (each
// re-check and each decision is a version); decisions and exceptions are their own documents
// with deterministic ids (DESIGN rules 1 and 2); drift_autocheck holds one opt-in per channel.
const (
	collSubmissions        = "submissions"
	collSubmissionVersions = "submission_versions"
	collDecisions          = "submission_decisions"
	collExceptions         = "drift_exceptions"
	collAutoChecks         = "drift_autocheck"
)

// submissionIDAttempts bounds the retries on a random submission id that is taken already.
const submissionIDAttempts = 8

type verdictDoc struct {
	Drift    bool     `bson:"drift"`
	Kinds    []string `bson:"kinds,omitempty"`
	Findings int      `bson:"findings"`
	Judged   bool     `bson:"judged,omitempty"`
	Excepted bool     `bson:"excepted,omitempty"`
	ToCheck  int      `bson:"to_check,omitempty"`
}

// submissionDoc is a stored submission version (in submission_versions) or head (in
// submissions). Msg is "channel/ts" of a Slack message, for the lookup by message.
type submissionDoc struct {
	ID              string     `bson:"_id"`
	Workspace       string     `bson:"workspace"`
	SubmissionID    string     `bson:"id"`
	Campaign        string     `bson:"campaign"`
	Kind            string     `bson:"kind"`
	Text            string     `bson:"text"`
	Author          string     `bson:"author"`
	SlackChannel    string     `bson:"slack_channel,omitempty"`
	SlackTS         string     `bson:"slack_ts,omitempty"`
	CampaignVersion int        `bson:"campaign_version"`
	MessageHash     string     `bson:"message_hash"`
	Verdict         verdictDoc `bson:"verdict"`
	Status          string     `bson:"status"`
	Step            int        `bson:"step,omitempty"`
	Version         int        `bson:"version"`
	CreatedAt       time.Time  `bson:"created_at,omitempty"`
	UpdatedBy       string     `bson:"updated_by"`
	UpdatedAt       time.Time  `bson:"updated_at,omitempty"`
}

func toSubmissionDoc(s chorus.Submission) submissionDoc {
	return submissionDoc{
		Workspace: s.WorkspaceID, SubmissionID: s.ID, Campaign: s.Campaign, Kind: s.ChannelKind, Text: s.Text,
		Author: s.Author, SlackChannel: s.SlackChannel, SlackTS: s.SlackTS, CampaignVersion: s.CampaignVersion,
		MessageHash: s.MessageHash, Status: string(s.Status), Step: s.Step, Version: s.Version, CreatedAt: storedTime(s.CreatedAt),
		UpdatedBy: s.UpdatedBy, UpdatedAt: storedTime(s.UpdatedAt),
		Verdict: verdictDoc{Drift: s.Verdict.Drift, Kinds: nilIfEmpty(s.Verdict.Kinds), Findings: s.Verdict.Findings,
			Judged: s.Verdict.Judged, Excepted: s.Verdict.Excepted, ToCheck: s.Verdict.ToCheck},
	}
}

func (d *submissionDoc) submission() chorus.Submission {
	return chorus.Submission{
		WorkspaceID: d.Workspace, ID: d.SubmissionID, Campaign: d.Campaign, ChannelKind: d.Kind, Text: d.Text,
		Author: d.Author, SlackChannel: d.SlackChannel, SlackTS: d.SlackTS, CampaignVersion: d.CampaignVersion,
		MessageHash: d.MessageHash, Status: chorus.SubmissionStatus(d.Status), Step: d.Step, Version: d.Version,
		CreatedAt: storedTime(d.CreatedAt), UpdatedBy: d.UpdatedBy, UpdatedAt: storedTime(d.UpdatedAt),
		Verdict: chorus.Verdict{Drift: d.Verdict.Drift, Kinds: nilIfEmpty(d.Verdict.Kinds), Findings: d.Verdict.Findings,
			Judged: d.Verdict.Judged, Excepted: d.Verdict.Excepted, ToCheck: d.Verdict.ToCheck},
	}
}

func submissions(ds []submissionDoc) []chorus.Submission {
	out := make([]chorus.Submission, len(ds))
	for i := range ds {
		out[i] = ds[i].submission()
	}
	return out
}

func (s *Store) submissionRepo() *versioned[submissionDoc] { return &s.subs }

// submissionIndexes are the indexes of the drift collections; createIndexes adds them to its list.
func submissionIndexes() []indexSpec {
	return []indexSpec{
		{collSubmissionVersions, []mongo.IndexModel{uniqueIndex("workspace", "id", "version")}},
		// Submissions sorts newest first then by id: the keys carry both, in those directions.
		{collSubmissions, []mongo.IndexModel{
			plainIndex("workspace", "campaign", "-updated_at", "id"),
			plainIndex("workspace", "status", "-updated_at", "id"),
			plainIndex("workspace", "campaign", "status", "-updated_at", "id"),
			plainIndex("workspace", "author", "-updated_at", "id"),
		}},
		{collDecisions, []mongo.IndexModel{plainIndex("workspace", "submission", "at", "version")}},
	}
}

// CreateSubmission stores s as version 1 of a new submission, with CreatedAt and UpdatedAt from
// the clock. A Slack message's submission gets the id chorus.MessageSubmissionID, so a second
// submission of the same message returns ErrConflict (load it with SubmissionByMessage); a copy
// typed in a command gets a random six-character id.
func (s *Store) CreateSubmission(ctx context.Context, sub chorus.Submission) (chorus.Submission, error) {
	now := s.clock()
	sub.Version, sub.CreatedAt, sub.UpdatedAt = 1, now, now
	if sub.UpdatedBy == "" {
		sub.UpdatedBy = sub.Author
	}
	generate := false
	switch {
	case sub.SlackTS != "":
		sub.ID = chorus.MessageSubmissionID(sub.SlackChannel, sub.SlackTS)
	case sub.ID == "":
		generate = true
	}
	repo := s.submissionRepo()
	for range submissionIDAttempts {
		if generate {
			sub.ID = randomString(6)
		}
		if err := checkIdentity("submission", sub.WorkspaceID, sub.ID, sub.Campaign); err != nil {
			return chorus.Submission{}, err
		}
		d := toSubmissionDoc(sub)
		err := repo.create(ctx, &d)
		if err == nil {
			return d.submission(), nil
		}
		if !generate || !errors.Is(err, chorus.ErrConflict) {
			return chorus.Submission{}, err
		}
	}
	return chorus.Submission{}, fmt.Errorf("store: no free submission id in workspace %q after %d attempts", sub.WorkspaceID, submissionIDAttempts)
}

// Submission returns the latest version of the submission, or ErrNotFound.
func (s *Store) Submission(ctx context.Context, ws, id string) (chorus.Submission, error) {
	if err := checkIdentity("submission", ws, id); err != nil {
		return chorus.Submission{}, err
	}
	d, err := s.submissionRepo().get(ctx, ws, id)
	if err != nil {
		return chorus.Submission{}, err
	}
	return d.submission(), nil
}

// SubmissionByMessage returns the submission of the Slack message ts in channel, or
// ErrNotFound. It reads one document by _id, the cheapest query, since every edited message in
// a channel Chorus is in asks it.
func (s *Store) SubmissionByMessage(ctx context.Context, ws, channel, ts string) (chorus.Submission, error) {
	if err := checkIdentity("message", ws, channel, ts); err != nil {
		return chorus.Submission{}, err
	}
	return s.Submission(ctx, ws, chorus.MessageSubmissionID(channel, ts))
}

// UpdateSubmission stores sub as version sub.Version+1, keeping what identifies the copy (its
// campaign, author, Slack message and creation time). It returns ErrConflict when someone
// stored that version first: a re-check and a lead's decision, or two leads, raced.
func (s *Store) UpdateSubmission(ctx context.Context, sub chorus.Submission) (chorus.Submission, error) {
	if err := checkIdentity("submission", sub.WorkspaceID, sub.ID); err != nil {
		return chorus.Submission{}, err
	}
	base := sub.Version
	sub.Version, sub.UpdatedAt = base+1, s.clock()
	d := toSubmissionDoc(sub)
	err := s.submissionRepo().update(ctx, &d, base, func(d, prev *submissionDoc) {
		d.Campaign, d.Author, d.SlackChannel, d.SlackTS, d.CreatedAt = prev.Campaign, prev.Author, prev.SlackChannel, prev.SlackTS, prev.CreatedAt
	})
	if err != nil {
		return chorus.Submission{}, err
	}
	return d.submission(), nil
}

// SubmissionHistory returns every version of the submission, oldest first, or ErrNotFound.
func (s *Store) SubmissionHistory(ctx context.Context, ws, id string) ([]chorus.Submission, error) {
	ds, err := s.submissionRepo().history(ctx, ws, id)
	if err != nil {
		return nil, err
	}
	return submissions(ds), nil
}

// Submissions returns the latest version of the workspace's submissions that f selects, most
// recently changed first.
func (s *Store) Submissions(ctx context.Context, ws string, f chorus.SubmissionFilter) ([]chorus.Submission, error) {
	q := bson.D{{Key: "workspace", Value: ws}}
	if f.Campaign != "" {
		q = append(q, bson.E{Key: "campaign", Value: f.Campaign})
	}
	if f.Author != "" {
		q = append(q, bson.E{Key: "author", Value: f.Author})
	}
	if len(f.Statuses) > 0 {
		in := make(bson.A, len(f.Statuses))
		for i, st := range f.Statuses {
			in[i] = string(st)
		}
		q = append(q, bson.E{Key: "status", Value: bson.D{{Key: "$in", Value: in}}})
	}
	hq := headQuery[submissionDoc]{
		filter: q, sort: bson.D{{Key: "updated_at", Value: -1}, {Key: "id", Value: 1}}, ws: ws,
		less: bySubmissionChange,
		match: func(d *submissionDoc) bool {
			return (f.Campaign == "" || d.Campaign == f.Campaign) && (f.Author == "" || d.Author == f.Author) &&
				(len(f.Statuses) == 0 || slices.Contains(f.Statuses, chorus.SubmissionStatus(d.Status)))
		}}
	if f.Campaign != "" { // a campaign's submissions, else the ones in a status (the App Home's)
		hq = hq.narrowed("campaign", f.Campaign)
	} else {
		hq = hq.narrowed("status", statusValues(f.Statuses)...)
	}
	ds, err := s.submissionRepo().list(ctx, hq)
	if err != nil {
		return nil, err
	}
	return submissions(ds), nil
}

// decisionDoc is a lead's decision, {_id: workspace/submission/version, …}: the version it
// produced names it, so one version has at most one decision.
type decisionDoc struct {
	ID         string    `bson:"_id"`
	Workspace  string    `bson:"workspace"`
	Submission string    `bson:"submission"`
	Version    int       `bson:"version"`
	Kind       string    `bson:"kind"`
	Author     string    `bson:"author"`
	Comment    string    `bson:"comment,omitempty"`
	At         time.Time `bson:"at"`
}

// AddDecision records d; At defaults to the clock. It returns ErrConflict when the submission
// version already has a decision.
func (s *Store) AddDecision(ctx context.Context, d chorus.Decision) error {
	if err := checkIdentity("decision", d.WorkspaceID, d.Submission, string(d.Kind)); err != nil {
		return err
	}
	if d.At.IsZero() {
		d.At = s.clock()
	}
	doc := decisionDoc{
		ID: idOf(d.WorkspaceID, d.Submission, strconv.Itoa(d.Version)), Workspace: d.WorkspaceID, Submission: d.Submission,
		Version: d.Version, Kind: string(d.Kind), Author: d.Author, Comment: d.Comment, At: storedTime(d.At),
	}
	unlock := s.lock()
	defer unlock()
	_, err := s.db.Collection(collDecisions).InsertOne(ctx, doc)
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("submission %q version %d has a decision already: %w", d.Submission, d.Version, chorus.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: write decision on submission %q: %w", d.Submission, err)
	}
	return nil
}

// Decisions returns the decisions taken on a submission, oldest first.
func (s *Store) Decisions(ctx context.Context, ws, submission string) ([]chorus.Decision, error) {
	cur, err := s.db.Collection(collDecisions).Find(ctx, bson.D{{Key: "workspace", Value: ws}, {Key: "submission", Value: submission}},
		options.Find().SetSort(bson.D{{Key: "at", Value: 1}, {Key: "version", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("store: read decisions on %q: %w", submission, err)
	}
	var ds []decisionDoc
	if err := cur.All(ctx, &ds); err != nil {
		return nil, fmt.Errorf("store: read decisions on %q: %w", submission, err)
	}
	out := make([]chorus.Decision, len(ds))
	for i, d := range ds {
		out[i] = chorus.Decision{WorkspaceID: d.Workspace, Submission: d.Submission, Version: d.Version,
			Kind: chorus.DecisionKind(d.Kind), Author: d.Author, Comment: d.Comment, At: storedTime(d.At)}
	}
	return out, nil
}

// exceptionDoc is an approved deviation, {_id: workspace/campaign/text hash/message hash, …}.
type exceptionDoc struct {
	ID          string    `bson:"_id"`
	Workspace   string    `bson:"workspace"`
	Campaign    string    `bson:"campaign"`
	TextHash    string    `bson:"text_hash"`
	MessageHash string    `bson:"message_hash"`
	Submission  string    `bson:"submission"`
	Author      string    `bson:"author"`
	Comment     string    `bson:"comment,omitempty"`
	At          time.Time `bson:"at"`
}

func exceptionID(ws, campaign, textHash, messageHash string) string {
	return idOf(ws, campaign, textHash, messageHash)
}

// AddException records e; At defaults to the clock. Granting the same exception again keeps
// the first record and is not an error: the text is excepted either way.
func (s *Store) AddException(ctx context.Context, e chorus.Exception) error {
	if err := checkIdentity("exception", e.WorkspaceID, e.Campaign, e.TextHash, e.MessageHash); err != nil {
		return err
	}
	if e.At.IsZero() {
		e.At = s.clock()
	}
	d := exceptionDoc{
		ID: exceptionID(e.WorkspaceID, e.Campaign, e.TextHash, e.MessageHash), Workspace: e.WorkspaceID, Campaign: e.Campaign,
		TextHash: e.TextHash, MessageHash: e.MessageHash, Submission: e.Submission, Author: e.Author, Comment: e.Comment, At: storedTime(e.At),
	}
	unlock := s.lock()
	defer unlock()
	_, err := s.db.Collection(collExceptions).InsertOne(ctx, d)
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("store: write exception on campaign %q: %w", e.Campaign, err)
	}
	return nil
}

// Exception returns the exception granted for a text (chorus.TextHash) against a campaign
// message (chorus.MessageHash), or ErrNotFound. It reads one document by _id.
func (s *Store) Exception(ctx context.Context, ws, campaign, textHash, messageHash string) (chorus.Exception, error) {
	var d exceptionDoc
	err := s.db.Collection(collExceptions).FindOne(ctx, bson.D{{Key: "_id", Value: exceptionID(ws, campaign, textHash, messageHash)}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return chorus.Exception{}, fmt.Errorf("exception on campaign %q: %w", campaign, chorus.ErrNotFound)
	}
	if err != nil {
		return chorus.Exception{}, fmt.Errorf("store: read exception on campaign %q: %w", campaign, err)
	}
	return chorus.Exception{WorkspaceID: d.Workspace, Campaign: d.Campaign, TextHash: d.TextHash, MessageHash: d.MessageHash,
		Submission: d.Submission, Author: d.Author, Comment: d.Comment, At: storedTime(d.At)}, nil
}

// autoCheckDoc is a channel's opt-in, {_id: workspace/channel, …}. It is a setting whose
// latest choice wins (each change is audited), so it is written by replace.
type autoCheckDoc struct {
	ID        string    `bson:"_id"`
	Workspace string    `bson:"workspace"`
	Channel   string    `bson:"channel"`
	Campaign  string    `bson:"campaign"`
	Kind      string    `bson:"kind"`
	By        string    `bson:"by"`
	At        time.Time `bson:"at"`
}

// SetAutoCheck turns on automatic checks in a.Channel against a.Campaign, replacing the
// channel's earlier opt-in; At comes from the clock.
func (s *Store) SetAutoCheck(ctx context.Context, a chorus.AutoCheck) (chorus.AutoCheck, error) {
	if err := checkIdentity("auto-check", a.WorkspaceID, a.Channel, a.Campaign, a.ChannelKind); err != nil {
		return chorus.AutoCheck{}, err
	}
	a.At = s.clock()
	d := autoCheckDoc{ID: idOf(a.WorkspaceID, a.Channel), Workspace: a.WorkspaceID, Channel: a.Channel,
		Campaign: a.Campaign, Kind: a.ChannelKind, By: a.By, At: a.At}
	unlock := s.lock()
	defer unlock()
	_, err := s.db.Collection(collAutoChecks).ReplaceOne(ctx, bson.D{{Key: "_id", Value: d.ID}}, d, options.Replace().SetUpsert(true))
	if err != nil {
		return chorus.AutoCheck{}, fmt.Errorf("store: set auto-check of %s: %w", a.Channel, err)
	}
	return a, nil
}

// AutoCheck returns the opt-in of channel, or ErrNotFound. It reads one document by _id, since
// every message posted where Chorus is asks it.
func (s *Store) AutoCheck(ctx context.Context, ws, channel string) (chorus.AutoCheck, error) {
	if err := checkIdentity("auto-check", ws, channel); err != nil {
		return chorus.AutoCheck{}, err
	}
	var d autoCheckDoc
	err := s.db.Collection(collAutoChecks).FindOne(ctx, bson.D{{Key: "_id", Value: idOf(ws, channel)}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return chorus.AutoCheck{}, fmt.Errorf("auto-check of %s: %w", channel, chorus.ErrNotFound)
	}
	if err != nil {
		return chorus.AutoCheck{}, fmt.Errorf("store: read auto-check of %s: %w", channel, err)
	}
	return chorus.AutoCheck{WorkspaceID: d.Workspace, Channel: d.Channel, Campaign: d.Campaign, ChannelKind: d.Kind, By: d.By, At: storedTime(d.At)}, nil
}

// ClearAutoCheck turns automatic checks off in channel. It returns ErrNotFound when they were
// not on.
func (s *Store) ClearAutoCheck(ctx context.Context, ws, channel string) error {
	if err := checkIdentity("auto-check", ws, channel); err != nil {
		return err
	}
	unlock := s.lock()
	defer unlock()
	res, err := s.db.Collection(collAutoChecks).DeleteOne(ctx, bson.D{{Key: "_id", Value: idOf(ws, channel)}})
	if err != nil {
		return fmt.Errorf("store: clear auto-check of %s: %w", channel, err)
	}
	if res.DeletedCount == 0 {
		return fmt.Errorf("auto-check of %s: %w", channel, chorus.ErrNotFound)
	}
	return nil
}
