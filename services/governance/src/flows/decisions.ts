import { performance } from 'node:perf_hooks';
import type { DecisionInput, PolicyConfig } from '@crucible/contracts';
import type { Knex } from '@crucible/database';
import { decide } from '../domain/decision-record';
import type { GovernanceDeps } from '../handlers/deps';
import type { DecisionRow } from '../store/rows';
import { decisionRecorded, type Cause } from './governance-events';

/** The active policy and its hash (start-up always sets one). */
export async function activePolicy(
  deps: GovernanceDeps,
  trx?: Knex.Transaction,
): Promise<{ hash: string; policy: PolicyConfig }> {
  const row = await deps.policies.activePolicy(trx);
  if (row === undefined) throw new Error('no active policy: the service sets one at start');
  return { hash: row.hash, policy: row.config };
}

/**
 * Evaluates a directive's input under a policy and stores the decision
 * record by hash (the policy too, when it was a candidate never stored). A
 * record already stored keeps its first evaluation's time; the event is
 * written only for a new record. Runs in the caller's transaction.
 */
export async function recordDecision(
  deps: GovernanceDeps,
  policy: PolicyConfig,
  input: DecisionInput,
  directiveId: string,
  cause: Cause,
  trx: Knex.Transaction,
): Promise<DecisionRow> {
  const started = performance.now();
  const content = decide(policy, input);
  const durationUs = Math.round((performance.now() - started) * 1000);
  await deps.policies.putPolicy(
    { hash: content.policy_hash, version: policy.version, config: policy },
    trx,
  );
  const row: DecisionRow = {
    ...content,
    evaluated_at: await deps.policies.now(trx),
    duration_us: durationUs,
  };
  if (await deps.policies.putDecision(row, trx)) {
    await deps.policies.enqueue(
      [
        decisionRecorded(deps.events, cause, {
          hash: row.hash,
          policy_hash: row.policy_hash,
          input_hash: row.input_hash,
          outcome: row.outcome,
          directive_id: directiveId,
          evaluated_at: row.evaluated_at.toISOString(),
          actor: cause.principal ?? null,
        }),
      ],
      trx,
    );
    return row;
  }
  const stored = await deps.policies.decision(row.hash, trx);
  if (stored === undefined) throw new Error(`decision ${row.hash} neither inserted nor found`);
  return stored;
}
