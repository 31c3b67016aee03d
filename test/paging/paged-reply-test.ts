import type { OperationName } from '@crucible/contracts';
import type { PlatformStack } from '../platform/stack';

export interface PagedReplyContext {
  readonly stack: PlatformStack;
  /** The bus's largest payload: what the unpaged reply must have passed. */
  readonly maxPayload: number;
  /**
   * Calls an operation through the gateway (`POST /v1/ops/{operation}`) and
   * fails the test unless it answered 200. Replies of the entry's operation
   * are recorded for the runner's checks.
   */
  ok(operation: OperationName, request: unknown): Promise<any>;
  /** Like `ok`, without the status check. */
  call(operation: OperationName, request: unknown): Promise<{ status: number; body: any }>;
}

/**
 * One test of one paged operation (docs/messaging.md#paged-replies). Written
 * only as entries of `PAGED_REPLY_TESTS` (paged-reply-tests.ts): the runner
 * makes each a jest test and fails it unless the entry's operation answered,
 * in pages that each fit the bus, more than the bus's max payload in all,
 * with a continuation on some page; test/repo/paged-replies.test.ts fails for
 * a paged operation with no entry.
 */
export interface PagedReplyTest {
  readonly operation: OperationName;
  readonly title: string;
  run(ctx: PagedReplyContext): Promise<void>;
}

/** The reply's continuation, if it has one (each paged operation names it its own way). */
export function continuationOf(body: any): unknown {
  for (const field of ['next_cursor', 'remaining', 'next_after', 'next_before_id']) {
    const value = body?.[field];
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}
