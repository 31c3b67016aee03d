import type { Knex, ServiceDb } from '@crucible/database';

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
 * Ancestors and descendants through derivation parent edges: two recursive
 * walks bounded by `maxDepth` (a derivation graph can hold cycles: a fork may
 * recreate an ancestor's exact content), then one query for the nodes' data.
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
  const up = await knex.raw<{ rows: Array<{ hash: string; distance: number }> }>(
    `with recursive walk(hash, distance) as (
       select p.parent_hash, 1 from ?? d join ?? p on p.derivation_id = d.id where d.child_hash = ?
       union
       select p.parent_hash, w.distance + 1
         from walk w join ?? d on d.child_hash = w.hash join ?? p on p.derivation_id = d.id
        where w.distance < ?)
     select hash, max(distance)::int as distance from walk where hash <> ? group by hash`,
    [
      t('scenario_derivations'),
      t('scenario_derivation_parents'),
      hash,
      t('scenario_derivations'),
      t('scenario_derivation_parents'),
      maxDepth,
      hash,
    ],
  );
  const down = await knex.raw<{ rows: Array<{ hash: string; distance: number }> }>(
    `with recursive walk(hash, distance) as (
       select d.child_hash, 1 from ?? p join ?? d on d.id = p.derivation_id where p.parent_hash = ?
       union
       select d.child_hash, w.distance + 1
         from walk w join ?? p on p.parent_hash = w.hash join ?? d on d.id = p.derivation_id
        where w.distance < ?)
     select hash, min(distance)::int as distance from walk where hash <> ? group by hash`,
    [
      t('scenario_derivation_parents'),
      t('scenario_derivations'),
      hash,
      t('scenario_derivation_parents'),
      t('scenario_derivations'),
      maxDepth,
      hash,
    ],
  );
  const distances = new Map<string, number>();
  for (const row of up.rows) distances.set(row.hash, row.distance);
  const nodes = await nodeData(
    db,
    [hash, ...up.rows.map((r) => r.hash), ...down.rows.map((r) => r.hash)],
    trx,
  );
  const self = nodes.get(hash);
  if (!self) return undefined;
  const row = (h: string, distance: number): LineageRow => {
    const node = nodes.get(h);
    if (!node) throw new Error(`lineage node ${h} has no scenario row`);
    return { ...node, distance };
  };
  const ancestors = up.rows
    .map((r) => row(r.hash, r.distance))
    .sort(
      (a, b) =>
        b.distance - a.distance ||
        a.created_at.getTime() - b.created_at.getTime() ||
        cmp(a.hash, b.hash),
    );
  const descendants = down.rows
    .map((r) => row(r.hash, r.distance))
    .sort(
      (a, b) =>
        a.distance - b.distance ||
        a.created_at.getTime() - b.created_at.getTime() ||
        cmp(a.hash, b.hash),
    );
  const deepest = ancestors.filter((a) => a.distance === maxDepth);
  const lowest = descendants.filter((d) => d.distance === maxDepth);
  const truncated =
    deepest.some((a) => a.parent_hashes.length > 0) ||
    (lowest.length > 0 &&
      (await hasChildren(
        db,
        lowest.map((d) => d.hash),
        trx,
      )));
  return { lineage: [...ancestors, { ...self, distance: 0 }], descendants, truncated };
}

async function nodeData(
  db: ServiceDb,
  hashes: string[],
  trx?: Knex.Transaction,
): Promise<Map<string, Omit<LineageRow, 'distance'>>> {
  const t = (name: string) => db.qualified(name);
  const result = await (trx ?? db.knex).raw<{ rows: Array<Omit<LineageRow, 'distance'>> }>(
    `select s.hash, s.scenario_slug, s.created_at,
       coalesce((select array_agg(x.parent_hash::text order by x.first_seen) from (
          select p.parent_hash, min(d.id * 1000 + p.parent_index) as first_seen
            from ?? d join ?? p on p.derivation_id = d.id
           where d.child_hash = s.hash group by p.parent_hash) x), '{}'::text[]) as parent_hashes
     from unnest(?::text[]) as h(hash) join ?? s on s.hash = h.hash`,
    // unnest + join: an index lookup per lineage node, never a scan of the store.
    [
      t('scenario_derivations'),
      t('scenario_derivation_parents'),
      [...new Set(hashes)],
      t('scenarios'),
    ],
  );
  return new Map(result.rows.map((r) => [r.hash, r]));
}

async function hasChildren(
  db: ServiceDb,
  hashes: string[],
  trx?: Knex.Transaction,
): Promise<boolean> {
  const found = await db
    .table<{ parent_hash: string }>('scenario_derivation_parents', trx)
    .whereIn('parent_hash', hashes)
    .first<{ parent_hash: string } | undefined>('parent_hash');
  return found !== undefined;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
