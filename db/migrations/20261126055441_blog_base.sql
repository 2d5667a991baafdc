-- Create "usuarios" table
CREATE TABLE "public"."usuarios" (
  "id" bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
  "nome" text NOT NULL,
  "email" text NOT NULL,
  "criado_em" timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY ("id"),
  CONSTRAINT "usuarios_email_tamanho" CHECK ((char_length(email) >= 3) AND (char_length(email) <= 254)),
  CONSTRAINT "usuarios_nome_tamanho" CHECK ((char_length(nome) >= 1) AND (char_length(nome) <= 100))
);
-- Create index "usuarios_email_unico" to table: "usuarios"
CREATE UNIQUE INDEX "usuarios_email_unico" ON "public"."usuarios" ((lower(email)));
-- Set comment to table: "usuarios"
COMMENT ON TABLE "public"."usuarios" IS 'People who write postagens and comentarios on the blog.';
-- Create "postagens" table
CREATE TABLE "public"."postagens" (
  "id" bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
  "usuario_id" bigint NOT NULL,
  "titulo" text NOT NULL,
  "conteudo" text NOT NULL,
  "criado_em" timestamptz NOT NULL DEFAULT now(),
  "atualizado_em" timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY ("id"),
  CONSTRAINT "postagens_usuario_id_fkey" FOREIGN KEY ("usuario_id") REFERENCES "public"."usuarios" ("id") ON UPDATE NO ACTION ON DELETE CASCADE,
  CONSTRAINT "postagens_titulo_tamanho" CHECK ((char_length(titulo) >= 1) AND (char_length(titulo) <= 200))
);
-- Create index "postagens_feed_idx" to table: "postagens"
CREATE INDEX "postagens_feed_idx" ON "public"."postagens" ("criado_em", "id");
-- Create index "postagens_usuario_id_idx" to table: "postagens"
CREATE INDEX "postagens_usuario_id_idx" ON "public"."postagens" ("usuario_id", "id");
-- Set comment to table: "postagens"
COMMENT ON TABLE "public"."postagens" IS 'Blog posts; deleting the author deletes them.';
