-- The evaluation service's tables (docs/services/evaluation.md, "Tables"):
-- the evaluation domain, one table per record kind. Runs with search_path
-- set to the evaluation schema.
--
-- Every record has a BIGSERIAL id, the project it belongs to (a project is
-- its own), a version (1 when created, one more per update) and its times.
-- Records are never deleted, so a reference checked once stays true; the
-- foreign keys say so to the database too. Times are truncated to
-- milliseconds: the wire shows milliseconds, and they must be the stored ones.

CREATE TABLE projects (
    id          BIGSERIAL    PRIMARY KEY,
    name        TEXT         NOT NULL,
    description TEXT,
    version     INTEGER      NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now()),
    updated_at  TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now())
);

CREATE TABLE chat_sessions (
    id          BIGSERIAL    PRIMARY KEY,
    project_id  BIGINT       NOT NULL REFERENCES projects(id),
    title       TEXT,
    version     INTEGER      NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now()),
    updated_at  TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now())
);
CREATE INDEX chat_sessions_project_idx ON chat_sessions(project_id, id);

CREATE TABLE messages (
    id              BIGSERIAL    PRIMARY KEY,
    project_id      BIGINT       NOT NULL REFERENCES projects(id),
    chat_session_id BIGINT       NOT NULL REFERENCES chat_sessions(id),
    role            TEXT         NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    content         TEXT         NOT NULL,
    version         INTEGER      NOT NULL DEFAULT 1,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now()),
    updated_at      TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now())
);
CREATE INDEX messages_session_idx ON messages(chat_session_id, id);

CREATE TABLE problem_specs (
    id          BIGSERIAL    PRIMARY KEY,
    project_id  BIGINT       NOT NULL REFERENCES projects(id),
    spec        JSONB        NOT NULL,
    status      TEXT         NOT NULL CHECK (status IN ('draft', 'accepted')),
    version     INTEGER      NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now()),
    updated_at  TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now())
);
CREATE INDEX problem_specs_project_idx ON problem_specs(project_id, id);

-- The current version of each world model; every version, the first
-- included, is also in world_model_versions (written in the same transaction).
CREATE TABLE world_models (
    id          BIGSERIAL    PRIMARY KEY,
    project_id  BIGINT       NOT NULL REFERENCES projects(id),
    model       JSONB        NOT NULL,
    version     INTEGER      NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now()),
    updated_at  TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now())
);
CREATE INDEX world_models_project_idx ON world_models(project_id, id);

CREATE TABLE world_model_versions (
    world_model_id BIGINT       NOT NULL REFERENCES world_models(id),
    version        INTEGER      NOT NULL,
    model          JSONB        NOT NULL,
    created_at     TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (world_model_id, version)
);

CREATE TABLE scenario_suites (
    id          BIGSERIAL    PRIMARY KEY,
    project_id  BIGINT       NOT NULL REFERENCES projects(id),
    name        TEXT         NOT NULL,
    scenarios   JSONB        NOT NULL,
    version     INTEGER      NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now()),
    updated_at  TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now())
);
CREATE INDEX scenario_suites_project_idx ON scenario_suites(project_id, id);

CREATE TABLE runs (
    id                BIGSERIAL    PRIMARY KEY,
    project_id        BIGINT       NOT NULL REFERENCES projects(id),
    scenario_suite_id BIGINT       REFERENCES scenario_suites(id),
    config            JSONB        NOT NULL,
    status            TEXT         NOT NULL
                      CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
    version           INTEGER      NOT NULL DEFAULT 1,
    created_at        TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now()),
    updated_at        TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now())
);
CREATE INDEX runs_project_idx ON runs(project_id, id);

-- parent_ids: the candidates this one derives from (lineage), checked by the
-- service to be stored candidates of the same project; a candidate's parents
-- are older than it, so lineage has no cycles.
CREATE TABLE candidates (
    id          BIGSERIAL    PRIMARY KEY,
    project_id  BIGINT       NOT NULL REFERENCES projects(id),
    run_id      BIGINT       NOT NULL REFERENCES runs(id),
    parent_ids  JSONB        NOT NULL,
    content     JSONB        NOT NULL,
    label       TEXT,
    version     INTEGER      NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now()),
    updated_at  TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now())
);
CREATE INDEX candidates_project_idx ON candidates(project_id, id);
CREATE INDEX candidates_run_idx ON candidates(run_id, id);

CREATE TABLE evaluations (
    id                BIGSERIAL    PRIMARY KEY,
    project_id        BIGINT       NOT NULL REFERENCES projects(id),
    candidate_id      BIGINT       NOT NULL REFERENCES candidates(id),
    scenario_suite_id BIGINT       REFERENCES scenario_suites(id),
    score_config      JSONB        NOT NULL,
    scores            JSONB        NOT NULL,
    version           INTEGER      NOT NULL DEFAULT 1,
    created_at        TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now()),
    updated_at        TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now())
);
CREATE INDEX evaluations_project_idx ON evaluations(project_id, id);
CREATE INDEX evaluations_candidate_idx ON evaluations(candidate_id, id);

-- target_kind/target_id: what the feedback is about (no foreign key: it
-- points into one of several tables; the service checks it).
CREATE TABLE issues (
    id          BIGSERIAL    PRIMARY KEY,
    project_id  BIGINT       NOT NULL REFERENCES projects(id),
    target_kind TEXT         NOT NULL
                CHECK (target_kind IN ('problem_spec', 'world_model', 'run', 'candidate', 'evaluation')),
    target_id   BIGINT       NOT NULL,
    title       TEXT         NOT NULL,
    body        TEXT,
    status      TEXT         NOT NULL CHECK (status IN ('open', 'resolved', 'dismissed')),
    version     INTEGER      NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now()),
    updated_at  TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now())
);
CREATE INDEX issues_project_idx ON issues(project_id, id);
