import { resolve, sep } from 'node:path';

/** The repository root, whether this runs compiled (test/dist/bench) or from source (test/bench). */
export const REPO_ROOT = resolve(
  __dirname,
  __dirname.split(sep).includes('dist') ? '../../..' : '../..',
);

/** Where result files go (git-ignored). */
export const RESULTS_DIR = resolve(REPO_ROOT, 'bench-results');
