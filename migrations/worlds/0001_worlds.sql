-- The worlds service's tables (docs/services/worlds.md): worlds, their turns
-- as content-addressed pieces, turn attempts (the durable work queue), audit
-- events and the recorded LLM calls. Scenarios live in the scenarios service
-- (another schema): a world keeps its scenario's hash and a snapshot, never a
-- foreign key. Runs with search_path set to the worlds schema.

CREATE DOMAIN sha256_hex AS TEXT
CHECK (VALUE ~ '^[0-9a-f]{64}$');

CREATE DOMAIN label_text AS TEXT
CHECK (VALUE ~ '^[a-z0-9][a-z0-9_-]{0,62}[a-z0-9]$|^[a-z0-9]$');

-- A world. Deleting one sets deleted_at and keeps the row: it is the deleted
-- world's record, and worlds forked from it still read its turns. A slug is
-- unique among live worlds only, so a deleted world's slug can be used again.
CREATE TABLE worlds (
    id                 BIGSERIAL    PRIMARY KEY,
    slug               label_text   NOT NULL,
    name               TEXT         NOT NULL,
    created_at         TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now()),
    scenario_hash      sha256_hex   NOT NULL,
    scenario_label     TEXT         NOT NULL,
    scenario_ref_kind  TEXT         NOT NULL CHECK (scenario_ref_kind IN ('name', 'hash', 'data')),
    scenario_ref_value TEXT         NOT NULL,
    scenario_snapshot  JSON         NOT NULL,
    mind               JSON,
    engine             TEXT         NOT NULL CHECK (engine IN ('sequential', 'simultaneous')),
    current_turn       INT          NOT NULL DEFAULT 0,
    -- A fork of its parent at fork_turn reads turns 0..parent_through from
    -- the parent (recursively): nothing is copied, so forking costs the same
    -- at any turn. parent_through is fork_turn, or fork_turn - 1 for a
    -- counterfactual fork, which owns its fork turn's state (new profiles).
    parent_id          BIGINT       REFERENCES worlds(id),
    parent_slug        TEXT,
    fork_turn          INT,
    parent_through     INT,
    deleted_at         TIMESTAMPTZ,
    CHECK ((parent_id IS NULL) = (fork_turn IS NULL) AND (parent_id IS NULL) = (parent_through IS NULL))
);
CREATE UNIQUE INDEX worlds_live_slug_idx ON worlds(slug) WHERE deleted_at IS NULL;
CREATE INDEX worlds_created_idx ON worlds(created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX worlds_scenario_idx ON worlds(scenario_hash) WHERE deleted_at IS NULL;

-- The pieces of world states by content hash (the kernel's worldPieces: a
-- header, each environment text, entity and profile), as canonical JSON
-- text, so the hash can be checked when a state is assembled back. A turn
-- that leaves a piece unchanged points at the same row.
CREATE TABLE state_pieces (
    hash sha256_hex PRIMARY KEY,
    json TEXT       NOT NULL
);

-- One world state: its hash and its manifest (canonical JSON of its piece
-- references), shared by every world and turn that reached it.
CREATE TABLE world_states (
    state_hash sha256_hex PRIMARY KEY,
    manifest   TEXT       NOT NULL
);

-- The turns a world committed itself (a fork's earlier turns are its parent's).
CREATE TABLE world_turns (
    world_id     BIGINT      NOT NULL REFERENCES worlds(id),
    turn         INT         NOT NULL CHECK (turn >= 0),
    state_hash   sha256_hex  NOT NULL REFERENCES world_states(state_hash),
    attempt_id   BIGINT,
    committed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (world_id, turn)
);

-- Turn attempts: the durable queue every replica's worker claims from, one
-- running attempt per world at a time, in id order (docs/services/worlds.md).
CREATE TABLE turn_attempts (
    id            BIGSERIAL   PRIMARY KEY,
    world_id      BIGINT      NOT NULL REFERENCES worlds(id),
    status        TEXT        NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'running', 'committed', 'failed')),
    requested_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at    TIMESTAMPTZ,
    finished_at   TIMESTAMPTZ,
    lease_owner   TEXT,
    lease_until   TIMESTAMPTZ,
    tries         INT         NOT NULL DEFAULT 0,
    -- The turn the attempt is producing, set when it is claimed.
    target_turn   INT,
    produced_turn INT,
    duration_ms   INT,
    failure       JSON
);
CREATE INDEX turn_attempts_open_idx ON turn_attempts(id) WHERE status IN ('queued', 'running');
CREATE INDEX turn_attempts_world_idx ON turn_attempts(world_id, id);

-- Audit events of committed and failed turns (list_turn_events).
CREATE TABLE turn_events (
    world_id    BIGINT      NOT NULL REFERENCES worlds(id),
    turn        INT         NOT NULL,
    seq         INT         NOT NULL,
    kind        TEXT        NOT NULL,
    agent_id    TEXT,
    data        JSON        NOT NULL,
    attempt_id  BIGINT,
    recorded_at TIMESTAMPTZ NOT NULL DEFAULT date_trunc('milliseconds', now()),
    PRIMARY KEY (world_id, turn, seq)
);
CREATE INDEX turn_events_kind_idx ON turn_events(world_id, kind, turn, seq);

-- Every LLM call, keyed by the hash of what it asked (mindRequestHash), and
-- committed as soon as it returns, outside any turn's transaction: a crashed
-- attempt's calls are reused by the next, and replay reads only these.
CREATE TABLE llm_calls (
    hash          sha256_hex  PRIMARY KEY,
    request       JSON        NOT NULL,
    content       TEXT        NOT NULL,
    finish_reason TEXT        NOT NULL,
    input_tokens  INT         NOT NULL,
    output_tokens INT         NOT NULL,
    latency_ms    INT         NOT NULL,
    provider      TEXT        NOT NULL,
    model         TEXT        NOT NULL,
    params        JSON        NOT NULL,
    world_id      BIGINT      NOT NULL REFERENCES worlds(id),
    turn          INT         NOT NULL,
    agent_id      TEXT        NOT NULL,
    phase         TEXT        NOT NULL CHECK (phase IN ('perceive', 'intend', 'adjudicate')),
    profile_label TEXT,
    recorded_at   TIMESTAMPTZ NOT NULL DEFAULT date_trunc('milliseconds', now())
);
CREATE INDEX llm_calls_world_idx ON llm_calls(world_id, turn, recorded_at, hash);
