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
 * replayable.
 */
export function evaluatePolicy(policy: PolicyConfig, input: DecisionInput): PolicyResult[] {
  return [
    budgetRule(policy, input),
    allowlistRule('type_allowlist', 'type', input.type, policy.type_allowlist),
    allowlistRule('scope_allowlist', 'scope', input.scope, policy.scope_allowlist),
    humanReviewRule(policy, input),
  ];
}

function budgetRule(policy: PolicyConfig, input: DecisionInput): PolicyResult {
  const rule = 'budget_ceiling';
  const { budget } = input;
  if (budget === null) return { rule, verdict: 'allow', reason: 'no budget requested' };
  const ceiling = policy.budget_ceiling;
  if (budget.amount !== undefined) {
    if (budget.currency !== ceiling.currency) {
      return {
        rule,
        verdict: 'block',
        reason: `budget is in ${budget.currency ?? 'no currency'}, the ceiling in ${ceiling.currency}`,
      };
    }
    if (compareAmounts(budget.amount, ceiling.amount) > 0) {
      return {
        rule,
        verdict: 'block',
        reason: `budget ${budget.amount} ${ceiling.currency} exceeds the ceiling of ${ceiling.amount} ${ceiling.currency}`,
      };
    }
  }
  if (
    budget.tokens !== undefined &&
    policy.token_ceiling !== null &&
    budget.tokens > policy.token_ceiling
  ) {
    return {
      rule,
      verdict: 'block',
      reason: `budget of ${budget.tokens} tokens exceeds the ceiling of ${policy.token_ceiling}`,
    };
  }
  return { rule, verdict: 'allow', reason: 'budget within the ceiling' };
}

function allowlistRule(
  rule: 'type_allowlist' | 'scope_allowlist',
  what: string,
  value: string,
  allowlist: readonly string[],
): PolicyResult {
  return allowlist.includes(value)
    ? { rule, verdict: 'allow', reason: `${what} ${value} is allowed` }
    : { rule, verdict: 'block', reason: `${what} ${value} is not in the allowlist` };
}

function humanReviewRule(policy: PolicyConfig, input: DecisionInput): PolicyResult {
  const rule = 'human_review';
  const scope = policy.human_required_scopes.includes(input.scope);
  const type = policy.human_required_types.includes(input.type);
  if (!scope && !type) return { rule, verdict: 'allow', reason: 'no human approval required' };
  const needs =
    scope && type
      ? `scope ${input.scope} and type ${input.type}`
      : scope
        ? `scope ${input.scope}`
        : `type ${input.type}`;
  return { rule, verdict: 'review', reason: `${needs} requires a human approver` };
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
