-- Training runs and deployments as the tools that do that work report them,
-- and the feedback on deployed models (docs/services/evaluation.md,
-- "Training runs, deployments and feedback").
-- Runs with search_path set to the evaluation schema.

-- A training run of a registered model: its IR as last reported. The
-- status moves forward only (domain/lifecycle.ts); config never changes.
CREATE TABLE training_runs (
    seq           BIGSERIAL    PRIMARY KEY,
    id            TEXT COLLATE "C" NOT NULL UNIQUE,
    model_id      TEXT COLLATE "C" NOT NULL REFERENCES models(id),
    status        TEXT         NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
    training_run  JSONB        NOT NULL,
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now()),
    updated_at    TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now())
);
CREATE INDEX training_runs_model_idx ON training_runs(model_id, seq);

-- A deployment of a registered model version: its config, its last
-- reported status and the feedback config its feedback is sampled by.
CREATE TABLE deployments (
    seq              BIGSERIAL    PRIMARY KEY,
    id               TEXT COLLATE "C" NOT NULL UNIQUE,
    model_version_id TEXT         NOT NULL REFERENCES model_versions(version_id),
    state            TEXT         NOT NULL CHECK (state IN ('pending', 'deploying', 'active', 'degraded', 'failed', 'terminated')),
    config           JSONB        NOT NULL,
    status           JSONB        NOT NULL,
    feedback         JSONB        NOT NULL,
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now()),
    updated_at       TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now())
);
CREATE INDEX deployments_version_idx ON deployments(model_version_id, seq);

-- Feedback events kept after sampling; one row per (deployment, event id),
-- so an event delivered again (HTTP retry, Kafka redelivery, both paths)
-- is stored and counted once.
CREATE TABLE feedback_events (
    seq              BIGSERIAL    PRIMARY KEY,
    deployment_id    TEXT COLLATE "C" NOT NULL REFERENCES deployments(id),
    event_id         TEXT COLLATE "C" NOT NULL,
    model_version_id TEXT         NOT NULL,
    feedback_type    TEXT         NOT NULL,
    -- thumbs up 1 / down 0, a rating's number; null when not numeric.
    score            DOUBLE PRECISION,
    event            JSONB        NOT NULL,
    received_at      TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now()),
    UNIQUE (deployment_id, event_id)
);
CREATE INDEX feedback_events_type_idx ON feedback_events(deployment_id, feedback_type, seq);

-- Running totals of the stored feedback, written in the transaction that
-- stores the events, so a summary is one read at any volume.
CREATE TABLE feedback_totals (
    deployment_id    TEXT COLLATE "C" NOT NULL REFERENCES deployments(id),
    feedback_type    TEXT COLLATE "C" NOT NULL,
    model_version_id TEXT         NOT NULL,
    events           BIGINT       NOT NULL DEFAULT 0,
    scored           BIGINT       NOT NULL DEFAULT 0,
    score_sum        DOUBLE PRECISION NOT NULL DEFAULT 0,
    PRIMARY KEY (deployment_id, feedback_type)
);
CREATE INDEX feedback_totals_version_idx ON feedback_totals(model_version_id);
