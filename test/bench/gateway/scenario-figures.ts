import type { Figure } from '../figures';
import { mean, percentile } from '../latency-stats';
import type { Topology } from './pipelines';
import type { Scenario, SideTotals } from './scenario-runner';

// Groups that are not the pipeline's work: the idle bench process, and
// whatever else runs on the machine.
const NOT_COUNTED = new Set(['bench', 'other']);

/** Cores used on average by unrelated processes while a side ran: the machine's noise. */
export function otherCores(totals: SideTotals): number {
  return (totals.cpuSeconds.get('other') ?? 0) / Math.max(totals.wallSeconds, 1e-9);
}

/** CPU microseconds per request by process group, and their total (excluding NOT_COUNTED). */
export function cpuPerRequest(totals: SideTotals): {
  total: number;
  groups: Record<string, number>;
} {
  const groups: Record<string, number> = {};
  let total = 0;
  for (const [group, seconds] of [...totals.cpuSeconds].sort((a, b) => b[1] - a[1])) {
    const us = (seconds * 1e6) / Math.max(1, totals.completed);
    groups[group] = Math.round(us);
    if (!NOT_COUNTED.has(group)) total += us;
  }
  return { total, groups };
}

/**
 * The figures of one scenario: throughput (higher is better), median and p99
 * latency, and CPU time per request summed over the processes that do the
 * work (all three lower is better); each ours / bare.
 */
export function scenarioFigures(
  topology: Topology,
  scenario: Scenario,
  ours: SideTotals,
  bare: SideTotals,
  cpuMeasured: boolean,
): Figure[] {
  const base = `gateway.${topology}.${scenario.name}.c${scenario.concurrency}`;
  const rate = (t: SideTotals): number => t.requests / (t.windowMs / 1000);
  const latencies = (t: SideTotals): Float64Array => concat(t.latenciesMs);
  const oursLatencies = latencies(ours);
  const bareLatencies = latencies(bare);
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
  const figures = [
    figure('throughput', 'req/s', 'higher', rate(ours), rate(bare), {
      requests: ours.requests,
      baseline_requests: bare.requests,
      rounds: ours.roundRates.length,
      min_round_rate: Math.min(...ours.roundRates),
      max_round_rate: Math.max(...ours.roundRates),
      baseline_min_round_rate: Math.min(...bare.roundRates),
      baseline_max_round_rate: Math.max(...bare.roundRates),
      ...(scenario.name === 'put_new' ? { outbox_backlog_after_round: ours.outboxBacklog } : {}),
      ...(cpuMeasured
        ? { other_cpu_cores: otherCores(ours), baseline_other_cpu_cores: otherCores(bare) }
        : {}),
    }),
    figure(
      'latency_p50',
      'ms',
      'lower',
      percentile(oursLatencies, 50),
      percentile(bareLatencies, 50),
      {
        mean_ms: mean(oursLatencies),
        baseline_mean_ms: mean(bareLatencies),
      },
    ),
    figure(
      'latency_p99',
      'ms',
      'lower',
      percentile(oursLatencies, 99),
      percentile(bareLatencies, 99),
    ),
  ];
  if (cpuMeasured) {
    const oursCpu = cpuPerRequest(ours);
    const bareCpu = cpuPerRequest(bare);
    figures.push(
      figure('cpu_per_request', 'us', 'lower', oursCpu.total, bareCpu.total, {
        ...prefixed('', oursCpu.groups),
        ...prefixed('baseline_', bareCpu.groups),
      }),
    );
  }
  return figures;
}

function prefixed(prefix: string, groups: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(groups).map(([group, us]) => [`${prefix}cpu_us.${group}`, us]),
  );
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
