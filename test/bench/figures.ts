import type { BenchFigure } from './hashing.bench';

/** Which way a ratio is good: throughput wants it high, latency low. */
export type Better = 'higher' | 'lower';

/**
 * One measured figure beside its baseline from the same run. `ratio` is
 * always value / baseline; `better` says which way that is good (unlike
 * BenchFigure's note, which assumes throughput).
 */
export interface Figure extends BenchFigure {
  better: Better;
}

/**
 * The hashing bench's figures as rows: its throughput figure (ops/s, higher
 * is better), plus the median and p99 latencies it keeps in `detail`, each
 * beside the reference's (lower is better).
 */
export function fromHashingFigures(figures: readonly BenchFigure[]): Figure[] {
  return figures.flatMap((figure) => {
    const rows: Figure[] = [{ ...figure, better: 'higher' }];
    const d = figure.detail ?? {};
    const latency = (
      suffix: string,
      ours: number | undefined,
      baseline: number | undefined,
    ): void => {
      if (ours === undefined || baseline === undefined) return;
      rows.push({
        name: `${figure.name}.${suffix}`,
        unit: 'us',
        value: ours,
        baseline,
        ratio: ours / baseline,
        better: 'lower',
      });
    };
    latency('latency_p50', d.median_us, d.baseline_median_us);
    latency('latency_p99', d.p99_us, d.baseline_p99_us);
    return rows;
  });
}
