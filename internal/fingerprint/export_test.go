package fingerprint

// ForgetCatalog makes Read take the catalog for one the fingerprint does
// not read, so that its objects are unclassified.
func ForgetCatalog(name string) Option {
	return func(o *options) { o.forgotten = append(o.forgotten, name) }
}

// ReadCatalogs is readCatalogs.
var ReadCatalogs = readCatalogs

// FactsQuery is the statement Read runs on a database holding objects of
// every kind, with no schema excluded but RevisionsSchema.
var FactsQuery = catalogQuery([]string{RevisionsSchema}, func(string) bool { return true })
