package campaign

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// glossaryLang takes a "lang:en" word anywhere in args out of them: it picks the term's
// language, def (the workspace's) without one.
func glossaryLang(args []string, def chorus.Lang) (chorus.Lang, []string) {
	lang := def
	args = slices.DeleteFunc(slices.Clone(args), func(a string) bool {
		k, v, found := strings.Cut(a, ":")
		if !found || (k != "lang" && k != "langue") {
			return false
		}
		if l, ok := chorus.ParseLang(v); ok {
			lang = l
			return true
		}
		return false
	})
	return lang, args
}

func (c *call) glossary(ctx context.Context, args []string) (reply.Reply, error) {
	lang, args := glossaryLang(args, c.WS.Lang)
	switch v := feature.Verb(args, 0); v {
	case "", "help":
		return c.Help("glossary"), nil
	case "define":
		if len(args) < 2 {
			return reply.Reply{}, c.Usage("glossary.define")
		}
		return c.termDefine(ctx, lang, args[1], strings.Join(args[2:], " "))
	case "forbid":
		list := feature.SplitList(strings.Join(args[min(2, len(args)):], " "), ",;")
		if len(args) < 3 || len(list) == 0 {
			return reply.Reply{}, c.Usage("glossary.forbid") // « /glossary forbid DouceNuit ,,, » names nothing
		}
		return c.termForbid(ctx, lang, args[1], list)
	case "except":
		list := feature.SplitList(strings.Join(args[min(2, len(args)):], " "), ",;")
		if len(args) < 3 || len(list) == 0 {
			return reply.Reply{}, c.Usage("glossary.except")
		}
		return c.termExcept(ctx, lang, args[1], list)
	case "unforbid":
		list := feature.SplitList(strings.Join(args[min(2, len(args)):], " "), ",;")
		if len(args) < 3 || len(list) == 0 {
			return reply.Reply{}, c.Usage("glossary.unforbid")
		}
		return c.termUnforbid(ctx, lang, args[1], list)
	case "retire", "restore":
		if len(args) < 2 {
			return reply.Reply{}, c.Usage("glossary." + v)
		}
		return c.termRetire(ctx, lang, args[1], v == "retire")
	case "note":
		if len(args) < 3 {
			return reply.Reply{}, c.Usage("glossary.note")
		}
		return c.termNote(ctx, lang, args[1], strings.Join(args[2:], " "))
	case "lookup":
		if len(args) < 2 {
			return reply.Reply{}, c.Usage("glossary.lookup")
		}
		return c.termLookup(ctx, strings.Join(args[1:], " "))
	case "list":
		page := ""
		if len(args) > 1 {
			page = args[1]
		}
		return c.glossaryList(ctx, page)
	case "link":
		if len(args) < 3 {
			return reply.Reply{}, c.Usage("glossary.link")
		}
		return c.termLink(ctx, args[1], args[2])
	case "history":
		if len(args) < 2 {
			return reply.Reply{}, c.Usage("glossary.history")
		}
		return c.termHistory(ctx, lang, args[1])
	default:
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "command.sub_unknown", strings.TrimPrefix(v, "?"), "/glossary help")
	}
}

// glossaryEditor allows the workspace's leads and admins: the glossary binds every team.
func (c *call) glossaryEditor() error {
	if !c.IsWorkspaceLead() {
		return chorus.Errorf(chorus.ErrForbidden, "forbidden.glossary")
	}
	return nil
}

// termDefine creates a term or updates its definition.
func (c *call) termDefine(ctx context.Context, lang chorus.Lang, term, definition string) (reply.Reply, error) {
	if err := c.glossaryEditor(); err != nil {
		return reply.Reply{}, err
	}
	g := chorus.GlossaryTerm{WorkspaceID: c.Req.Workspace, Term: term, Lang: lang, Definition: definition,
		CreatedBy: c.Req.User, UpdatedBy: c.Req.User}
	if err := g.Validate(); err != nil {
		return reply.Reply{}, err
	}
	if err := c.notForbiddenElsewhere(ctx, g); err != nil {
		return reply.Reply{}, err
	}
	saved, err := c.terms.CreateTerm(ctx, g)
	if errors.Is(err, chorus.ErrConflict) {
		// The term exists: defining it again updates its definition (and its spelling).
		saved, err = c.editTerm(ctx, lang, term, "glossary.define", func(t *chorus.GlossaryTerm) {
			t.Term, t.Definition, t.Retired = term, definition, false // defining a retired term restores it
		})
		if err != nil {
			return reply.Reply{}, err
		}
		return c.termCard(saved, c.T("glossary.updated", saved.Term, saved.Version)), nil
	}
	if err != nil {
		return reply.Reply{}, fmt.Errorf("create term %q: %w", term, err)
	}
	if err := c.Audit(ctx, "glossary.define", "term:"+saved.Key(), 0, saved.Version, saved.Term); err != nil {
		return reply.Reply{}, err
	}
	r := c.termCard(saved, c.T("glossary.defined", saved.Term))
	r.Visibility = reply.InChannel
	return r, nil
}

// notForbiddenElsewhere refuses an approved term that another entry forbids: the glossary would
// contradict itself and every team's copy would be flagged whichever word it used.
func (c *call) notForbiddenElsewhere(ctx context.Context, g chorus.GlossaryTerm) error {
	terms, err := c.terms.Terms(ctx, c.Req.Workspace)
	if err != nil {
		return fmt.Errorf("list terms: %w", err)
	}
	for _, other := range terms {
		if other.Key() == g.Key() || other.Lang != g.Lang || other.Retired || g.Retired {
			continue // a retired term is no longer enforced: it contradicts nothing
		}
		for _, v := range other.Forbidden {
			if chorus.Fold(v) == chorus.Fold(g.Term) {
				return chorus.Invalid("term", "glossary.term.forbidden_by", g.Term, other.Term)
			}
		}
		for _, v := range g.Forbidden {
			if chorus.Fold(v) == chorus.Fold(other.Term) {
				return chorus.Invalid("forbidden", "glossary.variant.is_other_term", v)
			}
		}
	}
	return nil
}

// editTerm applies change to the latest version of a term, re-applying it when another edit won.
func (c *call) editTerm(ctx context.Context, lang chorus.Lang, term, action string, change func(*chorus.GlossaryTerm)) (chorus.GlossaryTerm, error) {
	return c.editTermE(ctx, lang, term, action, func(g *chorus.GlossaryTerm) error {
		change(g)
		return nil
	})
}

// editTermE is editTerm with a change that may refuse; a refusal changes nothing.
func (c *call) editTermE(ctx context.Context, lang chorus.Lang, term, action string, change func(*chorus.GlossaryTerm) error) (chorus.GlossaryTerm, error) {
	key := chorus.TermKey(lang, term)
	for attempt := 0; ; attempt++ {
		g, err := c.terms.Term(ctx, c.Req.Workspace, key)
		if errors.Is(err, chorus.ErrNotFound) {
			return g, chorus.Errorf(chorus.ErrNotFound, "glossary.unknown", term)
		}
		if err != nil {
			return g, fmt.Errorf("load term %q: %w", key, err)
		}
		before := g.Version
		was := g
		g.Forbidden, g.Exceptions = slices.Clone(g.Forbidden), slices.Clone(g.Exceptions)
		if err := change(&g); err != nil {
			return was, err
		}
		if sameTerm(was, g) {
			// nothing changes: no new version, and the user is told so
			return g, chorus.Errorf(chorus.ErrInvalid, "glossary.noop", was.Term)
		}
		g.UpdatedBy = c.Req.User
		if err := g.Validate(); err != nil {
			return g, err
		}
		if err := c.notForbiddenElsewhere(ctx, g); err != nil {
			return g, err
		}
		saved, err := c.terms.UpdateTerm(ctx, g)
		if errors.Is(err, chorus.ErrConflict) && attempt < feature.MaxEditRetries {
			continue
		}
		if err != nil {
			return g, fmt.Errorf("update term %q: %w", key, err)
		}
		return saved, c.Audit(ctx, action, "term:"+key, before, saved.Version, "")
	}
}

// termLink links a term to its counterpart in the other language (« avant-première » and
// "preview"), both ways: copy in either language is then checked against its own term, and the
// counterpart is flagged there. "off" in place of the second term removes the link.
func (c *call) termLink(ctx context.Context, term, other string) (reply.Reply, error) {
	if err := c.glossaryEditor(); err != nil {
		return reply.Reply{}, err
	}
	terms, err := c.terms.Terms(ctx, c.Req.Workspace)
	if err != nil {
		return reply.Reply{}, fmt.Errorf("list terms: %w", err)
	}
	find := func(w string) (chorus.GlossaryTerm, error) {
		for _, g := range terms {
			if chorus.Fold(g.Term) == chorus.Fold(w) {
				return g, nil
			}
		}
		return chorus.GlossaryTerm{}, chorus.Errorf(chorus.ErrNotFound, "glossary.unknown", w)
	}
	a, err := find(term)
	if err != nil {
		return reply.Reply{}, err
	}
	if off := chorus.Fold(other); off == "off" || off == "non" || off == "aucun" || off == "none" {
		saved, err := c.editTerm(ctx, a.Lang, a.Term, "glossary.unlink", func(g *chorus.GlossaryTerm) { g.Equivalent = "" })
		if err != nil {
			return reply.Reply{}, err
		}
		if b, err := find(a.Equivalent); err == nil && chorus.Fold(b.Equivalent) == chorus.Fold(a.Term) {
			if _, err := c.editTerm(ctx, b.Lang, b.Term, "glossary.unlink", func(g *chorus.GlossaryTerm) { g.Equivalent = "" }); err != nil {
				return reply.Reply{}, err
			}
		}
		return c.termCard(saved, c.T("glossary.unlinked", saved.Term)), nil
	}
	b, err := find(other)
	if err != nil {
		return reply.Reply{}, err
	}
	if a.Lang == b.Lang {
		return reply.Reply{}, chorus.Errorf(chorus.ErrInvalid, "glossary.link.same_lang", a.Term, b.Term)
	}
	saved, err := c.editTerm(ctx, a.Lang, a.Term, "glossary.link", func(g *chorus.GlossaryTerm) { g.Equivalent = b.Term })
	if err != nil {
		return reply.Reply{}, err
	}
	if _, err := c.editTerm(ctx, b.Lang, b.Term, "glossary.link", func(g *chorus.GlossaryTerm) { g.Equivalent = a.Term }); err != nil && !chorus.HasCode(err, "glossary.noop") {
		return reply.Reply{}, err
	}
	return c.termCard(saved, c.T("glossary.linked", a.Term, a.Lang, b.Term, b.Lang)), nil
}

// sameTerm reports whether an edit leaves the term as it was.
func sameTerm(a, b chorus.GlossaryTerm) bool {
	return a.Term == b.Term && a.Definition == b.Definition && a.Note == b.Note && a.Equivalent == b.Equivalent && a.Retired == b.Retired &&
		slices.Equal(a.Forbidden, b.Forbidden) && slices.Equal(a.Exceptions, b.Exceptions)
}

// termExcept records expressions in which a forbidden variant is innocent (« lien en bio » for
// « bio »): the detector does not flag the variant inside them.
func (c *call) termExcept(ctx context.Context, lang chorus.Lang, term string, exprs []string) (reply.Reply, error) {
	if err := c.glossaryEditor(); err != nil {
		return reply.Reply{}, err
	}
	saved, err := c.editTerm(ctx, lang, term, "glossary.except", func(g *chorus.GlossaryTerm) {
		for _, x := range exprs {
			if !slices.ContainsFunc(g.Exceptions, func(e string) bool { return chorus.Fold(e) == chorus.Fold(x) }) {
				g.Exceptions = append(g.Exceptions, x)
			}
		}
	})
	if err != nil {
		return reply.Reply{}, err
	}
	return c.termCard(saved, c.T("glossary.exceptions_set", saved.Term, quoteList(exprs))), nil
}

func (c *call) termForbid(ctx context.Context, lang chorus.Lang, term string, variants []string) (reply.Reply, error) {
	if err := c.glossaryEditor(); err != nil {
		return reply.Reply{}, err
	}
	saved, err := c.editTerm(ctx, lang, term, "glossary.forbid", func(g *chorus.GlossaryTerm) {
		for _, v := range variants {
			if !slices.ContainsFunc(g.Forbidden, func(f string) bool { return chorus.Fold(f) == chorus.Fold(v) }) {
				g.Forbidden = append(g.Forbidden, v)
			}
		}
	})
	if err != nil {
		return reply.Reply{}, err
	}
	r := c.termCard(saved, c.T("glossary.forbidden_set", saved.Term, quoteList(variants)))
	warn, posts, err := c.variantsInMessages(ctx, saved, variants)
	if err != nil {
		return reply.Reply{}, err
	}
	if len(warn) > 0 {
		r.Blocks = append(r.Blocks, reply.Block{Kind: reply.Section, Text: "⚠️ " + strings.Join(warn, "\n⚠️ ")})
		r.Text += "\n⚠️ " + strings.Join(warn, "\n⚠️ ")
	}
	r.Posts = append(r.Posts, posts...)
	return r, nil
}

// termUnforbid removes forbidden variants from a term: copy using them is no longer flagged. A
// variant the term does not forbid is named, and nothing changes.
func (c *call) termUnforbid(ctx context.Context, lang chorus.Lang, term string, variants []string) (reply.Reply, error) {
	if err := c.glossaryEditor(); err != nil {
		return reply.Reply{}, err
	}
	saved, err := c.editTermE(ctx, lang, term, "glossary.unforbid", func(g *chorus.GlossaryTerm) error {
		for _, v := range variants {
			i := slices.IndexFunc(g.Forbidden, func(f string) bool { return chorus.Fold(f) == chorus.Fold(v) })
			if i < 0 {
				list := "—"
				if len(g.Forbidden) > 0 {
					list = quoteList(g.Forbidden)
				}
				return chorus.Invalid("forbidden", "glossary.unforbid.unknown", v, g.Term, list)
			}
			g.Forbidden = slices.Delete(g.Forbidden, i, i+1)
		}
		return nil
	})
	if err != nil {
		return reply.Reply{}, err
	}
	return c.termCard(saved, c.T("glossary.unforbidden", saved.Term, quoteList(variants), saved.Version)), nil
}

// termRetire retires a term (kept with its history, no longer enforced) or restores it.
func (c *call) termRetire(ctx context.Context, lang chorus.Lang, term string, retire bool) (reply.Reply, error) {
	if err := c.glossaryEditor(); err != nil {
		return reply.Reply{}, err
	}
	action := "glossary.restore"
	if retire {
		action = "glossary.retire"
	}
	saved, err := c.editTermE(ctx, lang, term, action, func(g *chorus.GlossaryTerm) error {
		if g.Retired == retire {
			return chorus.Errorf(chorus.ErrInvalid, "glossary.retired.same."+strconv.FormatBool(retire), g.Term)
		}
		g.Retired = retire
		return nil
	})
	if err != nil {
		return reply.Reply{}, err
	}
	return c.termCard(saved, c.T("glossary.retired."+strconv.FormatBool(retire), saved.Term, saved.Version)), nil
}

// variantsInMessages finds the newly forbidden variants in the global messages of the
// campaigns still running: the leads must hear it now, or every team adapting that message
// would be flagged for words the campaign itself wrote. It returns the warnings for the
// reply and one message for each lead of such a campaign (other than the one typing).
func (c *call) variantsInMessages(ctx context.Context, g chorus.GlossaryTerm, variants []string) ([]string, []reply.Post, error) {
	camps, err := c.store.Campaigns(ctx, c.Req.Workspace)
	if err != nil {
		return nil, nil, fmt.Errorf("list campaigns: %w", err)
	}
	var warn []string
	var posts []reply.Post
	for _, camp := range camps {
		if camp.Status == chorus.StatusClosed || strings.TrimSpace(camp.Message) == "" {
			continue
		}
		msg := " " + chorus.Fold(camp.Message) + " "
		var found []string
		for _, v := range variants {
			if fv := chorus.Fold(v); fv != "" && containsWord(msg, fv) {
				found = append(found, v)
			}
		}
		if len(found) == 0 {
			continue
		}
		warn = append(warn, c.T("glossary.variant.in_message", quoteList(found), camp.Name, camp.Slug))
		for _, lead := range camp.Leads {
			if lead == c.Req.User {
				continue
			}
			text := c.T("glossary.variant.in_message.lead", feature.Mention(c.Req.User), quoteList(found), g.Term, camp.Name, camp.Slug)
			posts = append(posts, reply.Post{Channel: lead, Text: text, Blocks: []reply.Block{{Kind: reply.Section, Text: "⚠️ " + text}}})
		}
	}
	return warn, posts, nil
}

// containsWord reports whether the folded text, padded with spaces, holds the folded word or
// phrase on word boundaries.
func containsWord(text, word string) bool {
	for i := 0; ; {
		k := strings.Index(text[i:], word)
		if k < 0 {
			return false
		}
		k += i
		before, after := rune(text[k-1]), rune(' ')
		if k+len(word) < len(text) {
			after = rune(text[k+len(word)])
		}
		if !unicode.IsLetter(before) && !unicode.IsDigit(before) && !unicode.IsLetter(after) && !unicode.IsDigit(after) {
			return true
		}
		i = k + 1
	}
}

func (c *call) termNote(ctx context.Context, lang chorus.Lang, term, note string) (reply.Reply, error) {
	if err := c.glossaryEditor(); err != nil {
		return reply.Reply{}, err
	}
	saved, err := c.editTerm(ctx, lang, term, "glossary.note", func(g *chorus.GlossaryTerm) { g.Note = note })
	if err != nil {
		return reply.Reply{}, err
	}
	return c.termCard(saved, c.T("glossary.updated", saved.Term, saved.Version)), nil
}

// termLookup finds the terms whose wording, forbidden variants or definition hold the words, as
// words (« marque » finds « la marque », not « marques »): the store's index by word gives the
// terms holding all of them, and those holding them in that order are shown. A forbidden
// variant answers with the approved term to use instead. When no term holds them as words, the
// terms holding them within a word are shown (« marque » then finds « marques », « literi »
// « literie »): that reads the whole glossary, but only for a lookup that found nothing.
func (c *call) termLookup(ctx context.Context, words string) (reply.Reply, error) {
	terms, err := c.terms.TermsWithWords(ctx, c.Req.Workspace, words)
	if err != nil {
		return reply.Reply{}, fmt.Errorf("look up terms: %w", err)
	}
	q := chorus.Fold(words)
	holds := func(text string) bool { return containsWord(" "+chorus.Fold(text)+" ", q) }
	if len(terms) == 0 {
		if terms, err = c.terms.Terms(ctx, c.Req.Workspace); err != nil {
			return reply.Reply{}, fmt.Errorf("list terms: %w", err)
		}
		holds = func(text string) bool { return strings.Contains(chorus.Fold(text), q) }
	}
	var blocks []reply.Block
	var lines []string
	for _, g := range chorus.Enforced(terms) {
		for _, v := range g.Forbidden {
			if chorus.Fold(v) == q {
				line := "🚫 " + c.T("glossary.lookup.forbidden", v, g.Term)
				blocks = append(blocks, reply.Block{Kind: reply.Section, Text: line})
				lines = append(lines, line)
			}
		}
	}
	for _, g := range terms {
		if holds(g.Term) || holds(g.Definition) || slices.ContainsFunc(g.Forbidden, holds) {
			r := c.termCard(g, "")
			blocks = append(blocks, r.Blocks...)
			lines = append(lines, r.Text)
		}
		if len(blocks) > 40 {
			break
		}
	}
	if len(blocks) == 0 {
		return feature.Notice(c.T("glossary.lookup.none", words)), nil
	}
	return reply.Reply{Text: strings.Join(lines, "\n"), Blocks: blocks}, nil
}

func (c *call) glossaryList(ctx context.Context, page string) (reply.Reply, error) {
	terms, err := c.terms.Terms(ctx, c.Req.Workspace)
	if err != nil {
		return reply.Reply{}, fmt.Errorf("list terms: %w", err)
	}
	if len(terms) == 0 {
		return feature.Notice(c.T("glossary.list.empty")), nil
	}
	p, items, more := paginate(terms, page)
	blocks := []reply.Block{{Kind: reply.Header, Text: c.T("glossary.list.title", len(terms))}}
	lines := []string{c.T("glossary.list.title", len(terms))}
	for _, g := range items {
		line := c.termLine(g)
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: line})
		lines = append(lines, line)
	}
	blocks = append(blocks, c.pager(reply.ActGlossaryPage, p, more)...)
	return reply.Reply{Text: strings.Join(lines, "\n"), Blocks: blocks, ReplaceOriginal: page != ""}, nil
}

func (c *call) termLine(g chorus.GlossaryTerm) string {
	line := fmt.Sprintf("✅ *%s* (%s)", g.Term, g.Lang)
	if g.Retired {
		line = fmt.Sprintf("🗄️ ~%s~ (%s) — _%s_", g.Term, g.Lang, c.T("glossary.retired.mark"))
	}
	if g.Definition != "" {
		line += " — " + feature.Ellipsis(g.Definition, 150)
	}
	if len(g.Forbidden) > 0 {
		line += "\n    🚫 " + quoteList(g.Forbidden)
	}
	if len(g.Exceptions) > 0 {
		line += "\n    👌 " + c.T("glossary.line.exceptions", quoteList(g.Exceptions))
	}
	return line
}

// termCard shows a term; lead, when set, is a confirmation line above it.
func (c *call) termCard(g chorus.GlossaryTerm, lead string) reply.Reply {
	var blocks []reply.Block
	if lead != "" {
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: "✅ " + lead})
	}
	text := fmt.Sprintf("*%s* (%s)", g.Term, g.Lang)
	if g.Retired {
		text = fmt.Sprintf("🗄️ ~%s~ (%s) — _%s_", g.Term, g.Lang, c.T("glossary.retired.mark"))
	}
	if g.Definition != "" {
		text += "\n" + g.Definition
	}
	blocks = append(blocks, reply.Block{Kind: reply.Section, Text: text})
	var fields []string
	if len(g.Forbidden) > 0 {
		fields = append(fields, "*"+c.T("field.forbidden")+"*\n🚫 "+quoteList(g.Forbidden))
	}
	if len(g.Exceptions) > 0 {
		fields = append(fields, "*"+c.T("field.exceptions")+"*\n👌 "+quoteList(g.Exceptions))
	}
	if g.Equivalent != "" {
		fields = append(fields, "*"+c.T("field.equivalent")+"*\n🔁 « "+g.Equivalent+" »")
	}
	if g.Note != "" {
		fields = append(fields, "*"+c.T("field.note")+"*\n"+g.Note)
	}
	if len(fields) > 0 {
		blocks = append(blocks, reply.Block{Kind: reply.Section, Fields: fields})
	}
	blocks = append(blocks, reply.Block{Kind: reply.Context, Text: c.T("glossary.card.version", g.Version, feature.Mention(g.UpdatedBy), c.When(g.UpdatedAt))})
	summary := g.Term
	if lead != "" {
		summary = lead
	}
	if len(g.Forbidden) > 0 {
		summary += " — 🚫 " + quoteList(g.Forbidden)
	}
	return reply.Reply{Text: summary, Blocks: blocks}
}

func (c *call) termHistory(ctx context.Context, lang chorus.Lang, term string) (reply.Reply, error) {
	versions, err := c.terms.TermHistory(ctx, c.Req.Workspace, chorus.TermKey(lang, term))
	if errors.Is(err, chorus.ErrNotFound) {
		return reply.Reply{}, chorus.Errorf(chorus.ErrNotFound, "glossary.unknown", term)
	}
	if err != nil {
		return reply.Reply{}, fmt.Errorf("history of term %q: %w", term, err)
	}
	blocks := []reply.Block{{Kind: reply.Header, Text: c.T("history.title", term)}}
	lines := []string{c.T("history.title", term)}
	for i := len(versions) - 1; i >= 0 && len(versions)-i <= 40; i-- {
		v := versions[i]
		what := c.T("history.created") + " · " + c.termLine(v)
		if i > 0 {
			what = "v" + strconv.Itoa(versions[i-1].Version) + " → v" + strconv.Itoa(v.Version) + " · " + c.describeTermChange(versions[i-1], v)
		}
		line := feature.Ellipsis(c.T("history.line", v.Version, c.When(v.UpdatedAt), feature.Mention(v.UpdatedBy), what), 2900)
		blocks = append(blocks, reply.Block{Kind: reply.Section, Text: line})
		lines = append(lines, line)
	}
	return reply.Reply{Text: strings.Join(lines, "\n"), Blocks: blocks}, nil
}

// describeTermChange says what changed between two versions of a term: its wording, definition,
// note, the forbidden variants and exceptions added or removed.
func (c *call) describeTermChange(a, b chorus.GlossaryTerm) string {
	var parts []string
	if a.Term != b.Term {
		parts = append(parts, c.T("glossary.change.term", b.Term))
	}
	if a.Definition != b.Definition {
		parts = append(parts, c.T("glossary.change.definition", feature.Ellipsis(b.Definition, 200)))
	}
	if a.Note != b.Note {
		parts = append(parts, c.T("glossary.change.note", feature.Ellipsis(b.Note, 200)))
	}
	diff := func(old, cur []string, added, removed string) {
		var plus, minus []string
		for _, x := range cur {
			if !slices.Contains(old, x) {
				plus = append(plus, x)
			}
		}
		for _, x := range old {
			if !slices.Contains(cur, x) {
				minus = append(minus, x)
			}
		}
		if len(plus) > 0 {
			parts = append(parts, c.T(added, quoteList(plus)))
		}
		if len(minus) > 0 {
			parts = append(parts, c.T(removed, quoteList(minus)))
		}
	}
	if a.Retired != b.Retired {
		parts = append(parts, c.T("glossary.change.retired."+strconv.FormatBool(b.Retired)))
	}
	diff(a.Forbidden, b.Forbidden, "glossary.change.forbidden_added", "glossary.change.forbidden_removed")
	diff(a.Exceptions, b.Exceptions, "glossary.change.except_added", "glossary.change.except_removed")
	if len(parts) == 0 {
		return c.T("history.nochange")
	}
	return strings.Join(parts, " · ")
}

// quoteList writes « a », « b ».
func quoteList(items []string) string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = "« " + s + " »"
	}
	return strings.Join(out, ", ")
}
