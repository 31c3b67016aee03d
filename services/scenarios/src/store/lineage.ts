import type { Knex, ServiceDb } from '@crucible/database';
import { ancestorDistances } from '../domain/lineage-distances';

export interface LineageRow {
  hash: string;
  scenario_slug: string;
  created_at: Date;
  distance: number;
  parent_hashes: string[];
}

export interface Lineage {
  /** Ancestors oldest first (longest path first), then the scenario itself. */
  lineage: LineageRow[];
  /** Descendants nearest first. */
  descendants: LineageRow[];
  truncated: boolean;
}

/**
 * Ancestors and descendants through derivation parent edges, each scenario
 * once. Two recursive walks find the scenarios within `maxDepth` steps each
 * way (a derivation graph can hold cycles: a fork may recreate an ancestor's
 * exact content, e.g. A forked to B, B forked back to A; the walks are
 * bounded by `maxDepth`, and a cycle costs at most `maxDepth` rows of the
 * walk), then one query for the nodes' data. Distances are computed here on
 * what was found (`ancestorDistances`): the longest path for ancestors, with
 * the edges that close a cycle left out, the shortest for descendants.
 * Returns undefined when the scenario does not exist (for ScenarioStore.lineage).
 */
export async function readLineage(
  db: ServiceDb,
  hash: string,
  maxDepth: number,
  trx?: Knex.Transaction,
): Promise<Lineage | undefined> {
  const t = (name: string) => db.qualified(name);
  const knex = trx ?? db.knex;
  // Edges back to the scenario itself are not followed: its own cycle ends there.
  const up = await knex.raw<{ rows: Array<{ hash: string; distance: number }> }>(
    `with recursive walk(hash, distance) as (
       select p.parent_hash, 1 from ?? d join ?? p on p.derivation_id = d.id
        where d.child_hash = ? and p.parent_hash <> ?
       union
       select p.parent_hash, w.distance + 1
         from walk w join ?? d on d.child_hash = w.hash join ?? p on p.derivation_id = d.id
        where w.distance < ? and p.parent_hash <> ?)
     select hash, min(distance)::int as distance from walk group by hash`,
    [
      t('scenario_derivations'),
      t('scenario_derivation_parents'),
      hash,
      hash,
      t('scenario_derivations'),
      t('scenario_derivation_parents'),
      maxDepth,
      hash,
    ],
  );
  const down = await knex.raw<{ rows: Array<{ hash: string; distance: number }> }>(
    `with recursive walk(hash, distance) as (
       select d.child_hash, 1 from ?? p join ?? d on d.id = p.derivation_id
        where p.parent_hash = ? and d.child_hash <> ?
       union
       select d.child_hash, w.distance + 1
         from walk w join ?? p on p.parent_hash = w.hash join ?? d on d.id = p.derivation_id
        where w.distance < ? and d.child_hash <> ?)
     select hash, min(distance)::int as distance from walk group by hash`,
    [
      t('scenario_derivation_parents'),
      t('scenario_derivations'),
      hash,
      hash,
      t('scenario_derivation_parents'),
      t('scenario_derivations'),
      maxDepth,
      hash,
    ],
  );
  const nodes = await nodeData(
    db,
    [hash, ...up.rows.map((r) => r.hash), ...down.rows.map((r) => r.hash)],
    trx,
  );
  const self = nodes.get(hash);
  if (!self) return undefined;
  // Rows built field by field and sorted on precomputed times: spreading
  // 1,000 pg rows and calling getTime in every comparison was most of this
  // function's CPU in a profile of lineage_of on a 1,000-deep chain.
  const row = (h: string, distance: number): LineageRow & { at: number } => {
    const node = nodes.get(h);
    if (!node) throw new Error(`lineage node ${h} has no scenario row`);
    return {
      hash: node.hash,
      scenario_slug: node.scenario_slug,
      created_at: node.created_at,
      distance,
      parent_hashes: node.parent_hashes,
      at: node.created_at.getTime(),
    };
  };
  const found = new Set(up.rows.map((r) => r.hash));
  const longest = ancestorDistances(hash, found, (h) => nodes.get(h)?.parent_hashes ?? []);
  const ancestors = up.rows
    .map((r) => row(r.hash, longest.get(r.hash) ?? r.distance))
    .sort((a, b) => b.distance - a.distance || a.at - b.at || cmp(a.hash, b.hash));
  const descendants = down.rows
    .map((r) => row(r.hash, r.distance))
    .sort((a, b) => a.distance - b.distance || a.at - b.at || cmp(a.hash, b.hash));
  // Truncated: an ancestor's parent, or a descendant's child, was left out by max_depth.
  const reached = new Set([hash, ...found]);
  const lowest = down.rows.filter((d) => d.distance === maxDepth).map((d) => d.hash);
  const truncated =
    ancestors.some((a) => a.parent_hashes.some((p) => !reached.has(p))) ||
    (lowest.length > 0 &&
      (await hasChildrenOutside(db, lowest, [hash, ...down.rows.map((d) => d.hash)], trx)));
  return {
    lineage: [...ancestors.map(withoutTime), { ...self, distance: 0 }],
    descendants: descendants.map(withoutTime),
    truncated,
  };
}

function withoutTime(row: LineageRow & { at: number }): LineageRow {
  return {
    hash: row.hash,
    scenario_slug: row.scenario_slug,
    created_at: row.created_at,
    distance: row.distance,
    parent_hashes: row.parent_hashes,
  };
}

async function nodeData(
  db: ServiceDb,
  hashes: string[],
  trx?: Knex.Transaction,
): Promise<Map<string, Omit<LineageRow, 'distance'>>> {
  const t = (name: string) => db.qualified(name);
  const result = await (trx ?? db.knex).raw<{ rows: Array<Omit<LineageRow, 'distance'>> }>(
    `select s.hash, s.scenario_slug, s.created_at,
       coalesce((select json_agg(x.parent_hash order by x.first_seen) from (
          select p.parent_hash, min(d.id * 1000 + p.parent_index) as first_seen
            from ?? d join ?? p on p.derivation_id = d.id
           where d.child_hash = s.hash group by p.parent_hash) x), '[]'::json) as parent_hashes
     from unnest(?::text[]) as h(hash) join ?? s on s.hash = h.hash`,
    // unnest + join: an index lookup per lineage node, never a scan of the store.
    // The parents as JSON, not text[]: pg parses JSON natively, an array char by char.
    [
      t('scenario_derivations'),
      t('scenario_derivation_parents'),
      [...new Set(hashes)],
      t('scenarios'),
    ],
  );
  return new Map(result.rows.map((r) => [r.hash, r]));
}

/** Whether a scenario among `parents` has a child outside `known`. */
async function hasChildrenOutside(
  db: ServiceDb,
  parents: string[],
  known: string[],
  trx?: Knex.Transaction,
): Promise<boolean> {
  const t = (name: string) => db.qualified(name);
  const result = await (trx ?? db.knex).raw<{ rows: unknown[] }>(
    `select 1 from ?? p join ?? d on d.id = p.derivation_id
      where p.parent_hash = any(?::text[]) and not (d.child_hash = any(?::text[])) limit 1`,
    [t('scenario_derivation_parents'), t('scenario_derivations'), parents, known],
  );
  return result.rows.length > 0;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
