-- Experiments in the experiment IR and the model registry
-- (docs/services/evaluation.md, "Experiments" and "Model registry").

-- An experiment as stored: defaulted IR, its canonical-JSON hash. One
-- experiment id per project names one content; storing it again is a no-op.
CREATE TABLE experiments (
    id            BIGSERIAL    PRIMARY KEY,
    project_id    BIGINT       NOT NULL REFERENCES projects(id),
    experiment_id TEXT         NOT NULL,
    hash          TEXT         NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
    experiment    JSONB        NOT NULL,
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now()),
    UNIQUE (project_id, experiment_id)
);

CREATE TABLE models (
    id          TEXT COLLATE "C"  PRIMARY KEY,
    model       JSONB             NOT NULL,
    created_at  TIMESTAMPTZ       NOT NULL DEFAULT date_trunc('milliseconds', now())
);

-- Versions are immutable; seq is their registration order (the list order).
CREATE TABLE model_versions (
    seq           BIGSERIAL    PRIMARY KEY,
    model_id      TEXT COLLATE "C" NOT NULL REFERENCES models(id),
    version       TEXT         NOT NULL,
    version_id    TEXT         NOT NULL UNIQUE,
    stage         TEXT         NOT NULL CHECK (stage IN ('development', 'staging', 'production', 'archived')),
    model_version JSONB        NOT NULL,
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now()),
    UNIQUE (model_id, version)
);

CREATE TABLE model_aliases (
    model_id    TEXT COLLATE "C" NOT NULL REFERENCES models(id),
    alias       TEXT COLLATE "C" NOT NULL,
    version     TEXT         NOT NULL,
    updated_at  TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (model_id, alias),
    FOREIGN KEY (model_id, version) REFERENCES model_versions(model_id, version)
);

-- Every move of an alias, like the names service's history.
CREATE TABLE model_alias_history (
    id          BIGSERIAL    PRIMARY KEY,
    model_id    TEXT COLLATE "C" NOT NULL,
    alias       TEXT COLLATE "C" NOT NULL,
    old_version TEXT,
    new_version TEXT         NOT NULL,
    note        TEXT,
    changed_at  TIMESTAMPTZ  NOT NULL
);
CREATE INDEX model_alias_history_idx ON model_alias_history(model_id, alias, id DESC);
