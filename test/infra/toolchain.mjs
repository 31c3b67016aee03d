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
  await runTsc(session, ['-b']);
  // The unit tests beside the code are left out of the packages' builds (dist/
  // holds only what ships); this checks their types (tsconfig.tests.json).
  await runTsc(session, ['-p', 'tsconfig.tests.json']);
}

async function runTsc(session, args) {
  const label = `tsc ${args.join(' ')}`;
  await phase(`build: ${label}`, async () => {
    const result = await runForeground(process.execPath, [tscBin, ...args], {
      cwd: repoRoot,
      timeoutMs: BUILD_TIMEOUT_MS,
      session,
    });
    if (result.code !== 0) {
      session.signal.throwIfAborted();
      throw new Error(
        result.timedOut
          ? `${label} overran ${BUILD_TIMEOUT_MS / 60_000} min`
          : `${label} failed (exit ${result.code ?? result.signal})`,
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
