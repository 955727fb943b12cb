// Package chorus holds the domain of Chorus: workspaces, campaigns, channels, tasks, glossary terms
// and their versions, with the validation rules and the sentinel errors every other package uses.
//
// It imports neither Slack nor MongoDB. Errors carry a message code and arguments rather than
// user-facing text, so that each transport can say them in the user's language.
package chorus

import (
	"errors"
	"fmt"
	"strings"
)

// The sentinel errors. Every error a Chorus operation returns to a user wraps one of them.
var (
	// ErrNotFound reports that the named thing does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict reports that the thing exists already, or that someone else changed it first.
	ErrConflict = errors.New("conflict")
	// ErrInvalid reports input that breaks a validation rule.
	ErrInvalid = errors.New("invalid")
	// ErrForbidden reports that the acting user may not do this.
	ErrForbidden = errors.New("forbidden")
)

// Error is a domain error with a message code that transports localize. Kind is one of the
// sentinel errors, so errors.Is(err, ErrInvalid) and friends work through wrapping.
type Error struct {
	Kind  error  // ErrNotFound, ErrConflict, ErrInvalid or ErrForbidden
	Code  string // message key, such as "campaign.slug.syntax"
	Field string // the input field at fault, when there is one
	Args  []any  // arguments of the message, in the order of its catalog entry
}

// Errorf returns an *Error of the given kind and message code.
func Errorf(kind error, code string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Args: args}
}

// Invalid returns an ErrInvalid *Error about field.
func Invalid(field, code string, args ...any) *Error {
	return &Error{Kind: ErrInvalid, Code: code, Field: field, Args: args}
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind.Error())
	b.WriteString(": ")
	b.WriteString(e.Code)
	if e.Field != "" {
		fmt.Fprintf(&b, " (field %s)", e.Field)
	}
	if len(e.Args) > 0 {
		fmt.Fprintf(&b, " %v", e.Args)
	}
	return b.String()
}

// HasCode reports whether err is, or wraps, an *Error with the message code: callers that
// treat one refusal differently (a no-op edit, a day that does not exist) ask it by its code.
func HasCode(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

// Unwrap returns the sentinel kind.
func (e *Error) Unwrap() error { return e.Kind }

// Problems is every validation problem found in one value. It is an error that matches
// ErrInvalid, so a caller can report all problems at once instead of one per attempt.
type Problems []*Error

func (ps Problems) Error() string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap returns the problems, so errors.Is(ps, ErrInvalid) and errors.As on *Error work.
func (ps Problems) Unwrap() []error {
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = p
	}
	return errs
}

// Err returns nil when there is no problem, else ps.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// add appends a problem about field.
func (ps *Problems) add(field, code string, args ...any) {
	*ps = append(*ps, Invalid(field, code, args...))
}

// ProblemsOf returns the domain errors err carries: every Problem of a Problems, or the single
// *Error, or nil when err carries none.
func ProblemsOf(err error) []*Error {
	var ps Problems
	if errors.As(err, &ps) {
		return ps
	}
	var e *Error
	if errors.As(err, &e) {
		return []*Error{e}
	}
	return nil
}
