import { performance } from 'node:perf_hooks';
import type { Client } from 'pg';
import { cpuSnapshot, cpuUsedBetween } from './cpu-accounting';
import type { LoadGenerator } from './load-client';
import type { LoadResult, Workload } from './load-protocol';
import type { RunningPipeline } from './pipelines';
import { ENVIRONMENTS_PATH } from './workload';

export type ScenarioName = 'put_new' | 'get_repeated';

export interface Scenario {
  name: ScenarioName;
  concurrency: number;
}

export type Side = 'ours' | 'bare';

/** One side's measurements of a scenario, summed over its rounds. */
export interface SideTotals {
  requests: number;
  completed: number;
  windowMs: number;
  latenciesMs: Float64Array[];
  roundRates: number[];
  /** CPU seconds by process group (see cpuUsedBetween). */
  cpuSeconds: Map<string, number>;
  /** Wall time of the rounds, warm-ups included (the span the CPU figures cover). */
  wallSeconds: number;
  /** Largest number of unpublished outbox rows left when a round ended (ours, puts). */
  outboxBacklog: number;
}

export interface ScenarioContext {
  load: LoadGenerator;
  pipelines: Record<Side, RunningPipeline>;
  /** A connection to the test database, to watch our outbox and tell our Postgres backends from others'. */
  db: Client;
  /** This run's Kafka broker, when found, so that other JVMs on the machine are not counted as it. */
  kafkaPid: number | undefined;
  baseText: string;
  hashes: readonly string[];
  warmupMs: number;
  measureMs: number;
  rounds: number;
}

/**
 * Runs a scenario on both sides in alternating rounds (ours first in even
 * rounds, the bare pipeline first in odd ones), so drift on the machine
 * (Postgres checkpoints and autovacuum, Kafka's GC, a growing table) falls on
 * both alike. After a put round of ours, waits for the outbox relay to
 * publish what the round wrote, so its backlog does not run into the next
 * measurement (the backlog left is reported).
 */
export async function runScenario(
  scenario: Scenario,
  context: ScenarioContext,
): Promise<Record<Side, SideTotals>> {
  const totals: Record<Side, SideTotals> = { ours: emptyTotals(), bare: emptyTotals() };
  const roundMs = Math.round(context.measureMs / context.rounds);
  for (let round = 0; round < context.rounds; round++) {
    const order: Side[] = round % 2 === 0 ? ['ours', 'bare'] : ['bare', 'ours'];
    for (const side of order) {
      const roles = new Map(context.pipelines[side].roles);
      roles.set(context.load.pid ?? -1, 'client');
      if (context.kafkaPid !== undefined) roles.set(context.kafkaPid, 'kafka');
      if (!roles.has(process.pid)) roles.set(process.pid, 'bench');
      const before = cpuSnapshot();
      const startedAt = performance.now();
      const result = await context.load.run({
        baseUrl: context.pipelines[side].url,
        concurrency: scenario.concurrency,
        warmupMs: context.warmupMs,
        measureMs: roundMs,
        workload: workloadOf(scenario, side, context),
      });
      const after = cpuSnapshot();
      const wallSeconds = (performance.now() - startedAt) / 1000;
      for (const pid of await otherDatabasesBackends(context.db)) roles.set(pid, 'other');
      const cpu = cpuUsedBetween(before, after, roles);
      if (result.errors > 0) {
        throw new Error(
          `${side} ${scenario.name} c=${scenario.concurrency}: ${result.errors} failed requests, the first: ${result.firstError ?? '?'}`,
        );
      }
      add(totals[side], result, cpu, wallSeconds);
      if (side === 'ours' && scenario.name === 'put_new') {
        totals.ours.outboxBacklog = Math.max(
          totals.ours.outboxBacklog,
          await unpublished(context.db),
        );
        await waitForEmptyOutbox(context.db);
      }
    }
  }
  return totals;
}

function workloadOf(scenario: Scenario, side: Side, context: ScenarioContext): Workload {
  switch (scenario.name) {
    case 'put_new':
      return {
        kind: 'put',
        path: ENVIRONMENTS_PATH,
        baseText: context.baseText,
        series: `${side}-c${scenario.concurrency}`,
      };
    case 'get_repeated':
      return { kind: 'get', path: ENVIRONMENTS_PATH, hashes: context.hashes };
  }
}

function emptyTotals(): SideTotals {
  return {
    requests: 0,
    completed: 0,
    windowMs: 0,
    latenciesMs: [],
    roundRates: [],
    cpuSeconds: new Map(),
    wallSeconds: 0,
    outboxBacklog: 0,
  };
}

function add(
  totals: SideTotals,
  result: LoadResult,
  cpu: ReadonlyMap<string, number>,
  wallSeconds: number,
): void {
  totals.wallSeconds += wallSeconds;
  totals.requests += result.requests;
  totals.completed += result.completed;
  totals.windowMs += result.windowMs;
  totals.latenciesMs.push(result.latenciesMs);
  totals.roundRates.push(result.requests / (result.windowMs / 1000));
  for (const [group, seconds] of cpu)
    totals.cpuSeconds.set(group, (totals.cpuSeconds.get(group) ?? 0) + seconds);
}

/** Postgres backends serving other databases (another run's tests, say): not our pipelines' work. */
async function otherDatabasesBackends(db: Client): Promise<number[]> {
  const result = await db.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname is not null and datname <> current_database()',
  );
  return result.rows.map((row) => row.pid);
}

async function unpublished(db: Client): Promise<number> {
  const result = await db.query<{ n: number }>(
    'select count(*)::int as n from components.outbox_pending',
  );
  return result.rows[0]?.n ?? 0;
}

async function waitForEmptyOutbox(db: Client, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await unpublished(db)) > 0) {
    if (Date.now() > deadline)
      throw new Error(`the outbox relay did not catch up within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
