import type { Knex, ServiceDb } from '@crucible/database';
import { ancestorDistances } from '../domain/lineage-distances';

export interface LineageRow {
  hash: string;
  scenario_slug: string;
  created_at: Date;
  distance: number;
  parent_hashes: string[];
}

/** A row of the lineage statement: a scenario found, on which side, with its data. */
interface FoundRow extends Omit<LineageRow, 'distance'> {
  /** 0: the scenario asked about; 1: an ancestor; 2: a descendant. */
  side: 0 | 1 | 2;
  distance: number;
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
 * walk), and the nodes' data, all in one statement. Distances are computed here on
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
  // One statement: both walks (edges back to the scenario itself are not
  // followed: its own cycle ends there), then each scenario found (the one
  // asked about as side 0, ancestors 1, descendants 2) with its data. It was
  // three, the third sending every hash found back to Postgres.
  const result = await (trx ?? db.knex).raw<{ rows: FoundRow[] }>(
    `with recursive up(hash, distance) as (
       select p.parent_hash, 1 from ?? d join ?? p on p.derivation_id = d.id
        where d.child_hash = ? and p.parent_hash <> ?
       union
       select p.parent_hash, w.distance + 1
         from up w join ?? d on d.child_hash = w.hash join ?? p on p.derivation_id = d.id
        where w.distance < ? and p.parent_hash <> ?),
     down(hash, distance) as (
       select d.child_hash, 1 from ?? p join ?? d on d.id = p.derivation_id
        where p.parent_hash = ? and d.child_hash <> ?
       union
       select d.child_hash, w.distance + 1
         from down w join ?? p on p.parent_hash = w.hash join ?? d on d.id = p.derivation_id
        where w.distance < ? and d.child_hash <> ?),
     found(hash, side, distance) as (
       select ?::text, 0, 0
       union all select hash, 1, min(distance)::int from up group by hash
       union all select hash, 2, min(distance)::int from down group by hash)
     select f.side, f.distance, s.hash, s.scenario_slug, s.created_at,
       coalesce((select json_agg(x.parent_hash order by x.first_seen) from (
          select p.parent_hash, min(d.id * 1000 + p.parent_index) as first_seen
            from ?? d join ?? p on p.derivation_id = d.id
           where d.child_hash = s.hash group by p.parent_hash) x), '[]'::json) as parent_hashes
     from found f cross join lateral (
       -- offset 0: kept a subquery, so an index lookup per node found,
       -- never a scan of the store (a join may hash the whole table).
       select s.hash, s.scenario_slug, s.created_at from ?? s where s.hash = f.hash offset 0) s`,
    // The parents as JSON, not text[]: pg parses JSON natively, an array char by char.
    [
      t('scenario_derivations'),
      t('scenario_derivation_parents'),
      hash,
      hash,
      t('scenario_derivations'),
      t('scenario_derivation_parents'),
      maxDepth,
      hash,
      t('scenario_derivation_parents'),
      t('scenario_derivations'),
      hash,
      hash,
      t('scenario_derivation_parents'),
      t('scenario_derivations'),
      maxDepth,
      hash,
      hash,
      t('scenario_derivations'),
      t('scenario_derivation_parents'),
      t('scenarios'),
    ],
  );
  const nodes = new Map<string, Omit<LineageRow, 'distance'>>();
  const up: Array<{ hash: string; distance: number }> = [];
  const down: Array<{ hash: string; distance: number }> = [];
  for (const r of result.rows) {
    nodes.set(r.hash, r);
    if (r.side === 1) up.push({ hash: r.hash, distance: r.distance });
    else if (r.side === 2) down.push({ hash: r.hash, distance: r.distance });
  }
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
  const found = new Set(up.map((r) => r.hash));
  const longest = ancestorDistances(hash, found, (h) => nodes.get(h)?.parent_hashes ?? []);
  const ancestors = up
    .map((r) => row(r.hash, longest.get(r.hash) ?? r.distance))
    .sort((a, b) => b.distance - a.distance || a.at - b.at || cmp(a.hash, b.hash));
  const descendants = down
    .map((r) => row(r.hash, r.distance))
    .sort((a, b) => a.distance - b.distance || a.at - b.at || cmp(a.hash, b.hash));
  // Truncated: an ancestor's parent, or a descendant's child, was left out by max_depth.
  const reached = new Set([hash, ...found]);
  const lowest = down.filter((d) => d.distance === maxDepth).map((d) => d.hash);
  const truncated =
    ancestors.some((a) => a.parent_hashes.some((p) => !reached.has(p))) ||
    (lowest.length > 0 &&
      (await hasChildrenOutside(db, lowest, [hash, ...down.map((d) => d.hash)], trx)));
  return {
    lineage: [
      ...ancestors.map(withoutTime),
      {
        hash: self.hash,
        scenario_slug: self.scenario_slug,
        created_at: self.created_at,
        distance: 0,
        parent_hashes: self.parent_hashes,
      },
    ],
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
