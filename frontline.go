package chorus

import (
	"slices"
	"strings"
	"time"
)

// Limits on briefings and experts, so that a briefing fits one Slack message.
const (
	MaxFrontline     = 30  // front-line channels of a workspace
	MaxFAQ           = 15  // entries of a briefing's FAQ
	MaxFAQLen        = 500 // characters of a question or an answer
	MaxTopicKeywords = 40
	MaxTopicExperts  = 10
)

// FrontlineChannel is a channel of people who face customers (stores, customer service, sales):
// briefings are sent there and its members acknowledge them.
type FrontlineChannel struct {
	Channel string // channel id
	Kind    string // such as "magasins", "service-client", "ventes": a slug
}

// FAQEntry is one question of a briefing's FAQ and its answer.
type FAQEntry struct {
	Question string
	Answer   string
}

// Member is a person a briefing was sent to, with the time zone they are reminded in.
type Member struct {
	User     string
	TimeZone string // IANA zone from their Slack profile, "" when unknown (the workspace's)
}

// Delivery is a briefing edition as posted to one front-line channel.
type Delivery struct {
	Channel string
	Kind    string
	TS      string   // the message's timestamp, its thread's parent; "" when the transport gives none
	Members []Member // who was in the channel when it was sent: who must acknowledge
}

// Briefing is a campaign's « fiche promo » for the front line: the FAQ its leads keep, and what
// was last sent (the edition, the campaign version it said, where it went). An edition's
// acknowledgements are its own; a new edition asks everyone again.
type Briefing struct {
	WorkspaceID string
	Campaign    string // campaign slug
	FAQ         []FAQEntry

	Edition         int // editions sent; 0 while a draft
	CampaignVersion int // the campaign version the last edition said
	Message         string
	Points          []string
	Start, End      Date
	GoLive          time.Time // the instant Start begins in the campaign's zone: reminders stop
	Deliveries      []Delivery
	SentBy          string
	SentAt          time.Time

	Version   int
	UpdatedBy string
	UpdatedAt time.Time
}

// Sent reports whether an edition went out.
func (b Briefing) Sent() bool { return b.Edition > 0 }

// Validate reports every problem with the briefing.
func (b Briefing) Validate() error {
	var ps Problems
	if len(b.FAQ) > MaxFAQ {
		ps.add("faq", "briefing.faq.too_many", MaxFAQ)
	}
	for _, e := range b.FAQ {
		if strings.TrimSpace(e.Question) == "" || strings.TrimSpace(e.Answer) == "" {
			ps.add("faq", "briefing.faq.empty")
		}
		if len([]rune(e.Question)) > MaxFAQLen || len([]rune(e.Answer)) > MaxFAQLen {
			ps.add("faq", "briefing.faq.too_long", MaxFAQLen)
		}
	}
	return ps.Err()
}

// Ack is one person's « Lu et compris » on an edition of a campaign's briefing.
type Ack struct {
	WorkspaceID string
	Campaign    string
	Edition     int
	User        string
	At          time.Time
}

// Topic is a subject front-line questions are about, its experts and the words that tell it.
type Topic struct {
	Name     string   // "prix", "logistique", "juridique", "produit", "sav" or a workspace's own
	Experts  []string // user ids
	Keywords []string // as typed, matched folded (chorus.Fold: no case, no accents), French and English
}

// Experts is a workspace's « who answers what »: its topics, and how long a question may wait
// for an answer before it goes to the lead.
type Experts struct {
	WorkspaceID string
	Topics      []Topic
	Escalate    time.Duration // 0: DefaultEscalation

	Version   int
	UpdatedBy string
	UpdatedAt time.Time
}

// DefaultEscalation is how long a front-line question waits for an expert before the lead is told.
const DefaultEscalation = 2 * time.Hour

// DefaultTopics are the topics of a workspace that set none, with French and English keywords.
func DefaultTopics() []Topic {
	return []Topic{
		{Name: "prix", Keywords: []string{"prix", "tarif", "remise", "réduction", "promo", "code", "coupon", "cumulable", "price", "discount", "cost", "combine"}},
		{Name: "logistique", Keywords: []string{"livraison", "livrer", "délai", "délais", "stock", "expédition", "retrait", "colis", "delivery", "deliver", "shipping", "delay", "pickup", "parcel"}},
		{Name: "juridique", Keywords: []string{"legal", "juridique", "conditions", "cgv", "mention", "rétractation", "rgpd", "loi", "terms", "law", "gdpr", "withdrawal"}},
		{Name: "produit", Keywords: []string{"produit", "matelas", "taille", "dimension", "couleur", "modèle", "gamme", "product", "mattress", "size", "colour", "color", "model", "range"}},
		{Name: "sav", Keywords: []string{"sav", "retour", "rembourser", "remboursement", "garantie", "échange", "réclamation", "return", "refund", "warranty", "exchange", "complaint"}},
	}
}

// Topic returns the topic named name, reporting false when there is none.
func (e Experts) Topic(name string) (Topic, bool) {
	for _, t := range e.Topics {
		if t.Name == name {
			return t, true
		}
	}
	return Topic{}, false
}

// EscalateAfter is how long a question waits before the lead is told.
func (e Experts) EscalateAfter() time.Duration {
	if e.Escalate <= 0 {
		return DefaultEscalation
	}
	return e.Escalate
}

// Route returns the topics whose keywords the text holds, in the workspace's order. A keyword
// matches a whole folded word or, for a keyword of several words, the folded words in a row.
func (e Experts) Route(text string) []Topic {
	words := " " + strings.Join(strings.FieldsFunc(Fold(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127)
	}), " ") + " "
	var out []Topic
	for _, t := range e.Topics {
		if slices.ContainsFunc(t.Keywords, func(k string) bool {
			k = strings.Join(strings.Fields(Fold(k)), " ")
			return k != "" && (strings.Contains(words, " "+k+" ") || strings.Contains(words, " "+k+"s "))
		}) {
			out = append(out, t)
		}
	}
	return out
}

// Validate reports every problem with the experts.
func (e Experts) Validate() error {
	var ps Problems
	for _, t := range e.Topics {
		if !slugRE.MatchString(t.Name) || len(t.Name) > MaxKindLen {
			ps.add("topic", "experts.topic.syntax", t.Name)
		}
		if len(t.Keywords) > MaxTopicKeywords {
			ps.add("keywords", "experts.keywords.too_many", t.Name, MaxTopicKeywords)
		}
		if len(t.Experts) > MaxTopicExperts {
			ps.add("experts", "experts.too_many", t.Name, MaxTopicExperts)
		}
		for _, u := range t.Experts {
			if !ValidUserID(u) {
				ps.add("experts", "user.invalid", u)
			}
		}
	}
	if e.Escalate < 0 || e.Escalate > 7*24*time.Hour {
		ps.add("escalate", "experts.delay.range")
	}
	return ps.Err()
}

// Question is a message asked in a briefing's thread, routed to the experts of its topics.
type Question struct {
	WorkspaceID string
	ID          string // the message's channel and timestamp: "C123/1700000000.000100"
	Campaign    string
	Channel     string
	Thread      string // the briefing's message
	TS          string
	Asker       string
	Text        string
	Topics      []string
	Experts     []string // mentioned; the leads when no topic matched
	At          time.Time
	// Answer, AnsweredBy and AnsweredAt are the first reply of an expert or a lead in the thread
	// after the question.
	Answer     string
	AnsweredBy string
	AnsweredAt time.Time
}

// QuestionID is the id of the question asked in channel at ts.
func QuestionID(channel, ts string) string { return channel + "/" + ts }

// Answered reports whether an expert or a lead answered the question.
func (q Question) Answered() bool { return q.AnsweredBy != "" }
