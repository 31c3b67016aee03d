import type { ListNamesReply, ListNamesRequest } from '@crucible/contracts';
import { pageBudget, pageBySize, type RpcContext } from '@crucible/messaging';
import { likePrefix } from '../domain/like-prefix';
import { DEFAULT_PAGE_LIMIT, pageOf } from '../domain/page';
import { protectionFields } from '../flows/name-protection';
import type { NamesDeps } from './deps';

/**
 * list_names: names in name order, by prefix and/or target hash, after a
 * cursor, each with its protection (`protected`, `protection`). The page is
 * cut by size like every list (docs/messaging.md#paged-replies: a
 * protection's note may be long), then `next_after` continues after its
 * last name.
 */
export async function listNames(
  deps: NamesDeps,
  request: ListNamesRequest,
  ctx: RpcContext,
): Promise<ListNamesReply> {
  const limit = request.limit ?? DEFAULT_PAGE_LIMIT;
  const rows = await deps.store.list({
    like: request.prefix ? likePrefix(request.prefix) : undefined,
    hash: request.hash,
    after: request.after,
    limit: limit + 1,
  });
  const counted = pageOf(rows, limit);
  const protections = await deps.store.protections(counted.items.map((row) => row.name));
  const names = counted.items.map((row) => ({
    name: row.name,
    hash: row.hash,
    updated_at: row.updated_at.toISOString(),
    ...protectionFields(protections.get(row.name)),
  }));
  const frame = { names: [], next_after: 'n'.repeat(64) };
  const page = pageBySize(names, { budgetBytes: pageBudget(ctx.replyBudgetBytes, frame, 0) });
  // More follow when the size cut or the count left some out.
  const last = page.more || counted.last ? page.items.at(-1) : undefined;
  return { names: page.items, next_after: last?.name ?? null };
}
