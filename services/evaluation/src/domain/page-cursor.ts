/** Default page size of the list operations (the schemas cap `limit` at 100). */
export const DEFAULT_PAGE_LIMIT = 50;

/**
 * Cuts rows read with `limit + 1` to a page; `next_cursor` (the last id of
 * the page, as text) only when more rows follow (docs/services/evaluation.md, "Paging").
 */
export function pageOf<T extends { id: number }>(
  rows: readonly T[],
  limit: number,
): { items: T[]; next_cursor?: string } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return rows.length > limit && last !== undefined
    ? { items, next_cursor: String(last.id) }
    : { items };
}
