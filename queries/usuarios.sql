-- name: UsuarioCreate :one
-- UsuarioCreate inserts a usuario and returns the stored row.
INSERT INTO usuarios (nome, email)
VALUES (@nome, @email)
RETURNING *;

-- name: UsuarioCreateMany :copyfrom
-- UsuarioCreateMany bulk-loads usuarios with COPY.
INSERT INTO usuarios (nome, email, criado_em)
VALUES (@nome, @email, @criado_em);

-- name: UsuarioGet :one
-- UsuarioGet returns the usuario with id.
SELECT * FROM usuarios
WHERE id = @id;

-- name: UsuarioList :many
-- UsuarioList returns up to row_limit usuarios with id > after_id, by id.
SELECT * FROM usuarios
WHERE id > @after_id
ORDER BY id
LIMIT @row_limit;

-- name: UsuarioUpdate :one
-- UsuarioUpdate rewrites the usuario with id and returns the stored row.
UPDATE usuarios
SET nome = @nome, email = @email
WHERE id = @id
RETURNING *;

-- name: UsuarioDelete :execrows
-- UsuarioDelete deletes the usuario with id and returns the rows affected (0 or 1).
DELETE FROM usuarios
WHERE id = @id;

-- name: UsuarioListTopCommenters :many
-- UsuarioListTopCommenters ranks usuarios by how many comentarios they wrote.
SELECT u.id, u.nome, count(*) AS comentarios
FROM comentario c
JOIN usuarios u ON u.id = c.usuario_id
GROUP BY u.id
ORDER BY comentarios DESC, u.id
LIMIT @row_limit;
