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
//
// Jest's JSON results of the last KEPT_RESULTS runs stay in
// .cache/infra/jest-results-<runId>.json (every test, its status and failure
// messages), for reading a failure after the output has scrolled away.
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { infraStateDir, repoRoot } from './paths.mjs';
import { runForeground } from './processes.mjs';
import { log, phase } from './report.mjs';
import { Session } from './session.mjs';
import { bringUpRunInfra, newRunId } from './stack.mjs';
import { buildAll, exitCodeOf, jestBin } from './toolchain.mjs';

const jestArgs = process.argv.slice(2);
const jestTimeoutMs = Number(process.env.CRUCIBLE_TEST_RUN_TIMEOUT_MINUTES ?? 60) * 60_000;
const KEPT_RESULTS = 10;
// How long jest may take to exit after writing its results (closing what the
// last suites opened) before it is stopped: one leaked handle from any suite
// used to hold the whole run open until the deadline above.
const LINGER_GRACE_MS = 60_000;
const RESULTS_FILE = /^jest-results-[a-z0-9]+\.json$/;

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
  const shown = path.relative(process.cwd(), resultsFile);
  try {
    const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(
      `jest: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped (results kept in ${shown})\n`,
    );
  } catch {
    log('jest wrote no results file: no summary line');
  }
}

/** 0 when jest's results say every suite passed, else 1 (also when unreadable). */
function verdictOf(resultsFile) {
  try {
    return JSON.parse(readFileSync(resultsFile, 'utf8')).success === true ? 0 : 1;
  } catch {
    return 1;
  }
}

/** Deletes the results files of all but the newest KEPT_RESULTS runs. */
function pruneResults() {
  const files = readdirSync(infraStateDir)
    .filter((name) => RESULTS_FILE.test(name))
    .map((name) => path.join(infraStateDir, name))
    .map((file) => ({ file, mtime: statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { file } of files.slice(KEPT_RESULTS)) rmSync(file, { force: true });
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
      ...(summary ? { linger: { file: resultsFile, graceMs: LINGER_GRACE_MS } } : {}),
    }),
  );
  if (result.timedOut)
    log(`jest overran its ${jestTimeoutMs / 60_000} min deadline and was stopped`);
  if (result.lingered)
    log(
      `WARNING: jest wrote its results but had not exited ${LINGER_GRACE_MS / 1000} s later, ` +
        'so it was stopped: a test left a connection, timer or child process open ' +
        '(find it with `npm test -- <suite> --detectOpenHandles`); the verdict is its results',
    );
  if (summary) {
    printSummary(resultsFile);
    pruneResults();
  }
  return result.lingered ? verdictOf(resultsFile) : exitCodeOf(result);
});
