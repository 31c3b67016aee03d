import type { OperationName } from '@crucible/contracts';
import { op, startRealPlatform, type PlatformStack } from '../platform/stack';
import { continuationOf, type PagedReplyContext, type PagedReplyTest } from './paged-reply-test';
import { PAGED_REPLY_TESTS } from './paged-reply-tests';

// Real Postgres, NATS (max_payload 1 MiB) and Kafka: every paged operation's
// reply driven past the bus limit, answered in pages that each fit.
describe('paged replies (real servers)', () => {
  let stack: PlatformStack | undefined;

  beforeAll(async () => {
    stack = await startRealPlatform({ requestTimeoutMs: 20_000 });
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it.each(PAGED_REPLY_TESTS.map((test) => [`${test.operation}: ${test.title}`, test] as const))(
    '%s',
    async (_title, test: PagedReplyTest) => {
      if (!stack) throw new Error('the stack did not start');
      const s = stack;
      const maxPayload = s.infra.bus.maxPayload;
      const pages: Array<{ bytes: number; continued: boolean }> = [];
      const call = async (operation: OperationName, request: unknown) => {
        const result = await op(s, operation, request);
        if (operation === test.operation && result.status === 200) {
          pages.push({
            bytes: Buffer.byteLength(JSON.stringify(result.body)),
            continued: continuationOf(result.body) !== undefined,
          });
        }
        return result;
      };
      const ctx: PagedReplyContext = {
        stack: s,
        maxPayload,
        call,
        async ok(operation, request) {
          const { status, body } = await call(operation, request);
          if (status !== 200)
            throw new Error(`${operation} answered ${status}: ${JSON.stringify(body)}`);
          return body;
        },
      };
      await test.run(ctx);
      // The reply the pages make up would not have fit the bus; each page does.
      const total = pages.reduce((n, p) => n + p.bytes, 0);
      expect(total).toBeGreaterThan(maxPayload);
      expect(pages.some((p) => p.continued)).toBe(true);
      for (const page of pages) expect(page.bytes).toBeLessThan(maxPayload);
    },
    180_000,
  );
});
