package escola_test

import (
	"testing"

	"github.com/versiona/versiona/escola"
	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/testkit"
)

// TestTextRules_MatchCatalog compares every text rule with the CHECK
// constraints and column types of the migrated database.
func TestTextRules_MatchCatalog(t *testing.T) {
	t.Parallel()
	testkit.CheckTextRules(t, dbtest.New(t), escola.TextRules())
}

// TestRangeRules_MatchCatalog compares every numeric rule with the CHECK
// constraints of the migrated database.
func TestRangeRules_MatchCatalog(t *testing.T) {
	t.Parallel()
	testkit.CheckRangeRules(t, dbtest.New(t), escola.RangeRules())
}
