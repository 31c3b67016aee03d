import type { DirectiveStatus } from '@crucible/contracts';

/** The operation that owns a directive edge. */
export type EdgeOperation =
  'transition_directive' | 'propose_directive' | 'approve_directive or reject_directive';

/**
 * Which operation may move a directive along `from → to` (a valid edge):
 * into proposed only by propose_directive (which evaluates the policy), out
 * of proposed only by the policy or by a human's approve/reject; the rest
 * (execution, completion, abort, blocking an approved directive) by
 * transition_directive.
 */
export function manualTransitionOperation(
  from: DirectiveStatus,
  to: DirectiveStatus,
): EdgeOperation {
  if (to === 'proposed') return 'propose_directive';
  if (from === 'proposed') return 'approve_directive or reject_directive';
  return 'transition_directive';
}
