// Bulk-seeds stored runs with SQL (generate_series), valid for the
// evaluation service (migrations/evaluation/0001 and 0004): every tenth run
// is a clone of a real start_run run of the bench project (same suite and
// config, its jobs `reused` under keys of their own, each key with its
// result cloned from the source's); the others are create_run-style records
// (no suite, no jobs) of other projects. So the bench project's runs are
// scattered through the table, and runs, run_jobs and results all grow.
import type { Client } from 'pg';

/** One run in this many is a clone of the source run (with jobs and results). */
export const CLONE_EVERY = 10;

/** Creates the other projects the plain runs belong to; their ids. */
export async function seedProjects(pg: Client, count: number): Promise<number[]> {
  const { rows } = await pg.query<{ id: string }>(
    `insert into evaluation.projects (name)
     select 'bench project ' || g from generate_series(1, $1::int) g returning id`,
    [count],
  );
  return rows.map((row) => Number(row.id));
}

/**
 * Adds runs numbered `from`..`to` (inclusive; the number only picks the
 * kind and project), in one transaction.
 */
export async function seedRuns(
  pg: Client,
  options: { sourceRunId: number; otherProjects: readonly number[]; from: number; to: number },
): Promise<void> {
  const others = options.otherProjects;
  await pg.query('begin');
  try {
    await pg.query(
      `with src as (select * from evaluation.runs where id = $1),
            new_runs as (
              insert into evaluation.runs (project_id, scenario_suite_id, config, status, created_at, updated_at)
              select case when g % $4 = 0 then src.project_id
                          else ($5::bigint[])[1 + (g % array_length($5::bigint[], 1))] end,
                     case when g % $4 = 0 then src.scenario_suite_id end,
                     case when g % $4 = 0 then src.config else '{}'::jsonb end,
                     'completed', src.created_at, src.updated_at
                from src, generate_series($2::int, $3::int) g
              returning id, scenario_suite_id),
            clones as (select id from new_runs where scenario_suite_id is not null),
            jobs as (
              insert into evaluation.run_jobs
                (run_id, candidate, candidate_kind, scenario_hash, suite_scenario_hash, seed, turns,
                 key_hash, key, world_request, status, created_at, finished_at)
              select c.id, j.candidate, j.candidate_kind, j.scenario_hash, j.suite_scenario_hash, j.seed, j.turns,
                     encode(sha256(convert_to(j.key_hash || ':' || c.id, 'UTF8')), 'hex'),
                     j.key, j.world_request, 'reused', j.created_at, j.created_at
                from clones c cross join evaluation.run_jobs j where j.run_id = $1
              returning 1)
       insert into evaluation.results (key_hash, key, result, created_at)
       select encode(sha256(convert_to(j.key_hash || ':' || c.id, 'UTF8')), 'hex'), r.key, r.result, r.created_at
         from clones c
         cross join evaluation.run_jobs j
         join evaluation.results r on r.key_hash = j.key_hash
        where j.run_id = $1 and (select count(*) from jobs) >= 0`,
      [options.sourceRunId, options.from, options.to, CLONE_EVERY, others],
    );
    await pg.query('commit');
  } catch (error) {
    await pg.query('rollback');
    throw error;
  }
  // Vacuumed and with fresh statistics, as autovacuum leaves a store that grew
  // over time (and so that autovacuum does not start on the bulk insert while
  // the store is being timed). One statement each: vacuum runs outside a
  // transaction block, which a multi-statement query would open.
  for (const table of ['runs', 'run_jobs', 'results'])
    await pg.query(`vacuum (analyze) evaluation.${table}`);
}

/** Runs stored in all. */
export async function countRuns(pg: Client): Promise<number> {
  const { rows } = await pg.query<{ n: string }>('select count(*) as n from evaluation.runs');
  return Number(rows[0]?.n ?? 0);
}
