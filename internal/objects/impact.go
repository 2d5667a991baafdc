package objects

import "ariga.io/atlas/sql/schema"

// harmless column changes leave the objects over the column working.
const harmless = schema.ChangeNull | schema.ChangeDefault | schema.ChangeComment

// ImpactOf returns the tables and columns that Atlas's changes drop,
// rename or alter (type, collation, generation), and the indexes they drop
// or rebuild, whose dependent objects must be dropped before the changes
// and created again after.
func ImpactOf(changes []schema.Change) TableImpact {
	t := TableImpact{Tables: map[string]bool{}, Columns: map[string]bool{}, Indexes: map[string]bool{}}
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.DropSchema:
			for _, tb := range c.S.Tables {
				t.Tables[tableName(tb)] = true
			}
		case *schema.DropTable:
			t.Tables[tableName(c.T)] = true
		case *schema.RenameTable:
			t.Tables[tableName(c.From)] = true
		case *schema.ModifyTable:
			t.columns(c.T, c.Changes)
		}
	}
	return t
}

func (t TableImpact) columns(tb *schema.Table, changes []schema.Change) {
	name := tableName(tb) + "."
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.DropColumn:
			t.Columns[name+c.C.Name] = true
		case *schema.RenameColumn:
			t.Columns[name+c.From.Name] = true
		case *schema.ModifyColumn:
			if c.Change&^harmless != 0 {
				t.Columns[name+c.From.Name] = true
			}
		case *schema.DropIndex:
			t.Indexes[indexName(tb, c.I)] = true
		case *schema.ModifyIndex:
			t.Indexes[indexName(tb, c.From)] = true
		}
	}
}

func tableName(t *schema.Table) string {
	if t.Schema == nil {
		return t.Name
	}
	return t.Schema.Name + "." + t.Name
}

func indexName(t *schema.Table, i *schema.Index) string {
	if t.Schema == nil {
		return i.Name
	}
	return t.Schema.Name + "." + i.Name
}
