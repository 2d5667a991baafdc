-- Create "comentario" table
CREATE TABLE "public"."comentario" (
  "id" bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
  "usuario_id" bigint NOT NULL,
  "postagem_id" bigint NOT NULL,
  "texto" character varying(200) NOT NULL,
  "criado_em" timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY ("id"),
  CONSTRAINT "comentario_postagem_id_fkey" FOREIGN KEY ("postagem_id") REFERENCES "public"."postagens" ("id") ON UPDATE NO ACTION ON DELETE CASCADE,
  CONSTRAINT "comentario_usuario_id_fkey" FOREIGN KEY ("usuario_id") REFERENCES "public"."usuarios" ("id") ON UPDATE NO ACTION ON DELETE CASCADE,
  CONSTRAINT "comentario_texto_nao_vazio" CHECK (char_length((texto)::text) >= 1)
);
-- Create index "comentario_postagem_id_idx" to table: "comentario"
CREATE INDEX "comentario_postagem_id_idx" ON "public"."comentario" ("postagem_id", "id");
-- Create index "comentario_usuario_id_idx" to table: "comentario"
CREATE INDEX "comentario_usuario_id_idx" ON "public"."comentario" ("usuario_id");
-- Set comment to table: "comentario"
COMMENT ON TABLE "public"."comentario" IS 'Comments on postagens; deleting the postagem or the author deletes them.';
