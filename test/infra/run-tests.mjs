#!/usr/bin/env node
// `npm test [-- <jest args>]`: builds the repo, brings up Postgres (a fresh
// database), NATS and Kafka for this run, runs jest with the CRUCIBLE_TEST_*
// variables set, then stops what it started and drops the run's databases.
//
// Environment:
//   CRUCIBLE_KEEP_INFRA=1               leave the Kafka broker this run started
//                                       running for later runs (stop it with
//                                       `npm run infra:down`)
//   CRUCIBLE_TEST_RUN_TIMEOUT_MINUTES   deadline for jest (default 60)
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { infraStateDir, repoRoot } from './paths.mjs';
import { runForeground } from './processes.mjs';
import { log, phase } from './report.mjs';
import { Session } from './session.mjs';
import { bringUpRunInfra, newRunId } from './stack.mjs';
import { buildAll, exitCodeOf, jestBin } from './toolchain.mjs';

const jestArgs = process.argv.slice(2);
const jestTimeoutMs = Number(process.env.CRUCIBLE_TEST_RUN_TIMEOUT_MINUTES ?? 60) * 60_000;

/** False when `--selectProjects` names only projects that need no servers. */
function needsInfrastructure(args) {
  const selected = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg.startsWith('--selectProjects='))
      selected.push(...arg.slice('--selectProjects='.length).split(','));
    else if (arg === '--selectProjects')
      for (; args[i + 1] && !args[i + 1].startsWith('-'); i += 1) selected.push(args[i + 1]);
  }
  return selected.length === 0 || selected.includes('integration');
}

// Jest's own summary is not a line CI reads, so we print "N passed, N failed"
// from its JSON results; skipped when the arguments already use --json or do
// not run tests at all.
const NO_SUMMARY_FLAGS = [
  '--json',
  '--outputFile',
  '--listTests',
  '--showConfig',
  '--help',
  '-h',
  '--version',
  '--watch',
  '--watchAll',
  '--clearCache',
];

function wantsSummary(args) {
  return !args.some((arg) =>
    NO_SUMMARY_FLAGS.some((flag) => arg === flag || arg.startsWith(`${flag}=`)),
  );
}

function printSummary(resultsFile) {
  try {
    const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(
      `jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`,
    );
  } catch {
    log('jest wrote no results file: no summary line');
  } finally {
    rmSync(resultsFile, { force: true });
  }
}

await new Session().run(async (session) => {
  const runId = newRunId();
  log(`run ${runId}: jest ${jestArgs.join(' ') || '(all projects)'}`);
  await buildAll(session);

  let infraEnv = {};
  if (needsInfrastructure(jestArgs)) {
    infraEnv = await bringUpRunInfra(session, {
      runId,
      keepKafka: process.env.CRUCIBLE_KEEP_INFRA === '1',
    });
  } else {
    log('only projects without servers selected: not bringing up infrastructure');
  }

  mkdirSync(infraStateDir, { recursive: true });
  const resultsFile = path.join(infraStateDir, `jest-results-${runId}.json`);
  const summary = wantsSummary(jestArgs);
  const args = [
    jestBin,
    ...(summary ? ['--json', `--outputFile=${resultsFile}`] : []),
    ...jestArgs,
  ];
  const env = {
    ...process.env,
    ...infraEnv,
    // Lets tests import() ESM-only packages (PGlite, test oracles): jest's
    // module registry refuses dynamic import() without it.
    NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules'].filter(Boolean).join(' '),
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
  };
  const result = await phase('jest', () =>
    runForeground(process.execPath, args, {
      cwd: repoRoot,
      env,
      timeoutMs: jestTimeoutMs,
      session,
    }),
  );
  if (result.timedOut)
    log(`jest overran its ${jestTimeoutMs / 60_000} min deadline and was stopped`);
  if (summary) printSummary(resultsFile);
  return exitCodeOf(result);
});
