-- name: InstrutorCreate :one
-- InstrutorCreate inserts a instrutor and returns the stored row.
INSERT INTO instrutores (nome, email, bio)
VALUES (@nome, @email, sqlc.narg('bio'))
RETURNING *;

-- name: InstrutorCreateMany :copyfrom
-- InstrutorCreateMany bulk-loads instrutores with COPY.
INSERT INTO instrutores (nome, email, bio, criado_em)
VALUES (@nome, @email, @bio, @criado_em);

-- name: InstrutorGet :one
-- InstrutorGet returns the instrutor with id.
SELECT * FROM instrutores
WHERE id = @id;

-- name: InstrutorList :many
-- InstrutorList returns up to row_limit instrutores with id > after_id, by id.
SELECT * FROM instrutores
WHERE id > @after_id
ORDER BY id
LIMIT @row_limit;

-- name: InstrutorUpdate :one
-- InstrutorUpdate rewrites the instrutor with id and returns the stored row.
UPDATE instrutores
SET nome = @nome, email = @email, bio = sqlc.narg('bio')
WHERE id = @id
RETURNING *;

-- name: InstrutorDelete :execrows
-- InstrutorDelete deletes the instrutor with id and returns the rows affected (0 or 1).
DELETE FROM instrutores
WHERE id = @id;
