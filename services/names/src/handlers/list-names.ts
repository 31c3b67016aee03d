import type { ListNamesReply, ListNamesRequest } from '@crucible/contracts';
import { likePrefix } from '../domain/like-prefix';
import { DEFAULT_PAGE_LIMIT, pageOf } from '../domain/page';
import type { NamesDeps } from './deps';

/** list_names: names in name order, by prefix and/or target hash, after a cursor. */
export async function listNames(
  deps: NamesDeps,
  request: ListNamesRequest,
): Promise<ListNamesReply> {
  const limit = request.limit ?? DEFAULT_PAGE_LIMIT;
  const rows = await deps.store.list({
    like: request.prefix ? likePrefix(request.prefix) : undefined,
    hash: request.hash,
    after: request.after,
    limit: limit + 1,
  });
  const { items, last } = pageOf(rows, limit);
  return {
    names: items.map((row) => ({
      name: row.name,
      hash: row.hash,
      updated_at: row.updated_at.toISOString(),
    })),
    next_after: last?.name ?? null,
  };
}
