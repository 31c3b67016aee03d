-- The embedded default's event log: Kafka's contract (append-only topics,
-- consumer groups with committed positions) on Postgres tables. Only used when
-- no KAFKA_BROKERS is configured.
CREATE TABLE topics (
    name        TEXT        PRIMARY KEY,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE records (
    id          BIGSERIAL   PRIMARY KEY,
    topic       TEXT        NOT NULL REFERENCES topics(name),
    key         TEXT        NOT NULL,
    value       BYTEA       NOT NULL,
    headers     JSONB       NOT NULL DEFAULT '{}'::jsonb,
    appended_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX records_topic_id_idx ON records(topic, id);

CREATE TABLE group_offsets (
    group_id    TEXT        NOT NULL,
    topic       TEXT        NOT NULL REFERENCES topics(name),
    last_id     BIGINT      NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, topic)
);
