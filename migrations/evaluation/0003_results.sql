-- Results keyed by their content (docs/services/evaluation.md, "Results"):
-- key_hash is sha256 of the canonical JSON of the key (scenario, profile,
-- mind and model versions, scorer config, turns, engine, seed). The first
-- result stored under a key is kept; later ones reuse it.
CREATE TABLE results (
    key_hash   TEXT         PRIMARY KEY CHECK (key_hash ~ '^[0-9a-f]{64}$'),
    key        JSONB        NOT NULL,
    result     JSONB        NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now())
);
