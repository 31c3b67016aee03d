// Bulk rows for the paged-reply tests, written with SQL into the test's own
// database (the API would take minutes for thousands of scenarios), shaped as
// the service writes them. The components these scenarios would bind are not
// stored: lineage and list never ask the components service.
import { createHash } from 'node:crypto';
import type { Knex } from '@crucible/database';

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * `count` scenarios in a chain, each forked from the one before (one
 * derivation each, the first an assembly), created one second apart.
 * Returns their hashes, oldest first.
 */
export async function seedChain(knex: Knex, tag: string, count: number): Promise<string[]> {
  await knex.raw(
    `insert into scenarios.scenarios (hash, scenario_slug, description, chronon_seconds, created_at)
     select encode(sha256(convert_to(? || ':' || i, 'UTF8')), 'hex'), ?, 'Chain link ' || i, 60,
            timestamptz '2026-01-01T00:00:00Z' + i * interval '1 second'
       from generate_series(0, ? - 1) i`,
    [tag, `chain_${tag}`, count],
  );
  await knex.raw(
    `with d as (
       insert into scenarios.scenario_derivations (child_hash, parent_key)
       select encode(sha256(convert_to(? || ':' || i, 'UTF8')), 'hex'),
              case when i = 0 then '' else encode(sha256(convert_to(? || ':' || (i - 1), 'UTF8')), 'hex') || ':primary' end
         from generate_series(0, ? - 1) i
       returning id, child_hash, parent_key)
     insert into scenarios.scenario_derivation_parents (derivation_id, parent_hash, parent_index, role)
     select id, split_part(parent_key, ':', 1), 0, 'primary' from d where parent_key <> ''`,
    [tag, tag, count],
  );
  // Fresh statistics, as autovacuum would give a store this size: without
  // them the planner scans the tables at every step of the lineage walk.
  await knex.raw('analyze scenarios.scenario_derivations, scenarios.scenario_derivation_parents');
  return Array.from({ length: count }, (_, i) => sha256(`${tag}:${i}`));
}

/** Names `<prefix>-<i>`, padded to 60 characters, pointing at `hash` in the names projection. */
export async function seedProjectedNames(
  knex: Knex,
  hash: string,
  prefix: string,
  count: number,
): Promise<void> {
  await knex.raw(
    `insert into scenarios.names_projection (name, hash, history_id)
     select rpad(? || '-' || lpad(i::text, 5, '0') || '-', 60, 'x'), ?, 1
       from generate_series(0, ? - 1) i`,
    [prefix, hash, count],
  );
}
