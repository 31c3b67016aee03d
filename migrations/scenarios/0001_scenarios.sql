-- The scenarios service's tables (docs/services/scenarios.md, "Tables"): scenario manifests,
-- their label bindings, and derivations with parent edges. Components live in
-- the components service (another schema): their hashes are checked by
-- request at assembly, never by foreign key. Runs with search_path set to the
-- scenarios schema.
--
-- The outbox and processed_events tables are not here: @crucible/messaging
-- keeps them in every service's schema (libs/messaging/migrations). Schemas
-- made before it did got them from an earlier version of this file, and the
-- lib takes them over as they are (libs/messaging/src/events/legacy-outbox.ts).

CREATE DOMAIN sha256_hex AS TEXT
CHECK (VALUE ~ '^[0-9a-f]{64}$');

CREATE DOMAIN label_text AS TEXT
CHECK (VALUE ~ '^[a-z0-9][a-z0-9_-]{0,62}[a-z0-9]$|^[a-z0-9]$');

-- Scenario manifest (scalars only)
CREATE TABLE scenarios (
    hash             sha256_hex   PRIMARY KEY,
    scenario_slug    TEXT         NOT NULL,
    description      TEXT         NOT NULL,
    chronon_seconds  INT          NOT NULL CHECK (chronon_seconds > 0 AND chronon_seconds <= 31536000),
    -- Milliseconds, the precision of the RFC 3339 times the API shows: a
    -- created_at read back and used as a filter bound means exactly that instant.
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT date_trunc('milliseconds', now())
);
-- Newest first, ties by hash: the order of list_scenarios and its cursor.
CREATE INDEX scenarios_created_at_idx ON scenarios(created_at DESC, hash DESC);
CREATE INDEX scenarios_slug_idx       ON scenarios(scenario_slug);

-- Scenario-scoped label bindings
CREATE TABLE scenario_cognition_profiles (
    scenario_hash sha256_hex NOT NULL REFERENCES scenarios(hash),
    profile_label label_text NOT NULL,
    profile_hash  sha256_hex NOT NULL,
    PRIMARY KEY (scenario_hash, profile_label)
);
CREATE INDEX scenario_cognition_profiles_profile_idx ON scenario_cognition_profiles(profile_hash);

CREATE TABLE scenario_environments (
    scenario_hash     sha256_hex NOT NULL REFERENCES scenarios(hash),
    environment_label label_text NOT NULL,
    environment_hash  sha256_hex NOT NULL,
    PRIMARY KEY (scenario_hash, environment_label)
);
CREATE INDEX scenario_environments_environment_idx ON scenario_environments(environment_hash);

CREATE TABLE scenario_entities (
    scenario_hash sha256_hex NOT NULL REFERENCES scenarios(hash),
    entity_index  INT        NOT NULL,
    entity_hash   sha256_hex NOT NULL,
    PRIMARY KEY (scenario_hash, entity_index)
);
CREATE INDEX scenario_entities_entity_idx ON scenario_entities(entity_hash);

-- What each bound profile is made of: immutable facts copied from the
-- components service when a scenario binding them is stored, so filters on a
-- profile's parts (uses_perceive_system_hash, ...) stay local queries.
CREATE TABLE profile_parts (
    profile_hash              sha256_hex PRIMARY KEY,
    perceive_system_hash      sha256_hex NOT NULL,
    intend_system_hash        sha256_hex NOT NULL,
    adjudicate_system_hash    sha256_hex NOT NULL,
    adjudication_schema_hash  sha256_hex NOT NULL,
    adjudication_retry_budget INT        NOT NULL
);
CREATE INDEX profile_parts_perceive_system_idx     ON profile_parts(perceive_system_hash);
CREATE INDEX profile_parts_intend_system_idx       ON profile_parts(intend_system_hash);
CREATE INDEX profile_parts_adjudicate_system_idx   ON profile_parts(adjudicate_system_hash);
CREATE INDEX profile_parts_adjudication_schema_idx ON profile_parts(adjudication_schema_hash);

-- Derivations (provenance = parent edges; no source column)
CREATE TABLE scenario_derivations (
    id         BIGSERIAL    PRIMARY KEY,
    child_hash sha256_hex   NOT NULL REFERENCES scenarios(hash),
    operator   TEXT,
    note       TEXT,
    metadata   JSONB        NOT NULL DEFAULT '{}'::jsonb,
    -- The parent edges as one string ('' for an assembly): the same child
    -- derived from the same parents is one derivation, so retries are idempotent.
    parent_key TEXT         NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX scenario_derivations_child_parents_idx ON scenario_derivations(child_hash, parent_key);
CREATE INDEX scenario_derivations_created_at_idx ON scenario_derivations(created_at);

CREATE TABLE scenario_derivation_parents (
    derivation_id BIGINT     NOT NULL REFERENCES scenario_derivations(id) ON DELETE CASCADE,
    parent_hash   sha256_hex NOT NULL REFERENCES scenarios(hash),
    parent_index  INT        NOT NULL,
    role          TEXT,
    PRIMARY KEY (derivation_id, parent_index)
);
CREATE INDEX scenario_derivation_parents_parent_idx ON scenario_derivation_parents(parent_hash);

-- Where names point, projected from names.name_moved events (the names
-- service owns names; this copy serves list filters and summaries).
-- history_id orders moves: an older event never overwrites a newer one.
CREATE TABLE names_projection (
    name       label_text  PRIMARY KEY,
    hash       sha256_hex,
    history_id BIGINT      NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX names_projection_hash_idx ON names_projection(hash) WHERE hash IS NOT NULL;
