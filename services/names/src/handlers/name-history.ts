import type { NameHistoryReply, NameHistoryRequest } from '@crucible/contracts';
import { pageBudget, pageBySize, type RpcContext } from '@crucible/messaging';
import { DEFAULT_PAGE_LIMIT, pageOf } from '../domain/page';
import type { NamesDeps } from './deps';

/**
 * name_history: the moves of a name, newest first; a name never set has none.
 * A page stops at `limit` or where the bus would (docs/messaging.md#paged-replies:
 * notes of 10,000 characters make 1000 entries tens of megabytes); then
 * `next_before_id` continues after its last entry. One entry always fits
 * (60 KB at most: a note of 10,000 characters, each a 6-byte escape).
 */
export async function nameHistory(
  deps: NamesDeps,
  request: NameHistoryRequest,
  ctx: RpcContext,
): Promise<NameHistoryReply> {
  const limit = request.limit ?? DEFAULT_PAGE_LIMIT;
  const rows = await deps.store.history(request.name, {
    limit: limit + 1,
    beforeId: request.before_id,
  });
  const counted = pageOf(rows, limit);
  const entries = counted.items.map((row) => ({
    id: Number(row.id),
    name: row.name,
    old_hash: row.old_hash,
    new_hash: row.new_hash,
    note: row.note,
    actor: row.actor,
    changed_at: row.changed_at.toISOString(),
    // Only for a move under a directive: other entries read as they always did.
    ...(row.directive_id === null ? {} : { directive_id: row.directive_id }),
    ...(row.gate === null ? {} : { gate: row.gate }),
  }));
  const frame = { name: request.name, entries: [], next_before_id: Number.MAX_SAFE_INTEGER };
  const page = pageBySize(entries, { budgetBytes: pageBudget(ctx.replyBudgetBytes, frame, 0) });
  // More follow when the size cut or the count left some out.
  const last = page.more || counted.last ? page.items.at(-1) : undefined;
  return {
    name: request.name,
    entries: page.items,
    next_before_id: last === undefined ? null : last.id,
  };
}
