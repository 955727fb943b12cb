package main

import (
	"embed"
	"errors"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/i18n"
	"github.com/chorus-hq/chorus/store/embedded"
)

//go:embed locales/*.json
var localeFS embed.FS

// texts is the catalog of what the chorus command itself tells the person starting it.
func texts() *i18n.Catalog { return i18n.MustLoad(localeFS, "locales") }

// lockedError is the refusal to start on a data folder another process holds, in lang.
type lockedError struct {
	msg string
	err error
}

func (e *lockedError) Error() string { return e.msg }
func (e *lockedError) Unwrap() error { return e.err }

// explainLocked turns the embedded store's LockedError into a message for the operator, in the
// configured language; other errors pass unchanged.
func explainLocked(err error, lang chorus.Lang) error {
	le, ok := errors.AsType[*embedded.LockedError](err)
	if !ok {
		return err
	}
	if le.PID > 0 {
		return &lockedError{msg: texts().T(lang, "lock.held", le.Dir, le.PID), err: err}
	}
	return &lockedError{msg: texts().T(lang, "lock.held_unknown", le.Dir), err: err}
}
