import type { RunProgress } from '@crucible/contracts';
import type { Knex } from '@crucible/database';
import type { OutboxRow } from '@crucible/messaging';
import { RECORD_SPECS } from '../domain/record-kinds';
import { DIRECTIVE_STOP_REASONS, type DirectiveStopReason } from '../domain/directive-stop';
import { isRunFinished, progressOf } from '../domain/run-progress';
import type { EvaluationDeps } from '../handlers/deps';
import type { RecordRow } from '../store/record-store';
import { decideGateRun, type GateDeps } from './gate-decisions';
import { recordEvent } from './record-events';

export type RunStatus = RunProgress['status'];

/** Causation of the events a flow writes: the request or event that led to it. */
export interface Cause {
  readonly causationId: string;
  readonly correlationId: string;
}

/** A run's progress now, read in `trx`. */
export async function readProgress(
  deps: Pick<EvaluationDeps, 'runs'>,
  runId: number,
  status: RunStatus,
  trx?: Knex.Transaction,
): Promise<RunProgress> {
  const { totals, stopped } = await deps.runs.progressCounts(runId, DIRECTIVE_STOP_REASONS, trx);
  return { run_id: runId, status, ...progressOf(totals), ...(stopped && { stopped }) };
}

/** The `evaluation.run_progressed` event (key `run/<id>`, with the run's record events). */
export function progressEvent(
  deps: Pick<EvaluationDeps, 'events'>,
  progress: RunProgress,
  cause: Cause,
): OutboxRow {
  return deps.events.event('evaluation.run_progressed', progress, {
    key: `run/${progress.run_id}`,
    causationId: cause.causationId,
    correlationId: cause.correlationId,
  });
}

/**
 * Locks a run's row for the transaction. Every transaction that changes a
 * run's jobs takes it first (cancel_run, the turn events, the worker's
 * steps), so they queue in one order and cannot deadlock.
 */
export async function lockRun(
  deps: Pick<EvaluationDeps, 'store'>,
  runId: number,
  trx: Knex.Transaction,
): Promise<RecordRow | undefined> {
  return deps.store.getForUpdate(RECORD_SPECS.run, runId, trx);
}

/**
 * Stops a run its directive refuses to go on with (budget spent, timebox
 * out, directive no longer approved), in `trx` after lockRun: every job
 * whose world has turns still to make fails with the reason (no world is
 * left half-run and no result is stored for it); jobs already finishing
 * are scored (their judges ask governance too). Settles the run: it ends
 * `failed`, its progress `stopped` by the reason.
 */
export async function stopRun(
  deps: Pick<EvaluationDeps, 'runs' | 'store' | 'events'> & GateDeps,
  runId: number,
  stop: { reason: DirectiveStopReason; message: string },
  cause: Cause,
  trx: Knex.Transaction,
): Promise<void> {
  await deps.runs.failUnfinishedWorlds(
    runId,
    { code: stop.reason, message: `the run's directive stopped it: ${stop.message}` },
    trx,
  );
  await settleRun(deps, runId, cause, trx);
}

/**
 * After a job of a running run moved, in its transaction: completes the
 * run once no job is left (failed when none gave a result, or when its
 * directive stopped it), and writes the run's progress event (and the
 * record's update event when its status moved, and a gate run's decision
 * then).
 */
export async function settleRun(
  deps: Pick<EvaluationDeps, 'runs' | 'store' | 'events'> & GateDeps,
  runId: number,
  cause: Cause,
  trx: Knex.Transaction,
): Promise<void> {
  // The run's row lock (taken before the job changed: lockRun) orders the
  // settlements of its jobs: the last sees every other job finished (each
  // statement reads what committed before it), so exactly one completes the run.
  const run = await lockRun(deps, runId, trx);
  if (run === undefined) return;
  let status = run.status as RunStatus;
  const { totals, stopped } = await deps.runs.progressCounts(runId, DIRECTIVE_STOP_REASONS, trx);
  const events: OutboxRow[] = [];
  if (status === 'running' && isRunFinished(totals)) {
    const nothing = totals.done + totals.reused === 0 && totals.failed > 0;
    status = nothing || stopped !== undefined ? 'failed' : 'completed';
    const updated = await deps.store.update(RECORD_SPECS.run, runId, { status }, undefined, trx);
    if (updated !== undefined) events.push(runUpdatedEvent(deps, updated, cause));
    // A gate run is decided as its run stops (flows/gate-decisions.ts).
    events.push(...(await decideGateRun(deps, runId, status, cause, trx)));
  }
  const progress = { run_id: runId, status, ...progressOf(totals), ...(stopped && { stopped }) };
  events.push(progressEvent(deps, progress, cause));
  await deps.store.enqueue(events, trx);
}

/** `evaluation.record_updated` of a run whose status moved. */
export function runUpdatedEvent(
  deps: Pick<EvaluationDeps, 'events'>,
  row: RecordRow,
  cause: Cause,
): OutboxRow {
  return recordEvent(
    deps,
    { requestId: cause.causationId, correlationId: cause.correlationId },
    'updated',
    { entity: 'run', id: Number(row.id), project_id: Number(row.project_id), version: row.version },
  );
}
