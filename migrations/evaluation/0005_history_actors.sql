-- Who made each history row (docs/security.md, "Who did it: the actor"):
-- the principal of the request that moved the alias or saved the world
-- model's version. Null for rows written before.
-- Runs with search_path set to the evaluation schema.

ALTER TABLE model_alias_history ADD COLUMN actor TEXT;
ALTER TABLE world_model_versions ADD COLUMN actor TEXT;
