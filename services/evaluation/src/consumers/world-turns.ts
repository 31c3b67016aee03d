import type { EventConsumer } from '@crucible/messaging';
import type { ServiceCore } from '@crucible/runtime';
import { failJob } from '../flows/run-jobs';
import type { Knex } from '@crucible/database';
import { asStopReason } from '../domain/directive-stop';
import { lockRun, settleRun, stopRun } from '../flows/run-progress';
import type { JobRow } from '../store/run-store';
import type { EvaluationDeps } from '../handlers/deps';

/**
 * Moves run jobs on the worlds service's turn events instead of polling:
 * each event is applied once (processed_events, in the same transaction),
 * and only rows are written here (no calls inside the consumer's
 * transaction). A world's last turn makes its job finishing, for the run
 * worker to store its result; a failed turn fails the job, and a turn the
 * run's directive refused (budget_exhausted, ...) stops the run. Events of worlds
 * no job owns, or of finished jobs, change nothing.
 */
export function worldTurnsConsumer(
  core: ServiceCore,
  deps: Pick<
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
  >,
  wake: () => void,
): EventConsumer {
  return core
    .consumer('run_world_turns')
    .on('worlds.turn_committed', async (event, trx) => {
      const job = await lockedJobOf(deps, event.data.world_slug, trx);
      if (job === undefined || (job.status !== 'starting' && job.status !== 'waiting')) return;
      await deps.runs.turnCommitted(job.id, event.data.turn, event.data.attempt_id, trx);
      const cause = { causationId: event.event_id, correlationId: `run/${job.run_id}` };
      await settleRun(deps, Number(job.run_id), cause, trx);
      if (event.data.turn >= job.turns) wake();
    })
    .on('worlds.turn_failed', async (event, trx) => {
      const job = await lockedJobOf(deps, event.data.world_slug, trx);
      if (job === undefined) return;
      const reason = asStopReason(event.data.failure.code);
      if (reason !== undefined) {
        if (job.status !== 'starting' && job.status !== 'waiting') return;
        const message = `turn ${event.data.turn} failed: ${event.data.failure.message}`;
        const cause = { causationId: event.event_id, correlationId: `run/${job.run_id}` };
        await stopRun(deps, Number(job.run_id), { reason, message }, cause, trx);
        return;
      }
      const failure = {
        code: `turn_${event.data.failure.code}`,
        message: `turn ${event.data.turn} failed: ${event.data.failure.message}`,
      };
      await failJob(deps, job, failure, undefined, trx);
    });
}

/** The job of a world, read again after its run's lock is taken (lockRun: one lock order). */
async function lockedJobOf(
  deps: Pick<EvaluationDeps, 'runs' | 'store'>,
  slug: string,
  trx: Knex.Transaction,
): Promise<JobRow | undefined> {
  const job = await deps.runs.jobBySlug(slug, trx);
  if (job === undefined) return undefined;
  await lockRun(deps, Number(job.run_id), trx);
  return deps.runs.jobById(job.id, trx);
}
