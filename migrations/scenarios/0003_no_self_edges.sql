-- A fork whose result equals one of its parents (no changes, or changes that
-- revert to the parent) used to record an edge from the scenario to itself:
-- the scenario then counted as its own parent (has_parents true, gone from
-- has_parents=false lists) and its own child (child_count), and lineage
-- walked the loop to max_depth. The service records no such edge any more
-- (docs/services/scenarios.md#forks-that-change-nothing); this removes those
-- already stored. has_parents and child_count are computed from the edges,
-- so they are right once the edges are. The derivation rows stay (their ids
-- were given out in replies and events), with the edges that remain;
-- parent_key keeps the parents asked for, which is what a retry of the same
-- fork matches.
DELETE FROM scenario_derivation_parents p
 USING scenario_derivations d
 WHERE d.id = p.derivation_id
   AND p.parent_hash = d.child_hash;
