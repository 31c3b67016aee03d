// Progress lines for the infrastructure scripts. They go to stderr so that
// stdout stays clean for what callers parse (`cli.mjs up` prints env lines).
import { performance } from 'node:perf_hooks';

const startedAt = performance.now();

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)}s`;
}

export function log(message) {
  process.stderr.write(
    `[infra ${seconds(performance.now() - startedAt).padStart(6)}] ${message}\n`,
  );
}

/** Runs one named step, printing its start, its duration and whether it failed. */
export async function phase(label, run) {
  const t0 = performance.now();
  log(`${label} ...`);
  try {
    const result = await run();
    log(`${label}: done in ${seconds(performance.now() - t0)}`);
    return result;
  } catch (error) {
    log(`${label}: FAILED after ${seconds(performance.now() - t0)}`);
    throw error;
  }
}

export function describeError(error) {
  return error instanceof Error ? error.message : String(error);
}
