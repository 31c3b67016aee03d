import type { RecordSpendReply } from '@crucible/contracts';
import type { GovernanceClient } from '@crucible/runtime';
import type { LlmCallStore } from '../store/llm-call-store';
import { callCost, type PriceTable } from '@crucible/runtime';

/** record_spend takes at most this many charges a request (its schema's maxItems). */
const CHARGES_PER_REQUEST = 1000;

/** What charging a turn needs. */
export interface ChargeDeps {
  readonly calls: LlmCallStore;
  readonly governance: GovernanceClient;
  readonly prices: PriceTable;
}

/** The charge key of a recorded call: its request hash, which names it once for good. */
export function chargeKey(hash: string): string {
  return `worlds:llm_call:${hash}`;
}

/**
 * Reports the LLM calls recorded for one turn of a world to governance,
 * priced by the table, under a directive. Every call is reported, however
 * often this runs: governance counts a key once, so a retried turn (whose
 * calls are answered from the records of the attempt before) or a report
 * repeated after a crash never doubles the spend, and a report missed by a
 * crashed attempt is made by the next. Calls answered from another world's
 * records are not this world's and cost nothing here.
 */
export async function chargeTurn(
  deps: ChargeDeps,
  charge: { directive_id: string; world_id: number; world_slug: string; turn: number },
  correlationId: string,
): Promise<RecordSpendReply | undefined> {
  const segments = [{ world_id: charge.world_id, from: charge.turn, to: charge.turn }];
  let after: { turn: number; recorded_at: string; hash: string } | undefined;
  let reply: RecordSpendReply | undefined;
  for (;;) {
    const calls = await deps.calls.list({ segments }, after, CHARGES_PER_REQUEST);
    // No call, nothing to report (the run is started by the first charge).
    if (calls.length === 0) return reply;
    reply = await deps.governance.recordSpend(
      {
        directive_id: charge.directive_id,
        work: 'run_turn',
        subject: charge.world_slug,
        charges: calls.map((call) => ({
          key: chargeKey(call.hash),
          model: call.model,
          tokens: call.input_tokens + call.output_tokens,
          amount: callCost(deps.prices, call),
          currency: deps.prices.currency,
        })),
      },
      { correlationId },
    );
    const last = calls.at(-1);
    if (last === undefined || calls.length < CHARGES_PER_REQUEST) return reply;
    after = {
      turn: last.turn,
      recorded_at: new Date(last.recorded_at).toISOString(),
      hash: last.hash,
    };
  }
}
