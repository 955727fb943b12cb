// Package imports holds the import rules of the project as a test: which package may import the
// MongoDB driver, slack-go or go-openai, what the drift detector, the scheduler, the features
// and the domain may depend on. The rules are one table in imports_test.go, repeated in
// docs/architecture.md; `go test ./...` checks them against `go list -deps -json`.
package imports
