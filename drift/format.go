package drift

import (
	"embed"
	"strconv"
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/i18n"
)

//go:embed locales/*.json
var localeFS embed.FS

// catalog holds the detector's texts; it is read-only once loaded.
var catalog = i18n.MustLoad(localeFS, "locales")

// Catalog returns the detector's message catalog, for callers that merge catalogs.
func Catalog() *i18n.Catalog { return catalog }

// Localizer is a value that renders itself in a language; Finding.Args may hold them.
type Localizer interface {
	Format(lang chorus.Lang) string
}

// Weekday is a day of the week that formats itself in French or English.
type Weekday int

// Format returns the weekday's name in lang.
func (w Weekday) Format(lang chorus.Lang) string {
	return catalog.T(lang, "drift.weekday."+strconv.Itoa(int(w)))
}

// Format renders the fact in lang, as the summary and the reasons show it.
func (f Fact) Format(lang chorus.Lang) string {
	switch f.Kind {
	case FactPercent:
		v := formatNumber(f.Value, lang)
		switch f.Role {
		case RoleDiscount:
			return catalog.T(lang, "drift.fact.percent.discount", v)
		case RoleUpTo:
			return catalog.T(lang, "drift.fact.percent.upto", v)
		}
		return catalog.T(lang, "drift.fact.percent", v)
	case FactMoney:
		s := formatMoney(f.Value, f.Unit, lang)
		if f.Per != "" {
			s = catalog.T(lang, "drift.fact.money.per", s, catalog.T(lang, "drift.per."+f.Per))
		}
		if f.Role == RoleThreshold {
			s = catalog.T(lang, "drift.fact.money.threshold", s)
		}
		return s
	case FactPeriod:
		if f.From.Year == f.To.Year && f.From.Month == f.To.Month {
			return catalog.T(lang, "drift.fact.period.month", f.From.Day, f.To.Day, monthName(f.To, lang), f.To.Year)
		}
		if f.From.Year == f.To.Year {
			return catalog.T(lang, "drift.fact.period.year", f.From.Day, monthName(f.From, lang), f.To.Day, monthName(f.To, lang), f.To.Year)
		}
		return catalog.T(lang, "drift.fact.period", formatDate(f.From, lang), formatDate(f.To, lang))
	case FactDeadline:
		if f.Role == RoleBefore {
			return catalog.T(lang, "drift.fact.deadline.before", formatDate(f.To, lang))
		}
		return catalog.T(lang, "drift.fact.deadline", formatDate(f.To, lang))
	case FactDate:
		return formatDate(f.From, lang)
	case FactDuration:
		n := "many"
		if f.Value == 1 {
			n = "one"
		}
		return catalog.T(lang, "drift.fact.duration."+f.Unit+"."+n, formatNumber(f.Value, lang))
	case FactPhone:
		if f.Quote != "" {
			return f.Quote
		}
		return f.Text
	case FactURL, FactCode:
		return f.Text
	case FactScope, FactEligibility, FactCondition:
		return catalog.T(lang, "drift.fact."+string(f.Kind)+"."+f.Role)
	case FactQuantity:
		return formatNumber(f.Value, lang) + " " + f.Unit
	case FactAge:
		return catalog.T(lang, "drift.fact.age."+f.Role, int(f.Value))
	case FactMinCount:
		return catalog.T(lang, "drift.fact.min_count", int(f.Value))
	case FactBundle:
		return catalog.T(lang, "drift.fact.bundle."+f.Role, int(f.Value))
	}
	return f.Quote
}

func monthName(d chorus.Date, lang chorus.Lang) string {
	return catalog.T(lang, "drift.month."+strconv.Itoa(int(d.Month)))
}

func formatDate(d chorus.Date, lang chorus.Lang) string {
	return catalog.T(lang, "drift.fact.date", d.Day, monthName(d, lang), d.Year)
}

// formatNumber writes v with a decimal comma in French and a point in English.
func formatNumber(v float64, lang chorus.Lang) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if v != float64(int64(v)) {
		s = strconv.FormatFloat(v, 'f', 2, 64)
	}
	if lang == chorus.French {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

func formatMoney(v float64, unit string, lang chorus.Lang) string {
	sym := map[string]string{"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}[unit]
	if sym == "" {
		sym = unit
	}
	return catalog.T(lang, "drift.fact.money", formatNumber(v, lang), sym)
}

// localize renders the Localizer arguments in lang.
func localize(args []any, lang chorus.Lang) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if l, ok := a.(Localizer); ok {
			out[i] = l.Format(lang)
		} else {
			out[i] = a
		}
	}
	return out
}
