#!/usr/bin/env node
// `npm run mutate [folder...]`: StrykerJS over the pure code, one folder at a
// time (docs/testing.md, "Mutation testing"). Each folder is its own Stryker
// run (stryker.config.mjs scopes `mutate` to CRUCIBLE_MUTATE_FOLDER and gives
// it its own incremental file and reports), so a change to one folder
// re-tests only that folder's changed mutants. Runs never overlap: a lock
// file keeps a second `npm run mutate` out. Not part of `npm test`: it takes
// minutes per folder.
//
//   npm run mutate                      every folder, one after another
//   npm run mutate -- libs/hashing      one folder
//   STRYKER_CONCURRENCY=2 npm run mutate   two test runners (default 1)
//   STRYKER_FORCE=1 npm run mutate      ignore the incremental files
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TARGETS, reportStem } from '../stryker.config.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const REPORTS = join('reports', 'mutation');

const wanted = process.argv.slice(2).map((arg) => arg.replace(/\/+$/, ''));
const unknown = wanted.filter(
  (arg) => !TARGETS.some((t) => t.folder === arg || t.folder.startsWith(`${arg}/`)),
);
if (unknown.length > 0) {
  console.error(
    `unknown folder(s): ${unknown.join(', ')}\nknown: ${TARGETS.map((t) => t.folder).join(', ')}`,
  );
  process.exit(2);
}
// In the order asked for (each folder once), or every folder.
const targets =
  wanted.length === 0
    ? TARGETS
    : [
        ...new Set(
          wanted.flatMap((arg) =>
            TARGETS.filter((t) => t.folder === arg || t.folder.startsWith(`${arg}/`)),
          ),
        ),
      ];

const concurrency = process.env.STRYKER_CONCURRENCY ?? '1';
mkdirSync(join(ROOT, REPORTS), { recursive: true });

// One run at a time: Stryker is heavy, and two runs would race on the reports.
const LOCK = join(ROOT, REPORTS, '.lock');
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
if (existsSync(LOCK)) {
  const holder = Number(readFileSync(LOCK, 'utf8'));
  if (Number.isInteger(holder) && alive(holder)) {
    console.error(`another npm run mutate (pid ${holder}) is running; wait for it`);
    process.exit(2);
  }
}
writeFileSync(LOCK, String(process.pid), { flag: 'w' });
// Removed on exit; a lock whose process is gone (killed) is taken over above.
// (No signal handlers: spawnSync keeps the event loop from running them, and
// Ctrl-C reaches Stryker itself through the terminal's process group.)
process.on('exit', () => rmSync(LOCK, { force: true }));

/** Mutation score of a json report: killed + timeout over all valid mutants (Stryker's definition). */
function score(reportFile) {
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  const counts = {};
  for (const file of Object.values(report.files))
    for (const mutant of file.mutants) counts[mutant.status] = (counts[mutant.status] ?? 0) + 1;
  const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
  const valid = detected + (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
  return { detected, valid, survived: counts.Survived ?? 0, noCoverage: counts.NoCoverage ?? 0 };
}

const summary = [];
let failed = false;
for (const target of targets) {
  const args = [
    'stryker',
    'run',
    'stryker.config.mjs',
    '--concurrency',
    concurrency,
    ...(process.env.STRYKER_FORCE ? ['--force'] : []),
  ];
  console.log(`\n=== ${target.folder} ===`);
  const run = spawnSync('npx', args, {
    cwd: ROOT,
    stdio: 'inherit',
    // The hashing oracle's properties run 300 cases each instead of 3,000
    // (docs/testing.md): the score is then a lower bound of the suite's.
    env: {
      CRUCIBLE_PROPERTY_RUNS: '300',
      ...process.env,
      CRUCIBLE_MUTATE_FOLDER: target.folder,
    },
  });
  const reportFile = join(ROOT, REPORTS, `${reportStem(target.folder)}.json`);
  if (run.status !== 0 || !existsSync(reportFile)) {
    failed = true;
    summary.push(`${target.folder}: stryker failed (exit ${run.status})`);
    continue;
  }
  const s = score(reportFile);
  summary.push(
    `${target.folder}: ${((100 * s.detected) / s.valid).toFixed(2)}% (${s.detected}/${s.valid}; ` +
      `${s.survived} survived, ${s.noCoverage} without coverage)`,
  );
}
console.log(
  `\nmutation scores (reports in ${REPORTS}/):\n${summary.map((line) => `  ${line}`).join('\n')}`,
);
process.exit(failed ? 1 : 0);
