-- The one definition of a "use" (migration 0002) as a function of the
-- hashes themselves: a scenario uses its profiles, their four parts, its
-- environments and its entities. record_component_uses reads them from a
-- stored scenario's rows; the service's write of a new manifest passes
-- them as it writes them, in the same statement, instead of a statement of
-- its own that read them back (docs/services/scenarios.md, Performance).
-- Each (kind, hash) once.
CREATE FUNCTION component_uses_of(
    profile_hashes     TEXT[],
    perceive_hashes    TEXT[],
    intend_hashes      TEXT[],
    adjudicate_hashes  TEXT[],
    schema_hashes      TEXT[],
    environment_hashes TEXT[],
    entity_hashes      TEXT[]
) RETURNS TABLE (kind TEXT, component_hash TEXT)
LANGUAGE sql IMMUTABLE
AS $$
    SELECT 'cognition_profile', h FROM unnest(profile_hashes) AS h
    UNION SELECT 'perceive_system', h FROM unnest(perceive_hashes) AS h
    UNION SELECT 'intend_system', h FROM unnest(intend_hashes) AS h
    UNION SELECT 'adjudicate_system', h FROM unnest(adjudicate_hashes) AS h
    UNION SELECT 'adjudication_schema', h FROM unnest(schema_hashes) AS h
    UNION SELECT 'environment', h FROM unnest(environment_hashes) AS h
    UNION SELECT 'entity', h FROM unnest(entity_hashes) AS h
$$;

-- Same behaviour as 0002's, now through component_uses_of.
CREATE OR REPLACE FUNCTION record_component_uses(scenario_hashes TEXT[]) RETURNS VOID
LANGUAGE sql
SET search_path FROM CURRENT
AS $$
    INSERT INTO scenario_component_uses (kind, component_hash, created_at, scenario_hash)
    SELECT u.kind, u.component_hash, s.created_at, s.hash
      FROM scenarios s
      CROSS JOIN LATERAL component_uses_of(
          ARRAY(SELECT b.profile_hash::text FROM scenario_cognition_profiles b
                 WHERE b.scenario_hash = s.hash),
          ARRAY(SELECT pp.perceive_system_hash::text FROM scenario_cognition_profiles b
                  JOIN profile_parts pp ON pp.profile_hash = b.profile_hash
                 WHERE b.scenario_hash = s.hash),
          ARRAY(SELECT pp.intend_system_hash::text FROM scenario_cognition_profiles b
                  JOIN profile_parts pp ON pp.profile_hash = b.profile_hash
                 WHERE b.scenario_hash = s.hash),
          ARRAY(SELECT pp.adjudicate_system_hash::text FROM scenario_cognition_profiles b
                  JOIN profile_parts pp ON pp.profile_hash = b.profile_hash
                 WHERE b.scenario_hash = s.hash),
          ARRAY(SELECT pp.adjudication_schema_hash::text FROM scenario_cognition_profiles b
                  JOIN profile_parts pp ON pp.profile_hash = b.profile_hash
                 WHERE b.scenario_hash = s.hash),
          ARRAY(SELECT e.environment_hash::text FROM scenario_environments e
                 WHERE e.scenario_hash = s.hash),
          ARRAY(SELECT n.entity_hash::text FROM scenario_entities n
                 WHERE n.scenario_hash = s.hash)
      ) AS u
     WHERE s.hash = ANY(scenario_hashes)
    ON CONFLICT DO NOTHING;
$$;
