package campaign

import (
	"strings"

	"github.com/chorus-hq/chorus/commands/feature"
)

// readVerbs are the /campaign sub-commands that only read: their answer can travel in the
// acknowledgement (commands.Service.Reads). An unknown sub-command only reads too: it is
// answered with the help's pointer.
var readVerbs = map[string]bool{"": true, "help": true, "list": true, "show": true, "history": true, "audit": true}

// Reads reports whether the /campaign sub-command args (the campaign feature's, not the
// review's or the reminders') only reads the store: listing, showing, the history, the audit
// trail, the task list, the help.
func Reads(args []string) bool {
	v := feature.Verb(args, 0)
	if v == "task" {
		t := feature.Verb(args, 1)
		return t == "list" || t == ""
	}
	return readVerbs[v] || strings.HasPrefix(v, "?")
}

// GlossaryReads reports whether the /glossary sub-command args only reads: lookup, list,
// history, the help.
func GlossaryReads(args []string) bool {
	_, args = glossaryLang(args, "")
	switch v := feature.Verb(args, 0); v {
	case "", "help", "lookup", "list", "history":
		return true
	default:
		return strings.HasPrefix(v, "?")
	}
}
