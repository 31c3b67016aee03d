// The repo's own tsc and jest, run with the current node (what `npx tsc` and
// `npx jest` would find), so signals and exit codes reach us directly rather
// than through an npm wrapper.
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from './paths.mjs';
import { runForeground } from './processes.mjs';
import { phase } from './report.mjs';

const requireFromRoot = createRequire(path.join(repoRoot, 'package.json'));

export const tscBin = requireFromRoot.resolve('typescript/bin/tsc');
export const jestBin = requireFromRoot.resolve('jest/bin/jest');

const BUILD_TIMEOUT_MS = 10 * 60_000;

/** `tsc -b` over the whole repo; throws if it fails. */
export async function buildAll(session) {
  await phase('build: tsc -b', async () => {
    const result = await runForeground(process.execPath, [tscBin, '-b'], {
      cwd: repoRoot,
      timeoutMs: BUILD_TIMEOUT_MS,
      session,
    });
    if (result.code !== 0) {
      session.signal.throwIfAborted();
      throw new Error(
        result.timedOut
          ? `tsc -b overran ${BUILD_TIMEOUT_MS / 60_000} min`
          : `tsc -b failed (exit ${result.code ?? result.signal})`,
      );
    }
  });
}

/** Exit code for a foreground child that ended with `code` or `signal`. */
export function exitCodeOf({ code, signal, timedOut }) {
  if (timedOut) return 124;
  if (code !== null) return code;
  return 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGINT' ? 2 : 15);
}
