-- Large values compressed with lz4 where the server has it (docs/services/worlds.md,
-- "State storage"). Postgres compresses a value over about 2 kB before it
-- stores it (TOAST), with pglz unless a column says otherwise; a turn's
-- commit writes the requests of its calls (an adjudicate request holds the
-- whole world), its audit events and its pieces, and pglz spent several
-- milliseconds of a 10- or 100-agent commit compressing them. lz4 does the
-- same work several times faster, and reads decompress faster too. Only the
-- method for values written from now on changes: values already stored
-- stay as they are and read as before (no table rewrite).
--
-- A server built without lz4 (the embedded PGlite) refuses the method with
-- feature_not_supported; its columns keep pglz.
-- Runs with search_path set to the worlds schema.

DO $$
BEGIN
  ALTER TABLE llm_calls ALTER COLUMN request SET COMPRESSION lz4;
  ALTER TABLE llm_calls ALTER COLUMN content SET COMPRESSION lz4;
  ALTER TABLE turn_events ALTER COLUMN data SET COMPRESSION lz4;
  ALTER TABLE state_pieces ALTER COLUMN json SET COMPRESSION lz4;
  ALTER TABLE world_states ALTER COLUMN manifest SET COMPRESSION lz4;
  ALTER TABLE worlds ALTER COLUMN scenario_snapshot SET COMPRESSION lz4;
EXCEPTION
  WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 compression is not available on this server; large values keep pglz';
END
$$;
