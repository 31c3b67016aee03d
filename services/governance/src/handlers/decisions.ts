import type {
  EvaluateDirectiveReply,
  EvaluateDirectiveRequest,
  GetDecisionReply,
  GetDecisionRequest,
  ReplayDecisionsReply,
  ReplayDecisionsRequest,
} from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import { changedRules, decisionInput, policyHash } from '../domain/decision-record';
import { recordNotFound } from '../domain/governance-errors';
import { evaluatePolicy, outcomeOf } from '../domain/policy-engine';
import { activePolicy, recordDecision } from '../flows/decisions';
import { decisionRecord, directiveRecord } from '../flows/records';
import type { DecisionRow } from '../store/rows';
import type { GovernanceDeps } from './deps';
import { cutPage, DEFAULT_PAGE_LIMIT, pairCursor } from './page';

/** evaluate_directive: one result per rule under the active (or a given) policy, recorded; the directive is unchanged. */
export async function evaluateDirective(
  deps: GovernanceDeps,
  request: EvaluateDirectiveRequest,
  ctx: RpcContext,
): Promise<EvaluateDirectiveReply> {
  const row = await deps.directives.get(request.id);
  if (row === undefined) throw recordNotFound('directive', request.id, '/id');
  return deps.policies.transaction(async (trx) => {
    const policy = request.policy ?? (await activePolicy(deps, trx)).policy;
    const decision = await recordDecision(
      deps,
      policy,
      decisionInput(directiveRecord(row)),
      row.id,
      ctx,
      trx,
    );
    return { decision: decisionRecord(decision) };
  });
}

/** get_decision: a decision record by hash. */
export async function getDecision(
  deps: GovernanceDeps,
  request: GetDecisionRequest,
): Promise<GetDecisionReply> {
  const row = await deps.policies.decision(request.hash);
  if (row === undefined) throw recordNotFound('decision', request.hash, '/hash');
  return { decision: decisionRecord(row) };
}

/**
 * replay_decisions: each recorded decision (oldest first, evaluated in
 * [since, until)) evaluated again on its stored input under the candidate
 * policy, with the verdicts that would change. Reads only; the engine is
 * pure, so a replay under the decision's own policy changes nothing.
 */
export async function replayDecisions(
  deps: GovernanceDeps,
  request: ReplayDecisionsRequest,
  ctx: RpcContext,
): Promise<ReplayDecisionsReply> {
  const limit = request.limit ?? DEFAULT_PAGE_LIMIT;
  const after = pairCursor(request.cursor);
  const rows = await deps.policies.decisions({
    since: request.since === undefined ? undefined : new Date(request.since),
    until: request.until === undefined ? undefined : new Date(request.until),
    after: after === undefined ? undefined : { evaluated_at: new Date(after[0]), hash: after[1] },
    limit: limit + 1,
  });
  const hash = policyHash(request.policy);
  const replay = (row: DecisionRow): ReplayDecisionsReply['replays'][number] => {
    const results = evaluatePolicy(request.policy, row.input);
    const after = outcomeOf(results);
    return {
      decision_hash: row.hash,
      input_hash: row.input_hash,
      evaluated_at: row.evaluated_at.toISOString(),
      before: row.outcome,
      after,
      changed: after !== row.outcome,
      changed_rules: changedRules(row.results, results),
    };
  };
  const page = cutPage(rows, {
    limit,
    replyBudgetBytes: ctx.replyBudgetBytes,
    frame: { policy_hash: hash, replays: [] },
    wire: replay,
    position: (row) => [row.evaluated_at.toISOString(), row.hash],
  });
  return {
    policy_hash: hash,
    replays: page.items,
    ...(page.next_cursor === undefined ? {} : { next_cursor: page.next_cursor }),
  };
}
