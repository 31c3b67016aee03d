#!/usr/bin/env node
// `npm run bench [-- <bench args>]`: builds the repo, brings up the same
// infrastructure as `npm test` (with a database of its own), runs
// test/dist/bench/main.js with the CRUCIBLE_TEST_* variables set, and cleans
// up afterwards.
//
// Environment:
//   CRUCIBLE_BENCH_TIMEOUT_MINUTES   deadline for the bench (default 30)
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.mjs';
import { runForeground } from './processes.mjs';
import { log, phase } from './report.mjs';
import { Session } from './session.mjs';
import { bringUpRunInfra, newRunId } from './stack.mjs';
import { buildAll, exitCodeOf } from './toolchain.mjs';

const benchEntry = path.join(repoRoot, 'test', 'dist', 'bench', 'main.js');
const benchArgs = process.argv.slice(2);
const benchTimeoutMs = Number(process.env.CRUCIBLE_BENCH_TIMEOUT_MINUTES ?? 30) * 60_000;

await new Session().run(async (session) => {
  const runId = newRunId();
  log(`bench run ${runId}`);
  await buildAll(session);
  if (!existsSync(benchEntry)) {
    throw new Error(
      `${path.relative(repoRoot, benchEntry)} does not exist after the build: the bench has no entry point yet (test/bench/main.ts, compiled by test/tsconfig.json).`,
    );
  }
  const infraEnv = await bringUpRunInfra(session, {
    runId,
    keepKafka: process.env.CRUCIBLE_KEEP_INFRA === '1',
  });
  const env = { ...process.env, ...infraEnv, KAFKAJS_NO_PARTITIONER_WARNING: '1' };
  const result = await phase('bench', () =>
    runForeground(process.execPath, [benchEntry, ...benchArgs], {
      cwd: repoRoot,
      env,
      timeoutMs: benchTimeoutMs,
      session,
    }),
  );
  if (result.timedOut)
    log(`the bench overran its ${benchTimeoutMs / 60_000} min deadline and was stopped`);
  return exitCodeOf(result);
});
