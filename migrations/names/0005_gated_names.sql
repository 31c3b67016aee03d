-- Gated names (docs/services/names.md, "Gated names"): a name listed here
-- moves to another scenario only when the evaluation service says a gate
-- run of that move passed (check_name_gate); the evaluation service keeps
-- this list (mark_name_gated) as names are bound to gates and unbound.
-- Every gated move records the gate run it went through on.
-- Runs with search_path set to the names schema.

CREATE TABLE gated_names (
    name      label_text COLLATE "C" PRIMARY KEY,
    gated_at  TIMESTAMPTZ            NOT NULL
);

ALTER TABLE scenario_name_history ADD COLUMN gate JSONB;
