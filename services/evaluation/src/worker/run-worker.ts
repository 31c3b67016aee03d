import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { IdleSlots } from '@crucible/runtime';
import { finishJob, startJob, type JobDeps } from '../flows/run-jobs';
import { stopWorld } from '../flows/world-stop';
import type { JobRow } from '../store/run-store';

export interface RunWorkerOptions {
  /** Jobs worked on at once. */
  readonly concurrency: number;
  readonly leaseMs: number;
  readonly pollMs: number;
}

/**
 * Works on the run jobs every replica shares in run_jobs: a slot claims the
 * next job with work (make its world and queue its turns, store its result
 * once its last turn is in, or stop the world of a cancelled job), holds it
 * under a lease it renews every third of the lease, and lets it go. A
 * replica that dies stops renewing; once the lease runs out another claims
 * the job and does that step again (each step may run twice: the world's
 * slug is the job's own, a result's key takes the first result stored, a
 * world's turns cancelled again cancel nothing more).
 */
export class RunWorker {
  /** Identifies this worker's leases (host, pid and a random part). */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private stopping = false;
  private readonly slots: Promise<void>[] = [];
  private readonly idleSlots: IdleSlots;

  constructor(
    private readonly deps: JobDeps,
    private readonly options: RunWorkerOptions,
  ) {
    this.idleSlots = new IdleSlots(options.pollMs);
  }

  start(): Promise<void> {
    for (let i = 0; i < this.options.concurrency; i++) this.slots.push(this.loop());
    return Promise.resolve();
  }

  /** Looks for work now (a run started or was cancelled, or a job's last turn came in). */
  wake(): void {
    this.idleSlots.wake();
  }

  /** Stops claiming and waits for the steps in progress (each is short: a few requests). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await Promise.all(this.slots);
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let job: JobRow | undefined;
      try {
        job = await this.deps.runs.claimNext(this.owner, this.options.leaseMs);
      } catch (error) {
        this.deps.logger.warn('claiming a run job failed', { error: String(error) });
      }
      if (job) {
        // There may be more: the next idle slot looks at once.
        this.idleSlots.wakeOne();
        await this.work(job).catch((error: unknown) =>
          this.deps.logger.error('a run job step failed', {
            error: String(error),
            job_id: job?.id,
          }),
        );
        continue;
      }
      await this.idleSlots.idle();
    }
  }

  private async work(job: JobRow): Promise<void> {
    const { deps, options } = this;
    const heartbeat = setInterval(
      () => {
        deps.runs
          .heartbeat(job.id, this.owner, options.leaseMs)
          .catch((error: unknown) =>
            deps.logger.warn('run job heartbeat failed', { error: String(error) }),
          );
      },
      Math.max(50, Math.floor(options.leaseMs / 3)),
    );
    try {
      if (job.status === 'finishing') await finishJob(deps, job, this.owner);
      else if (job.status === 'cancelled') await stopWorld(deps, job, this.owner);
      else await startJob(deps, job, this.owner);
    } finally {
      clearInterval(heartbeat);
    }
  }
}
