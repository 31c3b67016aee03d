import type { DirectiveStatus, ExecutionRunStatus } from '@crucible/contracts';
import { invalidTransition } from './governance-errors';

/**
 * A lifecycle: its statuses, where each may go next (empty: terminal) and
 * the statuses a record may start in. Pure data; the functions below are the
 * one place that decides whether a status may change (docs/services/governance.md, "Lifecycles").
 */
export interface Lifecycle<S extends string> {
  readonly kind: 'directive' | 'execution_run';
  readonly initial: readonly S[];
  readonly edges: Readonly<Record<S, readonly S[]>>;
}

/** draft → proposed → approved | blocked; approved → executing | blocked; executing → complete | aborted; blocked → proposed. */
export const DIRECTIVE_LIFECYCLE: Lifecycle<DirectiveStatus> = {
  kind: 'directive',
  initial: ['draft', 'proposed'],
  edges: {
    draft: ['proposed'],
    proposed: ['approved', 'blocked'],
    approved: ['executing', 'blocked'],
    executing: ['complete', 'aborted'],
    blocked: ['proposed'],
    complete: [],
    aborted: [],
  },
};

/**
 * pending → running → completed | failed | canceled, and pending → canceled
 * (beyond the seed: a run that will never start, such as one whose
 * directive's timebox ran out, ends without a started_at it never had).
 */
export const EXECUTION_RUN_LIFECYCLE: Lifecycle<ExecutionRunStatus> = {
  kind: 'execution_run',
  initial: ['pending'],
  edges: {
    pending: ['running', 'canceled'],
    running: ['completed', 'failed', 'canceled'],
    completed: [],
    failed: [],
    canceled: [],
  },
};

/** Where `status` may go next (empty for a terminal status). */
export function validNextStatuses<S extends string>(
  lifecycle: Lifecycle<S>,
  status: S,
): readonly S[] {
  return lifecycle.edges[status];
}

/** Whether nothing follows `status`. */
export function isTerminalStatus<S extends string>(lifecycle: Lifecycle<S>, status: S): boolean {
  return lifecycle.edges[status].length === 0;
}

/** Whether `from → to` is an edge of the lifecycle. */
export function isValidTransition<S extends string>(
  lifecycle: Lifecycle<S>,
  from: S,
  to: S,
): boolean {
  return lifecycle.edges[from].includes(to);
}

/**
 * The one check every status change goes through: `from → to` must be an
 * edge, else `invalid_argument`/`invalid_transition` at `path` (the
 * request's target status), naming where `from` may go.
 */
export function checkTransition<S extends string>(
  lifecycle: Lifecycle<S>,
  from: S,
  to: S,
  path: string,
): void {
  if (!isValidTransition(lifecycle, from, to)) {
    throw invalidTransition(lifecycle.kind, from, to, validNextStatuses(lifecycle, from), path);
  }
}

/** The timestamps an execution run's transition sets: started_at on running, completed_at on a terminal status. */
export function runTimestamps(
  to: ExecutionRunStatus,
  at: Date,
): { started_at?: Date; completed_at?: Date } {
  if (to === 'running') return { started_at: at };
  if (isTerminalStatus(EXECUTION_RUN_LIFECYCLE, to)) return { completed_at: at };
  return {};
}
