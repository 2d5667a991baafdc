package objects_test

import "testing"

const (
	produto   = `CREATE AGGREGATE produto(numeric) (sfunc = numeric_mul, stype = numeric, initcond = '1');`
	rotulo    = `CREATE FUNCTION rotulo(e endereco) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT e.rua';`
	registra  = `CREATE FUNCTION registra() RETURNS event_trigger LANGUAGE plpgsql AS 'BEGIN RAISE NOTICE ''%'', tg_tag; END';`
	auditoria = `CREATE EVENT TRIGGER auditoria ON ddl_command_start WHEN TAG IN ('DROP TABLE', 'ALTER TABLE') EXECUTE FUNCTION registra();`
)

func TestPlan_Aggregates(t *testing.T) {
	t.Parallel()
	for _, c := range []planCase{{
		name:    "new over a new function, used by a new view",
		current: base,
		desired: base + `CREATE FUNCTION maior(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT greatest(a, b)';
			CREATE AGGREGATE maximo(int) (sfunc = maior, stype = int, combinefunc = maior, parallel = safe);
			CREATE VIEW melhor AS SELECT public.maximo(score) AS m FROM post;
			COMMENT ON AGGREGATE maximo(int) IS 'o maior';`,
		want: []string{"-- tables", "CREATE OR REPLACE FUNCTION public.maior",
			"CREATE AGGREGATE public.maximo(integer) (sfunc = public.maior, stype = integer, combinefunc = public.maior, parallel = safe)",
			"CREATE VIEW public.melhor", "COMMENT ON AGGREGATE public.maximo(integer) IS 'o maior'"},
	}, {
		name:    "changed, with the view using it",
		current: base + produto + `CREATE VIEW p AS SELECT public.produto(score::numeric) FROM post;`,
		desired: base + `CREATE AGGREGATE produto(numeric) (sfunc = numeric_mul, stype = numeric, initcond = '2');
			CREATE VIEW p AS SELECT public.produto(score::numeric) FROM post;`,
		want: []string{"DROP VIEW public.p", "DROP AGGREGATE IF EXISTS public.produto(numeric)", "-- tables",
			"CREATE AGGREGATE public.produto(numeric) (sfunc = numeric_mul, stype = numeric, initcond = '2')", "CREATE VIEW public.p"},
	}, {
		name:    "ordered-set, zero-argument and moving",
		current: base,
		desired: base + `CREATE FUNCTION conta_sf(n int8) RETURNS int8 LANGUAGE sql IMMUTABLE AS 'SELECT n + 1';
			CREATE FUNCTION conta_inv(n int8) RETURNS int8 LANGUAGE sql IMMUTABLE AS 'SELECT n - 1';
			CREATE AGGREGATE conta(*) (sfunc = conta_sf, stype = int8, initcond = '0');
			CREATE AGGREGATE soma_movel(int8) (sfunc = int8pl, stype = int8, msfunc = int8pl, minvfunc = int8mi, mstype = int8);
			CREATE AGGREGATE mediana(float8 ORDER BY anyelement) (sfunc = ordered_set_transition, stype = internal,
			  finalfunc = percentile_disc_final, finalfunc_extra);
			CREATE AGGREGATE maior_texto(text) (sfunc = text_larger, stype = text, sortop = >);`,
		want: []string{"-- tables", "CREATE AGGREGATE public.conta(*)", "CREATE AGGREGATE public.maior_texto(text)",
			"sortop = OPERATOR(pg_catalog.>)", "CREATE AGGREGATE public.mediana(double precision ORDER BY anyelement)",
			"CREATE AGGREGATE public.soma_movel(bigint)", "msfunc = int8pl, minvfunc = int8mi, mstype = bigint"},
	}, {
		name:    "dropped after the view using it",
		current: base + produto + `CREATE VIEW p AS SELECT public.produto(score::numeric) FROM post;`,
		desired: base,
		want:    []string{"DROP VIEW public.p", "-- tables", "DROP AGGREGATE IF EXISTS public.produto(numeric)"},
	}} {
		t.Run(c.name, c.run)
	}
}

func TestPlan_Casts(t *testing.T) {
	t.Parallel()
	for _, c := range []planCase{{
		name:    "new with its function and type",
		current: base,
		desired: base + endereco + rotulo + `CREATE CAST (endereco AS text) WITH FUNCTION rotulo(endereco) AS ASSIGNMENT;
			CREATE TYPE caixa AS (n int); CREATE CAST (caixa AS varchar) WITH INOUT AS IMPLICIT;
			COMMENT ON CAST (endereco AS text) IS 'por rua';`,
		want: []string{"CREATE TYPE public.caixa", "CREATE TYPE public.endereco", "-- tables", "CREATE OR REPLACE FUNCTION public.rotulo",
			"CREATE CAST (public.caixa AS character varying) WITH INOUT AS IMPLICIT",
			"CREATE CAST (public.endereco AS text) WITH FUNCTION public.rotulo(public.endereco) AS ASSIGNMENT",
			"COMMENT ON CAST (public.endereco AS text) IS 'por rua'"},
	}, {
		name:    "changed",
		current: base + endereco + rotulo + `CREATE CAST (endereco AS text) WITH FUNCTION rotulo(endereco);`,
		desired: base + endereco + rotulo + `CREATE CAST (endereco AS text) WITH INOUT AS IMPLICIT;`,
		want: []string{"DROP CAST IF EXISTS (public.endereco AS text)", "-- tables",
			"CREATE CAST (public.endereco AS text) WITH INOUT AS IMPLICIT"},
	}, {
		name:    "dropped with its function",
		current: base + endereco + rotulo + `CREATE CAST (endereco AS text) WITH FUNCTION rotulo(endereco);`,
		desired: base + endereco,
		want:    []string{"-- tables", "DROP CAST IF EXISTS (public.endereco AS text)", "DROP FUNCTION IF EXISTS public.rotulo"},
	}} {
		t.Run(c.name, c.run)
	}
}

func TestPlan_EventTriggers(t *testing.T) {
	t.Parallel()
	for _, c := range []planCase{{
		name:    "new and disabled",
		current: base,
		desired: base + registra + auditoria + `ALTER EVENT TRIGGER auditoria DISABLE; COMMENT ON EVENT TRIGGER auditoria IS 'ddl';`,
		want: []string{"-- tables", "CREATE OR REPLACE FUNCTION public.registra",
			"CREATE EVENT TRIGGER auditoria ON ddl_command_start WHEN TAG IN ('ALTER TABLE', 'DROP TABLE') EXECUTE FUNCTION public.registra()",
			"ALTER EVENT TRIGGER auditoria DISABLE", "COMMENT ON EVENT TRIGGER auditoria IS 'ddl'"},
	}, {
		name:    "enabled always in place",
		current: base + registra + auditoria,
		desired: base + registra + auditoria + `ALTER EVENT TRIGGER auditoria ENABLE ALWAYS;`,
		want:    []string{"-- tables", "ALTER EVENT TRIGGER auditoria ENABLE ALWAYS"},
	}, {
		name:    "tags changed",
		current: base + registra + auditoria,
		desired: base + registra + `CREATE EVENT TRIGGER auditoria ON ddl_command_end EXECUTE FUNCTION registra();`,
		want: []string{"DROP EVENT TRIGGER IF EXISTS auditoria", "-- tables",
			"CREATE EVENT TRIGGER auditoria ON ddl_command_end EXECUTE FUNCTION public.registra()"},
	}, {
		name:    "dropped with its function",
		current: base + registra + auditoria,
		desired: base,
		want:    []string{"-- tables", "DROP EVENT TRIGGER IF EXISTS auditoria", "DROP FUNCTION IF EXISTS public.registra()"},
	}} {
		t.Run(c.name, c.run)
	}
}

func TestPlan_Publications(t *testing.T) {
	t.Parallel()
	const tables = `CREATE TABLE venda (id int PRIMARY KEY, valor numeric, loja text); CREATE SCHEMA arquivo;`
	for _, c := range []planCase{{
		name:    "new for tables, columns, rows and a schema",
		current: base + tables,
		desired: base + tables + `CREATE PUBLICATION vendas FOR TABLE venda (id, valor) WHERE (valor > 0), post
			WITH (publish = 'insert, update', publish_via_partition_root = true);
			CREATE PUBLICATION arquivos FOR TABLE post, TABLES IN SCHEMA arquivo;
			CREATE PUBLICATION tudo FOR ALL TABLES; CREATE PUBLICATION nada; COMMENT ON PUBLICATION nada IS 'vazia';`,
		want: []string{"-- tables", "CREATE PUBLICATION arquivos FOR TABLE public.post, TABLES IN SCHEMA arquivo",
			"CREATE PUBLICATION nada WITH (publish = 'insert, update, delete, truncate')",
			"CREATE PUBLICATION tudo FOR ALL TABLES",
			"CREATE PUBLICATION vendas FOR TABLE public.post, public.venda (id, valor) WHERE ((valor > (0)::numeric)) WITH (publish = 'insert, update', publish_via_partition_root = true)",
			"COMMENT ON PUBLICATION nada IS 'vazia'"},
	}, {
		name:    "table list and options changed",
		current: base + tables + `CREATE PUBLICATION vendas FOR TABLE venda;`,
		desired: base + tables + `CREATE PUBLICATION vendas FOR TABLE venda, post WITH (publish = 'insert');`,
		want:    []string{"DROP PUBLICATION IF EXISTS vendas", "-- tables", "CREATE PUBLICATION vendas FOR TABLE public.post, public.venda WITH (publish = 'insert')"},
	}, {
		name:    "dropped before a column it lists",
		current: base + tables + `CREATE PUBLICATION vendas FOR TABLE venda (id, loja);`,
		desired: base + `CREATE TABLE venda (id int PRIMARY KEY, valor numeric); CREATE SCHEMA arquivo;`,
		tables:  `ALTER TABLE venda DROP COLUMN loja`,
		impact:  impactColumns("public.venda.loja"),
		want:    []string{"DROP PUBLICATION IF EXISTS vendas", "-- tables\n"},
	}, {
		name:    "over a table that is dropped",
		current: base + tables + `CREATE PUBLICATION vendas FOR TABLE venda, post;`,
		desired: base + `CREATE SCHEMA arquivo; CREATE PUBLICATION vendas FOR TABLE post;`,
		tables:  `DROP TABLE venda`,
		want:    []string{"DROP PUBLICATION IF EXISTS vendas", "-- tables", "CREATE PUBLICATION vendas FOR TABLE public.post"},
	}} {
		t.Run(c.name, c.run)
	}
}

func TestPlan_TextSearch(t *testing.T) {
	t.Parallel()
	const dict = `CREATE TEXT SEARCH DICTIONARY pt_simples (template = simple, stopwords = portuguese);`
	const conf = `CREATE TEXT SEARCH CONFIGURATION busca (parser = default);
		ALTER TEXT SEARCH CONFIGURATION busca ADD MAPPING FOR asciiword, word WITH pt_simples, simple;
		ALTER TEXT SEARCH CONFIGURATION busca ADD MAPPING FOR int WITH simple;`
	for _, c := range []planCase{{
		name:    "new, used by a generated column and an index",
		current: base,
		desired: base + dict + conf + `COMMENT ON TEXT SEARCH CONFIGURATION busca IS 'pt';
			ALTER TABLE post ADD COLUMN doc tsvector GENERATED ALWAYS AS (to_tsvector('public.busca', title)) STORED;
			CREATE INDEX post_busca ON post USING gin (to_tsvector('public.busca'::regconfig, title));`,
		tables: `ALTER TABLE post ADD COLUMN doc tsvector GENERATED ALWAYS AS (to_tsvector('public.busca', title)) STORED;
			CREATE INDEX post_busca ON post USING gin (to_tsvector('public.busca'::regconfig, title))`,
		want: []string{"CREATE TEXT SEARCH DICTIONARY public.pt_simples (template = pg_catalog.simple, stopwords = 'portuguese')",
			"CREATE TEXT SEARCH CONFIGURATION public.busca (parser = pg_catalog.\"default\")",
			"ALTER TEXT SEARCH CONFIGURATION public.busca ADD MAPPING FOR asciiword, word WITH public.pt_simples, simple",
			"ADD MAPPING FOR int WITH simple", "-- tables", "COMMENT ON TEXT SEARCH CONFIGURATION public.busca IS 'pt'"},
	}, {
		name:    "mappings changed in place while a column uses it",
		current: base + dict + conf + `ALTER TABLE post ADD COLUMN doc tsvector GENERATED ALWAYS AS (to_tsvector('public.busca', title)) STORED;`,
		desired: base + dict + `CREATE TEXT SEARCH CONFIGURATION busca (parser = default);
			ALTER TEXT SEARCH CONFIGURATION busca ADD MAPPING FOR asciiword WITH simple;
			ALTER TEXT SEARCH CONFIGURATION busca ADD MAPPING FOR word WITH pt_simples, simple;
			ALTER TEXT SEARCH CONFIGURATION busca ADD MAPPING FOR email WITH simple;
			ALTER TABLE post ADD COLUMN doc tsvector GENERATED ALWAYS AS (to_tsvector('public.busca', title)) STORED;`,
		want: []string{"ALTER TEXT SEARCH CONFIGURATION public.busca DROP MAPPING FOR int",
			"ALTER TEXT SEARCH CONFIGURATION public.busca ALTER MAPPING FOR asciiword WITH simple",
			"ALTER TEXT SEARCH CONFIGURATION public.busca ADD MAPPING FOR email WITH simple", "-- tables"},
	}, {
		name:    "dictionary options changed in place, under a configuration a column uses",
		current: base + dict + conf + `ALTER TABLE post ADD COLUMN doc tsvector GENERATED ALWAYS AS (to_tsvector('public.busca', title)) STORED;`,
		desired: base + `CREATE TEXT SEARCH DICTIONARY pt_simples (template = simple, accept = false);` + conf +
			`ALTER TABLE post ADD COLUMN doc tsvector GENERATED ALWAYS AS (to_tsvector('public.busca', title)) STORED;`,
		want: []string{"ALTER TEXT SEARCH DICTIONARY public.pt_simples (stopwords)",
			"ALTER TEXT SEARCH DICTIONARY public.pt_simples (accept = 'false')", "-- tables"},
	}, {
		name:    "dictionary template changed, with the configuration over it",
		current: base + dict + conf,
		desired: base + `CREATE TEXT SEARCH DICTIONARY pt_simples (template = snowball, language = portuguese);` + conf,
		want: []string{"DROP TEXT SEARCH CONFIGURATION IF EXISTS public.busca", "DROP TEXT SEARCH DICTIONARY IF EXISTS public.pt_simples",
			"CREATE TEXT SEARCH DICTIONARY public.pt_simples (template = pg_catalog.snowball, language = 'portuguese')",
			"CREATE TEXT SEARCH CONFIGURATION public.busca", "-- tables"},
	}, {
		name:    "dropped",
		current: base + dict + conf,
		desired: base,
		want:    []string{"-- tables", "DROP TEXT SEARCH CONFIGURATION IF EXISTS public.busca", "DROP TEXT SEARCH DICTIONARY IF EXISTS public.pt_simples"},
	}} {
		t.Run(c.name, c.run)
	}
}
