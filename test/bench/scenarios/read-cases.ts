// list_scenarios and lineage_of, each beside its main query run raw: the very
// statement the service issued for the same request (captured on its knex),
// so the baseline is the store's SQL with the same parameters and nothing
// around it.
import type { ListScenariosRequest, ScenarioFilter } from '@crucible/contracts';
import type { BenchPlatform } from './platform';
import { captureQueries, type CapturedQuery } from './captured-query';
import type { Call } from './measure';
import { SEEDED } from './seed-store';

/** One read measured at each store size. */
export interface ReadCase {
  /** e.g. `list.selective.first_page`, `lineage.tip_ancestors`. */
  name: string;
  ours: Call;
  baseline: Call;
  /** The baseline statement (EXPLAINed on the large store). */
  query: CapturedQuery;
  /** Rows the operation returned (scenarios listed, lineage nodes). */
  rows: number;
  /** Every statement the call issued on the scenarios schema, the baseline's included. */
  statements: CapturedQuery[];
  /** Size of the reply's result as JSON (what its round trip carries). */
  replyBytes: number;
  /**
   * lineage only: the recursive walk that finds the scenarios, alone (no
   * rows or parents of the scenarios found), prepared. The floor until
   * lineage_of ran one statement; printed beside it, with no target.
   */
  walk?: Call;
}

/**
 * The walk of lineage_of's statement in one direction, on its own: the
 * scenarios within $2 steps of $1 with their shortest distance.
 */
function walkSql(side: 'lineage' | 'descendants'): string {
  const step =
    side === 'lineage'
      ? {
          first: `select p.parent_hash, 1 from scenarios.scenario_derivations d
                    join scenarios.scenario_derivation_parents p on p.derivation_id = d.id
                   where d.child_hash = $1::text and p.parent_hash <> $1::text`,
          next: `select p.parent_hash, w.distance + 1 from walk w
                   join scenarios.scenario_derivations d on d.child_hash = w.hash
                   join scenarios.scenario_derivation_parents p on p.derivation_id = d.id
                  where w.distance < $2::int and p.parent_hash <> $1::text`,
        }
      : {
          first: `select d.child_hash, 1 from scenarios.scenario_derivation_parents p
                    join scenarios.scenario_derivations d on d.id = p.derivation_id
                   where p.parent_hash = $1::text and d.child_hash <> $1::text`,
          next: `select d.child_hash, w.distance + 1 from walk w
                   join scenarios.scenario_derivation_parents p on p.parent_hash = w.hash
                   join scenarios.scenario_derivations d on d.id = p.derivation_id
                  where w.distance < $2::int and d.child_hash <> $1::text`,
        };
  return `with recursive walk(hash, distance) as (${step.first} union ${step.next})
          select hash, min(distance)::int as distance from walk group by hash`;
}

// Statements of the operation itself, not of the relays and consumers sharing the knex.
function operationStatements(queries: readonly CapturedQuery[]): CapturedQuery[] {
  return queries.filter(
    (q) => q.sql.includes('"scenarios".') && !/outbox|processed_events/.test(q.sql),
  );
}

// Two conditions each. On the bulk data: 90% have no parents and a quarter
// bind the common environment (22.5% match), 10% have parents (2.5% match),
// 1% bind the entity (0.1% match: fewer than a page on 10k).
export const LIST_FILTERS: ReadonlyArray<{ name: string; filter: ScenarioFilter }> = [
  {
    name: 'unselective',
    filter: { has_parents: false, uses_environment_hash: SEEDED.commonEnvironmentHash },
  },
  {
    name: 'selective',
    filter: { has_parents: true, uses_environment_hash: SEEDED.commonEnvironmentHash },
  },
  {
    name: 'rare',
    filter: { has_parents: true, uses_entity_hash: SEEDED.onePercentEntityHash },
  },
];

/** A first page per filter, and the page after it when there is one. */
export async function listCases(platform: BenchPlatform, limit: number): Promise<ReadCase[]> {
  const cases: ReadCase[] = [];
  for (const { name, filter } of LIST_FILTERS) {
    const first = await listCase(platform, `list.${name}.first_page`, { filter, page: { limit } });
    cases.push(first.case);
    if (first.nextCursor !== null) {
      const next = await listCase(platform, `list.${name}.cursor_page`, {
        filter,
        page: { limit, cursor: first.nextCursor },
      });
      cases.push(next.case);
    }
  }
  return cases;
}

async function listCase(
  platform: BenchPlatform,
  name: string,
  request: ListScenariosRequest,
): Promise<{ case: ReadCase; nextCursor: string | null }> {
  const { rpc, pg } = platform;
  const { result: reply, queries } = await captureQueries(() =>
    rpc.call('list_scenarios', request),
  );
  // The one statement of store/scenario-list.ts: newest first (by the scenario's or its use's copy).
  const matching = queries.filter((q) => /order by [su]\.created_at desc/i.test(q.sql));
  const query = matching[0];
  if (matching.length !== 1 || query === undefined)
    throw new Error(`${name}: expected one list statement, saw ${matching.length}`);
  const raw = await pg.query<{ hash: string }>(query.sql, [...query.bindings]);
  const ours = reply.scenarios.map((s) => s.hash).join();
  if (raw.rows.map((r) => r.hash).join() !== ours)
    throw new Error(`${name}: the raw statement lists other scenarios than the service`);
  return {
    case: {
      name,
      ours: () => rpc.call('list_scenarios', request),
      baseline: () => pg.query(query.sql, [...query.bindings]),
      query,
      rows: reply.scenarios.length,
      statements: operationStatements(queries),
      replyBytes: Buffer.byteLength(JSON.stringify(reply)),
    },
    nextCursor: reply.next_cursor,
  };
}

/**
 * lineage_of the chain's tip (its ancestors) and root (its descendants); the
 * baseline is the statement lineage_of runs, raw: the two recursive walks
 * that find the scenarios and the join to their rows and parent edges, one
 * statement (store/lineage.ts).
 */
export async function lineageCases(
  platform: BenchPlatform,
  chain: { root: string; tip: string; depth: number },
): Promise<ReadCase[]> {
  const cases: ReadCase[] = [];
  for (const [name, hash, side] of [
    ['lineage.tip_ancestors', chain.tip, 'lineage'],
    ['lineage.root_descendants', chain.root, 'descendants'],
  ] as const) {
    const { rpc, pg } = platform;
    const { result: reply, queries } = await captureQueries(() => rpc.call('lineage_of', { hash }));
    const found = side === 'lineage' ? reply.lineage.length - 1 : reply.descendants.length;
    if (found !== chain.depth)
      throw new Error(`${name}: expected ${chain.depth} ${side} nodes, got ${found}`);
    const walks = queries.filter((q) => /with recursive/i.test(q.sql));
    const query = walks[0];
    if (walks.length !== 1 || query === undefined)
      throw new Error(`${name}: expected one lineage statement, saw ${walks.length}`);
    // Prepared once, as the service runs it (a named statement): planning
    // this statement is about a millisecond, which the service does not pay.
    const baseline = () =>
      pg.query({ name: `bench.${name}`, text: query.sql, values: [...query.bindings] });
    // A row per parent edge of each scenario found (the root has none: one row).
    const rows = (await baseline()).rows.length;
    if (rows !== chain.depth + 1)
      throw new Error(
        `${name}: the lineage statement returned ${rows} rows, not ${chain.depth + 1}`,
      );
    const walkQuery = { name: `bench.${name}.walk`, text: walkSql(side), values: [hash, 10_000] };
    const walk = () => pg.query(walkQuery);
    const walked = (await walk()).rows.length;
    if (walked !== chain.depth)
      throw new Error(`${name}: the walk alone found ${walked} scenarios, not ${chain.depth}`);
    cases.push({
      name,
      ours: () => rpc.call('lineage_of', { hash }),
      baseline,
      walk,
      query,
      rows: found,
      statements: operationStatements(queries),
      replyBytes: Buffer.byteLength(JSON.stringify(reply)),
    });
  }
  return cases;
}
