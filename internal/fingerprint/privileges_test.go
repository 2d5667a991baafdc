package fingerprint_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"slices"
	"strings"
	"testing"

	"github.com/versiona/versiona/internal/fingerprint"
)

// TestRead_PrivilegesNormalised requires equal privileges to read the
// same however they were reached.
func TestRead_PrivilegesNormalised(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, left, right string }{
		{"granted and revoked back", ``, `GRANT SELECT ON app.filho TO pg_monitor; REVOKE SELECT ON app.filho FROM pg_monitor;
			REVOKE EXECUTE ON FUNCTION app.dobro(integer) FROM PUBLIC; GRANT EXECUTE ON FUNCTION app.dobro(integer) TO PUBLIC;
			GRANT USAGE ON SCHEMA app TO pg_monitor; REVOKE USAGE ON SCHEMA app FROM pg_monitor;
			GRANT UPDATE (texto) ON app.filho TO pg_monitor; REVOKE UPDATE (texto) ON app.filho FROM pg_monitor`},
		{"granted in another order", `GRANT SELECT ON app.filho TO pg_monitor; GRANT INSERT ON app.filho TO pg_read_all_data;
			GRANT INSERT ON app.filho TO pg_monitor`,
			`GRANT INSERT ON app.filho TO pg_read_all_data; GRANT INSERT, SELECT ON app.filho TO pg_monitor`},
		{"default privileges granted and revoked back", ``, `ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO pg_monitor;
			ALTER DEFAULT PRIVILEGES IN SCHEMA app REVOKE SELECT ON TABLES FROM pg_monitor`},
		{"owner changed and back", ``, `ALTER TABLE app.filho OWNER TO pg_monitor; ALTER TABLE app.filho OWNER TO CURRENT_USER`},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			left, right := open(t, baseSchema+c.left), open(t, baseSchema+c.right)
			if l, r := read(t, left), read(t, right); l.String() != r.String() {
				t.Errorf("fingerprints differ:\n%s", describeAll(fingerprint.Diff(l, r)))
			}
		})
	}
}

// TestRead_OwnerInPrivileges writes an object's owner "(owner)" in its
// privileges, whoever owns it, and names another owner by its role.
func TestRead_OwnerInPrivileges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := open(t, baseSchema)
	r := role(t, db, "Dono")
	if _, err := db.ExecContext(ctx, `GRANT SELECT ON app.filho TO pg_monitor; ALTER TABLE app.filho OWNER TO "`+r+`"`); err != nil {
		t.Fatal(err)
	}
	text := read(t, db).String()
	for _, want := range []string{
		"table app.filho: owner \"" + r + "\"\n",
		"table app.filho: privileges (owner) DELETE, INSERT, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE; pg_monitor SELECT\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no fact %q in:\n%s", want, text)
		}
	}
}

// TestRead_Secrets never prints a user mapping's option values nor a
// server's password, and still sees them change.
func TestRead_Secrets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := open(t, baseSchema+`
		ALTER SERVER servidor OPTIONS (ADD password 'segredo-do-servidor', ADD passfile '/segredo/arquivo');
		ALTER USER MAPPING FOR PUBLIC SERVER servidor OPTIONS (SET user 'usuario-secreto', ADD password 'segredo-do-mapeamento')`)
	before := read(t, db)
	for _, secret := range []string{"segredo", "usuario-secreto"} {
		if strings.Contains(before.String(), secret) {
			t.Errorf("the fingerprint shows %q:\n%s", secret, before)
		}
	}
	if !strings.Contains(before.String(), "server servidor: options host=longe, passfile md5 ") {
		t.Errorf("server options not read:\n%s", before)
	}
	if _, err := db.ExecContext(ctx, `ALTER USER MAPPING FOR PUBLIC SERVER servidor OPTIONS (SET password 'outro-segredo')`); err != nil {
		t.Fatal(err)
	}
	checkChanged(t, before, read(t, db), "user mapping PUBLIC on servidor: options password md5 ")
}

// role creates a login-less role named prefix and a random suffix, dropped
// when the test ends with whatever it owns and is granted in db and in
// the others.
func role(t *testing.T, db *sql.DB, prefix string, others ...*sql.DB) string {
	t.Helper()
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	name := prefix + "_" + hex.EncodeToString(b)
	if _, err := db.ExecContext(context.Background(), `CREATE ROLE "`+name+`"`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, d := range others {
			if _, err := d.ExecContext(context.Background(), `DROP OWNED BY "`+name+`"`); err != nil {
				t.Errorf("dropping what role %s owns: %v", name, err)
			}
		}
		if _, err := db.ExecContext(context.Background(), `DROP OWNED BY "`+name+`"; DROP ROLE "`+name+`"`); err != nil {
			t.Errorf("dropping role %s: %v", name, err)
		}
	})
	return name
}

// TestDiff_Privileges says a grant and an owner in plain words.
func TestDiff_Privileges(t *testing.T) {
	t.Parallel()
	plain := read(t, open(t, baseSchema))
	granted := read(t, open(t, baseSchema+`GRANT SELECT ON app.filho TO pg_monitor; ALTER SEQUENCE app.contador OWNER TO pg_monitor`))
	var got []string
	for _, d := range fingerprint.Diff(granted, plain) {
		got = append(got, d.Describe("the live database", "the migrations"))
	}
	want := []string{
		"sequence app.contador: owner pg_monitor in the live database, owned by the database owner in the migrations",
		"table app.filho: privileges (owner) DELETE, INSERT, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE; pg_monitor SELECT" +
			" in the live database, default privileges in the migrations",
	}
	if !slices.Equal(got, want) {
		t.Errorf("differences:\n%q\nwant:\n%q", got, want)
	}
}
