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
 * replayable. Results are shared between calls, frozen (see compiledPolicy).
 */
export function evaluatePolicy(policy: PolicyConfig, input: DecisionInput): PolicyResult[] {
  const compiled = compiledPolicy(policy);
  return [
    budgetRule(compiled, input),
    compiled.typeChecked.get(input.type),
    compiled.scopeChecked.get(input.scope),
    humanReviewRule(compiled, input),
  ];
}

/**
 * What a policy's evaluation can prepare once or remember: the results whose
 * reasons depend on one input value alone (an allowlisted or refused type or
 * scope, the scope or type that asks for a human, a budget's amount in the
 * ceiling's currency, its currency otherwise, its tokens). Measured, building those
 * reasons and objects per call was most of the engine's cost over the bare
 * checks (test/bench/governance.bench.ts). Keyed by the policy object:
 * policies are never mutated once read (a new policy is a new object).
 */
interface CompiledPolicy {
  readonly ceilingCurrency: string;
  readonly ceilingAmount: string;
  readonly tokenCeiling: number | null;
  /**
   * The budget rule's result of an amount over the ceiling, in its currency.
   * An amount within it is compared and allowed with no lookup: budgets
   * differ from directive to directive, so the allowing path must not pay a
   * map lookup that mostly misses (measured over 4,096 different budgets in
   * the bench).
   */
  readonly amountBlocked: Remembered<string>;
  /** Of an amount in another currency (undefined: none given). */
  readonly currencyBlocked: Remembered<string | undefined>;
  /** Of a token count over the token ceiling (the amount within the ceiling or absent). */
  readonly tokensBlocked: Remembered<number>;
  /** The allowlist rules' results: every allowlisted value's prepared, others remembered. */
  readonly typeChecked: Remembered<string>;
  readonly scopeChecked: Remembered<string>;
  readonly humanScopes: ReadonlySet<string>;
  readonly humanTypes: ReadonlySet<string>;
  /** The review result of a scope (or type) alone requiring a human. */
  readonly scopeReview: Remembered<string>;
  readonly typeReview: Remembered<string>;
}

/**
 * The result of each value: prepared ones, then those built on first use
 * and kept (up to REMEMBERED_VALUES more, so inputs cannot grow it without
 * bound; past that, built per call).
 */
class Remembered<K> {
  private readonly results: Map<K, PolicyResult>;
  private readonly limit: number;

  constructor(
    private readonly build: (value: K) => PolicyResult,
    prepared: ReadonlyMap<K, PolicyResult> = new Map(),
  ) {
    this.results = new Map(prepared);
    this.limit = this.results.size + REMEMBERED_VALUES;
  }

  get(value: K): PolicyResult {
    const found = this.results.get(value);
    if (found !== undefined) return found;
    const built = this.build(value);
    // Frozen once shared, so no caller can change another's.
    if (this.results.size < this.limit) this.results.set(value, Object.freeze(built));
    return built;
  }
}

/** Values remembered per rule and policy. */
const REMEMBERED_VALUES = 256;

// The last policy evaluated, checked before the WeakMap: decisions come in
// runs under the active policy, and a hit costs one comparison.
let lastPolicy: PolicyConfig | undefined;
let lastCompiled: CompiledPolicy | undefined;
const compiledPolicies = new WeakMap<PolicyConfig, CompiledPolicy>();

function compiledPolicy(policy: PolicyConfig): CompiledPolicy {
  if (policy === lastPolicy && lastCompiled !== undefined) return lastCompiled;
  let compiled = compiledPolicies.get(policy);
  if (compiled === undefined) {
    const ceiling = policy.budget_ceiling;
    const tokenCeiling = policy.token_ceiling;
    compiled = {
      ceilingCurrency: ceiling.currency,
      ceilingAmount: ceiling.amount,
      tokenCeiling,
      amountBlocked: new Remembered((amount) =>
        result(
          'budget_ceiling',
          'block',
          `budget ${amount} ${ceiling.currency} exceeds the ceiling of ${ceiling.amount} ${ceiling.currency}`,
        ),
      ),
      currencyBlocked: new Remembered((currency) =>
        result(
          'budget_ceiling',
          'block',
          `budget is in ${currency ?? 'no currency'}, the ceiling in ${ceiling.currency}`,
        ),
      ),
      tokensBlocked: new Remembered((tokens) =>
        result(
          'budget_ceiling',
          'block',
          `budget of ${tokens} tokens exceeds the ceiling of ${tokenCeiling}`,
        ),
      ),
      typeChecked: new Remembered(
        (type) => notAllowed('type_allowlist', 'type', type),
        allowedResults('type_allowlist', 'type', policy.type_allowlist),
      ),
      scopeChecked: new Remembered(
        (scope) => notAllowed('scope_allowlist', 'scope', scope),
        allowedResults('scope_allowlist', 'scope', policy.scope_allowlist),
      ),
      humanScopes: new Set(policy.human_required_scopes),
      humanTypes: new Set(policy.human_required_types),
      scopeReview: new Remembered((scope) => needsHuman(`scope ${scope}`)),
      typeReview: new Remembered((type) => needsHuman(`type ${type}`)),
    };
    compiledPolicies.set(policy, compiled);
  }
  lastPolicy = policy;
  lastCompiled = compiled;
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

function budgetRule(compiled: CompiledPolicy, input: DecisionInput): PolicyResult {
  const { budget } = input;
  if (budget === null) return NO_BUDGET;
  if (budget.amount !== undefined) {
    if (budget.currency !== compiled.ceilingCurrency)
      return compiled.currencyBlocked.get(budget.currency);
    if (compareAmounts(budget.amount, compiled.ceilingAmount) > 0)
      return compiled.amountBlocked.get(budget.amount);
  }
  const { tokens } = budget;
  return tokens === undefined || compiled.tokenCeiling === null || tokens <= compiled.tokenCeiling
    ? WITHIN_CEILING
    : compiled.tokensBlocked.get(tokens);
}

function humanReviewRule(compiled: CompiledPolicy, input: DecisionInput): PolicyResult {
  const scope = compiled.humanScopes.has(input.scope);
  const type = compiled.humanTypes.has(input.type);
  if (!scope && !type) return NO_HUMAN;
  if (!type) return compiled.scopeReview.get(input.scope);
  if (!scope) return compiled.typeReview.get(input.type);
  return needsHuman(`scope ${input.scope} and type ${input.type}`);
}

function needsHuman(needs: string): PolicyResult {
  return result('human_review', 'review', `${needs} requires a human approver`);
}

/** block if any rule blocks, else review if any asks for a human, else allow. */
export function outcomeOf(results: readonly PolicyResult[]): Verdict {
  if (results.some((r) => r.verdict === 'block')) return 'block';
  if (results.some((r) => r.verdict === 'review')) return 'review';
  return 'allow';
}

/** The reasons of the blocking rules, in rule order. */
export function blockReasons(results: readonly PolicyResult[]): string[] {
  return results.filter((r) => r.verdict === 'block').map((r) => r.reason);
}
