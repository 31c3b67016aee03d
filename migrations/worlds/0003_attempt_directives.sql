-- Budgets (docs/services/worlds.md, "Budgets"): the directive a queued turn
-- attempt runs under, written with the attempt by run_turn. Its own table,
-- not a column of turn_attempts, so the turn queue's hot statements stay as
-- they are; the worker reads it once per attempt, by key.
-- Runs with search_path set to the worlds schema.

CREATE TABLE attempt_directives (
    attempt_id   BIGINT PRIMARY KEY REFERENCES turn_attempts(id),
    directive_id UUID   NOT NULL
);
