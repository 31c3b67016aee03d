-- run_turn's request keys (docs/services/worlds.md, "Turns"): a run_turn
-- that names a request_key queues its attempts once per world and key; a
-- repeat answers the attempts the first one queued. The row is the claim on
-- the key (its primary key makes two concurrent repeats queue once); the
-- attempts carry the key, so a repeat finds them.
-- Runs with search_path set to the worlds schema.

CREATE TABLE turn_requests (
  world_id BIGINT NOT NULL REFERENCES worlds (id),
  request_key TEXT NOT NULL,
  turns INTEGER NOT NULL,
  directive_id UUID,
  requested_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (world_id, request_key)
);

ALTER TABLE turn_attempts ADD COLUMN request_key TEXT;

CREATE INDEX turn_attempts_request_key ON turn_attempts (world_id, request_key)
  WHERE request_key IS NOT NULL;
