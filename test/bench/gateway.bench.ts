// Put and get through our gateway against a bare pipeline built from raw
// parts, on the same Postgres, NATS (and machine), measured in one run.
//
// Topology. Both pipelines have the same hops: HTTP front -> NATS request ->
// worker -> one Postgres statement (ours also writes its outbox row in that
// statement, and its relay publishes to Kafka). By default each front and
// worker is a process of its own: ours is `node services/<name>/dist/main.js`
// exactly as deployed, and the bare pipeline is `bare-process.js
// front|worker`. That is the default because it is what runs in production:
// in-process (`--topology in-process`, or `both`) starts ours the way the
// integration tests do, without the OpenTelemetry SDK that main.ts installs,
// and with gateway and service sharing one event loop; it hides a cost every
// deployment pays (measured: about 40% of our gateway's CPU per get).
//
// Load. A child process (load-client.ts says why), keep-alive node:http
// sockets (maxSockets = concurrency), `concurrency` loops each with one
// request in flight, for a warm-up and then a fixed window; each side in
// alternating rounds. Throughput: successful requests completed in the
// window per second. Latency: per request, client side. CPU per request:
// from /proc, per process group (cpu-accounting.ts), so a missed target
// comes with where the time went.
import { Client } from 'pg';
import { streamTopic } from '@crucible/contracts';
import { createTestDatabase, deleteKafkaTopics, testInfra, uniqueName } from '../support';
import type { Figure } from './figures';
import { cpuSnapshot, pidListeningOn } from './gateway/cpu-accounting';
import { bareSchemaSql } from './gateway/bare-pipeline-config';
import { LoadGenerator } from './gateway/load-client';
import { startBarePipeline, startOurPipeline, type Topology } from './gateway/pipelines';
import { cpuPerRequest, otherCores, scenarioFigures } from './gateway/scenario-figures';
import { runScenario, type Scenario, type SideTotals } from './gateway/scenario-runner';
import { seedContents } from './gateway/seed-contents';
import { environmentText } from './gateway/workload';

export type { Topology } from './gateway/pipelines';

/** Knobs; the defaults take about a minute per topology. */
export interface GatewayBenchOptions {
  topologies?: readonly Topology[];
  /** Warm-up before each round, per side. */
  warmupMs?: number;
  /** Measured time per side and scenario, split over the rounds. */
  measureMs?: number;
  rounds?: number;
  /** Contents put before the gets, and cycled over by them. */
  seedCount?: number;
  /** Size of each environment text put. */
  contentBytes?: number;
  /** Only these scenarios, e.g. `put_new.c50` (default: all). */
  scenarios?: readonly string[];
  /** Processes topology: each child writes a V8 CPU profile under this folder. */
  cpuProfileDir?: string;
  /** Progress lines. */
  log?: (line: string) => void;
}

/**
 * What a run uses unless told otherwise (saved with the results). Ten short
 * rounds a side rather than four long ones: this 2-core VM has slow spells of
 * a second or two that slow every process alike (seen: all CPU per request,
 * the load client's too, up 40% for one round), and a spell falls on one side's
 * round; more alternations spread it over both. Same total time as before.
 */
export const GATEWAY_BENCH_DEFAULTS = {
  warmupMs: 250,
  measureMs: 5_000,
  rounds: 10,
  seedCount: 500,
  contentBytes: 2_048,
} as const;

const SCENARIOS: readonly Scenario[] = [
  { name: 'put_new', concurrency: 1 },
  { name: 'put_new', concurrency: 50 },
  { name: 'get_repeated', concurrency: 1 },
  { name: 'get_repeated', concurrency: 50 },
];

const BARE_SCHEMA = 'bare';
// Ours runs with DATABASE_POOL_MAX's default; the bare pool gets the same.
const POOL_MAX = 10;

/**
 * For each topology and scenario (put of new content and repeated get by
 * hash, at concurrency 1 and 50): throughput, median and p99 latency and CPU
 * per request, ours / bare. Everything it starts (database, processes,
 * Kafka topic) is removed before it returns or throws.
 */
export async function benchGateway(options: GatewayBenchOptions = {}): Promise<Figure[]> {
  const settings = {
    topologies: options.topologies ?? ['processes'],
    warmupMs: options.warmupMs ?? GATEWAY_BENCH_DEFAULTS.warmupMs,
    measureMs: options.measureMs ?? GATEWAY_BENCH_DEFAULTS.measureMs,
    rounds: options.rounds ?? GATEWAY_BENCH_DEFAULTS.rounds,
    seedCount: options.seedCount ?? GATEWAY_BENCH_DEFAULTS.seedCount,
    contentBytes: options.contentBytes ?? GATEWAY_BENCH_DEFAULTS.contentBytes,
    scenarios: options.scenarios ?? SCENARIOS.map(scenarioId),
    cpuProfileDir: options.cpuProfileDir ?? '',
    log: options.log ?? ((line: string) => console.error(line)),
  };
  const unknown = settings.scenarios.filter((id) => !SCENARIOS.some((s) => scenarioId(s) === id));
  if (unknown.length > 0) {
    throw new Error(
      `unknown scenario ${unknown.join(', ')}; there are ${SCENARIOS.map(scenarioId).join(', ')}`,
    );
  }
  const figures: Figure[] = [];
  for (const topology of settings.topologies)
    figures.push(...(await benchTopology(topology, settings)));
  return figures;
}

type Settings = Required<GatewayBenchOptions>;

function scenarioId(scenario: Scenario): string {
  return `${scenario.name}.c${scenario.concurrency}`;
}

async function benchTopology(topology: Topology, settings: Settings): Promise<Figure[]> {
  const servers = testInfra();
  const log = (line: string): void => settings.log(`[gateway ${topology}] ${line}`);
  // Undone in reverse order, whatever happens; each step runs even if an earlier one failed.
  const undo: Array<[string, () => Promise<void>]> = [];
  let failed = false;
  try {
    const database = await createTestDatabase();
    undo.push(['drop the test database', () => database.drop()]);
    const prefix = uniqueName('bench');
    undo.push([
      'delete the Kafka topic',
      () => deleteKafkaTopics(servers.kafkaBrokers, [streamTopic(prefix, 'components')]),
    ]);
    const db = new Client({ connectionString: database.url });
    await db.connect();
    undo.push(['close the database client', () => db.end()]);
    await db.query(bareSchemaSql(BARE_SCHEMA));

    const shared = {
      databaseUrl: database.url,
      natsUrl: servers.natsUrl,
      kafkaBrokers: servers.kafkaBrokers,
    };
    const processOptions =
      settings.cpuProfileDir === '' ? {} : { cpuProfileDir: settings.cpuProfileDir };
    const ours = await startOurPipeline(topology, shared, prefix, processOptions);
    undo.push(['stop our pipeline', () => ours.stop()]);
    const bare = await startBarePipeline(
      topology,
      {
        natsUrl: servers.natsUrl,
        databaseUrl: database.url,
        schema: BARE_SCHEMA,
        subjectPrefix: uniqueName('bare'),
        poolMax: POOL_MAX,
      },
      processOptions,
    );
    undo.push(['stop the bare pipeline', () => bare.stop()]);
    const load = await LoadGenerator.start();
    undo.push(['stop the load generator', () => load.stop()]);
    log(`ours at ${ours.url}, bare at ${bare.url}`);

    const baseText = environmentText(settings.contentBytes);
    const hashes = await seedContents(ours.url, baseText, settings.seedCount);
    const bareHashes = await seedContents(bare.url, baseText, settings.seedCount);
    if (hashes.join() !== bareHashes.join())
      throw new Error('the two pipelines hash the same texts differently');
    log(`seeded ${hashes.length} environments on each side; answers agree`);

    const cpuMeasured = cpuSnapshot().size > 0;
    const kafkaPort = Number(servers.kafkaBrokers[0]?.split(':')[1]);
    const kafkaPid =
      cpuMeasured && Number.isInteger(kafkaPort) ? pidListeningOn(kafkaPort) : undefined;
    const figures: Figure[] = [];
    for (const scenario of SCENARIOS.filter((s) => settings.scenarios.includes(scenarioId(s)))) {
      const totals = await runScenario(scenario, {
        load,
        pipelines: { ours, bare },
        db,
        kafkaPid,
        baseText,
        hashes,
        warmupMs: settings.warmupMs,
        measureMs: settings.measureMs,
        rounds: settings.rounds,
      });
      const scenarioFigs = scenarioFigures(
        topology,
        scenario,
        totals.ours,
        totals.bare,
        cpuMeasured,
      );
      figures.push(...scenarioFigs);
      log(describe(scenario, totals, cpuMeasured));
    }
    return figures;
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    const problems: string[] = [];
    for (const [what, step] of undo.reverse()) {
      await step().catch((error: unknown) => problems.push(`${what}: ${String(error)}`));
    }
    if (problems.length > 0) {
      log(`clean-up problems:\n  ${problems.join('\n  ')}`);
      // eslint-disable-next-line no-unsafe-finally -- a failed clean-up is an error of the run, unless one is already on its way
      if (!failed) throw new Error(`gateway bench clean-up failed: ${problems.join('; ')}`);
    }
  }
}

function describe(
  scenario: Scenario,
  totals: Record<'ours' | 'bare', SideTotals>,
  cpuMeasured: boolean,
): string {
  const side = (t: SideTotals): string => {
    const rate = t.requests / (t.windowMs / 1000);
    const cpu = cpuMeasured ? cpuPerRequest(t) : undefined;
    const groups = cpu
      ? ` | cpu us/req ${Math.round(cpu.total)}: ${Object.entries(cpu.groups)
          .map(([group, us]) => `${group} ${us}`)
          .join(', ')}`
      : '';
    return `${Math.round(rate)} req/s${groups}`;
  };
  const noise = Math.max(otherCores(totals.ours), otherCores(totals.bare));
  // Unrelated processes busy on the machine make every figure of the scenario doubtful.
  const warning =
    cpuMeasured && noise > 0.1
      ? `\n  WARNING: other processes used ${noise.toFixed(2)} cores meanwhile`
      : '';
  return `${scenario.name} c=${scenario.concurrency}\n  ours ${side(totals.ours)}\n  bare ${side(totals.bare)}${warning}`;
}
