import { invalidArgument } from '@crucible/contracts';

/** Default page of the listing operations (the schemas cap `limit` at 1000). */
export const DEFAULT_PAGE_LIMIT = 100;

/**
 * Room kept for the reply's envelope and the fields beside the page's items
 * when a page is cut to fit the bus's largest message.
 */
const REPLY_RESERVE_BYTES = 16 * 1024;

/**
 * Cuts rows read with `limit + 1` to a page that is at most `limit` items and
 * whose items' JSON fits in `maxBytes` (always at least one item, so paging
 * moves on). `more` is true when rows follow the page: the caller then gives
 * a next_cursor built from the page's last item, and only then.
 */
export function cutPage<T>(
  rows: readonly T[],
  limit: number,
  maxBytes: number,
): { items: T[]; more: boolean } {
  const budget = Math.max(1, maxBytes - REPLY_RESERVE_BYTES);
  const items: T[] = [];
  let used = 0;
  for (const row of rows.slice(0, limit)) {
    // +1 for the comma between items.
    const size = Buffer.byteLength(JSON.stringify(row), 'utf8') + 1;
    if (items.length > 0 && used + size > budget) return { items, more: true };
    items.push(row);
    used += size;
  }
  return { items, more: rows.length > limit };
}

/** An opaque cursor: the sort key of a page's last item, base64url JSON. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * The sort key inside a cursor this service issued, checked against `shape`
 * (one type per position); anything else is invalid_argument at `path`.
 */
export function decodeCursor(
  cursor: string,
  shape: readonly ('string' | 'number')[],
  path: string,
): (string | number)[] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === shape.length &&
      value.every((v, i) =>
        shape[i] === 'number' ? Number.isSafeInteger(v) : typeof v === 'string',
      )
    ) {
      return value as (string | number)[];
    }
  } catch {
    // fall through
  }
  throw invalidArgument(path, 'invalid_cursor', `${path}: not a cursor this service issued`);
}
