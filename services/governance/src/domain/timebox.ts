import {
  invalidArgument,
  type DirectiveStatus,
  type ExecutionRunStatus,
} from '@crucible/contracts';

const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/**
 * A timebox (ISO 8601 duration of days, hours, minutes and seconds, checked
 * by the schema) in milliseconds; a day is 24 hours.
 */
export function timeboxMs(timebox: string, path = '/timebox'): number {
  const match = DURATION.exec(timebox);
  if (match === null || timebox === 'P' || timebox.endsWith('T')) {
    throw invalidArgument(path, 'invalid_duration', `${timebox} is not a duration such as PT2H`);
  }
  const [, d, h, m, s] = match.map((part) => Number(part ?? 0));
  return ((((d ?? 0) * 24 + (h ?? 0)) * 60 + (m ?? 0)) * 60 + (s ?? 0)) * 1000;
}

/**
 * Where a directive whose timebox ran out goes (the lifecycle's edges out
 * of a workable status): an approved one never started, so it is blocked
 * (it may be proposed again, and its next approval starts a new timebox);
 * an executing one is aborted. Any other status is left as it is.
 */
export function expiredDirectiveStatus(status: string): DirectiveStatus | undefined {
  if (status === 'approved') return 'blocked';
  if (status === 'executing') return 'aborted';
  return undefined;
}

/**
 * Where an open execution run goes when its directive's timebox runs out
 * (docs/services/governance.md, "Timeboxes"): a pending run never started
 * and now never will, so it is canceled; a running one was cut off before it
 * reached its objective, so it failed (like a job past its timeout: work was
 * done and charged without a result; canceled stays what someone withdrew).
 * A finished run is left as it is.
 */
export function expiredRunStatus(status: string): ExecutionRunStatus | undefined {
  if (status === 'pending') return 'canceled';
  if (status === 'running') return 'failed';
  return undefined;
}
