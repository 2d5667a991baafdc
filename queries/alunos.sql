-- name: AlunoCreate :one
-- AlunoCreate inserts a aluno and returns the stored row.
INSERT INTO alunos (nome, email, telefone, data_nascimento)
VALUES (@nome, @email, sqlc.narg('telefone'), sqlc.narg('data_nascimento'))
RETURNING *;

-- name: AlunoCreateMany :copyfrom
-- AlunoCreateMany bulk-loads alunos with COPY.
INSERT INTO alunos (nome, email, telefone, data_nascimento, criado_em)
VALUES (@nome, @email, @telefone, @data_nascimento, @criado_em);

-- name: AlunoGet :one
-- AlunoGet returns the aluno with id.
SELECT * FROM alunos
WHERE id = @id;

-- name: AlunoList :many
-- AlunoList returns up to row_limit alunos with id > after_id, by id.
SELECT * FROM alunos
WHERE id > @after_id
ORDER BY id
LIMIT @row_limit;

-- name: AlunoUpdate :one
-- AlunoUpdate rewrites the aluno with id and returns the stored row.
UPDATE alunos
SET nome = @nome, email = @email,
    telefone = sqlc.narg('telefone'), data_nascimento = sqlc.narg('data_nascimento')
WHERE id = @id
RETURNING *;

-- name: AlunoDelete :execrows
-- AlunoDelete deletes the aluno with id and returns the rows affected (0 or 1).
DELETE FROM alunos
WHERE id = @id;
