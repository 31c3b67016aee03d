import { decodeCursor as decodeSharedCursor, encodeCursor, pageBySize } from '@crucible/messaging';

/** Default page of the listing operations (the schemas cap `limit` at 1000). */
export const DEFAULT_PAGE_LIMIT = 100;

/**
 * Room kept for the reply's envelope and the fields beside the page's items
 * when a page is cut to fit the bus's largest message.
 */
const REPLY_RESERVE_BYTES = 16 * 1024;

/**
 * Cuts rows read with `limit + 1` to a page that is at most `limit` items and
 * whose items' JSON (as `encode` gives them in the reply) fits in `maxBytes`
 * less the reserve (always at least one item, so paging moves on;
 * docs/messaging.md#paged-replies). `more` is true when rows follow the page:
 * the caller then gives a next_cursor built from the page's last item, and
 * only then. The counting is the messaging library's `pageBySize`.
 */
export function cutPage<T>(
  rows: readonly T[],
  limit: number,
  maxBytes: number,
  encode?: (row: T) => unknown,
): { items: T[]; more: boolean } {
  return pageBySize(rows, {
    budgetBytes: Math.max(1, maxBytes - REPLY_RESERVE_BYTES),
    limit,
    ...(encode === undefined ? {} : { encode }),
  });
}

/** An opaque cursor: the sort key of a page's last item (the messaging library's format). */
export { encodeCursor };

/**
 * The sort key inside a cursor this service issued, checked against `shape`
 * (one type per position); anything else is invalid_argument at `path`.
 */
export function decodeCursor(
  cursor: string,
  shape: readonly ('string' | 'number')[],
  path: string,
): (string | number)[] {
  return decodeSharedCursor(
    cursor,
    path,
    (value): value is (string | number)[] =>
      Array.isArray(value) &&
      value.length === shape.length &&
      value.every((v, i) =>
        shape[i] === 'number' ? Number.isSafeInteger(v) : typeof v === 'string',
      ),
  );
}
