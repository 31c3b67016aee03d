-- The outbox relay reads up to a cursor instead of claiming and marking each
-- row (docs/messaging.md, "Transactional outbox"): a row is written twice in
-- all (inserted with its change, deleted once old) instead of four times.

-- The id of the transaction that wrote the row: rows of transactions older
-- than every running one are final, and (tx, id) orders them. Rows written
-- before this migration get 0, so every later row, whatever transaction
-- wrote it, sorts after them.
ALTER TABLE outbox ADD COLUMN tx XID8 NOT NULL DEFAULT '0'::xid8;
ALTER TABLE outbox ALTER COLUMN tx SET DEFAULT pg_current_xact_id();
CREATE INDEX outbox_order_idx ON outbox (tx, id);
-- Stored as written and sent to the event log as stored: no conversion either way.
ALTER TABLE outbox ALTER COLUMN envelope TYPE JSON USING envelope::json;
ALTER TABLE outbox ALTER COLUMN headers DROP DEFAULT;
ALTER TABLE outbox ALTER COLUMN headers TYPE JSON USING headers::json;
ALTER TABLE outbox ALTER COLUMN headers SET DEFAULT '{}'::json;
-- Event ids are random UUIDs and consumers drop duplicates by event id; the
-- unique index cost every write an index entry.
ALTER TABLE outbox DROP CONSTRAINT outbox_event_id_key;

-- The relay's cursor and lease (one row; see OutboxRelay).
CREATE TABLE outbox_relay (
    only_row    BOOLEAN      PRIMARY KEY DEFAULT TRUE CHECK (only_row),
    last_tx     XID8         NOT NULL,
    last_id     BIGINT       NOT NULL,
    published   BIGINT       NOT NULL DEFAULT 0,   -- events published since this migration
    moved_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    holder      TEXT,                              -- the relay holding the lease, if any
    lease_until TIMESTAMPTZ
);
-- The cursor starts before the first row not yet published (a published row
-- after it goes out again: delivery is at least once), or after the last row.
INSERT INTO outbox_relay (last_tx, last_id)
SELECT '0'::xid8,
       COALESCE((SELECT min(id) - 1 FROM outbox WHERE published_at IS NULL),
                (SELECT max(id) FROM outbox),
                0);
ALTER TABLE outbox DROP COLUMN claimed_until, DROP COLUMN attempts, DROP COLUMN published_at;

-- What the relay has not published yet, for operators (and the tests).
CREATE VIEW outbox_pending AS
SELECT * FROM outbox
WHERE (tx, id) > ((SELECT last_tx FROM outbox_relay), (SELECT last_id FROM outbox_relay));
