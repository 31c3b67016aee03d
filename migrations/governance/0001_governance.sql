-- The governance service's tables (docs/services/governance.md, "Tables"):
-- roles, directives and their status history, execution runs and theirs,
-- content-addressed policies with the active one and its history, decision
-- records, escalation timers and artifact references.
-- Runs with search_path set to the governance schema.
--
-- Statuses are TEXT checked by the service's lifecycles (services/governance/
-- src/domain/lifecycles.ts), the one place that knows the edges; the CHECKs
-- here only keep values out that no version of the service writes.

CREATE TABLE agent_roles (
    role_name    TEXT COLLATE "C" PRIMARY KEY,
    current_impl TEXT,
    status       TEXT        NOT NULL DEFAULT 'active',
    last_review  TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- No foreign key to agent_roles: a directive may be addressed to a role
-- before the role is recorded (docs/services/governance.md, "Directives").
CREATE TABLE directives (
    id              UUID        PRIMARY KEY,
    issued_by       TEXT        NOT NULL,
    objective       TEXT        NOT NULL,
    scope           TEXT        NOT NULL,
    role            TEXT        NOT NULL,
    type            TEXT        NOT NULL,
    status          TEXT        NOT NULL,
    constraints     JSONB,
    success_metrics JSONB,
    budget          JSONB,
    timebox         TEXT,
    payload         JSONB       NOT NULL DEFAULT '{}',
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX directives_created_idx ON directives (created_at DESC, id DESC);
CREATE INDEX directives_status_idx ON directives (status, created_at DESC, id DESC);

-- One row per status change (from_status NULL: the creation). Written in the
-- transaction that changes the status, so the history is complete.
CREATE TABLE directive_history (
    id            BIGSERIAL   PRIMARY KEY,
    directive_id  UUID        NOT NULL REFERENCES directives (id),
    from_status   TEXT,
    to_status     TEXT        NOT NULL,
    actor         TEXT        NOT NULL,
    reason        TEXT,
    decision_hash TEXT,
    changed_at    TIMESTAMPTZ NOT NULL,
    CHECK (from_status IS DISTINCT FROM to_status)
);
CREATE INDEX directive_history_directive_idx ON directive_history (directive_id, id DESC);

CREATE TABLE execution_runs (
    id           UUID        PRIMARY KEY,
    directive_id UUID        NOT NULL REFERENCES directives (id),
    status       TEXT        NOT NULL DEFAULT 'pending',
    started_at   TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX ix_execution_runs_directive_id ON execution_runs (directive_id);
CREATE INDEX ix_execution_runs_status ON execution_runs (status);

CREATE TABLE execution_run_history (
    id          BIGSERIAL   PRIMARY KEY,
    run_id      UUID        NOT NULL REFERENCES execution_runs (id),
    from_status TEXT,
    to_status   TEXT        NOT NULL,
    actor       TEXT        NOT NULL,
    reason      TEXT,
    changed_at  TIMESTAMPTZ NOT NULL,
    CHECK (from_status IS DISTINCT FROM to_status)
);
CREATE INDEX execution_run_history_run_idx ON execution_run_history (run_id, id DESC);

-- Policies by content: hash = sha256 of the canonical JSON of config.
CREATE TABLE policies (
    hash       TEXT        PRIMARY KEY CHECK (hash ~ '^[0-9a-f]{64}$'),
    version    TEXT        NOT NULL,
    config     JSONB       NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The active policy: one row, moved by compare-and-swap (set_policy).
CREATE TABLE policy_head (
    only_row   BOOLEAN     PRIMARY KEY DEFAULT TRUE CHECK (only_row),
    hash       TEXT        NOT NULL REFERENCES policies (hash),
    changed_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE policy_history (
    id         BIGSERIAL   PRIMARY KEY,
    old_hash   TEXT        REFERENCES policies (hash),
    new_hash   TEXT        NOT NULL REFERENCES policies (hash),
    actor      TEXT        NOT NULL,
    reason     TEXT,
    changed_at TIMESTAMPTZ NOT NULL
);

-- Decision records by content: hash = sha256 of the canonical JSON of
-- {policy_hash, input_hash, results}. The first evaluation's time is kept.
CREATE TABLE decisions (
    hash           TEXT        PRIMARY KEY CHECK (hash ~ '^[0-9a-f]{64}$'),
    policy_hash    TEXT        NOT NULL REFERENCES policies (hash),
    policy_version TEXT        NOT NULL,
    input_hash     TEXT        NOT NULL,
    input          JSONB       NOT NULL,
    results        JSONB       NOT NULL,
    outcome        TEXT        NOT NULL CHECK (outcome IN ('allow', 'block', 'review')),
    evaluated_at   TIMESTAMPTZ NOT NULL,
    duration_us    BIGINT      NOT NULL
);
CREATE INDEX decisions_evaluated_idx ON decisions (evaluated_at, hash);

-- A proposal waiting for a human (the policy's verdict was review), with
-- its escalation timer: a due time (the directive's timebox after the
-- proposal; none without a timebox) that the service polls, so the timer
-- survives restarts (docs/services/governance.md, "Escalation"). Deleted when
-- a human decides.
CREATE TABLE pending_reviews (
    directive_id  UUID        PRIMARY KEY REFERENCES directives (id),
    decision_hash TEXT        NOT NULL REFERENCES decisions (hash),
    proposed_at   TIMESTAMPTZ NOT NULL,
    due_at        TIMESTAMPTZ,
    escalated_at  TIMESTAMPTZ
);
CREATE INDEX pending_reviews_due_idx ON pending_reviews (due_at)
    WHERE escalated_at IS NULL AND due_at IS NOT NULL;

CREATE TABLE artifacts (
    id         UUID        PRIMARY KEY,
    type       TEXT        NOT NULL,
    uri        TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
