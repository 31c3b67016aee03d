import { RELAXED_COMMIT, type Knex, type NamedStatement, type ServiceDb } from '@crucible/database';
import type { EventStatement, Outbox, OutboxRow } from '@crucible/messaging';
import type { JobCounts } from '../domain/run-progress';
import type { RecordRow } from './record-store';

export type JobStatus =
  'queued' | 'starting' | 'waiting' | 'finishing' | 'done' | 'reused' | 'failed' | 'cancelled';

/** Statuses a job never leaves. */
export const FINISHED_JOB_STATUSES: readonly JobStatus[] = [
  'done',
  'reused',
  'failed',
  'cancelled',
];

/** A row of run_jobs (BIGINT columns as pg returns them: text). */
export interface JobRow {
  id: string;
  run_id: string;
  candidate: string;
  /** mind, profile or fork (domain/run-plan.ts CandidateKind). */
  candidate_kind: 'mind' | 'profile' | 'fork';
  /** The scenario its world runs on: the suite's, or the candidate's fork of it. */
  scenario_hash: string;
  /** The suite's scenario it stands for (scenario_hash for a mind candidate). */
  suite_scenario_hash: string;
  seed: string;
  turns: number;
  key_hash: string;
  key: Record<string, unknown>;
  world_request: Record<string, unknown>;
  status: JobStatus;
  world_slug: string | null;
  turns_done: number;
  attempt_ids: number[];
  llm_calls: string;
  input_tokens: string;
  output_tokens: string;
  failure: Record<string, unknown> | null;
  /**
   * A cancelled job's world: its unfinished turns are to be cancelled
   * (pending), were (stopped), or the worlds service refused (refused); null
   * when there was none to stop.
   */
  world_stop: 'pending' | 'stopped' | 'refused' | null;
  lease_owner: string | null;
  lease_until: Date | null;
  tries: number;
  created_at: Date;
  finished_at: Date | null;
}

/** A job of a run being stored: queued for the worker, or reused (its result is stored). */
export type NewRunJob = Pick<
  JobRow,
  | 'candidate'
  | 'candidate_kind'
  | 'scenario_hash'
  | 'suite_scenario_hash'
  | 'turns'
  | 'key_hash'
  | 'key'
  | 'world_request'
> & { seed: number; status: 'queued' | 'reused' };

/** The `runs` record of a run being stored (its other columns take their defaults). */
export interface NewRun {
  readonly project_id: number;
  readonly scenario_suite_id: number | null;
  readonly config: Record<string, unknown>;
  readonly status: string;
}

/** Sums over a run's jobs (progress). */
export type JobTotals = JobCounts;

/** A run's job counts and the failure that stopped it, if one did (progressCounts). */
export interface JobProgressCounts<R extends string> {
  readonly totals: JobTotals;
  readonly stopped?: { reason: R; message: string };
}

/** What get_run_progress reads of a run (runProgress). */
export interface RunProgressRow<R extends string> {
  readonly status: string;
  readonly directiveId?: string;
  /** Absent while the run is running, unless asked for. */
  readonly counts?: JobProgressCounts<R>;
}

/** The counts statement's row: bigint sums as text (or JSON numbers through row_to_json). */
type CountsRow = Record<keyof JobCounts, string | number | null> & {
  stopped: { code: string; message: string } | null;
};

/**
 * Sums over the jobs of run `runId` (an SQL expression), and the failure
 * of the earliest finished failed job whose code is in `stopCodes` (an
 * SQL text[] expression).
 */
function countsSql(jobs: string, runId: string, stopCodes: string): string {
  return `select count(*) as jobs,
          count(*) filter (where status = 'queued') as queued,
          count(*) filter (where status in ('starting', 'waiting', 'finishing')) as running,
          count(*) filter (where status = 'done') as done,
          count(*) filter (where status = 'reused') as reused,
          count(*) filter (where status = 'failed') as failed,
          count(*) filter (where status = 'cancelled') as cancelled,
          coalesce(sum(turns) filter (where status <> 'reused'), 0) as turns_total,
          coalesce(sum(turns_done), 0) as turns_done,
          coalesce(sum(greatest(turns - turns_done, 0))
            filter (where status in ('queued', 'starting', 'waiting', 'finishing')), 0) as turns_left,
          coalesce(sum(llm_calls), 0) as llm_calls,
          coalesce(sum(input_tokens), 0) as input_tokens,
          coalesce(sum(output_tokens), 0) as output_tokens,
          (select f.failure from ${jobs} f
            where f.run_id = ${runId} and f.status = 'failed'
              and f.failure->>'code' = any(${stopCodes}::text[])
            order by f.finished_at asc, f.id asc
            limit 1) as stopped
     from ${jobs} where run_id = ${runId}`;
}

function countsOf<R extends string>(row: CountsRow | undefined): JobProgressCounts<R> {
  const n = (field: keyof JobCounts): number => Number(row?.[field] ?? 0);
  const totals: JobTotals = {
    jobs: n('jobs'),
    queued: n('queued'),
    running: n('running'),
    done: n('done'),
    reused: n('reused'),
    failed: n('failed'),
    cancelled: n('cancelled'),
    turns_total: n('turns_total'),
    turns_done: n('turns_done'),
    turns_left: n('turns_left'),
    llm_calls: n('llm_calls'),
    input_tokens: n('input_tokens'),
    output_tokens: n('output_tokens'),
  };
  const stopped = row?.stopped;
  return stopped === null || stopped === undefined
    ? { totals }
    : { totals, stopped: { reason: stopped.code as R, message: stopped.message.slice(0, 2000) } };
}

const JOBS = 'run_jobs';

/** The values of the run insert's `$1`..`$6`. */
function runValues(run: NewRun & { id: number }, jobs: readonly NewRunJob[]): unknown[] {
  return [
    run.id,
    run.project_id,
    run.scenario_suite_id,
    JSON.stringify(run.config),
    run.status,
    JSON.stringify(jobs),
  ];
}

/** Data access of run jobs; every method takes its transaction last. */
export class RunStore {
  private readonly countsStatement: NamedStatement;
  private readonly runProgressStatement: NamedStatement;
  private readonly insertRunStatement: NamedStatement;
  private readonly insertRunWithEventsStatement: EventStatement;
  private readonly nextRunIdAndStoredStatement: NamedStatement;

  constructor(
    private readonly db: ServiceDb,
    private readonly outbox: Outbox,
  ) {
    const jobs = db.quotedTable(JOBS);
    const runs = db.quotedTable('runs');
    // Data-modifying CTEs always run; the jobs are inserted in array order.
    const insertCtes = `run as (
         insert into ${runs} (id, project_id, scenario_suite_id, config, status)
         values ($1, $2, $3, $4::jsonb, $5) returning *
       ), jobs as (
         insert into ${jobs} (run_id, candidate, candidate_kind, scenario_hash,
                              suite_scenario_hash, seed, turns, key_hash, key,
                              world_request, status, finished_at)
         select run.id, j->>'candidate', j->>'candidate_kind', j->>'scenario_hash',
                j->>'suite_scenario_hash', (j->>'seed')::bigint, (j->>'turns')::integer,
                j->>'key_hash', j->'key', j->'world_request', j->>'status',
                case when j->>'status' = 'reused' then now() end
           from run, jsonb_array_elements($6::jsonb) with ordinality as e(j, n)
          order by e.n
       )`;
    this.insertRunStatement = db.statement(
      'runs_insert_with_jobs',
      `with ${insertCtes} select * from run`,
    );
    this.insertRunWithEventsStatement = outbox.withEventWhen('runs_insert_with_jobs_events', {
      ctes: insertCtes,
      when: 'run',
      select: 'select * from run',
      valueCount: 6,
    });
    // A run's id and which of its result keys have a stored result, in one round trip.
    this.nextRunIdAndStoredStatement = db.statement(
      'runs_next_id_and_stored_keys',
      `select nextval(pg_get_serial_sequence('${runs.replace(/'/g, "''")}', 'id')) as id,
              array(select r.key_hash from ${db.quotedTable('results')} r
                     where r.key_hash = any($1::text[])) as stored`,
    );
    this.countsStatement = db.statement('run_jobs_progress_counts', countsSql(jobs, '$1', '$2'));
    // The counts are read only when the run is not running (or asked for):
    // CASE evaluates only the branch it takes, so a waiting poll reads one row.
    this.runProgressStatement = db.statement(
      'runs_progress',
      `select r.status, r.config->'directive_id' as directive_id,
              case when r.status <> 'running' or $3::boolean
                   then (select row_to_json(c) from (${countsSql(jobs, 'r.id', '$2')}) c)
              end as counts
         from ${db.quotedTable('runs')} r
        where r.id = $1`,
    );
  }

  /**
   * An id for a run about to be inserted (runs take their ids before their
   * events are built) and which of `keyHashes` have a stored result (their
   * key hashes only), in one statement: a run's jobs are planned and its id
   * taken in one round trip.
   */
  async nextRunIdAndStoredKeys(
    keyHashes: readonly string[],
  ): Promise<{ id: number; stored: ReadonlySet<string> }> {
    const [row] = await this.db.run<{ id: string; stored: string[] }>(
      this.nextRunIdAndStoredStatement,
      [[...keyHashes]],
    );
    if (row === undefined) throw new Error('nextval returned no row');
    return { id: Number(row.id), stored: new Set(row.stored) };
  }

  /**
   * Inserts a run's `runs` record (under an id from `nextRunIdAndStoredKeys`) and its
   * jobs, in the order given (their ids follow it), in one statement; a
   * reused job is finished as it is stored. Returns the record.
   */
  async insertRun(
    run: NewRun & { id: number },
    jobs: readonly NewRunJob[],
    trx: Knex.Transaction,
  ): Promise<RecordRow> {
    const [row] = await this.db.run<RecordRow>(this.insertRunStatement, runValues(run, jobs), trx);
    if (row === undefined) throw new Error('inserting a run returned no row');
    return row;
  }

  /**
   * `insertRun` and the run's `events` in one statement of its own (its own
   * transaction: no BEGIN, outbox insert or COMMIT of their own); the relay
   * is woken when it returns.
   */
  async insertRunWithEvents(
    run: NewRun & { id: number },
    jobs: readonly NewRunJob[],
    events: readonly OutboxRow[],
  ): Promise<RecordRow> {
    const [row] = await this.outbox.runReturning<RecordRow>(
      this.insertRunWithEventsStatement,
      runValues(run, jobs),
      events,
    );
    if (row === undefined) throw new Error('inserting a run returned no row');
    return row;
  }

  /**
   * Claims the next job with work for a worker: queued (its world is to be
   * made: it becomes starting), finishing (its result is to be stored),
   * cancelled with its world's stop pending (its world's turns are to be
   * cancelled), or any of those on an expired lease (its replica died, or a
   * cancelled job's starter still holds it); skipping rows another replica
   * is claiming (FOR UPDATE SKIP LOCKED). Its commit does not wait for the
   * disk (RELAXED_COMMIT): a claim that Postgres's crash takes back is made
   * again, and every step of a job is safe to repeat.
   */
  async claimNext(owner: string, leaseMs: number): Promise<JobRow | undefined> {
    const table = this.db.qualified(JOBS);
    const result = await this.db.knex.raw<{ rows: JobRow[] }>(
      `update ?? as j
          set status = case when j.status = 'queued' then 'starting' else j.status end, lease_owner = ?, lease_until = now() + (? * interval '1 millisecond'),
              tries = j.tries + 1
         from ${RELAXED_COMMIT}
        where j.id = (
          select c.id from ?? c
           where c.status = 'queued'
              or (c.status in ('starting', 'finishing')
                  and (c.lease_until is null or c.lease_until < now()))
              or (c.world_stop = 'pending'
                  and (c.lease_until is null or c.lease_until < now()))
           order by c.id
           limit 1
           for update skip locked)
        returning j.*`,
      [table, owner, leaseMs, table],
    );
    return result.rows[0];
  }

  /** Records the world slug of a starting job (before its turns are queued, so their events find it). */
  async setWorldSlug(id: string, owner: string, slug: string): Promise<boolean> {
    const n = await this.db
      .table(JOBS)
      .where({ id, lease_owner: owner, status: 'starting' })
      .update({ world_slug: slug });
    return n > 0;
  }

  /** Forgets the slug of a starting job whose world was refused (no such world exists). */
  async forgetWorldSlug(id: string, owner: string): Promise<void> {
    await this.db
      .table(JOBS)
      .where({ id, lease_owner: owner, status: 'starting' })
      .update({ world_slug: null });
  }

  /**
   * starting -> waiting (the turns are queued); its turn events finish it
   * from here. A job cancelled while it started is only let go: its world's
   * stop, which waited for this lease, may be claimed now.
   */
  async markWaiting(id: string, owner: string): Promise<void> {
    await this.db
      .table(JOBS)
      .where({ id, lease_owner: owner })
      .whereIn('status', ['starting', 'cancelled'])
      .update({
        status: this.db.knex.raw(`case when status = 'starting' then 'waiting' else status end`),
        lease_owner: null,
        lease_until: null,
      });
  }

  /**
   * Whether a job is still starting under `owner`'s lease (not cancelled
   * meanwhile): read just before its turns are queued.
   */
  async stillStarting(id: string, owner: string): Promise<boolean> {
    const row = await this.db
      .table(JOBS)
      .where({ id, lease_owner: owner, status: 'starting' })
      .first<{ id: string } | undefined>('id');
    return row !== undefined;
  }

  /** Records how a cancelled job's world stop ended, and lets the job go. */
  async worldStopped(id: string, owner: string, outcome: 'stopped' | 'refused'): Promise<void> {
    await this.db
      .table(JOBS)
      .where({ id, lease_owner: owner, world_stop: 'pending' })
      .update({ world_stop: outcome, lease_owner: null, lease_until: null });
  }

  /** Hands a starting job back to the queue (the replica stops, or the call may be retried). */
  async release(id: string, owner: string): Promise<void> {
    await this.db
      .table(JOBS)
      .where({ id, lease_owner: owner, status: 'starting' })
      .update({ status: 'queued', lease_owner: null, lease_until: null });
  }

  async heartbeat(id: string, owner: string, leaseMs: number): Promise<boolean> {
    const n = await this.db
      .table(JOBS)
      .where({ id, lease_owner: owner })
      // A cancelled job is held while it starts (its stop waits) and while its world is stopped.
      .whereIn('status', ['starting', 'finishing', 'cancelled'])
      .update({
        lease_until: this.db.knex.raw(`now() + (? * interval '1 millisecond')`, [leaseMs]),
      });
    return n > 0;
  }

  /**
   * A committed turn of a job's world (turn_committed): turns done, its
   * attempt remembered; at the job's last turn it becomes finishing (a
   * worker stores its result). Only while the job waits or starts (its
   * events may come before the worker recorded that the turns are queued).
   */
  async turnCommitted(
    id: string,
    turn: number,
    attemptId: number,
    trx: Knex.Transaction,
  ): Promise<void> {
    await trx.raw(
      `update ?? set turns_done = greatest(turns_done, least(?, turns)),
              attempt_ids = case when attempt_ids @> ?::jsonb then attempt_ids
                                 else attempt_ids || ?::jsonb end,
              status = case when ? >= turns then 'finishing' else status end,
              lease_owner = case when ? >= turns then null else lease_owner end,
              lease_until = case when ? >= turns then null else lease_until end
        where id = ? and status in ('starting', 'waiting')`,
      [
        this.db.qualified(JOBS),
        turn,
        JSON.stringify([attemptId]),
        JSON.stringify([attemptId]),
        turn,
        turn,
        turn,
        id,
      ],
    );
  }

  /** The job of a world. */
  async jobBySlug(slug: string, trx?: Knex.Transaction): Promise<JobRow | undefined> {
    return this.db.table(JOBS, trx).where('world_slug', slug).first<JobRow | undefined>('*');
  }

  async jobById(id: string | number, trx?: Knex.Transaction): Promise<JobRow | undefined> {
    return this.db.table(JOBS, trx).where('id', id).first<JobRow | undefined>('*');
  }

  /**
   * Applies `changes` to an unfinished job (held by `owner`'s lease when
   * given); false when it had finished already or the lease is another's.
   */
  async updateUnfinished(
    id: string,
    changes: Record<string, unknown>,
    trx: Knex.Transaction,
    owner?: string,
  ): Promise<boolean> {
    const row = { ...changes };
    if ('failure' in row) row.failure = JSON.stringify(row.failure);
    const ending =
      typeof row.status === 'string' && FINISHED_JOB_STATUSES.includes(row.status as JobStatus);
    const query = this.db
      .table(JOBS, trx)
      .where('id', id)
      .whereNotIn('status', [...FINISHED_JOB_STATUSES]);
    if (owner !== undefined) query.andWhere('lease_owner', owner);
    const n = await query.update({
      ...row,
      ...(ending && {
        finished_at: this.db.knex.raw('now()'),
        lease_owner: null,
        lease_until: null,
      }),
    });
    return n > 0;
  }

  /**
   * Cancels every unfinished job of a run; how many. A job whose world may
   * exist (its slug is recorded) has its world's stop pending; a starting
   * one keeps its starter's lease, so the stop is claimed only once the
   * starter has let it go (or died): turns it queues meanwhile are stopped
   * too. (On the right of SET, `status` and `world_slug` are the old values.)
   */
  async cancelJobs(runId: number, trx: Knex.Transaction): Promise<number> {
    const raw = (sql: string) => this.db.knex.raw(sql);
    return this.db
      .table(JOBS, trx)
      .where('run_id', runId)
      .whereNotIn('status', [...FINISHED_JOB_STATUSES])
      .update({
        status: 'cancelled',
        finished_at: raw('now()'),
        world_stop: raw(`case when world_slug is not null then 'pending' end`),
        lease_owner: raw(
          `case when status = 'starting' and world_slug is not null then lease_owner end`,
        ),
        lease_until: raw(
          `case when status = 'starting' and world_slug is not null then lease_until end`,
        ),
      });
  }

  /**
   * Fails the jobs of a run that have not made their world's turns yet
   * (queued, starting, waiting) with `failure`; how many. Finishing jobs
   * (every turn committed) are left to be scored.
   */
  async failUnfinishedWorlds(
    runId: number,
    failure: { code: string; message: string },
    trx: Knex.Transaction,
  ): Promise<number> {
    return this.db
      .table(JOBS, trx)
      .where('run_id', runId)
      .whereIn('status', ['queued', 'starting', 'waiting'])
      .update({
        status: 'failed',
        failure: JSON.stringify(failure),
        finished_at: this.db.knex.raw('now()'),
        lease_owner: null,
        lease_until: null,
      });
  }

  /**
   * A run's job counts and the first failure whose code is one of
   * `stopCodes` (a stopped run's reason), in one statement.
   */
  async progressCounts<R extends string>(
    runId: number,
    stopCodes: readonly R[],
    trx?: Knex.Transaction,
  ): Promise<JobProgressCounts<R>> {
    const [row] = await this.db.run<CountsRow>(this.countsStatement, [runId, [...stopCodes]], trx);
    return countsOf<R>(row);
  }

  /**
   * A run's status, its `config.directive_id`, and its job counts (as
   * progressCounts) unless it is still running and `evenRunning` is false,
   * in one statement; undefined when there is no such run.
   */
  async runProgress<R extends string>(
    runId: number,
    stopCodes: readonly R[],
    options: { evenRunning: boolean },
  ): Promise<RunProgressRow<R> | undefined> {
    const [row] = await this.db.run<{
      status: string;
      directive_id: unknown;
      counts: CountsRow | null;
    }>(this.runProgressStatement, [runId, [...stopCodes], options.evenRunning]);
    if (row === undefined) return undefined;
    return {
      status: row.status,
      directiveId: typeof row.directive_id === 'string' ? row.directive_id : undefined,
      ...(row.counts !== null && { counts: countsOf<R>(row.counts) }),
    };
  }

  /** A run's jobs in id order after `afterId`. */
  async listJobs(
    runId: number,
    page: { afterId?: number; limit: number },
    trx?: Knex.Transaction,
  ): Promise<JobRow[]> {
    const query = this.db.table(JOBS, trx).where('run_id', runId);
    if (page.afterId !== undefined) query.andWhere('id', '>', page.afterId);
    return query.orderBy('id').limit(page.limit).select<JobRow[]>('*');
  }
}
