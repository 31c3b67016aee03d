-- Eval-gated promotion (docs/services/evaluation.md, "Eval-gated promotion").
-- A name's gate is versioned: every bind that changes it and every unbind
-- is a new row; the latest row says whether the name is gated now, older
-- ones stay readable (get_name_gate with a version). A gate run is an
-- evaluation run of the gate's experiment over the name's current scenario
-- and a candidate; its decision is made in the transaction that finishes
-- the run. The names service asks check_name_gate before moving a gated name.
-- Runs with search_path set to the evaluation schema (no question marks:
-- the runner passes it through knex.raw, which reads them as bindings).

CREATE TABLE name_gates (
    name          TEXT COLLATE "C" NOT NULL
                  CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,62}[a-z0-9]$|^[a-z0-9]$'),
    version       INTEGER      NOT NULL CHECK (version > 0),
    bound         BOOLEAN      NOT NULL,
    experiment_id BIGINT       REFERENCES experiments(id),
    thresholds    JSONB        NOT NULL DEFAULT '[]',
    note          TEXT,
    actor         TEXT,
    changed_at    TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now()),
    PRIMARY KEY (name, version),
    -- A bound version names its experiment; an unbinding names none.
    CHECK (bound = (experiment_id IS NOT NULL))
);

CREATE TABLE gate_runs (
    run_id        BIGINT       PRIMARY KEY REFERENCES runs(id),
    name          TEXT COLLATE "C" NOT NULL,
    gate_version  INTEGER      NOT NULL,
    from_hash     TEXT         CHECK (from_hash ~ '^[0-9a-f]{64}$'),
    to_hash       TEXT         NOT NULL CHECK (to_hash ~ '^[0-9a-f]{64}$'),
    decision      TEXT         NOT NULL CHECK (decision IN ('pending', 'pass', 'fail')),
    -- scores, checks and reasons once decided (gate_run.v1.json).
    report        JSONB,
    actor         TEXT,
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now()),
    decided_at    TIMESTAMPTZ,
    FOREIGN KEY (name, gate_version) REFERENCES name_gates(name, version),
    CHECK ((decision = 'pending') = (decided_at IS NULL))
);
-- check_name_gate: the runs of one move under one version, newest first.
CREATE INDEX gate_runs_move_idx ON gate_runs(name, gate_version, to_hash, run_id DESC);
