-- Who queued a turn attempt (docs/security.md, "Who did it: the actor"): the
-- principal of the run_turn request, named as the actor of the turn's
-- turn_committed or turn_failed event. Null for attempts queued before.
-- Runs with search_path set to the worlds schema.

ALTER TABLE turn_attempts ADD COLUMN requested_by TEXT;
