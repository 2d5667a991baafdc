-- name: PostagemCreate :one
-- PostagemCreate inserts a postagem and returns the stored row.
INSERT INTO postagens (usuario_id, titulo, conteudo)
VALUES (@usuario_id, @titulo, @conteudo)
RETURNING *;

-- name: PostagemCreateMany :copyfrom
-- PostagemCreateMany bulk-loads postagens with COPY.
INSERT INTO postagens (usuario_id, titulo, conteudo, criado_em, atualizado_em)
VALUES (@usuario_id, @titulo, @conteudo, @criado_em, @atualizado_em);

-- name: PostagemGet :one
-- PostagemGet returns the postagem with id.
SELECT * FROM postagens
WHERE id = @id;

-- name: PostagemList :many
-- PostagemList returns up to row_limit postagens with id > after_id, by id.
SELECT * FROM postagens
WHERE id > @after_id
ORDER BY id
LIMIT @row_limit;

-- name: PostagemListByUsuario :many
-- PostagemListByUsuario returns up to row_limit postagens of usuario_id with
-- id > after_id, by id.
SELECT * FROM postagens
WHERE usuario_id = @usuario_id AND id > @after_id
ORDER BY id
LIMIT @row_limit;

-- name: PostagemUpdate :one
-- PostagemUpdate rewrites the postagem with id and returns the stored row.
UPDATE postagens
SET titulo = @titulo, conteudo = @conteudo, atualizado_em = now()
WHERE id = @id
RETURNING *;

-- name: PostagemDelete :execrows
-- PostagemDelete deletes the postagem with id and returns the rows affected (0 or 1).
DELETE FROM postagens
WHERE id = @id;

-- name: PostagemFeed :many
-- PostagemFeed returns the newest postagens older than the cursor
-- (before_criado_em, before_id), each with its author's name and comment
-- count. A NULL cursor starts at the newest.
SELECT p.id, p.usuario_id, p.titulo, p.criado_em, p.atualizado_em,
       u.nome AS autor,
       (SELECT count(*) FROM comentario c WHERE c.postagem_id = p.id) AS comentarios
FROM postagens p
JOIN usuarios u ON u.id = p.usuario_id
WHERE (p.criado_em, p.id) < (
    coalesce(sqlc.narg('before_criado_em')::timestamptz, 'infinity'),
    coalesce(sqlc.narg('before_id')::bigint, 9223372036854775807)
)
ORDER BY p.criado_em DESC, p.id DESC
LIMIT @row_limit;
