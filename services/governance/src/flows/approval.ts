import type { ApprovalResult, DirectiveStatus } from '@crucible/contracts';
import type { Knex } from '@crucible/database';
import { approvalResult, proposalOutcome } from '../domain/approval';
import { decisionInput } from '../domain/decision-record';
import { notAwaitingHuman, recordNotFound, statusCasFailed } from '../domain/governance-errors';
import { timeboxMs } from '../domain/timebox';
import type { GovernanceDeps } from '../handlers/deps';
import type { DirectiveRow } from '../store/rows';
import { activePolicy, recordDecision } from './decisions';
import type { Cause } from './governance-events';
import { changeDirectiveStatus } from './status-changes';
import { directiveRecord } from './records';

/**
 * Settles a directive that has just become proposed (created as proposed, or
 * moved there by propose_directive), in the same transaction: evaluates it
 * under the active policy and records the decision; a block moves it to
 * blocked with the blocking reasons, a pass to approved (actor `policy`),
 * and a review leaves it proposed with a pending review whose escalation
 * timer is due after the directive's timebox.
 */
export async function settleProposal(
  deps: GovernanceDeps,
  proposed: DirectiveRow,
  cause: Cause,
  trx: Knex.Transaction,
): Promise<{ directive: DirectiveRow; approval: ApprovalResult }> {
  const { policy } = await activePolicy(deps, trx);
  const decision = await recordDecision(
    deps,
    policy,
    decisionInput(directiveRecord(proposed)),
    proposed.id,
    cause,
    trx,
  );
  const outcome = proposalOutcome(decision.policy_version, decision.results);
  let directive = proposed;
  if (outcome.kind === 'awaiting_human') {
    const at = await deps.directives.now(trx);
    await deps.directives.putReview(
      {
        directive_id: proposed.id,
        decision_hash: decision.hash,
        proposed_at: at,
        due_at:
          proposed.timebox === null ? null : new Date(at.getTime() + timeboxMs(proposed.timebox)),
        escalated_at: null,
      },
      trx,
    );
  } else {
    const to: DirectiveStatus = outcome.kind;
    ({ directive } = await changeDirectiveStatus(
      deps,
      {
        id: proposed.id,
        from: 'proposed',
        to,
        actor: 'policy',
        reason: outcome.reason,
        decisionHash: decision.hash,
      },
      cause,
      trx,
    ));
  }
  return {
    directive,
    approval: approvalResult({
      directiveId: directive.id,
      status: directive.status as DirectiveStatus,
      policyVersion: decision.policy_version,
      results: decision.results,
      decisionHash: decision.hash,
      human: null,
    }),
  };
}

/** propose_directive: a draft or blocked directive becomes proposed and is settled at once. */
export async function proposeDirective(
  deps: GovernanceDeps,
  request: { id: string; actor: string; reason: string | null },
  cause: Cause,
): Promise<{ directive: DirectiveRow; approval: ApprovalResult }> {
  return deps.directives.transaction(async (trx) => {
    const current = await deps.directives.lock(request.id, trx);
    if (current === undefined) throw recordNotFound('directive', request.id, '/id');
    if (current.status !== 'draft' && current.status !== 'blocked') {
      throw statusCasFailed('directive', request.id, 'draft or blocked', current.status, '/id');
    }
    const { directive } = await changeDirectiveStatus(
      deps,
      {
        id: request.id,
        from: current.status,
        to: 'proposed',
        actor: request.actor,
        reason: request.reason,
        decisionHash: null,
      },
      cause,
      trx,
    );
    return settleProposal(deps, directive, cause, trx);
  });
}

/**
 * approve_directive and reject_directive: a human decides a proposal the
 * policy left for review. The directive's row lock orders concurrent
 * deciders; the first moves it and the others find it no longer proposed
 * (`conflict`/`cas_failed`). The review's decision is the one recorded.
 */
export async function decideByHuman(
  deps: GovernanceDeps,
  request: { id: string; actor: string; reason: string; approve: boolean },
  cause: Cause,
): Promise<{ directive: DirectiveRow; approval: ApprovalResult }> {
  return deps.directives.transaction(async (trx) => {
    const current = await deps.directives.lock(request.id, trx);
    if (current === undefined) throw recordNotFound('directive', request.id, '/id');
    if (current.status !== 'proposed') {
      throw statusCasFailed('directive', request.id, 'proposed', current.status, '/id');
    }
    const review = await deps.directives.review(request.id, trx);
    if (review === undefined) throw notAwaitingHuman(request.id, current.status);
    const decision = await deps.policies.decision(review.decision_hash, trx);
    if (decision === undefined)
      throw new Error(`decision ${review.decision_hash} of a review is missing`);
    const to: DirectiveStatus = request.approve ? 'approved' : 'blocked';
    const { directive } = await changeDirectiveStatus(
      deps,
      {
        id: request.id,
        from: 'proposed',
        to,
        actor: request.actor,
        reason: request.reason,
        decisionHash: decision.hash,
      },
      cause,
      trx,
    );
    await deps.directives.deleteReview(request.id, trx);
    return {
      directive,
      approval: approvalResult({
        directiveId: directive.id,
        status: to,
        policyVersion: decision.policy_version,
        results: decision.results,
        decisionHash: decision.hash,
        human: { reason: request.reason },
      }),
    };
  });
}
