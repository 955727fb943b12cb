package i18n_test

import (
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/i18n"
)

func TestWordsComplete(t *testing.T) { i18n.CheckComplete(t, i18n.Words()) }

func TestFormatWhen(t *testing.T) {
	tm := time.Date(2027, 7, 15, 17, 0, 0, 0, chorus.LoadLocation("Europe/Paris"))
	for _, tt := range []struct {
		lang chorus.Lang
		want string
	}{
		{chorus.French, "jeudi 15 juillet 2027 à 17:00"},
		{chorus.English, "Thursday 15 July 2027 at 17:00"},
	} {
		if got := i18n.FormatWhen(tm, tt.lang); got != tt.want {
			t.Errorf("FormatWhen(%s) = %q, want %q", tt.lang, got, tt.want)
		}
	}
}

func TestFormatDate(t *testing.T) {
	for _, tt := range []struct {
		d    chorus.Date
		lang chorus.Lang
		want string
	}{
		{chorus.Date{Year: 2027, Month: 8, Day: 1}, chorus.French, "1er août 2027"},
		{chorus.Date{Year: 2027, Month: 8, Day: 1}, chorus.English, "1 August 2027"},
		{chorus.Date{Year: 2027, Month: 7, Day: 15}, chorus.English, "15 July 2027"},
		{chorus.Date{}, chorus.French, ""},
	} {
		if got := i18n.FormatDate(tt.d, tt.lang); got != tt.want {
			t.Errorf("FormatDate(%v, %s) = %q, want %q", tt.d, tt.lang, got, tt.want)
		}
	}
}

func TestDescribeSpec(t *testing.T) {
	for _, tt := range []struct {
		spec string
		lang chorus.Lang
		want string
	}{
		{"0 9 * * 1", chorus.French, "lundi à 09:00"},
		{"30 8 * * 1-5", chorus.English, "Monday to Friday at 08:30"},
		{"0 17 * * 1,4", chorus.English, "Monday and Thursday at 17:00"},
		{"0 18 * * *", chorus.French, "chaque jour à 18:00"},
		{"0 9 * * 1,3", chorus.French, "lundi et mercredi à 09:00"},
		{"@weekly", chorus.French, "@weekly"},
	} {
		if got := i18n.DescribeSpec(tt.spec, tt.lang); got != tt.want {
			t.Errorf("DescribeSpec(%q, %s) = %q, want %q", tt.spec, tt.lang, got, tt.want)
		}
	}
}
