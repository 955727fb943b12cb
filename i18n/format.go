package i18n

import (
	"embed"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/chorus-hq/chorus"
)

//go:embed locales/*.json
var localeFS embed.FS

// words is the catalog of dates and schedules in words: day and month names and the sentences
// that join them.
var words = MustLoad(localeFS, "locales")

// Words returns the catalog of dates and schedules in words, for tests that check it.
func Words() *Catalog { return words }

// FormatWhen writes t for a reader of lang in t's location: "vendredi 15 juillet 2027 à 17:00"
// or "Friday 15 July 2027 at 17:00"; the first of the month is « 1er » in French.
func FormatWhen(t time.Time, lang chorus.Lang) string {
	return words.T(lang, "when.datetime", dayName(lang, t.Weekday()), dayOfMonth(lang, t.Day()), monthName(lang, t.Month()), t.Year(), t.Format("15:04"))
}

// FormatDate writes d for a reader of lang: "15 juillet 2027" or "15 July 2027"; "" for the zero
// date.
func FormatDate(d chorus.Date, lang chorus.Lang) string {
	if d.IsZero() {
		return ""
	}
	return words.T(lang, "when.date", dayOfMonth(lang, d.Day), monthName(lang, d.Month), d.Year)
}

// DescribeSpec says a digest's cron spec in lang when it is one of the shapes
// chorus.ParseDigestSpec writes ("chaque lundi à 09:00", "Monday to Friday at 08:30"), else
// returns the spec as it is.
func DescribeSpec(spec string, lang chorus.Lang) string {
	f := strings.Fields(spec)
	if len(f) != 5 || f[2] != "*" || f[3] != "*" {
		return spec
	}
	min, err1 := strconv.Atoi(f[0])
	hour, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil {
		return spec
	}
	var days string
	switch f[4] {
	case "*":
		days = words.T(lang, "spec.every_day")
	case "1-5":
		days = words.T(lang, "spec.weekdays")
	default:
		var parts []string
		for _, d := range strings.Split(f[4], ",") {
			n, err := strconv.Atoi(d)
			if err != nil || n < 0 || n > 7 {
				return spec
			}
			parts = append(parts, dayName(lang, time.Weekday(n%7)))
		}
		days = strings.Join(parts, words.T(lang, "spec.and"))
	}
	return words.T(lang, "spec.at", days, fmt.Sprintf("%02d:%02d", hour, min))
}

// dayOfMonth writes a day of the month as people write it: « 1er juillet », "1 July".
func dayOfMonth(lang chorus.Lang, day int) string {
	if day == 1 {
		return words.T(lang, "day.of_month.1")
	}
	return strconv.Itoa(day)
}

func dayName(lang chorus.Lang, d time.Weekday) string {
	return words.T(lang, "day."+strconv.Itoa(int(d)))
}

func monthName(lang chorus.Lang, m time.Month) string {
	return words.T(lang, "month."+strconv.Itoa(int(m)))
}
