package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/chorus-hq/chorus"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// collPlanImports holds the spreadsheets /campaign import read and previewed, until their
// importer confirms. A document is written once under an id derived from its content and never
// changed: importing the same file twice finds the first.
const collPlanImports = "plan_imports"

// planImportDoc is {_id: idOf(workspace, id), workspace, id, by, at, file, rows}.
type planImportDoc struct {
	ID        string    `bson:"_id"`
	Workspace string    `bson:"workspace"`
	ImportID  string    `bson:"id"`
	By        string    `bson:"by"`
	At        time.Time `bson:"at"`
	File      string    `bson:"file"`
	Rows      []rowDoc  `bson:"rows"`
}

// rowDoc is one row's cells: the embedded server stores no array directly inside an array.
type rowDoc struct {
	Cells []string `bson:"cells"`
}

// SavePlanImport stores a previewed import. Saving the same id again (the same person, the same
// file) keeps the first: it holds the same cells.
func (s *Store) SavePlanImport(ctx context.Context, p chorus.PlanImport) error {
	if err := checkIdentity("plan import", p.WorkspaceID, p.ID); err != nil {
		return err
	}
	d := planImportDoc{ID: idOf(p.WorkspaceID, p.ID), Workspace: p.WorkspaceID, ImportID: p.ID, By: p.By,
		At: storedTime(p.At), File: p.File}
	for _, r := range p.Rows {
		d.Rows = append(d.Rows, rowDoc{Cells: r})
	}
	unlock := s.lock()
	defer unlock()
	_, err := s.db.Collection(collPlanImports).InsertOne(ctx, d)
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("store: save plan import %s: %w", p.ID, err)
	}
	return nil
}

// PlanImport returns a previewed import, or ErrNotFound.
func (s *Store) PlanImport(ctx context.Context, workspace, id string) (chorus.PlanImport, error) {
	if err := checkIdentity("plan import", workspace, id); err != nil {
		return chorus.PlanImport{}, err
	}
	var d planImportDoc
	err := s.db.Collection(collPlanImports).FindOne(ctx, bson.D{{Key: "_id", Value: idOf(workspace, id)}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return chorus.PlanImport{}, fmt.Errorf("plan import %s: %w", id, chorus.ErrNotFound)
	}
	if err != nil {
		return chorus.PlanImport{}, fmt.Errorf("store: read plan import %s: %w", id, err)
	}
	p := chorus.PlanImport{WorkspaceID: d.Workspace, ID: d.ImportID, By: d.By, At: storedTime(d.At), File: d.File}
	for _, r := range d.Rows {
		p.Rows = append(p.Rows, r.Cells)
	}
	return p, nil
}
