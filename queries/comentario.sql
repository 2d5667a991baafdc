-- name: ComentarioCreate :one
-- ComentarioCreate inserts a comentario and returns the stored row.
INSERT INTO comentario (usuario_id, postagem_id, texto)
VALUES (@usuario_id, @postagem_id, @texto)
RETURNING *;

-- name: ComentarioCreateMany :copyfrom
-- ComentarioCreateMany bulk-loads comentarios with COPY.
INSERT INTO comentario (usuario_id, postagem_id, texto, criado_em)
VALUES (@usuario_id, @postagem_id, @texto, @criado_em);

-- name: ComentarioGet :one
-- ComentarioGet returns the comentario with id.
SELECT * FROM comentario
WHERE id = @id;

-- name: ComentarioList :many
-- ComentarioList returns up to row_limit comentarios with id > after_id, by id.
SELECT * FROM comentario
WHERE id > @after_id
ORDER BY id
LIMIT @row_limit;

-- name: ComentarioListByPostagem :many
-- ComentarioListByPostagem returns a postagem's comentarios with their
-- authors' names, oldest first, after the cursor after_id.
SELECT c.id, c.usuario_id, c.postagem_id, c.texto, c.criado_em, u.nome AS autor
FROM comentario c
JOIN usuarios u ON u.id = c.usuario_id
WHERE c.postagem_id = @postagem_id AND c.id > @after_id
ORDER BY c.id
LIMIT @row_limit;

-- name: ComentarioUpdate :one
-- ComentarioUpdate rewrites the comentario with id and returns the stored row.
UPDATE comentario
SET texto = @texto
WHERE id = @id
RETURNING *;

-- name: ComentarioDelete :execrows
-- ComentarioDelete deletes the comentario with id and returns the rows affected (0 or 1).
DELETE FROM comentario
WHERE id = @id;
