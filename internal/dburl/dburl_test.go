package dburl

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/versiona/versiona/internal/pgserver"
)

const secret = "S3cretPW"

// withSecret are connection strings holding secret in every position, each
// with something wrong (a bad sslmode or port) so that parsing or
// connecting fails; port 1 on 127.0.0.1 refuses connections.
var withSecret = []struct{ name, s string }{
	{"url user info", "postgres://postgres:" + secret + "@127.0.0.1:1/db?sslmode=disable"},
	{"url user info with reserved characters", "postgres://postgres:" + secret + "?%2F@127.0.0.1:1/db?sslmode=disable"},
	{"url bad percent escape", "postgres://postgres:" + secret + "%zz@127.0.0.1:1/db"},
	{"url password parameter", "postgres://postgres@127.0.0.1:1/db?sslmode=disable&password=" + secret},
	{"url PASSWORD parameter", "postgresql://postgres@127.0.0.1:1/db?PASSWORD=" + secret + "&sslmode=bogus"},
	{"url encoded parameter name", "postgres://postgres@127.0.0.1:1/db?pass%77ord=" + secret + "&sslmode=bogus"},
	{"url sslpassword parameter", "postgres://postgres@127.0.0.1:1/db?sslpassword=" + secret + "&sslmode=bogus"},
	{"keyword/value", "host=127.0.0.1 port=1 user=postgres password=" + secret + " dbname=db sslmode=disable"},
	{"keyword/value first", "password=" + secret + " host=127.0.0.1 port=1 sslmode=bogus"},
	{"keyword/value spaced", "host=127.0.0.1 port=1 password = " + secret + " sslmode=bogus"},
	{"keyword/value PASSWORD", "host=127.0.0.1 port=1 PASSWORD=" + secret + " sslmode=bogus"},
	{"keyword/value quoted", "host=127.0.0.1 port=1 password='" + secret + " and more' sslmode=disable"},
	{"keyword/value quoted escape", `host=127.0.0.1 port=1 password='it\'s ` + secret + `' sslmode=bogus`},
	{"keyword/value unterminated quote", "host=127.0.0.1 port=1 password='" + secret},
	{"mysql url", "mysql://root:" + secret + "@127.0.0.1:3306/db"},
	{"mysql url parameter", "mysql://root@127.0.0.1:3306/db?password=" + secret},
}

func TestRedact(t *testing.T) {
	for _, tc := range withSecret {
		t.Run(tc.name, func(t *testing.T) {
			got := Redact(tc.s)
			if strings.Contains(got, secret) {
				t.Errorf("Redact(%q) = %q, shows the secret", tc.s, got)
			}
			if !strings.Contains(got, "127.0.0.1") && !strings.Contains(got, "host=") {
				t.Errorf("Redact(%q) = %q, hides the host too", tc.s, got)
			}
			// Quoted inside a message, as pgx quotes it.
			if msg := Redact("cannot parse `" + tc.s + "`: oops"); strings.Contains(msg, secret) {
				t.Errorf("Redact of a message quoting %q = %q, shows the secret", tc.s, msg)
			}
		})
	}
	t.Run("keeps the rest", func(t *testing.T) {
		in := "postgres://u:" + secret + "@db.example:5433/app?sslmode=require&password=" + secret + "&application_name=x"
		want := "postgres://u:xxxxx@db.example:5433/app?sslmode=require&password=xxxxx&application_name=x"
		if got := Redact(in); got != want {
			t.Errorf("Redact = %q, want %q", got, want)
		}
		if got := Redact("postgres://u@h/db"); got != "postgres://u@h/db" {
			t.Errorf("Redact of a URL without secrets = %q, want it unchanged", got)
		}
	})
	t.Run("PGPASSWORD", func(t *testing.T) {
		t.Setenv("PGPASSWORD", "Env"+secret)
		if got := Redact("connecting as postgres with Env" + secret); strings.Contains(got, secret) {
			t.Errorf("Redact = %q, shows $PGPASSWORD", got)
		}
	})
}

// TestRedact_PgxEchoes shows why parse errors are redacted here: pgx
// quotes some connection strings into its errors with the password.
func TestRedact_PgxEchoes(t *testing.T) {
	echoed := 0
	for _, tc := range withSecret {
		if _, err := pgxpool.ParseConfig(tc.s); err != nil && strings.Contains(err.Error(), secret) {
			echoed++
		}
	}
	if echoed == 0 {
		t.Fatal("pgx no longer echoes any secret in its parse errors: keep redacting, but update this test")
	}
}

func TestCheck(t *testing.T) {
	for _, s := range []string{
		"postgres://u@h/db", "postgresql://u@h:5433/db?sslmode=disable",
		"host=h user=u dbname=db", "host=h password='a b'",
	} {
		if err := Check(s); err != nil {
			t.Errorf("Check(%q) = %v, want nil", s, err)
		}
	}
	for _, s := range []string{
		"mysql://root:" + secret + "@h/db", "sqlite:" + secret + ".db", "sqlite:///tmp/" + secret,
		"http://u:" + secret + "@h/", "just-a-" + secret,
	} {
		err := Check(s)
		if !errors.Is(err, ErrUnsupported) {
			t.Errorf("Check(%q) = %v, want ErrUnsupported", s, err)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, secret) || !strings.Contains(msg, "only PostgreSQL connection strings are supported (postgres://…)") {
			t.Errorf("Check(%q) = %q, want the supported form and no secret", s, msg)
		}
	}
	if err := Check(""); err == nil {
		t.Error("Check of an empty string = nil, want an error")
	}
}

func TestErrorsHideSecrets(t *testing.T) {
	t.Setenv("PGPASSWORD", "Env"+secret)
	for _, tc := range withSecret {
		t.Run(tc.name, func(t *testing.T) {
			var errs []error
			errs = append(errs, Check(tc.s))
			_, err := Config(tc.s)
			errs = append(errs, err)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			pool, err := Open(ctx, tc.s)
			if err == nil {
				pool.Close()
				t.Fatal("Open succeeded on a closed port")
			}
			errs = append(errs, err)
			for i, err := range errs {
				if err != nil && strings.Contains(err.Error(), secret) {
					t.Errorf("error %d shows the secret: %v", i, err)
				}
			}
		})
	}
	t.Run("PGPASSWORD on connect", func(t *testing.T) {
		_, err := Open(context.Background(), "postgres://postgres@127.0.0.1:1/db?sslmode=disable")
		if err == nil || strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "connecting to the database at 127.0.0.1:1") {
			t.Errorf("Open = %v, want a connect error naming the address and not $PGPASSWORD", err)
		}
	})
}

func TestConfig_ConnectTimeout(t *testing.T) {
	t.Setenv("PGCONNECT_TIMEOUT", "")
	for s, want := range map[string]time.Duration{
		"postgres://u@h/db":                    DefaultConnectTimeout,
		"postgres://u@h/db?connect_timeout=0":  DefaultConnectTimeout,
		"postgres://u@h/db?connect_timeout=2":  2 * time.Second,
		"postgres://u@h/db?connect_timeout=30": 30 * time.Second,
		"host=h connect_timeout=7":             7 * time.Second,
	} {
		cfg, err := Config(s)
		if err != nil {
			t.Errorf("Config(%q): %v", s, err)
			continue
		}
		if got := cfg.ConnConfig.ConnectTimeout; got != want {
			t.Errorf("Config(%q) timeout = %v, want %v", s, got, want)
		}
	}
}

// silentServer listens on 127.0.0.1, accepts connections and never answers.
func silentServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	t.Cleanup(func() { l.Close(); <-done })
	return l.Addr().String()
}

func TestOpen_SilentServer(t *testing.T) {
	addr := silentServer(t)
	for name, s := range map[string]string{
		"url":           "postgres://postgres:" + secret + "@" + addr + "/db?sslmode=disable&connect_timeout=1",
		"keyword/value": "host=127.0.0.1 port=" + addr[strings.LastIndex(addr, ":")+1:] + " password=" + secret + " sslmode=disable connect_timeout=1",
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			pool, err := Open(context.Background(), s)
			elapsed := time.Since(start)
			if err == nil {
				pool.Close()
				t.Fatal("Open succeeded against a server that never answers")
			}
			if elapsed > 2*time.Second {
				t.Errorf("Open gave up after %v, want within connect_timeout=1 plus 1s", elapsed)
			}
			if strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "connecting to the database") {
				t.Errorf("error = %v, want a connect error without the secret", err)
			}
		})
	}
}

func TestWithDatabase(t *testing.T) {
	for _, s := range []string{"postgres://u:p@h:5433/old?sslmode=disable", "host=h port=5433 dbname=old user=u"} {
		got, err := WithDatabase(s, "new's db")
		if err != nil {
			t.Fatalf("WithDatabase(%q): %v", s, err)
		}
		cfg, err := Config(got)
		if err != nil {
			t.Fatalf("Config(%q): %v", got, err)
		}
		if c := cfg.ConnConfig; c.Database != "new's db" || c.Host != "h" || c.Port != 5433 || c.User != "u" {
			t.Errorf("WithDatabase(%q) = %q: database %q on %s:%d as %s", s, got, c.Database, c.Host, c.Port, c.User)
		}
	}
	if _, err := WithDatabase("mysql://h/db", "x"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("WithDatabase of a mysql URL = %v, want ErrUnsupported", err)
	}
}

func TestResolve_Given(t *testing.T) {
	t.Setenv("DBURL_TEST_URL", "postgres://env@h/db")
	for _, tc := range []struct{ flag, env, want string }{
		{"postgres://flag@h/db", "DBURL_TEST_URL", "postgres://flag@h/db"},
		{"", "DBURL_TEST_URL", "postgres://env@h/db"},
	} {
		got, stop, err := Resolve(context.Background(), tc.flag, tc.env)
		if err != nil || got != tc.want {
			t.Errorf("Resolve(%q, %q) = %q, %v; want %q", tc.flag, tc.env, got, err, tc.want)
		}
		if err := stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	}
	t.Setenv("DBURL_TEST_URL", "mysql://root:"+secret+"@h/db")
	_, stop, err := Resolve(context.Background(), "", "DBURL_TEST_URL")
	if !errors.Is(err, ErrUnsupported) || strings.Contains(err.Error(), secret) || stop == nil {
		t.Errorf("Resolve of a mysql URL = %v, want ErrUnsupported without the secret", err)
	}
}

func TestResolve_ThrowawayServer(t *testing.T) {
	t.Setenv("DBURL_TEST_URL", "")
	ctx := context.Background()
	s, stop, err := Resolve(ctx, "", "DBURL_TEST_URL")
	if err != nil {
		t.Fatal(err)
	}
	pool, err := Open(ctx, s)
	if err != nil {
		stop()
		t.Fatal(err)
	}
	var one int
	err = pool.QueryRow(ctx, "SELECT 1").Scan(&one)
	pool.Close()
	if err != nil || one != 1 {
		t.Errorf("query on the throwaway server: %d, %v", one, err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil {
		t.Errorf("second stop: %v", err)
	}
	if _, err := Open(ctx, s+"&connect_timeout=1"); err == nil {
		t.Error("the server still accepts connections after stop")
	}
	if dirs := pgserver.OwnedDirs(os.Getpid()); len(dirs) > 0 {
		t.Errorf("stop left %v behind", dirs)
	}
}
