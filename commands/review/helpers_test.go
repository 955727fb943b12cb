package review_test

import (
	"testing"

	"github.com/chorus-hq/chorus/commands"
	"github.com/chorus-hq/chorus/internal/commandstest"
)

func TestMain(m *testing.M) { commandstest.Main(m) }

// env is the shared test environment (the router over a fresh store), with this package's
// helpers as methods.
type env struct{ *commandstest.Env }

func newEnv(t testing.TB) *env { t.Helper(); return &env{commandstest.New(t)} }

func newEnvWith(t testing.TB, opts commands.Options) *env {
	t.Helper()
	return &env{commandstest.NewWith(t, opts)}
}

var mustSay = commandstest.MustSay
