-- The names service's tables (docs/services/names.md, "Tables"):
-- mutable names pointing at scenario hashes, and every move of every name.
-- Runs with search_path set to the names schema.
--
-- No foreign keys to scenarios: they live in another service's schema, so the
-- service asks the scenarios service (check_scenarios) before pointing a name
-- at a hash. Scenarios are immutable and never deleted, so the check stays true.
--
-- The outbox and processed_events tables are not here: @crucible/messaging
-- keeps them in every service's schema (libs/messaging/migrations). Schemas
-- made before it did got them from an earlier version of this file, and the
-- lib takes them over as they are (libs/messaging/src/events/legacy-outbox.ts).

CREATE DOMAIN sha256_hex AS TEXT
CHECK (VALUE ~ '^[0-9a-f]{64}$');

CREATE DOMAIN label_text AS TEXT
CHECK (VALUE ~ '^[a-z0-9][a-z0-9_-]{0,62}[a-z0-9]$|^[a-z0-9]$');

-- Byte order ("C") for names: list_names pages in name order and filters by
-- prefix, and both must agree on every server whatever its default locale.
CREATE TABLE scenario_names (
    name       label_text COLLATE "C"  PRIMARY KEY,
    hash       sha256_hex              NOT NULL,
    updated_at TIMESTAMPTZ             NOT NULL DEFAULT now()
);
CREATE INDEX scenario_names_hash_idx ON scenario_names(hash);

-- One row per move; new_hash NULL is a tombstone (the name was removed).
-- changed_at is taken once per transaction after the name's lock is held, so
-- the moves of one name are ordered alike by id and by changed_at.
CREATE TABLE scenario_name_history (
    id         BIGSERIAL               PRIMARY KEY,
    name       label_text COLLATE "C"  NOT NULL,
    old_hash   sha256_hex,
    new_hash   sha256_hex,
    note       TEXT,
    changed_at TIMESTAMPTZ             NOT NULL DEFAULT now(),
    CHECK (old_hash IS DISTINCT FROM new_hash)
);
CREATE INDEX scenario_name_history_name_idx    ON scenario_name_history(name, changed_at DESC);
CREATE INDEX scenario_name_history_name_id_idx ON scenario_name_history(name, id DESC);
