import { isCrucibleError, type CrucibleError } from '@crucible/contracts';
import type { Knex } from '@crucible/database';
import { RECORD_SPECS } from '../domain/record-kinds';
import type { BreakerSettings } from '../domain/circuit-breaker';
import type { Scorer } from '../domain/scorer-config';
import type { JobRow } from '../store/run-store';
import { scoreWorld, ScoringFailed, type WorldScores } from './score-world';
import type { EvaluationDeps } from '../handlers/deps';
import { stopReasonOf } from '../domain/directive-stop';
import { JudgeSpend } from './judge-spend';
import { lockRun, settleRun, stopRun, type Cause } from './run-progress';
import { withActor } from './record-events';

/** What the job flows need: the stores, the worlds client and the event builder. */
export type JobDeps = Pick<
  EvaluationDeps,
  | 'runs'
  | 'store'
  | 'results'
  | 'events'
  | 'worlds'
  | 'judges'
  | 'governance'
  | 'prices'
  | 'logger'
  | 'gates'
  | 'registry'
>;

/** The world of a job: one per job, so a retried start finds its own world again. */
export function worldSlugOf(job: Pick<JobRow, 'run_id' | 'id'>): string {
  return `eval-${job.run_id}-${job.id}`;
}

export function causeOf(job: JobRow): Cause {
  return { causationId: `run_job/${job.id}`, correlationId: `run/${job.run_id}` };
}

/** Failures worth another try after the lease runs out (the worlds service is away or slow). */
export function isTransient(error: unknown): boolean {
  return !isCrucibleError(error) || error.retryable || error.code === 'internal';
}

/** A job's run: its status, and the directive it works under (start_run's directive_id), if any. */
async function runOf(
  deps: JobDeps,
  job: JobRow,
): Promise<{ status: unknown; directiveId: string | undefined }> {
  const run = await deps.store.get(RECORD_SPECS.run, Number(job.run_id));
  const id = (run?.config as { directive_id?: unknown } | undefined)?.directive_id;
  return { status: run?.status, directiveId: typeof id === 'string' ? id : undefined };
}

/**
 * A claimed queued job: records its world's slug, creates the world (a
 * conflict on its slug is its own world, made by an earlier try) and queues
 * its turns (keyed by the job, so an earlier try's are not queued again),
 * both under the run's directive when it has one (the worlds
 * service checks and charges them). From then on the worlds service's turn
 * events move it. A transient failure leaves it to be claimed again when
 * its lease runs out; a refusal fails the job, and a refusal by the
 * directive (budget spent, ...) stops the run. A job cancelled while it
 * starts queues no turns once that is seen (its run cancelled before the
 * world is made, the job before its turns are queued); turns queued in the
 * moment between are cancelled by its world's stop (flows/world-stop.ts),
 * which waits for this lease.
 */
export async function startJob(deps: JobDeps, job: JobRow, owner: string): Promise<void> {
  const slug = worldSlugOf(job);
  const cause = causeOf(job);
  if (!(await deps.runs.setWorldSlug(job.id, owner, slug))) return;
  try {
    const run = await runOf(deps, job);
    if (run.status === 'cancelled') {
      // Its world's stop waits for this lease: let it go at once.
      await deps.runs.markWaiting(job.id, owner);
      return;
    }
    const directiveId = run.directiveId;
    const directive = directiveId === undefined ? {} : { directive_id: directiveId };
    try {
      await deps.worlds.createWorld(
        { slug, ...(job.world_request as object), ...directive } as Parameters<
          JobDeps['worlds']['createWorld']
        >[0],
        { correlationId: cause.correlationId },
      );
    } catch (error) {
      // Made by an earlier try of this job (its slug is the job's own).
      if (!(isCrucibleError(error) && error.code === 'conflict' && job.tries > 1)) {
        // Refused: no world by that slug exists, so the job's results name none.
        if (isCrucibleError(error) && !isTransient(error))
          await deps.runs.forgetWorldSlug(job.id, owner);
        throw error;
      }
    }
    if (await deps.runs.stillStarting(job.id, owner)) {
      // Keyed by the job: a try after one that queued them and died before
      // marking the job waiting queues no second set of turns.
      await deps.worlds.runTurns(
        slug,
        job.turns,
        `run-job-${job.id}`,
        { correlationId: cause.correlationId },
        directiveId,
      );
    }
    await deps.runs.markWaiting(job.id, owner);
  } catch (error) {
    if (await stoppedByDirective(deps, job, error)) return;
    if (isTransient(error)) {
      deps.logger.warn('a run job could not start; it is tried again after its lease', {
        job_id: job.id,
        error: String(error),
      });
      return;
    }
    await failJob(deps, job, error as CrucibleError, owner);
  }
}

/**
 * A claimed finishing job (its last turn is committed): reads the world at
 * that turn and the LLM usage of its turns, scores it (flows/score-world.ts),
 * stores the result under the job's key (the first stored under a key stays)
 * and finishes the job and, when it was the last, the run. A scorer that
 * cannot score fails the job: nothing is stored under its key.
 */
export async function finishJob(deps: JobDeps, job: JobRow, owner: string): Promise<void> {
  const slug = job.world_slug;
  if (slug === null) throw new Error(`finishing job ${job.id} has no world`);
  const cause = causeOf(job);
  let world;
  const usage = { llm_calls: 0, input_tokens: 0, output_tokens: 0 };
  try {
    world = await deps.worlds.getWorld(slug, job.turns, { correlationId: cause.correlationId });
    for (const attemptId of job.attempt_ids) {
      const status = await deps.worlds.turnStatus(slug, attemptId, {
        correlationId: cause.correlationId,
      });
      if (status.produced_turn === null || status.produced_turn > job.turns) continue;
      usage.llm_calls += status.usage.calls;
      usage.input_tokens += status.usage.input_tokens;
      usage.output_tokens += status.usage.output_tokens;
    }
  } catch (error) {
    if (isTransient(error)) {
      deps.logger.warn('a run job could not finish; it is tried again after its lease', {
        job_id: job.id,
        error: String(error),
      });
      return;
    }
    await failJob(deps, job, error as CrucibleError, owner);
    return;
  }
  const run = await deps.store.get(RECORD_SPECS.run, Number(job.run_id));
  const config = run?.config as
    { scorers?: Scorer[]; directive_id?: string; judge_breaker?: BreakerSettings } | undefined;
  const scorers = config?.scorers ?? [];
  let scored: WorldScores;
  try {
    scored = await scoreWorld(deps, world, scorers, {
      turns: job.turns,
      correlationId: cause.correlationId,
      candidate: job.candidate,
      ...(config?.judge_breaker !== undefined && { breaker: config.judge_breaker }),
      spend: new JudgeSpend(deps, config?.directive_id, slug, cause.correlationId),
    });
  } catch (error) {
    if (await stoppedByDirective(deps, job, error, owner)) return;
    if (error instanceof ScoringFailed) {
      // Not stored: a result without its scores must not be reused.
      await failJob(deps, job, { code: error.code, message: error.message }, owner);
      return;
    }
    if (isTransient(error)) {
      deps.logger.warn('a run job could not be scored; it is tried again after its lease', {
        job_id: job.id,
        error: String(error),
      });
      return;
    }
    await failJob(deps, job, error as CrucibleError, owner);
    return;
  }
  const spend = {
    llm_calls: usage.llm_calls + scored.judge_usage.llm_calls,
    input_tokens: usage.input_tokens + scored.judge_usage.input_tokens,
    output_tokens: usage.output_tokens + scored.judge_usage.output_tokens,
  };
  const result = {
    world_slug: slug,
    turn: world.turn,
    state_hash: world.state_hash,
    usage,
    scores: scored.scores,
    judge_usage: scored.judge_usage,
  };
  await deps.store.transaction(async (trx) => {
    await lockRun(deps, Number(job.run_id), trx);
    const updated = await deps.runs.updateUnfinished(
      job.id,
      { status: 'done', ...spend },
      trx,
      owner,
    );
    if (!updated) return; // cancelled meanwhile, or the lease went to another replica
    const stored = await deps.results.insert({ key_hash: job.key_hash, key: job.key, result }, trx);
    if (stored !== undefined) {
      await deps.store.enqueue(
        [
          deps.events.event(
            'evaluation.result_stored',
            // The run worker stores it: no outside caller's request did.
            withActor({ key_hash: job.key_hash }, {}),
            { key: job.key_hash, ...cause },
          ),
        ],
        trx,
      );
    }
    await settleRun(deps, Number(job.run_id), cause, trx);
  });
}

/**
 * When `error` is the run's directive refusing further work (budget spent,
 * timebox out, not approved), fails the job with the reason and stops the
 * run (flows/run-progress.ts, stopRun); true when it did.
 */
async function stoppedByDirective(
  deps: JobDeps,
  job: JobRow,
  error: unknown,
  owner?: string,
): Promise<boolean> {
  const reason = stopReasonOf(error);
  if (reason === undefined) return false;
  const message = (error as Error).message;
  await deps.store.transaction(async (trx) => {
    await lockRun(deps, Number(job.run_id), trx);
    // A finishing job is not among the worlds stopRun fails: it is failed here.
    await deps.runs.updateUnfinished(
      job.id,
      { status: 'failed', failure: { code: reason, message } },
      trx,
      owner,
    );
    await stopRun(deps, Number(job.run_id), { reason, message }, causeOf(job), trx);
  });
  return true;
}

/**
 * Fails a job with the refusal that stopped it (only under `owner`'s lease
 * when given), and settles its run; in `trx` when given.
 */
export async function failJob(
  deps: JobDeps,
  job: JobRow,
  error: CrucibleError | { code: string; message: string },
  owner?: string,
  trx?: Knex.Transaction,
): Promise<void> {
  const failure = { code: error.code, message: error.message };
  const write = async (t: Knex.Transaction): Promise<void> => {
    await lockRun(deps, Number(job.run_id), t);
    const updated = await deps.runs.updateUnfinished(
      job.id,
      { status: 'failed', failure },
      t,
      owner,
    );
    if (updated) await settleRun(deps, Number(job.run_id), causeOf(job), t);
  };
  if (trx !== undefined) await write(trx);
  else await deps.store.transaction(write);
}
