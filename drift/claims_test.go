package drift

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chorus-hq/chorus"
)

func TestExtractBundlesAndFractions(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"2 coussins achetés = le 3e offert", []string{"bundle:free:3"}},
		{"Trois coussins pour le prix de deux !", []string{"bundle:free:3"}},
		{"Opération « 3 pour 2 » sur les coussins", []string{"bundle:free:3"}},
		{"Buy 2 cushions, get the 3rd free", []string{"bundle:free:3"}},
		{"la 2e tasse offerte", []string{"bundle:free:2"}},
		{"Deux tasses pour le prix d'une", []string{"bundle:free:2"}},
		{"Offre 2 + 1 sur les coussins", []string{"bundle:free:3"}},
		{"free second mug with every order", []string{"bundle:free:2"}},
		{"le 3e coussin à moitié prix", []string{"bundle:half:3"}},
		{"nous vous offrons le troisième coussin", []string{"bundle:free:3"}},
		{"le 2e jour du salon", []string{}},
		{"un quart de remise sur les tasses", []string{"percent:discount:25"}},
		{"économisez un cinquième du prix", []string{"percent:discount:20"}},
		{"a fifth off every mug", []string{"percent:discount:20"}},
		{"un quart des clients", []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			d := extractFacts(t, tc.text)
			var got []string
			for _, f := range d.facts {
				switch f.Kind {
				case FactBundle:
					got = append(got, fmt.Sprintf("bundle:%s:%g", f.Role, f.Value))
				case FactPercent:
					got = append(got, brief(f))
				}
			}
			if got == nil {
				got = []string{}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("facts of %q = %v, want %v", tc.text, got, tc.want)
			}
		})
	}
}

func TestBelgianAmounts(t *testing.T) {
	d := extractFacts(t, "premier loyer de 2.500,00 € puis 189,00 € par mois")
	got := briefs(d, FactMoney)
	if len(got) < 1 || got[0] != "money::2500EUR" && got[0] != "money:price:2500EUR" {
		t.Errorf("amounts = %v, want 2500 EUR first", got)
	}
}

var mugs = chorus.Campaign{Lang: chorus.French,
	Message:     "Du 2 au 16 mai 2027, pour 2 tasses Albâtre achetées, la 3e est offerte, en magasin uniquement, avec le code TASSE3. Offre cumulable avec -20 % puis -10 % supplémentaires pour les membres.",
	MustInclude: []string{"2 tasses achetées = la 3e offerte", "du 2 au 16 mai 2027", "uniquement en magasin", "code TASSE3"}}

func TestClaimsAcrossWordings(t *testing.T) {
	r := Compile(mugs, []chorus.GlossaryTerm{{Term: "naturel", Lang: chorus.French, Forbidden: []string{"bio"},
		Note: "pas d'allégation « bio » ; « lien en bio » n'est pas concerné"}}, 2027)
	tests := []struct {
		name string
		text string
		want []Kind
	}{
		{"all points", "Du 2 au 16 mai 2027, 2 tasses Albâtre achetées = la 3e offerte, uniquement en magasin, code TASSE3.", nil},
		{"three for two, store only by negation", "Tasses Albâtre : 3 pour le prix de 2 du 2 au 16 mai 2027 avec TASSE3. Offre non disponible sur internet.", nil},
		{"end first", "Jusqu'au 16 mai 2027 (depuis le 2), la 3e tasse Albâtre est offerte pour 2 achetées, en boutique seulement, code TASSE3.", nil},
		{"compound total", "Du 2 au 16 mai 2027, 2 tasses achetées = la 3e offerte, uniquement en magasin, code TASSE3 ; membres : jusqu'à 28 % en tout.", nil},
		{"innocent word in glossary exception", "Du 2 au 16 mai 2027, 2 tasses achetées = la 3e offerte, uniquement en magasin, code TASSE3. Lien en bio !", nil},
		{"other reward", "Du 2 au 16 mai 2027, 2 tasses achetées, la 3e à moitié prix, uniquement en magasin, code TASSE3.", []Kind{KindFact}},
		{"forbidden word", "Du 2 au 16 mai 2027, 2 tasses bio achetées = la 3e offerte, uniquement en magasin, code TASSE3.", []Kind{KindGlossary}},
		{"mechanic missing", "Du 2 au 16 mai 2027, tasses Albâtre uniquement en magasin, code TASSE3.", []Kind{KindMissing}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := r.Check(tc.text, chorus.French)
			if got := v.Kinds(); !slices.Equal(got, tc.want) {
				t.Errorf("kinds = %v, want %v; findings %+v", got, tc.want, v.Findings)
			}
		})
	}
}

// A reference without must-include points is a source text: a summary must state nothing it
// does not support.
func TestSummaryOfASource(t *testing.T) {
	src := chorus.Campaign{Lang: chorus.English, Message: "Agent: Hello, this is Paula from NorthBank. We offer a wide range of savings accounts.\n" +
		"Client: What does the Basic account cost?\nAgent: It costs $4 a month and we recommend it for students.\nClient: Fine, please send me the details."}
	r := Compile(src, nil, 2027)
	tests := []struct {
		name  string
		text  string
		drift bool
	}{
		{"faithful paraphrase", "Paula from NorthBank called a client to present a broad selection of savings accounts and recommended the Basic account, which costs $4 per month, for students.", false},
		{"other company", "Paula from SouthBank called a client to present a wide range of savings accounts.", true},
		{"other figure", "Paula from NorthBank recommended the Basic account, which costs $9 a month.", true},
		{"negation added", "Paula from NorthBank did not recommend the Basic account for students.", true},
		{"antonym", "Paula from NorthBank offers a narrow range of savings accounts.", true},
		{"other period", "Paula from NorthBank said the Basic account costs $4 a year.", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if v := r.Check(tc.text, chorus.English); v.Drift != tc.drift {
				t.Errorf("drift = %v, want %v; findings %+v", v.Drift, tc.drift, v.Findings)
			}
		})
	}
}

// Every missing point is reported, not only the first: they all have an empty quote.
func TestEveryMissingPoint(t *testing.T) {
	r := Compile(mugs, nil, 2027)
	v := r.Check("Bonjour à tous !", chorus.French)
	var got []string
	for _, f := range v.Findings {
		if f.Kind == KindMissing {
			got = append(got, f.GlobalQuote)
		}
	}
	if !slices.Equal(got, mugs.MustInclude) {
		t.Errorf("missing points = %q, want %q", got, mugs.MustInclude)
	}
}

// Low-confidence findings wait for review and do not make the message drift.
func TestReviewTier(t *testing.T) {
	r := Compile(mugs, nil, 2027)
	v := r.Check("Du 2 au 16 mai 2027, 2 tasses et soucoupes achetées = la 3e offerte, uniquement en magasin, code TASSE3.", chorus.French)
	if v.Drift {
		t.Fatalf("drift = true, want false; findings %+v", v.Findings)
	}
	if len(v.Review) != 1 || v.Review[0].Confidence >= ConfidentAt || v.Review[0].Quote != "soucoupes" {
		t.Errorf("review = %+v, want one low-confidence finding on « soucoupes »", v.Review)
	}
	for _, f := range r.Check("Du 2 au 16 mai 2027, -20 % sur les tasses, code TASSE3.", chorus.French).Findings {
		if f.Confidence < ConfidentAt {
			t.Errorf("alert %+v has confidence %v, want >= %v", f, f.Confidence, ConfidentAt)
		}
	}
}

var club = chorus.Campaign{Lang: chorus.French,
	Message:     "Du 1er au 20 mars 2027, les membres du Club Perle profitent de -15 % sur toutes les bougies ; pour 2 bougies achetées, la moins chère est offerte. Offre réservée aux membres du Club Perle.",
	MustInclude: []string{"-15 % sur toutes les bougies", "du 1er au 20 mars 2027", "réservé aux membres du Club Perle"}}

func TestAudienceAndPolarity(t *testing.T) {
	r := Compile(club, nil, 2027)
	tests := []struct {
		name string
		text string
		want []Kind
	}{
		{"members", "Membres du Club Perle : -15 % sur toutes les bougies du 1er au 20 mars 2027.", nil},
		{"open to all", "-15 % sur toutes les bougies du 1er au 20 mars 2027, ouvert à tous, sans adhésion !", []Kind{KindFact}},
		{"opposite", "Membres du Club Perle : -15 % sur toutes les bougies du 1er au 20 mars 2027, et la plus chère offerte pour 2 achetées.", []Kind{KindFact}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := r.Check(tc.text, chorus.French).Kinds(); !slices.Equal(got, tc.want) {
				t.Errorf("kinds = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPagesDealersAndStarts(t *testing.T) {
	shop := chorus.Campaign{Lang: chorus.French,
		Message:     "Du 10 au 30 juin 2027, la lampe Halo est à 59 € dans les concessions Lumio participantes. Conditions sur lumio.fr/halo.",
		MustInclude: []string{"lampe Halo à 59 €", "du 10 au 30 juin 2027"}}
	r := Compile(shop, nil, 2027)
	tests := []struct {
		name string
		text string
		want []Kind
	}{
		{"faithful", "Lampe Halo à 59 € du 10 au 30 juin 2027 chez votre concessionnaire Lumio. Détails sur lumio.fr/halo.", nil},
		{"another page", "Lampe Halo à 59 € du 10 au 30 juin 2027 chez votre concessionnaire Lumio. Détails sur lumio.fr/promo.", []Kind{KindFact}},
		{"online instead of dealers", "Lampe Halo à 59 € du 10 au 30 juin 2027, uniquement en ligne, sans passer par une concession.", []Kind{KindFact}},
		{"another start", "À partir du 1er juin 2027, la lampe Halo est à 59 €.", []Kind{KindFact}}, // the period is stated wrongly, not missing
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := r.Check(tc.text, chorus.French).Kinds(); !slices.Equal(got, tc.want) {
				t.Errorf("kinds = %v, want %v", got, tc.want)
			}
		})
	}
}

// A wording a lead accepted is not flagged again for the same kind; another kind on the same
// words still is.
func TestAcceptedWording(t *testing.T) {
	text := "Du 2 au 16 mai 2027, 2 tasses achetées = la 3e offerte, uniquement en magasin, code TASSE4."
	c := mugs
	v := Compile(c, nil, 2027).Check(text, chorus.French)
	if !v.Drift {
		t.Fatalf("the text does not drift: %+v", v)
	}
	f := v.Findings[0]
	c.Accepted = []chorus.Accepted{{Kind: string(f.Kind), Quote: f.Quote, By: "lea"}}
	if v2 := Compile(c, nil, 2027).Check(text, chorus.French); v2.Drift {
		t.Errorf("after accepting %q, findings %+v", f.Quote, v2.Findings)
	}
	c.Accepted = []chorus.Accepted{{Kind: string(KindGlossary), Quote: f.Quote, By: "lea"}}
	if v3 := Compile(c, nil, 2027).Check(text, chorus.French); !v3.Drift {
		t.Errorf("accepting %q as glossary hid a %s finding", f.Quote, f.Kind)
	}
}

// Accepting a missing point accepts that copy, not the point: another copy without it is still
// flagged.
func TestAcceptedMissingPoint(t *testing.T) {
	text := "Du 2 au 16 mai 2027, 2 tasses achetées = la 3e offerte, code TASSE3."
	c := mugs
	v := Compile(c, nil, 2027).Check(text, chorus.French)
	if len(v.Findings) != 1 || v.Findings[0].Kind != KindMissing {
		t.Fatalf("findings = %+v, want one missing point", v.Findings)
	}
	f := v.Findings[0]
	c.Accepted = []chorus.Accepted{{Kind: string(f.Kind), Quote: AcceptedQuote(f, text), Point: f.GlobalQuote}}
	r := Compile(c, nil, 2027)
	if v := r.Check(text, chorus.French); v.Drift {
		t.Errorf("the accepted copy is flagged again: %+v", v.Findings)
	}
	if v := r.Check("Du 2 au 16 mai 2027, la 3e tasse offerte pour 2 achetées, code TASSE3 !", chorus.French); !v.Drift {
		t.Error("another copy without the point is no longer flagged")
	}
}

// Figures in a summary are compared by value: formats, scales, roundings and acronyms of the
// source's words are supported; another value is not.
func TestSummaryFigures(t *testing.T) {
	src := chorus.Campaign{Lang: chorus.English, Message: "The World Health Organization said on Tuesday that 1,234 million doses " +
		"were delivered in 2021, the first year of the programme, and that 45 countries took part."}
	r := Compile(src, nil, 2027)
	tests := []struct {
		name  string
		text  string
		drift bool
	}{
		{"scaled and rounded", "The WHO said about 1.2 billion doses were delivered in 2021 across 45 countries.", false},
		{"ordinal", "In 2021, the 1st year of the programme, 45 countries took part.", false},
		{"number in words", "Forty-five countries took part in 2021.", false},
		{"another count", "The WHO said 54 countries took part in 2021.", true},
		{"another year", "The WHO said doses were delivered in 2022.", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if v := r.Check(tc.text, chorus.English); v.Drift != tc.drift {
				t.Errorf("drift = %v, want %v; findings %+v", v.Drift, tc.drift, v.Findings)
			}
		})
	}
}

// The understood claims name the item each value is about, for the lead to check.
func TestSummaryItems(t *testing.T) {
	tests := []struct {
		msg  string
		lang chorus.Lang
		want string
	}{
		{"Du 1er au 15 juillet 2027, -30 % sur toute la literie, en magasin et en ligne.", chorus.French, "-30 % (toute la literie)"},
		{"20% off all running shoes from 12 to 25 April 2027.", chorus.English, "-20% (all running shoes)"},
		{"The Harvest Bowl at €11.50 from 4 October 2027.", chorus.English, "€11.50 (Harvest Bowl)"},
	}
	for _, tc := range tests {
		r := Compile(chorus.Campaign{Lang: tc.lang, Message: tc.msg}, nil, 2027)
		if got := r.Summary(tc.lang); !strings.Contains(got, tc.want) {
			t.Errorf("Summary(%q) = %q, want %q in it", tc.msg, got, tc.want)
		}
	}
}

// The glossary's exceptions, recorded by a lead or shipped for common words, spare the
// expressions in which a forbidden word is innocent, in any inflection of the rest.
func TestGlossaryExceptions(t *testing.T) {
	terms := []chorus.GlossaryTerm{
		{Term: "Click & Collect", Lang: chorus.French, Forbidden: []string{"drive"}, Exceptions: []string{"cinéma drive"}},
		{Term: "producteurs locaux", Lang: chorus.French, Forbidden: []string{"bio"}},
		{Term: "soin", Lang: chorus.French, Forbidden: []string{"traitement"}},
		{Term: "Zéphyr", Lang: chorus.French, Forbidden: []string{"Zephyr"}},
		{Term: "avant-première", Lang: chorus.French, Forbidden: []string{"avant première"}},
	}
	r := Compile(chorus.Campaign{Lang: chorus.French, Message: "Soirée spéciale le 3 juin 2027."}, terms, 2027)
	tests := []struct {
		text string
		want bool
	}{
		{"Rendez-vous au cinéma drive le 3 juin !", false},
		{"Commandez en drive le 3 juin !", true},
		{"Lien en bio pour réserver 👆", false},
		{"Des fruits bio le 3 juin", true},
		{"Le traitement de votre commande prend 24 h.", false},
		{"Un traitement contre les rides.", true},
		{"Le Zéphyr arrive. ZÉPHYR !", false},
		{"La Zephyr arrive.", true},
		{"Les avant-premières du 3 juin", false},
		{"Les avant premières du 3 juin", true},
	}
	for _, tc := range tests {
		got := slices.Contains(r.Check(tc.text, chorus.French).Kinds(), KindGlossary)
		if got != tc.want {
			t.Errorf("glossary finding on %q = %v, want %v", tc.text, got, tc.want)
		}
	}
}

// Restricting the offer to part of what the campaign lists is a contradiction.
func TestNarrowedToPartOfAList(t *testing.T) {
	r := Compile(chorus.Campaign{Lang: chorus.French, Message: "Du 3 au 23 mars 2027, -20 % sur la peinture Éclat, en pots de 2,5 L et de 10 L.",
		MustInclude: []string{"-20 % sur la peinture Éclat", "du 3 au 23 mars 2027"}}, nil, 2027)
	for text, want := range map[string]bool{
		"Du 3 au 23 mars 2027, -20 % sur la peinture Éclat, uniquement en pots de 10 L.":          true,
		"Du 3 au 23 mars 2027, -20 % sur la peinture Éclat, en pots de 2,5 L et 10 L.":            false,
		"Du 3 au 23 mars 2027, -20 % sur la peinture Éclat. Le pot de 10 L couvre 100 m².":        false,
		"Du 3 au 23 mars 2027, -20 % sur la peinture Éclat, uniquement en pots de 2,5 L et 10 L.": false,
	} {
		if got := r.Check(text, chorus.French).Drift; got != want {
			t.Errorf("drift on %q = %v, want %v", text, got, want)
		}
	}
}

// Two terms linked across languages: each language's copy is checked against its own term, and
// the counterpart is flagged there with the right suggestion.
func TestLinkedTerms(t *testing.T) {
	terms := []chorus.GlossaryTerm{
		{Term: "avant-première", Lang: chorus.French, Equivalent: "preview"},
		{Term: "preview", Lang: chorus.English, Equivalent: "avant-première"},
	}
	r := Compile(chorus.Campaign{Lang: chorus.French, Message: "Soirée le 3 juin 2027."}, terms, 2027)
	tests := []struct {
		text    string
		lang    chorus.Lang
		suggest string // "" when nothing is flagged
	}{
		{"Venez à la preview du 3 juin !", chorus.French, "avant-première"},
		{"Venez à l'avant-première du 3 juin !", chorus.French, ""},
		{"Join the preview on 3 June!", chorus.English, ""},
		{"Join the avant-première on 3 June!", chorus.English, "preview"},
	}
	for _, tc := range tests {
		var got string
		for _, f := range r.Check(tc.text, tc.lang).Findings {
			if f.Kind == KindGlossary {
				got = f.Suggestion
			}
		}
		if got != tc.suggest {
			t.Errorf("%q (%s): glossary suggestion %q, want %q", tc.text, tc.lang, got, tc.suggest)
		}
	}
}

// « également disponible sur le site »: the site comes beside the shop the copy stands in.
func TestAlsoOnline(t *testing.T) {
	r := Compile(chorus.Campaign{Lang: chorus.French, Message: "Du 3 au 23 mars 2027, -20 % sur la peinture Éclat, en magasin et sur eclat.fr.",
		MustInclude: []string{"-20 % sur la peinture Éclat", "en magasin et sur eclat.fr"}}, nil, 2027)
	for text, want := range map[string]bool{
		"-20 % sur la peinture Éclat, du 3 au 23 mars 2027. Offre également disponible sur eclat.fr.": false,
		"-20 % sur la peinture Éclat, du 3 au 23 mars 2027. Also available at eclat.fr.":              false,
		"-20 % sur la peinture Éclat, du 3 au 23 mars 2027, sur eclat.fr.":                            true,
	} {
		if got := r.Check(text, chorus.French).Drift; got != want {
			t.Errorf("drift on %q = %v, want %v", text, got, want)
		}
	}
}

// A period stated as its month and its two days is stated: « en avril 2027 (du 1er au 30) ».
func TestPeriodByMonthAndDays(t *testing.T) {
	r := Compile(chorus.Campaign{Lang: chorus.French, Message: "Pour toute commande du 1er au 30 avril 2027, la lampe Halo est à 59 €.",
		MustInclude: []string{"commande du 1er au 30 avril 2027", "lampe Halo à 59 €"}}, nil, 2027)
	for text, want := range map[string]bool{
		"Lampe Halo à 59 € pour toute commande en avril 2027 (du 1er au 30).": false,
		"Lampe Halo à 59 € pour toute commande en avril 2027.":                true,
	} {
		if got := slices.Contains(r.Check(text, chorus.French).Kinds(), KindMissing); got != want {
			t.Errorf("missing on %q = %v, want %v", text, got, want)
		}
	}
}
