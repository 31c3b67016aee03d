-- Profile and fork candidates (docs/services/evaluation.md, "Running an
-- evaluation"): a candidate that changes the suite's scenarios runs each job
-- on a fork of its suite scenario. `scenario_hash` is the scenario its world
-- runs on (the fork's, in its result key too); `suite_scenario_hash` the
-- suite's scenario it stands for (the same for a mind candidate), so results
-- of different candidates line up per suite scenario.
-- Runs with search_path set to the evaluation schema.
ALTER TABLE run_jobs
    ADD COLUMN candidate_kind TEXT NOT NULL DEFAULT 'mind'
        CHECK (candidate_kind IN ('mind', 'profile', 'fork')),
    ADD COLUMN suite_scenario_hash TEXT
        CHECK (suite_scenario_hash ~ '^[0-9a-f]{64}$');
UPDATE run_jobs SET suite_scenario_hash = scenario_hash;
ALTER TABLE run_jobs ALTER COLUMN suite_scenario_hash SET NOT NULL;
ALTER TABLE run_jobs ALTER COLUMN candidate_kind DROP DEFAULT;
