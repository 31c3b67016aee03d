-- The components service's tables (docs/services/components.md, "Tables"): immutable,
-- content-addressed building blocks, each keyed by the sha256 of its content.
-- Runs with search_path set to the components schema.
--
-- The outbox and processed_events tables are not here: @crucible/messaging
-- keeps them in every service's schema (libs/messaging/migrations). Schemas
-- made before it did got them from an earlier version of this file, and the
-- lib takes them over as they are (libs/messaging/src/events/legacy-outbox.ts).

CREATE DOMAIN sha256_hex AS TEXT
CHECK (VALUE ~ '^[0-9a-f]{64}$');

-- Cognition components (4 atomic content-addressed units)
CREATE TABLE perceive_systems (
    hash       sha256_hex   PRIMARY KEY,
    content    TEXT         NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE TABLE intend_systems (
    hash       sha256_hex   PRIMARY KEY,
    content    TEXT         NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE TABLE adjudicate_systems (
    hash       sha256_hex   PRIMARY KEY,
    content    TEXT         NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE TABLE adjudication_schemas (
    hash       sha256_hex   PRIMARY KEY,
    content    JSONB        NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- Cognition profile bundle
CREATE TABLE cognition_profiles (
    hash                       sha256_hex   PRIMARY KEY,
    perceive_system_hash       sha256_hex   NOT NULL REFERENCES perceive_systems(hash),
    intend_system_hash         sha256_hex   NOT NULL REFERENCES intend_systems(hash),
    adjudicate_system_hash     sha256_hex   NOT NULL REFERENCES adjudicate_systems(hash),
    adjudication_schema_hash   sha256_hex   NOT NULL REFERENCES adjudication_schemas(hash),
    adjudication_retry_budget  INT          NOT NULL CHECK (adjudication_retry_budget >= 0 AND adjudication_retry_budget <= 10),
    created_at                 TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX cognition_profiles_perceive_system_idx     ON cognition_profiles(perceive_system_hash);
CREATE INDEX cognition_profiles_intend_system_idx       ON cognition_profiles(intend_system_hash);
CREATE INDEX cognition_profiles_adjudicate_system_idx   ON cognition_profiles(adjudicate_system_hash);
CREATE INDEX cognition_profiles_adjudication_schema_idx ON cognition_profiles(adjudication_schema_hash);
CREATE INDEX cognition_profiles_retry_budget_idx        ON cognition_profiles(adjudication_retry_budget);

-- Environment and entity content
CREATE TABLE environments (
    hash       sha256_hex   PRIMARY KEY,
    content    TEXT         NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE TABLE entities (
    hash       sha256_hex   PRIMARY KEY,
    content    JSONB        NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX entities_id_idx ON entities((content ->> 'id'));
