// The scenario store, ours against the raw Postgres of its main query, in
// one run: assemble (inline, six entities; new and reused content), fork (one
// component changed), get by hash, list with two filters (three pairs,
// matching 22.5%, 2.5% and 0.1% of the store; first page and the cursor page
// after it) and lineage of a 1,000-deep chain (its tip's ancestors, its
// root's descendants). List and lineage are measured on a store of 10,000
// scenarios and again after it grew to 100,000: they must stay flat, and the
// growth rows (ours on 100k beside ours on 10k) say whether they do.
//
// Ours: the components, names and scenarios services in this process on real
// Postgres, NATS and Kafka, called over NATS with the RpcClient the gateway
// uses (request and reply checked against their schemas), one call at a
// time. NATS rather than HTTP because the gateway has its own bench: this one
// measures the service. Baseline: the operation's main SQL run raw with `pg`
// on the same database and the same parameters (read-cases.ts,
// raw-statements.ts); for an assembly or fork that stores new components,
// also the components service's statements for them, replayed as captured
// (components-replay.ts; timed alone in `detail.components_sql_p50_ms`).
// Latencies are client side, median and p99, after a warm-up, ours and
// baseline in alternating blocks.
//
// The store is seeded with SQL (seed-store.ts); the chain's root is
// assembled through the API and its 1,000 forks seeded with their real
// manifest hashes, and one real fork_scenario on the tip checks that the
// seeded chain is a working one. Saved in the results file only: for each
// list and lineage figure, every statement the operation issued timed raw
// (`detail.statement_<n>_raw_p50_ms`), and on the large store the EXPLAIN
// (ANALYZE, BUFFERS) of its main statement (`plan`).
import { randomBytes } from 'node:crypto';
import { testInfra } from '../support';
import type { Figure } from './figures';
import { explainQuery, type PlanSummary } from './scenarios/explain';
import {
  latencyFigures,
  measureOne,
  measurePair,
  overheadFigure,
  overWalkFigure,
  stats,
  type Pair,
} from './scenarios/measure';
import { startBenchPlatform, type BenchPlatform } from './scenarios/platform';
import { lineageCases, listCases } from './scenarios/read-cases';
import { readFigures, type ReadResult } from './scenarios/read-figures';
import { inlineAssembly } from './scenarios/requests';
import { startRoundTrips, type RoundTrips } from './scenarios/round-trips';
import { countScenarios, seedBulk, seedChain, vacuumAnalyze } from './scenarios/seed-store';
import { writeCases } from './scenarios/write-cases';

/** Knobs; the defaults take about two minutes on two cores. */
export interface ScenariosBenchOptions {
  /** Scenarios in the store at the first and the second measurement of list and lineage. */
  smallStore?: number;
  largeStore?: number;
  /** Forks below the chain's root. */
  chainDepth?: number;
  pageLimit?: number;
  warmup?: number;
  rounds?: number;
  writeIterations?: number;
  getIterations?: number;
  listIterations?: number;
  lineageIterations?: number;
  log?: (line: string) => void;
}

export const SCENARIOS_BENCH_DEFAULTS = {
  smallStore: 10_000,
  largeStore: 100_000,
  chainDepth: 1_000,
  pageLimit: 50,
  warmup: 10,
  rounds: 4,
  writeIterations: 120,
  getIterations: 200,
  listIterations: 150,
  lineageIterations: 60,
} as const;

type Settings = Required<ScenariosBenchOptions>;

/** Seeds, measures and cleans up (database dropped, services stopped) whatever happens. */
export async function benchScenarios(options: ScenariosBenchOptions = {}): Promise<Figure[]> {
  const settings: Settings = {
    ...SCENARIOS_BENCH_DEFAULTS,
    log: (line) => console.error(`[scenarios] ${line}`),
    // An option given as undefined keeps its default.
    ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)),
  };
  const platform = await startBenchPlatform();
  let failed = false;
  try {
    return await run(platform, settings);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    await platform.stop().catch((error: unknown) => {
      settings.log(String(error));
      if (!failed) throw error;
    });
  }
}

async function run(platform: BenchPlatform, settings: Settings): Promise<Figure[]> {
  const { log } = settings;
  const { seedPg } = platform;
  const tag = randomBytes(4).toString('hex');
  const started = Date.now();
  const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`;

  // Bulk row i is created at base + i s, the chain within the first rows' span:
  // growing the store adds newer scenarios, as it would in use.
  const base = new Date(Math.floor(Date.now() / 1000 - settings.largeStore - 86_400) * 1000);
  const chainRef = await seedAssembledChain(platform, tag, settings.chainDepth, base);
  const smallBulk = settings.smallStore - (settings.chainDepth + 1);
  await seedBulk(seedPg, 0, smallBulk, base);
  await vacuumAnalyze(seedPg);
  const small = await countScenarios(seedPg);
  log(`seeded ${small} scenarios (chain of ${settings.chainDepth}) in ${elapsed()}`);

  const smallReads = {
    scenarios: small,
    results: await measureReads(platform, settings, chainRef),
  };
  log(`reads on ${small}: done at ${elapsed()}`);

  await seedBulk(seedPg, smallBulk, smallBulk + settings.largeStore - settings.smallStore, base);
  await vacuumAnalyze(seedPg);
  const large = await countScenarios(seedPg);
  log(`grew to ${large} scenarios at ${elapsed()}`);
  const largeReads = {
    scenarios: large,
    results: await measureReads(platform, settings, chainRef),
  };
  const plans = new Map<string, PlanSummary>();
  for (const { readCase } of largeReads.results)
    plans.set(readCase.name, await explainQuery(seedPg, readCase.query));
  log(`reads on ${large}: done at ${elapsed()}`);

  await checkRealForkOnTip(platform, chainRef.tip, settings.chainDepth);

  const writeFigures: Figure[] = [];
  const overheads: Figure[] = [];
  const roundTrips = await startRoundTrips(testInfra().natsUrl, `bench-rt-${tag}`);
  try {
    for (const writeCase of await writeCases(platform, tag)) {
      const iterations =
        writeCase.name === 'get.by_hash' ? settings.getIterations : settings.writeIterations;
      await writeCase.prepare?.(settings.warmup + iterations);
      const pair = await measurePair(writeCase.ours, writeCase.baseline, {
        warmup: settings.warmup,
        iterations,
        rounds: settings.rounds,
      });
      writeFigures.push(
        ...latencyFigures(`scenarios.${writeCase.name}`, pair, { store_scenarios: large }),
      );
      // The components service's share of the floor, timed alone just after the pair.
      const components = writeCase.components;
      const detail: Record<string, number> =
        components === undefined
          ? {}
          : {
              components_statements: components.statements,
              components_sql_p50_ms: stats(
                await measureOne(() => components.run(platform.pg), 3, 20),
              ).p50,
            };
      overheads.push(
        await overhead(
          roundTrips,
          `scenarios.${writeCase.name}`,
          pair,
          writeCase.roundTrips,
          detail,
        ),
      );
    }
    // Lineage needs one round trip, carrying its large reply.
    for (const { readCase, pair } of largeReads.results.filter((r) =>
      r.readCase.name.startsWith('lineage.'),
    )) {
      const name = `scenarios.${readCase.name}`;
      const trip = {
        p50Ms: await roundTrips.p50(readCase.replyBytes),
        replyBytes: readCase.replyBytes,
      };
      overheads.push(overheadFigure(name, pair, { count: 1, ...trip }));
      // Beside the walk alone (no target), measured just after the pair.
      if (readCase.walk)
        overheads.push(
          overWalkFigure(name, pair, stats(await measureOne(readCase.walk, 5, 40)).p50, trip),
        );
    }
  } finally {
    await roundTrips.stop();
  }
  log(`writes and gets: done at ${elapsed()}`);
  return [...writeFigures, ...readFigures(smallReads, largeReads, plans), ...overheads];
}

// A write's or get's reply is a few KB; the round trips are measured with 4 KB replies.
const SMALL_REPLY_BYTES = 4_096;

async function overhead(
  roundTrips: RoundTrips,
  name: string,
  pair: Pair,
  count: number,
  detail: Record<string, number>,
): Promise<Figure> {
  const p50Ms = await roundTrips.p50(SMALL_REPLY_BYTES);
  return overheadFigure(name, pair, { count, p50Ms, replyBytes: SMALL_REPLY_BYTES }, detail);
}

async function measureReads(
  platform: BenchPlatform,
  settings: Settings,
  chain: { root: string; tip: string; depth: number },
): Promise<ReadResult[]> {
  const cases = [
    ...(await listCases(platform, settings.pageLimit)),
    ...(await lineageCases(platform, chain)),
  ];
  const results: ReadResult[] = [];
  for (const readCase of cases) {
    const iterations = readCase.name.startsWith('lineage.')
      ? settings.lineageIterations
      : settings.listIterations;
    const pair = await measurePair(readCase.ours, readCase.baseline, {
      warmup: settings.warmup,
      iterations,
      rounds: settings.rounds,
    });
    // Where ours spends its time: each of its statements run raw, in issue order.
    const statementsP50: number[] = [];
    for (const q of readCase.statements) {
      const samples = await measureOne(() => platform.pg.query(q.sql, [...q.bindings]), 3, 20);
      statementsP50.push(stats(samples).p50);
    }
    results.push({ readCase, pair, statementsP50 });
  }
  return results;
}

/**
 * The chain's root assembled through the API (its components exist, so a
 * real fork can follow), dated just before `base`, then `depth` forks below
 * it seeded with SQL, one every 9 s from `base`.
 */
async function seedAssembledChain(
  platform: BenchPlatform,
  tag: string,
  depth: number,
  base: Date,
): Promise<{ root: string; tip: string; depth: number }> {
  const { seedPg, rpc } = platform;
  const request = inlineAssembly(`${tag}-chain-root`);
  const root = await rpc.call('assemble_scenario', request);
  await seedPg.query(`update scenarios.scenarios set created_at = $2 where hash = $1`, [
    root.scenario_hash,
    new Date(base.getTime() - 1000),
  ]);
  const chain = await seedChain(
    seedPg,
    {
      hash: root.scenario_hash,
      scenario_slug: request.scenario_slug,
      description: request.description,
      chronon_seconds: request.chronon_seconds,
      cognition_profile_hashes: root.cognition_profile_hashes,
      environment_hashes: root.environment_hashes,
      entity_hashes: root.entity_hashes,
    },
    depth,
    base,
    9_000,
  );
  const tip = chain[chain.length - 1];
  if (tip === undefined) throw new Error('the chain has no nodes');
  return { root: root.scenario_hash, tip, depth };
}

/** The seeded chain is a real one: a fork of its tip through the API has it all as ancestors. */
async function checkRealForkOnTip(
  platform: BenchPlatform,
  tip: string,
  depth: number,
): Promise<void> {
  const { rpc } = platform;
  const fork = await rpc.call('fork_scenario', {
    primary_parent: { hash: tip },
    changes: { description: 'A real fork on top of the seeded chain.' },
    operator: 'bench',
  });
  const lineage = await rpc.call('lineage_of', { hash: fork.scenario_hash });
  // The root, its `depth` forks, then the new one.
  if (!fork.was_new_scenario || lineage.lineage.length !== depth + 2 || lineage.truncated)
    throw new Error(
      `a fork of the chain's tip has ${lineage.lineage.length - 1} ancestors, expected ${depth + 1}`,
    );
}
