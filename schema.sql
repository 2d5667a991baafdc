-- The desired state of the versiona database. Change this file, then run
-- `go run ./cmd/migrate diff <name>` to write the migration that gets there.
--
-- Conventions: identifiers are bigint identity columns; every foreign key and
-- every list order has an index; lengths are counted in characters
-- (char_length); emails are unique ignoring letter case; constraint names say
-- which rule they enforce, because the domain packages map errors by them.

-- Blog ------------------------------------------------------------------------

CREATE TABLE usuarios (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    nome      text        NOT NULL,
    email     text        NOT NULL,
    criado_em timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT usuarios_nome_tamanho CHECK (char_length(nome) BETWEEN 1 AND 100),
    CONSTRAINT usuarios_email_tamanho CHECK (char_length(email) BETWEEN 3 AND 254)
);
COMMENT ON TABLE usuarios IS 'People who write postagens and comentarios on the blog.';
CREATE UNIQUE INDEX usuarios_email_unico ON usuarios (lower(email));

CREATE TABLE postagens (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    usuario_id    bigint      NOT NULL REFERENCES usuarios (id) ON DELETE CASCADE,
    titulo        text        NOT NULL,
    conteudo      text        NOT NULL,
    criado_em     timestamptz NOT NULL DEFAULT now(),
    atualizado_em timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT postagens_titulo_tamanho CHECK (char_length(titulo) BETWEEN 1 AND 200)
);
COMMENT ON TABLE postagens IS 'Blog posts; deleting the author deletes them.';
CREATE INDEX postagens_usuario_id_idx ON postagens (usuario_id, id);
CREATE INDEX postagens_feed_idx ON postagens (criado_em, id);

CREATE TABLE comentario (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    usuario_id  bigint       NOT NULL REFERENCES usuarios (id) ON DELETE CASCADE,
    postagem_id bigint       NOT NULL REFERENCES postagens (id) ON DELETE CASCADE,
    texto       varchar(200) NOT NULL,
    criado_em   timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT comentario_texto_nao_vazio CHECK (char_length(texto) >= 1)
);
COMMENT ON TABLE comentario IS 'Comments on postagens; deleting the postagem or the author deletes them.';
CREATE INDEX comentario_postagem_id_idx ON comentario (postagem_id, id);
CREATE INDEX comentario_usuario_id_idx ON comentario (usuario_id);

-- Course catalogue ------------------------------------------------------------

CREATE TABLE alunos (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    nome            text        NOT NULL,
    email           text        NOT NULL,
    telefone        text,
    data_nascimento date,
    criado_em       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT alunos_nome_tamanho CHECK (char_length(nome) BETWEEN 1 AND 100),
    CONSTRAINT alunos_email_tamanho CHECK (char_length(email) BETWEEN 3 AND 254),
    CONSTRAINT alunos_telefone_tamanho CHECK (char_length(telefone) BETWEEN 1 AND 30)
);
COMMENT ON TABLE alunos IS 'Students; deleting one deletes their matriculas.';
CREATE UNIQUE INDEX alunos_email_unico ON alunos (lower(email));

CREATE TABLE instrutores (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    nome      text        NOT NULL,
    email     text        NOT NULL,
    bio       text,
    criado_em timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT instrutores_nome_tamanho CHECK (char_length(nome) BETWEEN 1 AND 100),
    CONSTRAINT instrutores_email_tamanho CHECK (char_length(email) BETWEEN 3 AND 254),
    CONSTRAINT instrutores_bio_tamanho CHECK (char_length(bio) <= 2000)
);
COMMENT ON TABLE instrutores IS 'Instructors who teach turmas; cannot be deleted while they have turmas.';
CREATE UNIQUE INDEX instrutores_email_unico ON instrutores (lower(email));

CREATE TABLE cursos (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    titulo        text        NOT NULL,
    descricao     text        NOT NULL,
    carga_horaria integer     NOT NULL,
    criado_em     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT cursos_titulo_unico UNIQUE (titulo),
    CONSTRAINT cursos_titulo_tamanho CHECK (char_length(titulo) BETWEEN 1 AND 200),
    CONSTRAINT cursos_carga_horaria_positiva CHECK (carga_horaria > 0)
);
COMMENT ON TABLE cursos IS 'Courses in the catalogue; cannot be deleted while they have turmas.';

CREATE TABLE turmas (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    curso_id     bigint      NOT NULL REFERENCES cursos (id) ON DELETE RESTRICT,
    instrutor_id bigint      NOT NULL REFERENCES instrutores (id) ON DELETE RESTRICT,
    codigo       text        NOT NULL,
    data_inicio  date        NOT NULL,
    data_fim     date        NOT NULL,
    vagas        integer     NOT NULL,
    criado_em    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT turmas_codigo_unico UNIQUE (codigo),
    CONSTRAINT turmas_codigo_tamanho CHECK (char_length(codigo) BETWEEN 1 AND 30),
    CONSTRAINT turmas_datas_ordenadas CHECK (data_inicio <= data_fim),
    CONSTRAINT turmas_vagas_positivas CHECK (vagas > 0)
);
COMMENT ON TABLE turmas IS 'A run of a curso taught by an instrutor, with a number of seats (vagas).';
CREATE INDEX turmas_curso_id_idx ON turmas (curso_id);
CREATE INDEX turmas_instrutor_id_idx ON turmas (instrutor_id, data_inicio, id);

CREATE TYPE matricula_status AS ENUM ('ativa', 'concluida', 'cancelada');

CREATE TABLE matriculas (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    aluno_id       bigint           NOT NULL REFERENCES alunos (id) ON DELETE CASCADE,
    turma_id       bigint           NOT NULL REFERENCES turmas (id) ON DELETE RESTRICT,
    status         matricula_status NOT NULL DEFAULT 'ativa',
    nota           numeric(4, 2),
    matriculado_em timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT matriculas_aluno_turma_unica UNIQUE (aluno_id, turma_id),
    CONSTRAINT matriculas_nota_intervalo CHECK (nota BETWEEN 0 AND 10)
);
COMMENT ON TABLE matriculas IS 'Enrolment of an aluno in a turma; a turma never has more ativa matriculas than vagas.';
CREATE INDEX matriculas_turma_id_idx ON matriculas (turma_id, id);
