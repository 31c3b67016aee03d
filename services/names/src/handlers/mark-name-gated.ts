import type { MarkNameGatedReply, MarkNameGatedRequest } from '@crucible/contracts';
import type { NamesDeps } from './deps';

/**
 * mark_name_gated (the evaluation service's bind_name_gate and
 * unbind_name_gate): whether moves of the name ask check_name_gate first.
 * Takes the name's move lock, so a move in flight either commits before it
 * or sees the mark (and then must have been checked: flows/move-names.ts).
 */
export async function markNameGated(
  deps: NamesDeps,
  request: MarkNameGatedRequest,
): Promise<MarkNameGatedReply> {
  const changed = await deps.store.transaction(async (trx) => {
    await deps.store.lockNames([request.name], trx);
    const at = await deps.store.moveTime(trx);
    return deps.store.markGated({ name: request.name, gated: request.gated, at }, trx);
  });
  return { name: request.name, gated: request.gated, changed };
}
