-- Memories as versioned data (docs/services/governance.md, "Memories"): a
-- datum in a scope, optionally typed by a schema name and the version it was
-- written in (schemas/memories/<name>.v<N>.json); reads upgrade older
-- versions on the fly, so stored data is never migrated.
--
-- The embedding is a plain float8[] compared exactly in SQL (cosine of unit
-- vectors: their dot product), with the model that made it: the test
-- Postgres and PGlite have no pgvector, and the ranking is the same either way.
CREATE TABLE memories (
    id              UUID        PRIMARY KEY,
    scope           TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    data            JSONB       NOT NULL,
    tags            TEXT[]      NOT NULL DEFAULT '{}',
    author          TEXT        NOT NULL,
    source          TEXT,
    parent_id       UUID,
    schema_name     TEXT,
    schema_version  INTEGER,
    embedding_model TEXT        NOT NULL,
    embedding       FLOAT8[]    NOT NULL,
    CHECK ((schema_name IS NULL) = (schema_version IS NULL))
);
CREATE INDEX memories_scope_idx ON memories (scope, created_at DESC, id DESC);
CREATE INDEX memories_tags_idx ON memories USING GIN (tags);
