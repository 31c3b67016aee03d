// The worlds service, each figure beside a baseline from the same run:
//
// - kernel overhead per agent-turn (offline mind) at 1, 10 and 100 agents:
//   a turn's wall time (run_turn to committed, client side) per agent, the
//   median of at least five turns and 40 agent-turns, after 200 agent-turns
//   on another world of the same size (JIT warm-up) and warm-up turns of its
//   own, beside the same number of rows the turn commits written raw with
//   `pg` in one transaction, per agent (after five untimed); at 1 agent also
//   beside the floor of the turn's chain of hops (worlds/turn-floor.ts);
// - LLM-bound turns: the scripted server answers every call after 50 ms,
//   from a process of its own as a model server would (its HTTP work never
//   on the timed services' event loop); a turn's wall time beside the time
//   the server held a call (the union of the calls' intervals from a
//   request's arrival to its answer's last byte: what the turn cannot
//   beat), the median of seven turns at 1 agent, three at 10, one at 100,
//   after warm-up turns (the first one logged), both engines,
//   at 1, 10 and 100 agents (100 only for the simultaneous engine, whose
//   calls overlap: sequentially it is 15 s of waiting per turn);
// - fork_world at turn 1000 beside fork_world at turn 10, alternating (turns
//   seeded with SQL: the fork reads none of them);
// - replay: agent-turns per second of replay_world beside the same turns run
//   by run_turn with the offline mind.
//
// Before each turn figure the platform is let settle (quiesce): the worlds
// relay has published what the turns before committed, then 250 ms more,
// so no figure pays for work the one before left running (publishing,
// consumers, garbage collection).
import { performance } from 'node:perf_hooks';
import { startGovernanceService } from '@crucible/governance';
import { startWorldsService, DEFAULT_WORLDS_SETTINGS } from '@crucible/worlds';
import type { Stoppable } from '@crucible/runtime';
import { ADJUDICATION_SCHEMA } from '../scenarios/fixtures';
import { testInfra } from '../support';
import type { Figure } from './figures';
import { startBenchPlatform, type BenchPlatform } from './scenarios/platform';
import { stats } from './scenarios/measure';
import { countPgQueries, pgQueries } from './query-counter';
import { SCRIPTED_ADJUDICATION } from './worlds/scripted-llm-child';
import { startScriptedLlmProcess, type ScriptedLlmProcess } from './worlds/scripted-llm-process';
import { turnFloorMs } from './worlds/turn-floor';

export interface WorldsBenchOptions {
  agentCounts?: readonly number[];
  turnsPerSize?: number;
  llmDelayMs?: number;
  forkIterations?: number;
  replayTurns?: number;
  log?: (line: string) => void;
}

export const WORLDS_BENCH_DEFAULTS = {
  agentCounts: [1, 10, 100],
  turnsPerSize: 5,
  llmDelayMs: 50,
  forkIterations: 60,
  replayTurns: 10,
} as const;

type Settings = Required<WorldsBenchOptions>;

/** A scenario of `agents` agents spread over ten rooms (so no perception lists them all). */
function scenario(agents: number, tag: string): Record<string, unknown> {
  const rooms = Math.min(10, agents);
  return {
    scenario_slug: `bench_${tag}`,
    description: `${agents} agents`,
    chronon_seconds: 60,
    cognition_profiles: {
      worker: {
        inline: {
          perceive_system: { inline: 'Describe what the agent perceives.' },
          intend_system: { inline: 'State one action the agent attempts.' },
          adjudicate_system: { inline: 'Decide what happens. Return JSON only.' },
          adjudication_schema: { inline: ADJUDICATION_SCHEMA },
          adjudication_retry_budget: 1,
        },
      },
    },
    environments: Object.fromEntries(
      Array.from({ length: rooms }, (_, r) => [`room${r}`, { inline: `Room ${r} of ${tag}.` }]),
    ),
    entities: Array.from({ length: agents }, (_, i) => ({
      inline: {
        id: `a${String(i).padStart(3, '0')}`,
        name: `Agent ${i}`,
        state: 'Idle.',
        environment: `room${i % rooms}`,
        kind: { agent: { goal: 'Keep busy.', cognition_profile: 'worker' } },
      },
    })),
  };
}

/** Starts, measures, and stops everything whatever happens. */
export async function benchWorlds(options: WorldsBenchOptions = {}): Promise<Figure[]> {
  const settings: Settings = {
    ...WORLDS_BENCH_DEFAULTS,
    log: (line) => console.error(`[worlds] ${line}`),
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  };
  countPgQueries();
  const platform = await startBenchPlatform();
  let worlds: Stoppable | undefined;
  let governance: Stoppable | undefined;
  const server = await startScriptedLlmProcess(settings.llmDelayMs);
  try {
    // create_world and run_turn ask governance whether the work may be done (docs/services/worlds.md, "Budgets").
    governance = await startGovernanceService(platform.infra);
    worlds = await startWorldsService(platform.infra, {
      ...DEFAULT_WORLDS_SETTINGS,
      requestTimeoutMs: 60_000,
      workerConcurrency: 1,
      pollMs: 10,
      maxAgentConcurrency: 64,
    });
    return await run(platform, server, settings);
  } finally {
    await worlds?.stop().catch(() => undefined);
    await governance?.stop().catch(() => undefined);
    await server.close();
    await platform.stop();
  }
}

async function run(
  platform: BenchPlatform,
  server: ScriptedLlmProcess,
  s: Settings,
): Promise<Figure[]> {
  const { rpc } = platform;
  const call = (op: string, request: unknown) =>
    rpc.call(op as never, request as never) as Promise<any>;
  let worldNo = 0;

  async function world(agents: number, mind?: Record<string, unknown>, engine?: string) {
    worldNo += 1;
    const tag = `${agents}_${worldNo}`;
    const assembled = await call('assemble_scenario', scenario(agents, tag));
    const slug = `bench-${worldNo}`;
    await call('create_world', {
      slug,
      scenario_ref: { hash: assembled.scenario_hash },
      ...(mind ? { mind } : {}),
      ...(engine ? { engine } : {}),
    });
    return slug;
  }

  /** Statements sent to Postgres by the last turnMs (the worker's, the status waits', any other). */
  let lastTurnQueries = 0;
  async function turnMs(slug: string): Promise<number> {
    const queriesBefore = pgQueries();
    const started = performance.now();
    const queued = await call('run_turn', { world_slug: slug });
    for (;;) {
      const status = await call('get_turn_status', {
        world_slug: slug,
        attempt_id: queued.attempt_id,
        wait_ms: 20_000,
      });
      if (status.status === 'committed') {
        const ms = performance.now() - started;
        lastTurnQueries = pgQueries() - queriesBefore;
        return ms;
      }
      if (status.status === 'failed') throw new Error(`turn failed: ${status.failure_reason}`);
    }
  }

  const figures: Figure[] = [];

  // 1. Kernel overhead per agent-turn, offline mind.
  for (const agents of s.agentCounts) {
    // The kernel's code paths warmed first on a world of the same size, as in
    // a service that has run for a while: V8 optimizes a function after many
    // calls, and a small world's first hundred turns ran partly unoptimized
    // code (a 1-agent turn 9.8 ms of CPU after 5 turns, 6.1 ms after 100).
    const warm = await world(agents);
    for (let i = 0; i < Math.ceil(KERNEL_WARM_UP_AGENT_TURNS / agents); i++) await turnMs(warm);
    const slug = await world(agents);
    for (let i = 0; i < warmUpTurns(agents); i++) await turnMs(slug);
    await quiesce(platform);
    const ours: number[] = [];
    const queries: number[] = [];
    for (let i = 0; i < samplesOf(s.turnsPerSize, agents); i++) {
      ours.push((await turnMs(slug)) / agents);
      queries.push(lastTurnQueries);
    }
    // The raw writes' statements and tables warmed too: the first ones in a
    // process took several times as long as later ones.
    for (let i = 0; i < RAW_WARM_UP; i++) await rawTurnWrites(platform, agents, `${slug}-w${i}`);
    const baseline: number[] = [];
    for (let i = 0; i < s.turnsPerSize; i++) {
      baseline.push((await rawTurnWrites(platform, agents, `${slug}-${i}`)) / agents);
    }
    const o = stats(ours).p50;
    const b = stats(baseline).p50;
    const q = stats(queries).p50;
    s.log(
      `offline ${agents} agents: ${o.toFixed(3)} ms/agent-turn, raw writes ${b.toFixed(3)}, ${q} statements per turn`,
    );
    figures.push({
      name: `worlds.offline_turn.agents_${agents}`,
      unit: 'ms/agent-turn',
      value: o,
      baseline: b,
      ratio: o / b,
      better: 'lower',
      detail: {
        target_ms_per_agent_turn: 2,
        pg_statements_per_turn: q,
        warm_up_agent_turns: KERNEL_WARM_UP_AGENT_TURNS,
      },
    });
    if (agents === 1) {
      // The same turn against the floor of its chain of hops (worlds/turn-floor.ts).
      const floor = await turnFloorMs(
        { natsUrl: testInfra().natsUrl, worldsPg: platform.pg, governancePg: platform.seedPg },
        FLOOR_SAMPLES,
        FLOOR_WARM_UP,
        SCRIPTED_ADJUDICATION,
      );
      s.log(`offline 1 agent: ${o.toFixed(3)} ms, the floor of its hops ${floor.toFixed(3)} ms`);
      figures.push({
        name: 'worlds.offline_turn.agents_1.vs_floor',
        unit: 'ms',
        value: o,
        baseline: floor,
        ratio: o / floor,
        better: 'lower',
        detail: { floor_samples: FLOOR_SAMPLES },
      });
    }
  }

  // 2. LLM-bound turns against the scripted server.
  let seed = 0;
  // The LLM client's code paths (the openai client, fetch, the recording
  // mind's lookups) warmed once, as in a service that has run for a while:
  // without it the first figure (1 agent, sequential) paid for their JIT
  // compilation, 0.03-0.05x above the same turn measured after the others.
  const warm = await world(
    10,
    {
      provider: 'openai-compatible',
      base_url: server.baseUrl,
      model: 'scripted-model',
      max_concurrency: 64,
      params: { seed: 0 },
    },
    'simultaneous',
  );
  for (let i = 0; i < LLM_WARM_UP_TURNS; i++) await turnMs(warm);
  for (const engine of ['sequential', 'simultaneous'] as const) {
    for (const agents of s.agentCounts) {
      if (engine === 'sequential' && agents > 10) continue;
      seed += 1;
      const slug = await world(
        agents,
        {
          provider: 'openai-compatible',
          base_url: server.baseUrl,
          model: 'scripted-model',
          max_concurrency: 64,
          params: { seed },
        },
        engine,
      );
      // The world's first turn also opens the provider's connections: timed
      // (logged) but not the figure, which is the median of the next turns.
      let first = await server.count();
      const cold = await turnMs(slug);
      const coldBusy = await busyMs(server, first);
      for (let i = 1; i < warmUpTurns(agents); i++) await turnMs(slug);
      await quiesce(platform);
      const samples: Array<{ wall: number; busy: number; queries: number }> = [];
      for (let i = 0; i < llmSamplesOf(agents); i++) {
        first = await server.count();
        const turnWall = await turnMs(slug);
        const busy = await busyMs(server, first);
        samples.push({ wall: turnWall, busy, queries: lastTurnQueries });
      }
      samples.sort((a, b) => a.wall / a.busy - b.wall / b.busy);
      const median = samples[Math.floor(samples.length / 2)] as (typeof samples)[number];
      const { wall, busy } = median;
      const calls = (await server.count()) - first;
      s.log(
        `${engine} ${agents} agents: turn ${wall.toFixed(0)} ms, LLM busy ${busy.toFixed(0)} ms, ${median.queries} statements (first turn ${cold.toFixed(0)} ms, busy ${coldBusy.toFixed(0)} ms)`,
      );
      figures.push({
        name: `worlds.llm_turn.${engine}.agents_${agents}`,
        unit: 'ms',
        value: wall,
        baseline: busy,
        ratio: wall / busy,
        better: 'lower',
        detail: {
          target_ratio: 1.2,
          calls,
          pg_statements_per_turn: median.queries,
          first_turn_ms: cold,
          first_turn_llm_busy_ms: coldBusy,
        },
      });
    }
  }

  // 3. fork_world at turn 1000 beside turn 10.
  const long = await world(1);
  await seedTurns(platform, long, 1000);
  const forkMs = async (turn: number, i: number): Promise<number> => {
    const started = performance.now();
    await call('fork_world', { world_slug: long, turn, slug: `f${turn}-${i}` });
    return performance.now() - started;
  };
  for (let i = 0; i < s.forkIterations; i++) await forkMs(5, i); // warm-up
  // Alternating, each first in every other pair: every fork makes a world
  // (and a world_created event for the relay), so a block of forks at 1000
  // after a block at 10 ran on more rows and beside the first block's
  // publishing, and a slow spell fell on one block (one run gave 1.27x).
  const samples10: number[] = [];
  const samples1000: number[] = [];
  for (let i = 0; i < s.forkIterations; i++) {
    if (i % 2 === 0) {
      samples10.push(await forkMs(10, i));
      samples1000.push(await forkMs(1000, i));
    } else {
      samples1000.push(await forkMs(1000, i));
      samples10.push(await forkMs(10, i));
    }
  }
  const at10 = stats(samples10).p50;
  const at1000 = stats(samples1000).p50;
  s.log(`fork at 1000: ${at1000.toFixed(2)} ms, at 10: ${at10.toFixed(2)} ms`);
  figures.push({
    name: 'worlds.fork_world.turn_1000_vs_10',
    unit: 'ms',
    value: at1000,
    baseline: at10,
    ratio: at1000 / at10,
    better: 'lower',
    detail: { target_ratio: 1.2 },
  });

  // 4. Replay throughput beside the original run.
  const agents = 10;
  const source = await world(agents);
  const started = performance.now();
  for (let t = 0; t < s.replayTurns; t++) await turnMs(source);
  const runRate = (agents * s.replayTurns) / ((performance.now() - started) / 1000);
  const replayStarted = performance.now();
  const replay = await call('replay_world', { world_slug: source });
  const replayRate = (agents * s.replayTurns) / ((performance.now() - replayStarted) / 1000);
  if (!replay.identical) throw new Error(`replay diverged: ${JSON.stringify(replay)}`);
  s.log(`replay ${replayRate.toFixed(0)} agent-turns/s, run ${runRate.toFixed(0)}`);
  figures.push({
    name: 'worlds.replay.agent_turns_per_s',
    unit: 'agent-turns/s',
    value: replayRate,
    baseline: runRate,
    ratio: replayRate / runRate,
    better: 'higher',
  });
  return figures;
}

/**
 * Turns run on a world before its figure is taken. The LLM figures' worlds
 * (whose code the 10-agent warm-up world warms) start with these; the
 * offline ones after KERNEL_WARM_UP_AGENT_TURNS on a world of their own,
 * these then being the measured world's own first turns.
 */
function warmUpTurns(agents: number): number {
  return agents < 10 ? 5 : 1;
}

/**
 * Agent-turns run on a world of each size before its figure's world is made
 * (see there): by measurement enough for a 1-agent turn's CPU to settle.
 */
const KERNEL_WARM_UP_AGENT_TURNS = 200;

/** Untimed raw writes before the timed ones, per size. */
const RAW_WARM_UP = 5;

/** Floor turns timed (after FLOOR_WARM_UP untimed), as many as a 1-agent figure's turns. */
const FLOOR_SAMPLES = 40;
const FLOOR_WARM_UP = 100;

/** Offline turns timed per size: at least `perSize`, and 40 agent-turns, so a 1-agent median is not 5 samples. */
function samplesOf(perSize: number, agents: number): number {
  return Math.max(perSize, Math.ceil(40 / agents));
}

/** Turns of a 10-agent LLM world run before the first LLM figure (30 calls each). */
const LLM_WARM_UP_TURNS = 4;

/** LLM-bound turns timed per size (each takes 50 ms per call on its critical path). */
function llmSamplesOf(agents: number): number {
  if (agents > 10) return 1;
  return agents > 1 ? 3 : 7;
}

/** How long the platform may take to publish what earlier measurements wrote. */
const QUIESCE_TIMEOUT_MS = 60_000;

/**
 * Waits until the worlds relay has published everything committed so far
 * (`worlds.outbox_pending` empty), then a moment more for the consumers and
 * whatever else the turns before left running: a figure is then not
 * charged with the work of the figure before it.
 */
async function quiesce(platform: BenchPlatform): Promise<void> {
  const deadline = performance.now() + QUIESCE_TIMEOUT_MS;
  for (;;) {
    const { rows } = await platform.pg.query<{ pending: string }>(
      'select count(*) as pending from worlds.outbox_pending',
    );
    if (Number(rows[0]?.pending ?? 0) === 0) break;
    if (performance.now() > deadline) {
      throw new Error(`the worlds outbox still holds ${rows[0]?.pending} events after 60 s`);
    }
    await sleep(50);
  }
  await sleep(250);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The time the server held at least one call, over requests from `first` on:
 * the union of [arrival, answer written]. Every call of a committed turn was
 * answered; one without an answer fails the figure rather than shrink it.
 */
async function busyMs(server: ScriptedLlmProcess, first: number): Promise<number> {
  const held = [...(await server.held(first))].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [start, answered] of held) {
    if (answered === null) throw new Error('a call of a committed turn has no answer');
    if (start >= end) {
      total += answered - start;
      end = answered;
    } else if (answered > end) {
      total += answered - end;
      end = answered;
    }
  }
  return total;
}

/**
 * What committing a turn of `agents` agents writes, raw, in one transaction:
 * a piece per agent (its entity changed), the manifest, the turn row and
 * three audit events per agent, in tables of the same shape.
 */
async function rawTurnWrites(
  platform: BenchPlatform,
  agents: number,
  tag: string,
): Promise<number> {
  const pg = platform.pg;
  await pg.query(
    `create table if not exists public.bench_pieces (hash text primary key, json text not null);
     create table if not exists public.bench_states (state_hash text primary key, manifest text not null);
     create table if not exists public.bench_turns (tag text, turn int, state_hash text, primary key (tag, turn));
     create table if not exists public.bench_events (tag text, seq int, kind text, data json, primary key (tag, seq))`,
  );
  const pieces = Array.from({ length: agents }, (_, i) => [
    `${tag}-piece-${i}`,
    JSON.stringify({ id: `a${i}`, state: 'Busy.', memory: 'Acted.' }),
  ]);
  const started = performance.now();
  await pg.query('begin');
  await pg.query(
    `insert into public.bench_pieces (hash, json) select * from unnest($1::text[], $2::text[]) on conflict do nothing`,
    [pieces.map((p) => p[0]), pieces.map((p) => p[1])],
  );
  await pg.query('insert into public.bench_states values ($1, $2) on conflict do nothing', [
    tag,
    JSON.stringify(pieces.map((p) => p[0])),
  ]);
  await pg.query('insert into public.bench_turns values ($1, 1, $1)', [tag]);
  const seqs = Array.from({ length: agents * 3 }, (_, i) => i);
  await pg.query(
    `insert into public.bench_events select $1, s, 'intent_adjudicated', $2::json from unnest($3::int[]) as s`,
    [tag, JSON.stringify(SCRIPTED_ADJUDICATION), seqs],
  );
  await pg.query('commit');
  return performance.now() - started;
}

/** Turns 1..n of a world as SQL rows (each the seeded state): forking must not read them. */
async function seedTurns(platform: BenchPlatform, slug: string, n: number): Promise<void> {
  await platform.seedPg.query(
    `with w as (select id from worlds.worlds where slug = $1 and deleted_at is null),
          s as (select state_hash from worlds.world_turns where world_id = (select id from w) and turn = 0)
     insert into worlds.world_turns (world_id, turn, state_hash)
     select (select id from w), t, (select state_hash from s) from generate_series(1, $2) t`,
    [slug, n],
  );
  await platform.seedPg.query(
    'update worlds.worlds set current_turn = $2 where slug = $1 and deleted_at is null',
    [slug, n],
  );
}
