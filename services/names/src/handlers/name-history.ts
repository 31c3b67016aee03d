import type { NameHistoryReply, NameHistoryRequest } from '@crucible/contracts';
import { DEFAULT_PAGE_LIMIT, pageOf } from '../domain/page';
import type { NamesDeps } from './deps';

/** name_history: the moves of a name, newest first; a name never set has none. */
export async function nameHistory(
  deps: NamesDeps,
  request: NameHistoryRequest,
): Promise<NameHistoryReply> {
  const limit = request.limit ?? DEFAULT_PAGE_LIMIT;
  const rows = await deps.store.history(request.name, {
    limit: limit + 1,
    beforeId: request.before_id,
  });
  const { items, last } = pageOf(rows, limit);
  return {
    name: request.name,
    entries: items.map((row) => ({
      id: Number(row.id),
      name: row.name,
      old_hash: row.old_hash,
      new_hash: row.new_hash,
      note: row.note,
      actor: row.actor,
      changed_at: row.changed_at.toISOString(),
    })),
    next_before_id: last === undefined ? null : Number(last.id),
  };
}
