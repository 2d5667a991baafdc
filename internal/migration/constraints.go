package migration

import (
	"slices"

	"ariga.io/atlas/sql/schema"

	"github.com/versiona/versiona/internal/objects"
)

// leaveConstraints removes from both realms the CHECK and FOREIGN KEY
// constraints package objects plans (objects.Taken: NOT VALID, DEFERRABLE
// or commented on either side), which Atlas's engine would plan without
// those traits.
func leaveConstraints(cur, des *schema.Realm, curObjs, desObjs objects.Set) {
	taken := map[[2]string]bool{}
	for _, id := range objects.Taken(curObjs, desObjs) {
		o := curObjs[id]
		if o == nil {
			o = desObjs[id]
		}
		taken[[2]string{o.Con.Table, o.Con.Name}] = true
	}
	if len(taken) == 0 {
		return
	}
	for _, r := range []*schema.Realm{cur, des} {
		for _, s := range r.Schemas {
			for _, t := range s.Tables {
				key := s.Name + "." + t.Name
				t.ForeignKeys = slices.DeleteFunc(t.ForeignKeys, func(fk *schema.ForeignKey) bool {
					return taken[[2]string{key, fk.Symbol}]
				})
				t.Attrs = slices.DeleteFunc(t.Attrs, func(a schema.Attr) bool {
					ck, ok := a.(*schema.Check)
					return ok && taken[[2]string{key, ck.Name}]
				})
			}
		}
	}
}
