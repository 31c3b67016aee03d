-- Which scenarios use which component, newest first: what list_scenarios'
-- uses_<kind>_hash filters walk. One row per (kind, component, scenario),
-- whatever the number of labels or profiles that bind it, carrying the
-- scenario's created_at so that a filtered page is read in list order from
-- this index and stops after `limit` matches (before, Postgres joined every
-- binding of the component to scenarios and sorted them: a rare component
-- cost a scan that grew with the store).
CREATE TABLE scenario_component_uses (
    kind           TEXT        NOT NULL CHECK (kind IN (
                       'cognition_profile', 'perceive_system', 'intend_system',
                       'adjudicate_system', 'adjudication_schema', 'environment', 'entity')),
    component_hash sha256_hex  NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    scenario_hash  sha256_hex  NOT NULL REFERENCES scenarios(hash),
    -- created_at is the scenario's, fixed: with it in the key, one index
    -- serves uniqueness and the (created_at, hash) order in both directions.
    PRIMARY KEY (kind, component_hash, created_at, scenario_hash)
);

-- Records the uses of the given scenarios from their bindings and the
-- compositions of their profiles (which must be stored first). Idempotent.
-- The one definition of a "use": the service calls it after writing a new
-- manifest, this migration to backfill, the benchmark's bulk seeding too.
CREATE FUNCTION record_component_uses(scenario_hashes TEXT[]) RETURNS VOID
LANGUAGE sql
SET search_path FROM CURRENT
AS $$
    INSERT INTO scenario_component_uses (kind, component_hash, created_at, scenario_hash)
    SELECT u.kind, u.component_hash, s.created_at, s.hash
      FROM scenarios s
      CROSS JOIN LATERAL (
          SELECT 'cognition_profile', b.profile_hash
            FROM scenario_cognition_profiles b WHERE b.scenario_hash = s.hash
          UNION
          SELECT part.kind, part.hash
            FROM scenario_cognition_profiles b
            JOIN profile_parts pp ON pp.profile_hash = b.profile_hash
            CROSS JOIN LATERAL (VALUES
                ('perceive_system', pp.perceive_system_hash),
                ('intend_system', pp.intend_system_hash),
                ('adjudicate_system', pp.adjudicate_system_hash),
                ('adjudication_schema', pp.adjudication_schema_hash)) AS part(kind, hash)
           WHERE b.scenario_hash = s.hash
          UNION
          SELECT 'environment', e.environment_hash
            FROM scenario_environments e WHERE e.scenario_hash = s.hash
          UNION
          SELECT 'entity', n.entity_hash
            FROM scenario_entities n WHERE n.scenario_hash = s.hash
      ) AS u(kind, component_hash)
     WHERE s.hash = ANY(scenario_hashes)
    ON CONFLICT DO NOTHING;
$$;

SELECT record_component_uses(ARRAY(SELECT hash::text FROM scenarios));
