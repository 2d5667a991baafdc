package locks

// VolatileFuncs exposes the volatile-function list to the tests.
func VolatileFuncs() []string { return volatileFuncs }
