package objects_test

import (
	"testing"

	"github.com/versiona/versiona/internal/objects"
)

const base = `CREATE TABLE post (id int PRIMARY KEY, title text NOT NULL, score int NOT NULL DEFAULT 0);
`

func TestPlan_Views(t *testing.T) {
	t.Parallel()
	for _, c := range []planCase{{
		name:    "new",
		current: base,
		desired: base + `CREATE VIEW top AS SELECT id, title FROM post WHERE score > 10;`,
		want:    []string{"-- tables", `CREATE VIEW public.top AS`},
	}, {
		name:    "changed columns",
		current: base + `CREATE VIEW top AS SELECT id FROM post;`,
		desired: base + `CREATE VIEW top AS SELECT id, title FROM post;`,
		want:    []string{"DROP VIEW public.top", "-- tables", "CREATE VIEW public.top"},
	}, {
		name:    "dropped",
		current: base + `CREATE VIEW top AS SELECT id FROM post;`,
		desired: base,
		want:    []string{"DROP VIEW public.top", "-- tables"},
	}, {
		name:    "options",
		current: base + `CREATE VIEW top AS SELECT id, score FROM post WHERE score > 10;`,
		desired: base + `CREATE VIEW top WITH (security_barrier) AS SELECT id, score FROM post WHERE score > 10 WITH CASCADED CHECK OPTION;`,
		want:    []string{"DROP VIEW", "CREATE VIEW public.top WITH (security_barrier=true, check_option=cascaded)"},
	}, {
		name:    "over a column whose type changes",
		current: base + `CREATE VIEW top AS SELECT id, score FROM post;`,
		desired: `CREATE TABLE post (id int PRIMARY KEY, title text NOT NULL, score bigint NOT NULL DEFAULT 0);
			CREATE VIEW top AS SELECT id, score FROM post;`,
		tables: `ALTER TABLE post ALTER COLUMN score TYPE bigint`,
		impact: impactColumns("public.post.score"),
		want:   []string{"DROP VIEW public.top", "-- tables", "CREATE VIEW public.top"},
	}, {
		name:    "over a dropped table",
		current: base + `CREATE TABLE old (id int); CREATE VIEW top AS SELECT p.id FROM post p JOIN old o ON o.id = p.id;`,
		desired: base + `CREATE VIEW top AS SELECT p.id FROM post p;`,
		tables:  `DROP TABLE old`,
		impact:  objects.TableImpact{Tables: map[string]bool{"public.old": true}},
		want:    []string{"DROP VIEW public.top", "-- tables", "CREATE VIEW public.top"},
	}, {
		name:    "on a view, both new",
		current: base,
		desired: base + `CREATE VIEW z_base AS SELECT id, score FROM post;
			CREATE VIEW a_top AS SELECT id FROM z_base WHERE score > 1;`,
		want: []string{"CREATE VIEW public.z_base", "CREATE VIEW public.a_top"},
	}, {
		name: "on a changed view",
		current: base + `CREATE VIEW z_base AS SELECT id, score FROM post;
			CREATE VIEW a_top AS SELECT id FROM z_base WHERE score > 1;`,
		desired: base + `CREATE VIEW z_base AS SELECT id, score, title FROM post;
			CREATE VIEW a_top AS SELECT id FROM z_base WHERE score > 1;`,
		want: []string{"DROP VIEW public.a_top", "DROP VIEW public.z_base", "-- tables",
			"CREATE VIEW public.z_base", "CREATE VIEW public.a_top"},
	}, {
		name:    "comments",
		current: base + `CREATE VIEW top AS SELECT id, title FROM post; COMMENT ON VIEW top IS 'old';`,
		desired: base + `CREATE VIEW top AS SELECT id, title FROM post; COMMENT ON VIEW top IS 'it''s new';
			COMMENT ON COLUMN top.title IS 'the title';`,
		want: []string{"-- tables", `COMMENT ON COLUMN public.top.title IS 'the title'`, `COMMENT ON VIEW public.top IS 'it''s new'`},
	}, {
		name:    "comment removed",
		current: base + `CREATE VIEW top AS SELECT id FROM post; COMMENT ON VIEW top IS 'old';`,
		desired: base + `CREATE VIEW top AS SELECT id FROM post;`,
		want:    []string{`COMMENT ON VIEW public.top IS NULL`},
	}, {
		name:    "in sync",
		current: base + `CREATE VIEW top AS SELECT id FROM post; COMMENT ON VIEW top IS 'x';`,
		desired: base + `CREATE VIEW top AS SELECT id FROM post; COMMENT ON VIEW top IS 'x';`,
	}} {
		t.Run(c.name, c.run)
	}
}

func TestPlan_MaterializedViews(t *testing.T) {
	t.Parallel()
	const mv = `CREATE MATERIALIZED VIEW totals AS SELECT title, sum(score) AS total FROM post GROUP BY title;`
	for _, c := range []planCase{{
		name:    "new with an index",
		current: base,
		desired: base + mv + `CREATE UNIQUE INDEX totals_title ON totals (title);`,
		want:    []string{"-- tables", "CREATE MATERIALIZED VIEW public.totals", "WITH DATA", "CREATE UNIQUE INDEX totals_title"},
	}, {
		name:    "index added",
		current: base + mv,
		desired: base + mv + `CREATE INDEX totals_total ON totals (total DESC);`,
		want:    []string{"-- tables", "CREATE INDEX totals_total"},
	}, {
		name:    "changed, with its index",
		current: base + mv + `CREATE UNIQUE INDEX totals_title ON totals (title);`,
		desired: base + `CREATE MATERIALIZED VIEW totals AS SELECT title, max(score) AS total FROM post GROUP BY title WITH NO DATA;
			CREATE UNIQUE INDEX totals_title ON totals (title);`,
		want: []string{"DROP INDEX public.totals_title", "DROP MATERIALIZED VIEW public.totals", "-- tables",
			"CREATE MATERIALIZED VIEW", "WITH NO DATA", "CREATE UNIQUE INDEX totals_title"},
	}, {
		name:    "dropped",
		current: base + mv + `CREATE UNIQUE INDEX totals_title ON totals (title); COMMENT ON MATERIALIZED VIEW totals IS 'x';`,
		desired: base,
		want:    []string{"DROP INDEX public.totals_title", "DROP MATERIALIZED VIEW public.totals", "-- tables"},
	}, {
		name:    "comments on it, its column and its index",
		current: base + mv + `CREATE UNIQUE INDEX totals_title ON totals (title);`,
		desired: base + mv + `CREATE UNIQUE INDEX totals_title ON totals (title);
			COMMENT ON MATERIALIZED VIEW totals IS 'sums'; COMMENT ON COLUMN totals.total IS 'sum of scores';
			COMMENT ON INDEX totals_title IS 'one row per title';`,
		want: []string{"-- tables", "COMMENT ON COLUMN public.totals.total IS 'sum of scores'",
			"COMMENT ON MATERIALIZED VIEW public.totals IS 'sums'", "COMMENT ON INDEX public.totals_title IS 'one row per title'"},
	}, {
		name:    "over a column whose type changes",
		current: base + mv + `CREATE UNIQUE INDEX totals_title ON totals (title);`,
		desired: `CREATE TABLE post (id int PRIMARY KEY, title varchar(50) NOT NULL, score int NOT NULL DEFAULT 0);` +
			mv + `CREATE UNIQUE INDEX totals_title ON totals (title);`,
		tables: `ALTER TABLE post ALTER COLUMN title TYPE varchar(50)`,
		impact: impactColumns("public.post.title"),
		want:   []string{"DROP MATERIALIZED VIEW", "-- tables", "CREATE MATERIALIZED VIEW", "CREATE UNIQUE INDEX"},
	}} {
		t.Run(c.name, c.run)
	}
}

const slug = `CREATE FUNCTION slug(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(t) $$;`

func TestPlan_Functions(t *testing.T) {
	t.Parallel()
	for _, c := range []planCase{{
		name:    "new",
		current: base,
		desired: base + slug + `COMMENT ON FUNCTION slug(text) IS 'url-safe';`,
		want:    []string{"-- tables", "CREATE OR REPLACE FUNCTION public.slug(t text)", "COMMENT ON FUNCTION public.slug(text) IS 'url-safe'"},
	}, {
		name:    "body changed",
		current: base + slug + `CREATE VIEW slugs AS SELECT slug(title) FROM post;`,
		desired: base + `CREATE FUNCTION slug(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT upper(t) $$;
			CREATE VIEW slugs AS SELECT slug(title) FROM post;`,
		want: []string{"-- tables", "-- Replace function", "upper(t)"},
	}, {
		name:    "result type changed, with a view calling it",
		current: base + slug + `CREATE VIEW slugs AS SELECT slug(title) AS s FROM post;`,
		desired: base + `CREATE FUNCTION slug(t text) RETURNS varchar LANGUAGE sql IMMUTABLE AS $$ SELECT lower(t) $$;
			CREATE VIEW slugs AS SELECT slug(title) AS s FROM post;`,
		want: []string{"DROP VIEW public.slugs", "DROP FUNCTION IF EXISTS public.slug(text)", "-- tables",
			"CREATE OR REPLACE FUNCTION public.slug", "CREATE VIEW public.slugs"},
	}, {
		name:    "dropped",
		current: base + slug,
		desired: base,
		want:    []string{"-- tables", "DROP FUNCTION IF EXISTS public.slug(text)"},
	}, {
		name:    "overloads",
		current: base + slug,
		desired: base + slug + `CREATE FUNCTION slug(t text, n int) RETURNS text LANGUAGE sql AS $$ SELECT left(lower(t), n) $$;`,
		want:    []string{"-- tables", "CREATE OR REPLACE FUNCTION public.slug(t text, n integer)"},
	}, {
		name:    "called by a new table's default",
		current: base,
		desired: base + `CREATE FUNCTION next_code() RETURNS text LANGUAGE sql AS $$ SELECT md5(random()::text) $$;
			CREATE TABLE code (c text NOT NULL DEFAULT next_code());`,
		tables: `CREATE TABLE code (c text NOT NULL DEFAULT public.next_code())`,
		want:   []string{"CREATE OR REPLACE FUNCTION public.next_code()", "-- tables"},
	}, {
		name:    "procedure new",
		current: base,
		desired: base + `CREATE PROCEDURE bump(n int) LANGUAGE sql AS $$ UPDATE post SET score = score + n $$;`,
		want:    []string{"-- tables", "CREATE OR REPLACE PROCEDURE public.bump(IN n integer)"},
	}, {
		name:    "procedure changed",
		current: base + `CREATE PROCEDURE bump(n int) LANGUAGE sql AS $$ UPDATE post SET score = score + n $$;`,
		desired: base + `CREATE PROCEDURE bump(n int) LANGUAGE sql AS $$ UPDATE post SET score = score - n $$;`,
		want:    []string{"-- tables", "-- Replace procedure", "score - n"},
	}, {
		name:    "procedure dropped",
		current: base + `CREATE PROCEDURE bump(n int) LANGUAGE sql AS $$ UPDATE post SET score = score + n $$;`,
		desired: base,
		want:    []string{"-- tables", "DROP PROCEDURE IF EXISTS public.bump(integer)"},
	}, {
		name:    "function turned procedure",
		current: base + `CREATE FUNCTION bump(n int) RETURNS void LANGUAGE sql AS $$ UPDATE post SET score = score + n $$;`,
		desired: base + `CREATE PROCEDURE bump(n int) LANGUAGE sql AS $$ UPDATE post SET score = score + n $$;`,
		want:    []string{"DROP FUNCTION IF EXISTS public.bump(integer)", "-- tables", "CREATE OR REPLACE PROCEDURE"},
	}, {
		name:    "parameter renamed",
		current: base + slug,
		desired: base + `CREATE FUNCTION slug(s text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(s) $$;`,
		want:    []string{"DROP FUNCTION IF EXISTS public.slug(text)", "-- tables", "CREATE OR REPLACE FUNCTION public.slug(s text)"},
	}, {
		name:    "standard body calling another function",
		current: base,
		desired: base + `CREATE FUNCTION z_inner(x int) RETURNS int LANGUAGE sql RETURN x + 1;
			CREATE FUNCTION a_outer(x int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT z_inner(x) * 2; END;`,
		want: []string{"FUNCTION public.z_inner", "FUNCTION public.a_outer"},
	}} {
		t.Run(c.name, c.run)
	}
}

const touch = `CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.score := NEW.score + 1; RETURN NEW; END $$;`

func TestPlan_Triggers(t *testing.T) {
	t.Parallel()
	for _, c := range []planCase{{
		name:    "new, with its function",
		current: base,
		desired: base + touch + `CREATE TRIGGER post_touch BEFORE UPDATE ON post FOR EACH ROW EXECUTE FUNCTION touch();
			COMMENT ON TRIGGER post_touch ON post IS 'bumps';`,
		want: []string{"-- tables", "FUNCTION public.touch()", "CREATE TRIGGER post_touch BEFORE UPDATE ON public.post",
			"COMMENT ON TRIGGER post_touch ON public.post IS 'bumps'"},
	}, {
		name:    "changed",
		current: base + touch + `CREATE TRIGGER post_touch BEFORE UPDATE ON post FOR EACH ROW EXECUTE FUNCTION touch();`,
		desired: base + touch + `CREATE TRIGGER post_touch BEFORE INSERT OR UPDATE OF score ON post FOR EACH ROW EXECUTE FUNCTION touch();`,
		want:    []string{"DROP TRIGGER post_touch ON public.post", "-- tables", "CREATE TRIGGER post_touch BEFORE INSERT OR UPDATE OF score"},
	}, {
		name:    "dropped, with its function",
		current: base + touch + `CREATE TRIGGER post_touch BEFORE UPDATE ON post FOR EACH ROW EXECUTE FUNCTION touch();`,
		desired: base,
		want:    []string{"DROP TRIGGER post_touch ON public.post", "-- tables", "DROP FUNCTION IF EXISTS public.touch()"},
	}, {
		name:    "on a column whose type changes",
		current: base + touch + `CREATE TRIGGER post_touch BEFORE UPDATE OF title ON post FOR EACH ROW EXECUTE FUNCTION touch();`,
		desired: `CREATE TABLE post (id int PRIMARY KEY, title varchar(80) NOT NULL, score int NOT NULL DEFAULT 0);` +
			touch + `CREATE TRIGGER post_touch BEFORE UPDATE OF title ON post FOR EACH ROW EXECUTE FUNCTION touch();`,
		tables: `ALTER TABLE post ALTER COLUMN title TYPE varchar(80)`,
		impact: impactColumns("public.post.title"),
		want:   []string{"DROP TRIGGER", "-- tables", "CREATE TRIGGER"},
	}, {
		name:    "on a new table",
		current: base,
		desired: base + touch + `CREATE TABLE draft (score int);
			CREATE TRIGGER draft_touch BEFORE INSERT ON draft FOR EACH ROW EXECUTE FUNCTION touch();`,
		tables: `CREATE TABLE draft (score int)`,
		want:   []string{"-- tables", "FUNCTION public.touch()", "CREATE TRIGGER draft_touch"},
	}, {
		name:    "constraint trigger",
		current: base + touch,
		desired: base + touch + `CREATE CONSTRAINT TRIGGER post_check AFTER UPDATE ON post
			DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION touch();`,
		want: []string{"-- tables", "CREATE CONSTRAINT TRIGGER post_check AFTER UPDATE ON public.post DEFERRABLE INITIALLY DEFERRED"},
	}, {
		name: "instead of, on a changed view",
		current: base + `CREATE VIEW top AS SELECT id, score FROM post;
			CREATE FUNCTION top_ins() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
			CREATE TRIGGER top_ins INSTEAD OF INSERT ON top FOR EACH ROW EXECUTE FUNCTION top_ins();`,
		desired: base + `CREATE VIEW top AS SELECT id, score, title FROM post;
			CREATE FUNCTION top_ins() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
			CREATE TRIGGER top_ins INSTEAD OF INSERT ON top FOR EACH ROW EXECUTE FUNCTION top_ins();`,
		want: []string{"DROP TRIGGER top_ins ON public.top", "DROP VIEW public.top", "-- tables",
			"CREATE VIEW public.top", "CREATE TRIGGER top_ins INSTEAD OF INSERT ON public.top"},
	}} {
		t.Run(c.name, c.run)
	}
}

func TestPlan_Sequences(t *testing.T) {
	t.Parallel()
	const seq = `CREATE SEQUENCE ticket AS integer INCREMENT BY 5 MINVALUE 100 MAXVALUE 100000 START WITH 200 CACHE 10 CYCLE;`
	for _, c := range []planCase{{
		name:    "new, with options",
		current: base,
		desired: base + seq + `COMMENT ON SEQUENCE ticket IS 'tickets';`,
		want:    []string{"CREATE SEQUENCE public.ticket AS integer INCREMENT BY 5 MINVALUE 100 MAXVALUE 100000 START WITH 200 CACHE 10 CYCLE", "-- tables", "COMMENT ON SEQUENCE"},
	}, {
		name:    "options changed",
		current: base + seq,
		desired: base + `CREATE SEQUENCE ticket AS bigint INCREMENT BY 1 START WITH 1 NO CYCLE;`,
		want:    []string{"ALTER SEQUENCE public.ticket AS bigint", "-- tables"},
	}, {
		name:    "dropped",
		current: base + seq,
		desired: base,
		want:    []string{"-- tables", "DROP SEQUENCE IF EXISTS public.ticket"},
	}, {
		name:    "used by a new table and owned by its column",
		current: base,
		desired: base + seq + `CREATE TABLE queue (n int NOT NULL DEFAULT nextval('ticket'));
			ALTER SEQUENCE ticket OWNED BY queue.n;`,
		tables: `CREATE TABLE queue (n int NOT NULL DEFAULT nextval('public.ticket'))`,
		want:   []string{"CREATE SEQUENCE public.ticket", "-- tables", "ALTER SEQUENCE public.ticket OWNED BY public.queue.n"},
	}, {
		name:    "owner column dropped",
		current: base + seq + `ALTER TABLE post ADD COLUMN n int; ALTER SEQUENCE ticket OWNED BY post.n;`,
		desired: base + seq,
		tables:  `ALTER TABLE post DROP COLUMN n`,
		impact:  impactColumns("public.post.n"),
		want:    []string{"ALTER SEQUENCE public.ticket OWNED BY NONE", "-- tables"},
	}, {
		name:    "named as serial, owned by nothing, is the table planner's too",
		current: base,
		desired: base + `CREATE SEQUENCE queue_n_seq AS integer; CREATE TABLE queue (n int NOT NULL DEFAULT nextval('queue_n_seq'));`,
		tables:  `CREATE TABLE queue (n serial NOT NULL); ALTER SEQUENCE queue_n_seq OWNED BY NONE`,
		want:    []string{"-- tables\n"},
	}, {
		name:    "serial and identity sequences are the table planner's",
		current: base,
		desired: base + `CREATE TABLE s (id serial, j bigint GENERATED ALWAYS AS IDENTITY);`,
		tables:  `CREATE TABLE s (id serial, j bigint GENERATED ALWAYS AS IDENTITY)`,
		want:    []string{"-- tables\n"},
	}} {
		t.Run(c.name, c.run)
	}
}

func TestPlan_Extensions(t *testing.T) {
	t.Parallel()
	for _, c := range []planCase{{
		name:    "new, used by a new table",
		current: base,
		desired: base + `CREATE EXTENSION citext; CREATE TABLE member (email citext UNIQUE);`,
		tables:  `CREATE TABLE member (email public.citext UNIQUE)`,
		want:    []string{"CREATE EXTENSION citext WITH SCHEMA public VERSION", "-- tables"},
	}, {
		name:    "new, used by a view and an index",
		current: base,
		desired: base + `CREATE EXTENSION pg_trgm;
			CREATE VIEW near AS SELECT id, similarity(title, 'x') AS s FROM post;
			CREATE MATERIALIZED VIEW titles AS SELECT title FROM post;
			CREATE INDEX titles_trgm ON titles USING gin (title gin_trgm_ops);`,
		want: []string{"CREATE EXTENSION pg_trgm", "-- tables", "CREATE MATERIALIZED VIEW", "CREATE INDEX titles_trgm"},
	}, {
		name:    "dropped, with a view using it",
		current: base + `CREATE EXTENSION pg_trgm; CREATE VIEW near AS SELECT id, similarity(title, 'x') AS s FROM post;`,
		desired: base,
		want:    []string{"DROP VIEW public.near", "-- tables", "DROP EXTENSION IF EXISTS pg_trgm"},
	}, {
		name:    "in another schema",
		current: base + `CREATE SCHEMA ext;`,
		desired: base + `CREATE SCHEMA ext; CREATE EXTENSION hstore WITH SCHEMA ext;`,
		want:    []string{"CREATE EXTENSION hstore WITH SCHEMA ext"},
	}} {
		t.Run(c.name, c.run)
	}
}
