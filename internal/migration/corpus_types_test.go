package migration_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/testkit"
)

// corpusTypes adds to the corpus's base the types tables use (a collation,
// domains, a composite and a range type, a text search configuration)
// and the objects over them: an aggregate and the view using it, a cast,
// an event trigger and a publication.
const corpusTypes = `
CREATE COLLATION sem_acento (provider = icu, locale = 'und-u-ks-level1', deterministic = false);
CREATE DOMAIN quantia AS numeric(12,2) NOT NULL DEFAULT 0 CONSTRAINT quantia_positiva CHECK (VALUE >= 0);
COMMENT ON DOMAIN quantia IS 'Valor em reais.';
CREATE DOMAIN cep AS char(8) CONSTRAINT cep_digitos CHECK (VALUE ~ '^[0-9]{8}$');
CREATE TYPE endereco AS (rua text, numero integer, cep cep);
COMMENT ON TYPE endereco IS 'Endereço postal.';
CREATE TYPE faixa_preco AS RANGE (subtype = numeric);
CREATE TEXT SEARCH DICTIONARY pt_simples (template = simple, stopwords = portuguese);
CREATE TEXT SEARCH CONFIGURATION busca_pt (parser = default);
ALTER TEXT SEARCH CONFIGURATION busca_pt ADD MAPPING FOR asciiword, word WITH pt_simples;
COMMENT ON TEXT SEARCH CONFIGURATION busca_pt IS 'Busca em português.';

CREATE TABLE entregas (
  pedido_id bigint PRIMARY KEY REFERENCES pedidos (id) ON DELETE CASCADE,
  destino endereco NOT NULL,
  frete quantia,
  cidade text COLLATE sem_acento,
  observacao text,
  busca tsvector GENERATED ALWAYS AS (to_tsvector('public.busca_pt', coalesce(observacao, ''))) STORED
);
COMMENT ON TABLE entregas IS 'Para onde vão os pedidos.';

CREATE AGGREGATE produto_de(numeric) (sfunc = numeric_mul, stype = numeric, initcond = '1');
CREATE VIEW fretes AS SELECT produto_de(frete) AS fator FROM entregas;
CREATE FUNCTION endereco_texto(e endereco) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT e.rua || ', ' || e.numero $$;
CREATE CAST (endereco AS text) WITH FUNCTION endereco_texto(endereco);
CREATE FUNCTION registra_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'ddl %', tg_tag; END $$;
CREATE EVENT TRIGGER registra_ddl ON ddl_command_end WHEN TAG IN ('DROP TABLE') EXECUTE FUNCTION registra_ddl();
CREATE PUBLICATION vendas FOR TABLE pedidos, entregas (pedido_id, frete) WITH (publish = 'insert');
`

// catalogTypes reads, from pg_catalog, the casts, event triggers,
// publications and text search objects of a database, which the
// fingerprint may not read.
const catalogTypes = `
SELECT line FROM (
  SELECT format('cast %s %s %s %s %s', c.castsource::regtype, c.casttarget::regtype, c.castfunc::regprocedure,
                c.castcontext, c.castmethod) AS line
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
  FROM pg_publication_tables WHERE schemaname <> 'atlas_schema_revisions'
  UNION ALL
  SELECT format('text search dictionary %s %s %s', d.oid::regdictionary, d.dicttemplate::regproc, d.dictinitoption)
  FROM pg_ts_dict d WHERE d.oid >= 16384
  UNION ALL
  SELECT format('text search configuration %s %s %s %s %s', c.oid::regconfig, c.cfgparser, m.maptokentype, m.mapseqno,
                m.mapdict::regdictionary)
  FROM pg_ts_config c LEFT JOIN pg_ts_config_map m ON m.mapcfg = c.oid WHERE c.oid >= 16384
  UNION ALL
  SELECT format('comment %s: %s', pg_describe_object(classoid, objoid, objsubid), description)
  FROM pg_description WHERE objoid >= 16384 AND classoid IN ('pg_cast'::regclass, 'pg_event_trigger'::regclass,
    'pg_publication'::regclass, 'pg_ts_dict'::regclass, 'pg_ts_config'::regclass)
) facts ORDER BY line`

// corpusEntrega inserts a cliente, a pedido and its entrega.
const corpusEntrega = `WITH c AS (INSERT INTO clientes (nome, email) VALUES ('Ana', md5(random()::text) || '@example.com') RETURNING id),
  p AS (INSERT INTO pedidos (cliente_id) SELECT id FROM c RETURNING id)
INSERT INTO entregas (pedido_id, destino.rua, destino.numero, frete) SELECT id, 'Rua A', 1, 10 FROM p`

func init() { corpusCases = append(corpusCases, typesCorpusCases...) }

var typesCorpusCases = []corpusCase{
	// Domains.
	{name: "domain added, used by a new column", needs: featureTypes,
		add: "CREATE DOMAIN percentual AS numeric(5,2) CHECK (VALUE BETWEEN 0 AND 100);\nALTER TABLE produtos ADD COLUMN margem percentual;\n", want: planned},
	{name: "domain constraint changed", needs: featureTypes, edits: []string{"CHECK (VALUE >= 0)", "CHECK (VALUE >= 0 AND VALUE < 1000000)"}, want: planned},
	{name: "domain default and not null changed", needs: featureTypes, edits: []string{"quantia AS numeric(12,2) NOT NULL DEFAULT 0", "quantia AS numeric(12,2) DEFAULT 1"}, want: planned},
	{name: "domain comment changed", needs: featureTypes, edits: []string{"'Valor em reais.'", "'Valor em R$.'"}, want: planned},
	{name: "domain base type changed while a column uses it", needs: featureTypes, edits: []string{"quantia AS numeric(12,2) NOT NULL DEFAULT 0", "quantia AS numeric(14,2) NOT NULL DEFAULT 0"},
		want: refused, names: []string{`domain "public.quantia"`, "table columns use it"}},
	{name: "column type changed from one domain to another", needs: featureTypes, edits: []string{
		"CREATE DOMAIN cep AS", "CREATE DOMAIN quantia_grande AS numeric(14,2);\nCREATE DOMAIN cep AS", "frete quantia,", "frete quantia_grande,"},
		want: planned, rows: corpusEntrega},
	{name: "column type changed to a new domain", needs: featureTypes, edits: []string{
		"\nCREATE TABLE pedidos (", "\nCREATE DOMAIN codigo_t AS varchar(40) CHECK (VALUE <> '');\nCREATE TABLE pedidos (",
		"codigo_externo varchar(40),", "codigo_externo codigo_t,"}, want: planned},
	{name: "domain dropped, its column changed", needs: featureTypes, edits: []string{
		"CREATE DOMAIN quantia AS numeric(12,2) NOT NULL DEFAULT 0 CONSTRAINT quantia_positiva CHECK (VALUE >= 0);\nCOMMENT ON DOMAIN quantia IS 'Valor em reais.';\n", "",
		"frete quantia,", "frete numeric(12,2),"}, want: planned},

	// Composite types.
	{name: "composite type attribute added", needs: featureTypes, edits: []string{"(rua text, numero integer, cep cep)", "(rua text, numero integer, cep cep, complemento text)"},
		want: planned, rows: corpusEntrega},
	{name: "composite type attribute type changed while a column uses it", needs: featureTypes,
		edits: []string{"(rua text, numero integer, cep cep)", "(rua text, numero bigint, cep cep)"},
		want:  refused, names: []string{`type "public.endereco"`, "attribute numero"}},
	{name: "composite type dropped with its column, function and cast", needs: featureTypes, edits: []string{
		"  destino endereco NOT NULL,\n", "",
		"CREATE FUNCTION endereco_texto(e endereco) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT e.rua || ', ' || e.numero $$;\nCREATE CAST (endereco AS text) WITH FUNCTION endereco_texto(endereco);\n", "",
		"CREATE TYPE endereco AS (rua text, numero integer, cep cep);\nCOMMENT ON TYPE endereco IS 'Endereço postal.';\n", ""},
		want: planned, catalog: catalogTypes},
	{name: "domain and composite type created for new columns", needs: featureTypes, add: `CREATE DOMAIN telefone AS varchar(20) CHECK (VALUE ~ '^[0-9+ ]+$');
CREATE TYPE contato AS (nome text, telefone telefone);
CREATE TABLE contatos (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, cliente_id bigint NOT NULL REFERENCES clientes (id), principal contato NOT NULL, outros contato[]);
CREATE INDEX contatos_cliente_id_idx ON contatos (cliente_id);
ALTER TABLE clientes ADD COLUMN fone telefone;
ALTER TABLE entregas ADD COLUMN recebedor contato;
`, want: planned, rows: corpusEntrega},

	// Range types and collations.
	{name: "range type added, used by a new column", needs: featureTypes,
		add: "CREATE TYPE faixa_peso AS RANGE (subtype = integer);\nALTER TABLE produtos ADD COLUMN faixa faixa_peso;\n", want: planned},
	{name: "range type changed", needs: featureTypes, edits: []string{"RANGE (subtype = numeric)", "RANGE (subtype = float8)"}, want: planned},
	{name: "range type dropped", needs: featureTypes, edits: []string{"CREATE TYPE faixa_preco AS RANGE (subtype = numeric);\n", ""}, want: planned},
	{name: "collation added, used by a new column", needs: featureTypes,
		add: "CREATE COLLATION ordem_natural (provider = icu, locale = 'und-u-kn-true');\nALTER TABLE produtos ADD COLUMN codigo text COLLATE ordem_natural;\n", want: planned},
	{name: "collation dropped with its column", needs: featureTypes, edits: []string{
		"CREATE COLLATION sem_acento (provider = icu, locale = 'und-u-ks-level1', deterministic = false);\n", "",
		"  cidade text COLLATE sem_acento,\n", ""}, want: planned},
	{name: "collation changed while a column uses it", needs: featureTypes, edits: []string{"'und-u-ks-level1'", "'und-u-ks-level2'"},
		want: refused, names: []string{`collation "public.sem_acento"`}},

	// Aggregates.
	{name: "aggregate added with a view using it", needs: featureTypes,
		add: "CREATE AGGREGATE maior_total(numeric) (sfunc = numeric_larger, stype = numeric);\nCREATE VIEW maior_pedido AS SELECT maior_total(total) AS total FROM pedidos;\n", want: planned},
	{name: "aggregate changed", needs: featureTypes, edits: []string{"initcond = '1'", "initcond = '2'"}, want: planned},
	{name: "aggregate dropped with its view", needs: featureTypes, edits: []string{
		"CREATE AGGREGATE produto_de(numeric) (sfunc = numeric_mul, stype = numeric, initcond = '1');\nCREATE VIEW fretes AS SELECT produto_de(frete) AS fator FROM entregas;\n", ""}, want: planned},

	// Casts.
	{name: "cast added", needs: featureTypes, add: "CREATE TYPE caixa AS (altura int, largura int);\nCREATE CAST (caixa AS text) WITH INOUT AS ASSIGNMENT;\nCOMMENT ON CAST (caixa AS text) IS 'Como texto.';\n",
		want: planned, catalog: catalogTypes},
	{name: "cast changed", needs: featureTypes, edits: []string{"WITH FUNCTION endereco_texto(endereco);", "WITH FUNCTION endereco_texto(endereco) AS IMPLICIT;"},
		want: planned, catalog: catalogTypes},
	{name: "cast dropped", needs: featureTypes, edits: []string{"CREATE CAST (endereco AS text) WITH FUNCTION endereco_texto(endereco);\n", ""},
		want: planned, catalog: catalogTypes},

	// Event triggers.
	{name: "event trigger added", needs: featureTypes, add: "CREATE EVENT TRIGGER registra_remocao ON sql_drop EXECUTE FUNCTION registra_ddl();\n",
		want: planned, catalog: catalogTypes},
	{name: "event trigger disabled", needs: featureTypes, add: "ALTER EVENT TRIGGER registra_ddl DISABLE;\n", want: planned, catalog: catalogTypes},
	{name: "event trigger tags changed", needs: featureTypes, edits: []string{"('DROP TABLE')", "('DROP TABLE', 'DROP VIEW')"}, want: planned, catalog: catalogTypes},
	{name: "event trigger dropped", needs: featureTypes, edits: []string{
		"CREATE EVENT TRIGGER registra_ddl ON ddl_command_end WHEN TAG IN ('DROP TABLE') EXECUTE FUNCTION registra_ddl();\n", ""},
		want: planned, catalog: catalogTypes},

	// Publications.
	{name: "publication added", needs: featureTypes,
		add:  "CREATE PUBLICATION catalogo FOR TABLE produtos (id, sku, nome, preco) WHERE (preco > 0) WITH (publish = 'insert');\nCREATE PUBLICATION tudo FOR ALL TABLES;\nCOMMENT ON PUBLICATION tudo IS 'Réplica.';\n",
		want: planned, catalog: catalogTypes},
	{name: "publication changed", needs: featureTypes, edits: []string{"FOR TABLE pedidos, entregas (pedido_id, frete) WITH (publish = 'insert')", "FOR TABLE entregas (pedido_id, frete, cidade), clientes WITH (publish = 'insert, update')"},
		want: planned, catalog: catalogTypes},
	{name: "publication dropped", needs: featureTypes, edits: []string{"CREATE PUBLICATION vendas FOR TABLE pedidos, entregas (pedido_id, frete) WITH (publish = 'insert');\n", ""},
		want: planned, catalog: catalogTypes},
	{name: "publication column dropped", needs: featureTypes, edits: []string{"entregas (pedido_id, frete)", "entregas (pedido_id)",
		"  frete quantia,\n", "", "CREATE VIEW fretes AS SELECT produto_de(frete) AS fator FROM entregas;\n", ""},
		want: planned, catalog: catalogTypes},

	// Text search.
	{name: "text search configuration mapping changed", needs: featureTypes, edits: []string{"WITH pt_simples;", "WITH pt_simples, simple;"},
		want: planned, catalog: catalogTypes},
	{name: "text search objects added for an index", needs: featureTypes, add: `CREATE TEXT SEARCH DICTIONARY pt_stem (template = snowball, language = portuguese);
CREATE TEXT SEARCH CONFIGURATION busca_stem (parser = default);
ALTER TEXT SEARCH CONFIGURATION busca_stem ADD MAPPING FOR asciiword, word WITH pt_stem;
CREATE INDEX produtos_nome_busca_idx ON produtos USING gin (to_tsvector('public.busca_stem', nome));
`, want: planned, catalog: catalogTypes},
	{name: "text search dictionary options changed while a column uses its configuration", needs: featureTypes,
		edits: []string{"stopwords = portuguese", "stopwords = english"}, want: planned, catalog: catalogTypes},
	{name: "text search dictionary template changed while a column uses its configuration", needs: featureTypes,
		edits: []string{"template = simple, stopwords = portuguese", "template = snowball, language = portuguese"},
		want:  refused, names: []string{`text search configuration "public.busca_pt"`, "table columns use it"}},
	{name: "text search objects dropped with the column using them", needs: featureTypes, edits: []string{
		",\n  busca tsvector GENERATED ALWAYS AS (to_tsvector('public.busca_pt', coalesce(observacao, ''))) STORED", "",
		"CREATE TEXT SEARCH DICTIONARY pt_simples (template = simple, stopwords = portuguese);\nCREATE TEXT SEARCH CONFIGURATION busca_pt (parser = default);\nALTER TEXT SEARCH CONFIGURATION busca_pt ADD MAPPING FOR asciiword, word WITH pt_simples;\nCOMMENT ON TEXT SEARCH CONFIGURATION busca_pt IS 'Busca em português.';\n", ""},
		want: planned, catalog: catalogTypes},
}

// sameCatalog fails the test when query, if any, gives other lines on the
// database at url than on the one at wantURL.
func sameCatalog(t testing.TB, query, what, url, wantURL string) {
	t.Helper()
	if query == "" {
		return
	}
	got := testkit.Lines(t, testkit.OpenSQL(t, url), query)
	want := testkit.Lines(t, testkit.OpenSQL(t, wantURL), query)
	if !slices.Equal(got, want) {
		t.Fatalf("%s: catalog differs:\ngot:\n%s\nwant:\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// loadBase loads the corpus's base schema on a new database and returns
// its URL.
func loadBase(t testing.TB) string {
	t.Helper()
	url := dbtest.URL(t)
	if _, err := testkit.OpenSQL(t, url).Exec(corpusBase()); err != nil {
		t.Fatalf("loading the corpus base: %v", err)
	}
	return url
}
