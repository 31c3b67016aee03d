import { CrucibleError } from '@crucible/contracts';
import { asStopReason, stopReasonOf } from './directive-stop';

describe('directive stops', () => {
  it('knows the refusals that stop a run, by their reason', () => {
    const refusal = (code: 'conflict' | 'resource_exhausted', reason: string, retryable = false) =>
      new CrucibleError(code, 'refused', { reason, path: '/directive_id' }, { retryable });
    expect(stopReasonOf(refusal('resource_exhausted', 'budget_exhausted'))).toBe(
      'budget_exhausted',
    );
    expect(stopReasonOf(refusal('conflict', 'timebox_expired'))).toBe('timebox_expired');
    expect(stopReasonOf(refusal('conflict', 'directive_not_approved'))).toBe(
      'directive_not_approved',
    );
    // A refusal worth another try, another reason, or no error of ours: no stop.
    expect(stopReasonOf(refusal('resource_exhausted', 'budget_exhausted', true))).toBeUndefined();
    expect(stopReasonOf(refusal('conflict', 'cas_failed'))).toBeUndefined();
    expect(stopReasonOf(new Error('budget_exhausted'))).toBeUndefined();
  });

  it('reads a turn failure code as a stop reason only when it is one', () => {
    expect(asStopReason('budget_exhausted')).toBe('budget_exhausted');
    expect(asStopReason('governance_unavailable')).toBeUndefined();
    expect(asStopReason(undefined)).toBeUndefined();
  });
});
