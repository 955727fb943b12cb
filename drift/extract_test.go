package drift

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t testing.TB, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatalf("write golden: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create it): %v", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (run with -update after checking):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// extractFacts reads text as a channel message of a 2027 campaign with the built-in lexicon.
func extractFacts(t testing.TB, text string) *doc {
	t.Helper()
	d := newDoc(text, 2027)
	d.extract(baseTrie())
	return d
}

// brief renders a fact compactly for table tests.
func brief(f Fact) string {
	switch f.Kind {
	case FactPercent:
		return fmt.Sprintf("percent:%s:%g", f.Role, f.Value)
	case FactMoney:
		s := fmt.Sprintf("money:%s:%g%s", f.Role, f.Value, f.Unit)
		if f.Per != "" {
			s += "/" + f.Per
		}
		return s
	case FactPeriod:
		return fmt.Sprintf("period:%s..%s", f.From, f.To)
	case FactDeadline:
		return "deadline:" + f.To.String()
	case FactDate:
		return "date:" + f.From.String()
	case FactDuration:
		return fmt.Sprintf("duration:%g%s", f.Value, f.Unit)
	case FactMinCount:
		return fmt.Sprintf("min_count:%g", f.Value)
	case FactPhone, FactURL, FactCode:
		return string(f.Kind) + ":" + f.Text
	}
	return string(f.Kind) + ":" + f.Role
}

func briefs(d *doc, kinds ...FactKind) []string {
	out := []string{}
	for _, f := range d.facts {
		if slices.Contains(kinds, f.Kind) {
			out = append(out, brief(f))
		}
	}
	return out
}

type extractCase struct {
	name, text string
	want       []string
}

var (
	percentCases = []extractCase{
		{"fr signed", "-30 % sur toute la literie", []string{"percent:discount:30"}},
		{"fr non-breaking space", "-30\u00a0% sur tout le rayon", []string{"percent:discount:30"}},
		{"fr narrow space", "Literie -30\u202f%", []string{"percent:discount:30"}},
		{"fr words", "Trente pour cent de remise sur toute la literie", []string{"percent:discount:30"}},
		{"fr compound words", "vingt-cinq pour cent de réduction", []string{"percent:discount:25"}},
		{"fr moins", "moins 30 % sur la literie", []string{"percent:discount:30"}},
		{"fr remise de", "une remise de 30 % sur l'ensemble", []string{"percent:discount:30"}},
		{"en off", "30% off all bedding", []string{"percent:discount:30"}},
		{"en percent word", "thirty percent off", []string{"percent:discount:30"}},
		{"fr up to", "Jusqu'à -30 % sur la literie", []string{"percent:upto:30"}},
		{"fr up to curly apostrophe", "jusqu’à -30 %", []string{"percent:upto:30"}},
		{"en up to", "up to 30% off", []string{"percent:upto:30"}},
		{"fr share", "98 % d'ingrédients d'origine naturelle", []string{"percent:share:98"}},
		{"en share", "100% renewable electricity", []string{"percent:share:100"}},
		{"decimal", "3,5 % de remise", []string{"percent:discount:3.5"}},
		{"no percent", "30 matelas en stock", []string{}},
	}
	moneyCases = []extractCase{
		{"fr promo and ref", "34,90 € au lieu de 42 €", []string{"money:promo:34.9EUR", "money:ref:42EUR"}},
		{"en promo and ref", "€249 instead of €299", []string{"money:promo:249EUR", "money:ref:299EUR"}},
		{"en was", "€249 (was €299)", []string{"money:promo:249EUR", "money:ref:299EUR"}},
		{"fr prix habituel", "34,90 € (prix habituel 42 €)", []string{"money:promo:34.9EUR", "money:ref:42EUR"}},
		{"fr contre", "34,90 €, contre 42 € ensuite", []string{"money:promo:34.9EUR", "money:ref:42EUR"}},
		{"en plain price", "priced at €29.99", []string{"money:price:29.99EUR"}},
		{"fr threshold", "Livraison offerte dès 500 € d'achat", []string{"money:threshold:500EUR"}},
		{"en threshold", "free delivery on orders over £50", []string{"money:threshold:50GBP"}},
		{"en per month slash", "€12.99/month", []string{"money:price:12.99EUR/month"}},
		{"en per month words", "then €12.99 per month", []string{"money:price:12.99EUR/month"}},
		{"fr per month slash", "puis 12,99 €/mois", []string{"money:price:12.99EUR/month"}},
		{"fr par mois", "1 € par mois pendant 3 mois", []string{"money:price:1EUR/month"}},
		{"en number words", "one euro a month", []string{"money:price:1EUR/month"}},
		{"fr thousands space", "1 500 € de remise", []string{"money:discount:1500EUR"}},
		{"fr thousand in words", "dès mille euros d'achat", []string{"money:threshold:1000EUR"}},
		{"fr hundreds and thousands in words", "dès deux mille cinq cents euros d'achat", []string{"money:threshold:2500EUR"}},
		{"en hundreds in words", "five hundred dollars off", []string{"money:discount:500USD"}},
		{"en thousands comma", "$1,500 off", []string{"money:discount:1500USD"}},
		{"en off", "€50 off your first bill", []string{"money:discount:50EUR"}},
		{"fr deduits", "50 € sont déduits de votre première facture", []string{"money:discount:50EUR"}},
		{"en pounds", "a £100 welcome bonus", []string{"money:price:100GBP"}},
		{"fr euros word", "29 euros seulement", []string{"money:price:29EUR"}},
		{"not money", "48 magasins ouverts de 9h à 19h", []string{}},
	}
	dateCases = []extractCase{
		{"fr du au", "du 1er au 15 juillet 2027", []string{"period:2027-07-01..2027-07-15"}},
		{"fr du au no year", "du 10 au 30 avril", []string{"period:2027-04-10..2027-04-30"}},
		{"fr numeric", "du 01/07 au 15/07", []string{"period:2027-07-01..2027-07-15"}},
		{"fr numeric dash", "01/07–15/07", []string{"period:2027-07-01..2027-07-15"}},
		{"fr numeric year", "Du 10/04 au 30/04/2027.", []string{"period:2027-04-10..2027-04-30"}},
		{"fr dotted arrow", "03.03 → 30.03.2027", []string{"period:2027-03-03..2027-03-30"}},
		{"fr bare day arrow", "10 → 30.04.2027", []string{"period:2027-04-10..2027-04-30"}},
		{"en dotted deadline without year", "free lemonade until 31.10", []string{"deadline:2027-10-31"}},
		{"fr dotted start without year", "à partir du 04.10 en magasin", []string{"date:2027-10-04"}},
		{"dotted amount after a deadline word", "jusqu'à 31.10 € de remise", nil},
		{"fr two months", "du 28 juin au 3 juillet 2027", []string{"period:2027-06-28..2027-07-03"}},
		{"fr quinze premiers jours", "les quinze premiers jours de juillet", []string{"period:2027-07-01..2027-07-15"}},
		{"fr premiere quinzaine", "la première quinzaine de juillet", []string{"period:2027-07-01..2027-07-15"}},
		{"fr tout le mois", "tout le mois d'octobre", []string{"period:2027-10-01..2027-10-31"}},
		{"en month day range", "July 1–15", []string{"period:2027-07-01..2027-07-15"}},
		{"en month day range year", "July 1 to 15, 2027", []string{"period:2027-07-01..2027-07-15"}},
		{"en day range month", "from 1 to 14 September 2027", []string{"period:2027-09-01..2027-09-14"}},
		{"en abbreviation", "Pre-order Sept 1–14", []string{"period:2027-09-01..2027-09-14"}},
		{"en from to bare", "from Sept 1 to 14", []string{"period:2027-09-01..2027-09-14"}},
		{"en between", "between 1 and 31 October", []string{"period:2027-10-01..2027-10-31"}},
		{"en between months", "between September 1 and September 14", []string{"period:2027-09-01..2027-09-14"}},
		{"en two dates", "1 Oct – 31 Oct 2027", []string{"period:2027-10-01..2027-10-31"}},
		{"en dotted", "Valid 01.10–31.10.2027.", []string{"period:2027-10-01..2027-10-31"}},
		{"en month names", "October 1 to October 31, 2027", []string{"period:2027-10-01..2027-10-31"}},
		{"en first days", "the first 15 days of July", []string{"period:2027-07-01..2027-07-15"}},
		{"en all through", "all through October", []string{"period:2027-10-01..2027-10-31"}},
		{"fr deadline", "avant le 31 mars 2027", []string{"deadline:2027-03-31"}},
		{"fr deadline numeric", "avant le 31/03", []string{"deadline:2027-03-31"}},
		{"fr jusqu'au", "jusqu'au 15 juillet", []string{"deadline:2027-07-15"}},
		{"en before", "Sign up before 31 March 2027", []string{"deadline:2027-03-31"}},
		{"fr weekday", "Samedi 13 mars, de 10h à 17h", []string{"date:2027-03-13"}},
		{"en weekday", "Sunday 3 October, 9am", []string{"date:2027-10-03"}},
		{"en singles", "Pre-orders open on 1 September 2027 and close on 14 September", []string{"date:2027-09-01", "date:2027-09-14"}},
		{"en ships", "Ships from 20/09", []string{"date:2027-09-20"}},
		{"not a date 24/7", "support 24/7", []string{}},
		{"weekdays only", "ouvert du lundi au samedi de 9h à 19h", []string{}},
		{"no 31 April", "le 31 avril", []string{}},
	}
	durationCases = []extractCase{
		{"fr digits", "prix du kWh bloqué 3 ans", []string{"duration:3year"}},
		{"fr words", "ne bougera pas pendant trois ans", []string{"duration:3year"}},
		{"fr weeks", "en quatre semaines", []string{"duration:4week"}},
		{"en first months", "for your first 3 months", []string{"duration:3month"}},
		{"en first month", "€1 for your first month", []string{"duration:1month"}},
		{"fr premiers mois", "pendant vos 3 premiers mois", []string{"duration:3month"}},
		{"fr premier mois", "Premier mois offert", []string{"duration:1month"}},
		{"en hours", "40 hours of battery life", []string{"duration:40hour"}},
		{"en hours glued", "40h of battery", []string{"duration:40hour"}},
		{"en hyphen", "a 40-hour battery", []string{"duration:40hour"}},
		{"times of day", "de 9h à 19h, du mardi au samedi", []string{}},
		{"per month is a rate", "€12.99 per month", []string{}},
	}
	contactCases = []extractCase{
		{"fr phone", "au 09 69 32 15 15 (appel non surtaxé)", []string{"phone:0969321515"}},
		{"fr phone international", "+33 9 69 32 15 15", []string{"phone:0969321515"}},
		{"fr phone dots", "01.84.60.12.12", []string{"phone:0184601212"}},
		{"uk phone", "Call 0800 123 4567.", []string{"phone:08001234567"}},
		{"dates are no phone", "Valid 01.10–31.10.2027", []string{}},
		{"domain", "sur doucenuit.fr.", []string{"url:doucenuit.fr"}},
		{"url", "at https://www.kestrelaudio.com/x2 now", []string{"url:kestrelaudio.com"}},
		{"hyphen domain", "Pre-order at kestrel-audio.com →", []string{"url:kestrel-audio.com"}},
		{"abbreviation is no domain", "Sérum Éclat Vit. C", []string{}},
		{"fr code", "avec le code ETE30", []string{"code:ETE30"}},
		{"en code hyphen", "use promo code SUMMER-27 at checkout", []string{"code:SUMMER-27"}},
		{"fr code lower", "code promo : rentree20", []string{"code:RENTREE20"}},
		{"word after code", "scan the QR code at the desk", []string{}},
	}
	wordFactCases = []extractCase{
		{"fr both", "en magasin et en ligne", []string{"scope:both"}},
		{"fr both paraphrase", "En boutique comme sur le site.", []string{"scope:both"}},
		{"fr both domain", "dans ce magasin comme sur doucenuit.fr", []string{"scope:both"}},
		{"en both", "in store & online", []string{"scope:both"}},
		{"fr store only", "uniquement en magasin", []string{"scope:store_only"}},
		{"fr store only after", "En magasin seulement (France et Belgique)", []string{"scope:store_only"}},
		{"fr store only negated web", "exclusivement dans votre magasin ! Ne la cherchez pas sur internet", []string{"scope:store_only"}},
		{"fr store only pas en ligne", "dans ses magasins. L'opération n'est pas proposée en ligne.", []string{"scope:store_only"}},
		{"fr online only", "Exclusivité web : disponible uniquement sur aubeline.fr.", []string{"scope:online_only"}},
		{"en online only", "online only", []string{"scope:online_only"}},
		{"fr store locator", "En magasin : trouvez le plus proche sur cyclonix.fr", []string{"scope:store"}},
		{"en new members", "New members only.", []string{"eligibility:new"}},
		{"en never member", "If you have never been a member, you pay", []string{"eligibility:new"}},
		{"fr nouveaux clients", "Offre réservée aux nouveaux clients", []string{"eligibility:new"}},
		{"en all", "open to all customers", []string{"eligibility:all"}},
		{"fr no commitment", "Offre sans engagement", []string{"condition:no_commit"}},
		{"fr commitment", "Offre avec engagement de 12 mois", []string{"condition:commit"}},
		{"fr engagement is not a term", "Notre engagement : la transparence", []string{}},
		{"en contract", "a 12-month contract", []string{"condition:commit"}},
		{"en cancel anytime", "cancel anytime in the app", []string{"condition:no_commit"}},
		{"fr any state", "quel que soit son état", []string{"condition:any_state"}},
		{"fr good state", "à condition qu'il soit en bon état de marche", []string{"condition:good_state"}},
		{"en selection", "20% off selected items", []string{"condition:selection"}},
	}
)

func runExtractCases(t *testing.T, cases []extractCase, kinds ...FactKind) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := extractFacts(t, tc.text)
			if got := briefs(d, kinds...); !slices.Equal(got, tc.want) {
				t.Errorf("extract(%q) = %v, want %v", tc.text, got, tc.want)
			}
		})
	}
}

func TestExtractPercent(t *testing.T) { runExtractCases(t, percentCases, FactPercent) }

func TestExtractMoney(t *testing.T) { runExtractCases(t, moneyCases, FactMoney) }

func TestExtractDates(t *testing.T) {
	runExtractCases(t, dateCases, FactPeriod, FactDeadline, FactDate)
}

func TestExtractDurations(t *testing.T) { runExtractCases(t, durationCases, FactDuration) }

func TestExtractMinCounts(t *testing.T) {
	runExtractCases(t, []extractCase{
		{"fr items ordered", "une citronnade offerte dès 2 bowls commandés", []string{"min_count:2"}},
		{"fr minimum in words", "pour l'achat de trois plantes", []string{"min_count:3"}},
		{"en at least", "a free tote when you buy at least 3 books", []string{"min_count:3"}},
		{"one is no minimum", "dès 1 article acheté", nil},
		{"a date", "dès 2 octobre", nil},
		{"a duration", "from 3 years", nil},
		{"an amount", "dès 2 €", nil},
		{"a quantity", "dès 2 kg", nil},
		{"no lead", "2 bowls pour le prix d'un", nil},
	}, FactMinCount)
}

func TestExtractContacts(t *testing.T) {
	runExtractCases(t, contactCases, FactPhone, FactURL, FactCode)
}

func TestExtractWordFacts(t *testing.T) {
	runExtractCases(t, wordFactCases, FactScope, FactEligibility, FactCondition)
}

func TestWeekdays(t *testing.T) {
	tests := []struct {
		text  string
		wrong bool
	}{
		{"Samedi 13 mars", false}, // 13 March 2027 is a Saturday
		{"samedi 14 mars", true},  // a Sunday
		{"Sunday 3 October", false},
		{"Monday 3 October", true},
		{"mercredi 10 mars 2027", false},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			d := extractFacts(t, tc.text)
			if len(d.weekdays) != 1 {
				t.Fatalf("weekdays = %v, want one", d.weekdays)
			}
			w := d.weekdays[0]
			if got := weekdayOf(w.date) != w.stated; got != tc.wrong {
				t.Errorf("wrong weekday = %v, want %v", got, tc.wrong)
			}
		})
	}
}

// TestExtractGolden records every fact of every table case, with its quote, so a change in
// what the extractors read shows up in review.
func TestExtractGolden(t *testing.T) {
	var b strings.Builder
	for _, group := range [][]extractCase{percentCases, moneyCases, dateCases, durationCases, contactCases, wordFactCases} {
		for _, tc := range group {
			d := extractFacts(t, tc.text)
			fmt.Fprintf(&b, "%s\n", tc.text)
			for _, f := range d.facts {
				fmt.Fprintf(&b, "\t%s %q\n", brief(f), f.Quote)
			}
		}
	}
	golden(t, "extract.golden", b.String())
}

func FuzzExtract(f *testing.F) {
	for _, group := range [][]extractCase{percentCases, moneyCases, dateCases, durationCases, contactCases, wordFactCases} {
		for _, tc := range group {
			f.Add(tc.text)
		}
	}
	f.Add("du 31 au 1er février 2027 — 99,999 € / 0 % + +33 - 0 0 0")
	f.Add("\u00a0\u202f’«»—→…🛏️👉🏽")
	trie := baseTrie()
	f.Fuzz(func(t *testing.T, s string) {
		d := newDoc(s, 2027)
		d.extract(trie)
		for _, fact := range d.facts {
			if fact.pos < 0 || fact.end > len(d.toks) || fact.pos >= fact.end {
				t.Fatalf("fact %+v spans tokens outside [0,%d)", fact, len(d.toks))
			}
			if !utf8.ValidString(s) {
				continue
			}
			if !strings.Contains(s, fact.Quote) {
				t.Fatalf("quote %q is not in the text", fact.Quote)
			}
		}
		for _, u := range d.units {
			if u.from < 0 || u.to > len(d.toks) || u.from >= u.to {
				t.Fatalf("unit %+v out of range", u)
			}
		}
	})
}
