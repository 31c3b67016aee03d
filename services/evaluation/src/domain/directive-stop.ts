import { isCrucibleError } from '@crucible/contracts';

/**
 * Why governance refuses further work under a run's directive: its budget
 * is spent, its timebox ran out, or it is no longer approved (aborted,
 * completed). Each stops the whole run (docs/services/evaluation.md,
 * "Runs under a directive"): the next world or judge would be refused too.
 */
export const DIRECTIVE_STOP_REASONS = [
  'budget_exhausted',
  'timebox_expired',
  'directive_not_approved',
] as const;

export type DirectiveStopReason = (typeof DIRECTIVE_STOP_REASONS)[number];

/** The stop reason of a reason string (a turn failure's code, an error's reason), if it is one. */
export function asStopReason(reason: unknown): DirectiveStopReason | undefined {
  return DIRECTIVE_STOP_REASONS.find((r) => r === reason);
}

/** The stop reason of a refusal by governance (as worlds or governance sent it), if it is one. */
export function stopReasonOf(error: unknown): DirectiveStopReason | undefined {
  if (!isCrucibleError(error) || error.retryable) return undefined;
  return asStopReason(error.details['reason']);
}
