import { performance } from 'node:perf_hooks';
import type { Figure } from '../figures';
import { mean, percentile } from '../latency-stats';

/** One call of a side; `i` counts that side's calls from 0 (warm-up included). */
export type Call = (i: number) => Promise<unknown>;

export interface Sampling {
  /** Calls of each side before anything is recorded. */
  warmup: number;
  /** Recorded calls of each side. */
  iterations: number;
  /** Blocks the iterations are split into, alternating which side goes first. */
  rounds: number;
}

/** Latencies in milliseconds, one per recorded call. */
export interface Pair {
  ours: number[];
  baseline: number[];
}

/**
 * Times `ours` and `baseline` one call at a time (concurrency 1), in
 * alternating blocks so drift (GC, autovacuum, neighbours) hits both.
 */
export async function measurePair(ours: Call, baseline: Call, sampling: Sampling): Promise<Pair> {
  const sides = [
    { call: ours, next: 0, samples: [] as number[] },
    { call: baseline, next: 0, samples: [] as number[] },
  ];
  for (const side of sides) for (let k = 0; k < sampling.warmup; k++) await side.call(side.next++);
  const perRound = Math.ceil(sampling.iterations / sampling.rounds);
  for (let round = 0; round < sampling.rounds; round++) {
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      for (let k = 0; k < perRound && side.samples.length < sampling.iterations; k++) {
        const started = performance.now();
        await side.call(side.next++);
        side.samples.push(performance.now() - started);
      }
    }
  }
  return { ours: sides[0]!.samples, baseline: sides[1]!.samples };
}

/** Latencies (ms) of `iterations` calls after `warmup` unrecorded ones. */
export async function measureOne(
  call: Call,
  warmup: number,
  iterations: number,
): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < warmup + iterations; i++) {
    const started = performance.now();
    await call(i);
    if (i >= warmup) samples.push(performance.now() - started);
  }
  return samples;
}

export interface Stats {
  p50: number;
  p99: number;
  mean: number;
  n: number;
}

export function stats(samples: readonly number[]): Stats {
  return {
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    mean: mean(samples),
    n: samples.length,
  };
}

/**
 * Two rows, `<name>.latency_p50` and `<name>.latency_p99` (ms, lower is
 * better), ours beside the baseline; `detail` goes on both.
 */
export function latencyFigures(
  name: string,
  pair: Pair,
  detail: Record<string, number> = {},
): Figure[] {
  const ours = stats(pair.ours);
  const baseline = stats(pair.baseline);
  const common = {
    iterations: ours.n,
    ours_mean_ms: ours.mean,
    baseline_mean_ms: baseline.mean,
    ...detail,
  };
  return [
    row(`${name}.latency_p50`, ours.p50, baseline.p50, common),
    row(`${name}.latency_p99`, ours.p99, baseline.p99, common),
  ];
}

/**
 * Flatness: ours on the large store beside ours on the small one (ratio =
 * large / small, 1 is flat), with the baseline's own growth in `detail` so a
 * planner effect can be told from a service one.
 */
export function growthFigures(
  name: string,
  small: Pair,
  large: Pair,
  detail: Record<string, number>,
): Figure[] {
  const [s, l] = [stats(small.ours), stats(large.ours)];
  const [bs, bl] = [stats(small.baseline), stats(large.baseline)];
  return [
    row(`${name}.latency_p50`, l.p50, s.p50, { baseline_growth: bl.p50 / bs.p50, ...detail }),
    row(`${name}.latency_p99`, l.p99, s.p99, { baseline_growth: bl.p99 / bs.p99, ...detail }),
  ];
}

function row(name: string, value: number, baseline: number, detail: Record<string, number>) {
  return {
    name,
    unit: 'ms',
    value,
    baseline,
    ratio: value / baseline,
    better: 'lower',
    detail,
  } satisfies Figure;
}

/**
 * The operation's overhead: ours (median) beside its SQL run raw plus the
 * NATS round trips it truly needs, each measured bare (round-trips.ts).
 * The target (targets.ts) is 3x.
 */
export function overheadFigure(
  name: string,
  pair: Pair,
  roundTrips: { count: number; p50Ms: number; replyBytes: number },
  detail: Record<string, number> = {},
): Figure {
  const ours = stats(pair.ours).p50;
  const sql = stats(pair.baseline).p50;
  return row(`${name}.overhead_p50`, ours, sql + roundTrips.count * roundTrips.p50Ms, {
    ...detail,
    sql_p50_ms: sql,
    round_trips: roundTrips.count,
    round_trip_p50_ms: roundTrips.p50Ms,
    reply_bytes: roundTrips.replyBytes,
  });
}

/**
 * lineage_of beside its earlier floor: the recursive walk alone (without the
 * scenarios' rows and parents) plus the round trip. No target; printed so
 * the floor lineage_of is held to now (its whole statement) can be judged.
 */
export function overWalkFigure(
  name: string,
  pair: Pair,
  walkP50Ms: number,
  roundTrip: { p50Ms: number; replyBytes: number },
): Figure {
  const ours = stats(pair.ours).p50;
  return row(`${name}.over_walk_p50`, ours, walkP50Ms + roundTrip.p50Ms, {
    walk_p50_ms: walkP50Ms,
    statement_p50_ms: stats(pair.baseline).p50,
    round_trip_p50_ms: roundTrip.p50Ms,
    reply_bytes: roundTrip.replyBytes,
  });
}
