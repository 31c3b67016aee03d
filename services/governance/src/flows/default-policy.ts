import type { GovernanceDeps } from '../handlers/deps';
import { policyHash } from '../domain/decision-record';
import { DEFAULT_POLICY } from '../domain/policy-engine';
import { policyActivated } from './governance-events';

/**
 * At start: the first policy (DEFAULT_POLICY) becomes the active one unless
 * one is already active, with its history row and `policy_activated` event.
 * Replicas starting together insert the head once (ON CONFLICT).
 */
export async function ensureActivePolicy(deps: GovernanceDeps): Promise<void> {
  const hash = policyHash(DEFAULT_POLICY);
  await deps.policies.transaction(async (trx) => {
    if ((await deps.policies.head(trx)) !== undefined) return;
    await deps.policies.putPolicy(
      { hash, version: DEFAULT_POLICY.version, config: DEFAULT_POLICY },
      trx,
    );
    const at = await deps.policies.now(trx);
    if (!(await deps.policies.initHead(hash, at, trx))) return;
    const historyId = await deps.policies.insertHistory(
      {
        old_hash: null,
        new_hash: hash,
        actor: 'system',
        reason: 'the first policy',
        changed_at: at,
      },
      trx,
    );
    await deps.policies.enqueue(
      [
        policyActivated(
          deps.events,
          { requestId: 'start', correlationId: 'start' },
          {
            hash,
            previous_hash: null,
            version: DEFAULT_POLICY.version,
            history_id: historyId,
            actor: 'system',
            reason: 'the first policy',
            changed_at: at.toISOString(),
          },
        ),
      ],
      trx,
    );
  });
}
