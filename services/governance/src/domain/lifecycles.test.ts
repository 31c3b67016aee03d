import type { DirectiveStatus, ExecutionRunStatus } from '@crucible/contracts';
import {
  DIRECTIVE_LIFECYCLE,
  EXECUTION_RUN_LIFECYCLE,
  checkTransition,
  isTerminalStatus,
  isValidTransition,
  runTimestamps,
  validNextStatuses,
} from './lifecycles';
import { manualTransitionOperation } from './manual-transitions';

const DIRECTIVE: DirectiveStatus[] = [
  'draft',
  'proposed',
  'approved',
  'blocked',
  'executing',
  'complete',
  'aborted',
];
const RUN: ExecutionRunStatus[] = ['pending', 'running', 'completed', 'failed', 'canceled'];

// The edges as docs/services/governance.md draws them, written out once more
// so a change to the lifecycle tables fails here.
const DIRECTIVE_EDGES = new Set([
  'draft>proposed',
  'proposed>approved',
  'proposed>blocked',
  'approved>executing',
  'approved>blocked',
  'executing>complete',
  'executing>aborted',
  'blocked>proposed',
]);
const RUN_EDGES = new Set([
  'pending>running',
  'pending>canceled',
  'running>completed',
  'running>failed',
  'running>canceled',
]);

describe('directive lifecycle', () => {
  it.each(DIRECTIVE.flatMap((from) => DIRECTIVE.map((to) => [from, to] as const)))(
    '%s → %s is allowed exactly when it is an edge',
    (from, to) => {
      const edge = DIRECTIVE_EDGES.has(`${from}>${to}`);
      expect(isValidTransition(DIRECTIVE_LIFECYCLE, from, to)).toBe(edge);
      if (edge)
        expect(() => checkTransition(DIRECTIVE_LIFECYCLE, from, to, '/status')).not.toThrow();
      else {
        expect(() => checkTransition(DIRECTIVE_LIFECYCLE, from, to, '/status')).toThrow(
          expect.objectContaining({
            code: 'invalid_argument',
            details: expect.objectContaining({
              reason: 'invalid_transition',
              path: '/status',
              from,
              to,
            }),
          }),
        );
      }
    },
  );

  it('has complete and aborted as its only terminal statuses', () => {
    expect(DIRECTIVE.filter((s) => isTerminalStatus(DIRECTIVE_LIFECYCLE, s))).toEqual([
      'complete',
      'aborted',
    ]);
    expect(validNextStatuses(DIRECTIVE_LIFECYCLE, 'proposed')).toEqual(['approved', 'blocked']);
    expect(DIRECTIVE_LIFECYCLE.initial).toEqual(['draft', 'proposed']);
  });

  it('leaves proposal and approval to their own operations', () => {
    expect(manualTransitionOperation('draft', 'proposed')).toBe('propose_directive');
    expect(manualTransitionOperation('blocked', 'proposed')).toBe('propose_directive');
    expect(manualTransitionOperation('proposed', 'approved')).toBe(
      'approve_directive or reject_directive',
    );
    expect(manualTransitionOperation('proposed', 'blocked')).toBe(
      'approve_directive or reject_directive',
    );
    expect(manualTransitionOperation('approved', 'executing')).toBe('transition_directive');
    expect(manualTransitionOperation('approved', 'blocked')).toBe('transition_directive');
    expect(manualTransitionOperation('executing', 'aborted')).toBe('transition_directive');
  });
});

describe('execution run lifecycle', () => {
  it.each(RUN.flatMap((from) => RUN.map((to) => [from, to] as const)))(
    '%s → %s is allowed exactly when it is an edge',
    (from, to) => {
      expect(isValidTransition(EXECUTION_RUN_LIFECYCLE, from, to)).toBe(
        RUN_EDGES.has(`${from}>${to}`),
      );
    },
  );

  it('sets started_at on running and completed_at on a terminal status', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    expect(runTimestamps('running', at)).toEqual({ started_at: at });
    for (const s of ['completed', 'failed', 'canceled'] as const) {
      expect(runTimestamps(s, at)).toEqual({ completed_at: at });
      expect(isTerminalStatus(EXECUTION_RUN_LIFECYCLE, s)).toBe(true);
    }
    expect(runTimestamps('pending', at)).toEqual({});
  });
});
