import type { DecisionInput, Directive, PolicyConfig, PolicyResult } from '@crucible/contracts';
import { canonicalJson, sha256Hex } from '@crucible/hashing';
import { evaluatePolicy, outcomeOf, type Verdict } from './policy-engine';

/**
 * A policy's content address: sha256 of its canonical JSON (docs/hashing.md).
 * Remembered per policy object, as a decision hashes its policy every time
 * and policies are never mutated once read (a new policy is a new object).
 */
export function policyHash(policy: PolicyConfig): string {
  let hash = policyHashes.get(policy);
  if (hash === undefined) {
    hash = sha256Hex(canonicalJson(policy));
    policyHashes.set(policy, hash);
  }
  return hash;
}

const policyHashes = new WeakMap<PolicyConfig, string>();

/** What the policy reads of a directive (and nothing else, so equal inputs share decisions). */
export function decisionInput(directive: Directive): DecisionInput {
  return {
    type: directive.type,
    scope: directive.scope,
    role: directive.role,
    budget: directive.budget,
    timebox: directive.timebox,
  };
}

/** The content of a decision record, before it has a time. */
export interface DecisionContent {
  readonly hash: string;
  readonly policy_hash: string;
  readonly policy_version: string;
  readonly input_hash: string;
  readonly input: DecisionInput;
  readonly results: PolicyResult[];
  readonly outcome: Verdict;
}

/**
 * Evaluates and addresses a decision: its hash is sha256 of the canonical
 * JSON of {policy_hash, input_hash, results}, so the same policy on the same
 * input is the same record. Pure.
 */
export function decide(policy: PolicyConfig, input: DecisionInput): DecisionContent {
  const policy_hash = policyHash(policy);
  const input_hash = sha256Hex(canonicalJson(input));
  const results = evaluatePolicy(policy, input);
  return {
    hash: sha256Hex(canonicalJson({ policy_hash, input_hash, results })),
    policy_hash,
    policy_version: policy.version,
    input_hash,
    input,
    results,
    outcome: outcomeOf(results),
  };
}

/** One rule whose verdict differs between two evaluations. */
export interface RuleChange {
  readonly rule: string;
  readonly before: Verdict;
  readonly after: Verdict;
  /** The reason under the candidate policy. */
  readonly reason: string;
}

/** The rules whose verdicts changed from `before` to `after` (matched by rule name). */
export function changedRules(
  before: readonly PolicyResult[],
  after: readonly PolicyResult[],
): RuleChange[] {
  const old = new Map(before.map((r) => [r.rule, r.verdict]));
  return after.flatMap((r) => {
    const was = old.get(r.rule);
    return was === undefined || was === r.verdict
      ? []
      : [{ rule: r.rule, before: was, after: r.verdict, reason: r.reason }];
  });
}

/** URI of a decision record as an artifact (what ApprovalResult.artifact_uri points at). */
export function decisionUri(hash: string): string {
  return `crucible://governance/decisions/${hash}`;
}
