import { isCrucibleError } from '@crucible/contracts';
import type { JobRow } from '../store/run-store';
import { causeOf, isTransient, type JobDeps } from './run-jobs';

/**
 * A claimed cancelled job whose world's stop is pending (cancel_run): asks
 * the worlds service to cancel the world's unfinished turns (cancel_turns:
 * the world and its committed turns stay readable) and records that it is
 * stopped. A world never made (its start was cancelled or refused) or
 * deleted since has nothing to stop. A transient failure (the worlds service
 * away, slow) leaves the stop to be claimed again once the lease runs out,
 * so a stop asked for is made even if this replica dies; another refusal
 * would come again on every try: it is recorded (`refused`) and logged.
 */
export async function stopWorld(deps: JobDeps, job: JobRow, owner: string): Promise<void> {
  const slug = job.world_slug;
  let outcome: 'stopped' | 'refused' = 'stopped';
  if (slug !== null) {
    try {
      await deps.worlds.cancelTurns(slug, { correlationId: causeOf(job).correlationId });
    } catch (error) {
      if (isTransient(error)) {
        deps.logger.warn(
          "a cancelled job's world could not be stopped; tried again after its lease",
          {
            job_id: job.id,
            world_slug: slug,
            error: String(error),
          },
        );
        return;
      }
      if (!(isCrucibleError(error) && error.code === 'not_found')) {
        deps.logger.error("the worlds service refused to stop a cancelled job's world", {
          job_id: job.id,
          world_slug: slug,
          error: String(error),
        });
        outcome = 'refused';
      }
    }
  }
  await deps.runs.worldStopped(job.id, owner, outcome);
}
