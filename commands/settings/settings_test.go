package settings_test

import (
	"testing"

	"github.com/chorus-hq/chorus/commands/settings"
	"github.com/chorus-hq/chorus/i18n"
)

func TestCatalogComplete(t *testing.T) { i18n.CheckComplete(t, settings.Catalog()) }
