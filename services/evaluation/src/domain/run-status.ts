import { conflict, type CrucibleError } from '@crucible/contracts';

/** The statuses of a run record. */
export type RunRecordStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

/**
 * Where update_run may move a run that create_run made (nobody runs it, so
 * its caller reports its status): forward only, and a final status never
 * changes. Staying is allowed (an update that sets the status it has).
 */
const NEXT: Readonly<Record<RunRecordStatus, readonly RunRecordStatus[]>> = {
  pending: ['running', 'completed', 'failed', 'cancelled'],
  running: ['completed', 'failed', 'cancelled'],
  completed: [],
  failed: [],
  cancelled: [],
};

/**
 * Whether a run is start_run's or start_gate_run's: its config names the
 * experiment it runs. Its status is theirs (the worker, cancel_run and a
 * gate's decision move it), never update_run's.
 */
export function isManagedRun(config: unknown): boolean {
  return (
    typeof config === 'object' &&
    config !== null &&
    (config as Record<string, unknown>).experiment_id !== undefined
  );
}

/**
 * Why update_run may not set `to` on this run (null: it may):
 * `conflict`/`run_managed` for a run that start_run or start_gate_run
 * manages, `conflict`/`invalid_transition` for a move NEXT does not allow;
 * both at /status.
 */
export function runStatusChangeProblem(
  run: { readonly id: number; readonly config: unknown; readonly status: string },
  to: string,
): CrucibleError | null {
  if (isManagedRun(run.config)) {
    return conflict(
      `run ${run.id} is run by the evaluation service (start_run): its status moves with its jobs, cancel_run stops it`,
      { reason: 'run_managed', path: '/status', id: run.id, status: run.status, to },
    );
  }
  if (to === run.status) return null;
  const allowed = NEXT[run.status as RunRecordStatus] ?? [];
  if (allowed.includes(to as RunRecordStatus)) return null;
  return conflict(`run ${run.id} cannot go from ${run.status} to ${to}`, {
    reason: 'invalid_transition',
    path: '/status',
    id: run.id,
    from: run.status,
    to,
  });
}
