package drift

// statusGroups name people by a status an offer can be kept for: students, seniors,
// professionals… (folded, singular; a plural « s » or feminine « e »/« es » is accepted).
var statusGroups = []string{"etudiant", "student", "lyceen", "collegien", "apprenti", "apprentice", "senior", "retraite", "retiree",
	"pensioner", "enseignant", "teacher", "professionnel", "professional", "soignant", "militaire", "veteran",
	"jobseeker", "chomeur", "unemployed", "fonctionnaire", "infirmier", "nurse"}

// audienceLeads put a group as the people an offer is for: « aux étudiants », « réservé aux
// seniors », "for students", "open to teachers".
var audienceLeads = phrases("aux", "pour les", "reserve aux", "reservee aux", "reservees aux", "ouvert aux", "ouverte aux", "destine aux",
	"destinee aux", "for", "for all", "reserved for", "open to", "exclusive to", "available to", "offre", "offer", "tarif", "special")

// suitedFor says whom an offer suits, which keeps it from no one: "ideal for students".
var suitedFor = phrases("ideal for", "perfect for", "great for", "ideal pour les", "parfait pour les", "pratique pour les", "ideale pour les", "parfaite pour les")

// groupForms maps every form of a status group (plural « s », feminine « e », « es ») to it.
var groupForms = func() map[string]string {
	m := make(map[string]string, 4*len(statusGroups))
	for _, g := range statusGroups {
		for _, end := range []string{"", "s", "e", "es"} {
			m[g+end] = g
		}
	}
	return m
}()

// groupOf returns the status group a folded word names, or "".
func groupOf(w string) string { return groupForms[w] }

// groupsNamed returns the status groups among words.
func groupsNamed(words map[string]bool) map[string]bool {
	named := map[string]bool{}
	for w := range words {
		if g := groupOf(w); g != "" {
			named[g] = true
		}
	}
	return named
}

// audience finds copy that keeps the offer for a status group the campaign never names
// (« aux étudiants de moins de 26 ans » where the campaign is open to all under 26): an added
// eligibility restriction.
func (c *check) audience() {
	named := c.r.groups
	toks := c.d.toks
	for i, t := range toks {
		g := ""
		if t.kind == tWord {
			g = groupOf(t.s)
		}
		if g == "" || named[g] {
			continue
		}
		before, after := c.d.wordsBefore(i, 3), c.d.wordsAfter(i+1, 1, false)
		kept := endsWith(before, audienceLeads) && !endsWith(before, suitedFor) || startsWith(after, phrases("only", "uniquement", "seulement", "exclusivement"))
		if !kept {
			continue
		}
		c.mismatch(Fact{Kind: FactEligibility, Quote: quote(c.d.text, toks, i, i), pos: i, end: i + 1}, Fact{}, "drift.reason.restriction")
		return
	}
}
