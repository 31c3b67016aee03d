// The governance policy engine (docs/services/governance.md, "Policy"):
// evaluating a directive's input under a policy, against the same four rule
// checks written inline with no result objects (the floor any engine pays),
// and a whole decision record (evaluation plus its three content hashes)
// against the evaluation alone. Interleaved rounds, medians, one process.
// Then the service's figures (transitions, recall and search at 100k
// memories), in governance-service.bench.ts.
import type { DecisionInput, PolicyConfig } from '@crucible/contracts';
import { decide, DEFAULT_POLICY, evaluatePolicy } from '@crucible/governance';
import type { Figure } from './figures';
import {
  benchGovernanceService,
  type GovernanceServiceBenchOptions,
} from './governance-service.bench';

export interface GovernanceBenchOptions {
  rounds?: number;
  roundMs?: number;
  /** The service's figures; false: the policy engine's only. */
  service?: GovernanceServiceBenchOptions | false;
}

const SHAPES: DecisionInput[] = [
  {
    type: 'test',
    scope: 'development',
    role: 'builder',
    budget: { amount: '25.00', currency: 'USD' },
    timebox: 'PT2H',
  },
  {
    type: 'deploy',
    scope: 'production',
    role: 'builder',
    budget: { amount: '250', currency: 'USD' },
    timebox: null,
  },
  { type: 'echo', scope: 'staging', role: 'runner', budget: { tokens: 200_000 }, timebox: 'P1D' },
  { type: 'noop', scope: 'test', role: 'runner', budget: null, timebox: null },
];

/**
 * The inputs the figures cycle through: the four shapes above, each with
 * 1,024 different budgets (amounts and token counts), so that what the engine
 * remembers per value (256 per rule and policy) cannot hold them all, as in a
 * service deciding for many directives.
 */
const INPUTS: DecisionInput[] = Array.from({ length: 4096 }, (_, i) => {
  const shape = SHAPES[i & 3]!;
  const n = i >> 2;
  const budget = shape.budget;
  if (budget === null) return shape;
  return {
    ...shape,
    budget:
      budget.amount !== undefined
        ? { ...budget, amount: `${Number(budget.amount) + n}.${String(n % 100).padStart(2, '0')}` }
        : { ...budget, tokens: (budget.tokens ?? 0) + n * 1_000 },
  };
});

const POLICY: PolicyConfig = {
  ...DEFAULT_POLICY,
  token_ceiling: 1_000_000,
  human_required_scopes: ['staging'],
};

// The rules as bare checks: what the engine decides, without reasons or results.
function rawChecks(policy: PolicyConfig, input: DecisionInput): number {
  let blocks = 0;
  const b = input.budget;
  if (b !== null) {
    if (
      b.amount !== undefined &&
      (b.currency !== policy.budget_ceiling.currency ||
        Number(b.amount) > Number(policy.budget_ceiling.amount))
    )
      blocks++;
    if (b.tokens !== undefined && policy.token_ceiling !== null && b.tokens > policy.token_ceiling)
      blocks++;
  }
  if (!policy.type_allowlist.includes(input.type)) blocks++;
  if (!policy.scope_allowlist.includes(input.scope)) blocks++;
  if (
    policy.human_required_scopes.includes(input.scope) ||
    policy.human_required_types.includes(input.type)
  )
    blocks += 16;
  return blocks;
}

/** Nanoseconds per call of `fn` over the inputs, for about `roundMs`. */
function round(fn: (input: DecisionInput) => unknown, roundMs: number): number {
  let calls = 0;
  let sink = 0;
  const start = process.hrtime.bigint();
  const until = start + BigInt(roundMs) * 1_000_000n;
  let now = start;
  while (now < until) {
    for (let i = 0; i < 64; i++) {
      const out = fn(INPUTS[(calls + i) & 4095] as DecisionInput);
      sink += out === undefined ? 0 : 1;
    }
    calls += 64;
    now = process.hrtime.bigint();
  }
  if (sink < 0) throw new Error('unreachable');
  return Number(now - start) / calls;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Runs the governance bench (about rounds × roundMs × 3, then the service's). */
export async function benchGovernance(options: GovernanceBenchOptions = {}): Promise<Figure[]> {
  const rounds = options.rounds ?? 15;
  const roundMs = options.roundMs ?? 200;
  const raw: number[] = [];
  const evaluate: number[] = [];
  const decision: number[] = [];
  for (let r = 0; r < rounds + 2; r++) {
    const a = round((input) => rawChecks(POLICY, input), roundMs);
    const b = round((input) => evaluatePolicy(POLICY, input), roundMs);
    const c = round((input) => decide(POLICY, input), roundMs);
    if (r < 2) continue; // warm-up
    raw.push(a);
    evaluate.push(b);
    decision.push(c);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const us = (ns: number) => ns / 1000;
  const [rawUs, evalUs, decisionUs] = [us(median(raw)), us(median(evaluate)), us(median(decision))];
  const service =
    options.service === false ? [] : await benchGovernanceService(options.service ?? {});
  return [...engineFigures(rawUs, evalUs, decisionUs), ...service];
}

function engineFigures(rawUs: number, evalUs: number, decisionUs: number): Figure[] {
  return [
    {
      name: 'governance.policy_evaluation',
      unit: 'us',
      value: evalUs,
      baseline: rawUs,
      ratio: evalUs / rawUs,
      better: 'lower',
    },
    {
      name: 'governance.decision_record',
      unit: 'us',
      value: decisionUs,
      baseline: evalUs,
      ratio: decisionUs / evalUs,
      better: 'lower',
      detail: { target_us: 100 },
    },
  ];
}
