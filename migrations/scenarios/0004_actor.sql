-- Who recorded a derivation: the principal the gateway authenticated for the
-- assembly or fork (docs/security.md). The client's own `operator` field stays
-- what it always was, the caller's word, now read as a note. NULL for
-- derivations recorded before actors were, and for calls from no outside caller.
ALTER TABLE scenario_derivations ADD COLUMN actor TEXT;
