package objects_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/versiona/versiona/internal/objects"
)

// typesOracleQuery describes a database's collations, domains, composite
// and range types, aggregates, casts, event triggers, publications and
// text search objects from pg_catalog, one sorted line per fact.
const typesOracleQuery = `
SELECT line FROM (
  SELECT format('collation %s %s %s %s %s %s', c.oid::regcollation, c.collprovider, c.collcollate, c.collctype,
                c.colliculocale, c.collisdeterministic) AS line
  FROM pg_collation c WHERE c.collnamespace = 'public'::regnamespace
  UNION ALL
  SELECT format('domain %s %s %s %s %s', t.oid::regtype, format_type(t.typbasetype, t.typtypmod), t.typcollation::regcollation,
                pg_get_expr(t.typdefaultbin, 0), t.typnotnull)
  FROM pg_type t WHERE t.typtype = 'd' AND t.typnamespace = 'public'::regnamespace
  UNION ALL
  SELECT format('domain constraint %s %s %s %s', c.contypid::regtype, c.conname, pg_get_constraintdef(c.oid), c.convalidated)
  FROM pg_constraint c WHERE c.contypid <> 0 AND c.connamespace = 'public'::regnamespace
  UNION ALL
  SELECT format('attribute %s.%s %s %s %s', t.oid::regtype,
                row_number() OVER (PARTITION BY t.oid ORDER BY a.attnum), a.attname, format_type(a.atttypid, a.atttypmod),
                a.attcollation::regcollation)
  FROM pg_type t JOIN pg_class c ON c.oid = t.typrelid AND c.relkind = 'c'
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  WHERE t.typnamespace = 'public'::regnamespace
  UNION ALL
  SELECT format('range %s %s %s %s %s %s %s', r.rngtypid::regtype, r.rngsubtype::regtype, r.rngmultitypid::regtype,
                r.rngcollation::regcollation, r.rngsubopc::regclass, r.rngcanonical::regproc, r.rngsubdiff::regproc)
  FROM pg_range r JOIN pg_type t ON t.oid = r.rngtypid WHERE t.typnamespace = 'public'::regnamespace
  UNION ALL
  SELECT format('aggregate %s %s %s %s %s %s %s %s %s', a.aggfnoid::regprocedure, a.aggkind, a.aggtransfn::regproc,
                a.aggtranstype::regtype, a.aggfinalfn::regproc, a.aggcombinefn::regproc, a.agginitval,
                a.aggsortop::regoperator, a.aggmtransfn::regproc)
  FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid WHERE p.pronamespace = 'public'::regnamespace
  UNION ALL
  SELECT format('cast %s %s %s %s %s', c.castsource::regtype, c.casttarget::regtype, c.castfunc::regprocedure,
                c.castcontext, c.castmethod)
  FROM pg_cast c WHERE c.oid >= 16384
  UNION ALL
  SELECT format('event trigger %s %s %s %s %s', e.evtname, e.evtevent, e.evtfoid::regproc, e.evtenabled,
                (SELECT array_agg(g ORDER BY g) FROM unnest(e.evttags) g))
  FROM pg_event_trigger e
  UNION ALL
  SELECT format('publication %s %s %s %s %s %s %s', p.pubname, p.puballtables, p.pubinsert, p.pubupdate, p.pubdelete,
                p.pubtruncate, p.pubviaroot)
  FROM pg_publication p
  UNION ALL
  SELECT format('publication table %s %s.%s %s %s', pubname, schemaname, tablename, attnames, rowfilter)
  FROM pg_publication_tables
  UNION ALL
  SELECT format('publication schema %s %s', p.pubname, n.pnnspid::regnamespace)
  FROM pg_publication_namespace n JOIN pg_publication p ON p.oid = n.pnpubid
  UNION ALL
  SELECT format('text search dictionary %s %s %s', d.oid::regdictionary, d.dicttemplate, d.dictinitoption)
  FROM pg_ts_dict d WHERE d.dictnamespace = 'public'::regnamespace
  UNION ALL
  SELECT format('text search configuration %s %s %s %s %s', c.oid::regconfig, c.cfgparser, m.maptokentype, m.mapseqno,
                m.mapdict::regdictionary)
  FROM pg_ts_config c LEFT JOIN pg_ts_config_map m ON m.mapcfg = c.oid WHERE c.cfgnamespace = 'public'::regnamespace
) facts ORDER BY line`

const (
	quantia   = `CREATE DOMAIN quantia AS numeric(12,2) DEFAULT 0 NOT NULL CONSTRAINT quantia_positiva CHECK (VALUE >= 0);`
	endereco  = `CREATE TYPE endereco AS (rua text, numero integer);`
	withTypes = `CREATE TABLE loja (id int PRIMARY KEY, caixa quantia, sede endereco);`
)

func TestPlan_Domains(t *testing.T) {
	t.Parallel()
	for _, c := range []planCase{{
		name:    "new, used by a new column",
		current: base,
		desired: base + quantia + `COMMENT ON DOMAIN quantia IS 'dinheiro'; ALTER TABLE post ADD COLUMN price quantia;`,
		tables:  `ALTER TABLE post ADD COLUMN price public.quantia`,
		want: []string{"CREATE DOMAIN public.quantia AS numeric(12,2) DEFAULT 0 NOT NULL CONSTRAINT quantia_positiva CHECK ((VALUE >= (0)::numeric))",
			"-- tables", "COMMENT ON DOMAIN public.quantia IS 'dinheiro'"},
	}, {
		name:    "over a domain, with a collation",
		current: base,
		desired: base + `CREATE DOMAIN codigo AS text COLLATE "C"; CREATE DOMAIN cep AS codigo CHECK (VALUE ~ '^[0-9]{8}$');`,
		want:    []string{`CREATE DOMAIN public.codigo AS text COLLATE "C"`, "CREATE DOMAIN public.cep AS public.codigo", "-- tables"},
	}, {
		name:    "default, not null and constraints changed in place",
		current: base + quantia + `CREATE TABLE caixa (saldo quantia); INSERT INTO caixa VALUES (5);`,
		desired: base + `CREATE DOMAIN quantia AS numeric(12,2) DEFAULT 1 CONSTRAINT quantia_teto CHECK (VALUE < 1000);
			ALTER DOMAIN quantia ADD CONSTRAINT quantia_par CHECK (VALUE::int % 2 = 0) NOT VALID;
			CREATE TABLE caixa (saldo quantia);`,
		want: []string{"ALTER DOMAIN public.quantia DROP NOT NULL", "ALTER DOMAIN public.quantia DROP CONSTRAINT quantia_positiva",
			"ALTER DOMAIN public.quantia SET DEFAULT 1", "ADD CONSTRAINT quantia_par CHECK", "NOT VALID",
			"ALTER DOMAIN public.quantia ADD CONSTRAINT quantia_teto", "-- tables"},
	}, {
		name:    "base type changed while unused",
		current: base + `CREATE DOMAIN nota AS int;`,
		desired: base + `CREATE DOMAIN nota AS numeric(4,2);`,
		want:    []string{"DROP DOMAIN IF EXISTS public.nota", "CREATE DOMAIN public.nota AS numeric(4,2)", "-- tables"},
	}, {
		name:    "dropped after the table changes",
		current: base + quantia + `ALTER TABLE post ADD COLUMN price quantia;`,
		desired: base,
		tables:  `ALTER TABLE post DROP COLUMN price`,
		impact:  impactColumns("public.post.price"),
		want:    []string{"-- tables", "DROP DOMAIN IF EXISTS public.quantia"},
	}, {
		name:    "with the view over it",
		current: base + quantia + `CREATE DOMAIN nota AS int; CREATE VIEW notas AS SELECT id, score::nota AS n FROM post;`,
		desired: base + `CREATE DOMAIN nota AS bigint; CREATE VIEW notas AS SELECT id, score::nota AS n FROM post;`,
		want: []string{"DROP VIEW public.notas", "DROP DOMAIN IF EXISTS public.nota", "CREATE DOMAIN public.nota AS bigint",
			"-- tables", "CREATE VIEW public.notas", "DROP DOMAIN IF EXISTS public.quantia"},
	}, {
		name:    "check calling a function",
		current: base,
		desired: base + `CREATE FUNCTION par(n int) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT n % 2 = 0';
			CREATE DOMAIN par_t AS int CHECK (public.par(VALUE));`,
		want: []string{"CREATE OR REPLACE FUNCTION public.par", "CREATE DOMAIN public.par_t", "-- tables"},
	}} {
		t.Run(c.name, c.run)
	}
}

func TestPlan_Types(t *testing.T) {
	t.Parallel()
	for _, c := range []planCase{{
		name:    "composite new, used by a new table",
		current: base,
		desired: base + endereco + quantia + withTypes + `COMMENT ON TYPE endereco IS 'onde'; COMMENT ON COLUMN endereco.rua IS 'logradouro';`,
		tables:  `CREATE TABLE loja (id int PRIMARY KEY, caixa public.quantia, sede public.endereco)`,
		want: []string{"CREATE TYPE public.endereco AS (rua text, numero integer)", "-- tables",
			"COMMENT ON COLUMN public.endereco.rua IS 'logradouro'", "COMMENT ON TYPE public.endereco IS 'onde'"},
	}, {
		name:    "composite attributes added, dropped, changed",
		current: base + `CREATE TYPE endereco AS (rua text, numero integer, bairro text);`,
		desired: base + `CREATE TYPE endereco AS (rua varchar(200), numero integer, cep text);`,
		want: []string{"ALTER TYPE public.endereco DROP ATTRIBUTE bairro", "ALTER TYPE public.endereco ALTER ATTRIBUTE rua TYPE character varying(200)",
			"ALTER TYPE public.endereco ADD ATTRIBUTE cep text", "-- tables"},
	}, {
		name:    "composite attribute added while a column uses it",
		current: base + endereco + `CREATE TABLE loja (sede endereco); INSERT INTO loja VALUES (ROW('a', 1));`,
		desired: base + `CREATE TYPE endereco AS (rua text, numero integer, cep text); CREATE TABLE loja (sede endereco);`,
		want:    []string{"ALTER TYPE public.endereco ADD ATTRIBUTE cep text", "-- tables"},
	}, {
		name:    "composite attribute added in the middle",
		current: base + endereco,
		desired: base + `CREATE TYPE endereco AS (rua text, cep text, numero integer);`,
		want:    []string{"DROP TYPE IF EXISTS public.endereco", "CREATE TYPE public.endereco AS (rua text, cep text, numero integer)", "-- tables"},
	}, {
		name:    "composite dropped with the function taking it",
		current: base + endereco + `CREATE FUNCTION rua(e endereco) RETURNS text LANGUAGE sql AS 'SELECT e.rua';`,
		desired: base,
		want:    []string{"-- tables", "DROP FUNCTION IF EXISTS public.rua(public.endereco)", "DROP TYPE IF EXISTS public.endereco"},
	}, {
		name:    "range new and changed",
		current: base + `CREATE TYPE faixa AS RANGE (subtype = int4);`,
		desired: base + `CREATE TYPE faixa AS RANGE (subtype = numeric); CREATE TYPE periodo AS RANGE (subtype = timestamptz, multirange_type_name = periodos);
			COMMENT ON TYPE periodo IS 'tempo';`,
		want: []string{"DROP TYPE IF EXISTS public.faixa", "CREATE TYPE public.faixa AS RANGE (subtype = numeric, multirange_type_name = public.faixa_multirange)",
			"CREATE TYPE public.periodo AS RANGE (subtype = timestamp with time zone, multirange_type_name = public.periodos)", "-- tables",
			"COMMENT ON TYPE public.periodo IS 'tempo'"},
	}, {
		name:    "collation new and used by a column",
		current: base,
		desired: base + `CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
			CREATE COLLATION c_local (lc_collate = 'C', lc_ctype = 'C'); COMMENT ON COLLATION ci IS 'sem caixa';
			ALTER TABLE post ADD COLUMN tag text COLLATE ci;`,
		tables: `ALTER TABLE post ADD COLUMN tag text COLLATE public.ci`,
		want: []string{"CREATE COLLATION public.c_local (provider = libc, lc_collate = 'C', lc_ctype = 'C')",
			"CREATE COLLATION public.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)", "-- tables",
			"COMMENT ON COLLATION public.ci IS 'sem caixa'"},
	}, {
		name:    "collation changed while unused, dropped",
		current: base + `CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false); CREATE COLLATION velha (locale = 'C');`,
		desired: base + `CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level1', deterministic = false);`,
		want: []string{"DROP COLLATION IF EXISTS public.ci", "CREATE COLLATION public.ci (provider = icu, locale = 'und-u-ks-level1'", "-- tables",
			"DROP COLLATION IF EXISTS public.velha"},
	}} {
		t.Run(c.name, c.run)
	}
}

// TestCheck_TypesInUse checks that a change needing a type used by a table
// column dropped and created is refused, naming the type.
func TestCheck_TypesInUse(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, current, desired, want string }{{
		name:    "domain base type",
		current: base + quantia + `ALTER TABLE post ADD COLUMN price quantia;`,
		desired: base + `CREATE DOMAIN quantia AS numeric(14,2); ALTER TABLE post ADD COLUMN price quantia;`,
		want:    `domain "public.quantia": it must be dropped and created again, and table columns use it`,
	}, {
		name:    "composite attribute type",
		current: base + endereco + `ALTER TABLE post ADD COLUMN sede endereco;`,
		desired: base + `CREATE TYPE endereco AS (rua text, numero bigint); ALTER TABLE post ADD COLUMN sede endereco;`,
		want:    `type "public.endereco": the type of its attribute numero changes, and table columns use it`,
	}, {
		name:    "domain under an array column",
		current: base + `CREATE DOMAIN nota AS int; ALTER TABLE post ADD COLUMN notas nota[];`,
		desired: base + `CREATE DOMAIN nota AS bigint; ALTER TABLE post ADD COLUMN notas nota[];`,
		want:    `domain "public.nota": it must be dropped and created again`,
	}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			err := objects.Check(read(t, build(t, c.current)), read(t, build(t, c.desired)), objects.TableImpact{})
			var uerr *objects.UnplannableError
			if !errors.As(err, &uerr) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Check = %v; want an UnplannableError saying %q", err, c.want)
			}
		})
	}
}

// TestRead_Types checks what Read lists of the types and the objects over
// them, leaving out what PostgreSQL creates for a range type (its
// constructors, multirange type and cast) and the row types of tables.
func TestRead_Types(t *testing.T) {
	t.Parallel()
	db := build(t, base+quantia+endereco+`
		CREATE TYPE faixa AS RANGE (subtype = int4);
		CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
		CREATE TEXT SEARCH CONFIGURATION busca (copy = pg_catalog.simple);`+produto+rotulo+`
		CREATE CAST (endereco AS text) WITH FUNCTION rotulo(endereco);`+registra+auditoria+`
		CREATE PUBLICATION vendas FOR TABLE post;`)
	var got []string
	for _, id := range read(t, db).IDs() {
		if id.Kind != objects.Grant && id.Kind != objects.Revoke { // a fresh database's schema public has grants
			got = append(got, id.String())
		}
	}
	want := []string{`collation "public.ci"`, `domain "public.quantia"`, `text search configuration "public.busca"`,
		`type "public.endereco"`, `type "public.faixa"`, `function "public.registra()"`, `function "public.rotulo(public.endereco)"`,
		`aggregate "public.produto(numeric)"`, `cast "(public.endereco AS text)"`, `event trigger "auditoria"`, `publication "vendas"`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Read listed\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
