-- name: InstrutorCreate :one
INSERT INTO instrutores (nome, email, bio)
VALUES (@nome, @email, sqlc.narg('bio'))
RETURNING *;

-- name: InstrutorCreateMany :copyfrom
INSERT INTO instrutores (nome, email, bio, criado_em)
VALUES (@nome, @email, @bio, @criado_em);

-- name: InstrutorGet :one
SELECT * FROM instrutores
WHERE id = @id;

-- name: InstrutorList :many
-- InstrutorList returns up to row_limit instrutores with id > after_id, by id.
SELECT * FROM instrutores
WHERE id > @after_id
ORDER BY id
LIMIT @row_limit;

-- name: InstrutorUpdate :one
UPDATE instrutores
SET nome = @nome, email = @email, bio = sqlc.narg('bio')
WHERE id = @id
RETURNING *;

-- name: InstrutorDelete :execrows
DELETE FROM instrutores
WHERE id = @id;
