import { decodeCursor, encodeCursor, pageBudget, pageBySize } from '@crucible/messaging';

/** Default page size of the listing operations (the schemas cap `limit` at 1000). */
export const DEFAULT_PAGE_LIMIT = 100;

/**
 * Cuts rows read with `limit + 1` to a page that fits the reply budget
 * (docs/messaging.md#paged-replies): `next_cursor` is present exactly when
 * more rows follow, and names the last row of the page.
 */
export function cutPage<T, W>(
  rows: readonly T[],
  options: {
    limit: number;
    replyBudgetBytes: number;
    /** The reply with its list empty. */
    frame: unknown;
    wire: (row: T) => W;
    position: (row: T) => unknown;
  },
): { items: W[]; next_cursor?: string } {
  const page = pageBySize(rows, {
    budgetBytes: pageBudget(options.replyBudgetBytes, options.frame),
    limit: options.limit,
    encode: options.wire,
  });
  const last = page.items[page.items.length - 1];
  const items = page.items.map(options.wire);
  return page.more && last !== undefined
    ? { items, next_cursor: encodeCursor(options.position(last)) }
    : { items };
}

/** A cursor of `[string, string]` (a time and an id), or undefined when absent. */
export function pairCursor(cursor: string | undefined): [string, string] | undefined {
  if (cursor === undefined) return undefined;
  return decodeCursor(
    cursor,
    '/cursor',
    (v): v is [string, string] =>
      Array.isArray(v) &&
      v.length === 2 &&
      typeof v[0] === 'string' &&
      typeof v[1] === 'string' &&
      !Number.isNaN(Date.parse(v[0])),
  );
}

/** A cursor of one string (a name), or undefined when absent. */
export function nameCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  return decodeCursor(cursor, '/cursor', (v): v is string => typeof v === 'string');
}
