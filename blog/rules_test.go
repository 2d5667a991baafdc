package blog_test

import (
	"testing"

	"github.com/versiona/versiona/blog"
	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/testkit"
)

// TestTextRules_MatchCatalog compares every text rule with the CHECK
// constraints and column types of the migrated database.
func TestTextRules_MatchCatalog(t *testing.T) {
	t.Parallel()
	testkit.CheckTextRules(t, dbtest.New(t), blog.TextRules())
}
