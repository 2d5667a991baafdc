// Package dburl is the one way versiona's programs and tests find and open
// a PostgreSQL database: an explicit connection string (a flag, else an
// environment variable), else a throwaway server from internal/pgserver.
//
// Connection strings are postgres:// or postgresql:// URLs, or keyword/value
// strings ("host=… user=… dbname=…"); any other scheme is refused by Check.
// Every error this package returns has its secrets hidden by Redact, and
// every connection it configures gives up after DefaultConnectTimeout unless
// the string sets connect_timeout.
package dburl

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/versiona/versiona/internal/pgserver"
)

// DefaultConnectTimeout bounds connecting to a server when the connection
// string sets no connect_timeout, so that an unreachable server fails fast.
const DefaultConnectTimeout = 5 * time.Second

// Given returns the explicit connection string: flagValue, else the
// environment variable envName (when envName is not empty), else "".
func Given(flagValue, envName string) string {
	if flagValue != "" || envName == "" {
		return flagValue
	}
	return os.Getenv(envName)
}

// Resolve returns the connection string of the database to use: flagValue,
// else $envName, checked by Check; else that of the database "postgres" on a
// throwaway server started for the caller, which stop shuts down and
// removes. stop is never nil and may be called more than once.
//
// Errors: a refused connection string (Check), or the server's start
// failure with what was tried.
func Resolve(ctx context.Context, flagValue, envName string) (url string, stop func() error, err error) {
	noop := func() error { return nil }
	if s := Given(flagValue, envName); s != "" {
		if err := Check(s); err != nil {
			return "", noop, err
		}
		return s, noop, nil
	}
	srv, err := pgserver.Start(ctx, pgserver.Options{})
	if err != nil {
		hint := "pass a connection string"
		if envName != "" {
			hint += " or set " + envName
		}
		return "", noop, fmt.Errorf("%w\n%s to use a server of your own", err, hint)
	}
	return srv.URL("postgres"), srv.Stop, nil
}

// scheme matches the scheme of a URL-like string ("mysql://", "sqlite:").
var scheme = regexp.MustCompile(`^\s*([A-Za-z][A-Za-z0-9+.-]*):`)

// ErrUnsupported is returned (wrapped) by Check for a connection string that
// is not PostgreSQL's.
var ErrUnsupported = errors.New("only PostgreSQL connection strings are supported (postgres://…)")

// Check accepts postgres:// and postgresql:// URLs and keyword/value
// strings that pgx can parse. Errors: ErrUnsupported (wrapped) for another
// scheme or a string of neither form, or the parse error, redacted.
func Check(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("empty database connection string")
	}
	if m := scheme.FindStringSubmatch(s); m != nil {
		if name := strings.ToLower(m[1]); name != "postgres" && name != "postgresql" {
			return fmt.Errorf("scheme %q: %w", m[1], ErrUnsupported)
		}
	} else if !strings.Contains(s, "=") {
		return fmt.Errorf("neither a URL nor keyword=value pairs: %w", ErrUnsupported)
	}
	if _, err := pgxpool.ParseConfig(s); err != nil {
		return fmt.Errorf("parsing the database connection string: %w", Redacted(err, secretsOf(s)...))
	}
	return nil
}

// Config checks s (Check) and returns its pool configuration, with
// ConnConfig.ConnectTimeout set to DefaultConnectTimeout unless s (or
// PGCONNECT_TIMEOUT) gives a non-zero connect_timeout, which is kept.
// A program using database/sql opens cfg.ConnConfig with pgx's stdlib.
func Config(s string) (*pgxpool.Config, error) {
	if err := Check(s); err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(s)
	if err != nil {
		return nil, fmt.Errorf("parsing the database connection string: %w", Redacted(err))
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = DefaultConnectTimeout
	}
	return cfg, nil
}

// Open opens a pool on s (Config) and checks that the server answers within
// the connect timeout. Errors name the host and port, never the password.
func Open(ctx context.Context, s string) (*pgxpool.Pool, error) {
	cfg, err := Config(s)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connecting to the database: %w", Redacted(err, cfg.ConnConfig.Password))
	}
	pctx, cancel := context.WithTimeout(ctx, cfg.ConnConfig.ConnectTimeout)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connecting to the database at %s:%d: %w",
			cfg.ConnConfig.Host, cfg.ConnConfig.Port, Redacted(err, cfg.ConnConfig.Password))
	}
	return pool, nil
}

// WithDatabase returns s naming database db instead of its own: the path of
// a URL, the dbname of a keyword/value string. Errors: those of Check.
func WithDatabase(s, db string) (string, error) {
	if err := Check(s); err != nil {
		return "", err
	}
	if scheme.MatchString(s) {
		u, err := url.Parse(s)
		if err != nil {
			return "", fmt.Errorf("parsing the database URL: %w", Redacted(err, secretsOf(s)...))
		}
		u.Path, u.RawPath = "/"+db, ""
		return u.String(), nil
	}
	// The last of repeated keywords wins.
	return s + " dbname='" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(db) + "'", nil
}
