package plan

import (
	"embed"

	"github.com/chorus-hq/chorus/i18n"
)

//go:embed locales/*.json
var localeFS embed.FS

// catalog holds the texts of the plan's spreadsheets (keys plan.*).
var catalog = i18n.MustLoad(localeFS, "locales")

// Catalog returns the feature's messages, for the router to merge with the others.
func Catalog() *i18n.Catalog { return catalog }
