package chorus

import "strings"

// Lang is a language a user reads Chorus in.
type Lang string

// The languages Chorus speaks. Every user-facing text exists in both.
const (
	French  Lang = "fr"
	English Lang = "en"
)

// Langs lists the supported languages, default first.
var Langs = []Lang{French, English}

// ParseLang returns the language named by s ("fr", "FR", "fr-BE", "en_GB", "français", "english").
// It reports false when s names no supported language.
func ParseLang(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "fr" || strings.HasPrefix(s, "fr-") || strings.HasPrefix(s, "fr_") || s == "français" || s == "francais" || s == "french":
		return French, true
	case s == "en" || strings.HasPrefix(s, "en-") || strings.HasPrefix(s, "en_") || s == "english" || s == "anglais":
		return English, true
	}
	return "", false
}
