import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchHeader } from './bench-header';
import { RESULTS_DIR } from './bench-paths';
import type { Figure } from './figures';
import { judge } from './targets';

/** What one run saves: enough to compare runs figure by figure. */
export interface BenchResults {
  header: BenchHeader;
  /** Options the run was started with (durations, topologies). */
  settings: Record<string, unknown>;
  figures: Array<Figure & { target?: { better: string; ratio: number }; met?: boolean }>;
  /** Bench modules that failed, with why. */
  errors: Array<{ bench: string; message: string }>;
}

/** Writes bench-results/<ISO date>-<commit>.json and returns its path. */
export function writeResults(
  header: BenchHeader,
  settings: Record<string, unknown>,
  figures: readonly Figure[],
  errors: BenchResults['errors'],
): string {
  const results: BenchResults = {
    header,
    settings,
    figures: figures.map((figure) => {
      const { target, met } = judge(figure);
      return target === undefined ? figure : { ...figure, target, met };
    }),
    errors,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  // ':' is not allowed in file names everywhere: the ISO date in its basic form.
  const date = header.date.replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z');
  const commit = `${header.git.commit.slice(0, 12)}${header.git.dirty ? '-dirty' : ''}`;
  const file = join(RESULTS_DIR, `${date}-${commit}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}
