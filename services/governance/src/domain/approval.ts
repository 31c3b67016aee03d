import type { ApprovalResult, DirectiveStatus, PolicyResult } from '@crucible/contracts';
import { decisionUri } from './decision-record';
import { blockReasons, outcomeOf } from './policy-engine';

/** What a proposal's decision does to the directive (docs/services/governance.md, "Approval"). */
export type ProposalOutcome =
  | { readonly kind: 'blocked'; readonly reason: string }
  | { readonly kind: 'approved'; readonly reason: string }
  | { readonly kind: 'awaiting_human' };

/** A block blocks with its reasons; a pass approves, unless a rule asks for a human. Pure. */
export function proposalOutcome(
  policyVersion: string,
  results: readonly PolicyResult[],
): ProposalOutcome {
  const outcome = outcomeOf(results);
  switch (outcome) {
    case 'block':
      return {
        kind: 'blocked',
        reason: `policy ${policyVersion}: ${blockReasons(results).join('; ')}`,
      };
    case 'allow':
      return { kind: 'approved', reason: `policy ${policyVersion}: every rule allows` };
    case 'review':
      return { kind: 'awaiting_human' };
  }
}

/** The ApprovalResult of a directive after its proposal or a human's decision. */
export function approvalResult(fields: {
  directiveId: string;
  status: DirectiveStatus;
  policyVersion: string;
  results: readonly PolicyResult[];
  decisionHash: string;
  human: { reason: string } | null;
}): ApprovalResult {
  return {
    approved: fields.status === 'approved',
    directive_id: fields.directiveId,
    status: fields.status,
    policy_version: fields.policyVersion,
    policy_blocks: blockReasons(fields.results),
    human_override: fields.human !== null,
    reason: fields.human?.reason ?? null,
    decision_hash: fields.decisionHash,
    artifact_uri: decisionUri(fields.decisionHash),
  };
}
