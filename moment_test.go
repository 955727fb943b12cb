package chorus_test

import (
	"errors"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
)

// TestParseMoment plays dates as French and English marketing teams type them. "now" is Monday
// 7 June 2027, 10:30 in Paris.
func TestParseMoment(t *testing.T) {
	paris := chorus.LoadLocation("Europe/Paris")
	now := time.Date(2027, 6, 7, 10, 30, 0, 0, paris)
	at := func(y int, m time.Month, d, h, mi int) string {
		return time.Date(y, m, d, h, mi, 0, 0, paris).Format("2006-01-02 15:04")
	}
	tests := []struct {
		in      string
		want    string // "" when an error is expected
		implied string
		err     string // the error's message code
	}{
		// digits
		{"2027-07-15", at(2027, 7, 15, 18, 0), "when.implied.day", ""},
		{"2027-07-15 17:00", at(2027, 7, 15, 17, 0), "", ""},
		{"15/07", at(2027, 7, 15, 18, 0), "when.implied.day", ""},
		{"15/07/2027", at(2027, 7, 15, 18, 0), "when.implied.day", ""},
		{"15.07.2027", at(2027, 7, 15, 18, 0), "when.implied.day", ""},
		{"15/07/27 9h30", at(2027, 7, 15, 9, 30), "", ""},
		{"01/06", at(2028, 6, 1, 18, 0), "when.implied.day", ""},
		// month names, French
		{"15 juillet", at(2027, 7, 15, 18, 0), "when.implied.day", ""},
		{"1er juillet", at(2027, 7, 1, 18, 0), "when.implied.day", ""},
		{"le 1er juillet", at(2027, 7, 1, 18, 0), "when.implied.day", ""},
		{"le 15 juillet à 17h", at(2027, 7, 15, 17, 0), "", ""},
		{"le 15 juillet à 17 h", at(2027, 7, 15, 17, 0), "", ""},
		{"15 juillet 17h30", at(2027, 7, 15, 17, 30), "", ""},
		{"15 juillet à 17 h 30", at(2027, 7, 15, 17, 30), "", ""},
		{"5 avril 2028", at(2028, 4, 5, 18, 0), "when.implied.day", ""},
		{"5 avril", at(2028, 4, 5, 18, 0), "when.implied.day", ""},
		{"Le 3 septembre", at(2027, 9, 3, 18, 0), "when.implied.day", ""},
		{"3 sept.", at(2027, 9, 3, 18, 0), "when.implied.day", ""},
		{"12 juil. 2027", at(2027, 7, 12, 18, 0), "when.implied.day", ""},
		{"31 décembre", at(2027, 12, 31, 18, 0), "when.implied.day", ""},
		{"31 decembre 2027 à 9h", at(2027, 12, 31, 9, 0), "", ""},
		{"mardi 15 juin", at(2027, 6, 15, 18, 0), "when.implied.day", ""},
		{"vendredi 11 juin à 12h", at(2027, 6, 11, 12, 0), "", ""},
		{"jeudi 1er juillet", at(2027, 7, 1, 18, 0), "when.implied.day", ""},
		{"le 15", at(2027, 6, 15, 18, 0), "when.implied.day", ""},
		{"le 2", at(2027, 7, 2, 18, 0), "when.implied.day", ""},
		{"avant le 20 juin", at(2027, 6, 20, 18, 0), "when.implied.day", ""},
		{"jusqu'au 20 juin", at(2027, 6, 20, 18, 0), "when.implied.day", ""},
		{"d'ici le 20 juin", at(2027, 6, 20, 18, 0), "when.implied.day", ""},
		{"pour le 20 juin 9h", at(2027, 6, 20, 9, 0), "", ""},
		// month names, English
		{"July 15", at(2027, 7, 15, 18, 0), "when.implied.day", ""},
		{"July 15th", at(2027, 7, 15, 18, 0), "when.implied.day", ""},
		{"July 15, 2027", at(2027, 7, 15, 18, 0), "when.implied.day", ""},
		{"15 July", at(2027, 7, 15, 18, 0), "when.implied.day", ""},
		{"15th July 2027", at(2027, 7, 15, 18, 0), "when.implied.day", ""},
		{"Sept. 3", at(2027, 9, 3, 18, 0), "when.implied.day", ""},
		{"on July 1st at 5pm", at(2027, 7, 1, 17, 0), "", ""},
		{"July 1 at 5 pm", at(2027, 7, 1, 17, 0), "", ""},
		{"by June 20", at(2027, 6, 20, 18, 0), "when.implied.day", ""},
		{"Dec 31 at 9:30am", at(2027, 12, 31, 9, 30), "", ""},
		{"the 15th", at(2027, 6, 15, 18, 0), "when.implied.day", ""},
		// weekdays
		{"vendredi", at(2027, 6, 11, 18, 0), "when.implied.day", ""},
		{"vendredi à 17 h", at(2027, 6, 11, 17, 0), "", ""},
		{"vendredi 17h", at(2027, 6, 11, 17, 0), "", ""},
		{"ce vendredi", at(2027, 6, 11, 18, 0), "when.implied.day", ""},
		{"lundi", at(2027, 6, 14, 18, 0), "when.implied.day", ""},
		{"mardi", at(2027, 6, 8, 18, 0), "when.implied.day", ""},
		{"mardi prochain", at(2027, 6, 15, 18, 0), "when.implied.day", ""},
		{"next tuesday", at(2027, 6, 15, 18, 0), "when.implied.day", ""},
		{"Next Friday 9am", at(2027, 6, 18, 9, 0), "", ""},
		{"friday", at(2027, 6, 11, 18, 0), "when.implied.day", ""},
		{"this friday", at(2027, 6, 11, 18, 0), "when.implied.day", ""},
		{"friday at noon", at(2027, 6, 11, 12, 0), "", ""},
		{"jeudi midi", at(2027, 6, 10, 12, 0), "", ""},
		{"mercredi matin", at(2027, 6, 9, 9, 0), "", ""},
		{"mercredi après-midi", at(2027, 6, 9, 14, 0), "", ""},
		{"Sun", at(2027, 6, 13, 18, 0), "when.implied.day", ""},
		// relative days
		{"demain", at(2027, 6, 8, 18, 0), "when.implied.day", ""},
		{"demain 9h", at(2027, 6, 8, 9, 0), "", ""},
		{"demain matin", at(2027, 6, 8, 9, 0), "", ""},
		{"demain soir", at(2027, 6, 8, 18, 0), "", ""},
		{"après-demain", at(2027, 6, 9, 18, 0), "when.implied.day", ""},
		{"après demain", at(2027, 6, 9, 18, 0), "when.implied.day", ""},
		{"tomorrow", at(2027, 6, 8, 18, 0), "when.implied.day", ""},
		{"tomorrow 9am", at(2027, 6, 8, 9, 0), "", ""},
		{"tomorrow morning", at(2027, 6, 8, 9, 0), "", ""},
		{"aujourd'hui 17h", at(2027, 6, 7, 17, 0), "", ""},
		{"ce soir", at(2027, 6, 7, 18, 0), "", ""},
		{"tonight", at(2027, 6, 7, 18, 0), "", ""},
		{"17h", at(2027, 6, 7, 17, 0), "", ""},
		{"dans 3 jours", at(2027, 6, 10, 18, 0), "when.implied.day", ""},
		{"dans trois jours", at(2027, 6, 10, 18, 0), "when.implied.day", ""},
		{"dans une semaine", at(2027, 6, 14, 18, 0), "when.implied.day", ""},
		{"dans 2 semaines", at(2027, 6, 21, 18, 0), "when.implied.day", ""},
		{"dans quinze jours", at(2027, 6, 21, 18, 0), "when.implied.day", ""},
		{"dans un mois", at(2027, 7, 7, 18, 0), "when.implied.day", ""},
		{"in 3 days", at(2027, 6, 10, 18, 0), "when.implied.day", ""},
		{"in 2 weeks", at(2027, 6, 21, 18, 0), "when.implied.day", ""},
		{"in a week", at(2027, 6, 14, 18, 0), "when.implied.day", ""},
		{"in a fortnight", at(2027, 6, 21, 18, 0), "when.implied.day", ""},
		{"in 2 months", at(2027, 8, 7, 18, 0), "when.implied.day", ""},
		// parts of a month, with the time of day each implies
		{"fin juin", at(2027, 6, 30, 18, 0), "when.implied.end", ""},
		{"fin juin 12h", at(2027, 6, 30, 12, 0), "", ""},
		{"mi-juillet", at(2027, 7, 15, 12, 0), "when.implied.mid", ""},
		{"mi juillet", at(2027, 7, 15, 12, 0), "when.implied.mid", ""},
		{"début septembre", at(2027, 9, 1, 9, 0), "when.implied.start", ""},
		{"debut septembre 2027", at(2027, 9, 1, 9, 0), "when.implied.start", ""},
		{"fin du mois", at(2027, 6, 30, 18, 0), "when.implied.end", ""},
		{"début du mois", at(2027, 7, 1, 9, 0), "when.implied.start", ""},
		{"fin mai", at(2028, 5, 31, 18, 0), "when.implied.end", ""},
		{"end of June", at(2027, 6, 30, 18, 0), "when.implied.end", ""},
		{"end of the month", at(2027, 6, 30, 18, 0), "when.implied.end", ""},
		{"mid-July", at(2027, 7, 15, 12, 0), "when.implied.mid", ""},
		{"early September", at(2027, 9, 1, 9, 0), "when.implied.start", ""},
		{"beginning of September", at(2027, 9, 1, 9, 0), "when.implied.start", ""},
		// refused, with the reason
		{"hier", "", "", "when.past"},
		{"yesterday", "", "", "when.past"},
		{"avant-hier", "", "", "when.past"},
		{"2027-06-01", "", "", "when.past"},
		{"aujourd'hui 9h", "", "", "when.past"},
		{"31/02/2028", "", "", "when.no_such_day"},
		{"30 février", "", "", "when.no_such_day"},
		{"31 avril 2028", "", "", "when.no_such_day"},
		{"mardi 16 juin", "", "", "when.weekday_mismatch"},
		{"juillet", "", "", "when.unknown"},
		{"bientôt", "", "", "when.unknown"},
		{"asap", "", "", "when.unknown"},
		{"25h", "", "", "when.unknown"},
		{"", "", "", "when.unknown"},
		{"13pm", "", "", "when.unknown"},
		{"15", "", "", "when.unknown"}, // a number alone: « Commander 15 » is no due date
		{"vendredi 11", "", "", "when.unknown"},
	}
	if len(tests) < 80 {
		t.Fatalf("only %d phrasings", len(tests))
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			m, err := chorus.ParseMoment(tc.in, paris, now)
			if tc.err != "" {
				var ue *chorus.Error
				if !errors.As(err, &ue) || ue.Code != tc.err {
					t.Fatalf("ParseMoment(%q) = %v, %v; want error %s", tc.in, m.Time, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseMoment(%q): %v", tc.in, err)
			}
			if got := m.Time.Format("2006-01-02 15:04"); got != tc.want || m.Implied != tc.implied {
				t.Errorf("ParseMoment(%q) = %s (%q), want %s (%q)", tc.in, got, m.Implied, tc.want, tc.implied)
			}
		})
	}
}

// "next tuesday" is next week's Tuesday on any day of this week.
func TestNextWeekday(t *testing.T) {
	paris := chorus.LoadLocation("Europe/Paris")
	for day, want := range map[int]int{7: 15, 8: 15, 9: 15, 11: 15, 13: 15} { // Monday 7 … Sunday 13 June 2027
		now := time.Date(2027, 6, day, 10, 0, 0, 0, paris)
		m, err := chorus.ParseMoment("next tuesday", paris, now)
		if err != nil || m.Time.Day() != want {
			t.Errorf("next tuesday on %s = %v, %v; want the %d", now.Weekday(), m.Time, err, want)
		}
	}
}
