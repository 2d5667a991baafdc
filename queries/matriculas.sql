-- name: MatriculaCreate :one
-- MatriculaCreate inserts a matricula and returns the stored row.
INSERT INTO matriculas (aluno_id, turma_id, status, nota)
VALUES (@aluno_id, @turma_id, @status, sqlc.narg('nota'))
RETURNING *;

-- name: MatriculaCreateMany :copyfrom
-- MatriculaCreateMany bulk-loads matriculas with COPY.
INSERT INTO matriculas (aluno_id, turma_id, status, nota, matriculado_em)
VALUES (@aluno_id, @turma_id, @status, @nota, @matriculado_em);

-- name: MatriculaGet :one
-- MatriculaGet returns the matricula with id.
SELECT * FROM matriculas
WHERE id = @id;

-- name: MatriculaList :many
-- MatriculaList returns up to row_limit matriculas with id > after_id, by id.
SELECT * FROM matriculas
WHERE id > @after_id
ORDER BY id
LIMIT @row_limit;

-- name: MatriculaUpdate :one
-- MatriculaUpdate rewrites the matricula with id and returns the stored row.
UPDATE matriculas
SET status = @status, nota = sqlc.narg('nota')
WHERE id = @id
RETURNING *;

-- name: MatriculaDelete :execrows
-- MatriculaDelete deletes the matricula with id and returns the rows affected (0 or 1).
DELETE FROM matriculas
WHERE id = @id;

-- name: MatriculaCountAtivas :one
-- MatriculaCountAtivas counts the ativa matriculas of a turma.
SELECT count(*) FROM matriculas
WHERE turma_id = @turma_id AND status = 'ativa';

-- name: MatriculaListByTurma :many
-- MatriculaListByTurma returns a turma's roster: its matriculas with the
-- alunos' names, by matricula id after the cursor after_id.
SELECT m.id, m.aluno_id, a.nome AS aluno, a.email, m.status, m.nota, m.matriculado_em
FROM matriculas m
JOIN alunos a ON a.id = m.aluno_id
WHERE m.turma_id = @turma_id AND m.id > @after_id
ORDER BY m.id
LIMIT @row_limit;

-- name: MatriculaListByAluno :many
-- MatriculaListByAluno returns an aluno's courses: each matricula with its
-- turma and curso, by start date.
SELECT m.id, m.status, m.nota, m.matriculado_em,
       t.id AS turma_id, t.codigo, t.data_inicio, t.data_fim,
       c.id AS curso_id, c.titulo AS curso, c.carga_horaria
FROM matriculas m
JOIN turmas t ON t.id = m.turma_id
JOIN cursos c ON c.id = t.curso_id
WHERE m.aluno_id = @aluno_id
ORDER BY t.data_inicio, m.id;
