import type { ListWorldsReply, ListWorldsRequest } from '@crucible/contracts';
import { cutPage, decodeCursor, DEFAULT_PAGE_LIMIT, encodeCursor } from '../domain/page';
import { worldSummary } from '../flows/world-view';
import type { WorldsDeps } from './deps';

/** list_worlds: live worlds newest first, by scenario hash or label, paged by cursor and size. */
export async function listWorlds(
  deps: WorldsDeps,
  request: ListWorldsRequest,
): Promise<ListWorldsReply> {
  const limit = request.limit ?? DEFAULT_PAGE_LIMIT;
  const after =
    request.cursor === undefined
      ? undefined
      : decodeCursor(request.cursor, ['string', 'number'], '/cursor');
  const rows = await deps.store.listWorlds({
    ...(request.scenario_hash === undefined ? {} : { scenario_hash: request.scenario_hash }),
    ...(request.scenario_label === undefined ? {} : { scenario_label: request.scenario_label }),
    ...(after === undefined
      ? {}
      : { after: { created_at: after[0] as string, id: after[1] as number } }),
    limit: limit + 1,
  });
  const page = cutPage(
    rows.map((row) => ({ row, summary: worldSummary(row) })),
    limit,
    deps.maxReplyBytes,
    // Only the summary goes in the reply (not the row with its scenario snapshot).
    (i) => i.summary,
  );
  const last = page.items[page.items.length - 1];
  return {
    worlds: page.items.map((i) => i.summary),
    ...(page.more && last
      ? { next_cursor: encodeCursor([last.row.created_at.toISOString(), last.row.id]) }
      : {}),
  };
}
