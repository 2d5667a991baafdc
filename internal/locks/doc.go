// Package locks keeps migrations safe on a database that serves traffic.
package locks
