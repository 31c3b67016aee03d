-- Stopping a cancelled run's worlds (docs/services/evaluation.md, "Cancelling
-- a run"). cancel_run marks every unfinished job whose world may exist (its
-- slug recorded) `world_stop = 'pending'` in its own transaction; a run
-- worker then claims the job under the same lease as the other steps and
-- asks the worlds service to cancel the world's unfinished turns, retried
-- after a lease until the worlds service answers: 'stopped' (also a world
-- never made or deleted since), or 'refused' (a refusal that another try
-- would get again, logged). NULL: the job had no world to stop.
-- Runs with search_path set to the evaluation schema.
ALTER TABLE run_jobs
    ADD COLUMN world_stop TEXT CHECK (world_stop IN ('pending', 'stopped', 'refused'));
-- The worker's queue of stops: only the pending ones are indexed.
CREATE INDEX run_jobs_world_stop_idx ON run_jobs(id) WHERE world_stop = 'pending';
