// Our request/reply against the framework a user would most likely pick for
// Node.js microservices, Moleculer (0.14, the newest line whose engines
// include Node 20.19), measured side by side in one run on the same
// nats-server (docs/messaging.md, "Against a peer").
//
// Each side is two processes of its own, a server and a calling client
// (peer/peer-process.ts). The server validates `{content: <2 KB text>}`
// and replies with the content's sha256. Ours: RpcServer and RpcClient on a
// NatsBus, everything our services do per call (request checked on both
// ends, reply checked on both ends, request and correlation ids, trace
// headers, size limits). Moleculer: two ServiceBrokers on its NATS
// transporter, params checked by its default validator on the server. Bare:
// nats.js used directly, its request/reply with JSON and a hand-written
// check, no framework (figures `peer.bare_nats.*`, ours / bare, no target):
// how much of a call is the transport's and how much a framework's.
//
// Load: the client runs `concurrency` loops with one call in flight each, a
// warm-up then a window, the sides in rounds whose order turns (roundOrder:
// each side in each place, and after each other side, equally often) after
// each side has settled.
// Throughput: calls completed in the windows per second. Latency: per call,
// in the client. CPU per request: server + client process CPU
// from /proc over each round (warm-up included) divided by the calls
// completed in it; nats-server's share is in the figure's detail.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { testInfra } from '../support';
import type { Figure } from './figures';
import { cpuSnapshot, cpuUsedBetween } from './gateway/cpu-accounting';
import type { LoadResult } from './gateway/load-protocol';
import { environmentText } from './gateway/workload';
import { mean, percentile } from './latency-stats';
import { writeBenchCatalog } from './peer/bench-catalog';
import { PeerChild } from './peer/peer-child';
import { roundOrder } from './peer/round-order';
import type { PeerConfig, PeerFramework } from './peer/peer-protocol';

export interface PeerBenchOptions {
  concurrencies?: readonly number[];
  warmupMs?: number;
  /** Untimed calls per side and concurrency before the first round (see PEER_BENCH_DEFAULTS). */
  settleMs?: number;
  /** Measured time per side and concurrency, split over the rounds. */
  measureMs?: number;
  rounds?: number;
  contentBytes?: number;
  /** Each child writes a V8 CPU profile under <dir>/<role>/ when it exits. */
  cpuProfileDir?: string;
  log?: (line: string) => void;
}

/**
 * What a run uses unless told otherwise. Each side settles for a second
 * before the first round: the first two rounds of fresh processes ran at
 * about half the later rounds' rate. Twenty-four rounds (four turns of
 * roundOrder) of about 420 ms a side: two rounds of a pair, side by side in
 * time, differ by 10-15% on this 2-core VM (a slow spell of the machine
 * falls on one of them). Even so, at one call in flight a run's throughput
 * ratio is good to about ±3%: two identical sides gave 0.97x-1.02x
 * (docs/messaging.md, "Stop 36"); longer runs of shorter rounds were no
 * steadier.
 */
export const PEER_BENCH_DEFAULTS = {
  concurrencies: [1, 50],
  warmupMs: 250,
  settleMs: 1_000,
  measureMs: 10_000,
  rounds: 24,
  contentBytes: 2_048,
} as const;

type Side = PeerFramework;

const SIDES: readonly Side[] = ['ours', 'moleculer', 'bare'];

interface SideTotals {
  requests: number;
  completed: number;
  windowMs: number;
  latencies: Float64Array[];
  /** Requests per second of each round, in order. */
  roundRates: number[];
  cpuSeconds: Map<string, number>;
  wallSeconds: number;
}

/** Throughput, p50, p99 and CPU per request at each concurrency, ours / Moleculer and ours / bare nats.js. */
export async function benchPeer(options: PeerBenchOptions = {}): Promise<Figure[]> {
  const settings = {
    concurrencies: options.concurrencies ?? PEER_BENCH_DEFAULTS.concurrencies,
    warmupMs: options.warmupMs ?? PEER_BENCH_DEFAULTS.warmupMs,
    settleMs: options.settleMs ?? PEER_BENCH_DEFAULTS.settleMs,
    measureMs: options.measureMs ?? PEER_BENCH_DEFAULTS.measureMs,
    rounds: options.rounds ?? PEER_BENCH_DEFAULTS.rounds,
    contentBytes: options.contentBytes ?? PEER_BENCH_DEFAULTS.contentBytes,
    cpuProfileDir: options.cpuProfileDir,
    log: options.log ?? ((line: string) => console.error(`[peer] ${line}`)),
  };
  const catalog = writeBenchCatalog();
  const children: PeerChild[] = [];
  try {
    const config: PeerConfig = {
      natsUrl: testInfra().natsUrl,
      prefix: `peer${randomBytes(4).toString('hex')}`,
      catalogDir: catalog.dir,
      baseText: environmentText(settings.contentBytes),
    };
    const nodeOptions = (role: string): string[] =>
      settings.cpuProfileDir === undefined
        ? []
        : ['--cpu-prof', '--cpu-prof-dir', `${settings.cpuProfileDir}/${role}`];
    const start = async (role: PeerChild['role']): Promise<PeerChild> => {
      const child = await PeerChild.start(role, config, nodeOptions(role));
      children.push(child);
      return child;
    };
    const sides: Record<Side, { server: PeerChild; client: PeerChild }> = {
      ours: { server: await start('ours-server'), client: await start('ours-client') },
      moleculer: {
        server: await start('moleculer-server'),
        client: await start('moleculer-client'),
      },
      bare: { server: await start('bare-server'), client: await start('bare-client') },
    };
    // All answer the same call with the same hash.
    const probe = `${config.baseText}\n#probe`;
    const [ourHash, theirHash, bareHash] = [
      await sides.ours.client.probe(probe),
      await sides.moleculer.client.probe(probe),
      await sides.bare.client.probe(probe),
    ];
    if (ourHash !== theirHash || ourHash !== bareHash || !/^[0-9a-f]{64}$/.test(ourHash))
      throw new Error(`the sides answer differently: ${ourHash}, ${theirHash}, ${bareHash}`);

    const figures: Figure[] = [];
    for (const concurrency of settings.concurrencies) {
      const totals: Record<Side, SideTotals> = {
        ours: emptyTotals(),
        moleculer: emptyTotals(),
        bare: emptyTotals(),
      };
      const roundMs = Math.round(settings.measureMs / settings.rounds);
      // Each settles just before its first round: the first of round 0 last.
      for (const side of [...roundOrder(SIDES, 0)].reverse()) {
        const settled = await sides[side].client.run({
          concurrency,
          warmupMs: settings.settleMs,
          measureMs: 0,
        });
        if (settled.errors > 0)
          throw new Error(`${side} c=${concurrency}: ${settled.errors} failed calls settling`);
      }
      for (let round = 0; round < settings.rounds; round++) {
        for (const side of roundOrder(SIDES, round)) {
          const { server, client } = sides[side];
          const roles = new Map<number, string>([
            [server.pid ?? -1, 'server'],
            [client.pid ?? -1, 'client'],
            [process.pid, 'bench'],
          ]);
          const before = cpuSnapshot();
          const startedAt = performance.now();
          const result = await client.run({
            concurrency,
            warmupMs: settings.warmupMs,
            measureMs: roundMs,
          });
          const wallSeconds = (performance.now() - startedAt) / 1000;
          const cpu = cpuUsedBetween(before, cpuSnapshot(), roles);
          if (result.errors > 0)
            throw new Error(
              `${side} c=${concurrency}: ${result.errors} failed calls, the first: ${result.firstError ?? '?'}`,
            );
          add(totals[side], result, cpu, wallSeconds);
        }
      }
      figures.push(
        ...peerFigures(`peer.moleculer.c${concurrency}`, totals.ours, totals.moleculer),
        ...peerFigures(`peer.bare_nats.c${concurrency}`, totals.ours, totals.bare),
      );
      settings.log(describe(concurrency, totals));
    }
    return figures;
  } finally {
    for (const child of children.reverse()) await child.stop();
    catalog.remove();
  }
}

function emptyTotals(): SideTotals {
  return {
    requests: 0,
    completed: 0,
    windowMs: 0,
    latencies: [],
    roundRates: [],
    cpuSeconds: new Map(),
    wallSeconds: 0,
  };
}

function add(
  totals: SideTotals,
  result: LoadResult,
  cpu: ReadonlyMap<string, number>,
  wallSeconds: number,
): void {
  totals.requests += result.requests;
  totals.completed += result.completed;
  totals.windowMs += result.windowMs;
  totals.latencies.push(result.latenciesMs);
  totals.roundRates.push(result.requests / (result.windowMs / 1000));
  totals.wallSeconds += wallSeconds;
  for (const [group, seconds] of cpu)
    totals.cpuSeconds.set(group, (totals.cpuSeconds.get(group) ?? 0) + seconds);
}

function rate(t: SideTotals): number {
  return t.requests / (t.windowMs / 1000);
}

/** CPU microseconds per completed call of a process group. */
function cpuUs(t: SideTotals, group: string): number {
  return ((t.cpuSeconds.get(group) ?? 0) * 1e6) / Math.max(1, t.completed);
}

function otherCores(t: SideTotals): number {
  return (t.cpuSeconds.get('other') ?? 0) / Math.max(t.wallSeconds, 1e-9);
}

/** Ours against a baseline side, figures named `<base>.<figure>`. */
function peerFigures(base: string, ours: SideTotals, theirs: SideTotals): Figure[] {
  const [a, b] = [concat(ours.latencies), concat(theirs.latencies)];
  const figure = (
    name: string,
    unit: string,
    better: Figure['better'],
    value: number,
    baseline: number,
    detail?: Record<string, number>,
  ): Figure => ({
    name: `${base}.${name}`,
    unit,
    value,
    baseline,
    ratio: value / baseline,
    better,
    ...(detail === undefined ? {} : { detail }),
  });
  const work = (t: SideTotals): number => cpuUs(t, 'server') + cpuUs(t, 'client');
  const pairs = roundRatios(ours, theirs);
  return [
    figure('throughput', 'req/s', 'higher', rate(ours), rate(theirs), {
      requests: ours.requests,
      baseline_requests: theirs.requests,
      rounds: pairs.length,
      round_ratio_p25: percentile(pairs, 25),
      round_ratio_p50: percentile(pairs, 50),
      round_ratio_p75: percentile(pairs, 75),
      other_cpu_cores: otherCores(ours),
      baseline_other_cpu_cores: otherCores(theirs),
    }),
    figure('latency_p50', 'ms', 'lower', percentile(a, 50), percentile(b, 50), {
      mean_ms: mean(a),
      baseline_mean_ms: mean(b),
    }),
    figure('latency_p99', 'ms', 'lower', percentile(a, 99), percentile(b, 99)),
    figure('cpu_per_request', 'us', 'lower', work(ours), work(theirs), {
      'cpu_us.server': cpuUs(ours, 'server'),
      'cpu_us.client': cpuUs(ours, 'client'),
      'cpu_us.nats-server': cpuUs(ours, 'nats-server'),
      'baseline_cpu_us.server': cpuUs(theirs, 'server'),
      'baseline_cpu_us.client': cpuUs(theirs, 'client'),
      'baseline_cpu_us.nats-server': cpuUs(theirs, 'nats-server'),
    }),
  ];
}

function describe(concurrency: number, totals: Record<Side, SideTotals>): string {
  const side = (t: SideTotals): string =>
    `${Math.round(rate(t))} req/s, cpu us/call server ${Math.round(cpuUs(t, 'server'))} client ${Math.round(cpuUs(t, 'client'))} nats ${Math.round(cpuUs(t, 'nats-server'))}`;
  const noise = Math.max(...Object.values(totals).map(otherCores));
  const warning =
    noise > 0.1 ? `\n  WARNING: other processes used ${noise.toFixed(2)} cores meanwhile` : '';
  const pairs = roundRatios(totals.ours, totals.moleculer);
  const spread = `round ratios p25 ${percentile(pairs, 25).toFixed(2)}, p50 ${percentile(pairs, 50).toFixed(2)}, p75 ${percentile(pairs, 75).toFixed(2)}`;
  return `c=${concurrency}\n  ours      ${side(totals.ours)}\n  moleculer ${side(totals.moleculer)}\n  bare nats ${side(totals.bare)}\n  ours / moleculer ${spread}${warning}`;
}

/** Each round's throughput against the other side's round of the same pair. */
function roundRatios(ours: SideTotals, theirs: SideTotals): Float64Array {
  return Float64Array.from(ours.roundRates, (r, i) => r / (theirs.roundRates[i] ?? NaN));
}

function concat(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
