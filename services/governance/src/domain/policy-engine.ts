import type { DecisionInput, PolicyConfig, PolicyResult } from '@crucible/contracts';
import { compareAmounts } from './money';

export type Verdict = PolicyResult['verdict'];

/**
 * The first policy, active until set_policy replaces it
 * (docs/services/governance.md, "Policy").
 */
export const DEFAULT_POLICY: PolicyConfig = {
  version: 'v1',
  budget_ceiling: { amount: '100.00', currency: 'USD' },
  token_ceiling: null,
  type_allowlist: ['noop', 'echo', 'validate', 'test'],
  scope_allowlist: ['test', 'development', 'staging'],
  human_required_scopes: [],
  human_required_types: [],
};

/**
 * Evaluates the rules of `policy` on a directive's input: one result per
 * rule, always in this order (budget_ceiling, type_allowlist,
 * scope_allowlist, human_review). Pure and deterministic: the same policy
 * and input always give the same results, which is what makes decisions
 * replayable. Allowing results are shared between calls, frozen (see
 * compiledPolicy).
 */
export function evaluatePolicy(policy: PolicyConfig, input: DecisionInput): PolicyResult[] {
  const compiled = compiledPolicy(policy);
  return [
    budgetRule(policy, input),
    compiled.typeAllowed.get(input.type) ?? notAllowed('type_allowlist', 'type', input.type),
    compiled.scopeAllowed.get(input.scope) ?? notAllowed('scope_allowlist', 'scope', input.scope),
    humanReviewRule(policy, input),
  ];
}

/**
 * What a policy's evaluation can prepare once: the allowing result of every
 * allowlisted value, whose reason depends on nothing else. Measured, building
 * those reasons and objects per call was most of the engine's cost over the
 * bare checks (test/bench/governance.bench.ts). Keyed by the policy object:
 * policies are never mutated once read (a new policy is a new object).
 */
interface CompiledPolicy {
  readonly typeAllowed: ReadonlyMap<string, PolicyResult>;
  readonly scopeAllowed: ReadonlyMap<string, PolicyResult>;
}

const compiledPolicies = new WeakMap<PolicyConfig, CompiledPolicy>();

function compiledPolicy(policy: PolicyConfig): CompiledPolicy {
  let compiled = compiledPolicies.get(policy);
  if (compiled === undefined) {
    compiled = {
      typeAllowed: allowedResults('type_allowlist', 'type', policy.type_allowlist),
      scopeAllowed: allowedResults('scope_allowlist', 'scope', policy.scope_allowlist),
    };
    compiledPolicies.set(policy, compiled);
  }
  return compiled;
}

function allowedResults(
  rule: 'type_allowlist' | 'scope_allowlist',
  what: string,
  allowlist: readonly string[],
): ReadonlyMap<string, PolicyResult> {
  return new Map(
    allowlist.map((value) => [value, shared(rule, 'allow', `${what} ${value} is allowed`)]),
  );
}

function notAllowed(
  rule: 'type_allowlist' | 'scope_allowlist',
  what: string,
  value: string,
): PolicyResult {
  return result(rule, 'block', `${what} ${value} is not in the allowlist`);
}

/** A result (key order rule, verdict, reason: hashes depend on it). */
function result(rule: PolicyResult['rule'], verdict: Verdict, reason: string): PolicyResult {
  return { rule, verdict, reason };
}

/** A result shared by every evaluation, frozen so no caller can change another's. */
function shared(rule: PolicyResult['rule'], verdict: Verdict, reason: string): PolicyResult {
  return Object.freeze(result(rule, verdict, reason));
}

const NO_BUDGET = shared('budget_ceiling', 'allow', 'no budget requested');
const WITHIN_CEILING = shared('budget_ceiling', 'allow', 'budget within the ceiling');
const NO_HUMAN = shared('human_review', 'allow', 'no human approval required');

function budgetRule(policy: PolicyConfig, input: DecisionInput): PolicyResult {
  const { budget } = input;
  if (budget === null) return NO_BUDGET;
  const ceiling = policy.budget_ceiling;
  if (budget.amount !== undefined) {
    if (budget.currency !== ceiling.currency) {
      return result(
        'budget_ceiling',
        'block',
        `budget is in ${budget.currency ?? 'no currency'}, the ceiling in ${ceiling.currency}`,
      );
    }
    if (compareAmounts(budget.amount, ceiling.amount) > 0) {
      return result(
        'budget_ceiling',
        'block',
        `budget ${budget.amount} ${ceiling.currency} exceeds the ceiling of ${ceiling.amount} ${ceiling.currency}`,
      );
    }
  }
  if (
    budget.tokens !== undefined &&
    policy.token_ceiling !== null &&
    budget.tokens > policy.token_ceiling
  ) {
    return result(
      'budget_ceiling',
      'block',
      `budget of ${budget.tokens} tokens exceeds the ceiling of ${policy.token_ceiling}`,
    );
  }
  return WITHIN_CEILING;
}

function humanReviewRule(policy: PolicyConfig, input: DecisionInput): PolicyResult {
  const scope = policy.human_required_scopes.includes(input.scope);
  const type = policy.human_required_types.includes(input.type);
  if (!scope && !type) return NO_HUMAN;
  const needs =
    scope && type
      ? `scope ${input.scope} and type ${input.type}`
      : scope
        ? `scope ${input.scope}`
        : `type ${input.type}`;
  return result('human_review', 'review', `${needs} requires a human approver`);
}

/** block if any rule blocks, else review if any asks for a human, else allow. */
export function outcomeOf(results: readonly PolicyResult[]): Verdict {
  if (results.some((r) => r.verdict === 'block')) return 'block';
  if (results.some((r) => r.verdict === 'review')) return 'review';
  return 'allow';
}

/** Whether any rule blocks. */
export function hasBlockingVerdict(results: readonly PolicyResult[]): boolean {
  return results.some((r) => r.verdict === 'block');
}

/** The reasons of the blocking rules, in rule order. */
export function blockReasons(results: readonly PolicyResult[]): string[] {
  return results.filter((r) => r.verdict === 'block').map((r) => r.reason);
}
