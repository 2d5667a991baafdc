-- name: AlunoCreate :one
INSERT INTO alunos (nome, email, telefone, data_nascimento)
VALUES (@nome, @email, sqlc.narg('telefone'), sqlc.narg('data_nascimento'))
RETURNING *;

-- name: AlunoCreateMany :copyfrom
INSERT INTO alunos (nome, email, telefone, data_nascimento, criado_em)
VALUES (@nome, @email, @telefone, @data_nascimento, @criado_em);

-- name: AlunoGet :one
SELECT * FROM alunos
WHERE id = @id;

-- name: AlunoList :many
-- AlunoList returns up to row_limit alunos with id > after_id, by id.
SELECT * FROM alunos
WHERE id > @after_id
ORDER BY id
LIMIT @row_limit;

-- name: AlunoUpdate :one
UPDATE alunos
SET nome = @nome, email = @email,
    telefone = sqlc.narg('telefone'), data_nascimento = sqlc.narg('data_nascimento')
WHERE id = @id
RETURNING *;

-- name: AlunoDelete :execrows
DELETE FROM alunos
WHERE id = @id;
