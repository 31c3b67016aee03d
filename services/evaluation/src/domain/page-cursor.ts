import { pageBySize } from '@crucible/messaging';

/** Default page size of the list operations (the schemas cap `limit` at 100). */
export const DEFAULT_PAGE_LIMIT = 50;

export interface PageOptions<R, T> {
  /** Most items on the page (the request's `limit`); the rows were read with one more. */
  readonly limit: number;
  /**
   * Bytes the page's items may take in the reply: `pageBudget` of the
   * handler's `ctx.replyBudgetBytes` and the reply around the list.
   */
  readonly budgetBytes: number;
  /** The row as it appears in the reply. */
  readonly encode: (row: R) => T;
  /** The row's position, as the cursor that resumes after it. */
  readonly position: (row: R) => string | number;
}

/**
 * Cuts rows read with `limit + 1` to a page, by count and by encoded size, so
 * a valid request never fails because its reply grew
 * (docs/messaging.md#paged-replies); `next_cursor` (the position of the last
 * row of the page, as text) only when more rows follow
 * (docs/services/evaluation.md, "Paging").
 */
export function pageOf<R, T>(
  rows: readonly R[],
  options: PageOptions<R, T>,
): { items: T[]; next_cursor?: string } {
  const page = pageBySize(rows, {
    budgetBytes: options.budgetBytes,
    limit: options.limit,
    encode: options.encode,
  });
  const items = page.items.map(options.encode);
  const last = page.items[page.items.length - 1];
  return page.more && last !== undefined
    ? { items, next_cursor: String(options.position(last)) }
    : { items };
}
