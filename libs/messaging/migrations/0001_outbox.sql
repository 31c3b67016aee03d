-- The transactional outbox of one service (docs/messaging.md, "Transactional
-- outbox"), applied to every service's schema by @crucible/messaging and
-- recorded in that schema's messaging_migrations. Runs with search_path set
-- to the service's schema.
--
-- A schema whose outbox the service's own migrations made (before this lib
-- owned it) is not given this step: see legacy-outbox.ts.

-- Events leave with the write that caused them. A row is written twice in
-- all: inserted with its change, deleted once published and old.
CREATE TABLE outbox (
    id         BIGSERIAL    PRIMARY KEY,
    -- Random UUIDs; consumers drop duplicates by event id, so no unique index
    -- (it would cost every write an index entry).
    event_id   UUID         NOT NULL,
    topic      TEXT         NOT NULL,
    key        TEXT         NOT NULL,
    -- Stored as written and sent to the event log as stored: no conversion either way.
    envelope   JSON         NOT NULL,
    -- The W3C trace context of the writing request.
    headers    JSON         NOT NULL DEFAULT '{}'::json,
    created_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    -- The writing transaction: rows of transactions older than every running
    -- one are final, and (tx, id) orders them.
    tx         XID8         NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX outbox_order_idx ON outbox (tx, id);

-- The relay's cursor and lease (one row; see OutboxRelay).
CREATE TABLE outbox_relay (
    only_row    BOOLEAN      PRIMARY KEY DEFAULT TRUE CHECK (only_row),
    last_tx     XID8         NOT NULL,
    last_id     BIGINT       NOT NULL,
    published   BIGINT       NOT NULL DEFAULT 0,   -- events published so far
    moved_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    holder      TEXT,                              -- the relay holding the lease, if any
    lease_until TIMESTAMPTZ
);
INSERT INTO outbox_relay (last_tx, last_id) VALUES ('0'::xid8, 0);

-- What the relay has not published yet, for operators (and the tests).
CREATE VIEW outbox_pending AS
SELECT * FROM outbox
WHERE (tx, id) > ((SELECT last_tx FROM outbox_relay), (SELECT last_id FROM outbox_relay));
