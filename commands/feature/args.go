package feature

import (
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/reply"
)

// UserArg reads a user as the transport hands it over (reply.User) or as typed (@alice).
func UserArg(s string) (string, bool) {
	if id, ok := reply.ParseUser(s); ok {
		return id, chorus.ValidUserID(id)
	}
	s = strings.TrimPrefix(s, "@")
	return s, chorus.ValidUserID(s)
}

// ChannelArg reads a channel as the transport hands it over (reply.Channel) or as the console
// types it (#name).
func ChannelArg(s string) (string, bool) {
	if id, ok := reply.ParseChannel(s); ok {
		return id, true
	}
	return s, strings.HasPrefix(s, "#") && chorus.ValidChannelID(s)
}

// Rest joins args back into one text, for free text such as a message.
func Rest(args []string) string { return strings.TrimSpace(strings.Join(args, " ")) }

// SplitList splits "a ; b ; c" or lines into trimmed non-empty items.
func SplitList(s string, seps string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		if p = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(p), "- ")); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// After returns the raw text that follows the first n words of s, keeping its spacing, quotes and
// line breaks: a global message is stored as typed.
func After(s string, n int) string {
	s = strings.TrimLeft(s, " \t\n\u00a0")
	for i := 0; i < n; i++ {
		j := strings.IndexAny(s, " \t\n\u00a0")
		if j < 0 {
			return ""
		}
		s = strings.TrimLeft(s[j:], " \t\n\u00a0")
	}
	return strings.TrimSpace(s)
}

// Unquote removes one pair of surrounding quotes.
func Unquote(s string) string {
	for _, q := range [][2]string{{`"`, `"`}, {"«", "»"}, {"“", "”"}} {
		if len(s) >= len(q[0])+len(q[1]) && strings.HasPrefix(s, q[0]) && strings.HasSuffix(s, q[1]) {
			return strings.TrimSpace(s[len(q[0]) : len(s)-len(q[1])])
		}
	}
	return s
}

// verbs maps what users type, in French or English, to a sub-command.
var verbs = map[string]string{
	"help": "help", "aide": "help", "?": "help",
	"create": "create", "creer": "create", "new": "create", "nouvelle": "create",
	"list": "list", "liste": "list", "ls": "list",
	"show": "show", "voir": "show", "afficher": "show",
	"edit": "edit", "modifier": "edit",
	"message": "message",
	"points":  "points",
	"channel": "channel", "canal": "channel",
	"lead": "lead", "pilote": "lead",
	"activate": "activate", "activer": "activate", "lancer": "activate",
	"close": "close", "clore": "close", "cloturer": "close", "fermer": "close",
	"reopen": "reopen", "rouvrir": "reopen", "reouvrir": "reopen",
	"task": "task", "tache": "task", "taches": "task", "tasks": "task",
	"history": "history", "historique": "history",
	"archive": "archive", "archiver": "archive",
	"chain": "chain", "chaine": "chain", "circuit": "chain",
	"unarchive": "unarchive", "desarchiver": "unarchive",
	"audit": "audit", "journal": "audit",
	"export": "export", "exporter": "export",
	"import": "import", "importer": "import",
	"confirm": "confirm", "confirmer": "confirm", "apply": "confirm", "appliquer": "confirm",
	"add": "add", "ajouter": "add",
	"remove": "remove", "retirer": "remove", "supprimer": "remove",
	"cancel": "cancel", "annuler": "cancel",
	"done": "done", "fait": "done", "terminer": "done", "termine": "done",
	"define": "define", "definir": "define",
	"forbid": "forbid", "interdire": "forbid",
	"unforbid": "unforbid", "desinterdire": "unforbid", "permettre": "unforbid",
	"link": "link", "lier": "link",
	"retire": "retire", "abandonner": "retire",
	"restore": "restore", "restaurer": "restore", "retablir": "restore",
	"except": "except", "exception": "except", "autoriser": "except", "allow": "except",
	"lookup": "lookup", "chercher": "lookup", "rechercher": "lookup",
	"settings": "settings", "reglages": "settings", "parametres": "settings",
	"lang": "lang", "langue": "lang", "language": "lang",
	"timezone": "timezone", "tz": "timezone", "fuseau": "timezone",
	"leads": "leads", "pilotes": "leads",
	"kind": "kind", "type": "kind",
	"mine": "mine", "miennes": "mine", "mes": "mine",
	"note":     "note",
	"briefing": "briefing", "fiche": "briefing", "fiche-promo": "briefing",
	"send": "send", "envoyer": "send",
	"status": "status", "statut": "status", "suivi": "status",
	"faq":       "faq",
	"frontline": "frontline", "terrain": "frontline",
	"experts": "experts", "expert": "experts",
	"keywords": "keywords", "mots-cles": "keywords", "motscles": "keywords",
	"delay": "delay", "delai": "delay",
	"touchpoint": "touchpoint", "touchpoints": "touchpoint", "tp": "touchpoint", "contact": "touchpoint", "contacts": "touchpoint",
	"move": "move", "deplacer": "move", "decaler": "move",
	"segment": "segment", "segments": "segment",
	"calendar": "calendar", "calendrier": "calendar",
	"radar":  "radar",
	"revoke": "revoke", "revoquer": "revoke",
}

// Verb returns the sub-command word args[i] names, or "" when there is none.
func Verb(args []string, i int) string {
	if i >= len(args) {
		return ""
	}
	if v, ok := verbs[chorus.Fold(args[i])]; ok {
		return v
	}
	return "?" + args[i]
}
