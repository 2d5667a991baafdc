package migration

import (
	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"

	"github.com/versiona/versiona/internal/objects"
)

// onlineSettings returns the statements that end the online file when it
// rebuilds indexes a desired replica identity or clustering names: the
// rebuilt index is not marked until they run. changes are Atlas's, main
// those left in the transactional file.
func onlineSettings(changes, main []schema.Change, des objects.Set) []*migrate.Change {
	rebuilt := objects.ImpactOf(changes).Indexes
	for idx := range objects.ImpactOf(main).Indexes {
		delete(rebuilt, idx)
	}
	return planned(objects.OnIndexes(des, rebuilt))
}
