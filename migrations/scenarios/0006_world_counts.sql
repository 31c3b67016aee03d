-- Which worlds exist of which scenario, projected from the worlds service's
-- worlds.world_created and worlds.world_deleted events (docs/services/worlds.md):
-- the world_count of get_scenario and list_scenarios. One row per world id,
-- so a redelivered or reordered event changes nothing it should not: a
-- deletion seen before the creation still leaves the world deleted.
CREATE TABLE world_projection (
    world_id      BIGINT     PRIMARY KEY,
    scenario_hash sha256_hex NOT NULL,
    deleted       BOOLEAN    NOT NULL DEFAULT FALSE
);
CREATE INDEX world_projection_live_idx ON world_projection(scenario_hash) WHERE NOT deleted;
