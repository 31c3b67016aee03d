import type {
  GetPolicyReply,
  GetPolicyRequest,
  SetPolicyReply,
  SetPolicyRequest,
} from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import { policyHash } from '../domain/decision-record';
import { policyCasFailed, recordNotFound } from '../domain/governance-errors';
import { policyActivated } from '../flows/governance-events';
import { actorOf, type GovernanceDeps } from './deps';

/** get_policy: the active policy, or a stored one by hash. */
export async function getPolicy(
  deps: GovernanceDeps,
  request: GetPolicyRequest,
): Promise<GetPolicyReply> {
  const head = await deps.policies.head();
  const hash = request.hash ?? head?.hash;
  const row = hash === undefined ? undefined : await deps.policies.policy(hash);
  if (row === undefined) throw recordNotFound('policy', hash ?? '(active)', '/hash');
  return { hash: row.hash, policy: row.config, active: row.hash === head?.hash };
}

/**
 * set_policy: stores the policy by hash and makes it the active one if
 * expected_hash is active now (compare-and-swap under the head's row lock),
 * with a history row and a `policy_activated` event. Setting the active
 * policy again changes nothing.
 */
export async function setPolicy(
  deps: GovernanceDeps,
  request: SetPolicyRequest,
  ctx: RpcContext,
): Promise<SetPolicyReply> {
  const hash = policyHash(request.policy);
  return deps.policies.transaction(async (trx) => {
    const head = await deps.policies.lockHead(trx);
    if (head === undefined) throw new Error('no active policy: the service sets one at start');
    if (head.hash !== request.expected_hash)
      throw policyCasFailed(request.expected_hash, head.hash);
    if (head.hash === hash) return { hash, previous_hash: hash, changed: false, history_id: null };
    await deps.policies.putPolicy(
      { hash, version: request.policy.version, config: request.policy },
      trx,
    );
    const at = await deps.policies.now(trx);
    await deps.policies.moveHead(hash, at, trx);
    const actor = actorOf(request, ctx);
    const reason = request.reason ?? null;
    const historyId = await deps.policies.insertHistory(
      { old_hash: head.hash, new_hash: hash, actor, reason, changed_at: at },
      trx,
    );
    await deps.policies.enqueue(
      [
        policyActivated(deps.events, ctx, {
          hash,
          previous_hash: head.hash,
          version: request.policy.version,
          history_id: historyId,
          actor,
          reason,
          changed_at: at.toISOString(),
        }),
      ],
      trx,
    );
    return { hash, previous_hash: head.hash, changed: true, history_id: historyId };
  });
}
