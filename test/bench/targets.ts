import type { Better, Figure } from './figures';

/** A goal for a figure's ratio to its baseline. */
export interface Target {
  better: Better;
  ratio: number;
}

export interface Verdict {
  target: Target | undefined;
  /** undefined when the figure has no target. */
  met: boolean | undefined;
}

// Every target of the bench, in one place (from the brief). Figures without
// one are printed for information.
const TARGETS: ReadonlyArray<{ pattern: RegExp; target: Target }> = [
  // Canonical hashing throughput, against canonicalize + node:crypto.
  { pattern: /^hashing\.[a-z_0-9]+\.[a-z_0-9]+$/, target: { better: 'higher', ratio: 1.5 } },
  // Gateway put and get throughput, against the bare pipeline, any concurrency.
  {
    pattern: /^gateway\.[a-z-]+\.[a-z_]+\.c\d+\.throughput$/,
    target: { better: 'higher', ratio: 0.7 },
  },
  // Gateway latency at concurrency 1 (the median), against the bare pipeline.
  {
    pattern: /^gateway\.[a-z-]+\.[a-z_]+\.c1\.latency_p50$/,
    target: { better: 'lower', ratio: 1.3 },
  },
  // A scenarios operation against its SQL run raw plus the NATS round trips it needs.
  { pattern: /^scenarios\.[a-z_.0-9]+\.overhead_p50$/, target: { better: 'lower', ratio: 3 } },
  // Our request/reply against Moleculer's (peer bench): at least as fast, no more CPU.
  { pattern: /^peer\.moleculer\.c\d+\.throughput$/, target: { better: 'higher', ratio: 1.0 } },
  {
    pattern: /^peer\.moleculer\.c\d+\.cpu_per_request$/,
    target: { better: 'lower', ratio: 1.0 },
  },
  // Policy evaluation against the bare rule checks (docs/services/governance.md).
  { pattern: /^governance\.policy_evaluation$/, target: { better: 'lower', ratio: 1.5 } },
  // Evaluation (issue #12): listing and comparing runs at 100k stored runs against 10k, flat.
  {
    pattern: /^evaluation\.(list_runs|compare_runs)\.[a-z_]+\.latency_p(50|99)$/,
    target: { better: 'lower', ratio: 1.2 },
  },
  // A cached re-run (every result reused) against the first run: runs per second.
  { pattern: /^evaluation\.run\.cached_rerun$/, target: { better: 'higher', ratio: 50 } },
];

/** The target of a figure, if it has one, and whether this run meets it. */
export function judge(figure: Figure): Verdict {
  const target = TARGETS.find((entry) => entry.pattern.test(figure.name))?.target;
  if (target === undefined) return { target, met: undefined };
  if (target.better !== figure.better) {
    throw new Error(
      `target of ${figure.name} says ${target.better} is better, the figure says ${figure.better}`,
    );
  }
  const met =
    target.better === 'higher' ? figure.ratio >= target.ratio : figure.ratio <= target.ratio;
  return { target, met };
}
