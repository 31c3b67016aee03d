-- Events this service has applied (idempotent consumers, see EventConsumer).
-- IF NOT EXISTS: a schema whose service's own migrations made this table
-- before @crucible/messaging owned it (the scenarios service's) keeps it as
-- it is; it has this shape.
CREATE TABLE IF NOT EXISTS processed_events (
    consumer     TEXT        NOT NULL,
    event_id     UUID        NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
