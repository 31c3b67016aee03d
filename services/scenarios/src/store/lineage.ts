import type { Knex, NamedStatement, ServiceDb } from '@crucible/database';
import { ancestorDistances } from '../domain/lineage-distances';

export interface LineageRow {
  hash: string;
  scenario_slug: string;
  /** As the reply gives it: ISO 8601 in UTC with milliseconds, as Date#toISOString writes it. */
  created_at: string;
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

/** A row of the lineage statement: a scenario found and one of its parent edges (none: nulls). */
interface EdgeRow {
  /** u: an ancestor, d: a descendant, s: the scenario itself. */
  side: 'u' | 'd' | 's';
  hash: string;
  distance: number;
  scenario_slug: string;
  created_at: string;
  /** bigint, as text. */
  derivation_id: string | null;
  parent_index: number | null;
  parent_hash: string | null;
}

/**
 * The walks and the nodes' data in one statement ($1 the scenario, $2
 * max_depth). Two recursive walks find the scenarios within max_depth steps
 * each way; edges back to the scenario itself are not followed (its own
 * cycle ends there). Each scenario found, and the scenario itself, is then
 * joined to its row and to its parent edges: a row per edge, one with nulls
 * for a scenario without parents. created_at is written by Postgres as
 * Date#toISOString writes it: milliseconds cut, not rounded, on both sides;
 * four-digit years, which every created_at set by now() has.
 *
 * One statement rather than a walk per direction and a query for the nodes:
 * on a 1,000-deep chain the three took 18 ms of SQL, this one 12 ms
 * (docs/services/scenarios.md#lineage).
 */
export function lineageStatement(db: ServiceDb): NamedStatement {
  const derivations = db.quotedTable('scenario_derivations');
  const parents = db.quotedTable('scenario_derivation_parents');
  return db.statement(
    'lineage',
    `with recursive up(hash, distance) as (
       select p.parent_hash, 1 from ${derivations} d join ${parents} p on p.derivation_id = d.id
        where d.child_hash = $1::text and p.parent_hash <> $1::text
       union
       select p.parent_hash, w.distance + 1
         from up w join ${derivations} d on d.child_hash = w.hash join ${parents} p on p.derivation_id = d.id
        where w.distance < $2::int and p.parent_hash <> $1::text),
     down(hash, distance) as (
       select d.child_hash, 1 from ${parents} p join ${derivations} d on d.id = p.derivation_id
        where p.parent_hash = $1::text and d.child_hash <> $1::text
       union
       select d.child_hash, w.distance + 1
         from down w join ${parents} p on p.parent_hash = w.hash join ${derivations} d on d.id = p.derivation_id
        where w.distance < $2::int and d.child_hash <> $1::text),
     found(side, hash, distance) as (
       select 'u', hash, min(distance)::int from up group by hash
       union all select 'd', hash, min(distance)::int from down group by hash
       union all select 's', $1::text, 0)
     select f.side, f.hash, f.distance, s.scenario_slug,
            to_char(s.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at,
            e.derivation_id, e.parent_index, e.parent_hash
       from found f join ${db.quotedTable('scenarios')} s on s.hash = f.hash
       left join (select d.child_hash, d.id as derivation_id, p.parent_index, p.parent_hash
                    from ${derivations} d join ${parents} p on p.derivation_id = d.id) e
         on e.child_hash = f.hash`,
  );
}

/**
 * Ancestors and descendants through derivation parent edges, each scenario
 * once (`lineageStatement`). A derivation graph can hold cycles: a fork may
 * recreate an ancestor's exact content (A forked to B, B forked back to A);
 * the walks are bounded by `maxDepth`, and a cycle costs at most `maxDepth`
 * rows of the walk. Distances are computed here on what was found
 * (`ancestorDistances`): the longest path for ancestors, with the edges that
 * close a cycle left out, the shortest for descendants. Returns undefined
 * when the scenario does not exist (for ScenarioStore.lineage).
 */
export async function readLineage(
  db: ServiceDb,
  statement: NamedStatement,
  hash: string,
  maxDepth: number,
  trx?: Knex.Transaction,
): Promise<Lineage | undefined> {
  const { self, up, down } = nodesOf(await db.run<EdgeRow>(statement, [hash, maxDepth], trx));
  if (!self) return undefined;
  const parentsOf = new Map<string, string[]>([[self.hash, self.parent_hashes]]);
  for (const node of up) parentsOf.set(node.hash, node.parent_hashes);
  const found = new Set(up.map((node) => node.hash));
  const longest = ancestorDistances(hash, found, (h) => parentsOf.get(h) ?? []);
  for (const node of up) node.distance = longest.get(node.hash) ?? node.distance;
  up.sort((a, b) => b.distance - a.distance || byTimeThenHash(a, b));
  down.sort((a, b) => a.distance - b.distance || byTimeThenHash(a, b));
  // Truncated: an ancestor's parent, or a descendant's child, was left out by max_depth.
  const reached = new Set([hash, ...found]);
  const lowest = down.filter((d) => d.distance === maxDepth).map((d) => d.hash);
  const truncated =
    up.some((a) => a.parent_hashes.some((p) => !reached.has(p))) ||
    (lowest.length > 0 &&
      (await hasChildrenOutside(db, lowest, [hash, ...down.map((d) => d.hash)], trx)));
  return { lineage: [...up, self], descendants: down, truncated };
}

/** A parent edge: its derivation's id and its index among that derivation's parents. */
type Edge = [derivationId: number, index: number, parent: string];

/**
 * The statement's rows as nodes, one per side and scenario (a scenario in a
 * cycle is both an ancestor and a descendant), with their parents in the
 * order first given (derivation, then index among its parents), each once.
 */
function nodesOf(rows: readonly EdgeRow[]): {
  self: LineageRow | undefined;
  up: LineageRow[];
  down: LineageRow[];
} {
  let self: LineageRow | undefined;
  const up: LineageRow[] = [];
  const down: LineageRow[] = [];
  const edges = new Map<LineageRow, Edge[]>();
  const seen = {
    u: new Map<string, LineageRow>(),
    d: new Map<string, LineageRow>(),
    s: new Map<string, LineageRow>(),
  };
  for (const row of rows) {
    const bySide = seen[row.side];
    let node = bySide.get(row.hash);
    if (node === undefined) {
      // Built field by field, in the reply's order: spreading pg rows was
      // most of this function's CPU in a profile on a 1,000-deep chain.
      node = {
        hash: row.hash,
        scenario_slug: row.scenario_slug,
        created_at: row.created_at,
        distance: row.distance,
        parent_hashes: [],
      };
      bySide.set(row.hash, node);
      if (row.side === 'u') up.push(node);
      else if (row.side === 'd') down.push(node);
      else self = node;
    }
    if (row.parent_hash === null) continue;
    const edge: Edge = [Number(row.derivation_id), row.parent_index ?? 0, row.parent_hash];
    const list = edges.get(node);
    if (list === undefined) edges.set(node, [edge]);
    else list.push(edge);
  }
  for (const [node, list] of edges) node.parent_hashes = parentsInOrder(list);
  return { self, up, down };
}

/** Parents by derivation, then index, each listed at its first edge. */
function parentsInOrder(edges: Edge[]): string[] {
  if (edges.length === 1) return [edges[0]![2]];
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return [...new Set(edges.map((edge) => edge[2]))];
}

function byTimeThenHash(a: LineageRow, b: LineageRow): number {
  return cmp(a.created_at, b.created_at) || cmp(a.hash, b.hash);
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
