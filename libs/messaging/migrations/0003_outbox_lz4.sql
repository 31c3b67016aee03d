-- Envelopes over about 2 kB compressed with lz4 where the server has it
-- (docs/messaging.md, "Transactional outbox"): Postgres compresses such a
-- value before storing it, with pglz unless the column says otherwise, and
-- an outbox row is written in its service's transaction, so that work sits
-- on the write's path (a worlds turn's audit record holds every event of the
-- turn). lz4 does it several times faster. Values already stored keep their
-- method and read as before (no table rewrite).
--
-- A server built without lz4 (the embedded PGlite) refuses the method with
-- feature_not_supported; the column keeps pglz.
-- Runs with search_path set to the service's schema.

DO $$
BEGIN
  ALTER TABLE outbox ALTER COLUMN envelope SET COMPRESSION lz4;
EXCEPTION
  WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 compression is not available on this server; outbox envelopes keep pglz';
END
$$;
