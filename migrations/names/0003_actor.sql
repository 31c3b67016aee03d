-- Who moved the name: the principal the gateway authenticated for the request
-- (docs/security.md), NULL for moves made before actors were recorded and for
-- calls that came from no outside caller.
ALTER TABLE scenario_name_history ADD COLUMN actor TEXT;
