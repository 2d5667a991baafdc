-- Create enum type "matricula_status"
CREATE TYPE "public"."matricula_status" AS ENUM ('ativa', 'concluida', 'cancelada');
-- Create "alunos" table
CREATE TABLE "public"."alunos" (
  "id" bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
  "nome" text NOT NULL,
  "email" text NOT NULL,
  "telefone" text NULL,
  "data_nascimento" date NULL,
  "criado_em" timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY ("id"),
  CONSTRAINT "alunos_email_tamanho" CHECK ((char_length(email) >= 3) AND (char_length(email) <= 254)),
  CONSTRAINT "alunos_nome_tamanho" CHECK ((char_length(nome) >= 1) AND (char_length(nome) <= 100)),
  CONSTRAINT "alunos_telefone_tamanho" CHECK ((char_length(telefone) >= 1) AND (char_length(telefone) <= 30))
);
-- Create index "alunos_email_unico" to table: "alunos"
CREATE UNIQUE INDEX "alunos_email_unico" ON "public"."alunos" ((lower(email)));
-- Set comment to table: "alunos"
COMMENT ON TABLE "public"."alunos" IS 'Students; deleting one deletes their matriculas.';
-- Create "cursos" table
CREATE TABLE "public"."cursos" (
  "id" bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
  "titulo" text NOT NULL,
  "descricao" text NOT NULL,
  "carga_horaria" integer NOT NULL,
  "criado_em" timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY ("id"),
  CONSTRAINT "cursos_titulo_unico" UNIQUE ("titulo"),
  CONSTRAINT "cursos_carga_horaria_positiva" CHECK (carga_horaria > 0),
  CONSTRAINT "cursos_titulo_tamanho" CHECK ((char_length(titulo) >= 1) AND (char_length(titulo) <= 200))
);
-- Set comment to table: "cursos"
COMMENT ON TABLE "public"."cursos" IS 'Courses in the catalogue; cannot be deleted while they have turmas.';
-- Create "instrutores" table
CREATE TABLE "public"."instrutores" (
  "id" bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
  "nome" text NOT NULL,
  "email" text NOT NULL,
  "bio" text NULL,
  "criado_em" timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY ("id"),
  CONSTRAINT "instrutores_bio_tamanho" CHECK (char_length(bio) <= 2000),
  CONSTRAINT "instrutores_email_tamanho" CHECK ((char_length(email) >= 3) AND (char_length(email) <= 254)),
  CONSTRAINT "instrutores_nome_tamanho" CHECK ((char_length(nome) >= 1) AND (char_length(nome) <= 100))
);
-- Create index "instrutores_email_unico" to table: "instrutores"
CREATE UNIQUE INDEX "instrutores_email_unico" ON "public"."instrutores" ((lower(email)));
-- Set comment to table: "instrutores"
COMMENT ON TABLE "public"."instrutores" IS 'Instructors who teach turmas; cannot be deleted while they have turmas.';
-- Create "turmas" table
CREATE TABLE "public"."turmas" (
  "id" bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
  "curso_id" bigint NOT NULL,
  "instrutor_id" bigint NOT NULL,
  "codigo" text NOT NULL,
  "data_inicio" date NOT NULL,
  "data_fim" date NOT NULL,
  "vagas" integer NOT NULL,
  "criado_em" timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY ("id"),
  CONSTRAINT "turmas_codigo_unico" UNIQUE ("codigo"),
  CONSTRAINT "turmas_curso_id_fkey" FOREIGN KEY ("curso_id") REFERENCES "public"."cursos" ("id") ON UPDATE NO ACTION ON DELETE RESTRICT,
  CONSTRAINT "turmas_instrutor_id_fkey" FOREIGN KEY ("instrutor_id") REFERENCES "public"."instrutores" ("id") ON UPDATE NO ACTION ON DELETE RESTRICT,
  CONSTRAINT "turmas_codigo_tamanho" CHECK ((char_length(codigo) >= 1) AND (char_length(codigo) <= 30)),
  CONSTRAINT "turmas_datas_ordenadas" CHECK (data_inicio <= data_fim),
  CONSTRAINT "turmas_vagas_positivas" CHECK (vagas > 0)
);
-- Create index "turmas_curso_id_idx" to table: "turmas"
CREATE INDEX "turmas_curso_id_idx" ON "public"."turmas" ("curso_id");
-- Create index "turmas_instrutor_id_idx" to table: "turmas"
CREATE INDEX "turmas_instrutor_id_idx" ON "public"."turmas" ("instrutor_id", "data_inicio", "id");
-- Set comment to table: "turmas"
COMMENT ON TABLE "public"."turmas" IS 'A run of a curso taught by an instrutor, with a number of seats (vagas).';
-- Create "matriculas" table
CREATE TABLE "public"."matriculas" (
  "id" bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
  "aluno_id" bigint NOT NULL,
  "turma_id" bigint NOT NULL,
  "status" "public"."matricula_status" NOT NULL DEFAULT 'ativa',
  "nota" numeric(4,2) NULL,
  "matriculado_em" timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY ("id"),
  CONSTRAINT "matriculas_aluno_turma_unica" UNIQUE ("aluno_id", "turma_id"),
  CONSTRAINT "matriculas_aluno_id_fkey" FOREIGN KEY ("aluno_id") REFERENCES "public"."alunos" ("id") ON UPDATE NO ACTION ON DELETE CASCADE,
  CONSTRAINT "matriculas_turma_id_fkey" FOREIGN KEY ("turma_id") REFERENCES "public"."turmas" ("id") ON UPDATE NO ACTION ON DELETE RESTRICT,
  CONSTRAINT "matriculas_nota_intervalo" CHECK ((nota >= (0)::numeric) AND (nota <= (10)::numeric))
);
-- Create index "matriculas_turma_id_idx" to table: "matriculas"
CREATE INDEX "matriculas_turma_id_idx" ON "public"."matriculas" ("turma_id", "id");
-- Set comment to table: "matriculas"
COMMENT ON TABLE "public"."matriculas" IS 'Enrolment of an aluno in a turma; a turma never has more ativa matriculas than vagas.';
