-- name: TurmaCreate :one
-- TurmaCreate inserts a turma and returns the stored row.
INSERT INTO turmas (curso_id, instrutor_id, codigo, data_inicio, data_fim, vagas)
VALUES (@curso_id, @instrutor_id, @codigo, @data_inicio, @data_fim, @vagas)
RETURNING *;

-- name: TurmaCreateMany :copyfrom
-- TurmaCreateMany bulk-loads turmas with COPY.
INSERT INTO turmas (curso_id, instrutor_id, codigo, data_inicio, data_fim, vagas, criado_em)
VALUES (@curso_id, @instrutor_id, @codigo, @data_inicio, @data_fim, @vagas, @criado_em);

-- name: TurmaGet :one
-- TurmaGet returns the turma with id.
SELECT * FROM turmas
WHERE id = @id;

-- name: TurmaLockVagas :one
-- TurmaLockVagas locks the turma row until the end of the transaction and
-- returns its seats, so that concurrent enrolments are counted one at a time.
SELECT vagas FROM turmas
WHERE id = @id
FOR UPDATE;

-- name: TurmaList :many
-- TurmaList returns up to row_limit turmas with id > after_id, by id.
SELECT * FROM turmas
WHERE id > @after_id
ORDER BY id
LIMIT @row_limit;

-- name: TurmaUpdate :one
-- TurmaUpdate rewrites the turma with id and returns the stored row.
UPDATE turmas
SET curso_id = @curso_id, instrutor_id = @instrutor_id, codigo = @codigo,
    data_inicio = @data_inicio, data_fim = @data_fim, vagas = @vagas
WHERE id = @id
RETURNING *;

-- name: TurmaDelete :execrows
-- TurmaDelete deletes the turma with id and returns the rows affected (0 or 1).
DELETE FROM turmas
WHERE id = @id;

-- name: TurmaListVagas :many
-- TurmaListVagas returns turmas with their curso, instrutor and seats taken
-- (ativa matriculas) and free, by id after the cursor after_id.
SELECT t.id, t.codigo, t.data_inicio, t.data_fim, t.vagas,
       c.id AS curso_id, c.titulo AS curso,
       i.id AS instrutor_id, i.nome AS instrutor,
       coalesce(m.ocupadas, 0)::integer AS ocupadas,
       (t.vagas - coalesce(m.ocupadas, 0))::integer AS livres
FROM turmas t
JOIN cursos c ON c.id = t.curso_id
JOIN instrutores i ON i.id = t.instrutor_id
LEFT JOIN LATERAL (
    SELECT count(*) AS ocupadas
    FROM matriculas
    WHERE turma_id = t.id AND status = 'ativa'
) m ON true
WHERE t.id > @after_id
ORDER BY t.id
LIMIT @row_limit;

-- name: TurmaListByInstrutor :many
-- TurmaListByInstrutor returns an instrutor's turmas with their curso, by
-- start date.
SELECT t.id, t.codigo, t.data_inicio, t.data_fim, t.vagas,
       c.id AS curso_id, c.titulo AS curso
FROM turmas t
JOIN cursos c ON c.id = t.curso_id
WHERE t.instrutor_id = @instrutor_id
ORDER BY t.data_inicio, t.id;
