import type { DecisionInput, PolicyConfig, PolicyResult } from '@crucible/contracts';
import { approvalResult, proposalOutcome } from './approval';
import { unitsToAmount, normalizeAmount, sumAmounts } from './budget';
import { changedRules, decide, decisionInput, decisionUri, policyHash } from './decision-record';
import {
  budgetExhaustedError,
  currencyMismatch,
  directiveDoesNotName,
  directiveNotWorkable,
  directiveRequired,
  timeboxExpired,
} from './governance-errors';
import { invalidTransition } from './governance-errors';
import { DIRECTIVE_LIFECYCLE, EXECUTION_RUN_LIFECYCLE } from './lifecycles';
import { manualTransitionOperation } from './manual-transitions';
import { amountUnits, compareAmounts } from './money';
import { datumText, normalize, OFFLINE_DIMENSIONS, offlineEmbedding } from './offline-embedder';
import { blockReasons, DEFAULT_POLICY, evaluatePolicy, outcomeOf } from './policy-engine';
import { expiredDirectiveStatus, expiredRunStatus, timeboxMs } from './timebox';

// Written against the surviving mutants of the governance domain
// (docs/testing.md, "Scores"): the texts and details that only the
// integration tests read, pinned here where the mutation run sees them.

const input = (over: Partial<DecisionInput> = {}): DecisionInput => ({
  type: 'test',
  scope: 'development',
  role: 'builder',
  budget: { amount: '10.00', currency: 'USD' },
  timebox: 'PT1H',
  ...over,
});

/**
 * The rules as docs/services/governance.md states them, written plainly
 * (a result built per call): the engine, whatever it prepares or
 * remembers, must give exactly these results.
 */
function oracle(policy: PolicyConfig, x: DecisionInput): PolicyResult[] {
  const r = (rule: PolicyResult['rule'], verdict: PolicyResult['verdict'], reason: string) => ({
    rule,
    verdict,
    reason,
  });
  const ceiling = policy.budget_ceiling;
  let budget = r('budget_ceiling', 'allow', 'budget within the ceiling');
  const b = x.budget;
  if (b === null) budget = r('budget_ceiling', 'allow', 'no budget requested');
  else if (b.amount !== undefined && b.currency !== ceiling.currency)
    budget = r(
      'budget_ceiling',
      'block',
      `budget is in ${b.currency ?? 'no currency'}, the ceiling in ${ceiling.currency}`,
    );
  else if (b.amount !== undefined && amountUnits(b.amount) > amountUnits(ceiling.amount))
    budget = r(
      'budget_ceiling',
      'block',
      `budget ${b.amount} ${ceiling.currency} exceeds the ceiling of ${ceiling.amount} ${ceiling.currency}`,
    );
  else if (
    b.tokens !== undefined &&
    policy.token_ceiling !== null &&
    b.tokens > policy.token_ceiling
  )
    budget = r(
      'budget_ceiling',
      'block',
      `budget of ${b.tokens} tokens exceeds the ceiling of ${policy.token_ceiling}`,
    );
  const listed = (
    rule: 'type_allowlist' | 'scope_allowlist',
    what: string,
    v: string,
    l: string[],
  ) =>
    l.includes(v)
      ? r(rule, 'allow', `${what} ${v} is allowed`)
      : r(rule, 'block', `${what} ${v} is not in the allowlist`);
  const scope = policy.human_required_scopes.includes(x.scope);
  const type = policy.human_required_types.includes(x.type);
  const needs = [scope ? `scope ${x.scope}` : null, type ? `type ${x.type}` : null]
    .filter((p) => p !== null)
    .join(' and ');
  return [
    budget,
    listed('type_allowlist', 'type', x.type, policy.type_allowlist),
    listed('scope_allowlist', 'scope', x.scope, policy.scope_allowlist),
    needs === ''
      ? r('human_review', 'allow', 'no human approval required')
      : r('human_review', 'review', `${needs} requires a human approver`),
  ];
}

describe('policy engine, every reason', () => {
  const human: PolicyConfig = {
    ...DEFAULT_POLICY,
    token_ceiling: 500,
    human_required_scopes: ['staging'],
    human_required_types: ['echo'],
  };

  it.each([
    [{ scope: 'staging' }, 'scope staging requires a human approver'],
    [{ type: 'echo' }, 'type echo requires a human approver'],
    [{ scope: 'staging', type: 'echo' }, 'scope staging and type echo requires a human approver'],
  ])('asks for a human for %j: %s', (over, reason) => {
    for (let i = 0; i < 2; i++) {
      const results = evaluatePolicy(human, input(over));
      expect(results[3]).toEqual({ rule: 'human_review', verdict: 'review', reason });
      expect(outcomeOf(results)).toBe('review');
      expect(blockReasons(results)).toEqual([]);
    }
  });

  it.each([
    [{ amount: '5' }, 'budget is in no currency, the ceiling in USD'],
    [{ amount: '5', currency: 'EUR' }, 'budget is in EUR, the ceiling in USD'],
    [
      { amount: '1', currency: 'USD', tokens: 501 },
      'budget of 501 tokens exceeds the ceiling of 500',
    ],
    [{ tokens: 501 }, 'budget of 501 tokens exceeds the ceiling of 500'],
    [
      { amount: '100.5', currency: 'USD', tokens: 501 },
      'budget 100.5 USD exceeds the ceiling of 100.00 USD',
    ],
  ])('blocks the budget %j: %s', (budget, reason) => {
    for (let i = 0; i < 2; i++) {
      expect(blockReasons(evaluatePolicy(human, input({ budget })))).toEqual([reason]);
    }
  });

  it('allows a budget within both ceilings, and any token count without a token ceiling', () => {
    for (const budget of [{ tokens: 500 }, { amount: '100', currency: 'USD', tokens: 500 }]) {
      expect(evaluatePolicy(human, input({ budget }))[0]?.reason).toBe('budget within the ceiling');
    }
    expect(evaluatePolicy(DEFAULT_POLICY, input({ budget: { tokens: 10 ** 12 } }))[0]).toEqual({
      rule: 'budget_ceiling',
      verdict: 'allow',
      reason: 'budget within the ceiling',
    });
  });

  it('decides as the plain rules do, on first sight, remembered, and past what it remembers', () => {
    const policies: PolicyConfig[] = [
      DEFAULT_POLICY,
      human,
      { ...human, budget_ceiling: { amount: '0.5', currency: 'EUR' }, token_ceiling: null },
    ];
    const inputs: DecisionInput[] = [];
    // 300 types and 300 scopes never seen before, and 480 amounts: more than
    // the engine remembers per rule (256), each seen twice below.
    for (let i = 0; i < 600; i++) {
      inputs.push(
        input({
          type: i % 2 === 1 ? `t${i}` : (['test', 'echo', 'deploy'][i % 3] ?? 'test'),
          scope:
            i % 2 === 0 ? `s${i}` : (['development', 'staging', 'production'][i % 3] ?? 'test'),
          budget:
            i % 5 === 0
              ? null
              : {
                  amount: `${i % 150}.${i % 7}`,
                  currency: ['USD', 'EUR', undefined][i % 3],
                  tokens: i % 2 === 0 ? i : undefined,
                },
        }),
      );
    }
    const expected = policies.map((policy) => inputs.map((x) => oracle(policy, x)));
    for (let round = 0; round < 2; round++) {
      const actual = policies.map((policy) => inputs.map((x) => evaluatePolicy(policy, x)));
      expect(actual).toEqual(expected);
    }
  });

  it('shares only frozen results: a caller cannot change another evaluation', () => {
    const a = evaluatePolicy(human, input({ type: 'deploy', scope: 'staging' }));
    for (const r of a) {
      if (Object.isFrozen(r)) continue;
      // A result not shared is the caller's own.
      (r as { reason: string }).reason = 'changed';
    }
    expect(evaluatePolicy(human, input({ type: 'deploy', scope: 'staging' }))).toEqual(
      oracle(human, input({ type: 'deploy', scope: 'staging' })),
    );
  });

  it('remembers a result per policy, frozen, up to 256 values beyond those prepared', () => {
    const a: PolicyConfig = { ...DEFAULT_POLICY };
    const b: PolicyConfig = { ...DEFAULT_POLICY };
    const refused = () => evaluatePolicy(a, input({ type: 'deploy' }))[1];
    const first = refused();
    evaluatePolicy(b, input({ type: 'deploy' }));
    // Under another policy in between, then under the first again: the same object.
    expect(refused()).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    const fresh: PolicyConfig = { ...DEFAULT_POLICY };
    const typeResult = (type: string) => evaluatePolicy(fresh, input({ type }))[1];
    for (let i = 0; i < 255; i++) typeResult(`fill${i}`);
    const last = typeResult('the256th');
    expect(Object.isFrozen(last)).toBe(true);
    expect(typeResult('the256th')).toBe(last);
    const past = typeResult('the257th');
    expect(past).toEqual({
      rule: 'type_allowlist',
      verdict: 'block',
      reason: 'type the257th is not in the allowlist',
    });
    expect(Object.isFrozen(past)).toBe(false);
    expect(typeResult('the257th')).not.toBe(past);
    // The allowlisted values are prepared, whatever was remembered.
    expect(Object.isFrozen(typeResult('test'))).toBe(true);
  });

  it('starts from the seed policy', () => {
    expect(DEFAULT_POLICY).toEqual({
      version: 'v1',
      budget_ceiling: { amount: '100.00', currency: 'USD' },
      token_ceiling: null,
      type_allowlist: ['noop', 'echo', 'validate', 'test'],
      scope_allowlist: ['test', 'development', 'staging'],
      human_required_scopes: [],
      human_required_types: [],
    });
  });

  it('outcome: block over review over allow', () => {
    const r = (verdict: PolicyResult['verdict']): PolicyResult => ({
      rule: 'human_review',
      verdict,
      reason: verdict,
    });
    expect(outcomeOf([r('review'), r('block'), r('allow')])).toBe('block');
    expect(outcomeOf([r('allow'), r('review')])).toBe('review');
    expect(outcomeOf([r('allow')])).toBe('allow');
    expect(outcomeOf([])).toBe('allow');
    expect(blockReasons([r('block'), r('review'), { ...r('block'), reason: 'second' }])).toEqual([
      'block',
      'second',
    ]);
  });
});

describe('approval texts', () => {
  it('blocks with every reason, in rule order, joined; approves a pass saying so', () => {
    const blocked = proposalOutcome(
      'v7',
      evaluatePolicy(DEFAULT_POLICY, input({ type: 'deploy', scope: 'production' })),
    );
    expect(blocked).toEqual({
      kind: 'blocked',
      reason:
        'policy v7: type deploy is not in the allowlist; scope production is not in the allowlist',
    });
    expect(proposalOutcome('v7', evaluatePolicy(DEFAULT_POLICY, input()))).toEqual({
      kind: 'approved',
      reason: 'policy v7: every rule allows',
    });
    const review: PolicyConfig = { ...DEFAULT_POLICY, human_required_types: ['test'] };
    expect(proposalOutcome('v7', evaluatePolicy(review, input()))).toEqual({
      kind: 'awaiting_human',
    });
  });

  it('an ApprovalResult of a directive not approved, with no human', () => {
    const results = evaluatePolicy(DEFAULT_POLICY, input({ type: 'deploy' }));
    expect(
      approvalResult({
        directiveId: 'd9',
        status: 'blocked',
        policyVersion: 'v3',
        results,
        decisionHash: 'abc',
        human: null,
      }),
    ).toEqual({
      approved: false,
      directive_id: 'd9',
      status: 'blocked',
      policy_version: 'v3',
      policy_blocks: ['type deploy is not in the allowlist'],
      human_override: false,
      reason: null,
      decision_hash: 'abc',
      artifact_uri: 'crucible://governance/decisions/abc',
    });
  });
});

describe('decision records', () => {
  it('reads only type, scope, role, budget and timebox of a directive', () => {
    const directive = {
      id: 'd',
      issued_by: 'p',
      objective: 'o',
      scope: 'staging',
      role: 'builder',
      type: 'echo',
      status: 'draft' as const,
      constraints: null,
      success_metrics: null,
      budget: { tokens: 3 },
      timebox: 'PT1M',
      payload: { x: 1 },
      created_at: 't',
      updated_at: 't',
    };
    expect(decisionInput(directive)).toEqual({
      type: 'echo',
      scope: 'staging',
      role: 'builder',
      budget: { tokens: 3 },
      timebox: 'PT1M',
    });
  });

  it('names the decision, its policy and outcome; the same policy hashes once to one value', () => {
    const d = decide(DEFAULT_POLICY, input({ type: 'deploy' }));
    expect(d).toMatchObject({
      policy_version: 'v1',
      policy_hash: policyHash(DEFAULT_POLICY),
      outcome: 'block',
      input: input({ type: 'deploy' }),
    });
    expect(policyHash({ ...DEFAULT_POLICY })).toBe(policyHash(DEFAULT_POLICY));
    expect(policyHash({ ...DEFAULT_POLICY, version: 'v2' })).not.toBe(policyHash(DEFAULT_POLICY));
    expect(d.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(d.input_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(decisionUri('h1')).toBe('crucible://governance/decisions/h1');
  });

  it('reports only rules whose verdict changed and that both evaluations have', () => {
    const before: PolicyResult[] = [
      { rule: 'type_allowlist', verdict: 'allow', reason: 'a' },
      { rule: 'scope_allowlist', verdict: 'allow', reason: 'b' },
    ];
    const after: PolicyResult[] = [
      { rule: 'type_allowlist', verdict: 'allow', reason: 'a2' },
      { rule: 'scope_allowlist', verdict: 'block', reason: 'b2' },
      { rule: 'human_review', verdict: 'review', reason: 'c2' },
    ];
    expect(changedRules(before, after)).toEqual([
      { rule: 'scope_allowlist', before: 'allow', after: 'block', reason: 'b2' },
    ]);
  });
});

describe('governance errors, work and spend', () => {
  it.each([
    [
      directiveRequired('run_turn', 'v2'),
      'permission_denied',
      {
        reason: 'directive_required',
        path: '/directive_id',
        work: 'run_turn',
        policy_version: 'v2',
      },
      'run_turn requires a directive under policy v2: give the directive_id of an approved one',
    ],
    [
      directiveNotWorkable('d1', 'blocked'),
      'conflict',
      { reason: 'directive_not_approved', path: '/directive_id', id: 'd1', status: 'blocked' },
      'directive d1 is blocked; work is done under approved or executing directives only',
    ],
    [
      directiveDoesNotName('d2', 'prod'),
      'permission_denied',
      { reason: 'directive_does_not_name', path: '/subject', id: 'd2', subject: 'prod' },
      'directive d2 does not name prod (payload.names)',
    ],
    [
      currencyMismatch(2, 'EUR', 'USD'),
      'invalid_argument',
      {
        reason: 'currency_mismatch',
        path: '/charges/2/currency',
        currency: 'EUR',
        expected: 'USD',
      },
      "charge in EUR, but the directive's spend is kept in USD",
    ],
    [
      timeboxExpired(
        'd3',
        'PT2H',
        new Date('2026-01-01T00:00:00.000Z'),
        new Date('2026-01-01T02:00:00.000Z'),
      ),
      'conflict',
      {
        reason: 'timebox_expired',
        path: '/directive_id',
        id: 'd3',
        timebox: 'PT2H',
        approved_at: '2026-01-01T00:00:00.000Z',
        due_at: '2026-01-01T02:00:00.000Z',
      },
      'the timebox of directive d3 (PT2H from its approval at 2026-01-01T00:00:00.000Z) ran out at 2026-01-01T02:00:00.000Z; no further work is done under it',
    ],
  ])('%#: code, details and message', (error, code, details, message) => {
    expect(error.code).toBe(code);
    expect(error.details).toEqual(details);
    expect(error.message).toBe(message);
  });

  it.each([
    [{ amount: '5', currency: 'USD' }, '5 of 5 USD'],
    [{ tokens: 9 }, '7 of 9 tokens'],
    [{ amount: '5', currency: 'USD', tokens: 9 }, '5 of 5 USD, 7 of 9 tokens'],
  ])('a spent budget %j says what was spent of what, and is not retryable', (budget, what) => {
    const spent = { amount: '5', currency: 'USD', tokens: 7 };
    const error = budgetExhaustedError('d4', 'r4', spent, budget);
    expect(error.code).toBe('resource_exhausted');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      `the budget of directive d4 is spent (${what}); no further work is done under it`,
    );
    expect(error.details).toEqual({
      reason: 'budget_exhausted',
      path: '/directive_id',
      id: 'd4',
      run_id: 'r4',
      spent,
      budget,
    });
  });
});

describe('lifecycles', () => {
  it('start where the seed says, and list every next status in a refusal', () => {
    expect(DIRECTIVE_LIFECYCLE.initial).toEqual(['draft', 'proposed']);
    expect(EXECUTION_RUN_LIFECYCLE.initial).toEqual(['pending']);
    expect(
      invalidTransition('directive', 'proposed', 'draft', ['approved', 'blocked'], '/status')
        .message,
    ).toBe('directive proposed → draft is not allowed; proposed may go to approved, blocked');
  });
});

describe('edges owned by operations', () => {
  it.each([
    ['draft', 'proposed', 'propose_directive'],
    ['blocked', 'proposed', 'propose_directive'],
    ['proposed', 'approved', 'approve_directive or reject_directive'],
    ['proposed', 'blocked', 'approve_directive or reject_directive'],
    ['approved', 'executing', 'transition_directive'],
    ['approved', 'blocked', 'transition_directive'],
    ['executing', 'aborted', 'transition_directive'],
  ] as const)('%s → %s: %s', (from, to, operation) => {
    expect(manualTransitionOperation(from, to)).toBe(operation);
  });
});

describe('timeboxes', () => {
  it('reads each part of a duration', () => {
    expect(timeboxMs('P1DT2H3M4S')).toBe(((24 + 2) * 3600 + 3 * 60 + 4) * 1000);
    expect(timeboxMs('P2D')).toBe(2 * 86_400_000);
    expect(timeboxMs('PT5M')).toBe(300_000);
    expect(timeboxMs('PT7S')).toBe(7000);
    expect(timeboxMs('P10DT12H30M45S')).toBe((((10 * 24 + 12) * 60 + 30) * 60 + 45) * 1000);
    for (const bad of ['P', 'PT', 'P1DT', 'PT1H30', '1H', 'P1W', 'PT1.5S', 'XP1D', 'xPT2H']) {
      expect(() => timeboxMs(bad)).toThrow(
        expect.objectContaining({
          code: 'invalid_argument',
          message: `${bad} is not a duration such as PT2H`,
          details: expect.objectContaining({ reason: 'invalid_duration', path: '/timebox' }),
        }),
      );
    }
  });

  it('moves a workable directive on and ends its open runs; leaves the rest', () => {
    expect(expiredDirectiveStatus('approved')).toBe('blocked');
    expect(expiredDirectiveStatus('executing')).toBe('aborted');
    for (const status of ['draft', 'proposed', 'blocked', 'complete', 'aborted']) {
      expect(expiredDirectiveStatus(status)).toBeUndefined();
    }
    expect(expiredRunStatus('pending')).toBe('canceled');
    expect(expiredRunStatus('running')).toBe('failed');
    for (const status of ['completed', 'failed', 'canceled']) {
      expect(expiredRunStatus(status)).toBeUndefined();
    }
  });
});

describe('amounts', () => {
  it('counts millionths exactly', () => {
    expect(amountUnits('7')).toBe(7_000_000n);
    expect(amountUnits('0.5')).toBe(500_000n);
    expect(amountUnits('123.456789')).toBe(123_456_789n);
    expect(unitsToAmount(1_500_000n)).toBe('1.5');
    expect(unitsToAmount(10n)).toBe('0.00001');
    expect(unitsToAmount(0n)).toBe('0');
    expect(unitsToAmount(42_000_000n)).toBe('42');
    expect(normalizeAmount('7')).toBe('7');
    expect(normalizeAmount('3.140000')).toBe('3.14');
    expect(sumAmounts(['1', '2.5'])).toBe('3.5');
  });

  it.each([
    ['10', '9', 1],
    ['9', '10', -1],
    ['19', '21', -1],
    ['21', '19', 1],
    ['1.5', '1.50', 0],
    ['1', '1.000000', 0],
    ['0.0000001', '0', 1],
    ['0', '0.0000001', -1],
    ['1', '1.000001', -1],
    ['1.000001', '1', 1],
    ['2', '1.999', 1],
    ['1.25', '1.3', -1],
    ['100.00', '100', 0],
  ])('compares %s with %s: %i', (a, b, sign) => {
    expect(Math.sign(compareAmounts(a, b))).toBe(sign);
    expect(Math.sign(compareAmounts(b, a))).toBe(-sign || 0);
  });
});

describe('offline embedding, pinned', () => {
  const vector = (entries: Array<[number, number]>): number[] => {
    const v = new Array<number>(OFFLINE_DIMENSIONS).fill(0);
    for (const [i, x] of entries) v[i] = x;
    return v;
  };

  it('hashes each lowercase word and neighbouring pair to a dimension and a sign', () => {
    // locked (73, +) twice; room (28, +); "locked room" (152, -);
    // "room locked" (14, +); door (52, -); "locked door" (117, -); norm 3.
    expect(offlineEmbedding('Locked room, locked DOOR')).toEqual(
      vector([
        [14, 1 / 3],
        [28, 1 / 3],
        [52, -1 / 3],
        [73, 2 / 3],
        [117, -1 / 3],
        [152, -1 / 3],
      ]),
    );
    const third = 1 / Math.sqrt(3);
    expect(offlineEmbedding('Ünïcode 42')).toEqual(
      vector([
        [71, -third],
        [190, third],
        [191, third],
      ]),
    );
    expect(offlineEmbedding('  ,;  ')).toEqual(vector([]));
    expect(offlineEmbedding('x')).toHaveLength(OFFLINE_DIMENSIONS);
  });

  it('normalises to unit length, a zero vector staying zero (a copy)', () => {
    expect(normalize([3, 4])).toEqual([0.6, 0.8]);
    const zero = [0, 0, 0];
    expect(normalize(zero)).toEqual([0, 0, 0]);
    expect(normalize(zero)).not.toBe(zero);
  });

  it('embeds a datum from its text field, else its canonical JSON', () => {
    expect(datumText({ text: 'hello', b: 1 })).toBe('hello');
    expect(datumText({ text: 5, a: [1] })).toBe('{"a":[1],"text":5}');
    expect(datumText({ b: 2, a: 1 })).toBe('{"a":1,"b":2}');
  });
});
