package drift

import (
	"strings"
)

// Concept ids the rules reason about. Lower-case "c:" ids are plain bilingual vocabulary used
// for coverage; upper-case ids carry meaning for the fact rules.
const (
	cStore     = "STORE"      // a physical point of sale
	cOnline    = "ONLINE"     // the web site, online
	cOnly      = "ONLY"       // an exclusivity marker
	cNewCust   = "NEW_CUST"   // offer reserved to new customers
	cAllCust   = "ALL_CUST"   // offer open to every customer
	cNoCommit  = "NO_COMMIT"  // no commitment
	cCommit    = "COMMIT"     // a commitment period
	cAnyState  = "ANY_STATE"  // whatever the item's condition
	cGoodState = "GOOD_STATE" // item must be in good condition
	cSelection = "SELECTION"  // only a selection of products
	cAll       = "c:all"
)

// lexicon lists bilingual concepts as folded phrases. Words in a phrase are separated by spaces;
// hyphens and apostrophes in the text are ignored when matching, so "pre-order" is "pre order".
// A trailing "*" makes a word match any word it prefixes ("achet*" matches "achetez").
var lexicon = map[string][]string{
	cStore:  {"concession", "concessions", "concessionnaire*", "dealer", "dealers", "dealership*", "showroom*", "en caisse", "a la caisse", "au comptoir", "magasin*", "boutique", "boutiques", "point de vente", "points de vente", "pharmacie*", "en rayon", "store", "stores", "in store", "instore", "pharmacy", "pharmacies", "drugstore*", "agence", "agences", "retail store*", "brick and mortar"},
	cOnline: {"sur cette page", "on this page", "en ligne", "online", "on line", "internet", "sur le site", "sur notre site", "sur son site", "site web", "site internet", "site marchand", "website*", "web", "e shop", "eshop", "e commerce", "ecommerce", "webshop"},
	cOnly: {"uniquement", "seulement", "exclusivement", "exclusivite", "exclusif", "exclusive", "exclusives", "exclusively", "only", "solely", "reserve a", "reservee a", "reserves a", "reservees a", "reserve aux", "reservee aux", "reservees aux", "reserves aux", "reserved for", "reserved to", "exclusive to",
		"seul endroit", "seule adresse", "only place", "the only way", "seul moyen"},
	cNewCust: {"nouveaux clients", "nouveau client", "nouvelle cliente", "nouvelles clientes", "nouveaux membres", "nouveau membre", "nouveaux abonnes", "nouvel abonne", "nouvelle abonnee", "nouveaux adherents", "nouvel adherent", "nouveaux inscrits", "nouveaux utilisateurs", "nouveaux venus", "new members", "new member", "new customers", "new customer", "new subscribers", "new subscriber", "new users", "new user", "new joiners", "newcomers", "newcomer", "first time customers", "first time members", "first time subscribers", "never been a member", "never been a customer", "never subscribed", "jamais ete membre", "jamais ete client", "jamais ete cliente", "jamais ete abonne",
		"nouveau chez", "nouvelle chez", "nouveaux chez", "nouvelles chez", "new to", "pas encore client", "pas encore cliente", "pas encore clients",
		"pas encore assure", "pas encore assuree", "pas deja client", "pas deja cliente", "pas deja clients",
		"pas deja assure", "pas deja assuree", "pas deja assures", "pas deja assurees", "nouveaux assures", "nouvel assure", "nouvelle assuree",
		"premiere souscription", "premier abonnement", "premiere adhesion", "first subscription", "not yet a customer", "not yet a member", "not already a customer"},
	cAllCust:   {"sans adhesion", "sans etre membre", "sans etre adherent", "no membership needed", "no membership required", "without membership", "a tous ses clients", "a tous nos clients", "a tous les clients", "comme aux professionnels", "et aux professionnels", "particuliers et professionnels", "particuliers et pros", "tous les clients", "tous nos clients", "toutes nos clientes", "tous les membres", "tous nos membres", "tous les abonnes", "tous nos abonnes", "ouvert a tous", "ouverte a tous", "ouverts a tous", "pour tout le monde", "clients existants", "deja clients", "deja client", "deja membres", "deja abonnes", "all customers", "all our customers", "all members", "all our members", "all subscribers", "existing members", "existing customers", "existing subscribers", "current members", "current customers", "open to everyone", "open to all", "available to everyone", "available to all", "for everyone"},
	cNoCommit:  {"sans engagement", "sans engagement de duree", "no commitment", "without commitment", "commitment free", "no contract", "no minimum term", "resiliable a tout moment", "resiliable a tout instant", "cancel anytime", "cancel any time", "cancel at any time", "annulable a tout moment", "sans duree minimum"},
	cCommit:    {"avec engagement", "engagement minimum", "duree d engagement", "periode d engagement", "minimum commitment", "minimum term", "month minimum term", "engagement", "commitment", "contract", "contrat"},
	cAnyState:  {"quel que soit son etat", "quel que soit l etat", "quel que soit leur etat", "quelque soit son etat", "quelque soit l etat", "peu importe son etat", "peu importe l etat", "meme hors d usage", "meme abime", "meme casse", "meme en panne", "whatever its condition", "whatever the condition", "whatever condition", "in any condition", "any condition", "regardless of condition", "regardless of its condition", "regardless of their condition", "even if broken", "even broken", "working or not"},
	cGoodState: {"en bon etat", "bon etat de marche", "bon etat de fonctionnement", "en etat de marche", "en etat de fonctionnement", "good condition", "in good condition", "good working order", "working order", "working condition", "good working condition"},
	cSelection: {"sur une selection", "une selection de", "selection d articles", "selection de produits", "articles selectionnes", "produits selectionnes", "articles signales", "certains articles", "certains produits", "selected items", "selected products", "select items", "select products", "selected lines", "on a selection", "a selection of", "excluding", "except", "a l exception", "hors promotions", "hors promo"},
	cAll:       {"tout", "toute", "tous", "toutes", "l ensemble", "ensemble", "integralite", "sans exception", "entire", "entirely", "whole", "all", "every", "each", "chaque", "everything"},

	"c:price":      {"prix", "tarif", "tarifs", "price", "prices", "priced", "pricing", "cost", "costs", "cheaper", "moins cher"},
	"c:reduction":  {"remise*", "reduction*", "rabais", "discount*", "off", "deduit*", "deduction*", "deduir*", "deduis*", "deduct*", "economie*", "economis*", "save", "saving*", "ristourne*"},
	"c:free":       {"offert", "offerte", "offerts", "offertes", "gratuit*", "free", "complimentary", "inclus", "incluse", "included", "cadeau*", "gift*"},
	"c:delivery":   {"livraison*", "livre a domicile", "delivery", "deliveries", "deliver*", "shipping", "shipped", "ships", "ship", "expedition*", "expedie*", "envoi*", "dispatch*"},
	"c:first":      {"premier", "premiere", "premiers", "premieres", "1er", "1re", "1ere", "1st", "first"},
	"c:then":       {"ensuite", "puis", "then", "thereafter", "afterwards", "apres"},
	"c:new":        {"nouveau", "nouveaux", "nouvelle", "nouvelles", "nouvel", "neuf", "neufs", "neuve", "neuves", "new", "brand new"},
	"c:customer":   {"client*", "membre*", "member*", "abonne*", "subscriber*", "adherent*", "customer*", "utilisateur*", "user", "users"},
	"c:bill":       {"facture*", "bill", "bills", "invoice*"},
	"c:electric":   {"electricite", "electricity"},
	"c:renewable":  {"renouvelable*", "renewable*"},
	"c:origin":     {"origine*", "origin", "origins", "provenance"},
	"c:natural":    {"naturel*", "natural*"},
	"c:ingredient": {"ingredient*"},
	"c:vegan":      {"vegan*", "vegane*", "vegetalien*", "vegetal", "vegetale", "vegetales", "vegetaux", "plant based"},
	"c:formula":    {"formule*", "formula*"},
	"c:serum":      {"serum*"},
	"c:vitamin":    {"vitamine*", "vitamin*"},
	"c:radiance":   {"eclat", "radiance", "radiant", "luminosite", "lumineux", "lumineuse", "glow"},
	"c:complexion": {"teint", "complexion"},
	"c:skin":       {"peau", "skin"},
	"c:bedding":    {"literie", "literies", "bedding"},
	"c:mattress":   {"matelas", "mattress*"},
	"c:pillow":     {"oreiller*", "pillow*"},
	"c:duvet":      {"couette*", "duvet*", "comforter*"},
	"c:bedbase":    {"sommier*", "bed base", "bed bases", "box spring*"},
	"c:sleep":      {"sommeil", "dormir", "sleep*"},
	"c:night":      {"nuit", "nuits", "night", "nights"},
	"c:summer":     {"ete", "estival*", "summer"},
	"c:spring":     {"printemps", "printanier*", "spring"},
	"c:autumn":     {"automne", "automnal*", "autumn"},
	"c:winter":     {"hiver", "hivernal*", "winter"},
	"c:bike":       {"velo", "velos", "bike", "bikes", "bicycle*", "biclou*", "bicyclette*", "cycle", "cycles"},
	"c:ebike":      {"velo a assistance electrique", "velos a assistance electrique", "velo electrique", "velos electriques", "assistance electrique", "e bike", "e bikes", "ebike*", "electric bike*", "electric bicycle*", "pedelec*"},
	"c:old":        {"ancien", "ancienne", "anciens", "anciennes", "vieux", "vieil", "vieille", "old", "former", "used", "occasion"},
	"c:tradein":    {"reprise*", "repris", "reprend*", "repren*", "reprendre", "trade in", "trade ins", "take back", "takes back", "buy back", "buyback", "rachat*", "rachet*", "rachete*"},
	"c:buy":        {"achat*", "achet*", "buy", "buys", "buying", "bought", "purchas*"},
	"c:lock":       {"bloque*", "bloquer", "locked", "lock", "locks", "freeze", "frozen", "gele", "geles", "fige", "figes"},
	"c:subscribe":  {"souscri*", "subscri*", "sign up", "signing up", "signup", "inscri*", "adhesion", "adherer"},
	"c:wireless":   {"sans fil", "wireless", "cordless"},
	"c:headphones": {"casque", "casques", "headphone*", "headset*"},
	"c:case":       {"etui*", "housse*", "case", "cases", "pouch*"},
	"c:travel":     {"voyage*", "travel*"},
	"c:preorder":   {"precommand*", "pre command*", "pre order*", "preorder*", "presale*", "pre sale*", "prevente*", "pre vente*"},
	"c:noise":      {"noise cancelling", "noise canceling", "reduction de bruit", "reduction du bruit", "reduction active du bruit", "annulation de bruit", "anc"},
	"c:battery":    {"batterie*", "battery", "batteries", "autonomie"},
	"c:workout":    {"entrainement*", "seance*", "workout*", "exercise*"},
	"c:guided":     {"guide", "guides", "guidee", "guidees", "guided"},
	"c:plan":       {"programme*", "program*", "plan", "plans"},
	"c:personal":   {"personnalis*", "personalis*", "personaliz*", "tailored", "sur mesure"},
	"c:coach":      {"coach*", "entraineur*", "personal trainer*"},
	"c:cancel":     {"resili*", "annul*", "cancel*"},
	"c:anytime":    {"a tout moment", "a tout instant", "anytime", "at any time", "any time"},
	"c:app":        {"appli", "applis", "application*", "app", "apps", "app store", "google play"},
	"c:launch":     {"lancement", "lance", "lancer", "lancons", "launch*", "unveil*", "devoile*"},
	"c:available":  {"disponible*", "available", "availability", "dispo"},
	"c:offer":      {"offre*", "offer*", "deal", "deals", "operation"},
	"c:order":      {"commande*", "order", "orders", "ordered", "ordering"},
	"c:partner":    {"partenaire*", "partner*"},
	"c:week":       {"semaine*", "week*"},
	"c:month":      {"mois", "month", "months", "mensuel*", "monthly"},
	"c:year":       {"an", "ans", "annee*", "year", "years", "annuel*", "annual*"},
	"c:hour":       {"heure*", "hour*"},
	"c:day":        {"jour", "jours", "journee*", "day", "days"},
	"c:france":     {"france", "francais*", "french"},
	"c:belgium":    {"belgique", "belgium", "belge*", "belgian"},
	"c:condition":  {"etat", "condition"},
	"c:produce":    {"produite", "produites", "fabrique*", "generated", "produced", "made"},
	"c:jan":        {"janvier", "january"},
	"c:feb":        {"fevrier", "february"},
	"c:mar":        {"mars", "march"},
	"c:apr":        {"avril", "april"},
	"c:may":        {"mai"},
	"c:jun":        {"juin", "june"},
	"c:jul":        {"juillet", "july"},
	"c:aug":        {"aout", "august"},
	"c:sep":        {"septembre", "september"},
	"c:oct":        {"octobre", "october"},
	"c:nov":        {"novembre", "november"},
	"c:dec":        {"decembre", "december"},
}

// stopwords are function words of French and English: they carry no concept of their own.
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`le la les l un une des du de d au aux a et ou en sur pour par avec dans ce cet
	cette ces qu que qui quoi dont son sa ses mon ma mes ton ta tes votre vos notre nos leur leurs est sont etre
	sera seront il elle ils elles on nous vous je tu y se ne n pas plus tres comme si mais donc car ni chez vers
	entre sans sous ici la puis alors aussi deja encore bien fait faire peut avez avoir ont ai as va vont lui eux cela
	ca ceci celui celle ceux celles leur quand ou tant soit dès des des-que jusqu jusqu'a chez avant apres contre lieu
	the an of to for with in at and or your you our we us their they them it its this that these those is are be
	been was were will would can could do does did has have had get gets got from by as but if so than just now here
	there more most very also into out up about over not no yes my me i he she his her what which who whom whose how
	when where why any some such own same other others before after until while during via per plus than via let
	et/ou etc ce qu instead vs ever yet too objet subject re fwd tr`) {
		m[w] = true
	}
	return m
}()

// trieNode is a node of the phrase trie: one edge per folded word, plus prefix edges.
type trieNode struct {
	next     map[string]*trieNode
	prefixes []prefixEdge
	byHead   map[string][]prefixEdge // prefixes indexed by their first three bytes
	short    []prefixEdge            // prefixes shorter than three bytes, which byHead cannot index
	concept  string
}

type prefixEdge struct {
	prefix string
	node   *trieNode
}

// phraseTrie matches lexicon phrases over tokens, longest match first.
type phraseTrie struct{ root trieNode }

func (t *phraseTrie) add(phrase, concept string) {
	words := phraseWords(phrase)
	if len(words) == 0 {
		return
	}
	n := &t.root
	for _, w := range words {
		if p, ok := strings.CutSuffix(w, "*"); ok && p != "" {
			var found *trieNode
			for _, e := range n.prefixes {
				if e.prefix == p {
					found = e.node
				}
			}
			if found == nil {
				found = &trieNode{}
				n.prefixes = append(n.prefixes, prefixEdge{p, found})
				if len(p) >= 3 {
					if n.byHead == nil {
						n.byHead = map[string][]prefixEdge{}
					}
					n.byHead[p[:3]] = append(n.byHead[p[:3]], prefixEdge{p, found})
				} else {
					n.short = append(n.short, prefixEdge{p, found})
				}
			}
			n = found
			continue
		}
		if n.next == nil {
			n.next = map[string]*trieNode{}
		}
		c := n.next[w]
		if c == nil {
			c = &trieNode{}
			n.next[w] = c
		}
		n = c
	}
	if n.concept == "" {
		n.concept = concept
	}
}

// phraseWords splits a phrase into folded words, treating hyphens, apostrophes and "&" as
// separators like the matcher does.
func phraseWords(phrase string) []string {
	f := foldString(phrase)
	return strings.FieldsFunc(f, func(r rune) bool {
		return r == ' ' || r == '-' || r == '\'' || r == '&' || r == '.' || r == '"'
	})
}

// joiner reports whether a symbol token may sit inside a phrase.
func joiner(t token) bool {
	return t.kind == tSym && !t.emoji && (t.s == "-" || t.s == "'" || t.s == "&") && !t.nl
}

// match returns the concept of the longest phrase starting at token i and the index just past
// it, or "" when no phrase starts there.
func (t *phraseTrie) match(toks []token, i int) (string, int) {
	if toks[i].kind == tSym {
		return "", i
	}
	best, bestEnd := "", i
	t.walk(&t.root, toks, i, &best, &bestEnd)
	return best, bestEnd
}

func (t *phraseTrie) walk(n *trieNode, toks []token, i int, best *string, bestEnd *int) {
	j := i
	for j < len(toks) && joiner(toks[j]) {
		j++
	}
	if j >= len(toks) || toks[j].kind == tSym || (j > i && toks[j].nl) {
		return
	}
	w := toks[j].s
	if c := n.next[w]; c != nil {
		if c.concept != "" && j+1 > *bestEnd {
			*best, *bestEnd = c.concept, j+1
		}
		t.walk(c, toks, j+1, best, bestEnd)
	}
	if len(w) >= 3 && n.byHead != nil {
		t.walkEdges(n.byHead[w[:3]], w, toks, j, best, bestEnd)
	}
	t.walkEdges(n.short, w, toks, j, best, bestEnd)
}

// walkEdges follows the prefix edges that word w, at token j, starts with.
func (t *phraseTrie) walkEdges(edges []prefixEdge, w string, toks []token, j int, best *string, bestEnd *int) {
	for _, e := range edges {
		if strings.HasPrefix(w, e.prefix) {
			if e.node.concept != "" && j+1 > *bestEnd {
				*best, *bestEnd = e.node.concept, j+1
			}
			t.walk(e.node, toks, j+1, best, bestEnd)
		}
	}
}

// baseTrie builds a trie of the built-in lexicon.
func baseTrie() *phraseTrie {
	t := &phraseTrie{}
	for c, ps := range lexicon {
		for _, p := range ps {
			t.add(p, c)
		}
	}
	return t
}

// stem reduces a folded word to a crude stem so plural and feminine forms meet: "literies",
// "literie" and "naturelles", "naturelle" compare equal.
func stem(w string) string {
	if len(w) > 3 && w[len(w)-1] == 's' && w[len(w)-2] != 's' {
		w = w[:len(w)-1]
	}
	if len(w) > 4 && w[len(w)-1] == 'e' {
		w = w[:len(w)-1]
	}
	return w
}
