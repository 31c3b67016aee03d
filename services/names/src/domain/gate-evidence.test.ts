import type { CheckNameGateReply, GateRun } from '@crucible/contracts';
import { gateEvidence } from './gate-evidence';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const move = { name: 'prod', from: A, to: B, path: '' };

function run(overrides: Partial<GateRun> = {}): GateRun {
  return {
    run_id: 7,
    name: 'prod',
    gate_version: 2,
    from_hash: A,
    to_hash: B,
    decision: 'pass',
    run_status: 'completed',
    scores: [
      {
        score: 'quality',
        current: { mean: 2, low: 2, high: 2, n: 2 },
        candidate: { mean: 4, low: 4, high: 4, n: 2 },
        difference: null,
      },
    ],
    checks: [],
    reasons: [],
    actor: 'admin',
    created_at: '2026-01-01T00:00:00.000Z',
    decided_at: '2026-01-01T00:00:01.000Z',
    ...overrides,
  };
}

const reply = (gateRun: GateRun | null, version = 2): CheckNameGateReply => ({
  name: 'prod',
  gated: true,
  gate_version: version,
  gate_run: gateRun,
});

function refusal(r: CheckNameGateReply): Record<string, unknown> {
  try {
    gateEvidence(move, r);
  } catch (error) {
    return { code: (error as { code: string }).code, ...(error as { details: object }).details };
  }
  throw new Error('not refused');
}

describe('gateEvidence', () => {
  it('lets a move of an ungated name through with no evidence', () => {
    expect(
      gateEvidence(move, { name: 'prod', gated: false, gate_version: null, gate_run: null }),
    ).toBeNull();
  });

  it('a passed run of this very move under the current version is the evidence', () => {
    expect(gateEvidence(move, reply(run()))).toEqual({
      run_id: 7,
      gate_version: 2,
      decision: 'pass',
      scores: [{ score: 'quality', current_mean: 2, candidate_mean: 4 }],
    });
  });

  it.each([
    ['no run', reply(null), { gate_run_id: null, decision: null }, /start_gate_run/],
    [
      'a failed run',
      reply(run({ decision: 'fail', reasons: ['too few'] })),
      { gate_run_id: 7, decision: 'fail' },
      /too few/,
    ],
    [
      'a pending run',
      reply(run({ decision: 'pending', run_status: 'running' })),
      { decision: 'pending' },
      /not decided/,
    ],
    ['another move', reply(run({ to_hash: A, from_hash: B })), { gate_run_id: 7 }, /is for moving/],
    ['another name', reply(run({ name: 'other' })), { gate_run_id: 7 }, /is for moving other/],
    ['an older version', reply(run({ gate_version: 1 })), { gate_version: 2 }, /gate version 1/],
  ])('refuses %s as gate_not_passed', (_what, r, details, reason) => {
    const refused = refusal(r);
    expect(refused).toMatchObject({
      code: 'conflict',
      reason: 'gate_not_passed',
      path: '/hash',
      name: 'prod',
      from_hash: A,
      to_hash: B,
      ...details,
    });
    expect((refused.reasons as string[]).join(' ')).toMatch(reason);
  });
});
