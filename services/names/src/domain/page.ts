/** Default and largest page of the listing operations (the schemas cap `limit` at 1000). */
export const DEFAULT_PAGE_LIMIT = 100;

/**
 * Cuts rows read with `limit + 1` down to a page; `last` is the final row of
 * the page when more rows follow (the caller turns it into the next cursor).
 */
export function pageOf<T>(rows: readonly T[], limit: number): { items: T[]; last: T | undefined } {
  const items = rows.slice(0, limit);
  return { items, last: rows.length > limit ? items[items.length - 1] : undefined };
}
