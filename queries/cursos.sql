-- name: CursoCreate :one
INSERT INTO cursos (titulo, descricao, carga_horaria)
VALUES (@titulo, @descricao, @carga_horaria)
RETURNING *;

-- name: CursoCreateMany :copyfrom
INSERT INTO cursos (titulo, descricao, carga_horaria, criado_em)
VALUES (@titulo, @descricao, @carga_horaria, @criado_em);

-- name: CursoGet :one
SELECT * FROM cursos
WHERE id = @id;

-- name: CursoList :many
-- CursoList returns up to row_limit cursos with id > after_id, by id.
SELECT * FROM cursos
WHERE id > @after_id
ORDER BY id
LIMIT @row_limit;

-- name: CursoUpdate :one
UPDATE cursos
SET titulo = @titulo, descricao = @descricao, carga_horaria = @carga_horaria
WHERE id = @id
RETURNING *;

-- name: CursoDelete :execrows
DELETE FROM cursos
WHERE id = @id;
