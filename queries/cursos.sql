-- name: CursoCreate :one
-- CursoCreate inserts a curso and returns the stored row.
INSERT INTO cursos (titulo, descricao, carga_horaria)
VALUES (@titulo, @descricao, @carga_horaria)
RETURNING *;

-- name: CursoCreateMany :copyfrom
-- CursoCreateMany bulk-loads cursos with COPY.
INSERT INTO cursos (titulo, descricao, carga_horaria, criado_em)
VALUES (@titulo, @descricao, @carga_horaria, @criado_em);

-- name: CursoGet :one
-- CursoGet returns the curso with id.
SELECT * FROM cursos
WHERE id = @id;

-- name: CursoList :many
-- CursoList returns up to row_limit cursos with id > after_id, by id.
SELECT * FROM cursos
WHERE id > @after_id
ORDER BY id
LIMIT @row_limit;

-- name: CursoUpdate :one
-- CursoUpdate rewrites the curso with id and returns the stored row.
UPDATE cursos
SET titulo = @titulo, descricao = @descricao, carga_horaria = @carga_horaria
WHERE id = @id
RETURNING *;

-- name: CursoDelete :execrows
-- CursoDelete deletes the curso with id and returns the rows affected (0 or 1).
DELETE FROM cursos
WHERE id = @id;
