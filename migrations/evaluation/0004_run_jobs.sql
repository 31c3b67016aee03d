-- Running an experiment (docs/services/evaluation.md, "Running an
-- evaluation"). The run itself is a row of `runs` (its status there); its
-- work is one job per candidate x scenario x seed, here. A job is queued,
-- claimed by one replica's run worker under a lease (FOR UPDATE SKIP LOCKED,
-- like worlds' turn_attempts) to create its world and queue its turns, then
-- waits for the worlds service's turn events. Its last turn's event makes it
-- `finishing`: a worker claims it again (same lease) to read the world at its
-- last turn and store the result. The event consumer only writes rows (no
-- calls inside its transaction). A job whose key already has a result is
-- `reused` from the start and makes no world at all.
CREATE TABLE run_jobs (
    id             BIGSERIAL    PRIMARY KEY,
    run_id         BIGINT       NOT NULL REFERENCES runs(id),
    candidate      TEXT         NOT NULL,
    scenario_hash  TEXT         NOT NULL CHECK (scenario_hash ~ '^[0-9a-f]{64}$'),
    seed           BIGINT       NOT NULL,
    turns          INTEGER      NOT NULL CHECK (turns > 0),
    key_hash       TEXT         NOT NULL CHECK (key_hash ~ '^[0-9a-f]{64}$'),
    key            JSONB        NOT NULL,
    -- What create_world is given (mind with the seed, engine).
    world_request  JSONB        NOT NULL,
    status         TEXT         NOT NULL
                   CHECK (status IN ('queued', 'starting', 'waiting', 'finishing', 'done', 'reused', 'failed', 'cancelled')),
    world_slug     TEXT         UNIQUE,
    turns_done     INTEGER      NOT NULL DEFAULT 0,
    -- The committed attempts of its world's turns (from turn_committed), for their LLM usage.
    attempt_ids    JSONB        NOT NULL DEFAULT '[]',
    llm_calls      BIGINT       NOT NULL DEFAULT 0,
    input_tokens   BIGINT       NOT NULL DEFAULT 0,
    output_tokens  BIGINT       NOT NULL DEFAULT 0,
    failure        JSONB,
    lease_owner    TEXT,
    lease_until    TIMESTAMPTZ,
    tries          INTEGER      NOT NULL DEFAULT 0,
    created_at     TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now()),
    finished_at    TIMESTAMPTZ,
    UNIQUE (run_id, candidate, scenario_hash, seed)
);
CREATE INDEX run_jobs_run_idx ON run_jobs(run_id, id);
-- The worker's queue: only unfinished work is indexed.
CREATE INDEX run_jobs_claimable_idx ON run_jobs(id) WHERE status IN ('queued', 'starting', 'finishing');
