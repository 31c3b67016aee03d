import {
  directiveNotApproved,
  invalidTransition,
  notAwaitingHuman,
  policyCasFailed,
  recordNotFound,
  roleExists,
  statusCasFailed,
  statusNotAllowedAtCreation,
  useOperation,
} from './governance-errors';
import { timeboxMs } from './timebox';

// Every refusal's wire shape: code, reason, path, details and message
// (docs/services/governance.md, "Failure modes").
describe('governance errors', () => {
  it.each([
    [
      invalidTransition('directive', 'draft', 'complete', ['proposed'], '/status'),
      'invalid_argument',
      {
        reason: 'invalid_transition',
        path: '/status',
        from: 'draft',
        to: 'complete',
        allowed: ['proposed'],
      },
      'directive draft → complete is not allowed; draft may go to proposed',
    ],
    [
      invalidTransition('directive', 'complete', 'draft', [], '/status'),
      'invalid_argument',
      { reason: 'invalid_transition', allowed: [] },
      'directive complete → draft is not allowed; complete may go to nothing (terminal)',
    ],
    [
      statusNotAllowedAtCreation('approved'),
      'invalid_argument',
      {
        reason: 'status_not_allowed',
        path: '/status',
        status: 'approved',
        allowed: ['draft', 'proposed'],
      },
      'a directive is created as draft or proposed, not approved: approval happens through policy, never by assertion',
    ],
    [
      useOperation('proposed', 'propose_directive'),
      'invalid_argument',
      {
        reason: 'use_operation',
        path: '/status',
        status: 'proposed',
        operation: 'propose_directive',
      },
      'a directive becomes proposed through propose_directive',
    ],
    [
      statusCasFailed('directive', 'd1', 'approved', 'executing'),
      'conflict',
      {
        reason: 'cas_failed',
        path: '/expected_status',
        id: 'd1',
        expected: 'approved',
        current: 'executing',
      },
      'directive d1: expected approved, but it is executing',
    ],
    [
      statusCasFailed('directive', 'd1', 'proposed', 'draft', '/id'),
      'conflict',
      { path: '/id' },
      'directive d1: expected proposed, but it is draft',
    ],
    [
      notAwaitingHuman('d2', 'proposed'),
      'conflict',
      { reason: 'not_awaiting_human', path: '/id', id: 'd2', status: 'proposed' },
      'directive d2 is proposed and not waiting for a human decision',
    ],
    [
      directiveNotApproved('d3', 'draft'),
      'conflict',
      { reason: 'directive_not_approved', path: '/directive_id', id: 'd3', status: 'draft' },
      'directive d3 is draft; runs are created for approved or executing directives',
    ],
    [
      policyCasFailed('aa', 'bb'),
      'conflict',
      { reason: 'cas_failed', path: '/expected_hash', expected: 'aa', current: 'bb' },
      'the active policy is bb, not aa',
    ],
    [
      roleExists('builder'),
      'conflict',
      { reason: 'role_exists', path: '/role_name', role_name: 'builder' },
      'role builder already exists',
    ],
    [
      recordNotFound('execution_run', 'r1', '/id'),
      'not_found',
      { reason: 'execution_run_not_found', path: '/id', id: 'r1' },
      'no execution run r1',
    ],
  ])('%#: %s', (error, code, details, message) => {
    expect(error.code).toBe(code);
    expect(error.details).toMatchObject(details);
    expect(error.message).toBe(message);
  });
});

describe('timeboxes', () => {
  it.each([
    ['P2D', 172_800_000],
    ['PT3H', 10_800_000],
    ['PT4M', 240_000],
    ['PT5S', 5000],
    ['P1DT1H1M1S', 90_061_000],
  ])('%s is %d ms', (timebox, ms) => {
    expect(timeboxMs(timebox)).toBe(ms);
  });

  it.each(['PT', 'P1DT', '2H', 'PT1.5H'])('refuses %s at the path given', (timebox) => {
    expect(() => timeboxMs(timebox, '/x')).toThrow(
      expect.objectContaining({
        details: expect.objectContaining({ reason: 'invalid_duration', path: '/x' }),
      }),
    );
  });
});
